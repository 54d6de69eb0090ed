"""A core module's `name` custom section, as the names the printer writes.

    namesec    ::= section_0(namedata)              (custom section named "name")
    namedata   ::= namesubsection_N(B)*              N:<byte> size:<u32> B
    subsections: 0 module <name>; 1 funcs, 4 types, 5 tables, 6 memories, 7 globals,
                 8 elems, 9 datas, 11 tags <namemap>; 2 locals, 3 labels, 10 fields
                 <indirectnamemap>
    namemap         ::= vec(idx:<u32> name:<name>)
    indirectnamemap ::= vec(idx:<u32> namemap)

The rules are `wasm-tools print`'s:
- a name that is empty, starts with `#`, or repeats an earlier name of the same map (the same
  function's locals, the same type's fields; labels are never compared, they may shadow)
  cannot be the item's identifier: the item gets `$"#<kind><index> <name>"`, and where it is
  defined the real name follows as `(@name "<name>")`;
- any other name is the identifier, bare when all its characters are identifier characters,
  else quoted (`$"a b"`);
  (a struct field is the exception: its definition has no `(@name)`);
- the section is read up to its first fault, and what was read before it is kept (a
  malformed name section never stops the printing). Subsection ids must increase, and so
  must the indices of a map: the first out of order is such a fault;
- a later name section adds to the earlier ones, replacing the names of the same indices.
"""

from __future__ import annotations

from ...binary.reader import Reader
from ...errors import BinaryError
from .printer import identifier, name_string

# Longest string wasmparser accepts where it limits one (the module's name, a skipped name).
_MAX_STRING = 100_000

# Subsection ids of the plain name maps: (attribute of Names, the kind in renamed names).
_MAPS = {
    1: ("funcs", "func"), 4: ("types", "type"), 5: ("tables", "table"),
    6: ("memories", "memory"), 7: ("globals", "global"), 8: ("elems", "elem"),
    9: ("datas", "data"), 11: ("tags", "tag"),
}
# Subsection ids of the indirect maps: (attribute, kind, whether names repeat-checked).
_INDIRECT = {2: ("locals", "local", True), 3: ("labels", "label", False), 10: ("fields", "field", True)}


class Names:
    """Each index's reference text (`$foo`, `$"a b"`, `$"#func3 "`), by index space; an
    index with no entry has no printable name (the printer writes the bare index).
    `locals` and `labels` are keyed by function index, `fields` by type index."""

    __slots__ = ("module", "funcs", "types", "tables", "memories", "globals", "elems", "datas",
                 "tags", "locals", "labels", "fields", "renamed")

    def __init__(self) -> None:
        self.module: str | None = None  # the module's own name, as at its definition
        self.funcs: dict[int, str] = {}
        self.types: dict[int, str] = {}
        self.tables: dict[int, str] = {}
        self.memories: dict[int, str] = {}
        self.globals: dict[int, str] = {}
        self.elems: dict[int, str] = {}
        self.datas: dict[int, str] = {}
        self.tags: dict[int, str] = {}
        self.locals: dict[int, dict[int, str]] = {}
        self.labels: dict[int, dict[int, str]] = {}
        self.fields: dict[int, dict[int, str]] = {}
        # reference text -> the text where the item is defined, for the renamed ones only
        self.renamed: dict[str, str] = {}

    def define(self, ref: str) -> str:
        """The text that defines an item whose reference text is `ref`: `ref` itself, or
        for a renamed item `ref (@name "real name")`."""
        return self.renamed.get(ref, ref)

    def definition(self, space: dict[int, str], index: int) -> str:
        """An item's name and index where it is defined: `$f (;3;)`, or `(;3;)` unnamed."""
        ref = space.get(index)
        if ref is None:
            return f"(;{index};)"
        return f"{self.renamed.get(ref, ref)} (;{index};)"

    def naming(self, name: str, index: int, kind: str, used: set[str] | None) -> str:
        """The reference text of `name` for item `index` of `kind` (see the module doc)."""
        if name and name[0] != "#" and (used is None or name not in used):
            if used is not None:
                used.add(name)
            return identifier(name)
        ref = identifier(f"#{kind}{index} {name}")
        self.renamed[ref] = f"{ref} (@name {name_string(name)})"
        return ref


def read_names(data: bytes | memoryview, start: int, end: int, base: int = 0,
               into: Names | None = None) -> Names:
    """The names of a `name` section's payload `data[start:end]` (after the section's own
    name), added to `into` when given. Never raises: reading stops at the first malformed
    part, keeping what came before it."""
    names = into if into is not None else Names()
    r = Reader(data, start, end, base)
    last_id = -1
    try:
        while not r.at_end():
            sub_id = r.byte()
            body = r.sub(r.u32())
            if sub_id <= last_id:  # subsections come in increasing order of their ids
                break
            last_id = sub_id
            _read_subsection(names, sub_id, body)
    except BinaryError:
        pass  # wasm-tools ignores the rest of a malformed name section
    return names


def _read_subsection(names: Names, sub_id: int, r: Reader) -> None:
    if sub_id == 0:
        name = _string(r, _MAX_STRING)
        if not r.at_end():
            raise r.error("trailing data at the end of a name")
        names.module = names.define(names.naming(name, 0, "module", None))
    elif sub_id in _MAPS:
        attr, kind = _MAPS[sub_id]
        _read_map(names, r, getattr(names, attr), kind, True)
    elif sub_id in _INDIRECT:
        attr, kind, checked = _INDIRECT[sub_id]
        outer = getattr(names, attr)
        last = -1
        for _ in range(r.u32()):
            index = r.u32()
            inner = _skip_map(r)  # the map's shape is checked before any of its names
            if index <= last:
                raise r.error("indirect name map indices out of order")
            last = index
            _read_map(names, inner, outer.setdefault(index, {}), kind, checked)
        r.expect_end("an indirect name map")
    # other subsection ids are not names wasm-tools reads


def _read_map(names: Names, r: Reader, into: dict[int, str], kind: str, checked: bool) -> None:
    """A name map's names into `into`, each as it is read (what precedes a fault is kept)."""
    used: set[str] | None = set() if checked else None
    last = -1
    for _ in range(r.u32()):
        at = r.offset
        index = r.u32()
        name = _string(r, None)
        if index <= last:
            raise r.error("name map indices out of order", at)
        last = index
        into[index] = names.naming(name, index, kind, used)
    r.expect_end("a name map")


def _skip_map(r: Reader) -> Reader:
    """The next name map's bytes, checked for their shape only (as wasmparser skips them
    before reading any of their names)."""
    start = r.pos
    for _ in range(r.u32()):
        r.u32()
        length = r.u32()
        if length > _MAX_STRING:
            raise r.error("string size out of bounds")
        r.bytes(length)
    return Reader(r.data, start, r.pos, r.base)


def _string(r: Reader, limit: int | None) -> str:
    at = r.offset
    length = r.u32()
    if limit is not None and length > limit:
        raise r.error("string size out of bounds", at)
    raw = r.bytes(length)
    try:
        return str(raw, "utf-8")
    except UnicodeDecodeError:
        raise r.error("invalid UTF-8 encoding", at) from None
