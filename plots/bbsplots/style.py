"""Look of every figure: backend, fonts, preset names, colours and order, titles, bar layout."""
import textwrap
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402

plt.rcParams.update({
    "font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11, "legend.fontsize": 10,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 12,
    "axes.spines.top": False, "axes.spines.right": False,
})

# The paper's order (Figs. 12-13): baseline first, BitVert last.
ACCEL_ORDER = ["stripes", "pragmatic", "bitlet", "bitwave", "bitvert-cons", "bitvert"]
_DISPLAY = {"stripes": "Stripes", "pragmatic": "Pragmatic", "bitlet": "Bitlet",
            "bitwave": "BitWave", "bitvert-cons": "BitVert (cons.)", "bitvert": "BitVert (mod.)",
            "bit-parallel": "Bit-parallel"}
_COLORS = {"stripes": "#7f7f7f", "pragmatic": "#1f77b4", "bitlet": "#2ca02c",
           "bitwave": "#9467bd", "bitvert-cons": "#ff9f40", "bitvert": "#d62728",
           "bit-parallel": "#8c564b"}
_OTHER_COLORS = ["#17becf", "#bcbd22", "#e377c2", "#393b79", "#637939", "#843c39", "#7b4173"]


def display_name(accel: str) -> str:
    """The name a figure shows for a preset (unknown presets as they are)."""
    return _DISPLAY.get(accel, accel)


def accel_color(accel: str) -> str:
    """A colour per preset, the same in every figure and run (unknown ones by a stable hash)."""
    if accel in _COLORS:
        return _COLORS[accel]
    return _OTHER_COLORS[zlib.crc32(accel.encode()) % len(_OTHER_COLORS)]


def sort_accels(accels) -> list[str]:
    """Distinct presets in the paper's order, then any others alphabetically."""
    distinct = set(accels)
    known = [a for a in ACCEL_ORDER if a in distinct]
    return known + sorted(distinct - set(ACCEL_ORDER))


def figure(width: float, height: float, ncols: int = 1, **kwargs):
    """A figure with constrained layout and `ncols` axes side by side (axes as a list)."""
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained",
                             squeeze=False, **kwargs)
    return fig, list(axes[0])


def set_title(fig, text: str) -> None:
    """The figure title, wrapped so that it never runs past the figure's width."""
    size = plt.rcParams["figure.titlesize"]
    chars = int(fig.get_figwidth() * 72 / (size * 0.58))
    fig.suptitle("\n".join(textwrap.wrap(text, chars)))


def grouped_bars(ax, group_labels: list[str], members: int) -> tuple[list[float], float]:
    """Sets one x tick per group (centred at 0, 1, ...) and returns each member's bar offset
    from the group centre and the bar width, for `members` bars side by side per group."""
    width = 0.8 / max(members, 1)
    offsets = [(i - (members - 1) / 2) * width for i in range(members)]
    ax.set_xticks(range(len(group_labels)), group_labels)
    ax.set_xlim(-0.5, len(group_labels) - 0.5)
    return offsets, width


def log_if_wide(ax, xs, ys) -> None:
    """Log scale on each axis whose (positive) values span more than a factor of 10, with plain
    number labels at 1, 2 and 5 times each power of ten."""
    for values, set_scale, axis in ((xs, ax.set_xscale, ax.xaxis), (ys, ax.set_yscale, ax.yaxis)):
        positive = [v for v in values if v > 0]
        if positive and max(positive) > 10 * min(positive):
            set_scale("log")
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
