"""Resolution: packages in dependency order, then each package's interfaces and worlds in
the order their references require, into `witmodel` with the component-model types filled.

Every rule broken is a `TextError` at the place wit-parser reports it (so the two point at
the same `FILE:LINE:COL`). Dependency orders are found by iterative depth-first search:
nothing here recurses on the input's shape.
"""

from __future__ import annotations

from typing import Callable, Iterator

from ...model import types as T
from ...model.names import Version

from .. import witmodel as W
from ...diagnostics import TextError
from . import tree as A
from .packages import Loaded, PackageSource, Unit
from .scope import GATED_TYPE, Entry, TypeScope
from .toposort import toposort

GATED_WORLD = "found a reference to a world which is excluded due to its feature not being activated"
GATED_INTERFACE = ("found a reference to an interface which is excluded due to its feature "
                   "not being activated")


class Features:
    def __init__(self, enabled: frozenset[str]) -> None:
        self.all = "all" in enabled
        self.enabled = enabled

    def excluded(self, gates: A.Gates) -> bool:
        return gates.unstable is not None and not self.all and gates.unstable.name not in self.enabled


def model_gate(gates: A.Gates) -> W.Gate | None:
    """The model's gate for what is written (one record for each different gate)."""
    if gates is A.NO_GATES or gates.empty():
        return None
    key = (gates.since[0] if gates.since else None,
           gates.unstable.name if gates.unstable else None,
           gates.deprecated[0] if gates.deprecated else None)
    gate = _GATES.get(key)
    if gate is None:
        gate = _GATES[key] = W.Gate(*key)
    return gate


_GATES: dict[tuple, W.Gate] = {}  # type: ignore[type-arg]


# -- what resolution produces -----------------------------------------------------------------


class IfaceInfo:
    __slots__ = ("key", "model", "scope", "deps", "package")

    def __init__(self, key: str, model: W.Interface, scope: TypeScope, deps: list[str],
                 package: W.PackageName | None) -> None:
        self.key = key  # the extern name (`ns:pkg/i@v`), or the plain name of an inline one
        self.model = model
        self.scope = scope
        self.deps = deps  # keys of the named interfaces it `use`s, directly
        self.package = package


class WorldEntry:
    """One import or export of a world: the model's item and the extern's type; `iface` is
    the key of the named interface it is (or implements), if any."""

    __slots__ = ("item", "extern", "kind", "iface", "by_name", "at")

    def __init__(self, item: W.WorldItem, extern: T.Extern, kind: str, iface: str | None,
                 by_name: bool, at: object = None) -> None:
        self.item = item
        self.extern = extern
        self.kind = kind  # func, interface, type
        self.iface = iface
        self.by_name = by_name  # imported or exported under the interface's own name
        self.at = at  # where it is written (a span), for errors an include finds


class WorldInfo:
    __slots__ = ("model", "imports", "exports", "package")

    def __init__(self, model: W.World, imports: dict[str, WorldEntry],
                 exports: dict[str, WorldEntry], package: W.PackageName) -> None:
        self.model = model
        self.imports = imports
        self.exports = exports
        self.package = package


class PkgInfo:
    __slots__ = ("name", "interfaces", "worlds", "excluded", "excluded_interfaces", "model")

    def __init__(self, name: W.PackageName) -> None:
        self.name = name
        self.interfaces: dict[str, IfaceInfo] = {}
        self.worlds: dict[str, WorldInfo] = {}
        self.excluded: dict[str, str] = {}  # gated-out item -> "interface" or "world"
        # gated-out interfaces, resolved all the same: what refers to them is checked
        self.excluded_interfaces: dict[str, IfaceInfo] = {}
        self.model: W.Package | None = None


class Registry:
    def __init__(self) -> None:
        self.packages: dict[str, PkgInfo] = {}
        self.interfaces: dict[str, IfaceInfo] = {}
        self.borrowing: set[int] = set()  # see `TypeScope.borrowing`


# -- packages -------------------------------------------------------------------------------


