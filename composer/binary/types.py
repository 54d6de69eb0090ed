"""Component-level type definitions (Binary.md, Type Definitions): `type`, `deftype`,
`defvaltype`, `valtype`, `functype`, `componenttype`, `instancetype`, their declarators,
`externtype` and the type and value bounds.

A `valtype` is either a primitive, kept as its name (`"u32"`), or a type index (`int`).
"""

from __future__ import annotations


from ..errors import BinaryError
from .aliases import Alias
from .codec import BYTE, NAME, U32, Choice, Enumerated, Opt, Production, Vec, field_
from .coretypes import CORE_TYPE
from .nameattributes import NameAttributes
from .reader import Reader
from .writer import Writer

PRIM_CODES: dict[int, str] = {
    0x7F: "bool",
    0x7E: "s8",
    0x7D: "u8",
    0x7C: "s16",
    0x7B: "u16",
    0x7A: "s32",
    0x79: "u32",
    0x78: "s64",
    0x77: "u64",
    0x76: "f32",
    0x75: "f64",
    0x74: "char",
    0x73: "string",
    0x64: "error-context",
}
PRIM_NAMES: dict[str, int] = {name: code for code, name in PRIM_CODES.items()}

ValTypeRef = str | int  # a primitive's name, or an index into the type index space


class _ValType:
    """valtype ::= i:<typeidx> | pvt:<primvaltype>

    Type indices are signed LEB128 (s33): the one-byte encodings 0x40..0x7f are negative
    numbers, which is what keeps them apart from the primitive type codes.
    """

    def read(self, r: Reader) -> ValTypeRef:
        b = r.peek()
        prim = PRIM_CODES.get(b)
        if prim is not None:
            r.pos += 1
            return prim
        start = r.offset
        idx = r.s33()
        if idx < 0:
            raise BinaryError(f"invalid value type {b:#04x}", start)
        return idx

    def write(self, w: Writer, value: ValTypeRef) -> None:
        if isinstance(value, str):
            w.byte(PRIM_NAMES[value])
        else:
            w.s33(value)


VALTYPE = _ValType()


class _ResultList:
    """resultlist ::= 0x00 t:<valtype> | 0x01 0x00   (None when there is no result)"""

    def read(self, r: Reader) -> ValTypeRef | None:
        start = r.offset
        b = r.byte()
        if b == 0x00:
            return VALTYPE.read(r)
        if b == 0x01:
            b2 = r.byte()
            if b2 == 0x00:
                return None
            raise BinaryError(f"invalid result list {b:#04x} {b2:#04x}", start)
        raise BinaryError(f"invalid leading byte {b:#04x} for resultlist", start)

    def write(self, w: Writer, value: ValTypeRef | None) -> None:
        if value is None:
            w.byte(0x01)
            w.byte(0x00)
        else:
            w.byte(0x00)
            VALTYPE.write(w, value)


RESULTLIST = _ResultList()


# -- defvaltype --------------------------------------------------------------------------


class Prim(Production):
    """defvaltype ::= pvt:<primvaltype>   (a type definition that is just a primitive)"""

    DISPATCH = tuple(PRIM_CODES)
    name: str = field_(Enumerated("primvaltype", {(c,): n for c, n in PRIM_CODES.items()}))


class LabelValType(Production):
    """labelvaltype ::= l:<labellit> t:<valtype>"""

    label: str = field_(NAME)
    type: ValTypeRef = field_(VALTYPE)


class Case(Production):
    """case ::= l:<labellit> t?:<valtype>? 0x00"""

    label: str = field_(NAME)
    type: ValTypeRef | None = field_(Opt(VALTYPE))
    # The trailing 0x00 is the absent `refines` of earlier drafts; it must be zero.
    refines: int = field_(lambda: _ZERO)


class _Zero:
    def read(self, r: Reader) -> int:
        start = r.offset
        b = r.byte()
        if b != 0:
            raise BinaryError(f"expected 0x00 at the end of a variant case, found {b:#04x}", start)
        return 0

    def write(self, w: Writer, value: int) -> None:
        w.byte(0)


_ZERO = _Zero()


class Record(Production):
    """0x72 lt*:vec(<labelvaltype>)   (record (field lt)*)"""

    TAG = (0x72,)
    fields: tuple[LabelValType, ...] = field_(Vec(LabelValType, "field"))


