#!/usr/bin/env bash
# Stores the bit-level analysis of the built-in ResNet-20 weights under the pruning settings the
# bit-level figure compares (paper: conservative = rounded averaging 2 columns, 10 % sensitive;
# moderate = zero-point 4 columns, 20 %; plus zero-point 2..6 columns and bit-flip 3 columns)
# in a result database.  Usage: analysis-sweep.sh BBS_DSE_EXE DATABASE
set -euo pipefail
exe=$1
db=$2
"$exe" analyze --setting conservative --db "$db" > /dev/null
"$exe" analyze --method round-avg --columns 3 --sensitive 0.1 --db "$db" > /dev/null
for columns in 2 3 4 5 6; do
  "$exe" analyze --method zero-point --columns "$columns" --sensitive 0.2 --db "$db" > /dev/null
done
"$exe" analyze --method bit-flip --columns 3 --db "$db" > /dev/null
