"""Packages decoded from binary form (a WIT package encoded as a component, or a component's
WIT: `..decode`) joined to the packages resolved so far, as wit-parser merges decoded
packages into its `Resolve`: they are not read again as text.

Joining links the decoded items by name to what the registry holds: a `use` of another
package's interface finds that interface as resolved (whichever file gave it: a copy a
binary package carries stands in only where nothing else gives that package), and the
types a package's items refer to become the types of the names they are written with. A
text package that uses a decoded interface then gets the very types the decoded package's
items use. The result is what the package's WIT text reads to: each interface's items in
the order the text writes them (the `use`s, the types, each resource with its functions,
then the functions), each world's imports and exports put in its tables (`worlds`), and
what a feature gate leaves out dropped.

What is wrong (a name no scope has, a reference to what a feature gate leaves out) is a
`ComposerError` naming the binary file: a decoded package has no lines to point at.
"""

from __future__ import annotations

from ....errors import ComposerError
from ....model import types as T
from .. import model as wit
from .packages import DecodedPackage
from .registry import GATED_INTERFACE, Features, IfaceInfo, PkgInfo, Registry, WorldInfo
from .scope import GATED_TYPE, MAP_KEY_TYPE, MAP_KEYS, Entry, NameScope
from .worlds import WorldTables


def join(dp: DecodedPackage, registry: Registry, features: Features) -> PkgInfo:
    """The decoded package, linked to the packages `registry` holds, and registered."""
    return _Join(dp, registry, features).package()


def dependencies(package: wit.Package) -> list[str]:
    """The keys of the packages a decoded package uses, in the order its WIT text mentions
    them first (the order the reader visits a text package's paths in: each interface's
    `use`s; each world's `use`s, its imports, then its exports)."""
    here = str(package.name)
    found: dict[str, None] = {}

    def note(ref: wit.InterfaceRef) -> None:
        if ref.package is not None and str(ref.package) != here:
            found.setdefault(str(ref.package))

    def uses(items: tuple[wit.InterfaceItem, ...]) -> None:
        for item in items:
            if isinstance(item, wit.UseItem):
                note(item.source)

    for iface in package.interfaces:
        uses(iface.items)
    for world in package.worlds:
        uses(tuple(i.target for i in world.items if isinstance(i.target, wit.UseItem)))
        for item in _externs(world):
            if isinstance(item.target, wit.InterfaceRef):
                note(item.target)
            elif isinstance(item.target, wit.Interface):
                uses(item.target.items)
    return list(found)


def _externs(world: wit.World) -> list[wit.WorldItem]:
    """A world's imports and exports as its text lists them: imported interfaces, imported
    functions (not those of the world's resources, written in their blocks), then exports;
    the world's own types are not among them."""
    imports = [i for i in world.items if i.direction == "import"]
    _, claimed = wit.resource_functions(i.target for i in imports)
    interfaces = [i for i in imports if isinstance(i.target, (wit.InterfaceRef, wit.Interface))]
    functions = [i for i in imports
                 if isinstance(i.target, wit.FunctionItem) and id(i.target) not in claimed]
    return interfaces + functions + [i for i in world.items if i.direction == "export"]


def _gate(item: wit.WorldItem) -> wit.Gate | None:
    """An import's or export's gate: its own, else its target's (where the decoder puts
    what `package-docs` says of a function or an inline interface)."""
    return item.gate or getattr(item.target, "gate", None)


