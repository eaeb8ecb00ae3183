"""Energy breakdown (paper Fig. 13): each accelerator's energy on every network split into DRAM,
SRAM (reads + writes) and PE + registers, each part divided by the baseline's total energy on the
same network, and a geometric-mean group.

Points: those select.baseline_pairs() pairs (the preset as shipped, or its only design point,
with the baseline preset's point of the same multiplier count). The geometric-mean bar has the
height of the geometric mean of the normalized totals, split in the arithmetic mean of each
component's share of the point's own energy (the shares of every bar sum to 1, so the parts sum
to the geomean).
"""
from matplotlib.patches import Patch

from . import select, style
from .context import Context
from .speedup import GEOMEAN, geomean

# Stack order bottom to top: (legend name, bar hatch, columns summed).
COMPONENTS = [
    ("DRAM", "", ("energy_dram_pj",)),
    ("SRAM", "///", ("energy_sram_read_pj", "energy_sram_write_pj")),
    ("PE + registers", "...", ("energy_pe_pj", "energy_registers_pj")),
]


def parts(row, base) -> list[float]:
    """Each component of `row`'s energy over the baseline's total energy."""
    return [sum(row[c] for c in columns) / base["energy_pj"] for _, _, columns in COMPONENTS]


def geomean_stack(stacks: list[list[float]]) -> list[float]:
    """The geometric-mean bar (module doc): geomean total, split by the mean component shares."""
    total = geomean([sum(s) for s in stacks])
    return [total * sum(s[k] / sum(s) for s in stacks) / len(stacks)
            for k in range(len(COMPONENTS))]


def draw(ctx: Context):
    """Stacked bars: a group per network and a final geomean group, a bar per series (its
    colour), the components stacked bottom to top (hatches)."""
    data = select.baseline_pairs(ctx, "energy")
    groups = [style.network_name(n) for n in data.networks] + [GEOMEAN]
    fig, (ax,) = style.figure(max(7.5, 1.4 * len(groups) + 3.5), 4.8)
    offsets, width = style.grouped_bars(ax, groups, len(data.series))
    for series, offset in zip(data.series, offsets):
        present = [(i, parts(*data.pairs[(n, series.label)])) for i, n in enumerate(data.networks)
                   if (n, series.label) in data.pairs]
        xs = [i + offset for i, _ in present] + [len(data.networks) + offset]
        stacks = [p for _, p in present]
        stacks.append(geomean_stack(stacks))
        bottoms = [0.0] * len(stacks)
        for k, (component, hatch, _) in enumerate(COMPONENTS):
            heights = [s[k] for s in stacks]
            ax.bar(xs, heights, width, bottom=bottoms, hatch=hatch,
                   label=f"{series.label}: {component}", color=style.accel_color(series.accel),
                   edgecolor="black", linewidth=0.4)
            bottoms = [b + h for b, h in zip(bottoms, heights)]
    baseline = style.display_name(data.baseline)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_ylabel(f"Energy normalized to {baseline}")
    ax.set_xlabel("Network")
    ax.legend(handles=_legend_handles(data.series), loc="upper left", bbox_to_anchor=(1.01, 1),
              frameon=False)
    style.set_title(fig, ctx.campaign_title(f"Energy breakdown normalized to {baseline}"))
    return [("energy", fig)]


def _legend_handles(series: list) -> list[Patch]:
    """One colour patch per series, then one hatch patch per component."""
    return ([Patch(facecolor=style.accel_color(s.accel), edgecolor="black", linewidth=0.4,
                   label=s.label) for s in series]
            + [Patch(facecolor="white", edgecolor="black", hatch=hatch, label=component)
               for component, hatch, _ in COMPONENTS])
