#!/usr/bin/env bash
# Are the outputs the suite composes byte-identical to those of another commit? Runs the suite
# here with every validated component's SHA-256 logged (tests/support/oracle.py), and compares the
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
# a test by its file's name and its own (tests moved between folders stay comparable)
sed -E 's#^([^ ]*/)?([^/ ]+::)#\2#' "$log" | sort -u >"$log.sorted"
if [ "$mode" = record ]; then
  mv "$log.sorted" "$ref"; echo "$(wc -l <"$ref") outputs recorded in $ref"
else
  # every output recorded before must be there, byte-identical; outputs of tests added
  # since are listed, not failed on
  missing=$(comm -23 "$ref" "$log.sorted"); added=$(comm -13 "$ref" "$log.sorted")
  if [ -n "$added" ]; then echo "outputs of tests added since:"; echo "$added"; fi
  if [ -z "$missing" ]; then echo "$(wc -l <"$ref") outputs byte-identical"
  else echo "outputs differ or are gone:"; echo "$missing" | head -40; exit 1; fi
fi
exit $suite
