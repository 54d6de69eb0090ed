"""One package written in WIT text: its names, each file's top-level `use`s, the order of
its interfaces and worlds, its feature gates, and its interfaces resolved (its worlds are
`worlddefs`' part, on the names resolved here).

Every rule broken is a `TextError` at the place wit-parser reports it.
"""

from __future__ import annotations

from typing import Iterator

from ....model import types as T
from ....model.names import Version
from .. import model as wit
from ....diagnostics import TextError
from . import tree as ast
from .packages import AnyPackage, PackageSource, Unit, model_name
from .registry import (
    GATED_INTERFACE, GATED_WORLD, Features, IfaceInfo, PkgInfo, Registry, WorldInfo, model_gate,
)
from .scope import GATED_TYPE, Entry, NameScope
from .toposort import toposort


def _lookup_package(ref: ast.PackageRef, by_key: dict[str, AnyPackage]) -> AnyPackage | None:
    """The package a reference names: by name and version, as wit-parser finds it (a
    reference without a version does not find a package that has one)."""
    return by_key.get(ref.key())


def find_package(ref: ast.PackageRef, by_key: dict[str, AnyPackage]) -> AnyPackage:
    found = _lookup_package(ref, by_key)
    if found is None:
        known = ", ".join(sorted(by_key))
        raise TextError.at(f"package '{ref.key()}' not found (known packages: {known})", ref.span)
    return found


def _item_refs(item: object) -> Iterator[tuple[ast.UsePath, str]]:
    """The paths an interface or world refers to, with what each must name."""
    if isinstance(item, ast.InterfaceDef):
        yield from ((m.path, "interface") for m in item.members if isinstance(m, ast.Use))
    elif isinstance(item, ast.WorldDef):
        for m in item.members:
            if isinstance(m, ast.Include):
                yield m.path, "world"
            elif isinstance(m, ast.Use):
                yield m.path, "interface"
            elif isinstance(m, ast.Extern):
                if m.path is not None:
                    yield m.path, "interface"
                if m.interface is not None:
                    yield from _item_refs(m.interface)


class Target:
    """What a name of a file's scope refers to: an interface or world, local or not."""

    __slots__ = ("kind", "local", "key", "name", "span")

    def __init__(self, kind: str, local: object, key: str | None, name: str,
                 span: ast.Span) -> None:
        self.kind = kind  # interface or world
        self.local = local  # the definition in this package, or None
        self.key = key  # for a foreign one: the package key
        self.name = name
        self.span = span


