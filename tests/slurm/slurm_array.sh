# Shared by the Slurm integration tests (sourced): bring up the local single-node Slurm, run an
# sbatch script as a job array and wait for it.
#   slurm_up ROOT          exit 77 (ctest: skipped) when Slurm cannot be brought up here
#   slurm_array ROOT EXE TASKS SCRIPT ARGS...   submit, wait; exit 1 if the job never finishes
slurm_up() {
  local root=$1
  if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root to start Slurm"; exit 77; fi
  if ! "$root/scripts/slurm/local-up.sh"; then echo "skipped: Slurm did not come up"; exit 77; fi
  trap '"'"$root"'/scripts/slurm/local-down.sh"' EXIT
}

slurm_array() {
  local root=$1 exe=$2 tasks=$3 script=$4 job
  shift 4
  job=$(BBS_DSE="$exe" sbatch --parsable --array=0-$((tasks - 1)) "$root/$script" "$@") || exit 1
  echo "submitted array job $job"
  for _ in $(seq 1 240); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    sleep 0.5
  done
  if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then echo "FAIL: array job still queued"; exit 1; fi
}
