"""The interface of a nested core module: its imports and exports with their types.

Only what precedes the export section is decoded (types, imports, functions, tables,
memories, tags, globals) and decoding stops at the export section, so the code and data that
make up almost all of a module's bytes are never touched. The module as a whole is checked
by wasmtime's validator (`corevalidate.py`); this is what the component layer needs to check
how modules are instantiated and what their functions are lifted as.

A type this reader cannot state is left as its kind alone ("func", "global"): a function
whose signature refers to the module's own GC types, a global after an initializer
expression with an instruction it does not know. Checks against such a type only compare
kinds.
"""

from __future__ import annotations

from typing import Callable

from ..errors import BinaryError
from ..model.types import CoreExtern, CoreFunc, CoreGlobal, CoreMemory, CoreModuleType, CoreTable, CoreTag
from .coretypes import (
    CORE_EXTERNTYPE, CORE_VALTYPE, CoreArrayType, CoreExactFuncExtern, CoreFuncExtern, CoreFuncType, CoreGlobalExtern,
    CoreMemoryExtern, CoreRefType, CoreStructType, CoreTableExtern, CoreTagExtern, Limits, RecGroup,
    SUB_TYPE, SharedCompType, SubFinalType, SubType,
)
from .reader import Reader

CORE_VERSION = b"\x01\x00\x00\x00"
TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, TAG = 1, 2, 3, 4, 5, 6, 7, 13
_EXPORT_KINDS = {0x00: "func", 0x01: "table", 0x02: "memory", 0x03: "global", 0x04: "tag"}


def module_interface(data: bytes | memoryview, base: int = 0) -> CoreModuleType:
    """Imports ((module, name) -> type) and exports (name -> type) of a core module."""
    if bytes(data[:4]) != b"\x00asm":
        raise BinaryError("nested core module does not start with the \\0asm magic", base)
    if bytes(data[4:8]) != CORE_VERSION:
        raise BinaryError(
            f"nested core module has version {bytes(data[4:8]).hex(' ')}, expected 01 00 00 00",
            base + 4,
        )
    r = Reader(data, 8, base=base)
    spaces = _Spaces()
    while not r.at_end():
        start = r.offset
        sid = r.byte()
        payload = r.sub(r.u32())
        try:
            reader = _SECTIONS.get(sid)
            if reader is not None:
                reader(spaces, payload)
            if sid == EXPORT:
                break  # nothing after the export section matters here
        except BinaryError as exc:
            exc.add_context(f"core module section {sid} at {start:#x}")
            raise
    return CoreModuleType(spaces.imports, spaces.exports)


class _Spaces:
    """The module's index spaces, as far as its interface needs them."""

    def __init__(self) -> None:
        self.types: list[CoreFunc | None] = []  # None: not a function type, or not portable
        self.funcs: list[CoreExtern] = []
        self.tables: list[CoreExtern] = []
        self.memories: list[CoreExtern] = []
        self.globals: list[CoreExtern] = []
        self.tags: list[CoreExtern] = []
        self.imports: dict[tuple[str, str], CoreExtern] = {}
        self.exports: dict[str, CoreExtern] = {}

    def func_type(self, idx: int, start: int) -> CoreFunc | None:
        if idx >= len(self.types):
            raise BinaryError(f"type index {idx} out of bounds ({len(self.types)} defined)", start)
        return self.types[idx]


def _portable(valtypes: tuple) -> tuple[str, ...] | None:
    """Value types as text, or None if one refers to a type index of this module (it would
    mean another type in another module)."""
    out = []
    for t in valtypes:
        if isinstance(t, CoreRefType) and isinstance(t.heap, int):
            return None
        out.append(str(t))
    return tuple(out)


def _comp_func(body: object) -> CoreFunc | None:
    if isinstance(body, CoreFuncType):
        params, results = _portable(body.params), _portable(body.results)
        if params is not None and results is not None:
            return CoreFunc(params, results)
    return None


# The number types by their codes: most function types of real modules use nothing else, and
# reading those directly (not through the general codec) is what keeps large modules cheap.
_NUMBERS = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}
_FUNC = 0x60


def _number_types(r: Reader) -> tuple[str, ...] | None:
    """A vector of number types, or None (the reader left where it was) if it holds another."""
    at = r.pos
    count = r.u32()
    data = r.data
    if count > r.end - r.pos:
        r.pos = at
        return None
    out = []
    for i in range(r.pos, r.pos + count):
        t = _NUMBERS.get(data[i])
        if t is None:
            r.pos = at
            return None
        out.append(t)
    r.pos += count
    return tuple(out)


