"""Look of every figure: backend, fonts, preset and network names, colours and order, titles,
figure sizes (free or IEEE column widths), bar layout."""
from pathlib import Path
import re
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
    # TrueType (Type 42) fonts in PDF and PostScript: IEEE PDF eXpress rejects Type 3 fonts.
    "pdf.fonttype": 42, "ps.fonttype": 42,
    # Fixed salt for the SVG element ids, so the same database gives the same SVG bytes.
    "svg.hashsalt": "bbs-dse",
})

# IEEE two-column templates: a column is 3.5 in wide, the full text width 7.16 in.
COLUMN_WIDTHS_IN = {"single": 3.5, "double": 7.16}
CAMERA_READY_FONT_PT = 8


class _Look:
    """Choices of `--width` and `--title`, set once by configure()."""

    width_in: float | None = None  # None: each figure's own width
    titles: bool = True


def configure(width: str | None, titles: bool) -> None:
    """`width`: None or a key of COLUMN_WIDTHS_IN (camera-ready: 8 pt text); `titles`: whether
    figures get their descriptive title (campaign, file, profile)."""
    _Look.width_in = COLUMN_WIDTHS_IN[width] if width else None
    _Look.titles = titles
    if width:
        plt.rcParams.update({key: CAMERA_READY_FONT_PT for key in (
            "font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize",
            "xtick.labelsize", "ytick.labelsize", "figure.titlesize")})
        plt.rcParams["legend.fontsize"] = CAMERA_READY_FONT_PT - 1

# Display names of the zoo networks (bbs-dse networks); others are shown by their file stem.
_NETWORK_DISPLAY = {
    "vgg16": "VGG-16", "resnet18": "ResNet-18", "resnet34": "ResNet-34", "resnet50": "ResNet-50",
    "vit_small_16": "ViT-S/16", "vit_base_16": "ViT-B/16", "bert_base_mrpc": "BERT-MRPC",
    "bert_base_sst2": "BERT-SST2", "llama3_8b": "Llama-3-8B", "mobilenet_v2": "MobileNetV2",
    "cifar10_resnet20": "ResNet-20", "cifar10_resnet32": "ResNet-32",
    "cifar10_resnet44": "ResNet-44", "cifar10_resnet56": "ResNet-56",
    "llama2c_stories260k": "stories260K", "nsfwjs_mobilenet_v2": "nsfwjs MobileNetV2",
    "faceapi_ssd_mobilenetv1": "face-api SSD", "faceapi_face_recognition": "face-api ResNet-34",
}

# The paper's order (Figs. 12-13): SparTen, the bit-serial designs, OliVe, BitVert last.
ACCEL_ORDER = ["sparten", "stripes", "pragmatic", "bitlet", "bitwave", "ant", "olive",
               "bitvert-cons", "bitvert"]
_DISPLAY = {"stripes": "Stripes", "pragmatic": "Pragmatic", "bitlet": "Bitlet",
            "bitwave": "BitWave", "bitvert-cons": "BitVert (cons.)", "bitvert": "BitVert (mod.)",
            "bit-parallel": "Bit-parallel", "olive": "OliVe", "sparten": "SparTen", "ant": "ANT"}
_COLORS = {"stripes": "#7f7f7f", "pragmatic": "#1f77b4", "bitlet": "#2ca02c",
           "bitwave": "#9467bd", "bitvert-cons": "#ff9f40", "bitvert": "#d62728",
           "bit-parallel": "#8c564b", "olive": "#1b9e77", "sparten": "#4b0082", "ant": "#e7298a"}
_OTHER_COLORS = ["#17becf", "#bcbd22", "#e377c2", "#393b79", "#637939", "#843c39", "#7b4173"]


def display_name(accel: str) -> str:
    """The name a figure shows for a preset (unknown presets as they are)."""
    return _DISPLAY.get(accel, accel)


DECODE_SUFFIX = " (decode)"  # select.py: an LLM decode workload's group


def network_name(network: str) -> str:
    """The name a figure shows for a network: "ResNet-50" for resnet50; a model file
    (models/net.onnx) by its stem; "Llama-3-8B (decode)" for the decode workload of llama3_8b."""
    base = network.removesuffix(DECODE_SUFFIX)
    shown = _NETWORK_DISPLAY.get(base, Path(base).stem if "/" in base else base)
    return shown + network[len(base):]


def file_stem(network: str) -> str:
    """A file-name part for a network: the name itself when it is a plain word, else the file
    stem plus a hash of the full name, so that models/a/net.onnx and models/b/net.onnx differ."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", network) and not network.startswith("."):
        return network
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(network).stem).strip("._") or "network"
    return f"{stem}-{zlib.crc32(network.encode()):08x}"


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
    """A figure with constrained layout and `ncols` axes side by side (axes as a list). With a
    column width (--width), the figure takes that width and its height shrinks by the square root
    of the width ratio (a plain ratio would leave 3.5 in-wide two-panel figures 1.4 in high)."""
    if _Look.width_in is not None:
        width, height = _Look.width_in, height * (_Look.width_in / width) ** 0.5
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained",
                             squeeze=False, **kwargs)
    return fig, list(axes[0])


def set_title(fig, text: str) -> None:
    """The figure title, wrapped so that it never runs past the figure's width (none with
    --title none)."""
    if not _Look.titles:
        return
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
    # Labels wider than their group's share of the figure (a single column) are slanted, so
    # that neighbours never overlap: about 0.6 em per character.
    size_pt = plt.rcParams["xtick.labelsize"]
    size_pt = size_pt if isinstance(size_pt, (int, float)) else plt.rcParams["font.size"]
    needed_in = max((len(label) for label in group_labels), default=0) * size_pt * 0.6 / 72
    if needed_in > 0.9 * ax.figure.get_figwidth() / max(len(group_labels), 1):
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
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
