"""The encoder: writes the composed component a linked composition describes
(`linked.LinkedComposition`; a composition is encoded only once linked).

The output has the shape every composer writes (`../shared/notes/peers.md`):

1. each import left for the host: its instance type, then the import (types are written
   before the imports that use them: `use`d resources and names are aliased out of the
   import that declares them);
2. each input component, embedded verbatim as a nested component (or, with
   `import_components`, imported under its name);
3. the instances, providers first, each argument carrying the import's exact name: an
   import of the output, another instance, or one of its exports;
4. the root's exports, aliased out of the root instance and exported under their names.

Everything is ordered as linking ordered it (the imports each after those their types refer
to, the instances providers first), never by the order of the command line, so the same
inputs always give the same bytes.
"""

from __future__ import annotations

from typing import Any, Callable

from ..model import types as T
from ..binary import aliases as A
from ..binary import instances as I
from ..binary import sections as S
from ..binary import types as B
from ..binary.component import Component
from ..binary.imports import Export, Import
from ..binary.nameattributes import plain
from ..binary.namesec import SECTION_NAME as NAMESEC, ComponentNames
from ..binary.sorts import SortIdx
from ..errors import CompositionError
from .merge import OutputImport
from ..model.typeencode import TypeEncoder, TypeIndexSpace
from .unify import host_ident, inst_ident
from .wiring import DOCUMENT, HostArgument, Instance, Plug, TypeDefinition

_SORT_SPACE = {
    "func": "func", "instance": "instance", "component": "component", "type": "type",
    "value": "value", "core module": "core module",
}


class ComponentBuilder(TypeIndexSpace):
    """The composed component under construction: its sections and index spaces."""

    def __init__(self) -> None:
        super().__init__(None)
        self.sections: list[S.Section] = []
        self._open: tuple[type, list] | None = None
        self.counts = {sort: 0 for sort in _SORT_SPACE.values()}

    def _item(self, kind: type, item: object) -> None:
        if self._open is None or self._open[0] is not kind:
            self._close()
            self._open = (kind, [])
        self._open[1].append(item)

    def _close(self) -> None:
        if self._open is not None:
            kind, items = self._open
            self.sections.append(kind(tuple(items)))
            self._open = None

    def _next(self, sort: str) -> int:
        space = _SORT_SPACE[sort]
        self.counts[space] += 1
        return self.counts[space] - 1

    # TypeIndexSpace
    def add_type(self, deftype: object) -> int:
        self._item(S.TypeSection, deftype)
        return self._next("type")

    def add_alias(self, alias: A.Alias) -> int:
        self._item(S.AliasSection, alias)
        return self._next(alias.sort)

    # definitions
    def import_(self, name: str, et: object) -> int:
        self._item(S.ImportSection, Import(plain(name), et))
        return self._next(_import_sort(et))

    def component(self, data: bytes | memoryview) -> int:
        self._close()
        self.sections.append(S.ComponentSection(memoryview(data)))
        return self._next("component")

    def instantiate(self, component: int, args: list[tuple[str, str, int]]) -> int:
        items = tuple(I.InstantiateArg(n, SortIdx(sort, idx)) for n, sort, idx in args)
        self._item(S.InstanceSection, I.Instantiate(component, items))
        return self._next("instance")

    def export(self, name: str, sort: str, idx: int) -> int:
        self._item(S.ExportSection, Export(plain(name), SortIdx(sort, idx), None))
        return self._next(sort)

    def finish(self, names: bytes) -> list[bytes | memoryview]:
        """The component, ending with its `component-name` section, in pieces
        (`Component.encode_parts`)."""
        self._close()
        self.sections.append(S.CustomSection(NAMESEC, memoryview(names)))
        return Component(tuple(self.sections)).encode_parts()


def _import_sort(et: object) -> str:
    return {
        B.ExternFunc: "func", B.ExternInstance: "instance", B.ExternComponent: "component",
        B.ExternTypeBound: "type", B.ExternValue: "value", B.ExternCoreModule: "core module",
    }[type(et)]


