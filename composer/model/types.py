"""The structural type model: what an import or export *is*, independent of index spaces.

Decoding a component gives types by index (`binary/types.py`); `elaborate.py` turns those into
the trees defined here, where a `list<point>` holds the `point` record itself. Two things are
not structural and are modelled by object identity:

* `ResourceType`: every resource definition, and every `(sub resource)` import or export, is a
  fresh type (Explainer.md, Type Checking). Two resources are the same type only if they are
  the same object, or a substitution made while type-checking an instantiation maps one onto
  the other (`subtype.py`).
* `NamedType`: a name given to a type by `(export "n" (type (eq T)))` or an import of that
  form. It is transparent for type checking but keeps the names WIT shows (`duration` rather
  than `u64`) and where they came from, which is what lets the encoder re-declare `use`s.

Semantic comparison never uses `==` on these classes; it is `subtype.py`'s job.
"""

from __future__ import annotations

import itertools

from ..record import Record, field_
from typing import Iterator, Union

# -- value types ---------------------------------------------------------------------------


class PrimType(Record):
    name: str  # bool, s8, ..., string, error-context

    def __repr__(self) -> str:
        return self.name


PRIMS: dict[str, PrimType] = {
    n: PrimType(n)
    for n in (
        "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64",
        "f32", "f64", "char", "string", "error-context",
    )
}


class ListType(Record):
    element: "ValType"
    length: int | None = None  # fixed-length lists (🔧)


class RecordType(Record):
    fields: tuple[tuple[str, "ValType"], ...]


class VariantType(Record):
    cases: tuple[tuple[str, "ValType | None"], ...]


class TupleType(Record):
    types: tuple["ValType", ...]


class FlagsType(Record):
    names: tuple[str, ...]


class EnumType(Record):
    names: tuple[str, ...]


class OptionType(Record):
    type: "ValType"


class ResultType(Record):
    ok: "ValType | None"
    err: "ValType | None"


class OwnType(Record):
    resource: "ResourceType | NamedType"


class BorrowType(Record):
    resource: "ResourceType | NamedType"


class StreamType(Record):
    element: "ValType | None"


class FutureType(Record):
    element: "ValType | None"


class MapType(Record):
    key: "ValType"
    value: "ValType"


_resource_ids = itertools.count(1)


class ResourceType(Record, identity=True, mutable=True):
    """A resource type; equal only to itself.

    `name` is the name it was first imported or exported under (None while a locally defined
    resource has not been exported yet); `owner` the instance or component name it belongs
    to, for messages. `rep`/`dtor` are set for resources defined by a component.
    """

    name: str | None = None
    owner: str | None = None
    rep: int | None = None
    dtor: int | None = None
    uid: int = field_(factory=lambda: next(_resource_ids))

    def __setstate__(self, state: tuple) -> None:
        # read back from the cache of component types: a number of this process, not of
        # the one that wrote it, so that two resources never show the same one
        super().__setstate__(state)
        object.__setattr__(self, "uid", next(_resource_ids))

    def __repr__(self) -> str:
        where = f" of {self.owner}" if self.owner else ""
        return f"<resource {self.name or '?'}{where} #{self.uid}>"


class NamedType(Record, identity=True, mutable=True):
    """`name` standing for `type` (an `eq` bound); `owner` is where the name was declared."""

    name: str
    type: "DefType"
    owner: str | None = None

    def __repr__(self) -> str:
        return f"<named {self.name}={self.type!r}>"


ValType = Union[
    PrimType, ListType, RecordType, VariantType, TupleType, FlagsType, EnumType, OptionType,
    ResultType, OwnType, BorrowType, StreamType, FutureType, MapType, NamedType,
]


# -- definition types --------------------------------------------------------------------


class FuncType(Record):
    params: tuple[tuple[str, ValType], ...]
    result: ValType | None
    is_async: bool = False


class ValueExtern(Record):
    """🪙 an imported or exported value of a type."""

    type: ValType


