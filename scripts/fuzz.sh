#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, one per loader) as libFuzzer binaries with AddressSanitizer +
# UndefinedBehaviorSanitizer (clang) in build-fuzz/ and runs each for SECONDS from its seed corpus
# (fuzz/corpus/<target>); inputs libFuzzer finds go to build-fuzz/fuzz/found/<target>, a crash or
# hang to build-fuzz/fuzz/crash-* / timeout-*. Needs Debian's clang and libclang-rt-14-dev.
# CI runs the same targets without clang: a plain driver replays the corpus plus seeded random
# mutations (ctest -L fuzz in the normal build).
# Usage: scripts/fuzz.sh [SECONDS=60] [TARGET...]   (targets: npy safetensors onnx campaign
#        hardware hf_config result_db)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(npy safetensors onnx campaign hardware hf_config result_db)
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -O1 -g"
cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++ -DBBS_DSE_LIBFUZZER=ON -DBBS_DSE_WERROR=OFF \
  -DBBS_DSE_BUILD_TESTS=OFF -DBBS_DSE_BUILD_BENCH=OFF -DBBS_DSE_FUZZ_SECONDS="$seconds" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build "$root/build-fuzz" --target "${targets[@]/#/fuzz_}"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$root/build-fuzz" -L fuzz --output-on-failure \
  -R "^($(IFS='|'; echo "${targets[*]/#/fuzz_}"))\$"