def resolve(loaded: Loaded, features: frozenset[str]) -> W.Resolved:
    feats = Features(features)
    by_key: dict[str, PackageSource] = {}
    for ps in loaded.packages:
        key = ps.name.key()
        if key in by_key:
            first = by_key[key].name.span
            a, b = first.source.line_col(first.start), ps.name.span.source.line_col(ps.name.span.start)
            raise TextError.at(
                f"package `{key}` is defined in two different locations: here and at "
                f"{first.source.path}:{a[0]}:{a[1]}", ps.name.span)
        by_key[key] = ps
    missing: list[TextError] = []
    order = _package_order(loaded.packages, by_key, missing)
    registry = Registry()
    models = []
    for ps in order:
        info = PackageResolver(ps, registry, feats, by_key, missing).run()
        models.append(info.model)
    if missing:
        # wit-parser looks for the packages a package uses once each package is read: what
        # is wrong within a package is found first
        raise missing[0]
    if loaded.no_header is not None:
        raise loaded.no_header
    main = _model_name(loaded.main)  # type: ignore[arg-type]
    return W.Resolved(tuple(models), main)  # type: ignore[arg-type]


def _model_name(ref: A.PackageRef) -> W.PackageName:
    return W.PackageName(ref.namespace, ref.name, ref.version)


def _lookup_package(ref: A.PackageRef, by_key: dict[str, PackageSource]) -> PackageSource | None:
    """The package a reference names: by name and version, as wit-parser finds it (a
    reference without a version does not find a package that has one)."""
    return by_key.get(ref.key())


def find_package(ref: A.PackageRef, by_key: dict[str, PackageSource]) -> PackageSource:
    found = _lookup_package(ref, by_key)
    if found is None:
        known = ", ".join(sorted(by_key))
        raise TextError.at(f"package '{ref.key()}' not found (known packages: {known})", ref.span)
    return found


def _package_order(packages: tuple[PackageSource, ...], by_key: dict[str, PackageSource],
                   missing: list[TextError]) -> list[PackageSource]:
    """Dependencies before their users, as wit-parser orders them: packages visited in name
    order, each after what it uses (in the order it first mentions them); a package that
    reaches itself is refused at the reference that closes the cycle. A package used but
    not there goes to `missing` (the first mention found that way), to be refused once the
    packages there are read."""
    edges: dict[int, list[tuple[PackageSource, A.UsePath]]] = {}

    def uses(ps: PackageSource) -> list[tuple[PackageSource, A.UsePath]]:
        found = edges.get(id(ps))
        if found is None:
            found = edges[id(ps)] = []
            for path in _foreign_paths(ps.units):
                try:
                    found.append((find_package(path.package, by_key), path))  # type: ignore[arg-type]
                except TextError as exc:
                    missing.append(exc)
        return found

    def cycle(target: PackageSource, i: int) -> TextError:
        first, first_path = edges[id(target)][i]
        return TextError.at(f"package `{first.name.key()}` creates a dependency cycle",
                            first_path.span)

    # (packages in binary form are taken in first, in the order they were read: wit-parser
    # adds them before it reads any text)
    roots = [ps for ps in packages if ps.binary]
    roots += sorted((ps for ps in packages if not ps.binary), key=lambda ps: _name_order(ps.name))
    return depth_first_order(roots, lambda ps: [t for t, _ in uses(ps)], cycle)


def _name_order(ref: A.PackageRef) -> tuple:  # type: ignore[type-arg]
    """How wit-parser orders package names: namespace, name, then version (none first)."""
    version = Version.parse(ref.version) if ref.version else None
    if version is None:
        return (ref.namespace, ref.name, 0)
    return (ref.namespace, ref.name, 1, _semver_key(version))


def depth_first_order(roots: list, successors: Callable[[object], list],
                      cycle: Callable[[object, int], Exception]) -> list:
    """Every node reachable from `roots`, each after its successors, without recursion (the
    input decides the depth). On a cycle, raises `cycle(node, i)`: `node` is where the cycle
    closes, `i` the index of the successor of `node` that leads back round to it."""
    order: list = []
    state: dict[int, int] = {}  # 1: on the path being walked, 2: done
    for root in roots:
        if state.get(id(root)):
            continue
        state[id(root)] = 1
        stack = [(root, 0, successors(root))]
        while stack:
            node, i, out = stack[-1]
            if i == len(out):
                state[id(node)] = 2
                order.append(node)
                stack.pop()
                continue
            stack[-1] = (node, i + 1, out)
            target = out[i]
            seen = state.get(id(target))
            if seen == 1:
                at = next(k for k, entry in enumerate(stack) if entry[0] is target)
                raise cycle(target, stack[at][1] - 1)
            if not seen:
                state[id(target)] = 1
                stack.append((target, 0, successors(target)))
    return order


def _foreign_paths(units: tuple[Unit, ...]) -> Iterator[A.UsePath]:
    for unit in units:
        for item in unit.items:
            for path in _item_paths(item):
                if path.package is not None:
                    yield path


