"""A WAC document's type declarations in the project's type model: interfaces (instance
types), worlds (component types), function types, records, variants, flags, enums, aliases,
resources and `use`s, with the errors wac gives, each at its place in the document.

What a name stands for is an `Item`: its sort (`type`, `func`, `instance`, `component`,
`module`, `value`) and its type; an item that is part of the composition (an import, an
instance, an export of one, a type the document defines) also has the `CompositionPart` it
is (its `node`). Names live in scopes (`DeclaredNames`): the document's, and one per interface
or world being declared.
"""

from __future__ import annotations

from typing import Any

from ...binary.reader import MAX_NAME
from ...model import types
from ...model.limits import MAX_TYPE_DEPTH, MAX_TYPE_SIZE
from ...model.names import one_name_reason, strongly_unique_key
from ...diagnostics import TextError
from . import tree as ast


class CompositionPart:
    """A part of the composition: an import (`name` is the imported name), an instance
    (`instance` its name in the plan), an export of an instance or an import (an alias:
    `source` and `name`), or a type the document defines (`name`)."""

    __slots__ = ("kind", "name", "instance", "source", "span")

    def __init__(self, kind: str, name: str | None = None, instance: str | None = None,
                 source: "CompositionPart | None" = None, span: ast.Span | None = None) -> None:
        self.kind = kind  # "import", "instance", "alias", "definition"
        self.name = name
        self.instance = instance
        self.source = source
        self.span = span


class Item:
    """What a name denotes. `sort` is `type` for a type (then `type` is a ResourceType, a
    value type, a FuncType, an InstanceType for an interface or a ComponentType for a
    world, and `tsort` says which), else the sort of the extern (`func`, `instance`,
    `component`, ...) with its type. `id` is the interface's or world's name as an extern
    name (`ns:pkg/iface@1.0.0`), when it has one."""

    __slots__ = ("sort", "type", "tsort", "node", "id")

    def __init__(self, sort: str, type: object, tsort: str | None = None,
                 node: CompositionPart | None = None, id: str | None = None) -> None:
        self.sort = sort
        self.type = type
        self.tsort = tsort  # for types: resource, value, func, interface, world
        self.node = node
        self.id = id

    def describe(self) -> str:
        """As wac names kinds in messages: `function type`, `interface`, `u32`, `record`..."""
        if self.sort != "type":
            return {"func": "function", "instance": "instance", "component": "component",
                    "module": "module", "value": "value"}.get(self.sort, self.sort)
        if self.tsort == "value":
            return value_kind(self.type)
        return {"func": "function type", "interface": "interface", "world": "world",
                "resource": "resource"}.get(self.tsort or "", "type")

    def with_article(self) -> str:
        """`describe()` after `a` or `an`: `an instance`, `a function`, `a u32`."""
        kind = self.describe()
        return ("an " if kind[:1] in "aeio" else "a ") + kind

    def promoted(self) -> "Item":
        """What importing this item imports: an interface becomes an instance, a world a
        component, a function type a function."""
        if self.sort == "type" and self.tsort in ("interface", "world", "func"):
            sort = {"interface": "instance", "world": "component", "func": "func"}[self.tsort]
            return Item(sort, self.type, None, self.node, self.id)
        return self


def value_kind(t: object) -> str:
    """The kind of a value type, as wac's messages name it."""
    if isinstance(t, types.NamedType):
        return value_kind(t.type)
    if isinstance(t, types.PrimType):
        return t.name
    return {types.RecordType: "record", types.VariantType: "variant", types.FlagsType: "flags",
            types.EnumType: "enum", types.TupleType: "tuple", types.ListType: "list",
            types.OptionType: "option", types.ResultType: "result", types.BorrowType: "borrow",
            types.OwnType: "own", types.StreamType: "stream", types.FutureType: "future",
            types.MapType: "map"}.get(type(t), "type")


