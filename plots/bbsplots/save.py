"""Writing a figure as PNG, PDF, SVG and its JSON sidecar (the numbers as drawn), byte-reproducibly
(no dates, no software versions, fixed SVG ids)."""
import json
from pathlib import Path

import matplotlib.pyplot as plt

from . import drawn

PNG_DPI = 150
# Per image format: the savefig metadata that would otherwise differ between runs.
FORMATS = {
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    "svg": {"Date": None, "Creator": None},
}


def save(fig, out_dir: Path, name: str) -> list[Path]:
    """Writes <out_dir>/<name>.png, .pdf, .svg and .json, closes the figure and returns the
    paths. A network given as a path (a checkpoint directory) names the file by its path,
    '/' -> '_'."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name.replace("/", "_")
    paths = []
    for ext, metadata in FORMATS.items():
        paths.append(out_dir / f"{name}.{ext}")
        fig.savefig(paths[-1], dpi=PNG_DPI, metadata=metadata)
    sidecar = out_dir / f"{name}.json"
    sidecar.write_text(json.dumps(drawn.record(fig), indent=1, sort_keys=True) + "\n")
    plt.close(fig)
    return paths + [sidecar]