def _item_paths(item: object) -> Iterator[A.UsePath]:
    if isinstance(item, A.TopUse):
        yield item.path
    elif isinstance(item, A.InterfaceDef):
        yield from (m.path for m in item.members if isinstance(m, A.Use))
    elif isinstance(item, A.WorldDef):
        # as wit-parser visits them: uses and includes, then imports, then exports
        externs = [m for m in item.members if isinstance(m, A.Extern)]
        yield from (m.path for m in item.members if isinstance(m, (A.Use, A.Include)))
        for m in [m for m in externs if m.direction == "import"] + \
                 [m for m in externs if m.direction == "export"]:
            if m.path is not None:
                yield m.path
            if m.interface is not None:
                yield from _item_paths(m.interface)


def _item_refs(item: object) -> Iterator[tuple[A.UsePath, str]]:
    """The paths an interface or world refers to, with what each must name."""
    if isinstance(item, A.InterfaceDef):
        yield from ((m.path, "interface") for m in item.members if isinstance(m, A.Use))
    elif isinstance(item, A.WorldDef):
        for m in item.members:
            if isinstance(m, A.Include):
                yield m.path, "world"
            elif isinstance(m, A.Use):
                yield m.path, "interface"
            elif isinstance(m, A.Extern):
                if m.path is not None:
                    yield m.path, "interface"
                if m.interface is not None:
                    yield from _item_refs(m.interface)


# -- one package ------------------------------------------------------------------------------


class Target:
    """What a name of a file's scope refers to: an interface or world, local or not."""

    __slots__ = ("kind", "local", "key", "name", "span")

    def __init__(self, kind: str, local: object, key: str | None, name: str,
                 span: A.Span) -> None:
        self.kind = kind  # interface or world
        self.local = local  # the definition in this package, or None
        self.key = key  # for a foreign one: the package key
        self.name = name
        self.span = span


