#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in default (the README's main command):
# the BBS analysis of the built-in ResNet-20 weights, then the `paper` campaign (the paper's seven
# benchmarks x six designs at iso-multiplier configurations) into results/paper.db, and its
# speedup / energy against Stripes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
exe="$root/build/app/bbs-dse"
"$exe" analyze --setting moderate --check 200 "$@"
"$exe" run paper --db "$root/results/paper.db" --jobs "$(nproc)"
"$exe" query --db "$root/results/paper.db" --sql \
  "SELECT point_key AS configuration, count(*) AS networks,
          exp(avg(ln(speedup))) AS geomean_speedup,
          exp(avg(ln(energy_ratio))) AS geomean_energy_vs_stripes
   FROM point_vs_baseline GROUP BY point_key ORDER BY geomean_speedup"
echo "results: $root/results/paper.db (bbs-dse query --db $root/results/paper.db --help)"