class Encoder:
    def __init__(self, linked: Any, import_components: bool) -> None:
        self.linked = linked  # a linked.LinkedComposition without problems
        self.u = linked.unifier
        self.import_components = import_components
        self.out = ComponentBuilder()
        self.types = TypeEncoder(lambda ctx, obj: self.u.find(inst_ident(ctx, obj)))
        self.host_index: dict[str, tuple[str, int]] = {}  # host import name -> (sort, index)
        self.instance_index: dict[str, int] = {}
        self.component_index: dict[str, int] = {}  # file name -> component index
        self.export_alias: dict[tuple[str, str], tuple[str, int]] = {}
        self.embedded: list = []  # wiring.ComponentFile, in the order they are embedded

    def encode(self) -> list[bytes | memoryview]:
        for h in self.linked.import_order:
            self.host_import(h)
        self.ensure_components()
        for name in self.linked.order:
            self.instance(self.linked.instances[name])
        self.root_exports()
        return self.out.finish(self.names())

    def names(self) -> bytes:
        """A `component-name` section: which embedded component and which instance is which,
        for debuggers and for `compose graph composed.wasm`."""
        return ComponentNames.build(
            None,
            component={i: self.linked.files[n].display for n, i in self.component_index.items()},
            instance={i: n for n, i in self.instance_index.items()},
        ).encode()

    # -- host imports ----------------------------------------------------------------------

    def host_import(self, h: OutputImport) -> None:
        out = self.out
        rep = h.representative
        if h.sort == "instance":
            itype = self.types.instance_type(out, h.exports, rep.instance)
            idx = out.import_(h.name, B.ExternInstance(out.add_type(itype)))
            self.host_index[h.name] = ("instance", idx)
            for member, (ext, ctx) in h.exports.items():
                if isinstance(ext, (T.ResourceType, T.NamedType)):
                    key = self.u.find(host_ident(h.name, member))
                    out.lazy.setdefault(key, _alias(out, idx, member))
            return
        ext = rep.type
        if isinstance(ext, T.ResourceType):
            et: object = B.ExternTypeBound(B.TypeBoundSubResource())
        elif isinstance(ext, T.NamedType):
            if _declares_resources(ext.type):
                # the type model holds an instance type's own resources and those of an
                # instance imported with that type as the same objects: written again, the
                # type would name the imported ones, which is another type (wasm-tools:
                # "resource types are not the same"). Refused rather than written wrong.
                raise CompositionError(
                    f"type import `{h.name}` is an instance or component type that declares "
                    "resources, which compose cannot pass on to the host yet")
            et = B.ExternTypeBound(B.TypeBoundEq(self.types.deftype(out, ext.type, rep.instance)))
        else:
            et = self.types.externtype(out, ext, rep.instance, h.name)
        idx = out.import_(h.name, et)
        self.host_index[h.name] = (_import_sort(et), idx)
        if isinstance(ext, (T.ResourceType, T.NamedType)):
            out.named[self.u.find(host_ident(h.name, ""))] = idx

    # -- components and instances -----------------------------------------------------------

    def ensure_components(self) -> None:
        """Embed (or import) every component used, in first-use order, once."""
        imported = self.linked.component_imports
        for name, inst in self.linked.instances.items():  # in the order of instantiation
            f = inst.file
            if f.name in self.component_index:
                continue
            import_name = imported.get(f.name)
            if self.import_components or import_name is not None:
                ctype = T.ComponentType(dict(f.imports), dict(f.exports))
                ct = self.types.component_type(self.out, ctype, name)
                idx = self.out.import_(import_name or f.name,
                                       B.ExternComponent(self.out.add_type(ct)))
            else:
                idx = self.out.component(f.loaded.data)
                self.embedded.append(f)
            self.component_index[f.name] = idx

    def instance(self, inst: Instance) -> None:
        args: list[tuple[str, str, int]] = []
        host_of = self.linked.host_of
        for imp in inst.file.imports:  # arguments in the order the component imports them
            arg = inst.args[imp]
            if isinstance(arg, HostArgument):
                if arg.member is not None:
                    sort, idx = self.host_export(arg.name, arg.member)
                else:
                    group = host_of.get((inst.name, imp))
                    sort, idx = self.host_index[group.name if group is not None else arg.name]
            elif arg.export is None:
                sort, idx = "instance", self.instance_index[arg.instance]
            else:
                sort, idx = self.provider_export(arg.instance, arg.export)
            args.append((imp, sort, idx))
        idx = self.out.instantiate(self.component_index[inst.file.name], args)
        self.instance_index[inst.name] = idx

    def host_export(self, host: str, member: str) -> tuple[str, int]:
        """An export of an instance the output imports (a WAC document's `i.f`)."""
        key = ("host:" + host, member)
        found = self.export_alias.get(key)
        if found is None:
            h = next(h for h in self.linked.host_imports if h.name == host)
            sort = T.sort_of(h.exports[member][0])
            idx = self.out.add_alias(A.Alias(sort, A.AliasExport(self.host_index[host][1], member)))
            found = self.export_alias[key] = (sort, idx)
        return found

    def provider_export(self, instance: str, export: str) -> tuple[str, int]:
        key = (instance, export)
        found = self.export_alias.get(key)
        if found is None:
            ext = self.linked.instances[instance].file.exports[export]
            sort = T.sort_of(ext)
            idx = self.out.add_alias(
                A.Alias(sort, A.AliasExport(self.instance_index[instance], export))
            )
            found = self.export_alias[key] = (sort, idx)
        return found

    # -- exports ---------------------------------------------------------------------------

    def root_exports(self) -> None:
        """The root's exports (a `-d` composition's), then those the composition names."""
        root = self.linked.root
        if root is not None:
            for name in root.file.exports:
                sort, idx = self.provider_export(root.name, name)
                self.out.export(name, sort, idx)
        for name, target in self.linked.exports.items():
            sort, idx = self.export_target(target)
            exported = self.out.export(name, sort, idx)
            if isinstance(target, TypeDefinition) and isinstance(target.type, (T.NamedType,
                                                                               T.ResourceType)):
                # later types refer to the type by its exported index: an exported type
                # may only use types that are exported too (external visibility)
                self.out.named[self.types.key(DOCUMENT, target.type)] = exported

    def export_target(self, target: object) -> tuple[str, int]:
        """(sort, index) of what the composition exports by name (a WAC document's exports)."""
        if isinstance(target, Plug):
            if target.export is None:
                return "instance", self.instance_index[target.instance]
            return self.provider_export(target.instance, target.export)
        if isinstance(target, HostArgument):
            if target.member is not None:
                return self.host_export(target.name, target.member)
            return self.host_index[target.name]
        assert isinstance(target, TypeDefinition)
        t = target.type
        if isinstance(t, T.InstanceType):
            return "type", self.out.add_type(self.types.instance_type(self.out, t, DOCUMENT))
        if isinstance(t, T.ComponentType):
            return "type", self.out.add_type(self.types.component_type(self.out, t, DOCUMENT))
        return "type", self.types.deftype(self.out, t, DOCUMENT)


