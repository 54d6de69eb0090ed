"""World definitions written in WIT text: the world's own types, its imports and exports
as written, and its `include`s, put in the world's tables (`worlds`) in wit-parser's order.

Every rule broken is a `TextError` at the place wit-parser reports it.
"""

from __future__ import annotations

from ....model import types as T
from ....model.names import strongly_unique_key
from .. import model as wit
from ....diagnostics import TextError
from . import tree as ast
from .interfaces import PackageResolver
from .packages import Unit
from .registry import WorldEntry, WorldInfo, model_gate
from .scope import GATED_TYPE, NameScope
from .worlds import WorldTables


class WorldBuilder(WorldTables):
    """A world as written: checked (`check`, for one a feature gate leaves out) or built."""

    def __init__(self, pr: PackageResolver, defn: ast.WorldDef, unit: Unit,
                 excluded: bool = False) -> None:
        super().__init__(pr.registry, pr.name, defn.name.span)
        self.pr = pr
        self.defn = defn
        self.unit = unit
        self.left_out = excluded  # the world is left out by a feature gate
        self.scope = NameScope(None, "name `{}` does not exist", pr.registry.borrowing,
                               pr.anonymous)
        self.externs = [m for m in defn.members if isinstance(m, ast.Extern)]
        self.built: dict[int, object] = {}  # id(extern) -> its function or interface, built
        self.includes = [m for m in defn.members if isinstance(m, ast.Include)]

    # -- what wit-parser checks of every world ----------------------------------------------

    def check(self) -> None:
        """A world left out by a feature gate: resolved as far as wit-parser resolves one
        (its types, what its imports, exports and includes name), then dropped."""
        self._types()
        self._check_externs()

    def _types(self) -> list[tuple[wit.InterfaceItem, ast.WorldMember]]:
        """The world's own types (`use` and type definitions), imported under their names."""
        types = tuple(m for m in self.defn.members if isinstance(m, (ast.Use, ast.TypeDef)))
        deps: list[str] = []
        items, externs = self.pr.members(types, self.unit, self.scope, deps, None,
                                         self.left_out, "world")
        if not self.left_out:
            # wit-parser looks up a world's own types before their gates: one gated out is
            # a reference to a type left out
            excluded = self.pr.features.excluded
            gated = [n for m in types if isinstance(m, ast.Use) and excluded(m.gates)
                     for n, _ in m.names]
            gated += [m.name for m in types if isinstance(m, ast.TypeDef) and excluded(m.gates)]
            if gated:
                raise TextError.at(GATED_TYPE, gated[0].span)
        self.own_types(items, externs, {n: e.span for n, e in self.scope.entries.items()})
        return items  # type: ignore[return-value]

    def _check_externs(self) -> None:
        """The names of the imports and exports as written, gated or not: an interface once
        per direction, a name once (with the world's types, among imports)."""
        pr, feats = self.pr, self.pr.features
        # what `include`s name, first
        # (the version of a path into another package is checked whatever holds it: wit-parser
        # checks it when it looks that package up)
        for m in self.includes:
            pr.check_gates(m.gates, m.path.name.span,
                           not self.left_out or m.path.package is not None)
            if not pr.skips_lookup(m.path, m.gates):
                pr.path_target(m.path, self.unit, "world")
        # the world's own types come first among its imports, gated off or not
        types: dict[str, tuple[str, str]] = {}
        for m in self.defn.members:
            if isinstance(m, ast.Use):
                for n, alias in m.names:
                    types[strongly_unique_key((alias or n).name)] = ((alias or n).name, "type")
            elif isinstance(m, ast.TypeDef):
                types[strongly_unique_key(m.name.name)] = (m.name.name, "type")
        names = {"import": types, "export": {}}
        interfaces: dict[str, set[str]] = {"import": set(), "export": set()}
        for m in self.externs:
            d = m.direction
            at = m.name.span if m.name else m.path.name.span  # type: ignore[union-attr]
            # (an inline interface is the package's own: its version is checked whatever
            # holds it)
            pr.check_gates(m.gates, at, not self.left_out or m.kind == "interface" or (
                m.path is not None and m.path.package is not None))
            left_out = self.left_out or feats.excluded(m.gates)
            if m.kind == "path":
                if pr.skips_lookup(m.path, m.gates):  # type: ignore[arg-type]
                    key = _written_key(m.path)  # type: ignore[arg-type]
                else:
                    target = pr.path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                    key = pr.target_interface(target, m.path.name.span, gated_ok=True).key  # type: ignore[union-attr]
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
                        target = pr.path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                        pr.target_interface(target, m.path.name.span, gated_ok=True)  # type: ignore[union-attr]
                else:
                    # an inline interface is kept or left out by its own gate: wit-parser
                    # keeps it apart from the world, whose gate does not reach it
                    deps: list[str] = []
                    scope = NameScope(name, borrowing=pr.registry.borrowing,
                                      anonymous=pr.anonymous)
                    built = pr.members(m.interface.members, self.unit, scope, deps,  # type: ignore[union-attr]
                                       name, feats.excluded(m.gates))
                    self.built[id(m)] = (built, deps)
            key = strongly_unique_key(name)
            prior = names[d].get(key)
            if prior is not None:
                if prior[0] != name:
                    raise TextError.at(f"name `{name}` conflicts with previous name `{prior[0]}`", at)
                raise TextError.at(f"{d} `{name}` conflicts with prior {prior[1]} of same name", at)
            names[d][key] = (name, kind)

    def build(self) -> WorldInfo:
        """The world, in wit-parser's order: its own types, its imports as written, what
        its `include`s bring, the interfaces its types come from, then its exports."""
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
        self.own_exports: dict[str, ast.Extern] = {}
        self.included_exports: list[tuple] = []  # type: ignore[type-arg]
        for m in exports:
            if m.kind == "path":
                target = pr.path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
                self.own_exports[pr.target_interface(target, m.path.name.span).key] = m  # type: ignore[union-attr]
        # as wit-parser does: what `include`s bring comes after the world's own imports
        for m in self.includes:
            if not feats.excluded(m.gates):
                self.include(m)
            elif not pr.skips_lookup(m.path, m.gates):
                pr.path_target(m.path, self.unit, "world")
        # then the interfaces the world's own types come from
        for m in self.defn.members:
            if isinstance(m, ast.Use) and m.names and not feats.excluded(m.gates):
                target = pr.path_target(m.path, self.unit, "interface")
                key = pr.target_interface(target, m.path.name.span).key
                self.import_deps([key], model_gate(m.gates))
        # exported interfaces are added with what they need (imported, or exported when it
        # is exported too), functions as written
        for m in exports:
            self.extern(m, model_gate(m.gates))
        self.elaborate_exports()
        for m, theirs, retyped, renames, foreign in self.included_exports:
            self._include_items(m, "export", theirs, retyped, renames, foreign)
        return self.finish(self.defn.name.name, self.defn.docs, model_gate(self.defn.gates))

    def extern(self, m: ast.Extern, gate: wit.Gate | None) -> None:
        """An import or export as written."""
        d = m.direction
        if m.kind == "func":
            self.function(d, m.name.name, self.built[id(m)], m.docs, gate, m.name.span)  # type: ignore[union-attr,arg-type]
            return
        if m.kind == "interface":
            (items, exports), deps = self.built[id(m)]  # type: ignore[misc]
            self.inline_interface(d, m.name.name, items, exports, deps, m.docs, gate,  # type: ignore[union-attr]
                                  m.name.span)  # type: ignore[union-attr]
            return
        pr = self.pr
        target = pr.path_target(m.path, self.unit, "interface")  # type: ignore[arg-type]
        info = pr.target_interface(target, m.path.name.span)  # type: ignore[union-attr]
        if m.kind == "path":
            self.named_interface(d, info, None, m.docs, gate, m.path.name.span)  # type: ignore[union-attr]
        else:
            self.named_interface(d, info, m.name.name, m.docs, gate, m.name.span)  # type: ignore[union-attr]

    def include(self, m: ast.Include) -> None:
        pr = self.pr
        target = pr.path_target(m.path, self.unit, "world")
        wi = pr.target_world(target, m.path.span)
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

    def _include_items(self, m: ast.Include, direction: str, theirs: dict, retyped: dict | None,
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
    def _merge_gate(prior: WorldEntry, gate: wit.Gate | None, m: ast.Include) -> None:
        """An interface both here and in an included world: a gate given on one side only
        is kept; two different gates are refused."""
        if gate is None or prior.item.gate == gate:
            return
        if prior.item.gate is not None:
            raise TextError.at("mismatch in stability attributes of an interface this world "
                               "and the included one both have", m.path.span)
        prior.item = prior.item.replace(gate=gate)

    @staticmethod
    def _merge_own_export_gate(prior: WorldEntry, own: ast.Extern, gate: wit.Gate | None,
                               at: ast.Span) -> None:
        """An interface the world exports by its name (`prior`, as written: `own`), which
        an included world exports too (written `at` there): as `_merge_gate`, where
        wit-parser points, at the included world's export."""
        own_gate = model_gate(own.gates)
        if gate is None or own_gate == gate:
            return
        if own_gate is not None:
            raise TextError.at("mismatch in stability attributes of an interface this world "
                               "and the included one both have", at)
        prior.item = prior.item.replace(gate=gate)

    def _copy(self, e: WorldEntry, name: str, direction: str,
              retyped: dict[object, object] | None, gate: wit.Gate | None) -> None:
        item, extern = e.item, e.extern
        if retyped:
            # a type renamed by `include ... with { r as s }` is another type, named `s`,
            # wherever the included world's items use it
            extern = T.substitute(extern, retyped)  # type: ignore[assignment]
            target = item.target
            if isinstance(target, wit.FunctionItem):
                target = target.replace(name=name, type=T.substitute(target.type, retyped))
            elif isinstance(target, wit.TypeItem):
                target = target.replace(name=name, type=retyped.get(target.type, target.type))
            item = item.replace(target=target)
        if item.name != name:
            item = item.replace(name=name)
        if item.gate != gate:
            item = item.replace(gate=gate)
        copy = WorldEntry(item, extern, e.kind, e.iface, e.by_name, e.at)
        self.put(direction, name, copy)


def _written_key(path: ast.UsePath) -> str:
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


def _renamed_types(world: WorldInfo, renames: dict[str, str]) -> dict[object, object]:
    """The resources an include renames, each to a resource of the new name."""
    mapping: dict[object, object] = {}
    for old, new in renames.items():
        entry = world.imports.get(old) or world.exports.get(old)
        if entry is not None and isinstance(entry.extern, T.ResourceType):
            mapping[entry.extern] = T.ResourceType(new, entry.extern.owner)
    return mapping
