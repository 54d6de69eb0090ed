"""`sort`, `core:sort`, `sortidx` and `core:sortidx` (Binary.md, Instance Definitions).

Sorts are kept as their text-format names ("core func", "instance", ...) so that a decoded
component reads like `wasm-tools print` output.
"""

from __future__ import annotations


from .codec import U32, Enumerated, Production, field_

CORE_SORT_CODES = {
    (0x00,): "func",
    (0x01,): "table",
    (0x02,): "memory",
    (0x03,): "global",
    (0x04,): "tag",
    (0x10,): "type",
    (0x11,): "module",
    (0x12,): "instance",
}

# core:sort: the names of the core index spaces.
CORE_SORT = Enumerated("core:sort", CORE_SORT_CODES)

# sort: `0x00 core:sort` or one of the component-level sorts.
SORT = Enumerated(
    "sort",
    {
        **{(0x00, code[0]): f"core {name}" for code, name in CORE_SORT_CODES.items()},
        (0x01,): "func",
        (0x02,): "value",
        (0x03,): "type",
        (0x04,): "component",
        (0x05,): "instance",
    },
)

COMPONENT_SORTS = ("func", "value", "type", "component", "instance")


class CoreSortIdx(Production):
    """core:sortidx ::= sort:<core:sort> idx:<u32>"""

    sort: str = field_(CORE_SORT)
    idx: int = field_(U32)


class SortIdx(Production):
    """sortidx ::= sort:<sort> idx:<u32>"""

    sort: str = field_(SORT)
    idx: int = field_(U32)