class PackageResolver:
    def __init__(self, ps: PackageSource, registry: Registry, features: Features,
                 by_key: dict[str, AnyPackage], missing: list[TextError]) -> None:
        self.missing = missing  # packages used but not there (see `_package_order`)
        self.ps = ps
        self.registry = registry
        self.features = features
        self.by_key = by_key
        self.name = model_name(ps.name)
        self.info = PkgInfo(self.name)
        self.items: dict[str, tuple[object, Unit]] = {}  # name -> (definition, unit)
        self.scopes: dict[int, dict[str, Target]] = {}  # id(unit) -> file-local names
        # (package, name) -> interface or world: what the first mention of a foreign item made it
        self.foreign_kinds: dict[tuple[str, str], str] = {}
        # the package's anonymous types, made once each (scope.NameScope.anonymous)
        self.anonymous: dict = {}  # type: ignore[type-arg]
        # what wit-parser checks once everything is resolved: `@since` versions (those of
        # types first), and types not gated in an interface or world that is
        self.type_since: list[tuple[ast.Gates, ast.Span]] = []
        self.item_since: list[tuple[ast.Gates, ast.Span]] = []
        self.orphans: list[TextError] = []
        self.order: list[tuple[object, Unit]] = []  # the interfaces and worlds, in order

    # -- the package's names ---------------------------------------------------------------

    def interfaces(self) -> list[tuple[ast.WorldDef, Unit]]:
        """The package's names checked, then each of its interfaces resolved; its worlds,
        in the order they are to be built (by `worlddefs`)."""
        self._foreign_kinds()
        for unit in self.ps.units:
            for item in unit.items:
                if isinstance(item, (ast.InterfaceDef, ast.WorldDef)):
                    assert item.name is not None
                    if item.name.name in self.items:
                        raise TextError.at(f"duplicate item named `{item.name.name}`", item.name.span)
                    self.items[item.name.name] = (item, unit)
        for unit in self.ps.units:
            self._file_names(unit)
        order = self._item_order()
        for unit in self.ps.units:
            self.scopes[id(unit)] = self._file_scope(unit)
        # as wit-parser does: every interface, then every world, each after those it refers
        # to; one left out by a feature gate is resolved too (what is wrong in it is still
        # refused), then dropped
        for item, unit in order:
            if isinstance(item, ast.InterfaceDef):
                excluded = self.features.excluded(item.gates)
                self.check_gates(item.gates, item.name.span)
                key = self.name.interface(item.name.name)
                info = self.interface(item, unit, key, excluded)
                if excluded:
                    self.info.excluded[item.name.name] = "interface"
                    self.info.excluded_interfaces[item.name.name] = info
                else:
                    self.info.interfaces[item.name.name] = info
                    self.registry.interfaces[key] = info
        self.order = order
        return [(item, unit) for item, unit in order if isinstance(item, ast.WorldDef)]

    def finish(self) -> PkgInfo:
        """The package's model, its worlds built, and the package registered."""
        order = self.order
        # the model lists them in that order, as wasm-tools prints them
        interfaces = [self.info.interfaces[i.name.name].model for i, _ in order
                      if isinstance(i, ast.InterfaceDef) and i.name.name in self.info.interfaces]
        worlds = [self.info.worlds[i.name.name].model for i, _ in order
                  if isinstance(i, ast.WorldDef) and i.name.name in self.info.worlds]
        self.info.model = wit.Package(self.name, tuple(interfaces), tuple(worlds), self.ps.docs)
        self.registry.packages[self.ps.key] = self.info
        return self.info

    def _foreign_kinds(self) -> None:
        """As wit-parser does, the first mention of a foreign `pkg/name` says whether it
        is an interface (a `use`, an import or export) or a world (an `include`), and a later
        mention as the other kind is refused before anything is looked up."""
        kinds: dict[tuple[str, str], str] = self.foreign_kinds
        for unit in self.ps.units:
            for item in unit.items:
                # a top-level `use` may name either: an interface when it is the first
                # mention, else whatever the first mention made it
                refs = ([(item.path, "either")] if isinstance(item, ast.TopUse)
                        else list(_item_refs(item)))
                for path, want in refs:
                    if path.package is None:
                        continue
                    key = (path.package.key(), path.name.name)
                    first = kinds.setdefault(key, "interface" if want == "either" else want)
                    if first != want and want != "either":
                        raise TextError.at(
                            f"name `{path.name.name}` is defined as "
                            f"{'an interface' if first == 'interface' else 'a world'}, not "
                            f"{'an interface' if want == 'interface' else 'a world'}",
                            path.name.span)

    def _file_names(self, unit: Unit) -> None:
        """A file's top-level names (its `use`s and its items), each once."""
        seen: set[str] = set()
        for item in unit.items:
            if isinstance(item, ast.TopUse):
                name = item.local_name()
            elif isinstance(item, (ast.InterfaceDef, ast.WorldDef)):
                name = item.name  # type: ignore[assignment]
            else:
                continue
            if name.name in seen:
                raise TextError.at(f"duplicate name `{name.name}` in this file", name.span)
            seen.add(name.name)

    def _file_scope(self, unit: Unit) -> dict[str, Target]:
        """What a file's top-level `use`s name (an interface of this package or another)."""
        scope: dict[str, Target] = {}
        for item in unit.items:
            if isinstance(item, ast.TopUse):
                if item.gates.attributes:
                    raise TextError.at("attributes not allowed on top-level use", item.span)
                foreign = item.path.package
                target = self.path_target(item.path, None, None if foreign is None else
                                          self.foreign_kinds[(foreign.key(), item.path.name.name)])
                scope[item.local_name().name] = target
        return scope

    def path_target(self, path: ast.UsePath, unit: Unit | None, want: str | None) -> Target:
        """What a use path names; `unit` None for a file's top-level `use`, which sees only
        the package's own items. An item of another package must be there (not left out by
        a feature gate): wit-parser looks up what another package provides for every path
        not itself gated out (see `skips_lookup`)."""
        name = path.name
        if path.package is None:
            if unit is not None:
                found = self.scopes[id(unit)].get(name.name)
                if found is not None:
                    return self._want(found, want, name)
            local = self.items.get(name.name)
            if local is None:
                raise TextError.at(f"interface or world `{name.name}` does not exist", name.span)
            kind = "interface" if isinstance(local[0], ast.InterfaceDef) else "world"
            return self._want(Target(kind, local[0], None, name.name, name.span), want, name)
        if self.missing and _lookup_package(path.package, self.by_key) is None:
            raise self.missing[0]
        ps = find_package(path.package, self.by_key)
        pkg = self.registry.packages.get(ps.key)
        if pkg is None or ps is self.ps:
            raise TextError.at(f"package `{ps.key}` creates a dependency cycle", path.span)
        kind = want or ("world" if name.name in pkg.worlds else "interface")
        table = pkg.interfaces if kind == "interface" else pkg.worlds
        if name.name not in table:
            # (one gated out there is not found either: it is not part of that package)
            # (one there as the other kind too: wit-parser made a placeholder of the kind
            # the first mention asked for, and finds no such item in the package)
            raise TextError.at(f"{kind} '{name.name}' not found in package '{pkg.name}'",
                               name.span)
        return Target(kind, None, ps.key, name.name, name.span)

    def skips_lookup(self, path: ast.UsePath, gates: ast.Gates) -> bool:
        """Whether a path into another package is left unresolved: wit-parser does not
        look up what a path names there when the item holding the path is gated out (nor,
        until the rest is read, in a package that is not there)."""
        if path.package is None:
            return False
        if self.features.excluded(gates):
            return True
        return bool(self.missing) and _lookup_package(path.package, self.by_key) is None

    def _want(self, target: Target, want: str | None, at: ast.Id) -> Target:
        if want is not None and target.kind != want:
            article = "an interface" if want == "interface" else "a world"
            raise TextError.at(f"name `{at.name}` is defined as {'a world' if want == 'interface' else 'an interface'}, "
                               f"not {article}", at.span)
        return target

    def target_interface(self, target: Target, at: ast.Span, gated_ok: bool = False) -> IfaceInfo:
        """The resolved interface a target names (resolved already: dependencies first); one
        left out by a feature gate is refused unless `gated_ok`."""
        pkg = self.info if target.local is not None else self.registry.packages[target.key]  # type: ignore[index]
        info = pkg.interfaces.get(target.name)
        if info is not None:
            return info
        info = pkg.excluded_interfaces.get(target.name)
        if info is None:
            raise TextError.at(f"interface or world `{target.name}` depends on itself", at)
        if not gated_ok:
            raise TextError.at(GATED_INTERFACE, at)
        return info

    def target_world(self, target: Target, at: ast.Span) -> WorldInfo:
        if target.local is not None:
            name = target.local.name.name  # type: ignore[attr-defined]
            if self.info.excluded.get(name) == "world":
                raise TextError.at(GATED_WORLD, at)
            return self.info.worlds[name]
        return self.registry.packages[target.key].worlds[target.name]  # type: ignore[index]

    def check_gates(self, gates: ast.Gates, at: ast.Span, kept: bool = True,
                    is_type: bool = False) -> None:
        """The attributes of an item, as wit-parser allows them: none given twice, not both
        `@since` and `@unstable`, `@deprecated` only with one of them; `@since` only in a
        package with a version, and not later than it (checked for an item wit-parser
        keeps: not a function, import or export of something gated off, `kept` False)."""
        if not gates.attributes:
            return
        seen: dict[str, ast.Attribute] = {}
        for a in gates.attributes:
            if a.name in seen:
                raise TextError.at(f"cannot specify @{a.name} twice", a.span)
            seen[a.name] = a
        if "since" in seen and "unstable" in seen:
            raise TextError.at("cannot specify both @since and @unstable", seen["since"].span)
        if "deprecated" in seen and "since" not in seen and "unstable" not in seen:
            raise TextError.at("cannot specify both @deprecated without @since or @unstable",
                               seen["deprecated"].span)
        if gates.since is not None and kept:
            (self.type_since if is_type else self.item_since).append((gates, at))

    def check_deferred(self) -> None:
        """What wit-parser checks once everything is resolved, so far: the `@since`
        versions (types first), then types whose interface or world is gated off."""
        for gates, at in [*self.type_since, *self.item_since]:
            self._check_version(gates, at)
        self.type_since, self.item_since = [], []
        if self.orphans:
            raise self.orphans[0]

    def _check_version(self, gates: ast.Gates, at: ast.Span) -> None:
        if self.name.version is None:
            raise TextError.at(f"package [{self.name}] contains a feature gate with a version "
                               "specifier, so it must have a version", at)
        since, own = Version.parse(gates.since[0]), Version.parse(self.name.version)
        if since is not None and own is not None and _precedes(own, since):
            raise TextError.at(f"feature gate cannot reference unreleased version {since} of "
                               f"package [{self.name}] (current version {own})", at)

    # -- the order of interfaces and worlds --------------------------------------------------

    def _item_order(self) -> list[tuple[object, Unit]]:
        """Interfaces and worlds, each after those it refers to in this package (an
        interface's `use`s, a world's `include`s), as wit-parser orders them."""
        names: list[str] = []
        deps: dict[str, list[ast.Id]] = {}
        for unit in self.ps.units:
            for item in unit.items:
                if isinstance(item, (ast.InterfaceDef, ast.WorldDef)):
                    names.append(item.name.name)  # type: ignore[union-attr]
                    deps[item.name.name] = []  # type: ignore[union-attr]
        for unit in self.ps.units:
            # a file's top-level `use x as y` makes `y` stand for `x` (one of another
            # package is not ordered here)
            scope = {u.local_name().name: u.path for u in unit.items if isinstance(u, ast.TopUse)}
            for item in unit.items:
                if isinstance(item, ast.InterfaceDef):
                    paths = [m.path for m in item.members if isinstance(m, ast.Use)]
                elif isinstance(item, ast.WorldDef):
                    paths = [m.path for m in item.members if isinstance(m, ast.Include)]
                else:
                    continue
                for path in paths:
                    if path.package is not None:
                        continue
                    found = scope.get(path.name.name)
                    if found is not None:
                        if found.package is None:  # named by a top-level `use x as y`: `x`
                            deps[item.name.name].append(found.name)  # type: ignore[union-attr]
                    elif path.name.name in self.items:
                        # wit-parser names an item of the same file by its definition
                        defn, where = self.items[path.name.name]
                        deps[item.name.name].append(defn.name if where is unit else path.name)  # type: ignore[union-attr,attr-defined]
                    else:
                        raise TextError.at(f"interface or world `{path.name.name}` does not "
                                           "exist", path.name.span)
        order = toposort(names, deps, "interface or world")
        return [self.items[name] for name in order]

    # -- interfaces ---------------------------------------------------------------------------

    def interface(self, defn: ast.InterfaceDef, unit: Unit, key: str,
                  excluded: bool = False) -> IfaceInfo:
        """An interface resolved; `excluded`: it is left out by a feature gate (resolved
        all the same, to refuse what is wrong in it, as wit-parser does)."""
        scope = NameScope(key, borrowing=self.registry.borrowing, anonymous=self.anonymous)
        deps: list[str] = []
        items, exports = self.members(defn.members, unit, scope, deps, key, excluded)
        itype = T.InstanceType(exports)
        model = wit.Interface(defn.name.name if defn.name else None, tuple(items), defn.docs,
                            model_gate(defn.gates), itype)
        return IfaceInfo(key, model, scope, deps, self.name if defn.name else None)

    def members(self, members: tuple, unit: Unit, scope: NameScope, deps: list[str],
                owner: str | None, left_out: bool = False,
                what: str = "interface") -> tuple[list[wit.InterfaceItem], dict[str, T.Extern]]:
        """The items of an interface (or a world's types), declared, checked and built, in
        wit-parser's order: the names `use` brings, the type definitions, then the
        functions (a resource's functions named last).

        A member left out by a feature gate (or every member, `left_out`, when the interface
        or world holding them is) is checked as wit-parser checks everything: its names
        must exist, whether they are left out or not; only what is kept is built into the
        model, and may not refer to what is left out."""
        excluded = self.features.excluded
        # each member with whether its own gate leaves it out (the same for every pass)
        marked = [(m, type(m), m.gates is not ast.NO_GATES and excluded(m.gates)) for m in members]
        entries: dict[int, Entry] = {}
        for m, cls, own in marked:
            if cls is ast.Use:
                self._use(m, unit, scope, deps, own, own or left_out)
        for m, cls, own in marked:
            if cls is ast.TypeDef:
                entries[id(m)] = scope.declare_typedef(m, own)
        # each type after those it uses: its attributes, then what it is
        for name in scope.check_order(members):
            e = scope.entries[name]
            td = e.node
            if e.kind not in ("typedef", "resource") or td.name.name != name:  # type: ignore[attr-defined]
                continue
            self.check_gates(td.gates, td.name.span, is_type=True)  # type: ignore[attr-defined]
            if e.kind == "typedef":
                scope.fill(e, gated_ok=e.excluded or left_out,
                           left_out=GATED_INTERFACE if left_out else GATED_TYPE)
                continue
            methods: set[str] = set()
            for f in td.methods:  # type: ignore[attr-defined]
                if f.kind != "constructor":
                    if f.name.name in methods:
                        raise TextError.at(f"duplicate function name `{f.name.name}`",
                                           f.name.span)
                    methods.add(f.name.name)
        funcs: dict[int, T.FuncType] = {}
        names: dict[int, str] = {}  # id(resource function) -> its name
        resource_funcs: list[tuple[ast.Id, Entry]] = []
        for m, cls, own in marked:
            if cls is ast.FuncDef:
                scope.define(m.name, Entry("func", None, m, own, m.name.span), "duplicate name `{}`")
                self.check_gates(m.gates, m.name.span, not left_out)
                funcs[id(m)] = scope.func(m.sig, m.name.name,
                                          None if own or left_out else m.name.span)
            elif cls is ast.TypeDef:
                entry = entries[id(m)]
                for f in m.methods:
                    self.check_gates(f.gates, f.name.span, not left_out)
                    fname = names[id(f)] = _resource_func_name(m.name.name, f)
                    f_own = f.gates is not ast.NO_GATES and excluded(f.gates)
                    if own and not left_out and not f_own:
                        # a function of a resource left out would refer to it
                        raise TextError.at(GATED_TYPE, f.name.span)
                    out = left_out or own or f_own
                    funcs[id(f)] = self._resource_func(scope, entry, m, f, fname, checked_only=out)
                    resource_funcs.append((ast.Id(fname, f.name.span),
                                           Entry("func", None, f, out, f.name.span)))
        for name, entry in resource_funcs:
            scope.define(name, entry, "duplicate name `{}`")
        items: list[wit.InterfaceItem] = []
        exports: dict[str, T.Extern] = {}
        if left_out:
            marked = []
        for m, cls, own in marked:
            if own:
                continue
            gate = model_gate(m.gates)
            if cls is ast.Use:
                used = tuple((a.name, (b or a).name) for a, b in m.names)
                src = self._use_source(m.path, unit)
                items.append(wit.UseItem(src, used, gate))
                for _, local in used:
                    exports[local] = scope.entries[local].value  # type: ignore[assignment]
            elif cls is ast.TypeDef:
                value = entries[id(m)].value
                exports[m.name.name] = value  # type: ignore[assignment]
                inner = value if type(value) is T.ResourceType else value.type  # type: ignore[attr-defined]
                member_docs = tuple((f.name.name, f.docs) for f in m.fields if f.docs is not None)
                items.append(wit.TypeItem(m.name.name, inner, m.docs, gate, member_docs))
                for f in m.methods:
                    if f.gates is ast.NO_GATES or not excluded(f.gates):
                        fname = names[id(f)]
                        exports[fname] = funcs[id(f)]
                        items.append(wit.FunctionItem(fname, funcs[id(f)], f.docs, model_gate(f.gates)))
            else:
                exports[m.name.name] = funcs[id(m)]
                items.append(wit.FunctionItem(m.name.name, funcs[id(m)], m.docs, gate))
        if left_out:
            # a type not gated itself, in an interface (or world) that is: wit-parser keeps
            # the type and then finds its owner gone
            for m in members:
                if isinstance(m, ast.TypeDef) and not excluded(m.gates):
                    gone = [m.name]
                elif isinstance(m, ast.Use) and not excluded(m.gates):
                    gone = [n for n, _ in m.names]
                else:
                    continue
                if gone:
                    self.orphans.append(TextError.at(
                        f"found a reference to a{'n' if what == 'interface' else ''} {what} which "
                        f"is excluded due to its feature not being activated; this type is not "
                        f"gated by a feature but its {what} is", gone[0].span))
                    break
        return items, exports

    def _use_source(self, path: ast.UsePath, unit: Unit) -> wit.InterfaceRef:
        target = self.path_target(path, unit, "interface")
        info = self.target_interface(target, path.name.span, gated_ok=True)
        pkg = info.package
        return wit.InterfaceRef(None if pkg == self.name else pkg, info.model.name or "")

    def _use(self, m: ast.Use, unit: Unit, scope: NameScope, deps: list[str], own: bool,
             left_out: bool) -> None:
        """`use path.{a, b as c}`: each name stands for the type of that name in the
        interface; `own`: the `use` is left out by a feature gate, `left_out`: so is what
        holds it (then it may take names left out too)."""
        # (its gate's version is checked on the types it brings in: none, no check; but a
        # path into another package is checked when that package is looked up, at its name)
        foreign = m.path.package is not None
        at = m.names[0][0].span if m.names else (m.path.name.span if foreign else m.span)
        checked = bool(m.names) or foreign
        if self.skips_lookup(m.path, m.gates):
            self.check_gates(m.gates, at, checked, is_type=True)
            # the names are taken all the same, for what they stand for is not known
            for name, alias in m.names:
                local = alias or name
                scope.define(local, Entry("used", T.ResourceType(local.name, scope.owner), m,
                                          own, local.span))
            return
        target = self.path_target(m.path, unit, "interface")
        info = self.target_interface(target, m.path.name.span, gated_ok=True)
        self.check_gates(m.gates, at, checked, is_type=True)
        # (wit-parser knows what an interface uses by the types it takes: none, no use)
        if not left_out and m.names and info.key not in deps:
            deps.append(info.key)
        foreign = target.local is None
        for name, alias in m.names:
            entry = info.scope.entries.get(name.name)
            if entry is None:
                raise TextError.at(f"type `{name.name}` not defined in interface" if foreign
                                   else f"name `{name.name}` does not exist", name.span)
            if entry.kind == "func":
                raise TextError.at(f"cannot import function `{name.name}`", name.span)
            if entry.excluded and not left_out:
                raise TextError.at(GATED_TYPE, name.span)
            local = alias or name
            value = T.NamedType(local.name, entry.value, scope.owner)  # type: ignore[arg-type]
            if id(entry.value) in scope.borrowing:
                scope.borrowing.add(id(value))
            scope.define(local, Entry("used", value, m, own, local.span))

    def _resource_func(self, scope: NameScope, entry: Entry, td: ast.TypeDef, f: ast.ResourceFunc,
                       fname: str, checked_only: bool = False) -> T.FuncType:
        """A function of a resource; `checked_only`: it is left out by a feature gate, and
        only what wit-parser checks of every function is."""
        res = entry.value
        site = None if checked_only else f.name.span
        if f.kind == "method":
            return scope.func(f.sig, fname, site, self_param=T.BorrowType(res))  # type: ignore[arg-type]
        if f.kind == "static":
            return scope.func(f.sig, fname, site)

        def constructed() -> T.ValType | None:
            declared = f.sig.result
            if declared is None:
                return T.OwnType(res)  # type: ignore[arg-type]
            if not isinstance(declared, ast.TResult):
                raise TextError.at("if a constructor return type is declared it must be a "
                                   "`result`", ast.type_span(declared))
            ok = declared.ok
            if not (isinstance(ok, ast.TName) and scope.entries.get(ok.id.name) is entry):
                where = ast.type_span(ok) if ok is not None else declared.span
                raise TextError.at("the `ok` type must be the resource being constructed", where)
            return T.ResultType(T.OwnType(res), scope.opt(declared.err, site))  # type: ignore[arg-type]

        return scope.func(f.sig, fname, site, result=constructed)


def _precedes(a: Version, b: Version) -> bool:
    """Whether version `a` comes before `b` in the semver crate's order (which compares
    build metadata too)."""
    return semver_key(a) < semver_key(b)


def semver_key(v: Version) -> tuple:  # type: ignore[type-arg]
    """A version as a key that sorts as the semver crate orders versions: numbers, then a
    pre-release before the release, then build metadata (each by its dot-separated
    identifiers, numeric ones by value and before the others)."""
    def identifiers(text: str) -> tuple:  # type: ignore[type-arg]
        return tuple((0, int(p), len(p), "") if p.isdigit() else (1, 0, 0, p)
                     for p in text.split("."))

    pre = (1, identifiers(v.pre)) if v.pre else (2, ())  # a release after its pre-releases
    build = identifiers(v.build) if v.build else ()
    return (v.major, v.minor, v.patch, pre, build)


def _resource_func_name(resource: str, f: ast.ResourceFunc) -> str:
    if f.kind == "constructor":
        return f"[constructor]{resource}"
    return f"[{f.kind}]{resource}.{f.name.name}"
