"""Writing a figure as PNG, PDF and its JSON sidecar (the numbers as drawn), byte-reproducibly."""
import json
from pathlib import Path

import matplotlib.pyplot as plt

from . import drawn

PNG_DPI = 150


def save(fig, out_dir: Path, name: str) -> list[Path]:
    """Writes <out_dir>/<name>.png, .pdf and .json, closes the figure and returns the paths.
    A network given as a path (a checkpoint directory) names the file by its path, '/' -> '_'."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name.replace("/", "_")
    png, pdf, sidecar = (out_dir / f"{name}.{ext}" for ext in ("png", "pdf", "json"))
    fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None})
    fig.savefig(pdf, metadata={"CreationDate": None, "Creator": None, "Producer": None})
    sidecar.write_text(json.dumps(drawn.record(fig), indent=1, sort_keys=True) + "\n")
    plt.close(fig)
    return [png, pdf, sidecar]
