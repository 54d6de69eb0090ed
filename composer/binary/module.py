"""The sections of a nested core module that its interface is read from: types, imports,
functions, tables, memories, tags, globals and exports, each as the binary describes it.

Only what precedes the export section is decoded and decoding stops at the export section,
so the code and data that make up almost all of a module's bytes are never touched. The
module as a whole is checked by wasmtime's validator (`model/corevalidate.py`); what its
imports and exports are in the component model's terms is `model/coremodule.py`.

Decoding stops early where this reader cannot go on: after an initializer expression with
an instruction it does not know, the later tables or globals are left out (an export of one
keeps only its kind).
"""

from __future__ import annotations

from ..errors import BinaryError
from ..record import Record
from .coretypes import (
    _MUT, CORE_EXTERNTYPE, CORE_REFTYPE, CORE_VALTYPE, CoreArrayType, CoreExactFuncExtern, CoreExternType, CoreFuncExtern,
    CoreFuncType, CoreGlobalExtern, CoreMemoryExtern, CoreStructType, CoreTableExtern, CoreTagExtern, Limits,
    RecGroup, SUB_TYPE, SharedCompType, SubFinalType, SubType,
)
from .reader import Reader

CORE_VERSION = b"\x01\x00\x00\x00"
TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, TAG = 1, 2, 3, 4, 5, 6, 7, 13
_EXPORT_KINDS = {0x00: "func", 0x01: "table", 0x02: "memory", 0x03: "global", 0x04: "tag"}


class ModulePrefix(Record):
    """A core module's index spaces as far as the sections before its exports define them,
    its imports and its exports. Each item is described as the binary describes it: a
    function by its type index, a table, memory, global or tag by its `core:externtype` (a
    defined one by the externtype an import of it would have)."""

    # each type index's sub type or composite type (one of number types only, read
    # directly, as a CoreFuncType shared by every index that defines the same one)
    types: list[object]
    imports: dict[tuple[str, str], CoreExternType]
    funcs: list[int]  # the type index of each function, the imported ones first
    tables: list[CoreTableExtern]
    memories: list[CoreMemoryExtern]
    globals: list[CoreGlobalExtern]
    tags: list[CoreTagExtern]
    exports: dict[str, tuple[str, int]]  # name -> (kind, index in that kind's space)

    def check_type(self, idx: int, start: int) -> None:
        """A type index in bounds, or a BinaryError at `start`."""
        if idx >= len(self.types):
            raise BinaryError(f"type index {idx} out of bounds ({len(self.types)} defined)", start)


def read_prefix(data: bytes | memoryview, base: int = 0) -> ModulePrefix:
    """The types, imports, index spaces and exports of a core module (`base`: where its
    bytes start in the file, for the offsets of errors)."""
    if bytes(data[:4]) != b"\x00asm":
        raise BinaryError("nested core module does not start with the \\0asm magic", base)
    if bytes(data[4:8]) != CORE_VERSION:
        raise BinaryError(
            f"nested core module has version {bytes(data[4:8]).hex(' ')}, expected 01 00 00 00",
            base + 4,
        )
    r = Reader(data, 8, base=base)
    prefix = ModulePrefix([], {}, [], [], [], [], [], {})
    while not r.at_end():
        start = r.offset
        sid = r.byte()
        payload = r.sub(r.u32())
        try:
            reader = _SECTIONS.get(sid)
            if reader is not None:
                reader(prefix, payload)
            if sid == EXPORT:
                break  # nothing after the export section matters here
        except BinaryError as exc:
            exc.add_context(f"core module section {sid} at {start:#x}")
            raise
    return prefix


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


def _plain_func_type(r: Reader, seen: dict) -> CoreFuncType | None:
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
        func = seen[key] = CoreFuncType(params, results)
    return func


def _read_types(s: ModulePrefix, r: Reader) -> None:
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
            if not isinstance(m, (SubType, SubFinalType, CoreFuncType, CoreStructType, CoreArrayType,
                                  SharedCompType)):
                raise BinaryError("invalid type in the type section", start)
            s.types.append(m)