def _plain_func_type(r: Reader, seen: dict) -> CoreFunc | None:
    """`0x60 params results` of number types only, read directly; None (nothing consumed)
    for anything else."""
    at = r.pos
    if r.pos >= r.end or r.data[r.pos] != _FUNC:
        return None
    r.pos += 1
    params = _number_types(r)
    results = _number_types(r) if params is not None else None
    if params is None or results is None:
        r.pos = at
        return None
    key = (params, results)
    func = seen.get(key)
    if func is None:
        func = seen[key] = CoreFunc(params, results)
    return func


def _read_types(s: _Spaces, r: Reader) -> None:
    seen: dict = {}
    for _ in range(r.count("type")):
        start = r.offset
        plain = _plain_func_type(r, seen)
        if plain is not None:
            s.types.append(plain)
            continue
        if r.peek() == RecGroup.TAG[0]:
            group = RecGroup.read(r)
            members = group.types  # type: ignore[attr-defined]
        else:
            members = (SUB_TYPE.read(r),)
        for m in members:
            if isinstance(m, (SubType, SubFinalType)):
                # a function type that is part of a subtyping hierarchy is not portable either
                s.types.append(_comp_func(m.body) if not m.supertypes else None)
            elif isinstance(m, (CoreFuncType, CoreStructType, CoreArrayType, SharedCompType)):
                s.types.append(_comp_func(m))
            else:
                raise BinaryError("invalid type in the type section", start)


def core_extern(ext: object, func_type: Callable[[int], CoreFunc | None]) -> CoreExtern:
    """What a `core:externtype` describes; `func_type(i)` is the function type at type
    index i (None if it is not one this reader can state)."""
    if isinstance(ext, (CoreFuncExtern, CoreExactFuncExtern)):  # (exact: no subtype taken)
        return func_type(ext.type_idx) or "func"
    if isinstance(ext, CoreTagExtern):
        func = func_type(ext.type_idx)
        return CoreTag(func) if func is not None else "tag"
    if isinstance(ext, CoreMemoryExtern):
        return _memory(ext.limits)
    if isinstance(ext, CoreTableExtern):
        return _table(ext.element, ext.limits)
    assert isinstance(ext, CoreGlobalExtern)
    return _global(ext.type, ext.mutability)


def _memory(limits: Limits) -> CoreMemory:
    # a page size of 64 KiB written out is the default page size
    page = None if limits.page_size_log2 == 16 else limits.page_size_log2
    return CoreMemory(limits.min, limits.max, bool(limits.flags & 0x04), bool(limits.flags & 0x02),
                      page)


def _table(element: object, limits: Limits) -> CoreExtern:
    if isinstance(element, CoreRefType) and isinstance(element.heap, int):
        return "table"
    return CoreTable(str(element), limits.min, limits.max, bool(limits.flags & 0x04))


def _global(valtype: object, mutability: int) -> CoreExtern:
    if isinstance(valtype, CoreRefType) and isinstance(valtype.heap, int):
        return "global"
    return CoreGlobal(str(valtype), bool(mutability & 1), bool(mutability & 2))


def _read_imports(s: _Spaces, r: Reader) -> None:
    for _ in range(r.count("import", 3)):
        module, name = r.name(), r.name()
        marker = r.data[r.pos] if r.pos < r.end else None
        if name == "" and marker == 0x7F:  # compact imports: (name, type) pairs of one module
            r.pos += 1
            for _ in range(r.count("import", 2)):
                at = r.offset
                _import(s, module, r.name(), _import_desc(s, r), at)
        elif name == "" and marker == 0x7E:  # compact imports: names of one module and type
            r.pos += 1
            desc = _import_desc(s, r)
            for _ in range(r.count("import", 1)):
                at = r.offset
                _import(s, module, r.name(), desc, at)
        else:
            _import(s, module, name, _import_desc(s, r), r.offset)


def _import_desc(s: _Spaces, r: Reader) -> CoreExtern:
    start = r.offset
    if r.pos < r.end and r.data[r.pos] == 0x00:  # a function: its type index follows
        r.pos += 1
        return s.func_type(r.u32(), start) or "func"
    return core_extern(CORE_EXTERNTYPE.read(r), lambda i: s.func_type(i, start))


def _import(s: _Spaces, module: str, name: str, desc: CoreExtern, at: int) -> None:
    if (module, name) in s.imports:
        # valid core WebAssembly, but a component instantiates a module with one item per
        # name (wasmparser: "not allowed in components")
        raise BinaryError(f"core module imports `{module}` `{name}` twice, which a module "
                          "inside a component may not", at)
    s.imports[(module, name)] = desc
    _space(s, desc).append(desc)