class InstanceType(Record, identity=True):
    """An instance: its exports by name, in declaration order."""

    exports: dict[str, "Extern"]


class ComponentType(Record, identity=True):
    imports: dict[str, "Extern"]
    exports: dict[str, "Extern"]


class CoreFunc(Record):
    params: tuple[str, ...]
    results: tuple[str, ...]

    def __str__(self) -> str:
        """As WAT writes it: `(func (param i32) (result i64))`, empty groups left out."""
        parts = ["func"]
        if self.params:
            parts.append(f"(param {' '.join(self.params)})")
        if self.results:
            parts.append(f"(result {' '.join(self.results)})")
        return f"({' '.join(parts)})"


class CoreMemory(Record):
    """A memory type: its limits in pages, and whether it is 64-bit or shared."""

    minimum: int
    maximum: int | None = None
    memory64: bool = False
    shared: bool = False
    page_size_log2: int | None = None

    def __str__(self) -> str:
        parts = ["memory"] + (["i64"] if self.memory64 else []) + [str(self.minimum)]
        if self.maximum is not None:
            parts.append(str(self.maximum))
        if self.shared:
            parts.append("shared")
        if self.page_size_log2 is not None:
            parts.append(f"(pagesize {1 << min(self.page_size_log2, 64)})")
        return f"({' '.join(parts)})"


class CoreTable(Record):
    element: str  # the reference type, as WAT writes it
    minimum: int
    maximum: int | None = None
    table64: bool = False

    def __str__(self) -> str:
        parts = ["table"] + (["i64"] if self.table64 else []) + [str(self.minimum)]
        if self.maximum is not None:
            parts.append(str(self.maximum))
        return f"({' '.join(parts + [self.element])})"


class CoreGlobal(Record):
    type: str
    mutable: bool = False
    shared: bool = False

    def __str__(self) -> str:
        t = f"(mut {self.type})" if self.mutable else self.type
        return f"(global {'shared ' if self.shared else ''}{t})"


class CoreTag(Record):
    func: "CoreFunc"

    def __str__(self) -> str:
        return "(tag" + str(self.func).removeprefix("(func")  # `(tag (param i32))`, `(tag)`


# What a core import or export is: a function type, a memory, a table, a global or a tag, or
# just its kind ("func", "global", ...) where the type is not known (a function whose
# signature refers to the module's own GC types, a global whose definition was not read).
CoreExtern = Union["CoreFunc", CoreMemory, CoreTable, CoreGlobal, CoreTag, str]


def core_kind(ext: object) -> str:
    """`func`, `memory`, `table`, `global` or `tag`."""
    if isinstance(ext, str):
        return ext
    return {CoreFunc: "func", CoreMemory: "memory", CoreTable: "table", CoreGlobal: "global",
            CoreTag: "tag"}[type(ext)]  # type: ignore[index]


class CoreModuleType(Record, identity=True):
    """A core module's imports ((module, name) -> what) and exports (name -> what), each a
    `CoreExtern`: enough for subtyping, for checking instantiations and for printing.
    """

    imports: dict[tuple[str, str], CoreExtern]
    exports: dict[str, CoreExtern]


# What a type index can refer to.
DefType = Union[ValType, FuncType, InstanceType, ComponentType, ResourceType, NamedType]

# What an import or export can be: the class says the sort.
#   FuncType -> func, InstanceType -> instance, ComponentType -> component,
#   CoreModuleType -> core module, ValueExtern -> value,
#   ResourceType -> type (sub resource), NamedType -> type (eq ...)
Extern = Union[FuncType, InstanceType, ComponentType, CoreModuleType, ValueExtern, ResourceType, NamedType]


def sort_of(extern: Extern) -> str:
    """The sort keyword of an import or export (`func`, `instance`, `type`, ...)."""
    if isinstance(extern, FuncType):
        return "func"
    if isinstance(extern, InstanceType):
        return "instance"
    if isinstance(extern, ComponentType):
        return "component"
    if isinstance(extern, CoreModuleType):
        return "core module"
    if isinstance(extern, ValueExtern):
        return "value"
    return "type"


