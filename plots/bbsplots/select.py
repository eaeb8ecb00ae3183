"""The SQL and the rules shared by the campaign figures: which design points they draw, what
each is called, and which are paired with a baseline.

A design point is its preset plus overrides; its `point_key` is `accel=NAME` for the preset as
shipped and `accel=NAME;key=value;...` otherwise (docs/campaigns.md).

- Bar figures (speedup, energy) draw one series per preset: the preset as shipped when the
  campaign has it, else the preset's only design point (labelled with its overrides). A preset
  with several design points and none as shipped (a sweep, an NSGA-II search) has no single
  point that stands for it; it is left out with a warning (the pareto figure shows it).
- An LLM decode workload is its own group, named after its network plus " (decode)" (the
  prefill of the same network keeps the plain name).
- A ratio needs a pair: a bar is drawn only when its point and the baseline's point on the same
  network have the same number of multipliers (iso-multiplier, as the paper's Figs. 12-14);
  unpaired points are left out with a warning naming them.
"""
from dataclasses import dataclass
import sqlite3

from . import style
from .context import Context
from .errors import MissingData, warn

_POINTS_SQL = """
SELECT p.id, p.workload_id,
       w.network || CASE json_extract(w.workload_json, '$.phase')
                    WHEN 'decode' THEN ' (decode)' ELSE '' END AS network, p.point_key, p.accel, p.multipliers,
       CAST(json_extract(p.hardware_json, '$."array.rows"') AS INTEGER) AS rows,
       p.time_s, p.energy_pj, p.energy_dram_pj, p.energy_sram_read_pj, p.energy_sram_write_pj,
       p.energy_pe_pj, p.energy_registers_pj, p.edp, p.area_mm2, p.useful_fraction,
       p.intra_pe_stall_fraction, p.inter_pe_stall_fraction,
       v.speedup, b.point_key AS baseline_key, b.multipliers AS baseline_multipliers
FROM design_point p JOIN workload w ON w.id = p.workload_id
LEFT JOIN point_vs_baseline v ON v.point_id = p.id
LEFT JOIN design_point b ON b.id = v.baseline_id
WHERE p.campaign_id = ? AND p.profile = ? AND p.status = 'done'
ORDER BY p.workload_id, p.point_key
"""


def points(ctx: Context) -> list[sqlite3.Row]:
    """Done points of the campaign's profile (MissingData if none), with `network`, `rows`
    (array.rows), `speedup` over the view's Stripes point (point_vs_baseline) and that point's
    `baseline_key` and `baseline_multipliers`."""
    return ctx.conn.execute(_POINTS_SQL, (ctx.campaign.id, ctx.profile)).fetchall()


def networks(rows: list[sqlite3.Row], only: str | None) -> list[str]:
    """The networks of `rows` in campaign order, or just `only` (--network) when it has points."""
    names = list(dict.fromkeys(r["network"] for r in rows))
    if only is None:
        return names
    if only not in names:
        raise MissingData(f"network '{only}' has no done points in the selected campaign "
                          f"(it has: {', '.join(names)})")
    return [only]


def settings(point_key: str) -> dict[str, str]:
    """The overrides of a point (its key after `accel=NAME;`), keys shortened: `array.` and
    `pruning.` dropped, other sections kept (weight_sram.capacity_kib)."""
    result = {}
    for item in point_key.split(";")[1:]:
        key, _, value = item.partition("=")
        section, _, name = key.partition(".")
        result[name if section in ("array", "pruning") else key] = value
    return result


def label(accel: str, overrides: dict[str, str]) -> str:
    """"BitVert (mod.)" for a preset as shipped, "BitVert (mod.) [rows=8 cols=16]" otherwise."""
    name = style.display_name(accel)
    if not overrides:
        return name
    return f"{name} [{' '.join(f'{k}={v}' for k, v in overrides.items())}]"


def is_shipped(row) -> bool:
    return row["point_key"] == f"accel={row['accel']}"


@dataclass
class Series:
    """One preset's bars: its label and, per network, the point drawn."""

    accel: str
    label: str
    points: dict  # network -> row


def design_series(rows: list, figure: str) -> list[Series]:
    """Per preset (paper order), the points that stand for it (module doc); warns about presets
    left out."""
    by_accel: dict[str, list] = {}
    for r in rows:
        by_accel.setdefault(r["accel"], []).append(r)
    result = []
    for accel in style.sort_accels(by_accel):
        members = by_accel[accel]
        shipped = [r for r in members if is_shipped(r)]
        keys = sorted({r["point_key"] for r in members})
        if not shipped and len(keys) > 1:
            warn(f"{figure}: leaving out {accel}: its {len(keys)} design points ({keys[0]}, ...) "
                 f"include no preset as shipped ('accel={accel}') to stand for it; the pareto "
                 f"figure shows them all")
            continue
        chosen = shipped or members
        result.append(Series(accel, label(accel, settings(chosen[0]["point_key"])),
                             {r["network"]: r for r in chosen}))
    return result


@dataclass
class Pairs:
    """What a normalized bar figure draws: networks that have a baseline point (campaign order),
    the series, and per (network, series label) the point and its baseline point."""

    networks: list[str]
    series: list[Series]
    pairs: dict  # (network, label) -> (row, baseline row)
    baseline: str = "stripes"  # the preset the ratios are against


def baseline_pairs(ctx: Context, figure: str) -> Pairs:
    """Each series' point paired with the baseline series' point on the same network when their
    multiplier counts are equal (others are warned about); MissingData when nothing pairs."""
    rows = points(ctx)
    wanted = networks(rows, ctx.network)
    series = design_series([r for r in rows if r["network"] in wanted], figure)
    baseline = ctx.baseline_for(figure, {r["accel"] for r in rows})
    base = next((s for s in series if s.accel == baseline), None)
    if base is None:
        raise missing_baseline(ctx, baseline, any(r["accel"] == baseline for r in rows))
    pairs, unpaired = {}, []
    for s in series:
        for network, row in s.points.items():
            b = base.points.get(network)
            if b is None:
                continue
            if row["multipliers"] != b["multipliers"]:
                unpaired.append(f"{s.label} on {network} ({row['multipliers']} multipliers, "
                                f"{base.label} {b['multipliers']})")
                continue
            pairs[(network, s.label)] = (row, b)
    if unpaired:
        warn(f"{figure}: leaving out {len(unpaired)} bars without an iso-multiplier "
             f"{base.label} point: {'; '.join(unpaired)}")
    drawn = [s for s in series if any(label == s.label for _, label in pairs)]
    return Pairs([n for n in wanted if n in base.points], drawn, pairs, baseline)


def missing_baseline(ctx: Context, accel: str, has_points: bool = False) -> MissingData:
    """The error for a campaign without a usable point of the accelerator the figure normalizes
    to (none at all, or only a sweep without the preset as shipped)."""
    if has_points:
        return MissingData(f"campaign '{ctx.campaign.name}' has '{accel}' points but not the "
                           f"preset as shipped (point_key 'accel={accel}') to normalize against; "
                           f"add a [[design]] with accel = \"{accel}\" and no axes")
    if accel in style.ACCEL_ORDER:
        hint = "the built-in campaign 'paper' has them (bbs-dse run paper)"
    else:
        hint = f"add a [[design]] with accel = \"{accel}\" to the campaign and rerun it"
    return MissingData(f"campaign '{ctx.campaign.name}' has no done '{accel}' points to normalize "
                       f"against; {hint}")
