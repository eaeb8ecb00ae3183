"""The numbers as drawn: a JSON-ready record read back from a figure's matplotlib artists.

Tests compare this record with their own SQL, so it is taken from the artists after drawing, never
from the data the figure modules computed.
"""
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.text import Annotation


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def _bars(ax) -> list[dict]:
    return [{"label": c.get_label(),
             "x": _floats(p.get_x() + p.get_width() / 2 for p in c.patches),
             "heights": _floats(p.get_height() for p in c.patches),
             "bottoms": _floats(p.get_y() for p in c.patches)}
            for c in ax.containers if isinstance(c, BarContainer)]


def _lines(ax) -> list[dict]:
    return [{"label": line.get_label(), "x": _floats(line.get_xdata()),
             "y": _floats(line.get_ydata())}
            for line in ax.get_lines() if not line.get_label().startswith("_")]


def _scatter(ax) -> list[dict]:
    return [{"label": c.get_label(), "offsets": [_floats(xy) for xy in c.get_offsets()]}
            for c in ax.collections if isinstance(c, PathCollection)]


def _texts(ax) -> list[dict]:
    return [{"text": t.get_text(),
             "xy": _floats(t.xy if isinstance(t, Annotation) else t.get_position())}
            for t in ax.texts]


def _axes(ax) -> dict:
    return {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            "xticks": _floats(ax.get_xticks()),
            "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
            "bars": _bars(ax), "lines": _lines(ax), "scatter": _scatter(ax), "texts": _texts(ax)}


def record(fig) -> dict:
    """Title, labels, ticks, bars, labelled lines, scatter offsets and annotations of every axes
    of a drawn figure."""
    suptitle = fig._suptitle.get_text() if fig._suptitle else ""
    supxlabel = fig._supxlabel.get_text() if fig._supxlabel else ""
    return {"suptitle": suptitle, "supxlabel": supxlabel, "axes": [_axes(ax) for ax in fig.axes]}
