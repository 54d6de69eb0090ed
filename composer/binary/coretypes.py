"""Core types as they appear in a component: `core:type`, `core:moduletype` and the parts of the
core binary format they reuse (value types, reference types, limits, `core:import`,
`core:externtype`, rec groups and sub types of WebAssembly 3.0).

Core module *bodies* are never decoded here: only the types a component declares.
"""

from __future__ import annotations


from ..errors import BinaryError
from .codec import BOOL, NAME, U32, Choice, Production, Vec, field_
from .reader import Reader
from .writer import Writer

NUM_TYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}
PACKED_TYPES = {0x78: "i8", 0x77: "i16"}
ABSTRACT_HEAP_TYPES = {
    0x73: "nofunc",
    0x72: "noextern",
    0x71: "none",
    0x70: "func",
    0x6F: "extern",
    0x6E: "any",
    0x6D: "eq",
    0x6C: "i31",
    0x6B: "struct",
    0x6A: "array",
    0x69: "exn",
    0x74: "noexn",
    0x68: "cont",
    0x75: "nocont",
}
_NUM_CODES = {v: k for k, v in {**NUM_TYPES, **PACKED_TYPES}.items()}
_HEAP_CODES = {v: k for k, v in ABSTRACT_HEAP_TYPES.items()}
REF_NULL, REF = 0x63, 0x64
SHARED = 0x65


class CoreRefType(Production):
    """A reference type; `heap` is an abstract heap type name or a type index.

    `short` records the one-byte shorthand (`funcref` for `(ref null func)`) so that the
    encoding round-trips.
    """

    nullable: bool = field_(None)
    heap: str | int = field_(None)
    shared: bool = field_(None, False)
    short: bool = field_(None, False)

    def __str__(self) -> str:
        heap = f"(shared {self.heap})" if self.shared else str(self.heap)
        if self.short and not self.shared:  # a shared shorthand has no text of its own
            return f"{self.heap}ref"
        return f"(ref {'null ' if self.nullable else ''}{heap})"


CoreValType = str | CoreRefType


def _read_heap(r: Reader) -> tuple[str | int, bool]:
    b = r.peek()
    if b == SHARED:
        r.byte()
        start = r.offset
        code = r.byte()
        if code not in ABSTRACT_HEAP_TYPES:
            raise BinaryError(f"invalid shared heap type {code:#04x}", start)
        return ABSTRACT_HEAP_TYPES[code], True
    if b in ABSTRACT_HEAP_TYPES:
        r.byte()
        return ABSTRACT_HEAP_TYPES[b], False
    start = r.offset
    idx = r.s33()
    if idx < 0:
        raise BinaryError(f"invalid heap type {b:#04x}", start)
    return idx, False


def _write_heap(w: Writer, heap: str | int, shared: bool) -> None:
    if shared:
        w.byte(SHARED)
    if isinstance(heap, str):
        w.byte(_HEAP_CODES[heap])
    else:
        w.s33(heap)


class _CoreValType:
    """core:valtype; core:storagetype (`storage`), which adds i8 and i16; core:reftype
    (`ref_only`), a table's element type."""

    def __init__(self, storage: bool = False, ref_only: bool = False) -> None:
        self.storage = storage
        self.ref_only = ref_only

    def read(self, r: Reader) -> CoreValType:
        return self._read(r)

    def _read(self, r: Reader) -> CoreValType:
        start = r.offset
        b = r.byte()
        if self.ref_only and (b in NUM_TYPES or b in PACKED_TYPES):
            raise BinaryError("malformed reference type", start)
        if b in NUM_TYPES:
            return NUM_TYPES[b]
        if b in PACKED_TYPES:
            if not self.storage:  # i8 and i16 are only a struct's or an array's storage
                raise BinaryError(f"invalid value type {b:#04x} (i8 and i16 are storage "
                                  "types of struct fields and array elements only)", start)
            return PACKED_TYPES[b]
        if b in ABSTRACT_HEAP_TYPES:
            return CoreRefType(True, ABSTRACT_HEAP_TYPES[b], False, True)
        if b == SHARED:
            code = r.byte()
            if code not in ABSTRACT_HEAP_TYPES:
                raise BinaryError(f"invalid shared heap type {code:#04x}", start)
            return CoreRefType(True, ABSTRACT_HEAP_TYPES[code], True, True)
        if b in (REF_NULL, REF):
            heap, shared = _read_heap(r)
            return CoreRefType(b == REF_NULL, heap, shared)
        raise BinaryError(f"invalid core value type {b:#04x}", start)

    def write(self, w: Writer, value: CoreValType) -> None:
        if isinstance(value, str):
            w.byte(_NUM_CODES[value])
        elif value.short:
            if value.shared:
                w.byte(SHARED)
            w.byte(_HEAP_CODES[value.heap])  # type: ignore[index]
        else:
            w.byte(REF_NULL if value.nullable else REF)
            _write_heap(w, value.heap, value.shared)


