"""Components and modules compiled by the oracle from WAT or WIT, cached by content under
fixtures/build/wat-cache (or $COMPOSER_TEST_CACHE) between runs."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from support import ROOT
from support.oracle import WASM_TOOLS, wasm_tools

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