class Variant(Production):
    """0x71 case*:vec(<case>)   (variant case+)"""

    TAG = (0x71,)
    cases: tuple[Case, ...] = field_(Vec(Case, "case"))


class List(Production):
    """0x70 t:<valtype>   (list t)"""

    TAG = (0x70,)
    element: ValTypeRef = field_(VALTYPE)


class FixedList(Production):
    """0x67 t:<valtype> len:<u32>   (list t len)"""

    TAG = (0x67,)
    element: ValTypeRef = field_(VALTYPE)
    length: int = field_(U32)


class Tuple(Production):
    """0x6f t*:vec(<valtype>)   (tuple t+)"""

    TAG = (0x6F,)
    types: tuple[ValTypeRef, ...] = field_(Vec(VALTYPE, "tuple element"))


class Flags(Production):
    """0x6e l*:vec(<labellit>)   (flags l+)"""

    TAG = (0x6E,)
    names: tuple[str, ...] = field_(Vec(NAME, "flag"))


class Enum(Production):
    """0x6d l*:vec(<labellit>)   (enum l+)"""

    TAG = (0x6D,)
    names: tuple[str, ...] = field_(Vec(NAME, "enum case"))


class Option(Production):
    """0x6b t:<valtype>   (option t)"""

    TAG = (0x6B,)
    type: ValTypeRef = field_(VALTYPE)


class Result(Production):
    """0x6a t?:<valtype>? u?:<valtype>?   (result t? (error u)?)"""

    TAG = (0x6A,)
    ok: ValTypeRef | None = field_(Opt(VALTYPE))
    err: ValTypeRef | None = field_(Opt(VALTYPE))


class Own(Production):
    """0x69 i:<typeidx>   (own i)"""

    TAG = (0x69,)
    resource: int = field_(U32)


class Borrow(Production):
    """0x68 i:<typeidx>   (borrow i)"""

    TAG = (0x68,)
    resource: int = field_(U32)


class Stream(Production):
    """0x66 t?:<valtype>?   (stream t?)"""

    TAG = (0x66,)
    element: ValTypeRef | None = field_(Opt(VALTYPE))


class Future(Production):
    """0x65 t?:<valtype>?   (future t?)"""

    TAG = (0x65,)
    element: ValTypeRef | None = field_(Opt(VALTYPE))


class Map(Production):
    """0x63 k:<valtype> v:<valtype>   (map k v)"""

    TAG = (0x63,)
    key: ValTypeRef = field_(VALTYPE)
    value: ValTypeRef = field_(VALTYPE)


DEFVALTYPES: tuple[type[Production], ...] = (
    Prim, Record, Variant, List, FixedList, Tuple, Flags, Enum, Option, Result,
    Own, Borrow, Stream, Future, Map,
)
DefValType = (
    Prim | Record | Variant | List | FixedList | Tuple | Flags | Enum | Option | Result
    | Own | Borrow | Stream | Future | Map
)


# -- functype, resourcetype -------------------------------------------------------------


class FuncType(Production):
    """functype ::= 0x40 ps:<paramlist> rs:<resultlist> | 0x43 ... (async)"""

    DISPATCH = (0x40, 0x43)
    kind: str = field_(Enumerated("functype", {(0x40,): "sync", (0x43,): "async"}))
    params: tuple[LabelValType, ...] = field_(Vec(LabelValType, "param"))
    result: ValTypeRef | None = field_(RESULTLIST)

    @property
    def is_async(self) -> bool:
        return self.kind == "async"


class ResourceType(Production):
    """resourcetype ::= 0x3f t:<core:valtype> f?:<core:funcidx>?"""

    TAG = (0x3F,)
    rep: int = field_(BYTE)
    dtor: int | None = field_(Opt(U32))


# -- externtype and bounds ---------------------------------------------------------------


class TypeBoundEq(Production):
    """typebound ::= 0x00 i:<typeidx>   (eq i)"""

    TAG = (0x00,)
    type_idx: int = field_(U32)


class TypeBoundSubResource(Production):
    """typebound ::= 0x01   (sub resource)"""

    TAG = (0x01,)


TYPEBOUND = Choice("typebound", [TypeBoundEq, TypeBoundSubResource])


class ExternCoreModule(Production):
    """externtype ::= 0x00 0x11 i:<core:typeidx>   (core module (type i))"""

    TAG = (0x00, 0x11)
    type_idx: int = field_(U32)


