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
from ..diagnostics import TextError
from . import tree as A
from .packages import Loaded, PackageSource, Unit
from .scope import GATED_TYPE, Entry, TypeScope

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
    if gates.empty():
        return None
    return W.Gate(gates.since[0] if gates.since else None,
                  gates.unstable.name if gates.unstable else None,
                  gates.deprecated[0] if gates.deprecated else None)


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

    __slots__ = ("item", "extern", "kind", "iface", "by_name")

    def __init__(self, item: W.WorldItem, extern: T.Extern, kind: str, iface: str | None,
                 by_name: bool) -> None:
        self.item = item
        self.extern = extern
        self.kind = kind  # func, interface, type
        self.iface = iface
        self.by_name = by_name  # imported or exported under the interface's own name


class WorldInfo:
    __slots__ = ("model", "imports", "exports")

    def __init__(self, model: W.World, imports: dict[str, WorldEntry],
                 exports: dict[str, WorldEntry]) -> None:
        self.model = model
        self.imports = imports
        self.exports = exports


class PkgInfo:
    __slots__ = ("name", "interfaces", "worlds", "excluded", "model")

    def __init__(self, name: W.PackageName) -> None:
        self.name = name
        self.interfaces: dict[str, IfaceInfo] = {}
        self.worlds: dict[str, WorldInfo] = {}
        self.excluded: dict[str, str] = {}  # gated-out item -> "interface" or "world"
        self.model: W.Package | None = None


class Registry:
    def __init__(self) -> None:
        self.packages: dict[str, PkgInfo] = {}
        self.interfaces: dict[str, IfaceInfo] = {}


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
                f"package `{key}` is defined in two different locations:\n"
                f"  * {ps.name.span.source.path}:{b[0]}:{b[1]}\n"
                f"  * {first.source.path}:{a[0]}:{a[1]}", ps.name.span)
        by_key[key] = ps
    order = _package_order(loaded.packages, by_key)
    registry = Registry()
    models = []
    for ps in order:
        info = PackageResolver(ps, registry, feats, by_key).run()
        models.append(info.model)
    main = _model_name(loaded.main)
    return W.Resolved(tuple(models), main)  # type: ignore[arg-type]


def _model_name(ref: A.PackageRef) -> W.PackageName:
    return W.PackageName(ref.namespace, ref.name, ref.version)


def find_package(ref: A.PackageRef, by_key: dict[str, PackageSource]) -> PackageSource:
    found = by_key.get(ref.key())
    if found is None and ref.version is None:
        same = [p for p in by_key.values()
                if p.name.namespace == ref.namespace and p.name.name == ref.name]
        if len(same) == 1:
            found = same[0]
    if found is None:
        known = "\n".join(f"    {k}" for k in sorted(by_key))
        raise TextError.at(f"package '{ref.key()}' not found. known packages:\n{known}", ref.span)
    return found


