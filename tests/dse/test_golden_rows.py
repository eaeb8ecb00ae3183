#!/usr/bin/env python3
"""A campaign's result rows are pinned: runs tests/data/golden/campaign_rows.toml into an empty
database and compares every design point's totals and per-layer rows (17 significant digits) with
campaign_rows.csv. Changes to how the profiles are computed (issue 13: one fused pass per group,
statistics only where read) must leave every number as it was.

  test_golden_rows.py --exe build/app/bbs-dse --golden tests/data/golden --work DIR [--write]
--write regenerates the CSV (only when a change of the model is intended)."""
import argparse
import csv
import pathlib
import sqlite3
import subprocess
import sys


def rows(exe, golden, work):
    work.mkdir(parents=True, exist_ok=True)
    db = work / "golden_rows.db"
    db.unlink(missing_ok=True)
    subprocess.run([exe, "run", str(golden / "campaign_rows.toml"), "--db", str(db), "-j", "2"],
                   check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(db) as connection:
        return [[str(v) for v in row]
                for row in connection.execute((golden / "rows.sql").read_text())]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", required=True)
    parser.add_argument("--golden", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    actual = rows(args.exe, args.golden, args.work)
    expected_path = args.golden / "campaign_rows.csv"
    if args.write:
        with open(expected_path, "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(actual)
        return 0
    with open(expected_path, newline="") as f:
        expected = list(csv.reader(f))
    if len(actual) != len(expected):
        print(f"{len(actual)} rows, expected {len(expected)} ({expected_path})")
        return 1
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a != e:
            print(f"row {i + 1} of {expected_path} differs:\n  expected {e}\n  actual   {a}")
            return 1
    print(f"{len(actual)} rows identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
