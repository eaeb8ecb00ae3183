#!/usr/bin/env bash
# Wall time, CPU time and peak resident memory of one 8 B-parameter simulate (issue 13 item 3):
#   scripts/bench-llama3-8b.sh [BBS_DSE] [JOBS] [extra simulate arguments...]
# Default: build/app/bbs-dse, 2 threads, `simulate --network llama3_8b --accel bitvert` on its
# synthetic weights (generated block by block, profiled in two streamed passes). The last lines
# say "wall_s=… cpu_s=… peak_rss_mb=…". Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
exe=${1:-build/app/bbs-dse}
jobs=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
log=$(mktemp)
trap 'rm -f "$log"' EXIT
/usr/bin/time -v "$exe" simulate --network llama3_8b --accel bitvert -j "$jobs" "$@" \
  --format csv > /dev/null 2> "$log" || { cat "$log"; exit 1; }
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
       awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }')
user=$(sed -n 's/.*User time (seconds): //p' "$log")
sys=$(sed -n 's/.*System time (seconds): //p' "$log")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
echo "llama3_8b bitvert -j $jobs: wall_s=$wall cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') peak_rss_mb=$((rss_kb / 1024))"
