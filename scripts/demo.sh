#!/usr/bin/env bash
# The main job: build the seed example's two components (componentize-py, ~18 MB each;
# cached after the first run) and show what each imports and exports.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python scripts/build_fixtures.py --componentize-py --only cpy-seed-ops cpy-seed-app
for c in cpy-seed-ops cpy-seed-app; do
  .venv/bin/compose inspect "fixtures/build/$c.wasm" | grep -v '^  ' | head -40
done
