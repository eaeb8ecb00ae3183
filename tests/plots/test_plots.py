"""End-to-end tests of the figures: a small campaign and two analyses written by bbs-dse, drawn by
`bbs-dse plot`, and every number in the JSON sidecars (read back from the drawn artists) checked
against SQL written here, independently of the plot package.

Run: BBS_DSE_EXE=build-dev/app/bbs-dse /usr/bin/python3 -m unittest discover -s tests/plots
"""
import json
import math
import os
from pathlib import Path
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

REPO = Path(__file__).resolve().parents[2]
EXE = os.environ.get("BBS_DSE_EXE", str(REPO / "build-dev" / "app" / "bbs-dse"))
SCRIPT = REPO / "plots" / "bbs_plot.py"
NET, NET2 = "cifar10_resnet20", "cifar10_resnet32"

CAMPAIGN = f"""
name = "plot-test"
profile = "corrected"
[[workload]]
network = "{NET}"
[[workload]]
network = "{NET2}"
[[design]]
accel = "stripes"
[[design]]
accel = "pragmatic"
[[design]]
accel = "bitlet"
[[design]]
accel = "bitwave"
[[design]]
accel = "bitvert-cons"
[[design]]
accel = "bitvert"
[[design]]
accel = "bitlet"
workloads = ["{NET}"]
[design.axes]
"array.rows" = [2, 4, 8]
[[design]]
accel = "stripes"
workloads = ["{NET}"]
[design.axes]
"array.rows" = [1, 2, 4]
[[design]]
accel = "bitvert"
[design.axes]
"array.cols" = [8, 16]
"pruning.columns" = [3, 4]
"""

# No Stripes and no analysis: the normalized figures and `bits` have nothing to draw.
NO_STRIPES = f"""
name = "no-stripes"
[[workload]]
network = "{NET}"
[[design]]
accel = "bitlet"
"""

ANALYSES = [["--method", "zero-point", "--columns", "4", "--sensitive", "0.2"],
            ["--method", "round-avg", "--columns", "2"]]
# The labels of the size-vs-error points, one per analysis above.
ANALYSIS_LABELS = ["round-avg 2 col, G32", "zero-point 4 col, 20% sens., G32"]

# Network names as the figures show them.
NETWORK_DISPLAY = {NET: "ResNet-20", NET2: "ResNet-32", "Geomean": "Geomean"}

DISPLAY = {"stripes": "Stripes", "pragmatic": "Pragmatic", "bitlet": "Bitlet",
           "bitwave": "BitWave", "bitvert-cons": "BitVert (cons.)", "bitvert": "BitVert (mod.)"}

# One point per (workload, accel): the smallest point_key among its done points.
FIRST_POINTS = """
SELECT p.*, w.network FROM design_point p JOIN workload w ON w.id = p.workload_id
WHERE p.status = 'done' AND p.point_key = (
  SELECT min(q.point_key) FROM design_point q
  WHERE q.workload_id = p.workload_id AND q.accel = p.accel AND q.status = 'done')
"""


IMAGE_FORMATS = ["png", "pdf", "svg"]


def run(*cmd, check=True):
    # A guard against a hang, not a speed test: generous for a loaded 2-core machine.
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=400)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stderr}")
    return result


