#!/usr/bin/env bash
# Set up a fresh machine for composer: a virtualenv in .venv with the package and its test
# tools (wasm-tools, componentize-py). With --test, also what the report tests need: Debian's
# chromium, graphviz and librsvg2-bin (apt-get) and the mermaid parser (npm, pinned), and what
# the Bazel rules' tests need: Debian's bazel-bootstrap (Bazel 4, offline). Safe to run again; it
# only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.composer-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # compat mode: a path in a .pth file, not an import hook (which costs every run of
  # `compose` ~25 ms of start-up)
  .venv/bin/python -m pip install --quiet -e ".[test]" --config-settings editable_mode=compat
  touch "$stamp"
fi
if [ "${1:-}" = "--test" ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v dot >/dev/null || need+=(graphviz)
  command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
  command -v bazel >/dev/null || need+=(bazel-bootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  mermaid=.venv/node/node_modules/mermaid/dist/mermaid.min.js
  if [ ! -f "$mermaid" ]; then
    npm install --silent --no-audit --no-fund --prefix .venv/node mermaid@11.17.2
  fi
fi
