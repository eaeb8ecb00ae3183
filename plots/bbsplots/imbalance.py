"""Load imbalance (paper Figs. 14 and 15) on a PE-row sweep: how the speedup over iso-multiplier
Stripes (14) and the split of compute cycles into useful work, intra-PE and inter-PE stalls (15)
change with the number of PE rows, i.e. the weight channels that advance in lockstep.

A line is one design with array.rows varied: a preset plus the same other overrides (named in its
label when there are any). Only points paired with a Stripes point of the same multiplier count
are drawn (point_vs_baseline falls back to another Stripes point when none matches; such points
are left out with a warning). Network: --network, else the one with the most distinct row counts
among the paired points. Lines drawn: those with at least two row counts, at most MAX_LINES.
"""
from matplotlib.ticker import NullLocator

from . import select, style
from .context import Context
from .errors import MissingData, warn

MAX_LINES = 6
ROWS_LABEL = "PE rows (weight channels in lockstep; the paper's 'PE columns')"
# Stack order bottom to top: (legend name, colour, column).
CYCLE_SPLIT = [
    ("Useful", "#4c9a2a", "useful_fraction"),
    ("Intra-PE stall", "#f2b134", "intra_pe_stall_fraction"),
    ("Inter-PE stall", "#c0392b", "inter_pe_stall_fraction"),
]


def _iso_paired(ctx: Context) -> list:
    """Non-Stripes points with array.rows whose view baseline has their multiplier count."""
    candidates = [p for p in select.points(ctx) if p["accel"] != "stripes" and p["rows"] is not None]
    paired = [p for p in candidates if p["baseline_multipliers"] == p["multipliers"]]
    unpaired = [p for p in candidates if p["baseline_multipliers"] != p["multipliers"]]
    if unpaired and paired:
        names = "; ".join(f"{p['point_key']} on {p['network']} ({p['multipliers']} multipliers)"
                          for p in unpaired[:5])
        warn(f"imbalance: leaving out {len(unpaired)} points without an iso-multiplier stripes "
             f"point: {names}{'; ...' if len(unpaired) > 5 else ''}")
    if candidates and not paired:
        raise MissingData(f"no point of campaign '{ctx.campaign.name}' has a stripes point with "
                          f"the same multiplier count to compute its speedup against; add stripes "
                          f"with \"array.rows\" at the matching counts (the built-in campaign "
                          f"'paper' pairs each design with rows / 2 rows of stripes)")
    return paired


def sweep(ctx: Context) -> tuple[str, dict[str, list]]:
    """The swept network and, per line label (at most MAX_LINES lines with >= 2 row counts),
    its accel and points sorted by rows."""
    points = _iso_paired(ctx)
    counts: dict[str, set] = {}
    for p in points:
        counts.setdefault(p["network"], set()).add(p["rows"])
    network = ctx.network or max(counts, key=lambda n: len(counts[n]), default=None)
    lines: dict[tuple, list] = {}
    for p in sorted((p for p in points if p["network"] == network), key=lambda p: p["rows"]):
        rest = {k: v for k, v in select.settings(p["point_key"]).items() if k != "rows"}
        line = lines.setdefault((p["accel"], tuple(rest.items())), [])
        if not line or line[-1]["rows"] != p["rows"]:  # the smallest point_key per row count
            line.append(p)
    order = {a: i for i, a in enumerate(style.sort_accels(a for a, _ in lines))}
    swept = {select.label(accel, dict(rest)): points
             for (accel, rest), points in sorted(lines.items(), key=lambda i: (order[i[0][0]],
                                                                               i[0][1]))
             if len(points) >= 2}
    if not swept:
        where = f"on network '{network}' " if ctx.network else ""
        raise MissingData(f"no PE-row sweep {where}in campaign '{ctx.campaign.name}' (no preset "
                          f"other than stripes has done points at two or more array.rows values "
                          f"on one network); the built-in campaign 'paper' sweeps array.rows on "
                          f"bert_base_mrpc")
    if len(swept) > MAX_LINES:
        warn(f"imbalance: drawing the first {MAX_LINES} of {len(swept)} PE-row sweeps "
             f"({', '.join(list(swept)[MAX_LINES:])} left out)")
        swept = dict(list(swept.items())[:MAX_LINES])
    return network, swept


def draw(ctx: Context):
    network, swept = sweep(ctx)
    return [("imbalance-speedup", _speedup_figure(ctx, network, swept)),
            ("imbalance-stalls", _stalls_figure(ctx, network, swept))]


def _speedup_figure(ctx: Context, network: str, swept: dict[str, list]):
    """Fig. 14: a line per preset, speedup over iso-multiplier Stripes against PE rows (log2)."""
    fig, (ax,) = style.figure(7.0, 4.6)
    for name, points in swept.items():
        ax.plot([p["rows"] for p in points], [p["speedup"] for p in points], marker="o",
                label=name, color=style.accel_color(points[0]["accel"]))
    ticks = sorted({p["rows"] for points in swept.values() for p in points})
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel(ROWS_LABEL)
    ax.set_ylabel("Speedup over iso-multiplier Stripes (×)")
    ax.legend(frameon=False)
    style.set_title(fig, ctx.campaign_title(
        f"Speedup vs PE rows on {style.network_name(network)}"))
    return fig


def _stalls_figure(ctx: Context, network: str, swept: dict[str, list]):
    """Fig. 15: per preset, stacked bars per row count of useful / intra-PE / inter-PE cycles."""
    fig, axes = style.figure(max(6.0, 3.2 * len(swept) + 1.5), 4.4, ncols=len(swept), sharey=True)
    for ax, (line_label, points) in zip(axes, swept.items()):
        ax.set_xticks(range(len(points)), [str(p["rows"]) for p in points])
        bottoms = [0.0] * len(points)
        for name, color, column in CYCLE_SPLIT:
            heights = [p[column] for p in points]
            ax.bar(range(len(points)), heights, 0.7, bottom=bottoms, label=name, color=color,
                   edgecolor="black", linewidth=0.4)
            bottoms = [b + h for b, h in zip(bottoms, heights)]
        ax.set_title(line_label)
    axes[0].set_ylabel("Fraction of compute cycles")
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    fig.supxlabel(ROWS_LABEL, fontsize=10)
    style.set_title(fig, ctx.campaign_title(
        f"Compute-cycle split vs PE rows on {style.network_name(network)}"))
    return fig
