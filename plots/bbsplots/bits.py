"""Bit-level analysis of a model's weights (tables analysis / analysis_layer, `bbs-dse analyze
--db`): (a) per-layer bit sparsity before pruning in two's complement, sign-magnitude and BBS
(bi-directional: zeros or ones, whichever is more common per column), and (b) what each stored
analysis trades: model size (bits per weight, metadata included) against weight error (SQNR).

Network: --network, else the network of the newest analysis. Panel (a) shows its newest analysis;
panel (b) every analysis of it with the same weights source.
"""
from pathlib import Path

from . import style
from .context import Context
from .errors import MissingData

MAX_NAMED_LAYERS = 30
# Panel (a) bars: (legend name, colour, analysis_layer column).
SPARSITIES = [
    ("Two's complement", "#7f7f7f", "bit_sparsity_twos"),
    ("Sign-magnitude", "#9467bd", "bit_sparsity_sign_mag"),
    ("BBS (bi-directional)", "#d62728", "bbs_sparsity"),
]


def analyses(ctx: Context) -> list:
    """Analyses of the network to draw (same weights source as its newest one), newest first."""
    where, params = ("WHERE network = ?", (ctx.network,)) if ctx.network else ("", ())
    newest = ctx.conn.execute(f"SELECT network, weights_source FROM analysis {where} "
                              f"ORDER BY id DESC LIMIT 1", params).fetchone()
    if newest is None:
        of = f" of '{ctx.network}'" if ctx.network else ""
        raise MissingData(f"no bit-level analysis{of} in '{ctx.db_name}'; run: bbs-dse analyze "
                          f"--network {ctx.network or 'NAME'} --db {ctx.db_path}")
    return ctx.conn.execute("SELECT * FROM analysis WHERE network = ? AND weights_source = ? "
                            "ORDER BY id DESC", tuple(newest)).fetchall()


def draw(ctx: Context):
    runs = analyses(ctx)
    newest = runs[0]
    layers = ctx.conn.execute("SELECT * FROM analysis_layer WHERE analysis_id = ? ORDER BY idx",
                              (newest["id"],)).fetchall()
    fig, (sparsity_ax, size_ax) = style.figure(14.0, 5.6, ncols=2, width_ratios=[2.2, 1])
    _sparsity_panel(sparsity_ax, layers)
    _size_panel(size_ax, runs)
    weights = ("synthetic weights" if newest["synthetic"]
               else Path(newest["weights_source"]).name)
    style.set_title(fig, f"Bit-level analysis of {style.network_name(newest['network'])} "
                         f"({weights}) — "
                         f"{ctx.db_name}, {len(runs)} stored analyses")
    return [(f"bits-{style.file_stem(newest['network'])}", fig)]


def setting_label(analysis) -> str:
    """"zero-point 4 col, 20% sens., G32": method, pruned columns, sensitive channels, group."""
    sensitive = analysis["sensitive_fraction"]
    sens = f", {sensitive * 100:g}% sens." if sensitive > 0 else ""
    return f"{analysis['method']} {analysis['columns']} col{sens}, G{analysis['group_size']}"


def _sparsity_panel(ax, layers: list) -> None:
    """(a): a group of bars per layer, one bar per sparsity measure."""
    names = [layer["name"] for layer in layers]
    labels = names if len(names) <= MAX_NAMED_LAYERS else [str(layer["idx"]) for layer in layers]
    offsets, width = style.grouped_bars(ax, labels, len(SPARSITIES))
    for (name, color, column), offset in zip(SPARSITIES, offsets):
        ax.bar([i + offset for i in range(len(layers))], [layer[column] for layer in layers],
               width, label=name, color=color)
    if len(names) <= MAX_NAMED_LAYERS:
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_title("(a) Bit sparsity per layer before pruning (newest analysis)")
    ax.set_xlabel("Layer" if len(names) <= MAX_NAMED_LAYERS else "Layer index")
    ax.set_ylabel("Fraction of zero bits (BBS: of redundant bits)")
    ax.legend(loc="upper right", ncols=len(SPARSITIES), frameon=False)


def _size_panel(ax, runs: list) -> None:
    """(b): a labelled point per analysis (pruning setting), size against weight SQNR."""
    shown = [r for r in runs if r["sqnr_db"] is not None]
    if shown:
        ax.scatter([r["bits_per_weight"] for r in shown], [r["sqnr_db"] for r in shown],
                   color="#d62728", s=36, label="analysis (pruning setting)", zorder=3)
    for r in shown:
        ax.annotate(setting_label(r),
                    (r["bits_per_weight"], r["sqnr_db"]), xytext=(6, 4),
                    textcoords="offset points", fontsize=9)
    ax.axvline(8.0, color="black", linestyle="--", linewidth=0.8, label="INT8 (8 bits/weight)")
    ax.set_title("(b) Model size vs weight error")
    ax.set_xlabel("Bits per weight (incl. metadata)")
    ax.set_ylabel("Weight SQNR (dB)")
    ax.margins(x=0.12, y=0.1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, frameon=False)
