"""Core modules checked by wasmtime's own validator (`wasmtime.Module.validate`): the project
writes no core WebAssembly validator of its own.

The features are those `wasm-tools validate` enables by default (GC, exceptions, threads,
memory64, ... on; custom page sizes, wide arithmetic, stack switching off), so a module is
accepted exactly when the reference accepts it.

Validating is the expensive part of reading a large component (about 10 ms per MB), so:
* modules are validated several at once: wasmtime's validator runs outside the GIL;
* a module found valid is remembered by its SHA-256 in the cache directory
  (`$COMPOSER_CACHE_DIR`, else `$XDG_CACHE_HOME/composer`, else `~/.cache/composer`), so a
  Makefile that composes again after one input changed validates only that one, and a run
  whose modules are all known valid does not even import wasmtime. Set
  `COMPOSER_CACHE_DIR=` (empty) to use no cache.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from .errors import BinaryError
from .record import Record

# Bumped when what "valid" means here changes (other features, another wasmtime).
_CACHE_VERSION = "wasmtime50-1"


class CoreModule(Record):
    """An embedded core module to validate: its bytes, where they start in the file, and
    its place in the component (`component[2] > core module[0]`)."""

    data: memoryview
    offset: int
    path: tuple[str, ...]


def cache_dir() -> Path | None:
    env = os.environ.get("COMPOSER_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "composer"


def validate_modules(modules: Sequence[CoreModule]) -> None:
    """Raise a BinaryError for the first module (in file order) wasmtime refuses."""
    if not modules:
        return
    root = cache_dir()
    known = root / f"valid-modules-{_CACHE_VERSION}" if root is not None else None
    pending: list[tuple[CoreModule, str]] = []
    for m in modules:
        digest = hashlib.sha256(m.data).hexdigest()
        if known is None or not (known / digest).exists():
            pending.append((m, digest))
    if not pending:
        return
    engine = _engine()
    if len(pending) == 1:
        failures = [_validate(engine, pending[0][0])]
    else:
        with ThreadPoolExecutor(min(len(pending), os.cpu_count() or 2)) as pool:
            failures = list(pool.map(lambda p: _validate(engine, p[0]), pending))
    for (m, digest), failure in zip(pending, failures):
        if failure is not None:
            raise failure
        if known is not None:
            _remember(known, digest)


def _validate(engine: object, m: CoreModule) -> BinaryError | None:
    from wasmtime import Module, WasmtimeError

    try:
        Module.validate(engine, m.data.tobytes())  # type: ignore[arg-type]
    except WasmtimeError as exc:
        return _error(m, str(exc))
    return None


def _error(m: CoreModule, text: str) -> BinaryError:
    """wasmtime's reason, with its offset made absolute in the file."""
    import re

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = lines[-1] if lines else "invalid core module"
    reason = re.sub(r"^\d+: ", "", reason)
    offset = m.offset
    found = re.search(r"\s*\(at offset (0x[0-9a-f]+)\)$", reason)
    if found:
        offset += int(found.group(1), 16)
        reason = reason[: found.start()]
    err = BinaryError(f"invalid core module: {reason}", offset)
    for label in reversed(m.path):
        err.add_context(label)
    return err


def _remember(known: Path, digest: str) -> None:
    try:
        known.mkdir(parents=True, exist_ok=True)
        (known / digest).touch()
    except OSError:
        pass  # a cache that cannot be written only costs time


_ENGINE = None


def _engine() -> object:
    global _ENGINE
    if _ENGINE is None:
        from wasmtime import Config, Engine

        config = Config()
        for feature in ("threads", "tail_call", "reference_types", "simd", "bulk_memory",
                        "multi_value", "multi_memory", "memory64", "relaxed_simd", "exceptions",
                        "function_references", "gc"):
            setattr(config, f"wasm_{feature}", True)
        for feature in ("wide_arithmetic", "custom_page_sizes", "stack_switching"):
            setattr(config, f"wasm_{feature}", False)
        _ENGINE = Engine(config)
    return _ENGINE
