"""Worlds: imports and exports with `include`s applied, the interfaces they need imported
implicitly (as wit-parser elaborates them), and the component type they describe.

The order is wit-parser's, so a world prints as wasm-tools prints it: the world's types,
its imports as written (each interface after the interfaces it uses), what `include`s bring,
the interfaces its types come from, then what exported interfaces need. An interface
imported because something else needs it carries that thing's feature gate; the first
reason an interface is imported for is the one kept. Every dependency walk here visits an
interface once (what is imported already has what it needs): time is linear in the world.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import types as T
from ...model.names import strongly_unique_key
from .. import witmodel as W
from ...diagnostics import TextError
from . import tree as A
from .scope import GATED_TYPE, TypeScope

if TYPE_CHECKING:
    from .packages import Unit
    from .resolve import IfaceInfo, PackageResolver, WorldEntry, WorldInfo


class WorldBuilder:
    def __init__(self, pr: "PackageResolver", defn: A.WorldDef, unit: "Unit",
                 excluded: bool = False) -> None:
        self.pr = pr
        self.defn = defn
        self.unit = unit
        self.left_out = excluded  # the world is left out by a feature gate
        self.imports: dict[str, WorldEntry] = {}
        self.exports: dict[str, WorldEntry] = {}
        # strongly-unique key -> the plain name (not an interface's own) that has it
        self.plain: dict[str, dict[str, str]] = {"import": {}, "export": {}}
        self.scope = TypeScope(None, "name `{}` does not exist", pr.registry.borrowing,
                               pr.anonymous)
        self.externs = [m for m in defn.members if isinstance(m, A.Extern)]
        self.built: dict[int, object] = {}  # id(extern) -> its function or interface, built
        self.includes = [m for m in defn.members if isinstance(m, A.Include)]

    # -- what wit-parser checks of every world ----------------------------------------------

    def check(self) -> None:
        """A world left out by a feature gate: resolved as far as wit-parser resolves one
        (its types, what its imports, exports and includes name), then dropped."""
        self._types()
        self._check_externs()

    def _types(self) -> list[tuple[W.InterfaceItem, A.WorldMember]]:
        """The world's own types (`use` and type definitions), imported under their names."""
        types = tuple(m for m in self.defn.members if isinstance(m, (A.Use, A.TypeDef)))
        deps: list[str] = []
        items, externs = self.pr._members(types, self.unit, self.scope, deps, None,
                                          self.left_out, "world")
        if not self.left_out:
            # wit-parser looks up a world's own types before their gates: one gated out is
            # a reference to a type left out
            gated = [n for m in types if isinstance(m, A.Use) and self.pr.features.excluded(m.gates)
                     for n, _ in m.names]
            gated += [m.name for m in types
                      if isinstance(m, A.TypeDef) and self.pr.features.excluded(m.gates)]
            if gated:
                raise TextError.at(GATED_TYPE, gated[0].span)
        for item in items:
            if isinstance(item, W.UseItem):
                for orig, local in item.names:
                    one = W.UseItem(item.source, ((orig, local),), item.gate)
                    self.add("import", local, one, externs[local], "type", None, False,
                             self.scope.entries[local].span)
            else:
                self.add("import", item.name, item, externs[item.name],  # type: ignore[union-attr]
                         "type" if isinstance(item, W.TypeItem) else "func", None, False,
                         self.defn.name.span)
        return items  # type: ignore[return-value]

    def _check_externs(self) -> None:
        """The names of the imports and exports as written, gated or not: an interface once
        per direction, a name once (with the world's types, among imports)."""
        pr, feats = self.pr, self.pr.features
        # what `include`s name, first
        # (the version of a path into another package is checked whatever holds it: wit-parser
        # checks it when it looks that package up)
        for m in self.includes:
            pr._check_gates(m.gates, m.path.name.span,
                            not self.left_out or m.path.package is not None)
            if not pr.skips_lookup(m.path, m.gates):
                pr._path_target(m.path, self.unit, "world")
        # the world's own types come first among its imports, gated off or not
        types: dict[str, tuple[str, str]] = {}
        for m in self.defn.members:
            if isinstance(m, A.Use):
                for n, alias in m.names:
                    types[strongly_unique_key((alias or n).name)] = ((alias or n).name, "type")
            elif isinstance(m, A.TypeDef):
                types[strongly_unique_key(m.name.name)] = (m.name.name, "type")
        names = {"import": types, "export": {}}
        interfaces: dict[str, set[str]] = {"import": set(), "export": set()}
        for m in self.externs:
            d = m.direction
            at = m.name.span if m.name else m.path.name.span  # type: ignore[union-attr]
            # (an inline interface is the package's own: its version is checked whatever
            # holds it)
            pr._check_gates(m.gates, at, not self.left_out or m.kind == "interface" or (
                m.path is not None and m.path.package is not None))
            left_out = self.left_out or feats.excluded(m.gates)
            if m.kind == "path":
                if pr.skips_lookup(m.path, m.gates):  # type: ignore[arg-type]
                    key = _written_key(m.path)  # type: ignore[arg-type]
                else:
                    target = pr._path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                    key = pr._iface(target, m.path.name.span, gated_ok=True).key  # type: ignore[union-attr]
                if key in interfaces[d]:
                    raise TextError.at(f"interface cannot be {d}ed more than once", at)
                interfaces[d].add(key)
                continue
            name = m.name.name  # type: ignore[union-attr]
            if m.kind == "func":
                self.built[id(m)] = self.scope.func(m.sig, name, None if left_out else at)  # type: ignore[arg-type]
                kind = "func"
            else:
                kind = "interface"
                if m.kind == "implements":
                    if not pr.skips_lookup(m.path, m.gates):  # type: ignore[arg-type]
                        target = pr._path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                        pr._iface(target, m.path.name.span, gated_ok=True)  # type: ignore[union-attr]
                else:
                    # an inline interface is kept or left out by its own gate: wit-parser
                    # keeps it apart from the world, whose gate does not reach it
                    deps: list[str] = []
                    scope = TypeScope(name, borrowing=pr.registry.borrowing,
                                      anonymous=pr.anonymous)
                    built = pr._members(m.interface.members, self.unit, scope, deps,  # type: ignore[union-attr]
                                        name, feats.excluded(m.gates))
                    self.built[id(m)] = (built, deps)
            key = strongly_unique_key(name)
            prior = names[d].get(key)
            if prior is not None:
                if prior[0] != name:
                    raise TextError.at(f"name `{name}` conflicts with previous name `{prior[0]}`", at)
                raise TextError.at(f"{d} `{name}` conflicts with prior {prior[1]} of same name", at)
            names[d][key] = (name, kind)

    # -- the world built ----------------------------------------------------------------------

    def build(self) -> "WorldInfo":
        from .resolve import WorldInfo, model_gate

        pr, feats = self.pr, self.pr.features
        self._types()
        self._check_externs()
        live = [m for m in self.externs if not feats.excluded(m.gates)]
        exports = []
        for m in live:
            if m.direction == "import":
                self.extern(m, model_gate(m.gates))
            else:
                exports.append(m)
        # the interfaces the world exports by their own names, looked up now (wit-parser
        # resolves them before includes): an include exporting one too merges its gate
        self.own_exports: dict[str, A.Extern] = {}
        self.included_exports: list[tuple] = []  # type: ignore[type-arg]
        for m in exports:
            if m.kind == "path":
                target = pr._path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                self.own_exports[pr._iface(target, m.path.name.span).key] = m  # type: ignore[union-attr]
        # as wit-parser does: what `include`s bring comes after the world's own imports
        for m in self.includes:
            if not feats.excluded(m.gates):
                self.include(m)
            elif not pr.skips_lookup(m.path, m.gates):
                pr._path_target(m.path, self.unit, "world")
        # then the interfaces the world's own types come from
        for m in self.defn.members:
            if isinstance(m, A.Use) and m.names and not feats.excluded(m.gates):
                target = pr._path_target(m.path, self.unit, "interface")
                self.import_deps([pr._iface(target, m.path.name.span).key], model_gate(m.gates))
        # exported interfaces are added with what they need (imported, or exported when it
        # is exported too), functions as written
        self.pending: dict[str, tuple] = {}  # type: ignore[type-arg]
        for m in exports:
            self.extern(m, model_gate(m.gates))
        self.elaborate_exports()
        for m, theirs, retyped, renames, foreign in self.included_exports:
            self._include_items(m, "export", theirs, retyped, renames, foreign)
        # imports by class, as wit-parser sorts them once elaborated (the order it prints
        # and encodes them in, and a topological one: a type a world takes from an
        # interface comes after the interface's import, whatever was written first)
        self.imports = dict(sorted(self.imports.items(), key=lambda kv: _import_class(kv[1])))
        # exported functions before exported interfaces, as wit-parser orders them
        ordered = sorted(self.exports.items(), key=lambda kv: kv[1].kind != "func")
        self.exports = dict(ordered)
        ctype = T.ComponentType({n: e.extern for n, e in self.imports.items()},
                                self.fresh_exports())
        model = W.World(self.defn.name.name,
                        tuple(e.item for e in [*self.imports.values(), *self.exports.values()]),
                        self.defn.docs, model_gate(self.defn.gates), ctype)
        return WorldInfo(model, self.imports, self.exports, pr.name)

    # -- imports and exports -----------------------------------------------------------------

    def add(self, direction: str, name: str, item: object, extern: T.Extern, kind: str,
            iface: str | None, by_name: bool, at: A.Span, deps: list[str] | None = None) -> None:
        from .resolve import WorldEntry

        table = self.imports if direction == "import" else self.exports
        if by_name:
            if name in table:
                raise TextError.at(f"interface cannot be {direction}ed more than once", at)
        else:
            other = self.plain[direction].get(strongly_unique_key(name))
            if other is not None:
                if other != name:
                    raise TextError.at(f"name `{name}` conflicts with previous name `{other}`", at)
                raise TextError.at(f"{direction} `{name}` conflicts with prior {table[other].kind} "
                                   "of same name", at)
        wi = item if isinstance(item, W.WorldItem) else W.WorldItem(direction, name, item)  # type: ignore[arg-type]
        self._put(direction, name, WorldEntry(wi, extern, kind, iface, by_name, at), deps or [])

    def _put(self, direction: str, name: str, entry: "WorldEntry", deps: list[str]) -> None:
        """An import or export in its table; a plain name's strongly-unique key noted, so
        a clash is found without a scan (a world may have thousands of them)."""
        (self.imports if direction == "import" else self.exports)[name] = entry
        if not entry.by_name:
            self.plain[direction][strongly_unique_key(name)] = name
        self._deps[id(entry)] = deps

    @property
    def _deps(self) -> dict[int, list[str]]:
        """The interfaces each entry (an inline interface, say) uses directly."""
        d = self.__dict__.get("_dep_map")
        if d is None:
            d = self.__dict__["_dep_map"] = {}
        return d

    def extern(self, m: A.Extern, gate: W.Gate | None) -> None:
        """An import or export as written. An exported interface waits in `pending` for
        `elaborate_exports`, which adds it after what it needs."""
        pr = self.pr
        d = m.direction
        if m.kind == "func":
            ft = self.built[id(m)]
            item = W.WorldItem(d, m.name.name, W.FunctionItem(m.name.name, ft, m.docs, gate),  # type: ignore[union-attr]
                               m.docs, gate)
            self.add(d, m.name.name, item, ft, "func", None, False, m.name.span)  # type: ignore[union-attr]
            return
        if m.kind == "interface":
            name = m.name.name  # type: ignore[union-attr]
            (items, exports), deps = self.built[id(m)]
            itype = T.InstanceType(exports)
            item = W.WorldItem(d, name, W.Interface(None, tuple(items), m.docs, None, itype),
                               m.docs, gate)
            if d == "export":
                self.pending[name] = (item, itype, None, False, m.name.span, deps)  # type: ignore[union-attr]
                return
            self.import_deps(deps, gate)
            self.add(d, name, item, itype, "interface", None, False, m.name.span, deps)  # type: ignore[union-attr]
            return
        target = pr._path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
        info = pr._iface(target, m.path.name.span)  # type: ignore[union-attr]
        ref = W.InterfaceRef(None if info.package == pr.name else info.package,
                             info.model.name or "")
        if m.kind == "path":
            item = W.WorldItem(d, info.key, ref, m.docs, gate)
            if d == "export":
                self.pending[info.key] = (item, info.model.instance_type, info.key, True,
                                          m.path.name.span, list(info.deps))  # type: ignore[union-attr]
                return
            self.import_deps(info.deps, gate)
            if info.key not in self.imports:  # imported already because another needed it
                self.add(d, info.key, item, info.model.instance_type, "interface", info.key,  # type: ignore[arg-type]
                         True, m.path.name.span, list(info.deps))  # type: ignore[union-attr]
            return
        name = m.name.name  # type: ignore[union-attr]
        item = W.WorldItem(d, name, ref, m.docs, gate)
        if d == "export":
            self.pending[name] = (item, _fresh(info), info.key, False, m.name.span,  # type: ignore[union-attr]
                                  list(info.deps))
            return
        self.import_deps(info.deps, gate)
        self.add(d, name, item, _fresh(info), "interface", info.key, False, m.name.span,  # type: ignore[union-attr]
                 list(info.deps))

    def import_deps(self, deps: list[str], gate: W.Gate | None) -> None:
        """Import the interfaces `deps` name and those they need, each after what it needs,
        with `gate`; an interface imported already is left as it is (and has what it needs
        imported already)."""
        reg = self.pr.registry.interfaces
        imports = self.imports
        for root in deps:
            if root in imports:
                continue
            stack = [(root, 0)]
            pending = {root}
            while stack:
                key, i = stack[-1]
                nxt = reg[key].deps
                if i < len(nxt):
                    stack[-1] = (key, i + 1)
                    dep = nxt[i]
                    if dep not in imports and dep not in pending:
                        pending.add(dep)
                        stack.append((dep, 0))
                    continue
                stack.pop()
                self._implicit_import(reg[key], gate)

    def _implicit_import(self, info: "IfaceInfo", gate: W.Gate | None) -> None:
        key = info.key
        ref = W.InterfaceRef(None if info.package == self.pr.name else info.package,
                             info.model.name or "")
        self.add("import", key, W.WorldItem("import", key, ref, None, gate),
                 info.model.instance_type, "interface", key, True, self.defn.name.span,  # type: ignore[arg-type]
                 list(info.deps))

    def elaborate_exports(self) -> None:
        """Exported interfaces, each after what it uses: imported, or exported when it is
        exported by its own name too. An interface imported that way may not itself need an
        exported one (the two copies would differ): wit-parser's walk and order."""
        reg = self.pr.registry.interfaces
        exported = {v[2] for v in self.pending.values() if v[3]}  # by their own names
        required: set[str] = set()
        for name, (item, _, iface, by_name, at, deps) in list(self.pending.items()):
            ident = iface if by_name else f"\0{name}"
            if not self._export_walk(ident, name, deps, exported, required, reg, item.gate):  # type: ignore[attr-defined]
                raise TextError.at(f"interface `{name}` transitively depends on an interface "
                                   "in incompatible ways", self.defn.name.span)

    def _export_walk(self, root: str, name: str, deps: list[str], exported: set[str],
                     required: set[str], reg: dict, gate: W.Gate | None) -> bool:  # type: ignore[type-arg]
        """Add export `name` (interface `root`) after what it needs; False when an interface
        would have to be both imported and exported."""

        def enter(key: str, table_name: str, export: bool) -> bool | None:
            if table_name in self.exports:
                return export
            if not export and key in required:
                return True
            return None

        done = enter(root, name, True)
        if done is not None:
            return done
        stack = [(root, name, True, iter(deps))]
        while stack:
            key, table_name, export, todo = stack[-1]
            dep = next(todo, None)
            if dep is not None:
                dep_export = export and dep in exported
                done = enter(dep, dep, dep_export)
                if done is None:
                    stack.append((dep, dep, dep_export, iter(reg[dep].deps)))
                elif not done:
                    return False
                continue
            stack.pop()
            if export:
                if key in required:
                    return False
                self._put_export(table_name, reg.get(key), gate)
            else:
                required.add(key)
                if key not in self.imports:
                    self._implicit_import(reg[key], gate)
        return True

    def _put_export(self, name: str, info: "IfaceInfo | None", gate: W.Gate | None) -> None:
        """Export `name`: as written, or (an exported interface another one needs first)
        with the gate of the one that needs it."""
        item, extern, iface, by_name, at, deps = self.pending[name]
        if item.gate != gate:
            item = item.replace(gate=gate)
        self.add("export", name, item, extern, "interface", iface, by_name, at, deps)

    def fresh_exports(self) -> dict[str, T.Extern]:
        """Exports declare resources of their own, distinct from the imports' (an
        interface both imported and exported has two sets)."""
        mapping: dict[object, object] = {}
        for key, e in self.exports.items():
            if e.by_name:
                for r in _declared(e.extern, key):
                    mapping[r] = T.ResourceType(r.name, r.owner)
        return {n: T.substitute(e.extern, mapping) for n, e in self.exports.items()}  # type: ignore[misc]

    def include(self, m: A.Include) -> None:
        pr = self.pr
        target = pr._path_target(m.path, self.unit, "world")
        wi = pr._world(target, m.path.span)
        plain = {n for n, e in [*wi.imports.items(), *wi.exports.items()] if not e.by_name}
        renames: dict[str, str] = {}
        for old, new in m.renames:
            if old.name not in plain:
                raise TextError.at(f"no import or export kebab-name `{old.name}`. Note that an "
                                   "ID does not support renaming", m.path.span)
            renames[old.name] = new.name
        retyped = _renamed_types(wi, renames)
        # as wit-parser does, an interface named by its own name loses a `@since` gate in a
        # world of another package (that version is the other package's)
        foreign = wi.package != pr.name
        self._include_items(m, "import", wi.imports, retyped, renames, foreign)
        # as wit-parser orders them, what an include exports comes after the world's own
        # exports (`build` adds it once those are in place)
        self.included_exports.append((m, wi.exports, retyped, renames, foreign))

    def _include_items(self, m: A.Include, direction: str, theirs: dict, retyped: dict | None,
                       renames: dict[str, str], foreign: bool) -> None:
        ours = self.imports if direction == "import" else self.exports
        for name, e in theirs.items():
            if e.by_name:
                gate = e.item.gate
                if foreign and gate is not None and gate.since is not None:
                    gate = None
                own = self.own_exports.get(name) if direction == "export" else None
                prior = ours.get(name)
                if own is not None and prior is not None:  # exported by the world itself
                    self._merge_own_export_gate(prior, own, gate, e.at or m.path.span)
                    continue
                if prior is not None:
                    self._merge_gate(prior, gate, m)
                    continue
                self._copy(e, name, direction, retyped, gate)
                continue
            new = _renamed(name, renames)
            if strongly_unique_key(new) in self.plain[direction]:
                raise TextError.at(f"{direction} of `{new}` shadows previously "
                                   f"{direction}ed items", m.path.span)
            self._copy(e, new, direction, retyped, e.item.gate)

    @staticmethod
    def _merge_gate(prior: "WorldEntry", gate: W.Gate | None, m: A.Include) -> None:
        """An interface both here and in an included world: a gate given on one side only
        is kept; two different gates are refused."""
        if gate is None or prior.item.gate == gate:
            return
        if prior.item.gate is not None:
            raise TextError.at("mismatch in stability attributes of an interface this world "
                               "and the included one both have", m.path.span)
        prior.item = prior.item.replace(gate=gate)

    @staticmethod
    def _merge_own_export_gate(prior: "WorldEntry", own: A.Extern, gate: W.Gate | None,
                               at: A.Span) -> None:
        """An interface the world exports by its name (`prior`, as written: `own`), which
        an included world exports too (written `at` there): as `_merge_gate`, where
        wit-parser points, at the included world's export."""
        from .resolve import model_gate

        own_gate = model_gate(own.gates)
        if gate is None or own_gate == gate:
            return
        if own_gate is not None:
            raise TextError.at("mismatch in stability attributes of an interface this world "
                               "and the included one both have", at)
        prior.item = prior.item.replace(gate=gate)

    def _copy(self, e: "WorldEntry", name: str, direction: str,
              retyped: dict[object, object] | None, gate: W.Gate | None) -> None:
        from .resolve import WorldEntry

        item, extern = e.item, e.extern
        if retyped:
            # a type renamed by `include ... with { r as s }` is another type, named `s`,
            # wherever the included world's items use it
            extern = T.substitute(extern, retyped)  # type: ignore[assignment]
            target = item.target
            if isinstance(target, W.FunctionItem):
                target = target.replace(name=name, type=T.substitute(target.type, retyped))
            elif isinstance(target, W.TypeItem):
                target = target.replace(name=name, type=retyped.get(target.type, target.type))
            item = item.replace(target=target)
        if item.name != name:
            item = item.replace(name=name)
        if item.gate != gate:
            item = item.replace(gate=gate)
        copy = WorldEntry(item, extern, e.kind, e.iface, e.by_name, e.at)
        self._put(direction, name, copy,
                  list(self.pr.registry.interfaces[e.iface].deps) if e.iface else [])