class DeclaredNames:
    """The names declared in one scope (the document, or an interface or world being
    declared): what each denotes, and where it was declared."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[Item, ast.Span]] = {}


class NameTable(dict):
    """One list of names of the output (an interface's exports, a world's imports or
    exports, a record's fields, a function's parameters, the document's imports or exports),
    with the rules the component model has for them, checked where each name is written:
    at most MAX_NAME bytes (what wasmparser reads), and unique as the component model
    compares names (`strongly_unique_key`: `a` and `A` are one name, and so are `r` and
    `[method]r.r`). Exactly equal names are each caller's to refuse, with wac's words."""

    def __init__(self, problems: list[TextError]) -> None:
        super().__init__()
        self.places: dict[str, tuple[str, ast.Span | None]] = {}
        self.problems = problems  # where a broken rule goes (see TypeDeclarations.later)

    def claim(self, name: str, span: ast.Span | None) -> None:
        if len(name) > MAX_NAME // 4 and len(name.encode()) > MAX_NAME and span is not None:
            self.problems.append(err(f"this name is {len(name.encode()):,} bytes long; a "
                                     f"component's names are at most {MAX_NAME:,} bytes", span))
        key = strongly_unique_key(name)
        prev = self.places.get(key)
        if prev is None:
            self.places[key] = (name, span)
            return
        if prev[0] == name or span is None:
            return
        where = f" (line {line_of(prev[1])})" if prev[1] is not None else ""
        self.problems.append(err(f"`{name}` conflicts with `{prev[0]}`{where}: "
                                 f"{one_name_reason(name, prev[0])}", span))


def err(message: str, span: ast.Span) -> TextError:
    return TextError.at(message, span)


def line_of(span: ast.Span | None) -> int:
    """The line a span starts on, for messages that point back at an earlier place."""
    return span.source.line_col(span.start)[0] if span is not None else 0


class TypeDeclarations:
    """The type half of the resolver: scopes, and declarations into the type model."""

    doc: ast.Document

    def __init__(self) -> None:
        self.scopes: list[DeclaredNames] = [DeclaredNames()]
        # the interfaces each interface declared here `use`s (by the id of its instance
        # type): a world importing or exporting it imports those too, as in WIT
        self.uses: dict[int, list[tuple[str, object]]] = {}
        self._using: list[list[tuple[str, object]]] = []
        # How many levels of the output surround a type declared here: one for the import or
        # export of a statement's item, one for each interface, world, function type and
        # record or variant around it. wasmparser refuses types nested deeper than 100
        # levels (MAX_TYPE_DEPTH, counted as elaborate.py counts them), so a declaration
        # that would be is refused where it is written.
        self._levels = 1
        self._nesting: tuple[dict[int, tuple[int, int]], list] = ({}, [])
        # Rules of the component model (and limits of wasmparser) that wac does not check
        # itself are checked as the document is resolved, and the first one broken is
        # reported once the whole document is resolved: an error wac reports comes first,
        # wherever it is.
        self.problems: list[TextError] = []

    def names(self) -> NameTable:
        """A new list of names of the output."""
        return NameTable(self.problems)

    def raise_problems(self) -> None:
        if self.problems:
            raise self.problems[0]

    # -- scopes ------------------------------------------------------------------------------

    @property
    def root(self) -> DeclaredNames:
        return self.scopes[0]

    @property
    def current(self) -> DeclaredNames:
        return self.scopes[-1]

    def register(self, id: ast.Id, item: Item) -> None:
        prev = self.current.names.get(id.name)
        if prev is not None:
            line = line_of(prev[1])
            raise err(f"`{id.name}` is already defined (first at line {line})", id.span)
        self.current.names[id.name] = (item, id.span)

    def local(self, id: ast.Id) -> Item:
        """A name in the current scope only (as wac looks names up inside an interface or
        world: a document's names are not visible there, except through `use`)."""
        found = self.current.names.get(id.name)
        if found is None:
            raise err(f"undefined name `{id.name}`", id.span)
        return found[0]

    def root_item(self, id: ast.Id) -> Item:
        found = self.root.names.get(id.name)
        if found is None:
            raise err(f"undefined name `{id.name}`", id.span)
        return found[0]

    def local_or_root(self, id: ast.Id) -> Item:
        found = self.current.names.get(id.name)
        return found[0] if found is not None else self.root_item(id)

    def interface_id(self, name: str) -> str:
        pkg = self.doc.directive.package
        return f"{pkg.name}/{name}" + (f"@{pkg.version}" if pkg.version else "")

    # to be provided by the resolver: a package path's item
    def package_path(self, path: ast.PackagePath) -> Item:
        raise NotImplementedError

    # -- value types ---------------------------------------------------------------------------

    def check_nesting(self, t: object, span: ast.Span, levels: int = 0) -> None:
        """Refuse `t`, written at `span`, when the output would nest it deeper than
        wasmparser allows (`levels` more levels than those around it now)."""
        depth, size = types.nesting(t, *self._nesting)
        depth += self._levels + levels
        if depth > MAX_TYPE_DEPTH:
            self.problems.append(err(
                f"type nesting is too deep: the composed component would nest this type "
                f"{depth} levels deep, and wasm-tools allows {MAX_TYPE_DEPTH}", span))
        elif size >= MAX_TYPE_SIZE:
            self.problems.append(err(
                f"this type is too large: {size:,} types when fully expanded, and wasm-tools "
                f"allows {MAX_TYPE_SIZE:,}", span))

    def nested(self, levels: int) -> "_Nested":
        """A context in which the types declared are `levels` levels deeper."""
        return _Nested(self, levels)

    def value_type(self, t: ast.TypeExpr) -> object:
        vt = self._value_type(t)
        self.check_nesting(vt, ast.type_span(t))
        return vt

    def _value_type(self, t: ast.TypeExpr) -> object:
        if isinstance(t, ast.TPrim):
            return types.PRIMS[t.name]
        if isinstance(t, ast.TList):
            return types.ListType(self.value_type(t.element), t.length)
        if isinstance(t, ast.TOption):
            return types.OptionType(self.value_type(t.type))
        if isinstance(t, ast.TResult):
            return types.ResultType(None if t.ok is None else self.value_type(t.ok),
                                None if t.err is None else self.value_type(t.err))
        if isinstance(t, ast.TTuple):
            return types.TupleType(tuple(self.value_type(x) for x in t.types))
        if isinstance(t, ast.THandle):
            item = self.local(t.id)
            if item.sort == "type" and item.tsort == "resource":
                return types.BorrowType(item.type) if t.borrow else types.OwnType(item.type)
            raise err(f"`{t.id.name}` ({item.describe()}) is not a resource type", t.id.span)
        if isinstance(t, ast.TName):
            item = self.local(t.id)
            if item.sort == "type" and item.tsort == "resource":
                return types.OwnType(item.type)
            if item.sort == "type" and item.tsort == "value":
                return item.type
            raise err(f"`{t.id.name}` ({item.describe()}) cannot be used as a value type",
                      t.id.span)
        raise err("this type is not one WAC has", ast.type_span(t))

    def func_type(self, f: ast.FuncType, kind: str = "function",
                  resource: types.ResourceType | None = None) -> types.FuncType:
        params: list[tuple[str, object]] = []
        if kind == "method":
            params.append(("self", types.BorrowType(resource)))
        seen = self.names()
        for n, _ in params:
            seen.claim(n, None)
            seen[n] = None
        result: object = None
        with self.nested(1):  # the function type is a level
            for p in f.params:
                if p.id.name in seen:
                    raise err(f"duplicate {kind} parameter `{p.id.name}`", p.id.span)
                seen.claim(p.id.name, p.id.span)
                seen[p.id.name] = None
                params.append((p.id.name, self.value_type(p.type)))
            if kind == "constructor":
                result = types.OwnType(resource)
            elif isinstance(f.results, tuple):
                if f.results:
                    raise err("named results are not in the component model any more: "
                              "return one type (a tuple or a record)", f.results[0].span)
            elif f.results is not None:
                result = self.value_type(f.results)
                if _has_borrow(result):
                    raise err("function result cannot recursively contain a borrow type",
                              ast.type_span(f.results))
        return types.FuncType(tuple(params), result)  # type: ignore[arg-type]

    def func_type_ref(self, r: ast.FuncTypeRef) -> types.FuncType:
        if isinstance(r, ast.FuncType):
            return self.func_type(r)
        item = self.local(r)  # inside an interface: only its own types are in scope
        if item.sort == "type" and item.tsort == "func":
            return item.type  # type: ignore[return-value]
        raise err(f"`{r.name}` ({item.describe()}) is not a function type", r.span)

    # -- declarations ----------------------------------------------------------------------------

    def type_decl(self, decl: object, owner: str | None, register: bool) -> Item:
        """A variant, record, flags, enum or alias declaration, as an item."""
        name = getattr(decl, "id").name
        if isinstance(decl, ast.VariantDecl):
            with self.nested(1):
                cases = self._members(decl.cases, f"case `{{}}` for variant type `{name}`",
                                      lambda c: None if c.type is None else self.value_type(c.type))
            item = self._named(name, types.VariantType(cases), owner)  # type: ignore[arg-type]
        elif isinstance(decl, ast.RecordDecl):
            with self.nested(1):
                fields = self._members(decl.fields, f"field `{{}}` for record type `{name}`",
                                       lambda f: self.value_type(f.type))
            item = self._named(name, types.RecordType(fields), owner)  # type: ignore[arg-type]
        elif isinstance(decl, ast.FlagsDecl):
            flags = self._members(decl.flags, f"flag `{{}}` for flags type `{name}`", lambda f: None)
            item = self._named(name, types.FlagsType(tuple(n for n, _ in flags)), owner)
        elif isinstance(decl, ast.EnumDecl):
            cases = self._members(decl.cases, f"case `{{}}` for enum type `{name}`", lambda c: None)
            item = self._named(name, types.EnumType(tuple(n for n, _ in cases)), owner)
        else:
            assert isinstance(decl, ast.TypeAlias)
            item = self._alias(decl, owner)
        if isinstance(decl, (ast.VariantDecl, ast.RecordDecl)):  # its size: its members' sum
            self.check_nesting(item.type, decl.id.span)
        if register:
            self.register(decl.id, item)  # type: ignore[attr-defined]
        return item

    def _members(self, members: tuple, what: str, typed: Any) -> tuple[tuple[str, Any], ...]:
        """(name, typed(member)) for each member of a declaration; a name twice is an error
        at its second place (`what` says what a member is)."""
        out = self.names()
        for m in members:
            if m.id.name in out:
                raise err(f"duplicate {what.format(m.id.name)}", m.id.span)
            out.claim(m.id.name, m.id.span)
            out[m.id.name] = typed(m)
        return tuple(out.items())

    @staticmethod
    def _named(name: str, t: object, owner: str | None) -> Item:
        return Item("type", types.NamedType(name, t, owner), "value")  # type: ignore[arg-type]

    def _alias(self, decl: ast.TypeAlias, owner: str | None) -> Item:
        kind = decl.kind
        if isinstance(kind, ast.FuncType):
            return Item("type", self.func_type(kind), "func")
        if isinstance(kind, ast.TName):
            item = self.local(kind.id)
            if item.sort == "type" and item.tsort == "resource":
                # another name for the same resource, as the WIT reader models one
                alias = types.NamedType(decl.id.name, item.type, owner)  # type: ignore[arg-type]
                return Item("type", alias, "resource")
            if item.sort == "type" and item.tsort == "value":
                return self._named(decl.id.name, item.type, owner)
            if (item.sort == "type" and item.tsort == "func") or item.sort == "func":
                return Item("type", item.type, "func")
            raise err(f"`{kind.id.name}` ({item.describe()}) cannot be used in a type alias",
                      kind.id.span)
        return self._named(decl.id.name, self.value_type(kind), owner)

    def resource_decl(self, decl: ast.ResourceDecl, externs: dict[str, object],
                      owner: str | None) -> None:
        res = types.ResourceType(decl.id.name, owner)
        self.register(decl.id, Item("type", res, "resource"))
        _claim(externs, decl.id.name, decl.id.span)
        externs[decl.id.name] = res
        names: set[str] = set()
        for m in decl.methods:
            if isinstance(m, ast.Constructor):
                if "" in names:
                    raise err(f"duplicate constructor for resource `{decl.id.name}`", m.span)
                names.add("")
                ft = self.func_type(ast.FuncType(m.params, None, m.span), "constructor", res)
                _claim(externs, f"[constructor]{decl.id.name}", m.span)
                externs[f"[constructor]{decl.id.name}"] = ft
                continue
            if m.id.name in names:
                raise err(f"duplicate method `{m.id.name}` for resource `{decl.id.name}`",
                          m.id.span)
            names.add(m.id.name)
            kind = "static" if m.is_static else "method"
            _claim(externs, f"[{kind}]{decl.id.name}.{m.id.name}", m.id.span)
            externs[f"[{kind}]{decl.id.name}.{m.id.name}"] = self.func_type(m.type, kind, res)

    def item_type_decl(self, decl: object, externs: dict[str, object], owner: str | None) -> None:
        if isinstance(decl, ast.ResourceDecl):
            self.resource_decl(decl, externs, owner)
            return
        item = self.type_decl(decl, owner, register=True)
        _claim(externs, decl.id.name, decl.id.span)  # type: ignore[attr-defined]
        externs[decl.id.name] = item.type  # type: ignore[attr-defined]

    def use(self, u: ast.Use, externs: dict[str, object], in_world: bool) -> None:
        if isinstance(u.path, ast.PackagePath):
            source = self.package_path(u.path)
            name, span = u.path.string, u.path.span
        else:
            source = self.root_item(u.path)
            name, span = u.path.name, u.path.span
        if not (source.sort == "type" and source.tsort == "interface"):
            raise err(f"`{name}` ({source.describe()}) is not an interface", span)
        exports = source.type.exports  # type: ignore[attr-defined]
        for it in u.items:
            local = it.as_id or it.id
            t = exports.get(it.id.name)
            if t is None:
                raise err(f"a type named `{it.id.name}` is not defined in interface `{name}`",
                          it.id.span)
            if isinstance(t, types.ResourceType):
                item = Item("type", t, "resource")
            elif isinstance(t, types.NamedType):
                item = Item("type", t, "value")
            else:
                kind = "function" if isinstance(t, types.FuncType) else "instance"
                raise err(f"`{it.id.name}` ({kind}) is not a value type in interface `{name}`",
                          it.id.span)
            if not in_world and self._using and source.id is not None:
                if all(iid != source.id for iid, _ in self._using[-1]):
                    self._using[-1].append((source.id, source.type))
            if local.name in externs:
                what = "import" if in_world else "export"
                raise err(f"use of type `{local.name}` conflicts with an {what} of the same name",
                          local.span)
            self.check_nesting(t, it.id.span)  # deeper here than where it was declared
            _claim(externs, local.name, local.span)
            externs[local.name] = t
            self.register(local, item)

    def interface_items(self, items: tuple, iface: str | None, owner: str | None) -> dict[str, object]:
        externs = self.names()
        for it in items:
            if isinstance(it, ast.Use):
                self.use(it, externs, in_world=False)
            elif isinstance(it, ast.InterfaceExport):
                ft = self.func_type_ref(it.type)
                if it.id.name in externs:
                    where = f" for interface `{iface}`" if iface else ""
                    raise err(f"duplicate interface export `{it.id.name}`{where}", it.id.span)
                externs.claim(it.id.name, it.id.span)
                externs[it.id.name] = ft
            else:
                self.item_type_decl(it, externs, owner)
        return externs

    def interface_decl(self, decl: ast.InterfaceDecl) -> Item:
        iid = self.interface_id(decl.id.name)
        itype = self._interface(decl.items, decl.id.name, iid)
        return Item("type", itype, "interface", id=iid)

    def inline_interface(self, iface: ast.InlineInterface) -> Item:
        return Item("instance", self._interface(iface.items, None, None))

    def _interface(self, items: tuple, name: str | None, iid: str | None) -> types.InstanceType:
        self.scopes.append(DeclaredNames())
        self._using.append([])
        try:
            with self.nested(1):
                exports = self.interface_items(items, name, iid)
        finally:
            self.scopes.pop()
            used = self._using.pop()
        itype = types.InstanceType(dict(exports))
        self.uses[id(itype)] = used
        return itype

    def _with_uses(self, itype: object, imports: dict[str, object]) -> None:
        """The interfaces `itype` uses, and those they use, imported first (as WIT does)."""
        for iid, used in self.uses.get(id(itype), ()):
            if iid not in imports:
                self._with_uses(used, imports)
                imports[iid] = used

    # -- worlds ----------------------------------------------------------------------------------

    def world_decl(self, decl: ast.WorldDecl) -> Item:
        wid = self.interface_id(decl.id.name)
        imports, exports = self.names(), self.names()
        self._world_imports = imports
        self.scopes.append(DeclaredNames())
        self._levels += 1  # the world is a level
        try:
            includes = []
            for it in decl.items:
                if isinstance(it, ast.Use):
                    self.use(it, imports, in_world=True)
                elif isinstance(it, ast.WorldImport):
                    self._world_item(it.path, imports, "import", decl.id.name)
                elif isinstance(it, ast.WorldExport):
                    self._world_item(it.path, exports, "export", decl.id.name)
                elif isinstance(it, ast.WorldInclude):
                    includes.append(it)
                else:
                    self.item_type_decl(it, imports, wid)
            for inc in includes:
                self._include(inc, imports, exports, decl.id.name)
        finally:
            self.scopes.pop()
            self._levels -= 1
        world = types.ComponentType(dict(imports), dict(exports))  # type: ignore[arg-type]
        # what the world holds of packages' and other interfaces was checked where they
        # were declared, not in the world: the world as a whole
        self.check_nesting(world, decl.id.span)
        return Item("type", world, "world", id=wid)

    def _world_item(self, path: object, table: dict[str, object], kind: str, world: str) -> None:
        if isinstance(path, ast.NamedWorldItem):
            name, span = path.id.name, path.id.span
            self._check_world_name(name, span, table, kind, world)
            t = path.type
            if isinstance(t, ast.FuncType):
                table[name] = self.func_type(t)
            elif isinstance(t, ast.InlineInterface):
                table[name] = self.inline_interface(t).type
            else:
                item = self.local_or_root(t)
                if item.sort == "type" and item.tsort in ("interface", "func"):
                    table[name] = item.type
                else:
                    raise err(f"`{t.name}` ({item.describe()}) is not a function type or "
                              "interface", t.span)
            return
        if isinstance(path, ast.PackagePath):
            item, label, span = self.package_path(path), path.string, path.span
        else:
            item, label, span = self.root_item(path), path.name, path.span
        if not (item.sort == "type" and item.tsort == "interface"):
            raise err(f"`{label}` ({item.describe()}) is not an interface", span)
        assert item.id is not None
        self._check_world_name(item.id, span, table, kind, world)
        self.check_nesting(item.type, span)  # in a world, one level deeper than declared
        self._with_uses(item.type, self._world_imports)
        table[item.id] = item.type

    @staticmethod
    def _check_world_name(name: str, span: ast.Span, table: dict, kind: str, world: str) -> None:
        if name in table:
            raise err(f"{kind} `{name}` conflicts with existing {kind} of the same name in "
                      f"world `{world}`", span)
        _claim(table, name, span)

    def _include(self, inc: ast.WorldInclude, imports: dict[str, object],
                 exports: dict[str, object], world: str) -> None:
        renames: dict[str, ast.WorldIncludeItem] = {}
        for w in inc.with_items:
            if w.id.name in renames:
                raise err(f"duplicate `{w.id.name}` in world include `with` clause", w.id.span)
            renames[w.id.name] = w
        if isinstance(inc.world, ast.PackagePath):
            item, label, span = self.package_path(inc.world), inc.world.string, inc.world.span
        else:
            item, label, span = self.root_item(inc.world), inc.world.name, inc.world.span
        if not ((item.sort == "type" and item.tsort == "world") or item.sort == "component"):
            raise err(f"`{label}` ({item.describe()}) is not a world", span)
        other = item.type
        for kind, theirs, ours in (("import", other.imports, imports),  # type: ignore[attr-defined]
                                   ("export", other.exports, exports)):  # type: ignore[attr-defined]
            for name, ext in theirs.items():
                new_name, at = name, span
                if ":" not in name and name in renames:
                    w = renames.pop(name)
                    new_name, at = w.as_id.name, w.as_id.span
                if ":" not in name and new_name in ours:
                    raise err(f"{kind} `{new_name}` from world `{label}` conflicts with {kind} "
                              f"of the same name in world `{world}`", at)
                _claim(ours, new_name, at)
                ours.setdefault(new_name, ext)
        if renames:
            missing = next(iter(renames.values()))
            raise err(f"world `{label}` does not have an import or export named "
                      f"`{missing.id.name}`", missing.id.span)


class _Nested:
    """`with resolver.nested(n):` — declarations inside are `n` levels deeper."""

    __slots__ = ("owner", "levels")

    def __init__(self, owner: TypeDeclarations, levels: int) -> None:
        self.owner, self.levels = owner, levels

    def __enter__(self) -> None:
        self.owner._levels += self.levels

    def __exit__(self, *exc: object) -> None:
        self.owner._levels -= self.levels


def _claim(table: dict, name: str, span: ast.Span | None) -> None:
    """`name` into a list of names the output will have (a NameTable's rules), when the
    list is one (the externs of a package's types are not)."""
    if isinstance(table, NameTable):
        table.claim(name, span)


def _has_borrow(t: object) -> bool:
    return any(isinstance(x, types.BorrowType) for x in types.walk(t))
