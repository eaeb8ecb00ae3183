"""Speedup (paper Fig. 12): each accelerator's speedup over the baseline (--baseline, default
Stripes) on every network of the campaign, and the geometric mean over the networks.

Speedup = baseline time / point time, for the points select.baseline_pairs() pairs: per preset
the preset as shipped (or its only design point), with the baseline preset's point of the same
multiplier count on the same network.
"""
import math

import matplotlib.pyplot as plt

from . import select, style
from .context import Context

GEOMEAN = "Geomean"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _legend_columns(fig, labels: list[str]) -> int:
    """Up to 3 legend columns, as many as fit the axes: an entry is about 0.6 em per character
    plus 3 em of handle and gap (long labels such as "BitVert (mod.) [sensitive_fraction=0]"
    would otherwise run past the figure and collapse its layout)."""
    size_pt = plt.rcParams["legend.fontsize"]
    size_pt = size_pt if isinstance(size_pt, (int, float)) else plt.rcParams["font.size"]
    entry_in = (max(len(label) for label in labels) * 0.6 + 3) * size_pt / 72
    fit = int((fig.get_figwidth() - 1.0) // entry_in)
    return max(1, min(len(labels), 3, fit))


def draw(ctx: Context):
    """Grouped bars: a group per network and a final geometric-mean group, a bar per series."""
    data = select.baseline_pairs(ctx, "speedup")
    groups = [style.network_name(n) for n in data.networks] + [GEOMEAN]
    fig, (ax,) = style.figure(max(7.0, 1.3 * len(groups) + 2.5), 4.6)
    offsets, width = style.grouped_bars(ax, groups, len(data.series))
    for series, offset in zip(data.series, offsets):
        per_network = [(i, data.pairs[(n, series.label)]) for i, n in enumerate(data.networks)
                       if (n, series.label) in data.pairs]
        speedups = [base["time_s"] / row["time_s"] for _, (row, base) in per_network]
        xs = [i for i, _ in per_network] + [len(data.networks)]
        ax.bar([x + offset for x in xs], speedups + [geomean(speedups)], width,
               label=series.label, color=style.accel_color(series.accel), edgecolor="black",
               linewidth=0.4)
    baseline = style.display_name(data.baseline)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_ylabel(f"Speedup over {baseline} (×)")
    ax.set_xlabel("Network")
    ncols = _legend_columns(fig, [series.label for series in data.series])
    ax.legend(ncols=ncols, loc="upper left", frameon=False)
    # Headroom for the legend: 10 % of the tallest bar per legend row (2 rows: 1.25).
    legend_rows = -(-len(data.series) // ncols)
    ax.set_ylim(0, max(p.get_height() for p in ax.patches) * (1.05 + 0.1 * legend_rows))
    style.set_title(fig, ctx.campaign_title(f"Speedup over {baseline}"))
    return [("speedup", fig)]
