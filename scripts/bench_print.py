#!/usr/bin/env python3
"""How long does the WebAssembly text printer take on the componentize-py seed (two ~18 MB
components; issue 22 asks under 10 s each)? And `wasm-tools print` on the same files.

Times `composer.text.wat.print_wasm` in this process (the bytes already read; best and median
of --runs), `--skeleton` too, and `wasm-tools print` (a process writing to /dev/null, as its
own figure for comparison), and prints the size of the text. Exit status 1 when a full print
takes 10 s or more (best run), or the printer fails.

    .venv/bin/python scripts/bench_print.py [FILE.wasm ...] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from print_conformance import WASM_TOOLS  # noqa: E402

LIMIT = 10.0  # seconds, the bar for one 18 MB component


def seed_components() -> list[Path]:
    import build_fixtures

    names = ["cpy-seed-app", "cpy-seed-ops"]
    built = build_fixtures.build_all(ROOT / "fixtures" / "build", names, componentize_py=True)
    return [built[n] for n in names]


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def figures(times: list[float]) -> str:
    return f"best {min(times):6.2f} s, median {statistics.median(times):6.2f} s"


def bench(path: Path, runs: int) -> bool:
    from composer.text.wat import print_wasm

    data = path.read_bytes()
    print(f"{path.name}: {len(data) / 1e6:.1f} MB")
    try:
        full, text = timed(lambda: print_wasm(data), runs)
        skeleton, skel_text = timed(lambda: print_wasm(data, skeleton=True), runs)
    except Exception as exc:  # a printer that fails is a figure too
        print(f"  print_wasm failed: {type(exc).__name__}: {exc}")
        return False
    lines = text.count("\n")
    print(f"  print_wasm             {figures(full)}  ({len(text) / 1e6:.0f} MB, {lines:,} lines)")
    print(f"  print_wasm skeleton    {figures(skeleton)}  ({len(skel_text) / 1e6:.1f} MB)")
    for label, args in (("wasm-tools print", []), ("wasm-tools --skeleton", ["--skeleton"])):
        times, _ = timed(lambda: subprocess.run([WASM_TOOLS, "print", *args, str(path)],
                                                stdout=subprocess.DEVNULL, check=True), runs)
        print(f"  {label:22} {figures(times)}")
    ok = min(full) < LIMIT
    print(f"  {'under' if ok else 'NOT under'} {LIMIT:.0f} s")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="default: the componentize-py seed pair")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    results = [bench(p, args.runs) for p in (args.files or seed_components())]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
