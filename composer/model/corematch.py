"""Core import matching (the core specification's "Import Subtyping"): whether an item a core
instance provides fits what a module imports.

Functions and tags need equal types; memories and tables need the same address type and
sharing, a minimum at least the one asked for and a maximum within the one asked for; globals
need the same type and mutability. A type this project does not know (see
`binary/module.py`) is compared by kind alone.
"""

from __future__ import annotations

from . import types as T


def core_mismatch(have: T.CoreExtern, want: T.CoreExtern) -> str | None:
    """None if `have` fits where `want` is imported, else why not."""
    if have is want:  # the same type object: the common case of shared function types
        return None
    kind_have, kind_want = T.core_kind(have), T.core_kind(want)
    if kind_have != kind_want:
        return f"expected {kind_want}, found {kind_have}"
    if isinstance(have, str) or isinstance(want, str):
        return None
    if isinstance(want, (T.CoreFunc, T.CoreTag, T.CoreGlobal)):
        return None if have == want else f"expected {want}, found {have}"
    if isinstance(want, T.CoreMemory):
        assert isinstance(have, T.CoreMemory)
        if (have.memory64, have.shared, have.page_size_log2) != (
            want.memory64, want.shared, want.page_size_log2
        ):
            return f"expected {want}, found {have}"
        return _limits(have.minimum, have.maximum, want.minimum, want.maximum, want, have)
    assert isinstance(want, T.CoreTable) and isinstance(have, T.CoreTable)
    if (have.element, have.table64) != (want.element, want.table64):
        return f"expected {want}, found {have}"
    return _limits(have.minimum, have.maximum, want.minimum, want.maximum, want, have)


def _limits(h_min: int, h_max: int | None, w_min: int, w_max: int | None,
            want: object, have: object) -> str | None:
    if h_min < w_min:
        return f"expected {want}, found {have}: the minimum is smaller"
    if w_max is not None and (h_max is None or h_max > w_max):
        return f"expected {want}, found {have}: the maximum is larger"
    return None
