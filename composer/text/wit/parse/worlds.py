"""Worlds: imports and exports in their tables, the interfaces they need imported
implicitly (as wit-parser elaborates them), and the component type they describe.

The order is wit-parser's, so a world prints as wasm-tools prints it: the world's types,
its imports as written (each interface after the interfaces it uses), what `include`s bring,
the interfaces its types come from, then what exported interfaces need. An interface
imported because something else needs it carries that thing's feature gate; the first
reason an interface is imported for is the one kept. Every dependency walk here visits an
interface once (what is imported already has what it needs): time is linear in the world.

What is written decides what goes in: a world definition in text (`worlddefs`) or a world
decoded from binary form (`decoded`) feed the same tables.
"""

from __future__ import annotations

from ....errors import ComposerError
from ....model import types as T
from ....model.names import strongly_unique_key
from .. import model as wit
from ....diagnostics import TextError
from .registry import IfaceInfo, Registry, WorldEntry, WorldInfo


class WorldTables:
    """One world's imports and exports as they are added: checked for clashes, each named
    interface after the interfaces it needs. `at` is where the world is named (a span; None
    for a world decoded from the binary file `file`): where implicit imports and the errors
    about them point."""

    def __init__(self, registry: Registry, package: wit.PackageName, at: object,
                 file: str | None = None) -> None:
        self.registry = registry
        self.package = package
        self.at = at
        self.file = file
        self.imports: dict[str, WorldEntry] = {}
        self.exports: dict[str, WorldEntry] = {}
        # strongly-unique key -> the plain name (not an interface's own) that has it
        self.plain: dict[str, dict[str, str]] = {"import": {}, "export": {}}
        # exported interfaces waiting for `elaborate_exports`: name -> (item, extern, iface,
        # by_name, at, deps)
        self.pending: dict[str, tuple] = {}  # type: ignore[type-arg]

    def refuse(self, message: str, at: object) -> ComposerError:
        """The error for what is wrong at `at` (a span), or in the binary file."""
        if at is None:
            return ComposerError(message, file=self.file)
        return TextError.at(message, at)

    # -- imports and exports -----------------------------------------------------------------

    def add(self, direction: str, name: str, item: object, extern: T.Extern, kind: str,
            iface: str | None, by_name: bool, at: object) -> None:
        table = self.imports if direction == "import" else self.exports
        if by_name:
            if name in table:
                raise self.refuse(f"interface cannot be {direction}ed more than once", at)
        else:
            other = self.plain[direction].get(strongly_unique_key(name))
            if other is not None:
                if other != name:
                    raise self.refuse(f"name `{name}` conflicts with previous name `{other}`", at)
                raise self.refuse(f"{direction} `{name}` conflicts with prior "
                                  f"{table[other].kind} of same name", at)
        wi = item if isinstance(item, wit.WorldItem) else wit.WorldItem(direction, name, item)  # type: ignore[arg-type]
        self.put(direction, name, WorldEntry(wi, extern, kind, iface, by_name, at))

    def put(self, direction: str, name: str, entry: WorldEntry) -> None:
        """An import or export in its table; a plain name's strongly-unique key noted, so
        a clash is found without a scan (a world may have thousands of them)."""
        (self.imports if direction == "import" else self.exports)[name] = entry
        if not entry.by_name:
            self.plain[direction][strongly_unique_key(name)] = name

    def own_types(self, items: list[wit.InterfaceItem], externs: dict[str, T.Extern],
                  at: dict[str, object]) -> None:
        """The world's own types (and the functions of its resources), imported under
        their names, each `use`d name apart; `at`: where each name is written."""
        for item in items:
            if isinstance(item, wit.UseItem):
                for orig, local in item.names:
                    one = wit.UseItem(item.source, ((orig, local),), item.gate)
                    self.add("import", local, one, externs[local], "type", None, False,
                             at.get(local))
            else:
                self.add("import", item.name, item, externs[item.name],
                         "type" if isinstance(item, wit.TypeItem) else "func", None, False,
                         self.at)

    def function(self, d: str, name: str, ft: T.FuncType, docs: str | None,
                 gate: wit.Gate | None, at: object) -> None:
        item = wit.WorldItem(d, name, wit.FunctionItem(name, ft, docs, gate), docs, gate)
        self.add(d, name, item, ft, "func", None, False, at)

    def inline_interface(self, d: str, name: str, items: list[wit.InterfaceItem],
                         exports: dict[str, T.Extern], deps: list[str], docs: str | None,
                         gate: wit.Gate | None, at: object) -> None:
        """`import name: interface { .. }` (or an export): an exported one waits in
        `pending` for `elaborate_exports`, which adds it after what it needs."""
        itype = T.InstanceType(exports)
        item = wit.WorldItem(d, name, wit.Interface(None, tuple(items), docs, None, itype),
                             docs, gate)
        if d == "export":
            self.pending[name] = (item, itype, None, False, at, deps)
            return
        self.import_deps(deps, gate)
        self.add(d, name, item, itype, "interface", None, False, at)

    def named_interface(self, d: str, info: IfaceInfo, name: str | None, docs: str | None,
                        gate: wit.Gate | None, at: object) -> None:
        """A named interface imported or exported by its own name (`name` None) or under a
        plain name (with resources of its own); an export waits in `pending`."""
        ref = self.ref(info)
        itype: T.InstanceType = info.model.instance_type  # type: ignore[assignment]
        if name is None:
            item = wit.WorldItem(d, info.key, ref, docs, gate)
            if d == "export":
                self.pending[info.key] = (item, itype, info.key, True, at, list(info.deps))
                return
            self.import_deps(info.deps, gate)
            if info.key not in self.imports:  # imported already because another needed it
                self.add(d, info.key, item, itype, "interface", info.key, True, at)
            return
        item = wit.WorldItem(d, name, ref, docs, gate)
        if d == "export":
            self.pending[name] = (item, fresh(info), info.key, False, at, list(info.deps))
            return
        self.import_deps(info.deps, gate)
        self.add(d, name, item, fresh(info), "interface", info.key, False, at)

    def ref(self, info: IfaceInfo) -> wit.InterfaceRef:
        """How the world's items name a named interface: without the package, when it is
        the world's own."""
        return wit.InterfaceRef(None if info.package == self.package else info.package,
                                info.model.name or "")

    def import_deps(self, deps: list[str], gate: wit.Gate | None) -> None:
        """Import the interfaces `deps` name and those they need, each after what it needs,
        with `gate`; an interface imported already is left as it is (and has what it needs
        imported already)."""
        reg = self.registry.interfaces
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

    def _implicit_import(self, info: IfaceInfo, gate: wit.Gate | None) -> None:
        key = info.key
        self.add("import", key, wit.WorldItem("import", key, self.ref(info), None, gate),
                 info.model.instance_type, "interface", key, True, self.at)  # type: ignore[arg-type]

    # -- exports, elaborated ---------------------------------------------------------------

    def elaborate_exports(self) -> None:
        """Exported interfaces, each after what it uses: imported, or exported when it is
        exported by its own name too. An interface imported that way may not itself need an
        exported one (the two copies would differ): wit-parser's walk and order."""
        reg = self.registry.interfaces
        exported = {v[2] for v in self.pending.values() if v[3]}  # by their own names
        required: set[str] = set()
        for name, (item, _, iface, by_name, at, deps) in list(self.pending.items()):
            ident = iface if by_name else f"\0{name}"
            if not self._export_walk(ident, name, deps, exported, required, reg, item.gate):  # type: ignore[attr-defined]
                raise self.refuse(f"interface `{name}` transitively depends on an interface "
                                  "in incompatible ways", self.at)

    def _export_walk(self, root: str, name: str, deps: list[str], exported: set[str],
                     required: set[str], reg: dict, gate: wit.Gate | None) -> bool:  # type: ignore[type-arg]
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
                self._put_export(table_name, gate)
            else:
                required.add(key)
                if key not in self.imports:
                    self._implicit_import(reg[key], gate)
        return True

    def _put_export(self, name: str, gate: wit.Gate | None) -> None:
        """Export `name`: as written, or (an exported interface another one needs first)
        with the gate of the one that needs it."""
        item, extern, iface, by_name, at, _ = self.pending[name]
        if item.gate != gate:
            item = item.replace(gate=gate)
        self.add("export", name, item, extern, "interface", iface, by_name, at)

    # -- the world --------------------------------------------------------------------------

    def finish(self, name: str, docs: str | None, gate: wit.Gate | None) -> WorldInfo:
        """The world, its tables in wit-parser's order, and the component type it is."""
        # imports by class, as wit-parser sorts them once elaborated (the order it prints
        # and encodes them in, and a topological one: a type a world takes from an
        # interface comes after the interface's import, whatever was written first)
        self.imports = dict(sorted(self.imports.items(), key=lambda kv: _import_class(kv[1])))
        # exported functions before exported interfaces, as wit-parser orders them
        ordered = sorted(self.exports.items(), key=lambda kv: kv[1].kind != "func")
        self.exports = dict(ordered)
        ctype = T.ComponentType({n: e.extern for n, e in self.imports.items()},
                                self.fresh_exports())
        model = wit.World(name,
                          tuple(e.item for e in [*self.imports.values(), *self.exports.values()]),
                          docs, gate, ctype)
        return WorldInfo(model, self.imports, self.exports, self.package)

    def fresh_exports(self) -> dict[str, T.Extern]:
        """Exports declare resources of their own, distinct from the imports' (an
        interface both imported and exported has two sets)."""
        mapping: dict[object, object] = {}
        for key, e in self.exports.items():
            if e.by_name:
                for r in _declared(e.extern, key):
                    mapping[r] = T.ResourceType(r.name, r.owner)
        return {n: T.substitute(e.extern, mapping) for n, e in self.exports.items()}  # type: ignore[misc]


def _import_class(e: WorldEntry) -> int:
    """wit-parser's order of a world's imports: interfaces, types taken from an interface,
    types defined in the world, functions, then the functions of the world's resources."""
    if e.kind == "interface":
        return 0
    if e.kind == "type":
        return 1 if isinstance(e.item.target, wit.UseItem) else 2
    return 4 if e.item.name.startswith("[") else 3


def _declared(extern: object, owner: str) -> list[T.ResourceType]:
    if not isinstance(extern, T.InstanceType):
        return []
    return [v for v in extern.exports.values() if isinstance(v, T.ResourceType) and v.owner == owner]


def fresh(info: IfaceInfo) -> T.Extern:
    """An interface imported or exported under a plain name of its own has resources of its
    own."""
    mapping = {r: T.ResourceType(r.name, r.owner) for r in _declared(info.model.instance_type, info.key)}
    return T.substitute(info.model.instance_type, mapping)  # type: ignore[return-value]