def _package_order(packages: tuple[PackageSource, ...],
                   by_key: dict[str, PackageSource]) -> list[PackageSource]:
    """Dependencies before their users; a package that reaches itself is refused at the
    reference that closes the cycle."""
    edges: dict[int, list[tuple[PackageSource, A.UsePath]]] = {}
    for ps in packages:
        edges[id(ps)] = [(find_package(p.package, by_key), p)  # type: ignore[arg-type]
                         for p in _foreign_paths(ps.units)]
    def cycle(target: PackageSource, edge: tuple[PackageSource, A.UsePath]) -> TextError:
        first, first_path = edge
        return TextError.at(f"package `{first.name.key()}` creates a dependency cycle",
                            first_path.span)

    return depth_first_order(list(packages), lambda ps: [t for t, _ in edges[id(ps)]],
                             lambda target, i: cycle(target, edges[id(target)][i]))


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
        for m in item.members:
            if isinstance(m, (A.Use, A.Include)):
                yield m.path
            elif isinstance(m, A.Extern):
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
                 by_key: dict[str, PackageSource]) -> None:
        self.ps = ps
        self.registry = registry
        self.features = features
        self.by_key = by_key
        self.name = _model_name(ps.name)
        self.info = PkgInfo(self.name)
        self.items: dict[str, tuple[object, Unit]] = {}  # name -> (definition, unit)
        self.scopes: dict[int, dict[str, Target]] = {}  # id(unit) -> file-local names

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
            self.scopes[id(unit)] = self._file_scope(unit)
        interfaces: list[W.Interface] = []
        worlds: list[W.World] = []
        for item, unit in self._item_order():
            if self.features.excluded(item.gates):  # type: ignore[attr-defined]
                kind = "interface" if isinstance(item, A.InterfaceDef) else "world"
                self.info.excluded[item.name.name] = kind  # type: ignore[attr-defined]
                continue
            self._check_since(item.gates, item.name.span)  # type: ignore[attr-defined]
            if isinstance(item, A.InterfaceDef):
                key = self.name.interface(item.name.name)  # type: ignore[union-attr]
                info = self.interface(item, unit, key)
                self.info.interfaces[item.name.name] = info  # type: ignore[union-attr]
                self.registry.interfaces[key] = info
            else:
                self.info.worlds[item.name.name] = self.world(item, unit)  # type: ignore[attr-defined]
        # the model lists them as written
        for unit in self.ps.units:
            for item in unit.items:
                if isinstance(item, A.InterfaceDef) and item.name.name in self.info.interfaces:  # type: ignore[union-attr]
                    interfaces.append(self.info.interfaces[item.name.name].model)  # type: ignore[union-attr]
                elif isinstance(item, A.WorldDef) and item.name.name in self.info.worlds:
                    worlds.append(self.info.worlds[item.name.name].model)
        self.info.model = W.Package(self.name, tuple(interfaces), tuple(worlds), self.ps.docs)
        self.registry.packages[self.ps.name.key()] = self.info
        return self.info

    def _foreign_kinds(self) -> None:
        """As wit-parser does, the first mention of a foreign `pkg/name` says whether it
        is an interface (a `use`, an import or export) or a world (an `include`), and a later
        mention as the other kind is refused before anything is looked up."""
        kinds: dict[tuple[str, str], str] = {}
        for unit in self.ps.units:
            for item in unit.items:
                refs = ([(item.path, "interface")] if isinstance(item, A.TopUse)
                        else list(_item_refs(item)))
                for path, want in refs:
                    if path.package is None:
                        continue
                    key = (path.package.key(), path.name.name)
                    first = kinds.setdefault(key, want)
                    if first != want:
                        raise TextError.at(
                            f"name `{path.name.name}` is defined as "
                            f"{'an interface' if first == 'interface' else 'a world'}, not "
                            f"{'an interface' if want == 'interface' else 'a world'}",
                            path.name.span)

    def _file_scope(self, unit: Unit) -> dict[str, Target]:
        scope: dict[str, Target] = {}
        for item in unit.items:
            if isinstance(item, A.TopUse):
                target = self._path_target(item.path, None,
                                           "interface" if item.path.package else None)
                local = item.local_name()
                if local.name in scope:
                    raise TextError.at(f"duplicate name `{local.name}` in this file", local.span)
                scope[local.name] = target
        for item in unit.items:
            if isinstance(item, (A.InterfaceDef, A.WorldDef)) and item.name.name in scope:  # type: ignore[union-attr]
                raise TextError.at(f"duplicate name `{item.name.name}` in this file",  # type: ignore[union-attr]
                                   item.name.span)  # type: ignore[union-attr]
        return scope

    def _path_target(self, path: A.UsePath, unit: Unit | None, want: str | None) -> Target:
        """What a use path names; `unit` None for a file's top-level `use`, which sees only
        the package's own items."""
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
        ps = find_package(path.package, self.by_key)
        pkg = self.registry.packages.get(ps.name.key())
        if pkg is None or ps is self.ps:
            raise TextError.at(f"package `{ps.name.key()}` creates a dependency cycle", path.span)
        kind = want or ("world" if name.name in pkg.worlds else "interface")
        table = pkg.interfaces if kind == "interface" else pkg.worlds
        if name.name not in table:
            other = pkg.worlds if kind == "interface" else pkg.interfaces
            excluded = pkg.excluded.get(name.name)
            if excluded == kind:
                raise TextError.at(GATED_WORLD if kind == "world" else GATED_INTERFACE, name.span)
            if name.name in other and want is not None:
                raise TextError.at(f"name `{name.name}` is defined as an "
                                   f"{'interface' if kind == 'world' else 'world'}, not "
                                   f"{'a world' if kind == 'world' else 'an interface'}",
                                   name.span)
            raise TextError.at(f"{kind} '{name.name}' not found in package '{pkg.name}'",
                               name.span)
        return Target(kind, None, ps.name.key(), name.name, name.span)

    def _want(self, target: Target, want: str | None, at: A.Id) -> Target:
        if want is not None and target.kind != want:
            article = "an interface" if want == "interface" else "a world"
            raise TextError.at(f"name `{at.name}` is defined as {'a world' if want == 'interface' else 'an interface'}, "
                               f"not {article}", at.span)
        return target

    def _iface(self, target: Target, at: A.Span) -> IfaceInfo:
        """The resolved interface a target names (resolved already: dependencies first)."""
        if target.local is not None:
            name = target.local.name.name  # type: ignore[attr-defined]
            if self.info.excluded.get(name) == "interface":
                raise TextError.at(GATED_INTERFACE, at)
            info = self.info.interfaces.get(name)
            if info is None:
                raise TextError.at(f"interface or world `{name}` depends on itself", at)
            return info
        return self.registry.packages[target.key].interfaces[target.name]  # type: ignore[index]

    def _world(self, target: Target, at: A.Span) -> WorldInfo:
        if target.local is not None:
            name = target.local.name.name  # type: ignore[attr-defined]
            if self.info.excluded.get(name) == "world":
                raise TextError.at(GATED_WORLD, at)
            return self.info.worlds[name]
        return self.registry.packages[target.key].worlds[target.name]  # type: ignore[index]

    def _check_since(self, gates: A.Gates, at: A.Span) -> None:
        if gates.since is None or self.name.version is None:
            return
        since, own = Version.parse(gates.since[0]), Version.parse(self.name.version)
        if since is not None and own is not None and _precedes(own, since):
            raise TextError.at(f"feature gate cannot reference unreleased version {since} of "
                               f"package [{self.name}] (current version {own})", at)

    # -- the order of interfaces and worlds --------------------------------------------------

    def _item_order(self) -> list[tuple[object, Unit]]:
        """Interfaces and worlds, each after those it refers to in this package."""
        nodes = [(item, unit) for unit in self.ps.units for item in unit.items
                 if isinstance(item, (A.InterfaceDef, A.WorldDef))]
        edges: dict[int, list[object]] = {}
        for item, unit in nodes:
            out = []
            for path, want in _item_refs(item):
                if path.package is not None:
                    continue
                found = self.scopes[id(unit)].get(path.name.name)
                local = found.local if found is not None else self.items.get(path.name.name, (None,))[0]
                # a reference to the wrong kind of item is refused where it is resolved
                if local is not None and (want == "world") == isinstance(local, A.WorldDef):
                    out.append(local)
            edges[id(item)] = out
        unit_of = {id(i): u for i, u in nodes}

        def cycle(target: object, i: int) -> TextError:
            first = edges[id(target)][i]
            return TextError.at(f"interface or world `{first.name.name}` depends on itself",  # type: ignore[attr-defined]
                                first.name.span)  # type: ignore[attr-defined]

        order = depth_first_order([item for item, _ in nodes], lambda n: edges[id(n)], cycle)
        return [(node, unit_of[id(node)]) for node in order]

    # -- interfaces ---------------------------------------------------------------------------

    def interface(self, defn: A.InterfaceDef, unit: Unit, key: str) -> IfaceInfo:
        scope = TypeScope(key)
        deps: list[str] = []
        items, exports = self._members(defn.members, unit, scope, deps, key)
        itype = T.InstanceType(exports)
        model = W.Interface(defn.name.name if defn.name else None, tuple(items), defn.docs,
                            model_gate(defn.gates), itype)
        return IfaceInfo(key, model, scope, deps, self.name if defn.name else None)

    def _members(self, members: tuple, unit: Unit, scope: TypeScope, deps: list[str],
                 owner: str | None) -> tuple[list[W.InterfaceItem], dict[str, T.Extern]]:
        """The items of an interface (or a world's types), declared, checked and built."""
        feats = self.features
        declared: list[tuple[object, Entry | None]] = []
        typedefs: list[Entry] = []
        for m in members:
            excluded = feats.excluded(m.gates)
            if not excluded:
                self._check_since(m.gates, m.name.span if hasattr(m, "name") else m.span)
            if isinstance(m, A.Use):
                declared.append((m, None))
                self._use(m, unit, scope, deps, excluded)
            elif isinstance(m, A.TypeDef):
                entry = scope.declare_typedef(m, excluded)
                declared.append((m, entry))
                if entry.kind == "typedef":
                    typedefs.append(entry)
                for f in m.methods:
                    fname = _resource_func_name(m.name.name, f)
                    if excluded and not feats.excluded(f.gates):
                        # a function of a resource left out would refer to it
                        raise TextError.at(GATED_TYPE, f.name.span)
                    scope.define(A.Id(fname, f.name.span),
                                 Entry("func", None, f, excluded or feats.excluded(f.gates), f.name.span),
                                 "duplicate name `{}`")
            else:
                scope.define(m.name, Entry("func", None, m, excluded, m.name.span),
                             "duplicate name `{}`")
                declared.append((m, None))
        scope.check_cycles([e for e in typedefs])
        for e in typedefs:
            if not e.excluded:
                scope.fill(e)
        items: list[W.InterfaceItem] = []
        exports: dict[str, T.Extern] = {}
        for m, entry in declared:
            if feats.excluded(m.gates):  # type: ignore[attr-defined]
                continue
            gate = model_gate(m.gates)  # type: ignore[attr-defined]
            if isinstance(m, A.Use):
                names = tuple((a.name, (b or a).name) for a, b in m.names)
                src = self._use_source(m.path, unit)
                items.append(W.UseItem(src, names, gate))
                for _, local in names:
                    exports[local] = scope.entries[local].value  # type: ignore[assignment]
            elif isinstance(m, A.TypeDef):
                value = entry.value  # type: ignore[union-attr]
                exports[m.name.name] = value  # type: ignore[assignment]
                inner = value if isinstance(value, T.ResourceType) else value.type  # type: ignore[attr-defined]
                member_docs = tuple((f.name.name, f.docs) for f in m.fields if f.docs is not None)
                items.append(W.TypeItem(m.name.name, inner, m.docs, gate, member_docs))
                for f in m.methods:
                    if feats.excluded(f.gates):
                        continue
                    fname = _resource_func_name(m.name.name, f)
                    ft = self._resource_func(scope, entry, m, f, fname)  # type: ignore[arg-type]
                    exports[fname] = ft
                    items.append(W.FunctionItem(fname, ft, f.docs, model_gate(f.gates)))
            else:
                ft = scope.func(m.sig, m.name.name, m.name.span)  # type: ignore[attr-defined]
                exports[m.name.name] = ft  # type: ignore[attr-defined]
                items.append(W.FunctionItem(m.name.name, ft, m.docs, gate))  # type: ignore[attr-defined]
        return items, exports

    def _use_source(self, path: A.UsePath, unit: Unit) -> W.InterfaceRef:
        target = self._path_target(path, unit, "interface")
        info = self._iface(target, path.name.span)
        pkg = info.package
        return W.InterfaceRef(None if pkg == self.name else pkg, info.model.name or "")

    def _use(self, m: A.Use, unit: Unit, scope: TypeScope, deps: list[str], excluded: bool) -> None:
        target = self._path_target(m.path, unit, "interface")
        if excluded:
            # the names are taken even so; what they stand for is never asked for
            for name, alias in m.names:
                scope.define(alias or name, Entry("used", None, m, True, (alias or name).span))
            return
        info = self._iface(target, m.path.name.span)
        if info.key not in deps:
            deps.append(info.key)
        foreign = target.local is None
        for name, alias in m.names:
            entry = info.scope.entries.get(name.name)
            if entry is None or entry.kind == "func":
                raise TextError.at(f"type `{name.name}` not defined in interface" if foreign
                                   else f"name `{name.name}` does not exist", name.span)
            if entry.excluded:
                raise TextError.at("found a reference to a type which is excluded due to its "
                                   "feature not being activated", name.span)
            local = alias or name
            value = T.NamedType(local.name, entry.value, scope.owner)  # type: ignore[arg-type]
            scope.define(local, Entry("used", value, m, False, local.span))

    def _resource_func(self, scope: TypeScope, entry: Entry, td: A.TypeDef, f: A.ResourceFunc,
                       fname: str) -> T.FuncType:
        res = entry.value
        site = f.name.span
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
    if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch):
        return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    if a.pre == b.pre:
        return False
    return bool(a.pre) and (not b.pre or a.pre < b.pre)


def _resource_func_name(resource: str, f: A.ResourceFunc) -> str:
    if f.kind == "constructor":
        return f"[constructor]{resource}"
    return f"[{f.kind}]{resource}.{f.name.name}"


from .worlds import WorldBuilder  # noqa: E402  (worlds.py builds on the classes above)

__all__ = ["resolve"]
