#!/usr/bin/env bash
# Are the outputs the suite composes byte-identical to those of another commit? Runs the suite
# here with every validated component's SHA-256 logged (tests/conftest.py), and compares the
# sorted log with the one an earlier run left (a refactoring must not change one byte).
#
#   scripts/same_outputs.sh record build/outputs-before.txt   # on the commit before
#   scripts/same_outputs.sh check build/outputs-before.txt    # after: exit 1 on a difference
set -euo pipefail
cd "$(dirname "$0")/.."
mode=$1 ref=$2
log=$(mktemp)
# not -x: a test that fails (a timing test on a loaded machine, say) is reported, and the
# outputs of all the others are still compared
suite=0
COMPOSER_OUTPUT_LOG=$log .venv/bin/python -m pytest -q -p no:cacheprovider "${@:3}" >"$log.out" || suite=1
grep -E "^(FAILED|ERROR)" "$log.out" || true
tail -1 "$log.out"
sort -u "$log" >"$log.sorted"
if [ "$mode" = record ]; then
  mv "$log.sorted" "$ref"; echo "$(wc -l <"$ref") outputs recorded in $ref"
else
  if diff "$ref" "$log.sorted" >"$log.diff"; then echo "$(wc -l <"$ref") outputs byte-identical"
  else echo "outputs differ:"; head -40 "$log.diff"; exit 1; fi
fi
exit $suite
