#!/usr/bin/env bash
# Regenerates the README's figures (docs/figures/*.png) from the built-in campaigns: `paper` and
# `bitvert-explore` into results/ (reused when already there: runs resume), the bit-level analysis
# sweep, then `bbs-dse plot`. Needs a build (scripts/build.sh); about 3 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${BBS_DSE_EXE:-$root/build/app/bbs-dse}
"$exe" run paper --db "$root/results/paper.db" --jobs "$(nproc)"
"$root/scripts/analysis-sweep.sh" "$exe" "$root/results/paper.db"
"$exe" run bitvert-explore --db "$root/results/explore.db" --jobs "$(nproc)"
out="$root/docs/figures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for figure in speedup energy imbalance bits; do
  "$exe" plot --db "$root/results/paper.db" --figure "$figure" --out "$tmp" > /dev/null
done
"$exe" plot --db "$root/results/explore.db" --figure pareto --out "$tmp" > /dev/null
mkdir -p "$out"
cp "$tmp"/*.png "$out"/
echo "figures: $out"