def plot_command() -> list[str]:
    """`bbs-dse plot` when the binary has that subcommand, else the script itself."""
    help_run = run(EXE, "plot", "--help", check=False)
    if help_run.returncode == 0 and re.search(r"Usage: \S+ plot\b", help_run.stdout):
        return [EXE, "plot"]
    print(f"note: {EXE} has no 'plot' subcommand; running {SCRIPT} directly", file=sys.stderr)
    return [sys.executable, str(SCRIPT)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


class PlotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bbs-plot-test-")
        tmp = Path(cls.tmp.name)
        cls.db, cls.out, cls.command = tmp / "t.db", tmp / "figures", plot_command()
        (tmp / "t.toml").write_text(CAMPAIGN)
        run(EXE, "run", tmp / "t.toml", "--db", cls.db)
        for options in ANALYSES:
            run(EXE, "analyze", "--network", NET, *options, "--db", cls.db)
        cls.result = run(*cls.command, "--db", cls.db, "--figure", "all", "--out", cls.out,
                         check=False)
        cls.sql = sqlite3.connect(f"file:{cls.db}?mode=ro", uri=True)
        cls.sql.row_factory = sqlite3.Row

    @classmethod
    def tearDownClass(cls):
        cls.sql.close()
        cls.tmp.cleanup()

    def sidecar(self, name: str) -> dict:
        return json.loads((self.out / f"{name}.json").read_text())

    def query(self, sql: str, *params) -> list:
        return self.sql.execute(sql, params).fetchall()

    def assert_values(self, drawn: dict, expected: dict):
        """Same keys, and every drawn number equals the SQL one (relative 1e-9)."""
        self.assertEqual(sorted(drawn), sorted(expected))
        for key, value in expected.items():
            self.assertTrue(close(drawn[key], value), f"{key}: drawn {drawn[key]} != SQL {value}")

    def assert_points(self, drawn: list, expected: list):
        """Same multiset of (x, y) points, each coordinate equal within 1e-9 relative."""
        self.assertEqual(len(drawn), len(expected))
        for d, e in zip(sorted(map(tuple, drawn)), sorted(map(tuple, expected))):
            self.assertTrue(close(d[0], e[0]) and close(d[1], e[1]), f"drawn {d} != SQL {e}")

    @staticmethod
    def bars_by_group(axes: dict) -> dict:
        """{(group tick label, bar label): (height, bottom)} of a grouped bar chart."""
        groups = dict(zip(axes["xticks"], axes["xticklabels"]))
        return {(groups[float(round(x))], bars["label"]): (h, b)
                for bars in axes["bars"]
                for x, h, b in zip(bars["x"], bars["heights"], bars["bottoms"])}

    def test_writes_every_figure(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        names = ["speedup", "energy", "imbalance-speedup", "imbalance-stalls", f"pareto-{NET}",
                 f"pareto-{NET2}", f"bits-{NET}"]
        expected = [self.out / f"{n}.{ext}" for n in names for ext in IMAGE_FORMATS + ["json"]]
        self.assertEqual(sorted(self.result.stdout.split()), sorted(map(str, expected)))
        for name in names:
            self.assertEqual((self.out / f"{name}.png").read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
            pdf = (self.out / f"{name}.pdf").read_bytes()
            self.assertEqual(pdf[:5], b"%PDF-")
            self.assertNotIn(b"/Type3", pdf, f"{name}.pdf has Type 3 fonts (IEEE rejects them)")
            self.assertIn(b"<svg", (self.out / f"{name}.svg").read_bytes()[:1000])
            record = self.sidecar(name)
            self.assertIn("t.db", record["suptitle"])
            self.assertTrue(all(ax["ylabel"] for ax in record["axes"]), name)

    def test_speedup_bars_are_the_views_speedups(self):
        rows = self.query(f"SELECT f.network, f.accel, v.speedup FROM ({FIRST_POINTS}) f "
                          "JOIN point_vs_baseline v ON v.point_id = f.id")
        expected = {(NETWORK_DISPLAY[r["network"]], DISPLAY[r["accel"]]): r["speedup"]
                    for r in rows}
        for r in self.query(f"SELECT f.accel, exp(avg(ln(v.speedup))) AS g FROM ({FIRST_POINTS}) f"
                            " JOIN point_vs_baseline v ON v.point_id = f.id GROUP BY f.accel"):
            expected[("Geomean", DISPLAY[r["accel"]])] = r["g"]
        (axes,) = self.sidecar("speedup")["axes"]
        drawn = self.bars_by_group(axes)
        self.assert_values({k: h for k, (h, _) in drawn.items()}, expected)
        self.assertEqual(axes["ylabel"], "Speedup over Stripes (×)")
        self.assertEqual(len(expected), 6 * 3)

    def test_energy_stacks_are_components_over_stripes_energy(self):
        rows = self.query(f"""
            WITH f AS ({FIRST_POINTS})
            SELECT f.network, f.accel, f.energy_dram_pj / b.energy_pj AS dram,
                   (f.energy_sram_read_pj + f.energy_sram_write_pj) / b.energy_pj AS sram,
                   (f.energy_pe_pj + f.energy_registers_pj) / b.energy_pj AS pe
            FROM f JOIN f AS b ON b.workload_id = f.workload_id AND b.accel = 'stripes'""")
        means = []
        for accel in {r["accel"] for r in rows}:
            own = [r for r in rows if r["accel"] == accel]
            totals = [r["dram"] + r["sram"] + r["pe"] for r in own]
            total = math.exp(sum(map(math.log, totals)) / len(totals))
            means.append({"accel": accel, "network": "Geomean", **{
                part: total * sum(r[part] / t for r, t in zip(own, totals)) / len(own)
                for part in ("dram", "sram", "pe")}})
        heights, bottoms = {}, {}
        for r in rows + means:
            name = DISPLAY[r["accel"]]
            for component, bottom in (("DRAM", 0.0), ("SRAM", r["dram"]),
                                      ("PE + registers", r["dram"] + r["sram"])):
                key = (NETWORK_DISPLAY[r["network"]], f"{name}: {component}")
                heights[key] = r[{"DRAM": "dram", "SRAM": "sram"}.get(component, "pe")]
                bottoms[key] = bottom
        (axes,) = self.sidecar("energy")["axes"]
        drawn = self.bars_by_group(axes)
        self.assert_values({k: h for k, (h, _) in drawn.items()}, heights)
        self.assert_values({k: b for k, (_, b) in drawn.items()}, bottoms)
        self.assertEqual(axes["ylabel"], "Energy normalized to Stripes")

    def sweep_points(self) -> list:
        """Per (accel, rows) on NET, the smallest point_key, for non-Stripes presets with >= 2
        row counts; sorted by accel and rows."""
        return self.query(f"""
            WITH d AS (
              SELECT p.*, CAST(json_extract(p.hardware_json, '$."array.rows"') AS INTEGER) AS r
              FROM design_point p JOIN workload w ON w.id = p.workload_id
              WHERE w.network = '{NET}' AND p.status = 'done' AND p.accel <> 'stripes')
            SELECT d.accel, d.r, d.useful_fraction, d.intra_pe_stall_fraction,
                   d.inter_pe_stall_fraction, v.speedup
            FROM d JOIN point_vs_baseline v ON v.point_id = d.id
            WHERE d.multipliers = (SELECT b.multipliers FROM design_point b
                                   WHERE b.id = v.baseline_id)
              AND d.point_key = (SELECT min(e.point_key) FROM d e
                                 WHERE e.accel = d.accel AND e.r = d.r)
              AND (SELECT count(DISTINCT e.r) FROM d e WHERE e.accel = d.accel) >= 2
            ORDER BY d.accel, d.r""")

    def test_imbalance_lines_are_iso_multiplier_speedups(self):
        expected = {}
        for r in self.sweep_points():
            expected.setdefault(DISPLAY[r["accel"]], []).append((r["r"], r["speedup"]))
        self.assertEqual(sorted(expected), ["Bitlet"])
        record = self.sidecar("imbalance-speedup")
        self.assertIn(NETWORK_DISPLAY[NET], record["suptitle"])
        (axes,) = record["axes"]
        self.assertEqual(axes["xscale"], "log")
        lines = {line["label"]: list(zip(line["x"], line["y"])) for line in axes["lines"]}
        self.assertEqual(sorted(lines), sorted(expected))
        for label, points in expected.items():
            self.assert_points(lines[label], points)

    def test_imbalance_stalls_are_cycle_fractions(self):
        record = self.sidecar("imbalance-stalls")
        axes = {ax["title"]: ax for ax in record["axes"]}
        columns = {"Useful": "useful_fraction", "Intra-PE stall": "intra_pe_stall_fraction",
                   "Inter-PE stall": "inter_pe_stall_fraction"}
        expected, drawn = {}, {}
        for r in self.sweep_points():
            title = DISPLAY[r["accel"]]
            for label, column in columns.items():
                expected[(title, str(r["r"]), label)] = r[column]
        for title, ax in axes.items():
            for (group, label), (height, _) in self.bars_by_group(ax).items():
                drawn[(title, group, label)] = height
        self.assert_values(drawn, expected)
        self.assertEqual(record["axes"][0]["ylabel"], "Fraction of compute cycles")

    def front(self, network: str, x: str, y: str) -> list:
        return self.query(f"""
            SELECT p.{x} AS x, p.{y} AS y
            FROM design_point p JOIN workload w ON w.id = p.workload_id
            WHERE w.network = ? AND p.status = 'done' AND NOT EXISTS (
              SELECT 1 FROM design_point q WHERE q.workload_id = p.workload_id
                AND q.status = 'done' AND q.{x} <= p.{x} AND q.{y} <= p.{y}
                AND (q.{x} < p.{x} OR q.{y} < p.{y}))""", network)

    def test_pareto_fronts_and_points_match_sql(self):
        planes = [("time_s", "energy_pj", 1e3, 1e-9), ("edp", "area_mm2", 1e-9 * 1e3, 1.0)]
        for network in (NET, NET2):
            record = self.sidecar(f"pareto-{network}")
            for ax, (x, y, sx, sy) in zip(record["axes"], planes):
                with self.subTest(network=network, plane=x):
                    scaled = [(r["x"] * sx, r["y"] * sy) for r in self.front(network, x, y)]
                    (front,) = [line for line in ax["lines"] if line["label"] == "Pareto front"]
                    self.assert_points(list(zip(front["x"], front["y"])), scaled)
                    everything = self.query(f"SELECT p.{x} * {sx} AS x, p.{y} * {sy} AS y, "
                                            "p.point_key = 'accel=' || p.accel AS paper "
                                            "FROM design_point p JOIN workload w "
                                            "ON w.id = p.workload_id "
                                            "WHERE w.network = ? AND p.status = 'done'", network)
                    scatters = {s["label"]: s["offsets"] for s in ax["scatter"]}
                    paper = scatters.pop("paper configuration")
                    self.assert_points([xy for s in scatters.values() for xy in s],
                                       [(r["x"], r["y"]) for r in everything])
                    self.assert_points(paper, [(r["x"], r["y"]) for r in everything if r["paper"]])
                    self.assertTrue(0 < len(ax["texts"]) <= 6)
                    for text in ax["texts"]:
                        self.assertTrue(any(close(text["xy"][0], fx) and close(text["xy"][1], fy)
                                            for fx, fy in scaled), text)

    def test_bits_bars_and_points_are_the_analysis_tables(self):
        (newest,) = self.query("SELECT * FROM analysis WHERE network = ? ORDER BY id DESC LIMIT 1",
                               NET)
        layers = self.query("SELECT * FROM analysis_layer WHERE analysis_id = ? ORDER BY idx",
                            newest["id"])
        sparsity, size = self.sidecar(f"bits-{NET}")["axes"]
        drawn = {bars["label"]: bars["heights"] for bars in sparsity["bars"]}
        for label, column in (("Two's complement", "bit_sparsity_twos"),
                              ("Sign-magnitude", "bit_sparsity_sign_mag"),
                              ("BBS (bi-directional)", "bbs_sparsity")):
            expected = [layer[column] for layer in layers]
            self.assertEqual(len(drawn[label]), len(expected))
            self.assertTrue(all(map(close, drawn[label], expected)), label)
        runs = self.query("SELECT * FROM analysis WHERE network = ? AND weights_source = ? "
                          "AND sqnr_db IS NOT NULL", NET, newest["weights_source"])
        self.assertEqual(len(runs), len(ANALYSES))
        (points,) = size["scatter"]
        self.assert_points(points["offsets"], [(r["bits_per_weight"], r["sqnr_db"]) for r in runs])
        self.assertEqual(sorted(t["text"] for t in size["texts"]), ANALYSIS_LABELS)
        (reference,) = size["lines"]
        self.assertEqual(reference["x"], [8.0, 8.0])


class MissingDataTest(unittest.TestCase):
    """Exit codes and messages when the database lacks what a figure needs."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bbs-plot-missing-")
        tmp = Path(cls.tmp.name)
        cls.db, cls.out, cls.command = tmp / "bare.db", tmp / "figures", plot_command()
        (tmp / "bare.toml").write_text(NO_STRIPES)
        run(EXE, "run", tmp / "bare.toml", "--db", cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def plot(self, db: Path, *options):
        return run(*self.command, "--db", db, "--out", self.out, *options, check=False)

    def assert_fails(self, result, code: int, *phrases: str, prefix: str = "bbs-dse plot: "):
        """Exit `code` and a last stderr line starting with `prefix` that has every phrase."""
        self.assertEqual(result.returncode, code, result.stderr)
        last = result.stderr.strip().splitlines()[-1]
        self.assertTrue(last.startswith(prefix), last)
        for phrase in phrases:
            self.assertIn(phrase, last)

    def test_speedup_without_stripes_points_to_the_paper_campaign(self):
        self.assert_fails(self.plot(self.db, "--figure", "speedup"), 3, "'stripes'", "paper")

    def test_bits_without_analysis_says_how_to_analyze(self):
        self.assert_fails(self.plot(self.db, "--figure", "bits"), 3, "analyze", "bare.db")

    def test_all_skips_what_is_missing_and_draws_the_rest(self):
        result = self.plot(self.db, "--figure", "all")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("skipping speedup", result.stderr)
        self.assertEqual(sorted(Path(p).name for p in result.stdout.split()),
                         sorted(f"pareto-{NET}.{ext}" for ext in IMAGE_FORMATS + ["json"]))

    def test_a_file_that_is_no_database_is_named(self):
        text = Path(self.tmp.name) / "notes.db"
        text.write_text("not a database\n")
        # bbs-dse checks the file itself (its own error prefix); the script checks it too.
        self.assert_fails(self.plot(text), 2, "notes.db", prefix="bbs-dse")
        direct = run(sys.executable, SCRIPT, "--db", text, "--out", self.out, check=False)
        self.assert_fails(direct, 2, "notes.db", "not a SQLite database")
    def test_a_10_mb_point_key_is_labelled_shortly(self):
        """Before: laying out a 10 MB label never ended (the figure hung)."""
        huge = Path(self.tmp.name) / "huge.db"
        huge.write_bytes(self.db.read_bytes())
        with sqlite3.connect(huge) as conn:
            conn.execute("UPDATE design_point SET point_key = point_key || ';x.y=' || "
                         "replace(hex(zeroblob(5000000)), '00', 'ab')")
        out = Path(self.tmp.name) / "huge-figures"
        result = run(*self.command, "--db", huge, "--out", out, "--figure", "pareto",
                     check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        sidecar = json.loads((out / f"pareto-{NET}.json").read_text())
        texts = [t["text"] for panel in sidecar["axes"] for t in panel["texts"]]
        self.assertTrue(texts)
        self.assertLessEqual(max(len(t) for t in texts), 80)

# Bitlet at three row counts (1024, 2048, 4096 multipliers) but Stripes only as shipped (4096):
# just one Bitlet point has an iso-multiplier Stripes point to divide by.
ONE_STRIPES = f"""
name = "one-stripes"
[[workload]]
network = "{NET}"
[[design]]
accel = "stripes"
[[design]]
accel = "bitlet"
[design.axes]
"array.rows" = [8, 16, 32]
"""

# No BitVert as shipped, only a search over it; BitVert (cons.) as one design with an override.
SEARCH = f"""
name = "search"
[[workload]]
network = "{NET}"
[[design]]
accel = "stripes"
[[design]]
accel = "bitvert-cons"
set = ["pruning.sensitive_fraction=0.1"]
[[design]]
accel = "bitvert"
[design.axes]
"array.cols" = [8, 16]
"pruning.columns" = [2, 3, 4]
[strategy]
kind = "nsga2"
population = 4
generations = 2
seed = 1
"""

# ANT publishes no PE area (area.pe_um2 = 0): its area_mm2 is NULL.
UNKNOWN_AREA = f"""
name = "unknown-area"
[[workload]]
network = "{NET}"
[[design]]
accel = "ant"
[[design]]
accel = "stripes"
[[design]]
accel = "bitvert"
"""


class CampaignShapesTest(unittest.TestCase):
    """Campaigns whose points do not pair one to one: the figures draw only what they can name
    and pair, and say what they leave out."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bbs-plot-shapes-")
        cls.dir, cls.command = Path(cls.tmp.name), plot_command()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def campaign_db(self, name: str, text: str) -> Path:
        (self.dir / f"{name}.toml").write_text(text)
        db = self.dir / f"{name}.db"
        run(EXE, "run", self.dir / f"{name}.toml", "--db", db)
        return db

    def test_imbalance_never_divides_by_a_stripes_of_another_size(self):
        db = self.campaign_db("one_stripes", ONE_STRIPES)
        result = run(*self.command, "--db", db, "--figure", "imbalance", "--out", self.dir / "o",
                     check=False)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertIn("iso-multiplier", result.stderr)
        self.assertIn("array.rows=8", result.stderr)

    def test_pareto_leaves_unknown_areas_out_of_the_area_panel_with_a_note(self):
        """Before: a NULL area_mm2 crashed the figure (None compared with a float)."""
        db = self.campaign_db("unknown_area", UNKNOWN_AREA)
        out = self.dir / "unknown-area"
        result = run(*self.command, "--db", db, "--figure", "pareto", "--out", out, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("left out (1): Area (mm²) unknown for ANT", result.stderr)
        latency, area = json.loads((out / f"pareto-{NET}.json").read_text())["axes"]
        def drawn(ax):
            return sum(len(s["offsets"]) for s in ax["scatter"] if s["label"] != "paper configuration")
        self.assertEqual(drawn(latency), 3)
        self.assertEqual(drawn(area), 2)

    def test_every_bar_names_the_design_point_it_shows(self):
        db = self.campaign_db("search", SEARCH)
        out = self.dir / "search-figs"
        result = run(*self.command, "--db", db, "--figure", "speedup", "--out", out)
        (axes,) = json.loads((out / "speedup.json").read_text())["axes"]
        self.assertEqual(sorted(bars["label"] for bars in axes["bars"]),
                         ["BitVert (cons.) [sensitive_fraction=0.1]", "Stripes"])
        self.assertIn("leaving out bitvert", result.stderr)

    def test_a_workload_in_a_folder_is_drawn(self):
        sys.path.insert(0, str(REPO / "tests" / "networks"))
        import make_onnx  # noqa: E402  (python3-onnx, as the network tests)
        model = self.dir / "models" / "small_cnn.onnx"
        model.parent.mkdir()
        make_onnx.save(make_onnx.small_cnn(), str(model))
        db = self.campaign_db("folder", f"""
name = "folder"
[[workload]]
network = "{model}"
[[design]]
accel = "stripes"
[[design]]
accel = "bitvert"
""")
        run(EXE, "analyze", "--network", model, "--db", db)
        out = self.dir / "folder-figs"
        result = run(*self.command, "--db", db, "--out", out, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        names = {Path(p).name for p in result.stdout.split()}
        for figure in ("speedup", "pareto-small_cnn", "bits-small_cnn"):
            self.assertTrue(any(n.startswith(figure) and n.endswith(".pdf") for n in names),
                            f"{figure}: {names}")
        self.assertTrue(all(Path(p).parent == out for p in result.stdout.split()))
        (axes,) = json.loads((out / "speedup.json").read_text())["axes"]
        self.assertEqual(axes["xticklabels"], ["small_cnn", "Geomean"])

    def test_two_databases_get_two_default_folders(self):
        db = self.campaign_db("first", NO_STRIPES)
        other = self.dir / "second.db"
        other.write_bytes(db.read_bytes())
        for path in (db, other):
            result = run(*self.command, "--db", path, "--figure", "pareto")
            folders = {Path(p).parent for p in result.stdout.split()}
            self.assertEqual(folders, {self.dir / "figures" / path.stem})

    def test_camera_ready_width_no_title_and_reproducible_files(self):
        db = self.campaign_db("camera", NO_STRIPES)
        outs = [self.dir / "camera-a", self.dir / "camera-b"]
        for out in outs:
            run(*self.command, "--db", db, "--figure", "pareto", "--out", out, "--width",
                "single", "--title", "none")
        record = json.loads((outs[0] / f"pareto-{NET}.json").read_text())
        self.assertEqual(record["suptitle"], "")
        pdf = (outs[0] / f"pareto-{NET}.pdf").read_bytes()
        media_box = re.search(rb"/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
        self.assertAlmostEqual(float(media_box.group(1)), 3.5 * 72, places=1)
        self.assertNotIn(b"/Type3", pdf)
        for ext in ("pdf", "svg"):
            self.assertEqual((outs[0] / f"pareto-{NET}.{ext}").read_bytes(),
                             (outs[1] / f"pareto-{NET}.{ext}").read_bytes(), ext)


if __name__ == "__main__":
    unittest.main()
