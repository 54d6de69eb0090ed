"""A component's types as WIT: the packages and the world `wasm-tools component wit` prints.

wit-component's decoder names every instance imported or exported as `ns:pkg/iface@v` an
interface of package `ns:pkg@v`, gathers the rest (kebab-named instances, functions, types)
into `world root` of package `root:component`, and shows a type one interface takes from
another as a `use`. This module does the same from the elaborated types of a loaded component
(`composer.model.load.load_component`), telling a type's owner by object identity. A WIT
package encoded as a component (every export a component type) decodes to that package.

Toolchains export interfaces through small "shim" components that import each type they need
as `(type (eq ..))` and are instantiated with the component's own types; the elaborator keeps
those imports as names of their own (`import-type-point`), so the decoder maps them back to
the instantiation's arguments, as wasmparser's type substitution does for wit-component.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from ..binary import sections as S
from ..binary.nameattributes import Implements
from ..model import types as T
from ..model.load import LoadedComponent
from .witmodel import (
    FunctionItem, Gate, Interface, InterfaceItem, InterfaceRef, Package, PackageName, Resolved,
    TypeItem, UseItem, World, WorldItem,
)

ROOT = PackageName("root", "component")

# `ns:pkg/iface@version`: the extern name of an interface (or world) of a package.
_INTERFACE_NAME = re.compile(r"^([^:/@]+):([^:/@]+)/([^:/@]+)(?:@(.+))?$")

# Where a registered type can be `use`d from: its interface (None for a world's own or an
# inline interface's types, which no `use` can name) and its name there.
_Owner = tuple[InterfaceRef | None, str]


def parse_interface_name(name: str) -> tuple[PackageName, str] | None:
    """`ns:pkg/iface@1.0.0` -> (ns:pkg@1.0.0, iface); None for a plain kebab name."""
    m = _INTERFACE_NAME.match(name)
    if m is None:
        return None
    ns, pkg, iface, version = m.groups()
    return PackageName(ns, pkg, version), iface


def decode_component(loaded: LoadedComponent) -> Resolved:
    """The WIT a component describes: for a component, its dependencies' packages and
    `root:component` with `world root`; for an encoded WIT package, that package."""
    scope = loaded.scope
    decoder = _Decoder(_shim_aliases(scope))
    if is_wit_package(scope):
        main = decoder.wit_package(scope)
        decoder.apply_metadata(main, _package_docs(loaded))
    else:
        main = ROOT
        implements = implemented(loaded)
        items = [decoder.world_item("import", n, e, implements.get(("import", n)))
                 for n, e in scope.imports.items()]
        items += [decoder.world_item("export", n, e, implements.get(("export", n)))
                  for n, e in scope.exports.items()]
        items = [i for i in items if i is not None]
        decoder.worlds[str(ROOT)] = [World("root", tuple(items), component_type=scope.component_type())]
        decoder.names[str(ROOT)] = ROOT
    return Resolved(tuple(dependency_order(decoder.packages())), main)


def type_origins(loaded: LoadedComponent) -> Callable[[object], tuple[str | None, str] | None]:
    """For `compose inspect --json`: a function giving, for a type, the interface (its
    extern name; None for the world's own) and the name there that it stands for, as the
    WIT printed for the component refers to it (through nested components' imports and the
    aliases of instantiation); None when no scope names it."""
    scope = loaded.scope
    decoder = _Decoder(_shim_aliases(scope))
    if not is_wit_package(scope):
        implements = implemented(loaded)
        try:
            for direction, externs in (("import", scope.imports), ("export", scope.exports)):
                for n, e in externs.items():
                    decoder.world_item(direction, n, e, implements.get((direction, n)))
        except ValueError:
            pass  # not expressible as WIT: what was named so far still counts

    def origin(t: object) -> tuple[str | None, str] | None:
        owner = decoder.owners.get(id(decoder.target(t)))
        if owner is None:
            return None
        ref, local = owner
        if ref is None:
            return None, local
        return (ref.package.interface(ref.interface) if ref.package else ref.interface), local

    return origin


def dependency_order(packages: list[Package]) -> list[Package]:
    """Every package after those whose interfaces it uses (depth first, otherwise in the
    order given), as wit-parser keeps them and `wasm-tools component wit` prints them."""
    by_name = {str(p.name): p for p in packages}
    done: dict[str, Package] = {}

    def visit(pkg: Package, path: frozenset[str]) -> None:
        key = str(pkg.name)
        if key in done or key in path:
            return
        for dep in _dependencies(pkg):
            if dep in by_name:
                visit(by_name[dep], path | {key})
        done[key] = pkg

    for pkg in packages:
        visit(pkg, frozenset())
    return list(done.values())


def _dependencies(pkg: Package) -> list[str]:
    """The packages `pkg` refers to, in the order it first does."""
    refs: list[InterfaceRef] = []
    for iface in pkg.interfaces:
        refs += [i.source for i in iface.items if isinstance(i, UseItem)]
    for world in pkg.worlds:
        for item in world.items:
            target = item.target
            if isinstance(target, InterfaceRef):
                refs.append(target)
            elif isinstance(target, UseItem):
                refs.append(target.source)
            elif isinstance(target, Interface):
                refs += [i.source for i in target.items if isinstance(i, UseItem)]
    names = [str(r.package) for r in refs if r.package is not None]
    return [n for i, n in enumerate(names) if n not in names[:i] and n != str(pkg.name)]


def is_wit_package(scope: Any) -> bool:
    """wit-component's test: no imports, and every export a component type."""
    return (not scope.imports and bool(scope.exports)
            and all(isinstance(T.unwrap(e), T.ComponentType) for e in scope.exports.values()))


def implemented(loaded: LoadedComponent) -> dict[tuple[str, str], str]:
    """(direction, name) -> the interface an import or export says it implements
    (`(import "b" (implements "a:b/i") ..)`): wasm-tools prints it `import b: a:b/i;`."""
    out: dict[tuple[str, str], str] = {}
    for section in loaded.component.sections:
        direction = ("import" if isinstance(section, S.ImportSection)
                     else "export" if isinstance(section, S.ExportSection) else None)
        if direction is None:
            continue
        for item in section.items:
            attr = item.nameattrs.attribute(Implements)
            if attr is not None:
                out[(direction, item.name)] = attr.interface
    return out


def _package_docs(loaded: LoadedComponent) -> dict[str, Any]:
    """The `package-docs` custom section (a version byte, then JSON): docs and gates of the
    package's interfaces, worlds and their items. Unreadable content is ignored, as it is
    only ever commentary."""
    for section in loaded.component.sections:
        if isinstance(section, S.CustomSection) and section.name == "package-docs":
            data = bytes(section.data)
            if data[:1] in (b"\x00", b"\x01"):
                try:
                    found = json.loads(data[1:])
                except ValueError:
                    return {}
                return found if isinstance(found, dict) else {}
    return {}


def _shim_aliases(scope: Any) -> dict[int, object]:
    """id(a nested component's `(type (eq ..))` import) -> the type it was instantiated with,
    for every instantiation of a nested component in `scope`."""
    aliases: dict[int, object] = {}
    for i, origin in enumerate(scope.instance_origins):
        if origin.kind != "instantiate" or origin.component is None:
            continue
        ctype = scope.components[origin.component]
        for name, (sort, idx) in origin.args.items():
            imported = ctype.imports.get(name)
            if sort == "type" and isinstance(imported, T.NamedType) and idx < len(scope.types):
                aliases[id(imported)] = scope.types[idx]
        # Instantiating rebuilds the names whose types hold resources it substitutes: the
        # copies stand for what the originals stand for.
        instance = scope.instances[i]
        for name, ext in ctype.exports.items():
            _pair_copies(ext, instance.exports.get(name), aliases)
    return aliases


def _pair_copies(original: object, copy: object, aliases: dict[int, object]) -> None:
    """Along two parallel chains of names, alias each copy as its original is aliased."""
    for _ in range(1000):
        if not (isinstance(original, T.NamedType) and isinstance(copy, T.NamedType)):
            return
        if original is not copy and id(original) in aliases:
            aliases[id(copy)] = aliases[id(original)]
        original, copy = original.type, copy.type


class _Decoder:
    def __init__(self, aliases: dict[int, object]) -> None:
        self.aliases = aliases
        self.owners: dict[int, _Owner] = {}  # id(NamedType or ResourceType) -> its owner
        # package -> interface name -> its items so far (an interface imported and exported,
        # or met in several worlds of a package, is the union of what each instance shows)
        self.interfaces: dict[str, dict[str, list[InterfaceItem]]] = {}
        self.instance_types: dict[tuple[str, str], T.InstanceType] = {}
        self.worlds: dict[str, list[World]] = {}
        self.names: dict[str, PackageName] = {}
        self.docs: dict[str, str] = {}
        self.iface_docs: dict[tuple[str, str], tuple[str | None, Gate | None]] = {}

    def packages(self) -> list[Package]:
        out = []
        for key, name in self.names.items():
            ifaces = tuple(Interface(n, tuple(items), *self.iface_docs.get((key, n), (None, None)),
                                     instance_type=self.instance_types.get((key, n)))
                           for n, items in self.interfaces.get(key, {}).items())
            out.append(Package(name, ifaces, tuple(self.worlds.get(key, ())), self.docs.get(key)))
        return out

    # -- worlds ----------------------------------------------------------------------------

    def world_item(self, direction: str, name: str, ext: T.Extern,
                   implements: str | None = None) -> WorldItem | None:
        if isinstance(ext, T.InstanceType):
            parsed = parse_interface_name(implements or name)
            if parsed is None:
                return WorldItem(direction, name, self.inline_interface(ext))
            ref = InterfaceRef(*parsed)
            self.named_interface(ref, ext)
            return WorldItem(direction, name, ref)
        if isinstance(ext, T.FuncType):
            return WorldItem(direction, name, FunctionItem(name, ext))
        if isinstance(ext, (T.NamedType, T.ResourceType)):
            return WorldItem(direction, name, self.type_item(None, name, ext))
        return None  # values, components and core modules have no WIT: wasm-tools omits them

    def wit_package(self, scope: Any) -> PackageName:
        """The package a WIT-package component encodes: each export a component type that
        exports one interface (`ns:pkg/iface`) or one world (a component `ns:pkg/world`),
        importing the interfaces it uses."""
        main: PackageName | None = None
        for export_name, ext in scope.exports.items():
            ctype = T.unwrap(ext)
            for name, imported in ctype.imports.items():  # type: ignore[union-attr]
                self.world_item("import", name, imported)
            for name, inner in ctype.exports.items():  # type: ignore[union-attr]
                parsed = parse_interface_name(name)
                if parsed is None:
                    raise ValueError(f"`{export_name}` exports `{name}`, not a WIT interface "
                                     "or world name")
                main = main or parsed[0]
                if isinstance(inner, T.ComponentType):
                    self.world(parsed[0], parsed[1], inner)
                else:
                    self.world_item("export", name, inner)
        if main is None:
            raise ValueError("the WIT package exports no interface or world")
        return main

    def world(self, pkg: PackageName, name: str, ctype: T.ComponentType) -> None:
        items = [self.world_item("import", n, e) for n, e in ctype.imports.items()]
        items += [self.world_item("export", n, e) for n, e in ctype.exports.items()]
        items = [i for i in items if i is not None]
        self.names.setdefault(str(pkg), pkg)
        self.worlds.setdefault(str(pkg), []).append(
            World(name, tuple(items), component_type=ctype))

    # -- interfaces ------------------------------------------------------------------------

    def named_interface(self, ref: InterfaceRef, itype: T.InstanceType) -> None:
        """Register what this instance shows of `ref`'s interface: the first instance met
        describes it; later ones (imported and exported; one per world) add what it lacks."""
        pkg = ref.package
        assert pkg is not None
        key = str(pkg)
        self.names.setdefault(key, pkg)
        self.instance_types.setdefault((key, ref.interface), itype)
        items = self.interfaces.setdefault(key, {}).setdefault(ref.interface, [])
        known = {_item_name(i) for i in items}
        for local, ext in itype.exports.items():
            if local not in known:
                items.append(self.interface_item(ref, local, ext))
            elif isinstance(ext, (T.NamedType, T.ResourceType)):
                self.owners.setdefault(id(ext), (ref, local))

    def inline_interface(self, itype: T.InstanceType) -> Interface:
        items = tuple(self.interface_item(None, n, e) for n, e in itype.exports.items())
        return Interface(None, items, instance_type=itype)

    def interface_item(self, ref: InterfaceRef | None, local: str,
                       ext: T.Extern) -> InterfaceItem:
        if isinstance(ext, T.FuncType):
            return FunctionItem(local, ext)
        if isinstance(ext, (T.NamedType, T.ResourceType)):
            return self.type_item(ref, local, ext)
        raise ValueError(f"interface export `{local}` is {T.a_sort(T.sort_of(ext))}")

    def type_item(self, ref: InterfaceRef | None, local: str,
                  ext: T.NamedType | T.ResourceType) -> TypeItem | UseItem:
        """A type a scope (a named interface `ref`, else an inline interface or the world)
        exports as `local`: a `use` of a type registered by another interface, an alias of
        one registered here, or a definition."""
        target = ext if isinstance(ext, T.ResourceType) else self.target(ext.type)
        owner = self.owners.get(id(target))
        self.owners.setdefault(id(ext), (ref, local))
        if owner is None:
            return TypeItem(local, target)
        if owner[0] is not None and owner[0] != ref:
            return UseItem(owner[0], ((owner[1], local),))
        # `type local = other`: a name for another type of the same scope
        return TypeItem(local, T.NamedType(owner[1], target))  # type: ignore[arg-type]

    def target(self, t: object) -> object:
        """What a type name stands for: through the shim aliases and the anonymous names of
        nested components, to a registered type or a definition."""
        for _ in range(1000):  # alias chains are short; this bounds a cycle
            if id(t) in self.aliases:
                t = self.aliases[id(t)]
            elif isinstance(t, T.NamedType) and id(t) not in self.owners:
                t = t.type
            else:
                return t
        return t

    # -- docs and gates --------------------------------------------------------------------

    def apply_metadata(self, pkg: PackageName, meta: dict[str, Any]) -> None:
        """Docs and gates from `package-docs` onto the package's interfaces and worlds."""
        key = str(pkg)
        for name, data in _dict(meta.get("interfaces")).items():
            items = self.interfaces.get(key, {}).get(name)
            if items is not None:
                items[:] = _annotate_items(items, _dict(data))
                self.iface_docs[(key, name)] = (_dict(data).get("docs"), gate_of(_dict(data).get("stability")))
        worlds = _dict(meta.get("worlds"))
        self.worlds[key] = [_annotate_world(w, _dict(worlds.get(w.name)))
                            for w in self.worlds.get(key, [])]
        if isinstance(meta.get("docs"), str):
            self.docs[key] = meta["docs"]


def _item_name(item: InterfaceItem) -> str:
    return item.names[0][1] if isinstance(item, UseItem) else item.name


def _dict(x: object) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def gate_of(stability: object) -> Gate | None:
    """wit-parser's serialized `Stability`: {"stable": {"since", "deprecated"}} or
    {"unstable": {"feature", "deprecated"}}."""
    s = _dict(stability)
    stable, unstable = _dict(s.get("stable")), _dict(s.get("unstable"))
    if stable:
        return Gate(since=stable.get("since"), deprecated=stable.get("deprecated"))
    if unstable:
        return Gate(unstable=unstable.get("feature"), deprecated=unstable.get("deprecated"))
    return None


def _func_meta(data: object) -> tuple[str | None, Gate | None]:
    """Function metadata: a plain docs string (format 0) or {"docs", "stability"}."""
    if isinstance(data, str) or data is None:
        return data, None
    d = _dict(data)
    return d.get("docs"), gate_of(d.get("stability"))


def _annotate_items(items: list[InterfaceItem], meta: dict[str, Any]) -> list[InterfaceItem]:
    funcs, types = _dict(meta.get("funcs")), _dict(meta.get("types"))
    out: list[InterfaceItem] = []
    for item in items:
        if isinstance(item, FunctionItem) and item.name in funcs:
            docs, gate = _func_meta(funcs[item.name])
            item = item.replace(docs=docs, gate=gate)
        elif isinstance(item, TypeItem) and item.name in types:
            data = _dict(types[item.name])
            members = tuple((k, v) for k, v in _dict(data.get("items")).items() if isinstance(v, str))
            item = item.replace(docs=data.get("docs"), gate=gate_of(data.get("stability")),
                                member_docs=members)
        elif isinstance(item, UseItem) and _item_name(item) in types:
            item = item.replace(gate=gate_of(_dict(types[_item_name(item)]).get("stability")))
        out.append(item)
    return out


def _annotate_world(world: World, meta: dict[str, Any]) -> World:
    """A world with its docs, its gate, and those of its items."""
    items = []
    for item in world.items:
        importing = item.direction == "import"
        target = item.target
        if isinstance(target, Interface):
            table = meta.get("interfaces" if importing else "interface_exports")
            data = _dict(_dict(table).get(item.name)) or _dict(_dict(meta.get("interfaces")).get(item.name))
            target = target.replace(items=tuple(_annotate_items(list(target.items), data)),
                                    docs=data.get("docs"), gate=gate_of(data.get("stability")))
            item = item.replace(target=target)
        elif isinstance(target, InterfaceRef):
            table = meta.get("interface_import_stability" if importing else "interface_export_stability")
            item = item.replace(gate=gate_of(_dict(table).get(item.name)))
        elif isinstance(target, FunctionItem):
            table = _dict(meta.get("funcs" if importing else "func_exports"))
            if item.name not in table:
                table = _dict(meta.get("funcs"))
            docs, gate = _func_meta(table.get(item.name))
            item = item.replace(target=target.replace(docs=docs, gate=gate))
        elif isinstance(target, (TypeItem, UseItem)):
            data = _dict(_dict(meta.get("types")).get(item.name))
            gate = gate_of(data.get("stability"))
            target = (target.replace(docs=data.get("docs"), gate=gate)
                      if isinstance(target, TypeItem) else target.replace(gate=gate))
            item = item.replace(target=target)
        items.append(item)
    return world.replace(items=tuple(items), docs=meta.get("docs"),
                         gate=gate_of(meta.get("stability")))
