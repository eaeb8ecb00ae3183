#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in default (the README's main command).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
"$root/build/app/bbs-dse" analyze --setting moderate "$@"
