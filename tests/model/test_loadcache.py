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