class _Join:
    def __init__(self, dp: DecodedPackage, registry: Registry, features: Features) -> None:
        self.dp = dp
        self.registry = registry
        self.features = features
        self.name = dp.package.name
        self.info = PkgInfo(self.name)
        self.settled: set[int] = set()  # ids of names whose chain of names ends (`_Link.fill`)

    def refuse(self, message: str) -> ComposerError:
        return ComposerError(f"{message} (in package `{self.name}`)", file=self.dp.path)

    def package(self) -> PkgInfo:
        pkg, info = self.dp.package, self.info
        for iface in pkg.interfaces:
            if self.features.leaves_out(iface.gate):
                info.excluded[iface.name or ""] = "interface"
                continue
            joined = self.interface(iface)
            info.interfaces[iface.name or ""] = joined
            self.registry.interfaces[joined.key] = joined
        for world in pkg.worlds:
            if self.features.leaves_out(world.gate):
                info.excluded[world.name] = "world"
                continue
            info.worlds[world.name] = self.world(world)
        info.model = wit.Package(self.name, tuple(i.model for i in info.interfaces.values()),
                                 tuple(w.model for w in info.worlds.values()), pkg.docs)
        self.registry.packages[str(self.name)] = info
        return info

    # -- interfaces -----------------------------------------------------------------------

    def interface(self, iface: wit.Interface) -> IfaceInfo:
        key = self.name.interface(iface.name or "")
        scope = NameScope(key, borrowing=self.registry.borrowing)
        deps: list[str] = []
        items, exports = self.members(iface.items, scope, deps)
        model = wit.Interface(iface.name, tuple(items), iface.docs, iface.gate,
                              T.InstanceType(exports))
        return IfaceInfo(key, model, scope, deps, self.name)

    def source(self, ref: wit.InterfaceRef) -> IfaceInfo:
        """The interface a reference names, resolved already (this package's own come
        before what uses them)."""
        if ref.package is None or ref.package == self.name:
            if ref.interface in self.info.excluded:
                raise self.refuse(GATED_INTERFACE)
            found = self.info.interfaces.get(ref.interface)
            where = self.name
        else:
            pkg = self.registry.packages.get(str(ref.package))
            found = pkg.interfaces.get(ref.interface) if pkg is not None else None
            where = ref.package
        if found is None:
            raise self.refuse(f"interface '{ref.interface}' not found in package '{where}'")
        return found

    def members(self, items: tuple[wit.InterfaceItem, ...], scope: NameScope,
                deps: list[str]) -> tuple[list[wit.InterfaceItem], dict[str, T.Extern]]:
        """An interface's items (or a world's types), linked in `scope`: the names `use`
        brings, the types, then the functions; returned in the order WIT text writes them,
        with what the interface exports. `deps`: the interfaces used, in order."""
        leaves_out = self.features.leaves_out
        link = _Link(self, scope, wit.structural_names(items))
        kept: list[wit.InterfaceItem] = []
        exports: dict[str, T.Extern] = {}
        uses = [i for i in items if isinstance(i, wit.UseItem)]
        for source, gate, pairs in wit.use_statements(uses):
            info = self.source(source)
            own = leaves_out(gate)
            if not own and info.key not in deps:
                deps.append(info.key)
            for orig, local in pairs:
                link.use(info, orig, local, own)
            if not own:
                kept.append(wit.UseItem(wit.InterfaceRef(
                    None if info.package == self.name else info.package, info.model.name or ""),
                    tuple(pairs), gate))
                exports.update((local, scope.entries[local].value) for _, local in pairs)
        types = [i for i in items if isinstance(i, wit.TypeItem)]
        for item in types:
            link.declare(item, leaves_out(item.gate))
        for item in types:
            if not leaves_out(item.gate):
                link.fill(item)
        members, claimed = wit.resource_functions(items)
        funcs: dict[int, tuple[str, T.FuncType]] = {}
        for item in items:
            if isinstance(item, wit.FunctionItem) and not leaves_out(item.gate):
                funcs[id(item)] = link.function(item, id(item) in claimed)
        for item in types:
            if leaves_out(item.gate):
                continue
            value = scope.entries[item.name].value
            exports[item.name] = value  # type: ignore[assignment]
            inner = value if type(value) is T.ResourceType else value.type  # type: ignore[attr-defined]
            kept.append(wit.TypeItem(item.name, inner, item.docs, item.gate,
                                     _member_docs(inner, item.member_docs)))
            if type(value) is T.ResourceType:  # (an alias of one has no block of its own)
                kept += self._functions(members.get(item.name, []), funcs, exports)
        kept += self._functions([i for i in items if isinstance(i, wit.FunctionItem)
                                 and id(i) not in claimed], funcs, exports)
        return kept, exports

    @staticmethod
    def _functions(items: list[wit.FunctionItem], funcs: dict[int, tuple[str, T.FuncType]],
                   exports: dict[str, T.Extern]) -> list[wit.InterfaceItem]:
        out: list[wit.InterfaceItem] = []
        for f in items:
            if id(f) in funcs:
                name, ft = funcs[id(f)]
                exports[name] = ft
                out.append(wit.FunctionItem(name, ft, f.docs, f.gate))
        return out

    # -- worlds ---------------------------------------------------------------------------

    def world(self, world: wit.World) -> WorldInfo:
        """A world, put in its tables as its text would put it: its own types, its imports,
        the interfaces its types come from, then its exports, each after what it needs."""
        leaves_out = self.features.leaves_out
        tables = WorldTables(self.registry, self.name, None, self.dp.path)
        scope = NameScope(None, "name `{}` does not exist", self.registry.borrowing)
        imports = [i for i in world.items if i.direction == "import"]
        own = [i.target for i in imports if isinstance(i.target, (wit.TypeItem, wit.UseItem))]
        _, claimed = wit.resource_functions(i.target for i in imports)
        own += [i.target for i in imports if id(i.target) in claimed]
        items, externs = self.members(tuple(own), scope, [])  # type: ignore[arg-type]
        tables.own_types(items, externs, {})
        link = _Link(self, scope, wit.structural_names(own))
        externs_written = [i for i in _externs(world) if not leaves_out(_gate(i))]
        exported = []
        for item in externs_written:
            if item.direction == "import":
                self.extern(tables, link, item)
            else:
                exported.append(item)
        for use in items:
            if isinstance(use, wit.UseItem):
                tables.import_deps([self.source(use.source).key], use.gate)
        for item in exported:
            self.extern(tables, link, item)
        tables.elaborate_exports()
        return tables.finish(world.name, world.docs, world.gate)

    def extern(self, tables: WorldTables, link: "_Link", item: wit.WorldItem) -> None:
        """One import or export of a world, as its text writes it."""
        target, d, gate = item.target, item.direction, _gate(item)
        docs = item.docs or getattr(target, "docs", None)
        if isinstance(target, wit.InterfaceRef):
            info = self.source(target)
            own_name = item.name == (target.package or self.name).interface(target.interface)
            tables.named_interface(d, info, None if own_name else item.name, docs, gate, None)
        elif isinstance(target, wit.Interface):
            scope = NameScope(item.name, borrowing=self.registry.borrowing)
            deps: list[str] = []
            items, exports = self.members(target.items, scope, deps)
            tables.inline_interface(d, item.name, items, exports, deps, docs, gate, None)
        elif isinstance(target, wit.FunctionItem):
            name, ft = link.function(target, False)
            tables.function(d, name, ft, docs, gate, None)
        else:
            raise self.refuse(f"world {d} `{item.name}` is a type: WIT has no such {d}")