class ExternFunc(Production):
    """externtype ::= 0x01 i:<typeidx>   (func (type i))"""

    TAG = (0x01,)
    type_idx: int = field_(U32)


class ExternValue(Production):
    """externtype ::= 0x02 t:<valtype>   (value t)

    The spec snapshot writes `0x02 b:<valuebound>` with an `(eq i)` form; wasm-tools 1.262
    writes (and wasmparser reads) the value type directly after 0x02, so we do too: an
    `eq` bound's 0x00 could not be told apart from type index 0.
    """

    TAG = (0x02,)
    type: ValTypeRef = field_(VALTYPE)


class ExternTypeBound(Production):
    """externtype ::= 0x03 b:<typebound>   (type b)"""

    TAG = (0x03,)
    bound: TypeBoundEq | TypeBoundSubResource = field_(TYPEBOUND)


class ExternComponent(Production):
    """externtype ::= 0x04 i:<typeidx>   (component (type i))"""

    TAG = (0x04,)
    type_idx: int = field_(U32)


class ExternInstance(Production):
    """externtype ::= 0x05 i:<typeidx>   (instance (type i))"""

    TAG = (0x05,)
    type_idx: int = field_(U32)


EXTERNTYPE = Choice(
    "externtype",
    [ExternCoreModule, ExternFunc, ExternValue, ExternTypeBound, ExternComponent, ExternInstance],
)
ExternType = (
    ExternCoreModule | ExternFunc | ExternValue | ExternTypeBound | ExternComponent | ExternInstance
)


class ImportDecl(Production):
    """importdecl ::= na:<nameattributes> et:<externtype>   (also the `import` definition)"""

    nameattrs: NameAttributes = field_(NameAttributes)
    type: ExternType = field_(EXTERNTYPE)

    @property
    def name(self) -> str:
        return self.nameattrs.name


class ExportDecl(Production):
    """exportdecl ::= na:<nameattributes> et:<externtype>"""

    nameattrs: NameAttributes = field_(NameAttributes)
    type: ExternType = field_(EXTERNTYPE)

    @property
    def name(self) -> str:
        return self.nameattrs.name


# -- declarators -------------------------------------------------------------------------


class CoreTypeDecl(Production):
    """instancedecl ::= 0x00 t:<core:type>"""

    TAG = (0x00,)
    type: object = field_(CORE_TYPE)


class TypeDecl(Production):
    """instancedecl ::= 0x01 t:<type>"""

    TAG = (0x01,)
    type: object = field_(lambda: DEFTYPE)


class AliasDecl(Production):
    """instancedecl ::= 0x02 a:<alias>"""

    TAG = (0x02,)
    alias: Alias = field_(Alias)


class ImportDeclarator(Production):
    """componentdecl ::= 0x03 id:<importdecl>"""

    TAG = (0x03,)
    decl: ImportDecl = field_(ImportDecl)


class ExportDeclarator(Production):
    """instancedecl ::= 0x04 ed:<exportdecl>"""

    TAG = (0x04,)
    decl: ExportDecl = field_(ExportDecl)


INSTANCE_DECL = Choice("instancedecl", [CoreTypeDecl, TypeDecl, AliasDecl, ExportDeclarator])
COMPONENT_DECL = Choice(
    "componentdecl", [CoreTypeDecl, TypeDecl, AliasDecl, ImportDeclarator, ExportDeclarator]
)
Decl = CoreTypeDecl | TypeDecl | AliasDecl | ImportDeclarator | ExportDeclarator


class ComponentType(Production):
    """componenttype ::= 0x41 cd*:vec(<componentdecl>)"""

    TAG = (0x41,)
    NESTS = True
    decls: tuple[Decl, ...] = field_(Vec(COMPONENT_DECL, "componentdecl"))


class InstanceType(Production):
    """instancetype ::= 0x42 id*:vec(<instancedecl>)"""

    TAG = (0x42,)
    NESTS = True
    decls: tuple[Decl, ...] = field_(Vec(INSTANCE_DECL, "instancedecl"))


DEFTYPE = Choice(
    "deftype", [*DEFVALTYPES, FuncType, ComponentType, InstanceType, ResourceType]
)
DefType = DefValType | FuncType | ComponentType | InstanceType | ResourceType
