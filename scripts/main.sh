#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in default (the README's main command):
#  1. the BBS analysis of the built-in ResNet-20 weights (moderate setting, checked), and the
#     paper's pruning settings stored in results/paper.db for the bit-level figure;
#  2. the `paper` campaign (the paper's seven benchmarks x six designs at iso-multiplier
#     configurations, plus the PE-row sweep of its Fig. 14) into results/paper.db, and each
#     design's geometric-mean speedup / energy against Stripes;
#  3. the figures of that database in results/figures/paper/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
exe="$root/build/app/bbs-dse"
db="$root/results/paper.db"
"$exe" analyze --setting moderate --check 200 "$@"
"$root/scripts/analysis-sweep.sh" "$exe" "$db"
"$exe" run paper --db "$db" --jobs "$(nproc)"
"$exe" query --db "$db" --sql \
  "SELECT accel, count(*) AS networks,
          exp(avg(ln(speedup))) AS geomean_speedup,
          exp(avg(ln(energy_ratio))) AS geomean_energy_vs_stripes
   FROM point_vs_baseline WHERE point_key = 'accel=' || accel
   GROUP BY accel ORDER BY geomean_speedup"
"$exe" plot --db "$db" > /dev/null
echo "results: $db (bbs-dse query --db $db --help)"
echo "figures: $root/results/figures/paper/ (speedup, energy, imbalance-*, pareto-*, bits-*: PNG, PDF, SVG + JSON)"
