"""Load imbalance (paper Figs. 14 and 15) on a PE-row sweep: how the speedup over iso-multiplier
Stripes (14) and the split of compute cycles into useful work, intra-PE and inter-PE stalls (15)
change with the number of PE rows, i.e. the weight channels that advance in lockstep.

Network: --network, else the one whose non-Stripes presets have the most distinct array.rows
values. Presets drawn: those other than Stripes with at least two row counts on it. Speedups come
from point_vs_baseline, which pairs each point with the Stripes point of equal multiplier count.
Points: the smallest point_key per preset and row count (select.py).
"""
from matplotlib.ticker import NullLocator

from . import select, style
from .context import Context
from .errors import MissingData

ROWS_LABEL = "PE rows (weight channels in lockstep; the paper's 'PE columns')"
# Stack order bottom to top: (legend name, colour, column).
CYCLE_SPLIT = [
    ("Useful", "#4c9a2a", "useful_fraction"),
    ("Intra-PE stall", "#f2b134", "intra_pe_stall_fraction"),
    ("Inter-PE stall", "#c0392b", "inter_pe_stall_fraction"),
]


def sweep(ctx: Context) -> tuple[str, dict[str, list]]:
    """The swept network and, per preset with >= 2 row counts on it, its points sorted by rows."""
    points = [p for p in select.points(ctx, select.PER_ACCEL_ROWS)
              if p["accel"] != "stripes" and p["rows"] is not None]
    counts: dict[str, set] = {}
    for p in points:
        counts.setdefault(p["network"], set()).add(p["rows"])
    network = ctx.network or max(counts, key=lambda n: len(counts[n]), default=None)
    per_accel: dict[str, list] = {}
    for p in sorted((p for p in points if p["network"] == network), key=lambda p: p["rows"]):
        per_accel.setdefault(p["accel"], []).append(p)
    swept = {a: per_accel[a] for a in style.sort_accels(per_accel) if len(per_accel[a]) >= 2}
    if not swept:
        where = f"on network '{network}' " if ctx.network else ""
        raise MissingData(f"no PE-row sweep {where}in campaign '{ctx.campaign.name}' (no preset "
                          f"other than stripes has done points at two or more array.rows values "
                          f"on one network); the built-in campaign 'paper' sweeps array.rows on "
                          f"bert_base_mrpc")
    return network, swept


def draw(ctx: Context):
    network, swept = sweep(ctx)
    if all(p["speedup"] is None for points in swept.values() for p in points):
        raise select.missing_baseline(ctx, "stripes")
    return [("imbalance-speedup", _speedup_figure(ctx, network, swept)),
            ("imbalance-stalls", _stalls_figure(ctx, network, swept))]


def _speedup_figure(ctx: Context, network: str, swept: dict[str, list]):
    """Fig. 14: a line per preset, speedup over iso-multiplier Stripes against PE rows (log2)."""
    fig, (ax,) = style.figure(7.0, 4.6)
    for accel, points in swept.items():
        paired = [(p["rows"], p["speedup"]) for p in points if p["speedup"] is not None]
        ax.plot(*zip(*paired), marker="o", label=style.display_name(accel),
                color=style.accel_color(accel))
    ticks = sorted({p["rows"] for points in swept.values() for p in points})
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel(ROWS_LABEL)
    ax.set_ylabel("Speedup over iso-multiplier Stripes (×)")
    ax.legend(frameon=False)
    style.set_title(fig, ctx.campaign_title(f"Speedup vs PE rows on {network}"))
    return fig


def _stalls_figure(ctx: Context, network: str, swept: dict[str, list]):
    """Fig. 15: per preset, stacked bars per row count of useful / intra-PE / inter-PE cycles."""
    fig, axes = style.figure(max(6.0, 3.2 * len(swept) + 1.5), 4.4, ncols=len(swept), sharey=True)
    for ax, (accel, points) in zip(axes, swept.items()):
        ax.set_xticks(range(len(points)), [str(p["rows"]) for p in points])
        bottoms = [0.0] * len(points)
        for name, color, column in CYCLE_SPLIT:
            heights = [p[column] for p in points]
            ax.bar(range(len(points)), heights, 0.7, bottom=bottoms, label=name, color=color,
                   edgecolor="black", linewidth=0.4)
            bottoms = [b + h for b, h in zip(bottoms, heights)]
        ax.set_title(style.display_name(accel))
    axes[0].set_ylabel("Fraction of compute cycles")
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    fig.supxlabel(ROWS_LABEL, fontsize=10)
    style.set_title(fig, ctx.campaign_title(f"Compute-cycle split vs PE rows on {network}"))
    return fig
