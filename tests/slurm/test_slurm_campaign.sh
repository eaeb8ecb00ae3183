#!/usr/bin/env bash
# Integration test: a campaign run as a Slurm job array of shards on a real single-node Slurm,
# merged, must equal the same campaign run on one machine.
#   test_slurm_campaign.sh BBS_DSE_EXE WEIGHTS_FILE WORK_DIR
# Exit 77 (ctest: skipped) when Slurm cannot be brought up here (not root, no package access);
# any difference in the results is a failure.
set -uo pipefail
exe=$1 weights=$2 work=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/slurm/slurm_array.sh"
slurm_up "$root"

rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
cat > campaign.toml <<TOML
name = "slurm-test"
[[workload]]
network = "cifar10_resnet20"
weights = "$weights"
[[design]]
accel = "stripes"
[[design]]
accel = "bitvert"
[design.axes]
"array.rows" = [16, 32]
"array.cols" = [8, 16]
"pruning.columns" = [2, 3, 4]
TOML
shards=3
slurm_array "$root" "$exe" $shards scripts/slurm/campaign-array.sbatch campaign.toml "$work/out"
for i in $(seq 1 $shards); do
  [ -s "out/shard-$i.db" ] || { echo "FAIL: shard $i wrote no database"; cat bbs-dse-*.log; exit 1; }
done
"$exe" merge merged.db out/shard-*.db || exit 1
"$exe" run campaign.toml --db single.db || exit 1
rows='SELECT point_key, status, total_cycles, energy_pj, area_mm2 FROM design_point ORDER BY point_key'
"$exe" query --db merged.db --format csv --sql "$rows" > merged.csv || exit 1
"$exe" query --db single.db --format csv --sql "$rows" > single.csv || exit 1
points=$(($(wc -l < single.csv) - 2))
if ! cmp -s merged.csv single.csv; then
  echo "FAIL: merged shards differ from the single-machine run"; diff merged.csv single.csv; exit 1
fi
echo "slurm: $shards array tasks, $points points, merged == single-machine run"
echo "1 passed, 0 failed"