def a_sort(sort: str) -> str:
    """`an instance`, `a func`, ...: a sort keyword with its article, for messages."""
    return f"an {sort}" if sort[0] in "aeiou" else f"a {sort}"


def unwrap(t: DefType) -> DefType:
    """Look through names to the type they stand for."""
    while isinstance(t, NamedType):
        t = t.type
    return t


def resource_of(t: DefType) -> ResourceType | None:
    """The resource a type is or names, if any."""
    t = unwrap(t)
    return t if isinstance(t, ResourceType) else None


VALUE_TYPES = (
    PrimType, ListType, RecordType, VariantType, TupleType, FlagsType, EnumType, OptionType,
    ResultType, OwnType, BorrowType, StreamType, FutureType, MapType,
)


def is_value_type(t: DefType) -> bool:
    return isinstance(unwrap(t), VALUE_TYPES)


# -- substitution ------------------------------------------------------------------------


def substitute(t: object, mapping: dict[object, object]) -> object:
    """`t` with every resource or name in `mapping` replaced; shared parts stay shared.

    Keys are `ResourceType` or `NamedType` objects (hashed by identity). Parts that contain
    nothing replaced are returned as they are, so identity survives where nothing changed.
    """
    if not mapping:
        return t
    return _Substitution(mapping).apply(t)


class _Substitution:
    __slots__ = ("mapping", "memo")

    def __init__(self, mapping: dict[object, object]) -> None:
        self.mapping = mapping
        self.memo: dict[int, object] = {}

    def apply(self, t: object) -> object:
        if t is None or isinstance(t, (PrimType, str)):
            return t
        key = id(t)
        done = self.memo.get(key)
        if done is not None:
            return done
        if isinstance(t, (ResourceType, NamedType)) and t in self.mapping:
            out = self.mapping[t]
        else:
            out = self._rebuild(t)
        self.memo[key] = out
        return out

    def _rebuild(self, t: object) -> object:
        ap = self.apply
        if isinstance(t, ResourceType):
            return t
        if isinstance(t, NamedType):
            inner = ap(t.type)
            return t if inner is t.type else NamedType(t.name, inner, t.owner)  # type: ignore[arg-type]
        if isinstance(t, ListType):
            e = ap(t.element)
            return t if e is t.element else ListType(e, t.length)  # type: ignore[arg-type]
        if isinstance(t, RecordType):
            fields = tuple((n, ap(v)) for n, v in t.fields)
            return t if _same(fields, t.fields) else RecordType(fields)  # type: ignore[arg-type]
        if isinstance(t, VariantType):
            cases = tuple((n, ap(v)) for n, v in t.cases)
            return t if _same(cases, t.cases) else VariantType(cases)  # type: ignore[arg-type]
        if isinstance(t, TupleType):
            types = tuple(ap(v) for v in t.types)
            return t if all(a is b for a, b in zip(types, t.types)) else TupleType(types)  # type: ignore[arg-type]
        if isinstance(t, OptionType):
            v = ap(t.type)
            return t if v is t.type else OptionType(v)  # type: ignore[arg-type]
        if isinstance(t, ResultType):
            ok, err = ap(t.ok), ap(t.err)
            return t if ok is t.ok and err is t.err else ResultType(ok, err)  # type: ignore[arg-type]
        if isinstance(t, OwnType):
            r = ap(t.resource)
            return t if r is t.resource else OwnType(r)  # type: ignore[arg-type]
        if isinstance(t, BorrowType):
            r = ap(t.resource)
            return t if r is t.resource else BorrowType(r)  # type: ignore[arg-type]
        if isinstance(t, StreamType):
            e = ap(t.element)
            return t if e is t.element else StreamType(e)  # type: ignore[arg-type]
        if isinstance(t, FutureType):
            e = ap(t.element)
            return t if e is t.element else FutureType(e)  # type: ignore[arg-type]
        if isinstance(t, MapType):
            k, v = ap(t.key), ap(t.value)
            return t if k is t.key and v is t.value else MapType(k, v)  # type: ignore[arg-type]
        if isinstance(t, FuncType):
            params = tuple((n, ap(v)) for n, v in t.params)
            result = ap(t.result)
            if _same(params, t.params) and result is t.result:
                return t
            return FuncType(params, result, t.is_async)  # type: ignore[arg-type]
        if isinstance(t, ValueExtern):
            v = ap(t.type)
            return t if v is t.type else ValueExtern(v)  # type: ignore[arg-type]
        if isinstance(t, InstanceType):
            exports = {n: ap(v) for n, v in t.exports.items()}
            same = all(exports[n] is v for n, v in t.exports.items())
            return t if same else InstanceType(exports)  # type: ignore[arg-type]
        if isinstance(t, ComponentType):
            imports = {n: ap(v) for n, v in t.imports.items()}
            exports = {n: ap(v) for n, v in t.exports.items()}
            same = all(imports[n] is v for n, v in t.imports.items()) and all(
                exports[n] is v for n, v in t.exports.items()
            )
            return t if same else ComponentType(imports, exports)  # type: ignore[arg-type]
        return t  # CoreModuleType and anything without resources


