#!/usr/bin/env python3
"""Hostile inputs: components built to exhaust time, memory or stack, and what `compose` makes
of each, measured (wall time and peak memory with /usr/bin/time -v, when installed).

    .venv/bin/python scripts/hostile.py            # build each input, run it, print a table
    .venv/bin/python scripts/hostile.py --keep DIR # and keep the inputs there

Each input must end, within bounds, in a clear message and exit status 1 (or in success
where the input is valid): tests/test_hostile.py checks that; this script measures it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
PREAMBLE = b"\x00asm\x0d\x00\x01\x00"


sys.path.insert(0, str(ROOT))
from composer.binary.writer import encode_s, encode_u as leb  # noqa: E402


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + leb(len(payload)) + payload


def name(text: str) -> bytes:
    raw = text.encode()
    return b"\x00" + leb(len(raw)) + raw  # a plain name (no attributes)


def instance_imports(names: list[str]) -> bytes:
    """A component importing an instance (of an empty instance type) under each name."""
    items = b"".join(name(n) + b"\x05\x00" for n in names)
    return PREAMBLE + section(7, b"\x01\x42\x00") + section(10, leb(len(names)) + items)


def func_imports(names: list[str]) -> bytes:
    """A component importing a `func()` under each name."""
    items = b"".join(name(n) + b"\x01\x00" for n in names)
    return PREAMBLE + section(7, b"\x01\x40\x00\x01\x00") + section(10, leb(len(names)) + items)


def nested_components(depth: int) -> bytes:
    data = PREAMBLE
    for _ in range(depth):
        data = PREAMBLE + section(4, data)
    return data


def nested_instance_types(depth: int) -> bytes:
    inner = b"\x42\x00"
    for _ in range(depth):
        inner = b"\x42\x01\x01" + inner  # an instance type declaring the previous one
    return PREAMBLE + section(7, b"\x01" + inner)


def list_chain(depth: int) -> bytes:
    """type 0 = list<u8>, type i = list<type i-1>: a chain of indices, each a level deeper."""
    types = [b"\x70\x7d"] + [b"\x70" + encode_s(i) for i in range(depth - 1)]
    return PREAMBLE + section(7, leb(len(types)) + b"".join(types))


def imports_and_exports(count: int) -> bytes:
    """A component importing `count` functions and exporting each again."""
    exports = section(11, leb(count) + b"".join(name(f"e{i}") + b"\x01" + leb(i) + b"\x00"
                                                for i in range(count)))
    return func_imports([f"f{i}" for i in range(count)]) + exports


def inline_instances(count: int) -> bytes:
    """A component with `count` (empty) inline instances."""
    return PREAMBLE + section(5, leb(count) + b"\x01\x00" * count)


# A dependency offering `f0` (a `func()`): with it, a root of many imports composes.
DEP_F0 = PREAMBLE + section(1, b"\x00asm\x01\x00\x00\x00" + bytes([1, 4, 1, 0x60, 0, 0])
                            + bytes([3, 2, 1, 0]) + bytes([7, 5, 1, 1, 0x66, 0, 0])
                            + bytes([10, 4, 1, 2, 0, 0x0B])) + \
    section(2, b"\x01\x00\x00\x00") + section(7, b"\x01\x40\x00\x01\x00") + \
    section(6, b"\x01\x00\x00\x01\x00\x01f") + section(8, b"\x01\x00\x00\x00\x00\x00") + \
    section(11, b"\x01" + name("f0") + b"\x01\x00\x00")


def huge_section() -> bytes:
    return PREAMBLE + b"\x07" + leb(500 * 1024 * 1024) + b"\x00"


def vector_count() -> bytes:
    return PREAMBLE + section(10, leb(2**32 - 1) + b"\x00")


# name -> (what, how to build it, the compose command after `compose`, expected exit status,
#          a fragment of the expected stderr)
INPUTS: dict[str, tuple[str, Callable[[], bytes], list[str], int, str]] = {
    "nested-components-200": ("components nested 200 deep (valid)",
                              lambda: nested_components(200), ["inspect"], 0, ""),
    "nested-components-1001": ("components nested 1,001 deep",
                               lambda: nested_components(1001), ["inspect"], 1,
                               "modules and components count exceeds limit of 1000"),
    "nested-types-10000": ("instance types nested 10,000 deep",
                           lambda: nested_instance_types(10_000), ["inspect"], 1,
                           "nesting deeper than 100 levels"),
    "list-chain-10000": ("list<list<...>> 10,000 deep",
                         lambda: list_chain(10_000), ["inspect"], 1, "type nesting is too deep"),
    "name-1mb": ("an import name of 1 MB", lambda: instance_imports(["a" * 1_000_000]),
                 ["inspect"], 1, "name of 1000000 bytes is longer than 100000"),
    "name-segments": ("a 100-byte name of many short segments, invalid at its end",
                      lambda: instance_imports(["a" + "-1" * 49 + "!"]), ["inspect"], 1,
                      "is not a valid extern name"),
    "name-over-filesystem-limit": ("a valid 300-byte import name, looked for as a file",
                                   lambda: instance_imports(["a" * 300]), ["compose"], 1,
                                   "no dependencies of component"),
    "imports-100000": ("100,000 function imports", lambda: func_imports(
        [f"f{i}" for i in range(100_000)]), ["compose"], 1, "no dependencies of component"),
    "instance-imports-100000": ("100,000 instance imports", lambda: instance_imports(
        [f"i{i}" for i in range(100_000)]), ["inspect"], 1, "instances count exceeds limit of 4096"),
    "instances-100000": ("100,000 inline instances", lambda: inline_instances(100_000),
                         ["inspect"], 1, "instances count exceeds limit of 4096"),
    "imports-exports-10000": ("10,000 function imports, each exported again",
                              lambda: imports_and_exports(10_000), ["inspect"], 0, ""),
    "imports-exports-100000": ("100,000 function imports, each exported again",
                               lambda: imports_and_exports(100_000), ["inspect"], 0, ""),
    "compose-10000": ("10,000 imports, one plugged by a dependency",
                      lambda: func_imports([f"f{i}" for i in range(10_000)]), ["compose-dep"], 0, ""),
    "compose-100000": ("100,000 imports, one plugged by a dependency",
                       lambda: func_imports([f"f{i}" for i in range(100_000)]), ["compose-dep"], 0, ""),
    "compose-100001": ("100,001 imports: one more than an instantiation takes",
                       lambda: func_imports([f"f{i}" for i in range(100_001)]), ["compose-dep"], 1,
                       "an instantiation takes at most 100,000"),
    "graph-10000": ("the report of 10,000 imports, one plugged",
                    lambda: func_imports([f"f{i}" for i in range(10_000)]), ["graph"], 0, ""),
    "graph-100000": ("the report of 100,000 imports, one plugged",
                     lambda: func_imports([f"f{i}" for i in range(100_000)]), ["graph"], 0, ""),
    "section-500mb": ("a section declaring 500 MB in a 16-byte file", huge_section, ["inspect"], 1,
                      "runs past the end"),
    "vector-count-2^32": ("a vector count of 2^32 - 1", vector_count, ["inspect"], 1,
                          "is larger than the"),
}


def command(key: str, path: Path, out: Path) -> list[str]:
    verb = INPUTS[key][2][0]
    exe = [sys.executable, "-m", "composer"]
    dep = path.with_name("dep-f0.wasm")
    if verb in ("compose-dep", "graph"):
        dep.write_bytes(DEP_F0)
    if verb == "compose":
        return [*exe, str(path), "-o", str(out)]
    if verb == "compose-dep":
        return [*exe, str(path), "-d", str(dep), "-o", str(out)]
    if verb == "graph":
        return [*exe, "graph", str(path), "-d", str(dep), "-f", "json", "-o", str(out) + ".json"]
    return [*exe, verb, str(path)]


def measure(cmd: list[str]) -> tuple[int, str, float, float | None]:
    """(exit status, stderr, wall seconds, peak RSS in MB if /usr/bin/time is there)."""
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    full = ["/usr/bin/time", "-v", *cmd] if timer else cmd
    started = time.monotonic()
    proc = subprocess.run(full, capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - started
    peak = None
    err = proc.stderr
    if timer:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        peak = int(m.group(1)) / 1024 if m else None
        err = err[: err.find("\tCommand being timed")] if "\tCommand being timed" in err else err
        err = re.sub(r"Command exited with non-zero status \d+", "", err).strip()
    return proc.returncode, err.strip(), wall, peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", type=Path, help="keep the inputs in this directory")
    ap.add_argument("--only", nargs="*", help="only these inputs")
    args = ap.parse_args(argv)
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="hostile-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"{'input':30} {'bytes':>11} {'exit':>4} {'seconds':>8} {'peak MB':>8}  message")
    failures = 0
    for key, (what, build, _, want_status, want_text) in INPUTS.items():
        if args.only and key not in args.only:
            continue
        path = tmp / f"{key}.wasm"
        path.write_bytes(build())
        status, err, wall, peak = measure(command(key, path, tmp / f"{key}.out.wasm"))
        ok = status == want_status and want_text in err
        failures += not ok
        message = err.splitlines()[-1] if err else ""
        peak_text = f"{peak:8.0f}" if peak is not None else "       -"
        print(f"{key:30} {path.stat().st_size:11,} {status:4} {wall:8.2f} {peak_text}  "
              f"{'' if ok else 'UNEXPECTED: '}{message[:110]}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("COMPOSER_CACHE_DIR", "")
    sys.exit(main())
