#!/usr/bin/env bash
# Makes the per-step image model fixtures FramesOracleTest compares against: our writer's Keras
# files and 16 ragged rows (Java, FramesOracleTest#writeFixtures), then TensorFlow.js' predictions
# through ../shared/tfjs-oracle (needs node and /usr/bin/python3 with h5py; CI does not run this).
# Usage, from the repository root: bash src/test/resources/oracle/frames/make.sh [ORACLE_COPY]
set -euo pipefail
here=src/test/resources/oracle/frames
oracle=${1:-/tmp/tfjs-oracle}
if [ ! -d "$oracle/node_modules" ]; then
  rm -rf "$oracle" && cp -r ../shared/tfjs-oracle "$oracle" && (cd "$oracle" && npm install)
fi
mvn -o -q test -Dtest='FramesOracleTest#writeFixtures' -DfailIfNoTests=false \
  -Drnnscore.writeFramesFixtures="$PWD/$here"
for dir in "$here"/*/; do
  tmp=$(mktemp -d)
  /usr/bin/python3 "$oracle/export.py" "$dir/model.h5" "$tmp"
  node "$oracle/predict.mjs" "$tmp" "$dir/input.jsonl" "$dir/expected.json"
  rm -rf "$tmp"
done