def _alias(out: ComponentBuilder, instance: int, member: str) -> Callable[[], int]:
    return lambda: out.add_alias(A.Alias("type", A.AliasExport(instance, member)))


def encode_composition(linked: Any, import_components: bool = False
                       ) -> tuple[list[bytes | memoryview], list]:
    """The composed component's bytes, in pieces (the embedded components' bytes as views
    of the inputs'), and the component files it embeds, in order, of a linked composition
    without problems (`linked.LinkedComposition`)."""
    encoder = Encoder(linked, import_components)
    parts = encoder.encode()
    return parts, encoder.embedded


def _declares_resources(t: object) -> bool:
    """Whether an instance or component type declares resources of its own (`(export "r"
    (type (sub resource)))`, at any depth); resources it only uses, named from outside,
    are another matter."""
    stack = [T.unwrap(t) if isinstance(t, T.NamedType) else t]
    while stack:
        x = stack.pop()
        if isinstance(x, T.InstanceType):
            members = list(x.exports.values())
        elif isinstance(x, T.ComponentType):
            members = [*x.imports.values(), *x.exports.values()]
        else:
            continue
        if any(isinstance(m, T.ResourceType) for m in members):
            return True
        stack += [m for m in members if isinstance(m, (T.InstanceType, T.ComponentType))]
    return False