CORE_VALTYPE = _CoreValType()
CORE_VALTYPES = Vec(CORE_VALTYPE, "core value type")
CORE_STORAGETYPE = _CoreValType(storage=True)
CORE_REFTYPE = _CoreValType(ref_only=True)


# -- limits and the core extern types ---------------------------------------------------


class Limits(Production):
    """limits: a flags byte (0x01 max, 0x02 shared, 0x04 64-bit, 0x08 page size), min, max?"""

    flags: int = field_(None)
    min: int = field_(None)
    max: int | None = field_(None)
    page_size_log2: int | None = field_(None, None)

    @classmethod
    def read(cls, r: Reader) -> "Limits":
        start = r.offset
        flags = r.byte()
        if flags & ~0x0F:
            raise BinaryError(f"invalid limits flags {flags:#04x}", start)
        wide = r.u64 if flags & 0x04 else r.u32
        lo = wide()
        hi = wide() if flags & 0x01 else None
        at = r.offset
        page = r.u32() if flags & 0x08 else None
        if page is not None and page > 64:  # (only 0 and 16 are valid: see elaborate.py)
            raise BinaryError(f"invalid custom page size: 2**{page} bytes", at)
        return cls(flags, lo, hi, page)

    def write(self, w: Writer) -> None:
        w.byte(self.flags)
        wide = w.u64 if self.flags & 0x04 else w.u32
        wide(self.min)
        if self.max is not None:
            wide(self.max)
        if self.page_size_log2 is not None:
            w.u32(self.page_size_log2)


class CoreFuncExtern(Production):
    """core:externtype ::= 0x00 typeidx   (func)"""

    TAG = (0x00,)
    type_idx: int = field_(U32)


class CoreExactFuncExtern(Production):
    """core:externtype ::= 0x20 typeidx   (an exact func import, of custom-descriptors)"""

    TAG = (0x20,)
    type_idx: int = field_(U32)


class CoreTableExtern(Production):
    """core:externtype ::= 0x01 reftype limits   (table)"""

    TAG = (0x01,)
    element: CoreValType = field_(CORE_REFTYPE)
    limits: Limits = field_(Limits)


class CoreMemoryExtern(Production):
    """core:externtype ::= 0x02 limits   (memory)"""

    TAG = (0x02,)
    limits: Limits = field_(Limits)


class CoreGlobalExtern(Production):
    """core:externtype ::= 0x03 valtype mut   (global)"""

    TAG = (0x03,)
    type: CoreValType = field_(CORE_VALTYPE)
    mutability: int = field_(lambda: _MUT)


class CoreTagExtern(Production):
    """core:externtype ::= 0x04 0x00 typeidx   (tag)"""

    TAG = (0x04, 0x00)
    DISPATCH = (0x04,)
    type_idx: int = field_(U32)


class _Mut:
    """Global mutability byte: bit 0 mutable, bit 1 shared."""

    def read(self, r: Reader) -> int:
        start = r.offset
        b = r.byte()
        if b > 3:
            raise BinaryError(f"invalid global mutability {b:#04x}", start)
        return b

    def write(self, w: Writer, value: int) -> None:
        w.byte(value)


_MUT = _Mut()

CORE_EXTERNTYPE = Choice(
    "core:externtype",
    [CoreFuncExtern, CoreTableExtern, CoreMemoryExtern, CoreGlobalExtern, CoreTagExtern,
     CoreExactFuncExtern],
)
CoreExternType = (CoreFuncExtern | CoreTableExtern | CoreMemoryExtern | CoreGlobalExtern
                  | CoreTagExtern | CoreExactFuncExtern)


class CoreImport(Production):
    """core:import ::= module:<name> name:<name> type:<core:externtype>"""

    module: str = field_(NAME)
    name: str = field_(NAME)
    type: CoreExternType = field_(CORE_EXTERNTYPE)


# -- composite types (core:comptype) -----------------------------------------------------


class CoreFuncType(Production):
    """comptype ::= 0x60 params:vec(valtype) results:vec(valtype)"""

    TAG = (0x60,)
    params: tuple[CoreValType, ...] = field_(CORE_VALTYPES)
    results: tuple[CoreValType, ...] = field_(CORE_VALTYPES)


class FieldType(Production):
    """fieldtype ::= storagetype mut"""

    storage: CoreValType = field_(CORE_STORAGETYPE)
    mutable: bool = field_(BOOL)


