#!/usr/bin/env python3
"""How long does it take to get a large component's import and export types?

Reads the componentize-py string-operations component (~18 MB; built and cached by
build_fixtures.py if needed, or pass a path), then decodes and elaborates it several times
and prints the best and median wall time. Core module bodies stay untouched: the script also
checks that no nested core module was decoded.

    .venv/bin/python scripts/bench_parse.py [COMPONENT.wasm] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def default_component() -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_fixtures  # noqa: E402

    built = build_fixtures.build_all(ROOT / "fixtures" / "build", ["cpy-seed-ops"], componentize_py=True)
    return built["cpy-seed-ops"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("component", nargs="?", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    path = args.component or default_component()

    t0 = time.perf_counter()
    from composer.binary import sections as S
    from composer.binary.component import Component
    from composer.model.elaborate import elaborate

    import_s = time.perf_counter() - t0
    data = path.read_bytes()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        comp = Component.decode(data)
        scope = elaborate(comp)
        times.append(time.perf_counter() - t)
    modules = [m for m in scope.core_modules if isinstance(m, S.CoreModuleSection)]
    module_bytes = sum(len(m.data) for m in modules)
    assert all(isinstance(m.data, memoryview) for m in modules)
    print(f"component: {path} ({len(data) / 1e6:.1f} MB, {len(modules)} core modules "
          f"holding {module_bytes / 1e6:.1f} MB, left undecoded)")
    print(f"imports: {len(scope.imports)}, exports: {len(scope.exports)}")
    print(f"decode + elaborate to import/export types: best {min(times) * 1000:.1f} ms, "
          f"median {statistics.median(times) * 1000:.1f} ms over {args.runs} runs")
    print(f"(importing composer's decoder took {import_s * 1000:.1f} ms once)")
    return 0 if min(times) < 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