def _same(a: tuple[tuple[str, object], ...], b: tuple[tuple[str, object], ...]) -> bool:
    return all(x[1] is y[1] for x, y in zip(a, b))


def declared_resources(extern: object) -> list[ResourceType]:
    """Resources an instance type declares itself (`(export "r" (type (sub resource)))`),
    including those of instances it exports, as opposed to resources it only refers to."""
    out: list[ResourceType] = []
    if isinstance(extern, ResourceType):
        out.append(extern)
    elif isinstance(extern, InstanceType):
        for v in extern.exports.values():
            out.extend(declared_resources(v))
    return out


def fresh_instance(extern: Extern, owner: str) -> Extern:
    """A copy of an instance type with new resources, as each import or instantiation has.

    Names declared by the instance type itself get `owner` (the import or export name), so
    later readers can tell a type defined by an interface from one it `use`s.
    """
    if not isinstance(extern, InstanceType):
        return extern
    mapping: dict[object, object] = {}
    placeholders: list[tuple[NamedType, NamedType]] = []
    _collect_fresh(extern, owner, mapping, placeholders)
    for original, copy in placeholders:
        copy.type = substitute(original.type, mapping)  # type: ignore[assignment]
    return substitute(extern, mapping)  # type: ignore[return-value]


def _collect_fresh(
    itype: InstanceType,
    owner: str,
    mapping: dict[object, object],
    placeholders: list[tuple[NamedType, NamedType]],
) -> None:
    for name, v in itype.exports.items():
        if isinstance(v, ResourceType):
            mapping[v] = ResourceType(v.name or name, owner)
        elif isinstance(v, NamedType) and v.owner is None:
            copy = NamedType(v.name, v.type, owner)
            mapping[v] = copy
            placeholders.append((v, copy))
        elif isinstance(v, InstanceType):
            _collect_fresh(v, f"{owner}/{name}", mapping, placeholders)


def parts(x: object) -> list[object]:
    """The types `x` is made of, one level down (None for a missing result or case type)."""
    if isinstance(x, InstanceType):
        return list(x.exports.values())
    if isinstance(x, ComponentType):
        return [*x.imports.values(), *x.exports.values()]
    if isinstance(x, FuncType):
        return [t for _, t in x.params] + [x.result]
    if isinstance(x, ValueExtern):
        return [x.type]
    if isinstance(x, RecordType):
        return [t for _, t in x.fields]
    if isinstance(x, VariantType):
        return [t for _, t in x.cases]
    if isinstance(x, TupleType):
        return list(x.types)
    if isinstance(x, (ListType, StreamType, FutureType)):
        return [x.element]
    if isinstance(x, OptionType):
        return [x.type]
    if isinstance(x, ResultType):
        return [x.ok, x.err]
    if isinstance(x, MapType):
        return [x.key, x.value]
    if isinstance(x, (OwnType, BorrowType)):
        return [x.resource]
    return []


