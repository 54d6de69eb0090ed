"""The names a component's `component-name` section gives its items, as `wasm-tools print`
writes them: `$name` where the item is defined and referred to, and the `(;N;)` comment
after the definition.

The renaming rules are those of core names (names.py): a name that is empty, starts with
`#` or repeats one of the same sort becomes `$"#<sort><index> <name>"`, its definition
followed by `(@name "<name>")`; the sort is written with a dash (`#core-func3 x`).
"""

from __future__ import annotations

from ...binary.namesec import COMPONENT_NAME_ID, SORT_NAMES_ID
from ...binary.sorts import SORT
from ...binary.reader import Reader
from ...errors import BinaryError
from .names import Names

NameMap = dict[int, str]  # index -> reference text
_EMPTY: NameMap = {}


class ComponentNaming:
    """The component's own name (as at its definition) and, per sort, index -> reference
    text; `names` keeps the definitions of renamed items."""

    def __init__(self) -> None:
        self.names = Names()
        self.name: str | None = None
        self.ident: str | None = None  # the reference text of that name: `$name`
        self.sorts: dict[str, NameMap] = {}

    def of(self, sort: str) -> NameMap:
        return self.sorts.get(sort, _EMPTY)

    def ref(self, sort: str, index: int) -> str:
        """An index where it is used: the item's identifier, or the number."""
        found = self.sorts.get(sort, _EMPTY).get(index)
        return found if found is not None else str(index)

    def definition(self, sort: str, index: int) -> str:
        """An item where it is defined: `$name (;N;)`, or `(;N;)`."""
        return self.names.definition(self.sorts.get(sort, _EMPTY), index)

    def read(self, data: bytes | memoryview, base: int = 0) -> None:
        """Adds the names of a `component-name` section's payload (a later section's names
        replace an earlier one's). Like wasm-tools, a malformed section is not an error:
        the names read before its first fault are kept, the rest is ignored. Subsections
        may come in any order and repeat; the indices of a name map must increase."""
        r = Reader(data, base=base)
        try:
            while not r.at_end():
                sub_id = r.byte()
                body = r.sub(r.u32())
                if sub_id == COMPONENT_NAME_ID:
                    name = body.name()
                    self.ident = self.names.naming(name, 0, "component", None)
                    self.name = self.names.define(self.ident)
                elif sub_id == SORT_NAMES_ID:
                    self._read_map(body)
        except BinaryError:
            pass

    def _read_map(self, r: Reader) -> None:
        sort = SORT.read(r)
        kind = sort.replace(" ", "-")
        into = self.sorts.setdefault(sort, {})
        used: set[str] = set()
        last = -1
        for _ in range(r.u32()):
            at = r.offset
            index = r.u32()
            name = r.name()
            if index <= last:
                raise r.error("name map indices out of order", at)
            last = index
            into[index] = self.names.naming(name, index, kind, used)
        r.expect_end("a name map")
