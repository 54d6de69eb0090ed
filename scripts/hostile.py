#!/usr/bin/env python3
"""Hostile inputs: components built to exhaust time, memory or stack, inputs that never end
(/dev/zero, an endless pipe, a FIFO nobody writes to, a file over the limit on inputs), names
holding what acts on a terminal; and what `compose` makes of each, measured: wall and CPU
time, and the peak memory of the `compose` process alone (its own rusage, from wait4).

    .venv/bin/python scripts/hostile.py            # build each input, run it, print a table
    .venv/bin/python scripts/hostile.py --keep DIR # and keep the inputs there

Each input must end within SECONDS and MEGABYTES in exit status 1 and one line naming what is
wrong (the limit, where one applies), or in success where the input is valid:
tests/test_hostile.py checks that, with a margin for a busy machine; this script measures it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PREAMBLE = b"\x00asm\x0d\x00\x01\x00"


sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
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


PWNED = "\n\x1b]0;pwned\x07"  # a line break, and the sequence that sets a terminal's title
SHOWN = "\\n\\x1b]0;pwned\\x07"  # what every message shows instead


class Hostile(NamedTuple):
    what: str
    build: Callable[[], bytes] | None  # the input's bytes, written to KEY.wasm (or `setup`)
    verb: str  # inspect, compose (no dependency), compose-dep, graph, graph-refused, or
    #            a special input's own command (`setup`)
    status: int  # the exit status expected
    message: str  # a fragment of the one-line error expected
    # for an input that is no file of bytes: (arguments after `compose`, standard input)
    setup: Callable[[Path], tuple[list[str], object]] | None = None


def _dev_zero(tmp: Path) -> tuple[list[str], object]:
    return ["inspect", "/dev/zero"], subprocess.DEVNULL


def _endless_pipe(tmp: Path) -> tuple[list[str], object]:
    # `yes | compose inspect /dev/stdin`: a pipe that never ends (the writer is killed after)
    writer = subprocess.Popen(["yes"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return ["inspect", "/dev/stdin"], writer


def _fifo(tmp: Path) -> tuple[list[str], object]:
    fifo = tmp / "nobody-writes.wasm"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    return ["inspect", str(fifo)], subprocess.DEVNULL


def _fifo_in_wit_deps(tmp: Path) -> tuple[list[str], object]:
    package = tmp / "wit-with-fifo"
    shutil.rmtree(package, ignore_errors=True)
    (package / "deps").mkdir(parents=True)
    (package / "main.wit").write_text("package a:b;\ninterface i {}\n")
    os.mkfifo(package / "deps" / "c.wit")
    return ["inspect", str(package)], subprocess.DEVNULL


def _over_the_limit(tmp: Path) -> tuple[list[str], object]:
    from composer.files import MAX_INPUT_SIZE

    path = tmp / "over-the-limit.wasm"
    with open(path, "wb") as f:  # sparse: nothing is written but the preamble
        f.write(PREAMBLE)
        f.truncate(MAX_INPUT_SIZE + 1)
    return ["inspect", str(path)], subprocess.DEVNULL


def _named_file(tmp: Path) -> tuple[list[str], object]:
    path = tmp / f"root{PWNED}.wasm"
    path.write_bytes(func_imports(["f"]))
    return [str(path), "-o", str(tmp / "out.wasm")], subprocess.DEVNULL


F100000 = [f"f{i}" for i in range(100_000)]

INPUTS: dict[str, Hostile] = {
    "nested-components-200": Hostile("components nested 200 deep (valid)",
                                     lambda: nested_components(200), "inspect", 0, ""),
    "nested-components-1001": Hostile("components nested 1,001 deep",
                                      lambda: nested_components(1001), "inspect", 1,
                                      "modules and components count exceeds limit of 1000"),
    "nested-types-10000": Hostile("instance types nested 10,000 deep",
                                  lambda: nested_instance_types(10_000), "inspect", 1,
                                  "nesting deeper than 100 levels"),
    "list-chain-10000": Hostile("list<list<...>> 10,000 deep", lambda: list_chain(10_000),
                                "inspect", 1, "type nesting is too deep"),
    "name-1mb": Hostile("an import name of 1 MB", lambda: instance_imports(["a" * 1_000_000]),
                        "inspect", 1, "name of 1000000 bytes is longer than 100000"),
    "name-segments": Hostile("a 100-byte name of many short segments, invalid at its end",
                             lambda: instance_imports(["a" + "-1" * 49 + "!"]), "inspect", 1,
                             "is not a valid extern name"),
    "name-control-characters": Hostile("an import name holding a line break and an escape "
                                       "sequence", lambda: instance_imports(["a" + PWNED]),
                                       "inspect", 1, f"import name `a{SHOWN}` is not a valid"),
    "name-over-filesystem-limit": Hostile("a valid 300-byte import name, looked for as a file",
                                          lambda: instance_imports(["a" * 300]), "compose", 1,
                                          "no dependencies of component"),
    "file-name-control-characters": Hostile("a file name holding a line break and an escape "
                                            "sequence", None, "compose", 1,
                                            f"no dependencies of component `root{SHOWN}.wasm`",
                                            _named_file),
    "imports-100000": Hostile("100,000 function imports", lambda: func_imports(F100000),
                              "compose", 1, "no dependencies of component"),
    "graph-imports-100000": Hostile("the report of 100,000 function imports, refused",
                                    lambda: func_imports(F100000), "graph-refused", 1,
                                    "no dependencies of component"),
    "instance-imports-100000": Hostile("100,000 instance imports", lambda: instance_imports(
        [f"i{i}" for i in range(100_000)]), "inspect", 1, "instances count exceeds limit of 4096"),
    "instances-100000": Hostile("100,000 inline instances", lambda: inline_instances(100_000),
                                "inspect", 1, "instances count exceeds limit of 4096"),
    "imports-exports-10000": Hostile("10,000 function imports, each exported again",
                                     lambda: imports_and_exports(10_000), "inspect", 0, ""),
    "imports-exports-100000": Hostile("100,000 function imports, each exported again",
                                      lambda: imports_and_exports(100_000), "inspect", 0, ""),
    "compose-10000": Hostile("10,000 imports, one plugged by a dependency",
                             lambda: func_imports(F100000[:10_000]), "compose-dep", 0, ""),
    "compose-100000": Hostile("100,000 imports, one plugged by a dependency",
                              lambda: func_imports(F100000), "compose-dep", 0, ""),
    "compose-100001": Hostile("100,001 imports: one more than an instantiation takes",
                              lambda: func_imports(F100000 + ["f100000"]), "compose-dep", 1,
                              "an instantiation takes at most 100,000"),
    "graph-10000": Hostile("the report of 10,000 imports, one plugged",
                           lambda: func_imports(F100000[:10_000]), "graph", 0, ""),
    "graph-100000": Hostile("the report of 100,000 imports, one plugged",
                            lambda: func_imports(F100000), "graph", 0, ""),
    "section-500mb": Hostile("a section declaring 500 MB in a 16-byte file", huge_section,
                             "inspect", 1, "runs past the end"),
    "vector-count-2^32": Hostile("a vector count of 2^32 - 1", vector_count, "inspect", 1,
                                 "is larger than the"),
    "dev-zero": Hostile("/dev/zero, an input that never ends", None, "inspect", 1,
                        "not a WebAssembly binary (starts with 00 00 00 00", _dev_zero),
    "endless-pipe": Hostile("`yes | compose inspect /dev/stdin`, a pipe that never ends", None,
                            "inspect", 1, "not a WebAssembly binary (starts with 79 0a 79 0a",
                            _endless_pipe),
    "fifo-without-writer": Hostile("a FIFO nobody writes to", None, "inspect", 1,
                                   "no program writes to this FIFO (waited 1 s", _fifo),
    "fifo-in-wit-deps": Hostile("a FIFO named c.wit in a WIT package's deps/", None, "inspect",
                                1, "not a regular file: WIT files in a package folder are read "
                                "only when they are regular files",
                                _fifo_in_wit_deps),
    "over-the-input-limit": Hostile("a (sparse) file of 4 GiB and one byte", None, "inspect", 1,
                                    "is larger than 4 GiB, the limit on inputs", _over_the_limit),
}

# What every input must stay within (scripts/hostile.py reports each against them).
SECONDS = 2.0
MEGABYTES = 200


def command(key: str, tmp: Path) -> tuple[list[str], object]:
    """The command line of `key`'s run (its input made in `tmp`), and its standard input."""
    h = INPUTS[key]
    exe = [sys.executable, "-m", "composer"]
    if h.setup is not None:
        args, stdin = h.setup(tmp)
        return [*exe, *args], stdin
    path = tmp / f"{key}.wasm"
    path.write_bytes(h.build())  # type: ignore[misc]
    out = tmp / f"{key}.out"
    dep = tmp / "dep-f0.wasm"
    if h.verb in ("compose-dep", "graph"):
        dep.write_bytes(DEP_F0)
    args = {
        "inspect": ["inspect", str(path)],
        "compose": [str(path), "-o", f"{out}.wasm"],
        "compose-dep": [str(path), "-d", str(dep), "-o", f"{out}.wasm"],
        "graph": ["graph", str(path), "-d", str(dep), "-f", "json", "-o", f"{out}.json"],
        "graph-refused": ["graph", str(path), "-o", f"{out}.json"],
    }[h.verb]
    return [*exe, *args], subprocess.DEVNULL