def walk(t: object, seen: set[int] | None = None) -> "Iterator[object]":
    """Every type node reachable from `t` (names and their targets included), each once.
    Walks over several types that share parts (a chain of aliases, each exported) share
    `seen` (ids of the nodes met): each part is then met once in all of them, not once per
    walk."""
    seen = set() if seen is None else seen
    stack = [t]
    while stack:
        x = stack.pop()
        if x is None or isinstance(x, (PrimType, str, int)) or id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        if isinstance(x, NamedType):
            stack.append(x.type)
        elif isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif isinstance(x, InstanceType):
            stack.extend(reversed(list(x.exports.values())))
        elif isinstance(x, ComponentType):
            stack.extend(reversed([*x.imports.values(), *x.exports.values()]))
        elif isinstance(x, FuncType):
            stack.append(x.result)
            stack.extend(reversed([v for _, v in x.params]))
        elif isinstance(x, RecordType):
            stack.extend(reversed([v for _, v in x.fields]))
        elif isinstance(x, VariantType):
            stack.extend(reversed([v for _, v in x.cases]))
        elif isinstance(x, TupleType):
            stack.extend(reversed(x.types))
        elif isinstance(x, (OwnType, BorrowType)):
            stack.append(x.resource)
        elif isinstance(x, (ListType, StreamType, FutureType)):
            stack.append(x.element)
        elif isinstance(x, OptionType):
            stack.append(x.type)
        elif isinstance(x, ResultType):
            stack.extend([x.err, x.ok])
        elif isinstance(x, MapType):
            stack.extend([x.value, x.key])
        elif isinstance(x, ValueExtern):
            stack.append(x.type)


def nesting(t: object, known: dict[int, tuple[int, int]], keep: list) -> tuple[int, int]:
    """(depth, size) of a type as wasmparser measures them for its limits (limits.py
    checks them, a WAC document's declarations too): a primitive or a handle is one level
    (a handle's resource is not counted), any other type one more than its deepest part
    (instance and component types included), a name what it names; the size counts the
    parts of the fully expanded type. `known` remembers results by id, `keep` holds what it
    remembers so that ids stay theirs. Parts are measured before what they make up, so a
    type defined on others measured already takes one step."""
    key = id(t)
    found = known.get(key)
    if found is not None:
        return found
    if isinstance(t, NamedType):
        info = nesting(t.type, known, keep)
    else:
        parts: list[object] = []
        if isinstance(t, (ListType, StreamType, FutureType)):
            parts = [t.element]
        elif isinstance(t, OptionType):
            parts = [t.type]
        elif isinstance(t, RecordType):
            parts = [x for _, x in t.fields]
        elif isinstance(t, VariantType):
            parts = [x for _, x in t.cases]
        elif isinstance(t, TupleType):
            parts = list(t.types)
        elif isinstance(t, ResultType):
            parts = [t.ok, t.err]
        elif isinstance(t, MapType):
            parts = [t.key, t.value]
        elif isinstance(t, FuncType):
            parts = [x for _, x in t.params] + [t.result]
        elif isinstance(t, InstanceType):
            parts = list(t.exports.values())
        elif isinstance(t, ComponentType):
            parts = [*t.imports.values(), *t.exports.values()]
        depth, size = 1, 1
        for part in parts:
            if part is not None:
                d, n = nesting(part, known, keep)
                depth = max(depth, d + 1)
                size += n
        info = (depth, size)
    known[key] = info
    keep.append(t)
    return info


def resources_in(t: object) -> list[ResourceType]:
    """Every resource `t` mentions, in first-seen order."""
    return [x for x in walk(t) if isinstance(x, ResourceType)]
