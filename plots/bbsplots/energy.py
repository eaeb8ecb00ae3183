"""Energy breakdown (paper Fig. 13): each accelerator's energy on every network split into DRAM,
SRAM (reads + writes) and PE + registers, each part divided by the baseline's total energy on the
same network, and the arithmetic mean of each part over the networks.

Points: the smallest point_key per network and preset (select.py), for the accelerators and the
baseline alike.
"""
from matplotlib.patches import Patch

from . import select, style
from .context import Context

MEAN = "Mean"
# Stack order bottom to top: (legend name, bar hatch, columns summed).
COMPONENTS = [
    ("DRAM", "", ("energy_dram_pj",)),
    ("SRAM", "///", ("energy_sram_read_pj", "energy_sram_write_pj")),
    ("PE + registers", "...", ("energy_pe_pj", "energy_registers_pj")),
]


def normalized_parts(ctx: Context) -> tuple[list[str], dict[tuple[str, str], list[float]]]:
    """Networks with a baseline point (campaign order) and, per (network, accel) on them, each
    component's energy / the baseline's total energy."""
    rows = select.points(ctx, select.PER_ACCEL)
    wanted = select.networks(rows, ctx.network)
    base = {r["network"]: r["energy_pj"] for r in rows
            if r["accel"] == ctx.baseline and r["network"] in wanted}
    if not base:
        raise select.missing_baseline(ctx, ctx.baseline)
    networks = [n for n in wanted if n in base]
    parts = {(r["network"], r["accel"]): [sum(r[c] for c in columns) / base[r["network"]]
                                          for _, _, columns in COMPONENTS]
             for r in rows if r["network"] in base}
    return networks, parts


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def draw(ctx: Context):
    """Stacked bars: a group per network and a final mean group, a bar per preset (its colour),
    the components stacked bottom to top (hatches)."""
    networks, parts = normalized_parts(ctx)
    accels = style.sort_accels(a for _, a in parts)
    groups = networks + [MEAN]
    fig, (ax,) = style.figure(max(7.5, 1.4 * len(groups) + 3.5), 4.8)
    offsets, width = style.grouped_bars(ax, groups, len(accels))
    for accel, offset in zip(accels, offsets):
        present = [(i, parts[(n, accel)]) for i, n in enumerate(networks) if (n, accel) in parts]
        xs = [i + offset for i, _ in present] + [len(networks) + offset]
        stacks = [p for _, p in present]
        stacks.append([mean([p[k] for p in stacks]) for k in range(len(COMPONENTS))])
        bottoms = [0.0] * len(stacks)
        for k, (component, hatch, _) in enumerate(COMPONENTS):
            heights = [s[k] for s in stacks]
            ax.bar(xs, heights, width, bottom=bottoms, hatch=hatch,
                   label=f"{style.display_name(accel)}: {component}",
                   color=style.accel_color(accel), edgecolor="black", linewidth=0.4)
            bottoms = [b + h for b, h in zip(bottoms, heights)]
    baseline = style.display_name(ctx.baseline)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_ylabel(f"Energy normalized to {baseline}")
    ax.set_xlabel("Network")
    ax.legend(handles=_legend_handles(accels), loc="upper left", bbox_to_anchor=(1.01, 1),
              frameon=False)
    style.set_title(fig, ctx.campaign_title(f"Energy breakdown normalized to {baseline}"))
    return [("energy", fig)]


def _legend_handles(accels: list[str]) -> list[Patch]:
    """One colour patch per preset, then one hatch patch per component."""
    return ([Patch(facecolor=style.accel_color(a), edgecolor="black", linewidth=0.4,
                   label=style.display_name(a)) for a in accels]
            + [Patch(facecolor="white", edgecolor="black", hatch=hatch, label=component)
               for component, hatch, _ in COMPONENTS])