def _read_imports(s: ModulePrefix, r: Reader) -> None:
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


def _import_desc(s: ModulePrefix, r: Reader) -> CoreExternType:
    start = r.offset
    if r.pos < r.end and r.data[r.pos] == 0x00:  # a function: its type index follows
        r.pos += 1
        desc: CoreExternType = CoreFuncExtern(r.u32())
    else:
        desc = CORE_EXTERNTYPE.read(r)  # type: ignore[assignment]
    if isinstance(desc, (CoreFuncExtern, CoreExactFuncExtern, CoreTagExtern)):
        s.check_type(desc.type_idx, start)
    return desc


def _import(s: ModulePrefix, module: str, name: str, desc: CoreExternType, at: int) -> None:
    if (module, name) in s.imports:
        # valid core WebAssembly, but a component instantiates a module with one item per
        # name (wasmparser: "not allowed in components")
        raise BinaryError(f"core module imports `{module}` `{name}` twice, which a module "
                          "inside a component may not", at)
    s.imports[(module, name)] = desc
    if isinstance(desc, (CoreFuncExtern, CoreExactFuncExtern)):
        s.funcs.append(desc.type_idx)
    elif isinstance(desc, CoreTableExtern):
        s.tables.append(desc)
    elif isinstance(desc, CoreMemoryExtern):
        s.memories.append(desc)
    elif isinstance(desc, CoreGlobalExtern):
        s.globals.append(desc)
    else:
        s.tags.append(desc)


def _read_functions(s: ModulePrefix, r: Reader) -> None:
    types, funcs, data = s.types, s.funcs, r.data
    for _ in range(r.count("function")):
        at = r.pos
        if at < r.end and data[at] < 0x80:  # a one-byte index, read inline: modules have many
            idx = data[at]
            r.pos = at + 1
        else:
            idx = r.u32()
        if idx >= len(types):
            s.check_type(idx, r.base + at)  # raises, with the offset
        funcs.append(idx)


def read_table_head(r: Reader) -> tuple[object, Limits, bool]:
    """A table section entry up to its initializer (`table ::= tt:tabletype | 0x40 0x00
    tt:tabletype e:expr`): its element type, its limits, and whether an `expr` follows."""
    start = r.offset
    with_init = r.peek() == 0x40
    if with_init:
        r.byte()
        if r.byte() != 0x00:
            raise BinaryError("invalid table type prefix", start)
    return CORE_REFTYPE.read(r), Limits.read(r), with_init


def _read_tables(s: ModulePrefix, r: Reader) -> None:
    for _ in range(r.count("table")):
        element, limits, with_init = read_table_head(r)
        s.tables.append(CoreTableExtern(element, limits))
        if with_init and not _skip_const_expr(r):
            return  # what follows cannot be found: later tables stay unknown


def _read_memories(s: ModulePrefix, r: Reader) -> None:
    for _ in range(r.count("memory")):
        s.memories.append(CoreMemoryExtern(Limits.read(r)))


def _read_tags(s: ModulePrefix, r: Reader) -> None:
    for _ in range(r.count("tag", 2)):
        start = r.offset
        if r.byte() != 0x00:
            raise BinaryError("invalid tag attribute", start)
        idx = r.u32()
        s.check_type(idx, start)
        s.tags.append(CoreTagExtern(idx))


def _read_globals(s: ModulePrefix, r: Reader) -> None:
    for _ in range(r.count("global", 3)):
        valtype = CORE_VALTYPE.read(r)
        s.globals.append(CoreGlobalExtern(valtype, _MUT.read(r)))
        if not _skip_const_expr(r):
            return


def _read_exports(s: ModulePrefix, r: Reader) -> None:
    for _ in range(r.count("export", 3)):
        name = r.name()
        kind_at = r.offset
        kind = _EXPORT_KINDS.get(r.byte())
        if kind is None:
            raise BinaryError("invalid export kind", kind_at)
        s.exports[name] = (kind, r.u32())


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