def _member_docs(t: object, docs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The docs of a record's fields, a variant's or enum's cases, the flags: in their
    order, as text gives them."""
    if not docs:
        return ()
    given = dict(docs)
    if isinstance(t, T.RecordType):
        names = [n for n, _ in t.fields]
    elif isinstance(t, T.VariantType):
        names = [n for n, _ in t.cases]
    elif isinstance(t, (T.EnumType, T.FlagsType)):
        names = list(t.names)
    else:
        names = []
    return tuple((n, given[n]) for n in names if n in given)


class _Link:
    """Decoded types made the types of a scope: a type is referred to by the name it has
    where it is used (as the WIT text names it), and that name stands for what the scope
    holds under it. `names`: the structures declared here by name (`wit.structural_names`)."""

    def __init__(self, join: _Join, scope: NameScope, names: dict[int, str]) -> None:
        self.join = join
        self.scope = scope
        self.names = names
        self.borrows = False  # whether what was linked since it was last cleared holds a borrow

    def define(self, name: str, entry: Entry) -> None:
        # (a component's names are unique already: no clash to look for)
        self.scope.entries[name] = entry

    def use(self, info: IfaceInfo, orig: str, local: str, left_out: bool) -> None:
        """`use iface.{orig as local}`; `left_out`: the `use` is gated out."""
        entry = info.scope.entries.get(orig)
        if entry is None:
            raise self.join.refuse(f"type `{orig}` not defined in interface `{info.key}`")
        if entry.kind == "func":
            raise self.join.refuse(f"cannot import function `{orig}`")
        if entry.excluded and not left_out:
            raise self.join.refuse(GATED_TYPE)
        value = T.NamedType(local, entry.value, self.scope.owner)  # type: ignore[arg-type]
        if id(entry.value) in self.scope.borrowing:
            self.scope.borrowing.add(id(value))
        self.define(local, Entry("used", value, None, left_out, None))  # type: ignore[arg-type]

    def declare(self, item: wit.TypeItem, left_out: bool) -> None:
        """A type's name: a resource declared here, or a name filled later (another name
        for a resource at once: what refers to it looks through it)."""
        t, owner = item.type, self.scope.owner
        if isinstance(t, T.ResourceType) and t.name in (None, item.name):
            entry = Entry("resource", T.ResourceType(item.name, owner), None, left_out, None)  # type: ignore[arg-type]
        elif isinstance(t, T.ResourceType):  # `type t = r`
            target = self.lookup(t.name or "?", left_out)
            entry = Entry("decoded", T.NamedType(item.name, target.value, owner), None,  # type: ignore[arg-type]
                          left_out, None)  # type: ignore[arg-type]
        else:
            entry = Entry("decoded", T.NamedType(item.name, None, owner), None, left_out, None)  # type: ignore[arg-type]
        self.define(item.name, entry)

    def fill(self, item: wit.TypeItem) -> None:
        """What a declared name stands for, as `type name = ..` (or the record, variant,
        enum or flags) writes it."""
        entry = self.scope.entries[item.name]
        value, t = entry.value, item.type
        if entry.kind == "resource" or isinstance(t, T.ResourceType):
            return
        self.borrows = False
        if isinstance(t, T.RecordType):
            inner: object = T.RecordType(tuple((n, self.value(v)) for n, v in t.fields))
        elif isinstance(t, T.VariantType):
            inner = T.VariantType(tuple((n, None if v is None else self.value(v))
                                        for n, v in t.cases))
        elif isinstance(t, T.EnumType):
            inner = T.EnumType(tuple(t.names))
        elif isinstance(t, T.FlagsType):
            inner = T.FlagsType(tuple(t.names))
        elif isinstance(t, T.OwnType):  # `type t = own<r>`
            inner = T.OwnType(self.handle(t.resource))  # type: ignore[arg-type]
        elif isinstance(t, T.NamedType):  # `type t = u`: the type `u` names itself
            inner = self.lookup(t.name).value
        else:
            inner = self.value(t, top=True)  # type: ignore[arg-type]
        value.type = inner  # type: ignore[attr-defined]
        self._ends(value, item.name)  # type: ignore[arg-type]
        if self.borrows or id(inner) in self.scope.borrowing:
            self.scope.borrowing.add(id(value))

    def _ends(self, named: T.NamedType, name: str) -> None:
        """Refuse a name that stands for itself, through names (`type r = r`: a component
        can say it, WIT cannot). Each name is walked through once: those whose chain is
        known to end are noted."""
        settled, seen = self.join.settled, []
        t = named.type
        while isinstance(t, T.NamedType) and id(t) not in settled:
            if t is named:
                raise self.join.refuse(f"type `{name}` depends on itself")
            seen.append(id(t))
            t = t.type
        if t is not None:  # (a name not filled yet may lead back here once it is)
            settled.update(seen)
            settled.add(id(named))

    def function(self, f: wit.FunctionItem, of_resource: bool) -> tuple[str, T.FuncType]:
        """A function's name and type; one of a resource (`[method]r.m`) with the
        resource's own handle for `self`, and for what its constructor returns unless that
        is written out (`-> result<r, e>`)."""
        ft = f.type
        if not of_resource:
            return wit.plain_name(f.name), self.signature(ft.params, ft)
        kind, resource, member = wit.RESOURCE_FUNC.match(f.name).groups()  # type: ignore[union-attr]
        res = self.lookup(resource).value
        if kind == "constructor":
            own = T.OwnType(res) if isinstance(ft.result, T.OwnType) else None  # type: ignore[arg-type]
            return f"[constructor]{resource}", self.signature(ft.params, ft, result=own)
        name = f"[{kind}]{resource}.{member}"
        if kind == "method":
            return name, self.signature(ft.params[1:], ft, ("self", T.BorrowType(res)))  # type: ignore[arg-type]
        return name, self.signature(ft.params, ft)

    def signature(self, params: tuple[tuple[str, T.ValType], ...], ft: T.FuncType,
                  first: tuple[str, T.ValType] | None = None,
                  result: T.ValType | None = None) -> T.FuncType:
        linked = [first] if first is not None else []
        linked += [(n, self.value(t)) for n, t in params]
        self.borrows = False
        if result is None and ft.result is not None:
            result = self.value(ft.result)
        if self.borrows:
            raise self.join.refuse("a function returns a type which contains a `borrow<T>` "
                                   "which is not supported")
        return T.FuncType(tuple(linked), result, ft.is_async)

    # -- references ----------------------------------------------------------------------

    def lookup(self, name: str, left_out: bool = False) -> Entry:
        entry = self.scope.entries.get(name)
        if entry is None:
            raise self.join.refuse(self.scope.not_found.format(name))
        if entry.kind == "func":
            raise self.join.refuse(f"cannot use function `{name}` as a type")
        if entry.excluded and not left_out:
            raise self.join.refuse(GATED_TYPE)
        return entry

    def reference(self, name: str) -> T.ValType:
        """What a name stands for where a value is expected (a resource: its `own` handle)."""
        entry = self.lookup(name)
        if id(entry.value) in self.scope.borrowing:
            self.borrows = True
        if self.scope.is_resource(entry):
            return T.OwnType(entry.value)  # type: ignore[arg-type]
        return entry.value  # type: ignore[return-value]

    def handle(self, resource: object) -> object:
        """The resource a handle (`own<r>`, `borrow<r>`) names."""
        name = getattr(resource, "name", None) or "?"
        entry = self.lookup(name)
        if not self.scope.is_resource(entry):
            raise self.join.refuse(f"type `{name}` used in a handle must be a resource")
        return entry.value

    def value(self, t: T.ValType, top: bool = False) -> T.ValType:
        """The scope's type for a decoded one: a name by the name, a structure declared
        here by its name (unless `top`: the declaration itself), the rest part by part."""
        cls = type(t)
        if cls is T.PrimType:
            return T.PRIMS[t.name]  # type: ignore[union-attr]
        if not top and id(t) in self.names:
            return self.reference(self.names[id(t)])
        if cls is T.NamedType or cls is T.ResourceType:
            return self.reference(t.name or "?")  # type: ignore[union-attr]
        if cls is T.OwnType:
            return self.reference(getattr(t.resource, "name", None) or "?")  # type: ignore[union-attr]
        if cls is T.BorrowType:
            self.borrows = True
            return T.BorrowType(self.handle(t.resource))  # type: ignore[union-attr,arg-type]
        if cls is T.ListType:
            return T.ListType(self.value(t.element), t.length)  # type: ignore[union-attr]
        if cls is T.OptionType:
            return T.OptionType(self.value(t.type))  # type: ignore[union-attr]
        if cls is T.ResultType:
            ok, err = t.ok, t.err  # type: ignore[union-attr]
            return T.ResultType(None if ok is None else self.value(ok),
                                None if err is None else self.value(err))
        if cls is T.TupleType:
            if not t.types:  # type: ignore[union-attr]
                raise self.join.refuse("empty tuple")
            return T.TupleType(tuple([self.value(x) for x in t.types]))  # type: ignore[union-attr]
        if cls is T.MapType:
            if not (type(t.key) is T.PrimType and t.key.name in MAP_KEYS):  # type: ignore[union-attr]
                raise self.join.refuse(MAP_KEY_TYPE)
            return T.MapType(self.value(t.key), self.value(t.value))  # type: ignore[union-attr]
        if cls is T.FutureType or cls is T.StreamType:
            element = t.element  # type: ignore[union-attr]
            return cls(None if element is None else self.value(element))  # type: ignore[call-arg,return-value]
        raise self.join.refuse(f"a {cls.__name__} has no name to be referred to by in WIT")
