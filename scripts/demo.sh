#!/usr/bin/env bash
# The main job: build the seed example's two components with componentize-py (~18 MB each;
# cached after the first run), compose them into one component, check it against the
# wasi:cli/command world and run it in the embedded WASI 0.2 host.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python scripts/build_fixtures.py --componentize-py --only cpy-seed-ops cpy-seed-app
build=fixtures/build
set -x
.venv/bin/compose "$build/cpy-seed-app.wasm" -d "$build/cpy-seed-ops.wasm" -o "$build/seed-composed.wasm" -v
.venv/bin/compose verify "$build/seed-composed.wasm"
.venv/bin/compose run "$build/seed-composed.wasm"
.venv/bin/compose run "$build/cpy-seed-ops.wasm" --invoke 'reverse("Hello, components")'
