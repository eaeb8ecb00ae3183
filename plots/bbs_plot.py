#!/usr/bin/python3
"""Figures of a bbs-dse result database: PNG + PDF + SVG + a JSON sidecar of the numbers as drawn.

Usually run through `bbs-dse plot`, which forwards these options:
  bbs_plot.py --db FILE [--campaign NAME] [--figure speedup|energy|imbalance|pareto|bits|all]
              [--out DIR] [--network NAME] [--baseline ACCEL] [--width single|double]
              [--title full|none] [--format table|json|csv]
Prints each written file on stdout (one path a line; json: {"files": [{figure, format, path}]};
csv: a figure,format,path table). Exit codes: 0 written; 2 unusable database file, unknown
campaign or unwritable output; 3 the data a figure needs is missing (with --figure all: no
figure could be drawn).
"""
import argparse
import csv
import json
from pathlib import Path
import sqlite3
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bbsplots import bits, energy, imbalance, pareto, speedup, style  # noqa: E402
from bbsplots.context import Context  # noqa: E402
from bbsplots.db import open_db  # noqa: E402
from bbsplots.errors import PREFIX, BadInput, MissingData, PlotError  # noqa: E402
from bbsplots.save import save  # noqa: E402

FIGURES = {"speedup": speedup.draw, "energy": energy.draw, "imbalance": imbalance.draw,
           "pareto": pareto.draw, "bits": bits.draw}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bbs-dse plot", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="result database (bbs-dse run)")
    parser.add_argument("--campaign", help="campaign name (default: the newest campaign)")
    parser.add_argument("--figure", choices=[*FIGURES, "all"], default="all",
                        help="figure to draw (default: all)")
    parser.add_argument("--out", type=Path,
                        help="output directory (default: figures/<database stem>/ beside the "
                             "database)")
    parser.add_argument("--network", help="only this network (pareto, imbalance, bits)")
    parser.add_argument("--baseline", default="paper",
                        help="preset the speedup and energy figures normalize to (default paper: "
                             "speedup over stripes as Fig. 12, energy normalized to sparten as "
                             "Fig. 13)")
    parser.add_argument("--width", choices=list(style.COLUMN_WIDTHS_IN),
                        help="camera-ready width: an IEEE column (single, 3.5 in) or the text "
                             "width (double, 7.16 in), 8 pt text (default: each figure's own)")
    parser.add_argument("--title", choices=["full", "none"], default="full",
                        help="figure titles naming campaign, file and profile, or none")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table",
                        help="how the written files are listed on stdout (default: a path a "
                             "line as each is written)")
    return parser.parse_args(argv)


def default_out(db: Path) -> Path:
    """figures/<db stem>/ beside the database, so two databases never share a folder."""
    return db.parent / "figures" / db.stem


def draw_figures(ctx: Context, names: list[str], out: Path, stream: bool) -> list[Path]:
    """Draws and saves the figures; with several, one whose data is missing is only warned about."""
    written = []
    for name in names:
        try:
            figures = FIGURES[name](ctx)
        except MissingData as e:
            if len(names) == 1:
                raise
            print(f"{PREFIX}skipping {name}: {e}", file=sys.stderr)
            continue
        for file_name, fig in figures:
            for path in save(fig, out, file_name):
                if stream:
                    print(path, flush=True)
                written.append(path)
    return written


def print_files(paths: list[Path], fmt: str) -> None:
    """The written files as JSON {"files": [...]} or CSV (table form printed them already)."""
    rows = [{"figure": p.stem, "format": p.suffix[1:], "path": str(p)} for p in paths]
    if fmt == "json":
        print(json.dumps({"files": rows}, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=["figure", "format", "path"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None) -> int:
    args = parse_args(argv)
    out = args.out or default_out(args.db)
    style.configure(args.width, titles=args.title == "full")
    names = list(FIGURES) if args.figure == "all" else [args.figure]
    try:
        ctx = Context(open_db(args.db), args.db, args.campaign, args.network, args.baseline)
        written = draw_figures(ctx, names, out, stream=args.format == "table")
        print_files(written, args.format)
    except PlotError as e:
        print(f"{PREFIX}{e}", file=sys.stderr)
        return e.exit_code
    except sqlite3.Error as e:
        print(f"{PREFIX}reading '{args.db}': {e}", file=sys.stderr)
        return BadInput.exit_code
    except OSError as e:
        print(f"{PREFIX}writing figures to '{out}': {e}", file=sys.stderr)
        return BadInput.exit_code
    return 0 if written else MissingData.exit_code


if __name__ == "__main__":
    sys.exit(main())
