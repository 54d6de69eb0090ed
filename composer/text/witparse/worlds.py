"""Worlds: imports and exports with `include`s applied, the interfaces they need imported
implicitly (as wit-parser elaborates them), and the component type they describe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import types as T
from .. import witmodel as W
from ..diagnostics import TextError
from . import tree as A
from .scope import TypeScope

if TYPE_CHECKING:
    from .packages import Unit
    from .resolve import IfaceInfo, PackageResolver, WorldEntry, WorldInfo


class WorldBuilder:
    def __init__(self, pr: "PackageResolver", defn: A.WorldDef, unit: "Unit") -> None:
        self.pr = pr
        self.defn = defn
        self.unit = unit
        self.key = pr.name.interface(defn.name.name)
        self.imports: dict[str, WorldEntry] = {}
        self.exports: dict[str, WorldEntry] = {}
        self.scope = TypeScope(None, "name `{}` does not exist")
        self.explicit: dict[str, set[str]] = {"import": set(), "export": set()}

    def build(self) -> "WorldInfo":
        from .resolve import WorldInfo, model_gate

        pr, feats = self.pr, self.pr.features
        types = [m for m in self.defn.members if isinstance(m, (A.Use, A.TypeDef))]
        deps: list[str] = []
        items, externs = pr._members(tuple(types), self.unit, self.scope, deps, None)
        self.import_deps(deps)
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
        live = [m for m in self.defn.members
                if not isinstance(m, (A.Use, A.TypeDef)) and not feats.excluded(m.gates)]
        for m in live:
            if isinstance(m, A.Extern):
                pr._check_since(m.gates, m.name.span if m.name else m.path.span)  # type: ignore[union-attr]
                self.extern(m, model_gate(m.gates))
        # as wit-parser does, includes come after the world's own imports and exports, so
        # a clash is reported at the `include`
        for m in live:
            if isinstance(m, A.Include):
                pr._check_since(m.gates, m.path.span)
                self.include(m)
        self.elaborate_exports()
        ctype = T.ComponentType({n: e.extern for n, e in self.imports.items()},
                                self.fresh_exports())
        model = W.World(self.defn.name.name,
                        tuple(e.item for e in [*self.imports.values(), *self.exports.values()]),
                        self.defn.docs, model_gate(self.defn.gates), ctype)
        return WorldInfo(model, self.imports, self.exports)

    # -- imports and exports -----------------------------------------------------------------

    def add(self, direction: str, name: str, item: object, extern: T.Extern, kind: str,
            iface: str | None, by_name: bool, at: A.Span, deps: list[str] | None = None) -> None:
        from .resolve import WorldEntry

        table = self.imports if direction == "import" else self.exports
        if by_name:
            if name in table:
                raise TextError.at(f"interface cannot be {direction}ed more than once", at)
        else:
            for other, prior in table.items():
                if other.lower() == name.lower() and not prior.by_name:
                    if other != name:
                        raise TextError.at(f"name `{name}` conflicts with previous name `{other}`", at)
                    raise TextError.at(f"{direction} `{name}` conflicts with prior {prior.kind} "
                                       "of same name", at)
        wi = item if isinstance(item, W.WorldItem) else W.WorldItem(direction, name, item)  # type: ignore[arg-type]
        entry = WorldEntry(wi, extern, kind, iface, by_name)
        entry_deps = deps or []
        table[name] = entry
        self._deps[id(entry)] = entry_deps

    @property
    def _deps(self) -> dict[int, list[str]]:
        d = self.__dict__.get("_dep_map")
        if d is None:
            d = self.__dict__["_dep_map"] = {}
        return d

    def extern(self, m: A.Extern, gate: W.Gate | None) -> None:
        pr = self.pr
        d = m.direction
        if m.kind == "func":
            ft = self.scope.func(m.sig, m.name.name, m.name.span)  # type: ignore[union-attr,arg-type]
            item = W.WorldItem(d, m.name.name, W.FunctionItem(m.name.name, ft, m.docs, gate),  # type: ignore[union-attr]
                               m.docs, gate)
            self.add(d, m.name.name, item, ft, "func", None, False, m.name.span)  # type: ignore[union-attr]
            return
        if m.kind == "interface":
            name = m.name.name  # type: ignore[union-attr]
            deps: list[str] = []
            items, exports = pr._members(m.interface.members, self.unit, TypeScope(name), deps, name)  # type: ignore[union-attr]
            itype = T.InstanceType(exports)
            iface = W.Interface(None, tuple(items), m.docs, None, itype)
            if d == "import":
                self.import_deps(deps)
            item = W.WorldItem(d, name, iface, m.docs, gate)
            self.add(d, name, item, itype, "interface", None, False, m.name.span, deps)  # type: ignore[union-attr]
            return
        target = pr._path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
        info = pr._iface(target, m.path.name.span)  # type: ignore[union-attr]
        ref = W.InterfaceRef(None if info.package == pr.name else info.package,
                             info.model.name or "")
        if m.kind == "path":
            table = self.imports if d == "import" else self.exports
            if info.key in self.explicit[d]:
                raise TextError.at(f"interface cannot be {d}ed more than once", m.path.span)  # type: ignore[union-attr]
            self.explicit[d].add(info.key)
            if d == "import":
                self.import_deps(info.deps)
            if info.key in table:
                # imported already because another import needed it: now named explicitly
                table[info.key].item = W.WorldItem(d, info.key, ref, m.docs, gate)
                return
            item = W.WorldItem(d, info.key, ref, m.docs, gate)
            self.add(d, info.key, item, info.model.instance_type, "interface", info.key, True,  # type: ignore[arg-type]
                     m.path.span, list(info.deps))  # type: ignore[union-attr]
            return
        name = m.name.name  # type: ignore[union-attr]
        if d == "import":
            self.import_deps(info.deps)
        extern = _fresh(info)
        item = W.WorldItem(d, name, ref, m.docs, gate)
        self.add(d, name, item, extern, "interface", info.key, False, m.name.span,  # type: ignore[union-attr]
                 list(info.deps))

    def closure(self, deps: list[str]) -> list[str]:
        """The interfaces `deps` need, transitively, each after what it needs."""
        reg = self.pr.registry.interfaces
        out: list[str] = []
        seen: set[str] = set()
        for root in deps:
            if root in seen:
                continue
            seen.add(root)
            stack = [(root, 0)]
            while stack:
                key, i = stack[-1]
                nxt = reg[key].deps
                if i == len(nxt):
                    out.append(key)
                    stack.pop()
                    continue
                stack[-1] = (key, i + 1)
                if nxt[i] not in seen:
                    seen.add(nxt[i])
                    stack.append((nxt[i], 0))
        return out

    def import_deps(self, deps: list[str]) -> None:
        reg = self.pr.registry.interfaces
        for key in self.closure(deps):
            if key in self.imports:
                continue
            info = reg[key]
            ref = W.InterfaceRef(None if info.package == self.pr.name else info.package,
                                 info.model.name or "")
            self.add("import", key, W.WorldItem("import", key, ref), info.model.instance_type,  # type: ignore[arg-type]
                     "interface", key, True, self.defn.name.span, list(info.deps))

    def elaborate_exports(self) -> None:
        """What exported interfaces `use` is imported unless it is exported too; an
        interface imported that way may not itself need an exported one."""
        exported = {k for k, e in self.exports.items() if e.by_name}
        for name, entry in list(self.exports.items()):
            deps = self._deps.get(id(entry), [])
            for key in self.closure(deps):
                if key in exported:
                    continue
                if any(k in exported for k in self.closure(self.pr.registry.interfaces[key].deps)):
                    raise TextError.at(f"interface `{name}` transitively depends on an "
                                       "interface in incompatible ways", self.defn.name.span)
                self.import_deps([key])

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
        for direction, theirs, ours in (("import", wi.imports, self.imports),
                                        ("export", wi.exports, self.exports)):
            for name, e in theirs.items():
                if e.by_name:
                    if name in ours:
                        continue
                    self._copy(e, name, direction, retyped)
                    continue
                new = _renamed(name, renames)
                if any(k.lower() == new.lower() for k in ours):
                    raise TextError.at(f"{direction} of `{new}` shadows previously "
                                       f"{direction}ed items", m.path.span)
                self._copy(e, new, direction, retyped)

    def _copy(self, e: "WorldEntry", name: str, direction: str,
              retyped: dict[object, object] | None = None) -> None:
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
        copy = WorldEntry(item, extern, e.kind, e.iface, e.by_name)
        (self.imports if direction == "import" else self.exports)[name] = copy
        deps = list(self.pr.registry.interfaces[e.iface].deps) if e.iface else []
        self._deps[id(copy)] = deps


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
