"""What the tests share, one way each. Test modules import it from here (`from support.cli
import invoke`), never from one another; conftest.py holds only pytest's fixtures.

- `support.cli`: running `compose` in this process (`invoke`, `compose_cli`), as a process
  (`compose_proc`) and with a terminal as its output (`compose_on_terminal`);
- `support.oracle`: wasm-tools, the oracle (`wasm_tools`, `valid`, `top_imports`), with the
  output log of `scripts/same_outputs.sh`;
- `support.build`: components compiled from WAT or WIT by the oracle, cached (`wat`,
  `wit_component`);
- `support.components`: small runnable components written as WAT (`counter`, `chain`, ...),
  and `run_top`, the number a composition of them computes;
- `support.witshapes`: WIT using every kind of item, and worlds using it;
- `support.witdiff`: what `wasm-tools component wit` says of a component, summarised;
- `support.browser`: headless chromium and mermaid's own parser (`mermaid_verdict`).

`ROOT` is the repository's root, wherever a test module lies below tests/.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# The project's scripts (build_fixtures, fuzz, bench, ...) are imported by tests and fixtures.
sys.path.insert(0, str(ROOT / "scripts"))
