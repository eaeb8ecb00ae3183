"""The SQL shared by the campaign figures: which design points they draw.

Selection rule: within a group (e.g. one accelerator on one network) a figure draws the done point
with the smallest `point_key`. A preset as shipped has the key `accel=NAME`, which sorts before
every key of the same preset with overrides (`accel=NAME;...`), so a campaign that lists the
plain preset is drawn with it, and a campaign that only sweeps it is drawn with its first point.
"""
import sqlite3

from . import style
from .context import Context
from .errors import MissingData

# Groups for `points(first_per=...)`: one point per accelerator and workload, or per accelerator,
# workload and PE-row count.
PER_ACCEL = "workload_id, accel"
PER_ACCEL_ROWS = "workload_id, accel, rows"

_POINTS_SQL = """
WITH done AS (
  SELECT p.id, p.workload_id, w.network, p.point_key, p.accel,
         CAST(json_extract(p.hardware_json, '$."array.rows"') AS INTEGER) AS rows,
         p.time_s, p.energy_pj, p.energy_dram_pj, p.energy_sram_read_pj, p.energy_sram_write_pj,
         p.energy_pe_pj, p.energy_registers_pj, p.edp, p.area_mm2, p.useful_fraction,
         p.intra_pe_stall_fraction, p.inter_pe_stall_fraction
  FROM design_point p JOIN workload w ON w.id = p.workload_id
  WHERE p.campaign_id = ? AND p.profile = ? AND p.status = 'done'),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY {per} ORDER BY point_key) AS rank_in_group FROM done)
SELECT r.*, v.speedup FROM ranked r LEFT JOIN point_vs_baseline v ON v.point_id = r.id
WHERE r.rank_in_group = 1 OR ?
ORDER BY r.workload_id, r.point_key
"""


def points(ctx: Context, first_per: str | None = None) -> list[sqlite3.Row]:
    """Done points of the campaign's profile (MissingData if none), with `network`, `rows`
    (array.rows) and `speedup` (point_vs_baseline: over the iso-multiplier Stripes point). With
    `first_per` (PER_ACCEL or PER_ACCEL_ROWS), only the smallest point_key of each such group."""
    per = first_per or "id"
    return ctx.conn.execute(_POINTS_SQL.format(per=per),
                            (ctx.campaign.id, ctx.profile, first_per is None)).fetchall()


def networks(rows: list[sqlite3.Row], only: str | None) -> list[str]:
    """The networks of `rows` in campaign order, or just `only` (--network) when it has points."""
    names = list(dict.fromkeys(r["network"] for r in rows))
    if only is None:
        return names
    if only not in names:
        raise MissingData(f"network '{only}' has no done points in the selected campaign "
                          f"(it has: {', '.join(names)})")
    return [only]


def missing_baseline(ctx: Context, accel: str) -> MissingData:
    """The error for a campaign without done points of the accelerator the figure normalizes to."""
    if accel in style.ACCEL_ORDER:
        hint = "the built-in campaign 'paper' has them (bbs-dse run paper)"
    else:
        hint = f"add a [[design]] with accel = \"{accel}\" to the campaign and rerun it"
    return MissingData(f"campaign '{ctx.campaign.name}' has no done '{accel}' points to normalize "
                       f"against; {hint}")
