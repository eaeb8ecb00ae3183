#!/usr/bin/env python3
"""Bit-exactness of `bbs-dse prune` against the NumPy transliteration of the authors' reference
pruners (bbs_reference.py, a literal port of yc2367/BBS-MICRO).

    test_bit_exact.py --exe PATH/bbs-dse --weights DIR_OR_FILE... --work TMPDIR

For every test tensor (synthetic int8 tensors of several distributions and shapes, plus real
weights quantized per output channel from the given safetensors files) and every combination of
method x group size x columns (x const bits for zero-point), runs
    bbs-dse prune --input X.npy --output Y.npy --method M --group-size G --columns N
                  [--const-bits B] --format json
and the reference on the same int8 tensor, and compares the values exactly.  The tool must write
int8 for round-avg / bit-flip and int16 for zero-point (int8 input).  Large tensors run a subset
of the combinations (the zero-point reference is vectorised over all offsets and is the slow part);
small ones also run N = 0, 7, 8, group sizes 4 and 64, and const bits 1, 3, 8.

Prints one line per failing combination and finishes with "N passed, M failed"; exits 1 if any
combination failed.  Weight files that do not exist are skipped with a note.
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bbs_reference as ref  # noqa: E402

METHODS = ("round-avg", "zero-point", "bit-flip")
GROUP_SIZES = (8, 16, 32)
COLUMNS = (1, 2, 3, 4, 5, 6)
CONST_BITS = (5, 6)

# Tensors taken from known weight files (others: the first few rank-2/4 float tensors).
KNOWN_TENSORS = {
    "cifar10_resnet20.safetensors": [
        "conv1.weight",            # [16, 3, 3, 3]: C = 3 < G
        "layer1.0.conv1.weight",   # [16, 16, 3, 3]
        "layer2.0.conv1.weight",   # [32, 16, 3, 3]: G = 32 -> g_eff = 16
        "layer3.2.conv2.weight",   # [64, 64, 3, 3]: 36864 weights (subset of combinations)
        "linear.weight",           # [10, 64]
    ],
    "llama2c_stories260K.safetensors": [
        "layers.0.attention.wk.weight",     # [32, 64]
        "layers.1.feed_forward.w2.weight",  # [64, 172]: groups straddle rows for G = 16, 32
        "layers.4.feed_forward.w1.weight",  # [172, 64]
    ],
}


# ----------------------------------------------------------------------------------------------
# Test tensors
# ----------------------------------------------------------------------------------------------

class Case:
    def __init__(self, name, values, extra_args=()):
        assert values.min() >= -128 and values.max() <= 127, name
        self.name = name
        self.values = np.ascontiguousarray(values.astype(np.int8))
        self.extra_args = list(extra_args)  # e.g. --depthwise-grouping reference

    @property
    def numel(self):
        return self.values.size

    def c(self):
        return self.values.shape[1]  # input channels: C of [K, C] or [K, C, H, W]


def _clip8(x):
    return np.clip(np.round(x), -128, 127)


def synthetic_cases(rng):
    cases = []
    # Uniform over the whole int8 range, with -128 and 127 forced in.
    w = rng.integers(-128, 128, size=(16, 32, 3, 3))
    w.flat[0], w.flat[1], w.flat[100], w.flat[101] = -128, 127, -128, 127
    cases.append(Case("conv_uniform_16x32x3x3", w))
    # C < G for every G (g_eff = 3), wide normal.
    cases.append(Case("conv_wide_8x3x3x3", _clip8(rng.normal(0, 40, size=(8, 3, 3, 3)))))
    # C = 20: G = 8 and 16 straddle (k, h, w) rows, G = 32 -> g_eff = 20. Narrow normal.
    cases.append(Case("conv_narrow_8x20x3x3", _clip8(rng.normal(0, 3, size=(8, 20, 3, 3)))))
    # C = 24: G = 16 straddles, G = 32 -> g_eff = 24. Values piled up at the int8 limits, so the
    # zero-point clamp to [-127, 127] and the -128 -> -127 mapping matter.
    w = rng.choice(np.array([-128, -127, -126, -125, -120, -100, 100, 120, 125, 126, 127]),
                   size=(4, 24, 2, 2))
    cases.append(Case("conv_extremes_4x24x2x2", w))
    # Linear with C = 172 (llama2c w2 shape): G = 16 and 32 straddle rows. Wide normal.
    cases.append(Case("fc_wide_64x172", _clip8(rng.normal(0, 40, size=(64, 172)))))
    # Linear with all-zero groups, constant groups, tiny groups and sign-extension-heavy groups.
    w = _clip8(rng.normal(0, 12, size=(32, 64)))
    w[0:4, :] = 0                      # all-zero rows (all-zero groups for every G)
    w[4, :32] = 0                      # one zero group for G = 8, 16, 32
    w[5, :] = -1                       # all ones in two's complement
    w[6, :] = 64                       # a single magnitude column
    w[7, :] = rng.integers(-2, 2, size=64)
    w[8, :16] = 0
    w[8, 3] = 1                        # one non-zero weight in an otherwise zero group
    w[9, :] = rng.integers(0, 8, size=64)      # small positive values only
    w[10, :] = -rng.integers(1, 9, size=64)    # small negative values only
    cases.append(Case("fc_zero_groups_32x64", w))
    # Narrow linear with C = 40 (G = 16 straddles, G = 32 straddles too).
    cases.append(Case("fc_narrow_24x40", _clip8(rng.normal(0, 3, size=(24, 40)))))
    # Uniform linear, C = 8 (G = 16, 32 -> g_eff = 8).
    w = rng.integers(-128, 128, size=(48, 8))
    w.flat[5] = -128
    cases.append(Case("fc_uniform_48x8", w))
    # Depthwise conv [C, 1, H, W]: the reference makes every weight its own group; the tool does
    # that with --depthwise-grouping reference (its default groups along the kernel window).
    cases.append(Case("dw_wide_8x1x3x3", _clip8(rng.normal(0, 40, size=(8, 1, 3, 3))),
                      extra_args=["--depthwise-grouping", "reference"]))
    return cases


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[base + begin:base + end], dtype="<f4").reshape(
            info["shape"])
    return tensors


def quantize_per_channel(w):
    """scale = max|w| / 127 per output channel in float64 (all-zero channel: 1),
    q = clip(round_half_even(w / scale), -127, 127)."""
    w64 = w.astype(np.float64)
    flat = w64.reshape(w64.shape[0], -1)
    scale = np.abs(flat).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(flat / scale[:, None]), -127, 127)
    return q.reshape(w.shape)


def weight_files(args_weights):
    files = []
    for item in args_weights:
        if os.path.isdir(item):
            for name in sorted(KNOWN_TENSORS):
                path = os.path.join(item, name)
                if os.path.exists(path):
                    files.append(path)
                else:
                    print(f"note: {path} not found, skipped")
        elif os.path.exists(item):
            files.append(item)
        else:
            print(f"note: {item} not found, skipped")
    return files


def real_cases(paths):
    cases = []
    for path in paths:
        tensors = read_safetensors(path)
        base = os.path.basename(path)
        names = KNOWN_TENSORS.get(base)
        if names is None:
            names = [n for n, t in tensors.items() if t.ndim in (2, 4)][:3]
        stem = base.split(".")[0]
        for name in names:
            if name not in tensors:
                print(f"note: {base} has no tensor {name}, skipped")
                continue
            q = quantize_per_channel(tensors[name])
            cases.append(Case(f"{stem}:{name}", q))
    return cases


# ----------------------------------------------------------------------------------------------
# Combinations
# ----------------------------------------------------------------------------------------------

def combinations(case):
    """(method, group_size, columns, const_bits) tuples to run for a case."""
    out = []
    n = case.numel
    for method in METHODS:
        if method == "zero-point":
            if n <= 5000:
                grid = [(g, c, b) for g in GROUP_SIZES for c in COLUMNS for b in CONST_BITS]
            elif n <= 20000:
                grid = [(g, c, 6) for g in GROUP_SIZES for c in (1, 4, 6)]
                grid += [(16, c, 5) for c in (2, 3, 5)]
            else:
                grid = [(32, 4, 6), (16, 2, 5)]
        else:
            if n <= 20000:
                grid = [(g, c, None) for g in GROUP_SIZES for c in COLUMNS]
            else:
                grid = [(g, c, None) for g in GROUP_SIZES for c in (1, 2, 4, 6)]
        if n <= 5000:
            # Beyond the main grid: N = 0, 7, 8 (accepted by the tool), group sizes 4 and 64,
            # and the extreme constant widths.
            extra = [(32, 0), (32, 7), (8, 7), (32, 8), (4, 2), (4, 4), (64, 2), (64, 5)]
            if method == "zero-point":
                grid += [(g, c, 6) for g, c in extra]
                if n <= 2500:
                    grid += [(16, 4, 1), (16, 4, 3), (16, 4, 8), (8, 2, 8)]
            else:
                grid += [(g, c, None) for g, c in extra]
        for g, c, b in grid:
            g_eff = min(g, case.c())
            if n % g_eff != 0:
                continue  # the reference raises (no partial groups); nothing to compare
            out.append((method, g, c, b))
    return out


def describe(method, g, c, b):
    text = f"{method} G={g} N={c}"
    return text + (f" B={b}" if b is not None else "")


def run_tool(exe, case, input_path, output_path, method, g, c, b):
    cmd = [exe, "prune", "--input", input_path, "--output", output_path, "--method", method,
           "--group-size", str(g), "--columns", str(c), "--format", "json"]
    if b is not None:
        cmd += ["--const-bits", str(b)]
    cmd += case.extra_args
    if os.path.exists(output_path):
        os.remove(output_path)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        return None, (f"exit code {proc.returncode}: {proc.stderr.strip()[:300]}")
    try:
        report = json.loads(proc.stdout)
        summary = report["summary"][0]
        if summary["method"] != method or summary["columns"] != c or summary["group_size"] != g:
            return None, f"summary does not echo the parameters: {summary}"
    except (ValueError, KeyError, IndexError) as e:
        return None, f"--format json output does not parse ({e}): {proc.stdout[:200]!r}"
    return np.load(output_path), None


def first_difference(a, b):
    diff = np.argwhere(a != b)
    idx = tuple(int(i) for i in diff[0])
    return idx, len(diff)


def check_case(exe, work, case, stats):
    input_path = os.path.join(work, f"in_{len(stats['cases'])}.npy")
    output_path = os.path.join(work, f"out_{len(stats['cases'])}.npy")
    np.save(input_path, case.values)
    stats["cases"].append(case.name)
    for method, g, c, b in combinations(case):
        label = f"{describe(method, g, c, b)} tensor={case.name} shape={list(case.values.shape)}"
        t0 = time.perf_counter()
        expected = ref.prune(method, case.values, g, c, b if b is not None else 5)
        stats["ref_time"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        got, error = run_tool(exe, case, input_path, output_path, method, g, c, b)
        stats["tool_time"] += time.perf_counter() - t0
        if error:
            print(f"FAIL {label}: {error}")
            stats["failed"] += 1
            continue
        want_dtype = np.int16 if method == "zero-point" else np.int8
        problems = []
        if got.dtype != want_dtype:
            problems.append(f"dtype {got.dtype}, expected {np.dtype(want_dtype)}")
        if got.shape != case.values.shape:
            problems.append(f"shape {got.shape}, expected {case.values.shape}")
        elif not np.array_equal(got.astype(np.int64), expected.astype(np.int64)):
            idx, count = first_difference(got.astype(np.int64), expected.astype(np.int64))
            problems.append(f"{count} values differ; first at index {list(idx)}: input "
                            f"{int(case.values[idx])}, tool {int(got[idx])}, reference "
                            f"{int(expected[idx])}")
        if problems:
            print(f"FAIL {label}: " + "; ".join(problems))
            stats["failed"] += 1
        else:
            stats["passed"] += 1


# ----------------------------------------------------------------------------------------------
# Sanity checks of the transliteration itself
# ----------------------------------------------------------------------------------------------

PAPER_EXAMPLES = [
    # (name, method, group, columns, const_bits, expected)
    ("paper Fig. 4 RA N=3", "round-avg", [77, -25, 6, -11], 3, None, [78, -26, 6, -10]),
    ("paper Fig. 4 RA N=4", "round-avg", [13, -57, 20, -11], 4, None, [13, -59, 21, -11]),
    ("paper Fig. 5 ZPS N=4 B=6", "zero-point", [81, -20, 1, -7], 4, 6, [82, -22, 2, -6]),
]


def sanity_checks(rng, work):
    """Returns (number of checks, failure messages)."""
    failures = []
    checks = 0
    for name, method, group, c, b, want in PAPER_EXAMPLES:
        checks += 1
        got = ref.prune(method, np.array([group]), 4, c, b if b is not None else 5)
        if got.dtype != np.float32 or got.tolist() != [[float(v) for v in want]]:
            failures.append(f"{name}: reference gives {got.tolist()}, paper says {[want]}")
    # Skipping empty (prune_idx, test_idx) pairs must not change anything.
    w = rng.integers(-128, 128, size=(4, 16, 3, 3)).astype(np.int8)
    w[0] = rng.integers(-3, 4, size=(16, 3, 3))
    for method, c, b in [("zero-point", 2, 5), ("zero-point", 5, 6), ("bit-flip", 3, None),
                         ("bit-flip", 6, None)]:
        checks += 1
        fast = ref.prune(method, w, 16, c, b or 5)
        ref.SKIP_EMPTY_PAIRS = False
        try:
            literal = ref.prune(method, w, 16, c, b or 5)
        finally:
            ref.SKIP_EMPTY_PAIRS = True
        if not np.array_equal(fast, literal):
            failures.append(f"{describe(method, 16, c, b)}: skipping empty pairs changes results")
    # Documented property (yc2367/BBS-MICRO binary_pruning.py:16 roundAvg_conv): round-avg can give -128 (1000 0001, low bit -> 0).
    checks += 1
    out = ref.prune("round-avg", np.array([[-127, -126, -126, -127]]), 4, 1)
    if out.tolist() != [[-128.0, -126.0, -126.0, -128.0]]:
        failures.append(f"round-avg of [-127, -126, -126, -127], N=1 gives {out.tolist()}, "
                        "expected [-128, -126, -126, -128]")
    # The command line of bbs_reference.py gives what the in-process call gives.
    checks += 1
    in_path, out_path = os.path.join(work, "cli_in.npy"), os.path.join(work, "cli_out.npy")
    np.save(in_path, w)
    proc = subprocess.run([sys.executable, ref.__file__, "zero-point", in_path, out_path,
                           "--group-size", "16", "--columns", "4", "--const-bits", "6"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        failures.append(f"bbs_reference.py command line failed: {proc.stdout.strip()[-300:]}")
    else:
        cli = np.load(out_path)
        if cli.dtype != np.float32 or not np.array_equal(cli, ref.prune("zero-point", w, 16, 4, 6)):
            failures.append("bbs_reference.py command line output differs from ref.prune()")
    return checks, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exe", required=True, help="bbs-dse executable")
    parser.add_argument("--weights", nargs="*", default=[],
                        help="safetensors files or directories holding them (missing: skipped)")
    parser.add_argument("--work", required=True, help="scratch directory")
    parser.add_argument("--seed", type=int, default=20240908)
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    stats = {"passed": 0, "failed": 0, "cases": [], "ref_time": 0.0, "tool_time": 0.0}

    checks, failures = sanity_checks(rng, args.work)
    for message in failures:
        print(f"FAIL reference sanity: {message}")
    stats["failed"] += len(failures)
    stats["passed"] += checks - len(failures)
    print(f"reference sanity checks (paper examples, literal loops): {checks - len(failures)}"
          f" of {checks} ok")

    # The paper's worked examples through the tool as well.
    cases = [Case("paper_fig4_ra3", np.array([[77, -25, 6, -11]])),
             Case("paper_fig4_ra4", np.array([[13, -57, 20, -11]])),
             Case("paper_fig5_zps", np.array([[81, -20, 1, -7]]))]
    for case in cases + synthetic_cases(rng) + real_cases(weight_files(args.weights)):
        t0 = time.perf_counter()
        before = stats["passed"] + stats["failed"]
        check_case(args.exe, args.work, case, stats)
        print(f"{case.name} {list(case.values.shape)}: "
              f"{stats['passed'] + stats['failed'] - before} combinations, "
              f"{time.perf_counter() - t0:.1f} s", flush=True)

    print(f"time: {time.perf_counter() - start:.1f} s total (reference {stats['ref_time']:.1f} s,"
          f" bbs-dse {stats['tool_time']:.1f} s)")
    print(f"{stats['passed']} passed, {stats['failed']} failed")
    return 1 if stats["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
