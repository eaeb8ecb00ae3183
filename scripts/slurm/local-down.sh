#!/usr/bin/env bash
# Stops what local-up.sh started: cancels queued jobs, then SIGTERMs (SIGKILL after 10 s) only the
# daemons recorded in /run/bbs-slurm. Packages, configuration and logs stay.
set -uo pipefail
state=/run/bbs-slurm
command -v squeue >/dev/null && squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null
for _ in $(seq 1 40); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 0.5
done
for daemon in slurmd slurmctld munged; do
  pidfile="$state/$daemon.pid"
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$daemon" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
done
exit 0