class CoreStructType(Production):
    """comptype ::= 0x5f fields:vec(fieldtype)"""

    TAG = (0x5F,)
    fields: tuple[FieldType, ...] = field_(Vec(FieldType))


class CoreArrayType(Production):
    """comptype ::= 0x5e fieldtype"""

    TAG = (0x5E,)
    element: FieldType = field_(FieldType)


class SharedCompType(Production):
    """comptype ::= 0x65 ct:comptype   (shared ct), of shared-everything-threads"""

    TAG = (0x65,)
    body: object = field_(lambda: COMP_TYPE)


COMP_TYPE = Choice("core:comptype", [CoreFuncType, CoreStructType, CoreArrayType, SharedCompType])
CompType = CoreFuncType | CoreStructType | CoreArrayType | SharedCompType


class SubType(Production):
    """subtype ::= 0x50 vec(typeidx) comptype   (a non-final sub type, inside a rec group)"""

    TAG = (0x50,)
    supertypes: tuple[int, ...] = field_(Vec(U32, "supertype"))
    body: CompType = field_(COMP_TYPE)


class SubFinalType(Production):
    """subtype ::= 0x4f vec(typeidx) comptype   (sub final)"""

    TAG = (0x4F,)
    supertypes: tuple[int, ...] = field_(Vec(U32, "supertype"))
    body: CompType = field_(COMP_TYPE)


class PrefixedSubType(Production):
    """core:deftype ::= 0x00 0x50 x*:vec(<core:typeidx>) ct:<core:comptype>

    A non-final sub type at the top of a component's core type: the 0x00 prefix keeps it
    apart from `core:moduletype`, which also starts with 0x50.
    """

    TAG = (0x00, 0x50)
    supertypes: tuple[int, ...] = field_(Vec(U32, "supertype"))
    body: CompType = field_(COMP_TYPE)


SUB_TYPE = Choice(
    "core:subtype",
    [SubType, SubFinalType, CoreFuncType, CoreStructType, CoreArrayType, SharedCompType],
)


class RecGroup(Production):
    """rectype ::= 0x4e vec(subtype)"""

    TAG = (0x4E,)
    types: tuple = field_(Vec(SUB_TYPE, "subtype"))


# -- module types ------------------------------------------------------------------------


class CoreAlias(Production):
    """core:alias ::= 0x10 0x01 ct:<u32> idx:<u32>   (alias outer ct idx (type))"""

    TAG = (0x10, 0x01)
    count: int = field_(U32)
    index: int = field_(U32)


class ModuleImportDecl(Production):
    """core:moduledecl ::= 0x00 i:<core:import>"""

    TAG = (0x00,)
    import_: CoreImport = field_(CoreImport)


class ModuleTypeDecl(Production):
    """core:moduledecl ::= 0x01 t:<core:type>

    Inside a module type no module type can be declared, so 0x50 is a (non-final) sub type
    here, as in a core module's own type section, not the start of a `core:moduletype`.
    """

    TAG = (0x01,)
    type: object = field_(lambda: MODULE_DECL_TYPE)


class ModuleAliasDecl(Production):
    """core:moduledecl ::= 0x02 a:<core:alias>"""

    TAG = (0x02,)
    alias: CoreAlias = field_(CoreAlias)


class ModuleExportDecl(Production):
    """core:moduledecl ::= 0x03 n:<core:name> t:<core:externtype>"""

    TAG = (0x03,)
    name: str = field_(NAME)
    type: CoreExternType = field_(CORE_EXTERNTYPE)


MODULE_DECL = Choice(
    "core:moduledecl", [ModuleImportDecl, ModuleTypeDecl, ModuleAliasDecl, ModuleExportDecl]
)


class ModuleType(Production):
    """core:moduletype ::= 0x50 md*:vec(<core:moduledecl>)"""

    TAG = (0x50,)
    NESTS = True
    decls: tuple = field_(Vec(MODULE_DECL, "core:moduledecl"))


# The types a module type declares: what a core module's type section holds.
MODULE_DECL_TYPE = Choice("core:type", [RecGroup, *SUB_TYPE.cases])  # type: ignore[misc]

# core:type ::= core:deftype: a rec group, a (prefixed) sub type, a comptype, or a module type.
CORE_TYPE = Choice(
    "core:type",
    [
        ModuleType, PrefixedSubType, RecGroup, SubFinalType,
        CoreFuncType, CoreStructType, CoreArrayType, SharedCompType,
    ],
)
CoreType = ModuleType | PrefixedSubType | RecGroup | SubFinalType | CompType