class PackageResolver:
    def __init__(self, ps: PackageSource, registry: Registry, features: Features,
                 by_key: dict[str, PackageSource], missing: list[TextError]) -> None:
        self.missing = missing  # packages used but not there (see `_package_order`)
        self.ps = ps
        self.registry = registry
        self.features = features
        self.by_key = by_key
        self.name = _model_name(ps.name)
        self.info = PkgInfo(self.name)
        self.items: dict[str, tuple[object, Unit]] = {}  # name -> (definition, unit)
        self.scopes: dict[int, dict[str, Target]] = {}  # id(unit) -> file-local names
        # (package, name) -> interface or world: what the first mention of a foreign item made it
        self.foreign_kinds: dict[tuple[str, str], str] = {}
        # the package's anonymous types, made once each (scope.TypeScope.anonymous)
        self.anonymous: dict = {}  # type: ignore[type-arg]
        # what wit-parser checks once everything is resolved: `@since` versions (those of
        # types first), and types not gated in an interface or world that is
        self.type_since: list[tuple[A.Gates, A.Span]] = []
        self.item_since: list[tuple[A.Gates, A.Span]] = []
        self.orphans: list[TextError] = []

    # -- the package's names ---------------------------------------------------------------

    def run(self) -> PkgInfo:
        self._foreign_kinds()
        for unit in self.ps.units:
            for item in unit.items:
                if isinstance(item, (A.InterfaceDef, A.WorldDef)):
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
            if isinstance(item, A.InterfaceDef):
                excluded = self.features.excluded(item.gates)
                self._check_gates(item.gates, item.name.span)
                key = self.name.interface(item.name.name)
                info = self.interface(item, unit, key, excluded)
                if excluded:
                    self.info.excluded[item.name.name] = "interface"
                    self.info.excluded_interfaces[item.name.name] = info
                else:
                    self.info.interfaces[item.name.name] = info
                    self.registry.interfaces[key] = info
        # what wit-parser checks of every world comes before what it checks once all is
        # resolved; then the worlds kept are built
        worlds = [(item, unit) for item, unit in order if isinstance(item, A.WorldDef)]
        for item, unit in worlds:
            excluded = self.features.excluded(item.gates)
            self._check_gates(item.gates, item.name.span)
            WorldBuilder(self, item, unit, excluded=excluded).check()
            if excluded:
                self.info.excluded[item.name.name] = "world"
        self._check_deferred()
        for item, unit in worlds:
            if item.name.name not in self.info.excluded:
                self.info.worlds[item.name.name] = self.world(item, unit)
        self._check_deferred()
        # the model lists them in that order, as wasm-tools prints them
        interfaces = [self.info.interfaces[i.name.name].model for i, _ in order
                      if isinstance(i, A.InterfaceDef) and i.name.name in self.info.interfaces]
        worlds = [self.info.worlds[i.name.name].model for i, _ in order
                  if isinstance(i, A.WorldDef) and i.name.name in self.info.worlds]
        self.info.model = W.Package(self.name, tuple(interfaces), tuple(worlds), self.ps.docs)
        self.registry.packages[self.ps.name.key()] = self.info
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
                refs = ([(item.path, "either")] if isinstance(item, A.TopUse)
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
            if isinstance(item, A.TopUse):
                name = item.local_name()
            elif isinstance(item, (A.InterfaceDef, A.WorldDef)):
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
            if isinstance(item, A.TopUse):
                if item.gates.attributes:
                    raise TextError.at("attributes not allowed on top-level use", item.span)
                foreign = item.path.package
                target = self._path_target(item.path, None, None if foreign is None else
                                           self.foreign_kinds[(foreign.key(), item.path.name.name)])
                scope[item.local_name().name] = target
        return scope

    def _path_target(self, path: A.UsePath, unit: Unit | None, want: str | None) -> Target:
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
            kind = "interface" if isinstance(local[0], A.InterfaceDef) else "world"
            return self._want(Target(kind, local[0], None, name.name, name.span), want, name)
        if self.missing and _lookup_package(path.package, self.by_key) is None:
            raise self.missing[0]
        ps = find_package(path.package, self.by_key)
        pkg = self.registry.packages.get(ps.name.key())
        if pkg is None or ps is self.ps:
            raise TextError.at(f"package `{ps.name.key()}` creates a dependency cycle", path.span)
        kind = want or ("world" if name.name in pkg.worlds else "interface")
        table = pkg.interfaces if kind == "interface" else pkg.worlds
        if name.name not in table:
            # (one gated out there is not found either: it is not part of that package)
            # (one there as the other kind too: wit-parser made a placeholder of the kind
            # the first mention asked for, and finds no such item in the package)
            raise TextError.at(f"{kind} '{name.name}' not found in package '{pkg.name}'",
                               name.span)
        return Target(kind, None, ps.name.key(), name.name, name.span)

    def skips_lookup(self, path: A.UsePath, gates: A.Gates) -> bool:
        """Whether a path into another package is left unresolved: wit-parser does not
        look up what a path names there when the item holding the path is gated out (nor,
        until the rest is read, in a package that is not there)."""
        if path.package is None:
            return False
        if self.features.excluded(gates):
            return True
        return bool(self.missing) and _lookup_package(path.package, self.by_key) is None

    def _want(self, target: Target, want: str | None, at: A.Id) -> Target:
        if want is not None and target.kind != want:
            article = "an interface" if want == "interface" else "a world"
            raise TextError.at(f"name `{at.name}` is defined as {'a world' if want == 'interface' else 'an interface'}, "
                               f"not {article}", at.span)
        return target

    def _iface(self, target: Target, at: A.Span, gated_ok: bool = False) -> IfaceInfo:
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

    def _world(self, target: Target, at: A.Span) -> WorldInfo:
        if target.local is not None:
            name = target.local.name.name  # type: ignore[attr-defined]
            if self.info.excluded.get(name) == "world":
                raise TextError.at(GATED_WORLD, at)
            return self.info.worlds[name]
        return self.registry.packages[target.key].worlds[target.name]  # type: ignore[index]

    def _check_gates(self, gates: A.Gates, at: A.Span, kept: bool = True,
                     is_type: bool = False) -> None:
        """The attributes of an item, as wit-parser allows them: none given twice, not both
        `@since` and `@unstable`, `@deprecated` only with one of them; `@since` only in a
        package with a version, and not later than it (checked for an item wit-parser
        keeps: not a function, import or export of something gated off, `kept` False)."""
        if not gates.attributes:
            return
        seen: dict[str, A.Attribute] = {}
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

    def _check_deferred(self) -> None:
        """What wit-parser checks once everything is resolved, so far: the `@since`
        versions (types first), then types whose interface or world is gated off."""
        for gates, at in [*self.type_since, *self.item_since]:
            self._check_version(gates, at)
        self.type_since, self.item_since = [], []
        if self.orphans:
            raise self.orphans[0]

    def _check_version(self, gates: A.Gates, at: A.Span) -> None:
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
        deps: dict[str, list[A.Id]] = {}
        for unit in self.ps.units:
            for item in unit.items:
                if isinstance(item, (A.InterfaceDef, A.WorldDef)):
                    names.append(item.name.name)  # type: ignore[union-attr]
                    deps[item.name.name] = []  # type: ignore[union-attr]
        for unit in self.ps.units:
            # a file's top-level `use x as y` makes `y` stand for `x` (one of another
            # package is not ordered here)
            scope = {u.local_name().name: u.path for u in unit.items if isinstance(u, A.TopUse)}
            for item in unit.items:
                if isinstance(item, A.InterfaceDef):
                    paths = [m.path for m in item.members if isinstance(m, A.Use)]
                elif isinstance(item, A.WorldDef):
                    paths = [m.path for m in item.members if isinstance(m, A.Include)]
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

    def interface(self, defn: A.InterfaceDef, unit: Unit, key: str,
                  excluded: bool = False) -> IfaceInfo:
        """An interface resolved; `excluded`: it is left out by a feature gate (resolved
        all the same, to refuse what is wrong in it, as wit-parser does)."""
        scope = TypeScope(key, borrowing=self.registry.borrowing, anonymous=self.anonymous)
        deps: list[str] = []
        items, exports = self._members(defn.members, unit, scope, deps, key, excluded)
        itype = T.InstanceType(exports)
        model = W.Interface(defn.name.name if defn.name else None, tuple(items), defn.docs,
                            model_gate(defn.gates), itype)
        return IfaceInfo(key, model, scope, deps, self.name if defn.name else None)

    def _members(self, members: tuple, unit: Unit, scope: TypeScope, deps: list[str],
                 owner: str | None, left_out: bool = False,
                 what: str = "interface") -> tuple[list[W.InterfaceItem], dict[str, T.Extern]]:
        """The items of an interface (or a world's types), declared, checked and built, in
        wit-parser's order: the names `use` brings, the type definitions, then the
        functions (a resource's functions named last).

        A member left out by a feature gate (or every member, `left_out`, when the interface
        or world holding them is) is checked as wit-parser checks everything: its names
        must exist, whether they are left out or not; only what is kept is built into the
        model, and may not refer to what is left out."""
        excluded = self.features.excluded
        # each member with whether its own gate leaves it out (the same for every pass)
        marked = [(m, type(m), m.gates is not A.NO_GATES and excluded(m.gates)) for m in members]
        entries: dict[int, Entry] = {}
        for m, cls, own in marked:
            if cls is A.Use:
                self._use(m, unit, scope, deps, own, own or left_out)
        for m, cls, own in marked:
            if cls is A.TypeDef:
                entries[id(m)] = scope.declare_typedef(m, own)
        # each type after those it uses: its attributes, then what it is
        for name in scope.check_order(members):
            e = scope.entries[name]
            td = e.node
            if e.kind not in ("typedef", "resource") or td.name.name != name:  # type: ignore[attr-defined]
                continue
            self._check_gates(td.gates, td.name.span, is_type=True)  # type: ignore[attr-defined]
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
        resource_funcs: list[tuple[A.Id, Entry]] = []
        for m, cls, own in marked:
            if cls is A.FuncDef:
                scope.define(m.name, Entry("func", None, m, own, m.name.span), "duplicate name `{}`")
                self._check_gates(m.gates, m.name.span, not left_out)
                funcs[id(m)] = scope.func(m.sig, m.name.name,
                                          None if own or left_out else m.name.span)
            elif cls is A.TypeDef:
                entry = entries[id(m)]
                for f in m.methods:
                    self._check_gates(f.gates, f.name.span, not left_out)
                    fname = names[id(f)] = _resource_func_name(m.name.name, f)
                    f_own = f.gates is not A.NO_GATES and excluded(f.gates)
                    if own and not left_out and not f_own:
                        # a function of a resource left out would refer to it
                        raise TextError.at(GATED_TYPE, f.name.span)
                    out = left_out or own or f_own
                    funcs[id(f)] = self._resource_func(scope, entry, m, f, fname, checked_only=out)
                    resource_funcs.append((A.Id(fname, f.name.span),
                                           Entry("func", None, f, out, f.name.span)))
        for name, entry in resource_funcs:
            scope.define(name, entry, "duplicate name `{}`")
        items: list[W.InterfaceItem] = []
        exports: dict[str, T.Extern] = {}
        if left_out:
            marked = []
        for m, cls, own in marked:
            if own:
                continue
            gate = model_gate(m.gates)
            if cls is A.Use:
                used = tuple((a.name, (b or a).name) for a, b in m.names)
                src = self._use_source(m.path, unit)
                items.append(W.UseItem(src, used, gate))
                for _, local in used:
                    exports[local] = scope.entries[local].value  # type: ignore[assignment]
            elif cls is A.TypeDef:
                value = entries[id(m)].value
                exports[m.name.name] = value  # type: ignore[assignment]
                inner = value if type(value) is T.ResourceType else value.type  # type: ignore[attr-defined]
                member_docs = tuple((f.name.name, f.docs) for f in m.fields if f.docs is not None)
                items.append(W.TypeItem(m.name.name, inner, m.docs, gate, member_docs))
                for f in m.methods:
                    if f.gates is A.NO_GATES or not excluded(f.gates):
                        fname = names[id(f)]
                        exports[fname] = funcs[id(f)]
                        items.append(W.FunctionItem(fname, funcs[id(f)], f.docs, model_gate(f.gates)))
            else:
                exports[m.name.name] = funcs[id(m)]
                items.append(W.FunctionItem(m.name.name, funcs[id(m)], m.docs, gate))
        if left_out:
            # a type not gated itself, in an interface (or world) that is: wit-parser keeps
            # the type and then finds its owner gone
            for m in members:
                if isinstance(m, A.TypeDef) and not excluded(m.gates):
                    gone = [m.name]
                elif isinstance(m, A.Use) and not excluded(m.gates):
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

    def _use_source(self, path: A.UsePath, unit: Unit) -> W.InterfaceRef:
        target = self._path_target(path, unit, "interface")
        info = self._iface(target, path.name.span, gated_ok=True)
        pkg = info.package
        return W.InterfaceRef(None if pkg == self.name else pkg, info.model.name or "")

    def _use(self, m: A.Use, unit: Unit, scope: TypeScope, deps: list[str], own: bool,
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
            self._check_gates(m.gates, at, checked, is_type=True)
            # the names are taken all the same, for what they stand for is not known
            for name, alias in m.names:
                local = alias or name
                scope.define(local, Entry("used", T.ResourceType(local.name, scope.owner), m,
                                          own, local.span))
            return
        target = self._path_target(m.path, unit, "interface")
        info = self._iface(target, m.path.name.span, gated_ok=True)
        self._check_gates(m.gates, at, checked, is_type=True)
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

    def _resource_func(self, scope: TypeScope, entry: Entry, td: A.TypeDef, f: A.ResourceFunc,
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
            if not isinstance(declared, A.TResult):
                raise TextError.at("if a constructor return type is declared it must be a "
                                   "`result`", A.type_span(declared))
            ok = declared.ok
            if not (isinstance(ok, A.TName) and scope.entries.get(ok.id.name) is entry):
                where = A.type_span(ok) if ok is not None else declared.span
                raise TextError.at("the `ok` type must be the resource being constructed", where)
            return T.ResultType(T.OwnType(res), scope.opt(declared.err, site))  # type: ignore[arg-type]

        return scope.func(f.sig, fname, site, result=constructed)

    # -- worlds ----------------------------------------------------------------------------

    def world(self, defn: A.WorldDef, unit: Unit) -> WorldInfo:
        return WorldBuilder(self, defn, unit).build()


def _precedes(a: Version, b: Version) -> bool:
    """Whether version `a` comes before `b` in the semver crate's order (which compares
    build metadata too)."""
    return _semver_key(a) < _semver_key(b)


def _semver_key(v: Version) -> tuple:  # type: ignore[type-arg]
    """A version as a key that sorts as the semver crate orders versions: numbers, then a
    pre-release before the release, then build metadata (each by its dot-separated
    identifiers, numeric ones by value and before the others)."""
    def identifiers(text: str) -> tuple:  # type: ignore[type-arg]
        return tuple((0, int(p), len(p), "") if p.isdigit() else (1, 0, 0, p)
                     for p in text.split("."))

    pre = (1, identifiers(v.pre)) if v.pre else (2, ())  # a release after its pre-releases
    build = identifiers(v.build) if v.build else ()
    return (v.major, v.minor, v.patch, pre, build)


def _resource_func_name(resource: str, f: A.ResourceFunc) -> str:
    if f.kind == "constructor":
        return f"[constructor]{resource}"
    return f"[{f.kind}]{resource}.{f.name.name}"


from .worlds import WorldBuilder  # noqa: E402  (worlds.py builds on the classes above)

__all__ = ["resolve"]
