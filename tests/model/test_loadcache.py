"""What the worker's load cache charges for a component it keeps (`held_estimate`) is at
least the memory the loaded component holds, as tracemalloc counts it (the calibration over
the corpus is scripts/worker_memory.py)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from composer.model.load import load_component
from composer.model.loadcache import held_estimate


@pytest.mark.parametrize("name", ["seed-app", "seed-ops", "resources", "wasi-0.2.12", "nested"])
def test_held_estimate_covers_what_a_loaded_component_holds(small_fixtures, name):
    path = small_fixtures[name]
    load_component(path)  # the first load imports and interns what any later one shares
    gc.collect()
    tracemalloc.start()
    try:
        loaded = load_component(path)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held > len(loaded.data)  # decoded, it is more than its bytes
    assert held <= held_estimate(loaded.data)


def test_a_kept_component_is_not_changed_by_its_file_changed_in_place(tmp_path, small_fixtures,
                                                                        monkeypatch):
    # a worker keeps what it loaded for inputs whose digest the request declared; a large
    # file rewritten in place afterwards (an editor, a build step) must not change what is
    # kept: another input with the first bytes is composed from them
    from composer.binary.writer import encode_u
    from composer.model.features import enabled
    from composer.model.loadcache import CACHE

    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(tmp_path / "cache"))
    payload = b"\x03pad" + bytes(range(256)) * 4096  # over 1 MiB: a file this large is mapped
    first = small_fixtures["seed-ops"].read_bytes() + b"\x00" + encode_u(len(payload)) + payload
    path, copy = tmp_path / "a.wasm", tmp_path / "b.wasm"
    path.write_bytes(first)
    copy.write_bytes(first)
    monkeypatch.setattr(CACHE, "_entries", type(CACHE._entries)())
    monkeypatch.setattr(CACHE, "held", 0)
    try:
        CACHE.declare({str(path): b"first"})
        load_component(path, types_only=True)
        with open(path, "r+b") as f:  # the same file, other bytes
            f.write(first[::-1])
        CACHE.declare({str(copy): b"first"})
        kept = load_component(copy, types_only=True)
    finally:
        CACHE.withdraw()
    assert CACHE.recall((b"first", True, enabled())) is not None
    assert kept.data == first
    assert b"".join(kept.component.encode_parts()) == first
