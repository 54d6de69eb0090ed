"""The WebAssembly features a run accepts: `--features` as `wasm-tools validate --features`
reads it (names, comma lists, `all`), and the set in effect while components are read.

Features are a property of the whole run, as they are of wasm-tools' validator: the inputs,
the packages a WAC document names, compose's check of its own output, and the components
`verify` and `run` read must all be held to the same set, so the commands say it once
(`enabling`) and every reader of a component asks `enabled()` unless given a set.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

# Gated features of the component layer that the elaborator checks (wasm-tools 1.262 enables
# none of them by default).
COMPONENT = frozenset({
    "cm-values", "cm-fixed-length-lists", "cm-error-context", "cm-more-async-builtins",
    "cm-async-stackful", "cm-threading", "cm-gc", "cm64", "shared-everything-threads",
    "cm-nested-names", "cm-forward", "cm-canon-names",
})

# Gated core proposals, named as wasm-tools names them: those wasmtime's validator and host
# take (`corevalidate.py`), and shared-everything-threads and legacy-exceptions, which it has
# no switch for (a core module that uses them is refused, saying so).
WASMTIME_CORE = frozenset({"custom-page-sizes", "wide-arithmetic", "stack-switching"})
BEYOND_WASMTIME = frozenset({"shared-everything-threads", "legacy-exceptions",
                             "custom-descriptors"})
CORE = WASMTIME_CORE | BEYOND_WASMTIME

# What `all` enables here: every gated feature this reader can check.
ALL = COMPONENT | CORE

# Features wasm-tools 1.262 enables by default: naming them changes nothing.
ON_BY_DEFAULT = frozenset({
    "mutable-global", "saturating-float-to-int", "sign-extension", "reference-types",
    "multi-value", "bulk-memory", "simd", "relaxed-simd", "threads", "tail-call", "floats",
    "multi-memory", "exceptions", "memory64", "extended-const", "component-model",
    "function-references", "gc", "gc-types", "call-indirect-overlong", "bulk-memory-opt",
    "cm-async", "cm-map", "mvp", "wasm1", "wasm2", "wasm3",
})


def parse_features(values: Iterable[str]) -> frozenset[str]:
    """The gated features `--features` values name (each a comma list, repeatable, `all`
    for every one); ValueError naming the first name that is not a feature this reader
    can enable, or a feature turned off (`-simd`), which it cannot."""
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    out: set[str] = set()
    for name in names:
        if name == "all":
            out |= ALL
        elif name in ALL:
            out.add(name)
        elif name not in ON_BY_DEFAULT:
            if name.startswith("-"):
                raise ValueError(f"`{name}`: turning a feature off is not supported")
            raise ValueError(f"unknown feature `{name}` (known: all, {', '.join(sorted(ALL))}, "
                             "and those wasm-tools enables by default)")
    return frozenset(out)


_ENABLED: ContextVar[frozenset[str]] = ContextVar("composer_features", default=frozenset())


def enabled() -> frozenset[str]:
    """The gated features in effect: none unless a caller is `enabling` some."""
    return _ENABLED.get()


@contextmanager
def enabling(features: frozenset[str]) -> Iterator[None]:
    """Read every component within the block with `features` enabled."""
    token = _ENABLED.set(frozenset(features))
    try:
        yield
    finally:
        _ENABLED.reset(token)
