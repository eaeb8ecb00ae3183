"""The plot scripts name metrics in their SQL (`p.energy_pj`) and as row keys (`row["time_s"]`):
every such name must be one of the metric table's (`bbs-dse list metrics`), so that a renamed
or removed metric fails here instead of in a figure.

Run: BBS_DSE_EXE=build/app/bbs-dse python3 -m unittest tests/plots/test_metric_names.py
"""
import json
import os
from pathlib import Path
import re
import subprocess
import unittest

REPO = Path(__file__).resolve().parents[2]
EXE = os.environ.get("BBS_DSE_EXE", str(REPO / "build" / "app" / "bbs-dse"))
PLOTS = REPO / "plots" / "bbsplots"

# design_point columns that identify a point rather than measure it (dse/schema.cpp).
IDENTITY = {"id", "campaign_id", "workload_id", "point_key", "design", "profile", "hardware_json",
            "status", "error", "accel"}
# A string literal shaped like a metric: a unit suffix of docs/output.md, or a fraction.
METRIC_SHAPED = re.compile(r"^[a-z][a-z0-9_]*_(pj|uj|s|mm2|bytes|cycles|fraction|db|w)$|^edp$")


def table_metrics() -> set[str]:
    out = subprocess.run([EXE, "list", "metrics", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return {row["name"] for row in json.loads(out)["metrics"]}


class PlotMetricNames(unittest.TestCase):
    def test_every_metric_the_plots_name_is_in_the_table(self):
        metrics = table_metrics()
        self.assertIn("energy_pj", metrics)
        checked = 0
        for script in sorted(PLOTS.glob("*.py")):
            if script.name == "bits.py":  # draws `analyze --db` rows (the analysis table)
                continue
            text = script.read_text()
            for column in re.findall(r"\bp\.([a-z_][a-z0-9_]*)\b(?!\()", text):
                if column in IDENTITY:
                    continue
                checked += 1
                self.assertIn(column, metrics, f"{script.name}: SQL column p.{column}")
            for literal in re.findall(r"[\"']([a-z][a-z0-9_]*)[\"']", text):
                if METRIC_SHAPED.match(literal):
                    checked += 1
                    self.assertIn(literal, metrics, f"{script.name}: \"{literal}\"")
        self.assertGreater(checked, 20)  # the scripts do name metrics (energy split, stalls, ...)


if __name__ == "__main__":
    unittest.main()