class Run(NamedTuple):
    status: int
    stdout: str
    stderr: str
    wall: float  # seconds
    cpu: float  # seconds, user and system
    peak: float  # MB, the largest resident set of the `compose` process


def measure(cmd: list[str], stdin: object = subprocess.DEVNULL, timeout: float = 300) -> Run:
    """Run `cmd` measured alone (scripts/measured.py); `stdin` may be a writer process, whose
    output is the command's input and which is stopped when the command ends."""
    from measured import run_measured

    writer = stdin if isinstance(stdin, subprocess.Popen) else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            m = run_measured(cmd, stdin=writer.stdout if writer else stdin, stdout=out,
                             stderr=err, timeout=timeout)
        finally:
            if writer is not None:
                writer.kill()
                writer.wait()
                writer.stdout.close()  # type: ignore[union-attr]
        out.seek(0)
        err.seek(0)
        return Run(m.status, out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                   m.wall, m.cpu, m.peak)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", type=Path, help="keep the inputs in this directory")
    ap.add_argument("--only", nargs="*", help="only these inputs")
    args = ap.parse_args(argv)
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="hostile-"))
    tmp.mkdir(parents=True, exist_ok=True)
    print(f"bounds: {SECONDS:g} s, {MEGABYTES} MB")
    print(f"{'input':30} {'exit':>4} {'wall s':>7} {'cpu s':>6} {'peak MB':>8}  message")
    failures = 0
    for key, h in INPUTS.items():
        if args.only and key not in args.only:
            continue
        run = measure(*command(key, tmp))
        ok = run.status == h.status and h.message in run.stderr
        within = run.wall <= SECONDS and run.peak <= MEGABYTES
        failures += not (ok and within)
        message = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        flag = "" if ok else "UNEXPECTED: "
        flag += "" if within else "OVER BOUND: "
        print(f"{key:30} {run.status:4} {run.wall:7.2f} {run.cpu:6.2f} {run.peak:8.0f}  "
              f"{flag}{message[:100]}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("COMPOSER_CACHE_DIR", "")
    sys.exit(main())
