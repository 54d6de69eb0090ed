"""The syntax tree of a WAC document: what was written, with a span on every node, names not
resolved yet (resolving them against packages is the composer's business).

Node names follow wac-parser's AST (and so the grammar's productions), so that `tojson` reads
like wac's own dump. Type expressions are the WIT tree's (`TPrim`, `TName`, `TList`,
`TOption`, `TResult`, `TTuple`, `THandle` with `borrow=True`), as WAC writes types as WIT does;
identifiers are the WIT tree's `Id` (the name without a `%`, the span with it).

Where the grammar offers a choice between kinds of thing, a field holds one of several node
classes, told apart with `isinstance`: an identifier is an `Id`, a string literal a `String`,
so a name written `foo` and one written `"foo"` stay distinguishable.
"""

from __future__ import annotations

from typing import Union

from ...record import Record
from ...diagnostics import Source
from ..witparse.tree import (Id, Span, TName, TPrim, TList, TOption, TResult, TTuple, THandle,
                             TypeExpr, type_span)

# the WIT tree's nodes, re-exported: this module is the whole vocabulary of a WAC tree
__all__ = [
    "Id", "Span", "TName", "TPrim", "TList", "TOption", "TResult", "TTuple", "THandle",
    "TypeExpr", "type_span",
]


class DocComment(Record):
    """A `/// text` or `/** text */` comment before an item: its text, trimmed."""

    text: str
    span: Span


Docs = tuple[DocComment, ...]


class String(Record):
    """A string literal: `value` without the quotes (WAC strings have no escapes); the span
    has them."""

    value: str
    span: Span


Name = Union[Id, String]  # `as` names, argument names: an identifier or a string


class PackageName(Record):
    """`ns:name@version`, as `package` and `new` name packages. `string` is the text as
    written, `name` that without the version."""

    string: str
    name: str
    version: str | None
    span: Span

    def version_span(self) -> Span | None:
        if self.version is None:
            return None
        return Span(self.span.source, self.span.end - len(self.version), self.span.end)


class PackagePath(Record):
    """`ns:pkg/item@version` (or nested: `ns:pkg/a/b`): `name` is `ns:pkg`, `segments` the
    `/`-separated items (`a/b`), `version` what follows `@`."""

    string: str
    name: str
    segments: str
    version: str | None
    span: Span

    def name_span(self) -> Span:
        return Span(self.span.source, self.span.start, self.span.start + len(self.name))

    def segment_spans(self) -> tuple[tuple[str, Span], ...]:
        """Each path segment with its span."""
        out, at = [], self.span.start + len(self.name) + 1
        for segment in self.segments.split("/"):
            out.append((segment, Span(self.span.source, at, at + len(segment))))
            at += len(segment) + 1
        return tuple(out)

    def version_span(self) -> Span | None:
        if self.version is None:
            return None
        return Span(self.span.source, self.span.end - len(self.version), self.span.end)


# -- functions -----------------------------------------------------------------------------


class NamedType(Record):
    """`id: type`: a parameter, or a named result."""

    id: Id
    type: TypeExpr
    span: Span


class FuncType(Record):
    """`func(params) -> results`. `results` is None with no `->` (or `->` and nothing wac
    accepts as a result), a type for `-> T`, or a tuple of `NamedType` for `-> (a: T, ...)`;
    the span runs from `func` to the end of the results."""

    params: tuple[NamedType, ...]
    results: "TypeExpr | tuple[NamedType, ...] | None"
    span: Span


FuncTypeRef = Union[FuncType, Id]  # `func(...)`, or the name of a function type


# -- value type declarations --------------------------------------------------------------


class VariantCase(Record):
    docs: Docs
    id: Id
    type: TypeExpr | None
    span: Span


class VariantDecl(Record):
    docs: Docs
    id: Id
    cases: tuple[VariantCase, ...]
    span: Span


class Field(Record):
    docs: Docs
    id: Id
    type: TypeExpr
    span: Span


class RecordDecl(Record):
    docs: Docs
    id: Id
    fields: tuple[Field, ...]
    span: Span


class Flag(Record):
    docs: Docs
    id: Id


class FlagsDecl(Record):
    docs: Docs
    id: Id
    flags: tuple[Flag, ...]
    span: Span


class EnumCase(Record):
    docs: Docs
    id: Id


class EnumDecl(Record):
    docs: Docs
    id: Id
    cases: tuple[EnumCase, ...]
    span: Span


class TypeAlias(Record):
    """`type id = T;` or `type id = func(...);` (`kind` a `FuncType`)."""

    docs: Docs
    id: Id
    kind: "FuncType | TypeExpr"
    span: Span


TypeDecl = Union[VariantDecl, RecordDecl, FlagsDecl, EnumDecl, TypeAlias]


class Constructor(Record):
    docs: Docs
    params: tuple[NamedType, ...]
    span: Span  # of the `constructor` keyword


class Method(Record):
    docs: Docs
    id: Id
    is_static: bool
    type: FuncType
    span: Span


class ResourceDecl(Record):
    """`resource id;` (no methods) or `resource id { ... }`."""

    docs: Docs
    id: Id
    methods: tuple[Constructor | Method, ...]
    span: Span


