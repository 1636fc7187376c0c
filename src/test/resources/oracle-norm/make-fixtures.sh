#!/usr/bin/env bash
# Remakes the fixtures here: models and rows from NormalizationOracleFixtures (seeded), expected outputs
# from the tfjs oracle (../shared/tfjs-oracle, installed as its README says, at $ORACLE). Not run by CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
ORACLE="${ORACLE:-/tmp/tfjs-oracle}"
(cd "$repo" && mvn -o -q test -Dtest=NormalizationOracleFixtures -Drnnscore.write.fixtures="$here")
for dir in "$here"/*/; do
  model="$(ls "$dir"model.* | head -1)"
  /usr/bin/python3 "$ORACLE/export.py" "$model" "$dir/oracle"
  (cd "$ORACLE" && node predict.mjs "$dir/oracle" "$dir/input.json" "$dir/expected.json")
  rm -rf "$dir/oracle"
done