def _import_class(e: "WorldEntry") -> int:
    """wit-parser's order of a world's imports: interfaces, types taken from an interface,
    types defined in the world, functions, then the functions of the world's resources."""
    if e.kind == "interface":
        return 0
    if e.kind == "type":
        return 1 if isinstance(e.item.target, W.UseItem) else 2
    return 4 if e.item.name.startswith("[") else 3


def _written_key(path: A.UsePath) -> str:
    """The extern name a path into another package names, as written."""
    ref = path.package
    return f"{ref.namespace}:{ref.name}/{path.name.name}" + (f"@{ref.version}" if ref.version else "")  # type: ignore[union-attr]


def _renamed(name: str, renames: dict[str, str]) -> str:
    """A world item's name after `include ... with { r as s }`: `r` itself, and the functions
    of resource `r` (`[constructor]r`, `[method]r.m`, `[static]r.m`)."""
    if name in renames:
        return renames[name]
    if name.startswith("[") and "]" in name:
        head, _, rest = name.partition("]")
        resource, dot, member = rest.partition(".")
        if resource in renames:
            return f"{head}]{renames[resource]}{dot}{member}"
    return name


def _renamed_types(world: "WorldInfo", renames: dict[str, str]) -> dict[object, object]:
    """The resources an include renames, each to a resource of the new name."""
    mapping: dict[object, object] = {}
    for old, new in renames.items():
        entry = world.imports.get(old) or world.exports.get(old)
        if entry is not None and isinstance(entry.extern, T.ResourceType):
            mapping[entry.extern] = T.ResourceType(new, entry.extern.owner)
    return mapping


def _declared(extern: object, owner: str) -> list[T.ResourceType]:
    if not isinstance(extern, T.InstanceType):
        return []
    return [v for v in extern.exports.values() if isinstance(v, T.ResourceType) and v.owner == owner]


def _fresh(info: "IfaceInfo") -> T.Extern:
    """An interface imported or exported under a plain name of its own has resources of its
    own."""
    mapping = {r: T.ResourceType(r.name, r.owner) for r in _declared(info.model.instance_type, info.key)}
    return T.substitute(info.model.instance_type, mapping)  # type: ignore[return-value]
