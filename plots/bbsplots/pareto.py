"""Design space of each network: every done point of the campaign in (a) latency vs energy and
(b) energy-delay product vs area, with the non-dominated front of each plane (both metrics
minimised), numbered front points listed with their settings below each panel, and the presets as shipped ("paper
configuration", point_key exactly `accel=NAME`) starred. A point whose panel metric is unknown
(NULL: area_mm2 of a design whose PE area is not published, `area.pe_um2 = 0`) is left out of that
panel, with a warning and a note on the panel.
"""
from matplotlib.lines import Line2D

from . import select, style
from .context import Context
from .errors import warn

MAX_LABELS = 6
PAPER_CONFIG = "paper configuration"

# Per panel: title, x and y labels, and the point's (x, y) in display units. The front is computed
# on the stored values (ms = s * 1e3, mJ = pJ * 1e-9, mJ·ms = pJ·s * 1e-9 * 1e3 are monotonic).
PANELS = [
    ("(a) Latency vs energy", "Latency (ms)", "Energy (mJ)",
     lambda r: (r["time_s"], r["energy_pj"]), lambda x, y: (x * 1e3, y * 1e-9)),
    ("(b) Energy-delay product vs area", "EDP (mJ·ms)", "Area (mm²)",
     lambda r: (r["edp"], r["area_mm2"]), lambda x, y: (x * 1e-9 * 1e3, y)),
]


def front(rows: list, metrics) -> list:
    """Rows no other row dominates (<= in both metrics, < in one), sorted by the first metric.
    Rows with equal metrics are all kept, as an SQL NOT EXISTS dominance query keeps them."""
    result, best_y = [], float("inf")
    by_x: dict[float, list] = {}
    for r in rows:
        by_x.setdefault(metrics(r)[0], []).append(r)
    for x in sorted(by_x):
        lowest = min(metrics(r)[1] for r in by_x[x])
        if lowest < best_y:
            result += [r for r in by_x[x] if metrics(r)[1] == lowest]
            best_y = lowest
    return result


LABEL_CHARS = 80  # a label longer than this is cut: text layout of a 10 MB key never ends


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "\u2026"


def front_labels(rows: list) -> tuple[list[str], str]:
    """A label per row (its settings, or the preset name for a plain preset) without the settings
    every row shares, and those shared settings; each at most LABEL_CHARS characters."""
    settings = [select.settings(r["point_key"]) for r in rows]
    shared = {k: v for k, v in settings[0].items() if all(s.get(k) == v for s in settings)}
    labels = [_short(" ".join(f"{k}={v}" for k, v in s.items() if k not in shared)
                     or style.display_name(r["accel"])) for r, s in zip(rows, settings)]
    return labels, _short(" ".join(f"{k}={v}" for k, v in shared.items()))


def draw(ctx: Context):
    """One figure per network of the campaign (or --network)."""
    rows = select.points(ctx)
    return [(f"pareto-{style.file_stem(network)}", _network_figure(ctx, network,
                                                  [r for r in rows if r["network"] == network]))
            for network in select.networks(rows, ctx.network)]


def _network_figure(ctx: Context, network: str, rows: list):
    fig, axes = style.figure(13.0, 5.2, ncols=2)
    for ax, panel in zip(axes, PANELS):
        _panel(ax, rows, *panel)
    # Panel (a)'s entries: every preset is drawn there (an area may be unknown, panel b).
    axes[1].legend(*axes[0].get_legend_handles_labels(), loc="upper left",
                   bbox_to_anchor=(1.02, 1), frameon=False)
    style.set_title(fig, ctx.campaign_title(
        f"Design space of {style.network_name(network)} ({len(rows)} points)"))
    return fig


def _panel(ax, all_rows: list, title: str, xlabel: str, ylabel: str, metrics, to_display) -> None:
    """Scatter per preset, hollow stars around the presets as shipped, the front as a step line
    and labels on it; points with an unknown (NULL) metric are left out with a note."""
    def shown(r):
        return to_display(*metrics(r))

    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    rows = [r for r in all_rows if None not in metrics(r)]
    unknown = sorted({r["accel"] for r in all_rows if None in metrics(r)})
    if unknown:
        note = (f"left out ({len(all_rows) - len(rows)}): {ylabel} unknown for "
                f"{', '.join(style.display_name(a) for a in unknown)} (PE area not published)")
        warn(f"{title}: {note}")
        ax.text(0.0, 1.0, note, transform=ax.transAxes, fontsize=8, va="bottom")
    if not rows:
        return

    for accel in style.sort_accels(r["accel"] for r in rows):
        ax.scatter(*zip(*(shown(r) for r in rows if r["accel"] == accel)), s=22, alpha=0.75,
                   color=style.accel_color(accel), label=style.display_name(accel))
    paper = [r for r in rows if r["point_key"] == f"accel={r['accel']}"]
    if paper:
        ax.scatter(*zip(*(shown(r) for r in paper)), marker="*", s=220, linewidths=1.0,
                   facecolors="none", edgecolors="black", label=PAPER_CONFIG, zorder=3)
    best = front(rows, metrics)
    ax.step(*zip(*(shown(r) for r in best)), where="post", color="black", linewidth=1.0,
            label="Pareto front", zorder=2)
    _label_front(ax, best, shown)
    xs, ys = zip(*(shown(r) for r in rows))
    style.log_if_wide(ax, xs, ys)


def _label_front(ax, best: list, shown) -> None:
    """Numbers at most MAX_LABELS distinct front positions, spread along the front, and lists
    their settings in a key below the panel; of points at the same position, the one with the
    smallest point_key names it."""
    at: dict[tuple, object] = {}
    for r in sorted(best, key=lambda r: r["point_key"]):
        at.setdefault(shown(r), r)
    positions = sorted(at)
    if len(positions) > MAX_LABELS:
        step = (len(positions) - 1) / (MAX_LABELS - 1)
        positions = [positions[round(i * step)] for i in range(MAX_LABELS)]
    labels, shared = front_labels([at[xy] for xy in positions])
    handles = []
    for number, xy in enumerate(positions, start=1):
        ax.annotate(str(number), xy, xytext=(5, 3), textcoords="offset points", fontsize=10,
                    fontweight="bold")
        handles.append(Line2D([], [], linestyle="none", marker=f"${number}$", color="black"))
    title = "Front points" + (f" (all: {shared})" if shared else "")
    key = ax.legend(handles, labels, title=title, loc="upper left", bbox_to_anchor=(0.0, -0.16),
                    frameon=False, fontsize=9, title_fontsize=9, alignment="left")
    ax.add_artist(key)
