#!/usr/bin/env bash
# Builds the project with AddressSanitizer + UndefinedBehaviorSanitizer (Debug, -O1) in
# build-asan/ and runs the test suite there, stopping at the first sanitizer report.
# Slurm and the benchmarks are left out; the bit-exact reference test alone takes ~5 min. The fuzz
# targets (fuzz/) replay their corpus plus 5 s of mutations each under the sanitizers.
# About 25 minutes on 2 cores from scratch. Usage: scripts/sanitize.sh [extra ctest args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -O1"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DBBS_DSE_BUILD_BENCH=OFF -DBBS_DSE_FUZZ_SECONDS=5 -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build "$root/build-asan"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
ctest --test-dir "$root/build-asan" -j "$(nproc)" -E "slurm|bench" --timeout 900 \
  --output-on-failure "$@"