ItemTypeDecl = Union[ResourceDecl, VariantDecl, RecordDecl, FlagsDecl, EnumDecl, TypeAlias]


# -- interfaces and worlds ----------------------------------------------------------------


class UseItem(Record):
    id: Id
    as_id: Id | None


class Use(Record):
    """`use path.{a, b as c};`: `path` a `PackagePath` or the `Id` of a local interface."""

    docs: Docs
    path: "PackagePath | Id"
    items: tuple[UseItem, ...]
    span: Span


class InterfaceExport(Record):
    """`id: func(...)` or `id: f` (a function type's name) in an interface."""

    docs: Docs
    id: Id
    type: FuncTypeRef
    span: Span


InterfaceItem = Union[Use, ResourceDecl, VariantDecl, RecordDecl, FlagsDecl, EnumDecl, TypeAlias,
                      InterfaceExport]


class InterfaceDecl(Record):
    docs: Docs
    id: Id
    items: tuple[InterfaceItem, ...]
    span: Span


class InlineInterface(Record):
    """`interface { ... }` written where a type is expected."""

    items: tuple[InterfaceItem, ...]
    span: Span


ExternType = Union[Id, FuncType, InlineInterface]


class NamedWorldItem(Record):
    """`id: extern-type` after `import` or `export` in a world."""

    id: Id
    type: ExternType
    span: Span


WorldItemPath = Union[NamedWorldItem, PackagePath, Id]


class WorldImport(Record):
    docs: Docs
    path: WorldItemPath
    span: Span


class WorldExport(Record):
    docs: Docs
    path: WorldItemPath
    span: Span


class WorldIncludeItem(Record):
    """`id as as_id` in `include w with { ... }`."""

    id: Id
    as_id: Id


class WorldInclude(Record):
    docs: Docs
    world: "PackagePath | Id"
    with_items: tuple[WorldIncludeItem, ...]
    span: Span


WorldItem = Union[Use, ResourceDecl, VariantDecl, RecordDecl, FlagsDecl, EnumDecl, TypeAlias,
                  WorldImport, WorldExport, WorldInclude]


class WorldDecl(Record):
    docs: Docs
    id: Id
    items: tuple[WorldItem, ...]
    span: Span


# -- expressions ---------------------------------------------------------------------------


class Ident(Record):
    """A name as a primary expression."""

    id: Id

    @property
    def span(self) -> Span:
        return self.id.span


class InferredArg(Record):
    """`{ a }`: the argument named after the item `a`."""

    id: Id

    @property
    def span(self) -> Span:
        return self.id.span


class SpreadArg(Record):
    """`{ ...a }`: every export of instance `a` that names an import."""

    id: Id
    span: Span  # from the `...`


class NamedArg(Record):
    """`{ name: expr }` or `{ "name": expr }`."""

    name: Name
    expr: "Expr"
    span: Span


InstantiationArg = Union[InferredArg, SpreadArg, NamedArg]


class New(Record):
    """`new ns:pkg@v { args }`; `fill` when a `...` asks for the remaining imports to become
    imports of the composition (`fill_span` is where, for messages)."""

    package: PackageName
    args: tuple[InstantiationArg, ...]
    fill: bool
    fill_span: Span | None
    span: Span


class Nested(Record):
    """`( expr )`."""

    expr: "Expr"
    span: Span


PrimaryExpr = Union[New, Nested, Ident]


class Access(Record):
    """`.id`: an export of an instance."""

    id: Id
    span: Span


class NamedAccess(Record):
    """`["name"]`: an export named by a string (as `["a:b/c@1.0.0"]`)."""

    string: String
    span: Span


PostfixExpr = Union[Access, NamedAccess]


class Expr(Record):
    primary: PrimaryExpr
    postfix: tuple[PostfixExpr, ...]
    span: Span


# -- statements ----------------------------------------------------------------------------


class PackageDirective(Record):
    """`package ns:name@version (targets ns:pkg/world@version)?;`"""

    package: PackageName
    targets: PackagePath | None
    span: Span


ImportType = Union[PackagePath, FuncType, InlineInterface, Id]


class Import(Record):
    """`import id (as name)?: type;` — `name` the `as` identifier or string, if any."""

    docs: Docs
    id: Id
    name: Name | None
    type: ImportType
    span: Span


class TypeStatement(Record):
    """An interface, a world or a (non-resource) type declared at the top level."""

    decl: "InterfaceDecl | WorldDecl | TypeDecl"

    @property
    def span(self) -> Span:
        return self.decl.span

    @property
    def docs(self) -> Docs:
        return self.decl.docs


class Let(Record):
    docs: Docs
    id: Id
    expr: Expr
    span: Span


class ExportSpread(Record):
    """`export e...;`: every export of instance `e` becomes one of the composition."""

    span: Span  # of the `...`


class ExportRename(Record):
    """`export e as name;`"""

    name: Name


class Export(Record):
    """`export expr (... | as name)?;` — `options` None, an `ExportSpread` or an
    `ExportRename`."""

    docs: Docs
    expr: Expr
    options: ExportSpread | ExportRename | None
    span: Span


Statement = Union[Import, TypeStatement, Let, Export]


class Document(Record):
    source: Source
    docs: Docs  # before the package directive
    directive: PackageDirective
    statements: tuple[Statement, ...]
