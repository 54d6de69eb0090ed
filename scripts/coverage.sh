#!/usr/bin/env bash
# Line coverage of the whole suite as it really runs: the `compose` processes the tests start
# are measured too (pyproject.toml: [tool.coverage.run] patch = subprocess). Prints the table;
# the HTML report goes to build/coverage/html. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
rm -rf build/coverage
mkdir -p build/coverage
.venv/bin/python -m coverage run -m pytest -q "$@"
.venv/bin/python -m coverage combine -q
.venv/bin/python -m coverage html -q -d build/coverage/html
.venv/bin/python -m coverage report
