#!/usr/bin/env bash
# Integration test: distributed profiling on a real single-node Slurm. A job array of three
# tasks profiles disjoint sets of weight tensors (a synthetic Llama and ResNet-20 with its real
# weights) into three databases; merged, their profile cache must equal the one a single-machine
# run writes, and the campaign run on the merged database must compute no profile and store the
# same points as the single-machine run.
#   test_slurm_profiles.sh BBS_DSE_EXE WEIGHTS_FILE WORK_DIR
# Exit 77 (ctest: skipped) when Slurm cannot be brought up here (not root, no package access);
# any difference is a failure.
set -uo pipefail
exe=$1 weights=$2 work=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/slurm/slurm_array.sh"
slurm_up "$root"

rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
cat > campaign.toml <<TOML
name = "slurm-profiles"
[[workload]]
network = "llama2c_stories260k"
[[workload]]
network = "cifar10_resnet20"
weights = "$weights"
[[design]]
accel = "stripes"
[[design]]
accel = "bitwave"
[[design]]
accel = "bitvert"
[design.axes]
"array.rows" = [16, 32]
"pruning.columns" = [3, 4]
TOML
tasks=3
slurm_array "$root" "$exe" $tasks scripts/slurm/profile-array.sbatch campaign.toml "$work/out"
for i in $(seq 1 $tasks); do
  [ -s "out/profiles-$i.db" ] || { echo "FAIL: task $i wrote no database"; cat bbs-dse-*.log; exit 1; }
done
"$exe" merge merged.db out/profiles-*.db || exit 1
"$exe" run campaign.toml --db single.db || exit 1

cache='SELECT key, hex(blob) FROM profile_cache ORDER BY key'
"$exe" query --db merged.db --format csv --sql "$cache" > merged-profiles.csv || exit 1
"$exe" query --db single.db --format csv --sql "$cache" > single-profiles.csv || exit 1
entries=$(($(wc -l < single-profiles.csv) - 2))
if [ "$entries" -lt 20 ] || ! cmp -s merged-profiles.csv single-profiles.csv; then
  echo "FAIL: merged profile caches ($(($(wc -l < merged-profiles.csv) - 2)) entries) differ from" \
       "the single-machine run's ($entries)"
  exit 1
fi
for i in $(seq 1 $tasks); do  # every task profiled a share, none all of them
  n=$("$exe" query --db "out/profiles-$i.db" --format csv --sql 'SELECT count(*) FROM profile_cache' | sed -n 2p)
  if [ "$n" -le 0 ] || [ "$n" -ge "$entries" ]; then
    echo "FAIL: task $i holds $n of $entries profile entries"; exit 1
  fi
done

"$exe" run campaign.toml --db merged.db 2> campaign.err || { cat campaign.err; exit 1; }
if ! grep -q "profiles 0 computed, [1-9][0-9]* read from the database" campaign.err; then
  echo "FAIL: the campaign on the merged profiles computed profiles:"; cat campaign.err; exit 1
fi
rows='SELECT w.network, p.point_key, p.status, p.total_cycles, p.energy_pj, p.area_mm2,
             p.useful_fraction FROM design_point p JOIN workload w ON w.id = p.workload_id ORDER BY w.network, p.point_key'
"$exe" query --db merged.db --format csv --sql "$rows" > merged.csv || exit 1
"$exe" query --db single.db --format csv --sql "$rows" > single.csv || exit 1
points=$(($(wc -l < single.csv) - 2))
if [ "$points" -lt 10 ] || ! cmp -s merged.csv single.csv; then
  echo "FAIL: the campaign on merged profiles differs from the single-machine run"
  diff merged.csv single.csv | head; exit 1
fi
echo "slurm: $tasks profiling tasks, $entries tensor profiles merged == single-machine run;" \
     "$points points from them equal, $(grep -o 'profiles 0 computed.*' campaign.err)"
echo "1 passed, 0 failed"
