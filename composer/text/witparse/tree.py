"""The syntax tree of a WIT file: what was written, with spans for messages; names are not
resolved yet (that is `resolve.py`'s job)."""

from __future__ import annotations

from typing import Union

from ...record import Record
from ...diagnostics import Source


class Span(Record):
    source: Source
    start: int
    end: int


class Id(Record):
    name: str
    span: Span


class Attribute(Record):
    """One `@name(...)` before an item: `value` is the version, the feature or the external
    id; `span` that of the name (where wit-parser reports a wrong combination)."""

    name: str
    value: str
    span: Span


class Gates(Record):
    """`@since(version = v)`, `@unstable(feature = f)`, `@deprecated(version = v)` (the first
    of each, when one is given twice: `attributes` holds all as written, which resolution
    checks as wit-parser does: none twice, not both `@since` and `@unstable`, `@deprecated`
    only with one of them)."""

    since: tuple[str, Span] | None = None
    unstable: Id | None = None
    deprecated: tuple[str, Span] | None = None
    external_id: str | None = None
    attributes: tuple[Attribute, ...] = ()

    def empty(self) -> bool:
        return self.since is None and self.unstable is None and self.deprecated is None


NO_GATES = Gates()


class PackageRef(Record):
    """`ns:name@version` (nested namespaces/packages joined by `:`)."""

    namespace: str
    name: str
    version: str | None
    span: Span

    def key(self) -> str:
        return f"{self.namespace}:{self.name}" + (f"@{self.version}" if self.version else "")


class UsePath(Record):
    """`iface` (package None) or `ns:pkg/iface@v`; `span` covers all of it."""

    package: PackageRef | None
    name: Id
    span: Span


# -- types ---------------------------------------------------------------------------------


class TPrim(Record):
    name: str
    span: Span


class TName(Record):
    id: Id


class TList(Record):
    element: "TypeExpr"
    length: int | None
    span: Span


class TOption(Record):
    type: "TypeExpr"
    span: Span


class TResult(Record):
    ok: "TypeExpr | None"
    err: "TypeExpr | None"
    span: Span


class TTuple(Record):
    types: tuple["TypeExpr", ...]
    span: Span


class TMap(Record):
    key: "TypeExpr"
    value: "TypeExpr"
    span: Span


class THandle(Record):
    borrow: bool
    id: Id
    span: Span


class TFuture(Record):
    element: "TypeExpr | None"
    span: Span


class TStream(Record):
    element: "TypeExpr | None"
    span: Span


TypeExpr = Union[TPrim, TName, TList, TOption, TResult, TTuple, TMap, THandle, TFuture, TStream]


def type_span(t: TypeExpr) -> Span:
    return t.id.span if isinstance(t, TName) else t.span  # type: ignore[union-attr]


class FuncSig(Record):
    params: tuple[tuple[Id, TypeExpr], ...]
    result: TypeExpr | None
    is_async: bool
    span: Span  # of the `func` keyword (or `constructor`)


# -- items ---------------------------------------------------------------------------------


class Field(Record):
    name: Id
    type: TypeExpr | None  # None for enum cases, flags and payload-less variant cases
    docs: str | None = None


class ResourceFunc(Record):
    kind: str  # "method", "static", "constructor"
    name: Id  # the method's name; for a constructor the `constructor` keyword
    sig: FuncSig
    docs: str | None
    gates: Gates


class TypeDef(Record):
    """kind: `type`, `record`, `variant`, `enum`, `flags`, `resource`."""

    kind: str
    name: Id
    alias: TypeExpr | None = None
    fields: tuple[Field, ...] = ()
    methods: tuple[ResourceFunc, ...] = ()
    docs: str | None = None
    gates: Gates = NO_GATES


class FuncDef(Record):
    name: Id
    sig: FuncSig
    docs: str | None = None
    gates: Gates = NO_GATES


class Use(Record):
    """`use path.{a, b as c};` inside an interface or a world."""

    path: UsePath
    names: tuple[tuple[Id, Id | None], ...]
    docs: str | None
    gates: Gates
    span: Span


InterfaceMember = Union[TypeDef, FuncDef, Use]


class InterfaceDef(Record):
    name: Id | None  # None for an inline interface in a world
    members: tuple[InterfaceMember, ...]
    docs: str | None = None
    gates: Gates = NO_GATES


class Extern(Record):
    """An `import` or `export` of a world. `kind`: `path` (`import a:b/c;`), `func`,
    `interface` (inline), `implements` (`import x: a:b/c;`)."""

    direction: str
    kind: str
    name: Id | None
    path: UsePath | None = None
    sig: FuncSig | None = None
    interface: InterfaceDef | None = None
    docs: str | None = None
    gates: Gates = NO_GATES
    span: Span | None = None  # the `import`/`export` keyword


class Include(Record):
    path: UsePath
    renames: tuple[tuple[Id, Id], ...]
    docs: str | None
    gates: Gates
    span: Span


WorldMember = Union[Extern, Include, Use, TypeDef]


class WorldDef(Record):
    name: Id
    members: tuple[WorldMember, ...]
    docs: str | None = None
    gates: Gates = NO_GATES


class TopUse(Record):
    """`use path (as name)?;` at the top of a file: a file-local name for an interface.
    `gates` must be empty (it is kept to refuse it where wit-parser does)."""

    path: UsePath
    alias: Id | None
    span: Span
    gates: Gates = NO_GATES

    def local_name(self) -> Id:
        return self.alias or self.path.name


class PackageDecl(Record):
    name: PackageRef
    docs: str | None
    span: Span  # of the name
    docs_span: object = None  # where its doc comments start (None: it has none)


class NestedPackage(Record):
    decl: PackageDecl
    items: tuple["TopItem", ...]


TopItem = Union[InterfaceDef, WorldDef, TopUse, NestedPackage]


class File(Record):
    source: Source
    package: PackageDecl | None
    items: tuple[TopItem, ...]
