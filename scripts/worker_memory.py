#!/usr/bin/env python3
"""How well the persistent worker's memory stays bounded.

1. Calibration of `model.loadcache.held_estimate`: for every component of the corpus
   (../shared/corpus, when present) and the fixtures, the memory a loaded component holds
   (tracemalloc, after a first load has done the imports) against the estimate the worker's
   cache charges for it. The estimate must be above every one (ratio held/estimate <= 1).
2. A worker under a small limit: `compose --persistent_worker` serving ROUNDS requests that
   compose the seed pair, each declaring new digests (as after every edit), its resident
   memory sampled after each; with the limit it levels off instead of growing.

    .venv/bin/python scripts/worker_memory.py [--rounds N] [--limit BYTES]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def calibrate(paths: list[Path]) -> None:
    from composer.errors import ComposerError
    from composer.model.load import load_component
    from composer.model.loadcache import held_estimate

    ratios: list[tuple[float, str, int, int]] = []
    for path in paths:
        try:
            load_component(path)
        except ComposerError:
            continue  # the corpus holds invalid components too
        held = min(_held(lambda: load_component(path)) for _ in range(2))
        loaded = load_component(path)
        estimate = held_estimate(loaded.data)
        ratios.append((held / estimate, path.name, held, estimate))
        del loaded
    ratios.sort()
    worst = ratios[-1]
    print(f"calibration: {len(ratios)} components; held/estimate median "
          f"{statistics.median(r for r, *_ in ratios):.2f}, max {worst[0]:.2f} ({worst[1]}: "
          f"held {worst[2]:,} B, estimate {worst[3]:,} B); over the estimate: "
          f"{sum(r > 1 for r, *_ in ratios)}")


def _held(load) -> int:
    """The memory what `load()` returns holds: traced while loading and kept after. The
    smaller of two measurements is taken, since a process-wide cache (interned names, an
    engine for a feature set) may grow during either one."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = load()
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return held


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_rounds(rounds: int, limit: int) -> None:
    from support.worker import ask, proto_request, worker_process

    import build_fixtures

    small = build_fixtures.build_all(ROOT / "fixtures" / "build", ["seed-app", "seed-ops"])
    app, ops = str(small["seed-app"]), str(small["seed-ops"])
    out = str(ROOT / "build" / "worker-memory.wasm")
    env = dict(os.environ, COMPOSE_WORKER_CACHE_BYTES=str(limit))
    samples = []
    with worker_process(env=env, limit=3600) as worker:
        for i in range(1, rounds + 1):
            digests = {app: f"app-{i}".encode(), ops: f"ops-{i}".encode()}
            answer = ask(worker, proto_request([app, "-d", ops, "-o", out], i, inputs=digests))
            assert answer["exit_code"] == 0, answer
            samples.append(rss_kib(worker.pid))
    tenth = max(1, rounds // 10)
    print(f"worker: {rounds} requests with new digests, limit {limit:,} B: resident "
          f"{samples[0] / 1024:.1f} MiB after the first, {samples[tenth - 1] / 1024:.1f} MiB "
          f"after {tenth}, {samples[-1] / 1024:.1f} MiB after {rounds}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--limit", type=int, default=4 << 20)
    args = ap.parse_args()
    corpus = ROOT.parent / "shared" / "corpus" / "components"
    paths = sorted(corpus.glob("*.wasm")) if corpus.is_dir() else []
    paths += sorted((ROOT / "fixtures" / "build").glob("*.wasm"))
    calibrate(paths)
    worker_rounds(args.rounds, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
