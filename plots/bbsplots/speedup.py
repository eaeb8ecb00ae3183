"""Speedup (paper Fig. 12): each accelerator's speedup over the baseline on every network of the
campaign, and the geometric mean over the networks.

Ratios come from the view point_vs_baseline (time of the iso-multiplier Stripes point / time of
the point). With another --baseline, they are divided by that preset's own ratio on the network,
so the baseline's bars are 1. Points: the smallest point_key per network and preset (select.py).
"""
import math

from . import select, style
from .context import Context

GEOMEAN = "Geomean"


def speedups(ctx: Context) -> tuple[list[str], dict[tuple[str, str], float]]:
    """Networks that have a baseline point paired with Stripes (campaign order), and the speedup
    of each (network, accel) over the baseline on them."""
    rows = select.points(ctx, select.PER_ACCEL)
    wanted = select.networks(rows, ctx.network)
    base = {r["network"]: r["speedup"] for r in rows if r["accel"] == ctx.baseline
            and r["network"] in wanted and r["speedup"] is not None}
    if not base:
        has_baseline = any(r["accel"] == ctx.baseline for r in rows)
        raise select.missing_baseline(ctx, "stripes" if has_baseline else ctx.baseline)
    networks = [n for n in wanted if n in base]
    values = {(r["network"], r["accel"]): r["speedup"] / base[r["network"]] for r in rows
              if r["network"] in base and r["speedup"] is not None}
    return networks, values


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def draw(ctx: Context):
    """Grouped bars: a group per network and a final geometric-mean group, a bar per preset."""
    networks, values = speedups(ctx)
    accels = style.sort_accels(a for _, a in values)
    groups = networks + [GEOMEAN]
    fig, (ax,) = style.figure(max(7.0, 1.3 * len(groups) + 2.5), 4.6)
    offsets, width = style.grouped_bars(ax, groups, len(accels))
    for accel, offset in zip(accels, offsets):
        per_network = [(i, values[(n, accel)]) for i, n in enumerate(networks)
                       if (n, accel) in values]
        xs = [i for i, _ in per_network] + [len(networks)]
        heights = [v for _, v in per_network] + [geomean([v for _, v in per_network])]
        ax.bar([x + offset for x in xs], heights, width, label=style.display_name(accel),
               color=style.accel_color(accel), edgecolor="black", linewidth=0.4)
    baseline = style.display_name(ctx.baseline)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_ylabel(f"Speedup over {baseline} (×)")
    ax.set_xlabel("Network")
    ax.legend(ncols=min(len(accels), 3), loc="upper left", frameon=False)
    ax.set_ylim(0, max(p.get_height() for p in ax.patches) * 1.25)
    style.set_title(fig, ctx.campaign_title(f"Speedup over {baseline}"))
    return [("speedup", fig)]