def _space(s: _Spaces, desc: CoreExtern) -> list:
    from ..model.types import core_kind

    return {"func": s.funcs, "table": s.tables, "memory": s.memories, "global": s.globals,
            "tag": s.tags}[core_kind(desc)]


def _read_functions(s: _Spaces, r: Reader) -> None:
    types, funcs, data = s.types, s.funcs, r.data
    for _ in range(r.count("function")):
        at = r.pos
        if at < r.end and data[at] < 0x80:  # a one-byte index, read inline: modules have many
            idx = data[at]
            r.pos = at + 1
        else:
            idx = r.u32()
        if idx >= len(types):
            s.func_type(idx, r.base + at)  # raises, with the offset
        funcs.append(types[idx] or "func")


def _read_tables(s: _Spaces, r: Reader) -> None:
    for _ in range(r.count("table")):
        start = r.offset
        with_init = r.peek() == 0x40
        if with_init:
            r.byte()
            if r.byte() != 0x00:
                raise BinaryError("invalid table type prefix", start)
        element = CORE_VALTYPE.read(r)
        limits = Limits.read(r)
        s.tables.append(_table(element, limits))
        if with_init and not _skip_const_expr(r):
            return  # what follows cannot be found: later tables stay unknown


def _read_memories(s: _Spaces, r: Reader) -> None:
    for _ in range(r.count("memory")):
        s.memories.append(_memory(Limits.read(r)))  # type: ignore[arg-type]


def _read_tags(s: _Spaces, r: Reader) -> None:
    for _ in range(r.count("tag", 2)):
        start = r.offset
        if r.byte() != 0x00:
            raise BinaryError("invalid tag attribute", start)
        func = s.func_type(r.u32(), start)
        s.tags.append(CoreTag(func) if func is not None else "tag")


def _read_globals(s: _Spaces, r: Reader) -> None:
    from .coretypes import _MUT

    for _ in range(r.count("global", 3)):
        valtype = CORE_VALTYPE.read(r)
        s.globals.append(_global(valtype, _MUT.read(r)))
        if not _skip_const_expr(r):
            return


def _read_exports(s: _Spaces, r: Reader) -> None:
    spaces = {"func": s.funcs, "table": s.tables, "memory": s.memories, "global": s.globals,
              "tag": s.tags}
    for _ in range(r.count("export", 3)):
        name = r.name()
        kind_at = r.offset
        kind = _EXPORT_KINDS.get(r.byte())
        if kind is None:
            raise BinaryError("invalid export kind", kind_at)
        idx = r.u32()
        space = spaces[kind]
        # an index past what was read (a definition after an initializer this reader does
        # not know) keeps only its kind; wasmtime's validator checks the bounds
        s.exports[name] = space[idx] if idx < len(space) else kind


_SECTIONS = {
    TYPE: _read_types, IMPORT: _read_imports, FUNCTION: _read_functions, TABLE: _read_tables,
    MEMORY: _read_memories, TAG: _read_tags, GLOBAL: _read_globals, EXPORT: _read_exports,
}


# Constant expressions: the instructions a global or table initializer may use, with the
# immediates to skip. An instruction not listed ends the reading (False).
_NO_IMMEDIATE = {0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E}  # i32/i64 add, sub, mul (extended-const)
_GC_ONE_INDEX = {0x00, 0x01, 0x06, 0x07}  # struct.new(_default), array.new(_default)
_GC_NO_IMMEDIATE = {0x1A, 0x1B, 0x1C}  # any.convert_extern, extern.convert_any, ref.i31


def _skip_const_expr(r: Reader) -> bool:
    while True:
        op = r.byte()
        if op == 0x0B:  # end
            return True
        if op == 0x41:
            r.s33()  # i32.const: an s32 (the s33 reader accepts every s32)
        elif op == 0x42:
            r.s64()  # i64.const
        elif op == 0x43:
            r.bytes(4)
        elif op == 0x44:
            r.bytes(8)
        elif op in (0x23, 0xD2):  # global.get, ref.func
            r.u32()
        elif op == 0xD0:  # ref.null heaptype
            if r.peek() == 0x65:
                r.byte()
            r.s33()
        elif op in _NO_IMMEDIATE:
            pass
        elif op == 0xFB:
            sub = r.u32()
            if sub in _GC_ONE_INDEX:
                r.u32()
            elif sub == 0x08:  # array.new_fixed
                r.u32()
                r.u32()
            elif sub not in _GC_NO_IMMEDIATE:
                return False
        elif op == 0xFD and r.u32() == 12:  # v128.const
            r.bytes(16)
        else:
            return False
