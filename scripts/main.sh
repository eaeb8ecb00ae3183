#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in default (the README's main command):
# the BBS analysis of the built-in ResNet-20 weights, then BitVert and Stripes on the same net.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
exe="$root/build/app/bbs-dse"
weights="$root/data/weights/cifar10_resnet20.safetensors"
"$exe" analyze --setting moderate --check 200 "$@"
for accel in stripes bitvert; do
  "$exe" simulate --network cifar10_resnet20 --weights "$weights" --accel "$accel" --check 100
done
