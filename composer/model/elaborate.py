"""From decoded sections to types: walk a component's index spaces in order.

Binary.md defines thirteen index spaces that every definition appends to; a later definition
refers to an earlier one by index. `Elaborator` replays the definitions of a component (or a
component or instance type) into an `IndexSpaces` holding those spaces, so that each import and
export ends with its full structural type (`types.py`). Along the way it checks what the
component model's rules (Explainer.md, Binary.md): indices in bounds in every index space,
aliases naming exports that exist with the right sort, instantiations (of components and of
core modules) given every import with a fitting type, `canon lift` and `canon lower` whose
core signatures agree with the Canonical ABI and whose options are present and well typed,
names valid and unique, types within the nesting and size limits wasmparser has. The same
walk reads every input and checks `compose`'s own output before it is written.

Nested components are decoded (they are small: wit-component shims, or the inputs of an
earlier composition). Of a nested core module only what precedes its export section is read
(`binary/module.py`); the module as a whole goes to wasmtime's validator
(`corevalidate.py`) when the elaborator is asked to `validate`.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from ..binary.aliases import Alias, AliasCoreExport, AliasExport
from ..binary import canon as C
from ..binary import coretypes as CT
from ..binary import instances as I
from ..binary import sections as S
from ..binary import types as B
from ..binary.component import Component
from ..binary.imports import Export
from .coremodule import core_extern, module_interface
from .canonabi import MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, Flattener, Options, contains_list_or_string
from .corematch import core_mismatch
from .corevalidate import CoreModule, cache_dir, cached_interface, content_digest, remember_interface
from .features import ALL, CORE, enabled
from ..errors import ValidationError
from ..binary.nameattributes import Implements, NameAttributes, VersionSuffix
from .names import (InterfaceName, Version, canonical_problem, is_extern_name, is_label,
                    is_nested_extern_name, strongly_unique_key)
from ..record import Record, field_
from .subtype import Bindings, check_extern, check_type
from .typetext import func_text, type_text



# Core modules at least this large have their interface (imports and exports) remembered
# in the cache by digest; smaller ones are read each time (a thousand tiny modules read in
# less time than a thousand cache files are opened).
_REMEMBERED = 16 * 1024

class Origin(Record):
    """How a component-level instance or function came to be: what `compose graph` follows
    to see, in a composed component, which instance's export feeds which argument."""

    kind: str  # "import", "instantiate", "inline", "alias", "export", "lift"
    name: str | None = None  # import/export/alias name
    component: int | None = None  # for "instantiate": index into the component space
    args: dict[str, tuple[str, int]] = field_(factory=dict)  # name -> (sort, index)
    instance: int | None = None  # for "alias": the instance aliased from
    index: int | None = None  # for "export": the index (same sort) that is exported


class IndexSpaces:
    """The index spaces of one component, component type or instance type."""

    def __init__(self, kind: str, parent: "IndexSpaces | None" = None, name: str = "",
                 path: tuple[str, ...] = ()) -> None:
        self.kind = kind  # "component", "component type", "instance type"
        self.parent = parent
        self.name = name
        self.path = path  # where the component is nested, for messages: ("component[2]",)
        # core modules and components in the tree, this component included (set for the
        # outermost one)
        self.tree_size = 1
        # False for a scope read back from the cache of component types (`typecache.py`):
        # only `imports`, `exports` and `tree_size` are there, the index spaces are empty
        self.complete = True
        self.types: list[T.DefType] = []
        self.core_types: list[object] = []
        self.funcs: list[T.FuncType] = []
        self.values: list[T.ValType] = []
        self.instances: list[T.InstanceType] = []
        self.instance_origins: list[Origin] = []
        self.func_origins: list[Origin] = []
        self.components: list[T.ComponentType] = []
        self.component_sources: list[object] = []  # ComponentSection or ("import", name)
        self.core_modules: list[S.CoreModuleSection | T.CoreModuleType] = []
        self.core_instances: list[dict[str, T.CoreExtern]] = []
        # the core index spaces of items: what each index is (type, or kind where unknown)
        self.core: dict[str, list[T.CoreExtern]] = {sort: [] for sort in CORE_ITEM_SORTS}
        self.imports: dict[str, T.Extern] = {}
        self.exports: dict[str, T.Extern] = {}
        self.entity_size = 1  # effective size of the imports and exports, as one type
        self._import_keys: dict[str, str] = {}
        # resources that imports introduced: the only ones later imports may use
        self.imported_resources: set[int] = set()
        # resources and type names the component's exports declare (its external names)
        self.exported_names: set[int] = set()
        # Type indices that define a resource (`(type (resource ...))`), the handles made
        # from those indices, and the resources exported as they are defined (in an
        # instance's exports). wasmparser gives a type export a new identity in the index
        # space, so a handle made from the defining index is not one of the export's: it is
        # visible only where the resource itself is exported (by ids).
        self.resource_definitions: set[int] = set()
        # The resources that type imports and exports name, by the id of what the import or
        # export put in the index space: `[method]r.m` and `[constructor]r` must use the one
        # named `r` on their side (imports or exports).
        self.resource_names: dict[str, dict[int, str]] = {"import": {}, "export": {}}
        # the value type of the context slots: the first `context.get`/`context.set` says
        self.context_type: int | None = None
        # 🪙 the indices of values used (each must be, once: by an instantiation, the start
        # function or an export)
        self.values_used: set[int] = set()
        self.definition_handles: set[int] = set()
        self.exported_definitions: set[int] = set()
        self._export_keys: dict[str, str] = {}

    def component_type(self) -> T.ComponentType:
        return T.ComponentType(dict(self.imports), dict(self.exports))

    def outer(self, count: int) -> "IndexSpaces":
        scope: IndexSpaces | None = self
        for _ in range(count):
            scope = scope.parent if scope else None
            if scope is None:  # (a count of 2^32-1 would otherwise loop 4 billion times)
                break
        if scope is None:
            raise ValidationError(f"outer alias count {count} reaches past the outermost scope")
        return scope


CORE_ITEM_SORTS = ("func", "table", "memory", "global", "tag")
MAX_MODULES_AND_COMPONENTS = 1000
MAX_INSTANCES = 4096  # core and component instances of one component, together
MAX_INSTANTIATION_ARGS = 100_000
# wasmparser's limits on a type: how deep it nests, how large it is fully expanded, and how
# many parts each kind of type has at most
MAX_TYPE_DEPTH = 100
MAX_TYPE_SIZE = 1_000_000
MAX_PARTS = {B.Tuple: ("types", "tuple types", 10_000),
             B.Record: ("fields", "record fields", 10_000),
             B.Variant: ("cases", "variant cases", 10_000),
             B.Enum: ("names", "enum cases", 10_000),
             B.Flags: ("names", "flags", 32),
             B.FuncType: ("params", "function parameters", 1_000)}


def _check_counts(ty: object) -> None:
    """A tuple, record, variant, enum, flags or function type within wasmparser's count of
    parts (`MAX_PARTS`)."""
    limit = MAX_PARTS.get(type(ty))
    if limit is not None:
        field, what, most = limit
        count = len(getattr(ty, field))
        if count > most:
            raise ValidationError(f"{what}: {count:,}, more than the {most:,} a type may have")


def _at(space: list, idx: int, what: str) -> object:
    if idx >= len(space):
        raise ValidationError(f"{what} index {idx} out of bounds ({len(space)} defined)")
    return space[idx]


class Elaborator:
    """Replays definitions into scopes. One elaborator can be reused for many components."""

    def __init__(
        self,
        validate: bool = False,
        known: Callable[[S.ComponentSection], "IndexSpaces | None"] | None = None,
        features: frozenset[str] = frozenset(),
    ) -> None:
        # gated features (names as wasm-tools spells them) this walk accepts
        self.features = features
        # with `validate`, the core modules met are collected for wasmtime's validator
        self.validate = validate
        self.caching = cache_dir() is not None
        self.digests: dict[int, str] = {}  # a core module's offset -> its SHA-256
        self.modules: list[CoreModule] = []
        self.modules_and_components = 1
        # (depth, size) of each type met, by id; `keep` holds the types so ids stay theirs
        self.info: dict[int, tuple[int, int]] = {}
        self.keep: list[object] = []
        # The composer embeds components it has already elaborated; `known` gives their
        # types back so that checking the output does not decode them a second time.
        self.known = known

    # -- components --------------------------------------------------------------------

    def component(self, comp: Component, parent: IndexSpaces | None = None, name: str = "",
                  path: tuple[str, ...] = ()) -> IndexSpaces:
        scope = IndexSpaces("component", parent, name, path)
        for section in comp.sections:
            handler = self._SECTION_HANDLERS.get(type(section))
            if handler is None:
                continue  # custom sections
            if isinstance(section, (S.CoreModuleSection, S.ComponentSection, S.StartSection)):
                self._in_section(scope, section, None, lambda: handler(self, scope, section))
                continue
            for i, item in enumerate(section.items):  # type: ignore[attr-defined]
                self._in_section(scope, section, i, lambda: handler(self, scope, item))
        unused = [i for i in range(len(scope.values)) if i not in scope.values_used]
        if unused:
            exc = ValidationError(f"value {unused[0]} is never used: a value is passed to an "
                                  "instantiation or the start function, or exported, once",
                                  comp.sections[-1].offset)
            for label in reversed(path):
                exc.add_context(label)
            raise exc
        return scope

    @staticmethod
    def _in_section(scope: IndexSpaces, section: S.Section, i: int | None, run: Callable[[], None]) -> None:
        """Run a section's (or an item's) handler; a rule it finds broken is located at the
        item: its byte offset, and the path of nested components and sections to it."""
        try:
            run()
        except ValidationError as exc:
            if exc.offset is None:
                offsets = getattr(section, "item_offsets", ())
                exc.offset = offsets[i] if i is not None and i < len(offsets) else section.offset  # type: ignore[attr-defined]
                where = f"{section.LABEL} section"
                if i is not None:
                    where += f" > {section.LABEL}[{i}]"
                exc.add_context(where)
                for label in reversed(scope.path):
                    exc.add_context(label)
            raise

    def gate(self, feature: str, what: str) -> None:
        """Refuse `what` unless the gated `feature` is enabled (wasm-tools 1.262 enables
        none of them by default)."""
        if feature not in self.features:
            raise ValidationError(f"{what} requires the gated feature `{feature}`, which is not "
                                  f"enabled (`--features {feature}` enables it)")

    @staticmethod
    def _count_instance(scope: IndexSpaces) -> None:
        if len(scope.instances) + len(scope.core_instances) > MAX_INSTANCES:
            raise ValidationError(f"instances count exceeds limit of {MAX_INSTANCES}")

    def _count(self) -> None:
        """One more core module or component in the tree: wasmparser and wasmtime take at
        most `MAX_MODULES_AND_COMPONENTS`, the outermost component included."""
        self.modules_and_components += 1
        if self.modules_and_components > MAX_MODULES_AND_COMPONENTS:
            raise ValidationError(
                f"modules and components count exceeds limit of {MAX_MODULES_AND_COMPONENTS}")

    def _core_module(self, scope: IndexSpaces, section: S.CoreModuleSection) -> None:
        self._count()
        digest = None
        if self.validate or self.caching:  # the digest names it in the cache
            digest = self.digests[section.offset] = content_digest(section.data)
        if self.validate:
            path = (*scope.path, f"core module[{len(scope.core_modules)}]")
            self.modules.append(CoreModule(section.data, section.offset, path, digest))
        scope.core_modules.append(section)
        if self.validate:
            # its imports are read where it is defined, as wasmparser does: one that is
            # never instantiated is held to the component's rules for them all the same
            self.module_type(scope, len(scope.core_modules) - 1)

    def _nested_component(self, scope: IndexSpaces, section: S.ComponentSection) -> None:
        known = self.known(section) if self.known and scope.parent is None else None
        if known is not None:
            for _ in range(known.tree_size):
                self._count()
            ctype = known.component_type()
        else:
            self._count()
            path = (*scope.path, f"component[{len(scope.components)}]")
            ctype = self.component(Component.decode_nested(section), scope, path=path).component_type()
        scope.components.append(ctype)
        scope.component_sources.append(section)

    def _start(self, scope: IndexSpaces, section: S.StartSection) -> None:
        self.gate("cm-values", "a start function")
        start = section.start
        func = _at(scope.funcs, start.func, "function")
        params = func.params  # type: ignore[attr-defined]
        if len(start.args) != len(params):
            raise ValidationError(f"start function takes {len(params)} arguments, "
                                  f"{len(start.args)} given")
        for i, (arg, (_, want)) in enumerate(zip(start.args, params)):
            mismatch = check_type(self._use_value(scope, arg), want, Bindings())  # type: ignore[arg-type]
            if mismatch:
                raise ValidationError(f"start function argument {i}: {mismatch}")
        results = 0 if func.result is None else 1  # type: ignore[attr-defined]
        if start.results != results:
            raise ValidationError(f"start function has {results} results, {start.results} bound")
        if results:
            scope.values.append(func.result)  # type: ignore[attr-defined]

    def _value(self, scope: IndexSpaces, value: object) -> None:
        # Binary.md's value section (id 12) is decoded, so that a file holding one reads
        # back byte for byte, but wasm-tools 1.262 has no such section, whatever features
        raise ValidationError("a value section (id 12): WebAssembly tools read no such section "
                              "yet (wasm-tools 1.262 calls it a malformed section id)")

    # -- core instances and types ------------------------------------------------------

    def module_type(self, scope: IndexSpaces, idx: int) -> T.CoreModuleType:
        """A core module's interface, read (once) from what precedes its export section, or
        remembered from an earlier run by the module's digest."""
        entry = _at(scope.core_modules, idx, "core module")
        if isinstance(entry, S.CoreModuleSection):
            # a small module's interface is read faster than a file of the cache is
            digest = self.digests.get(entry.offset) if len(entry.data) >= _REMEMBERED else None
            iface = cached_interface(digest) if digest else None
            if iface is None:
                iface = module_interface(entry.data, entry.offset)
                if digest:
                    remember_interface(digest, iface)
            entry = iface
            scope.core_modules[idx] = entry
        return entry  # type: ignore[return-value]

    def _core_instance(self, scope: IndexSpaces, inst: I.CoreInstance) -> None:
        if isinstance(inst, I.CoreInstantiate):
            mtype = self.module_type(scope, inst.module)
            given: dict[str, dict[str, T.CoreExtern]] = {}
            for arg in inst.args:
                if arg.sort != "instance":
                    raise ValidationError(f"module instantiation argument `{arg.name}` is a core "
                                          f"{arg.sort}: only core instances can be passed")
                if arg.name in given:
                    raise ValidationError(f"duplicate module instantiation argument named `{arg.name}`")
                given[arg.name] = _at(scope.core_instances, arg.instance, "core instance")  # type: ignore[assignment]
            for (module, name), want in mtype.imports.items():
                exports = given.get(module)
                if exports is None:
                    raise ValidationError(f"missing module instantiation argument named `{module}`")
                have = exports.get(name)
                if have is None:
                    raise ValidationError(f"module instantiation argument `{module}` does not "
                                          f"export an item named `{name}`")
                why = core_mismatch(have, want)
                if why:
                    raise ValidationError(f"module instantiation argument `{module}` exports "
                                          f"`{name}` of the wrong type: {why}")
            scope.core_instances.append(dict(mtype.exports))
            self._count_instance(scope)
        else:
            exports: dict[str, T.CoreExtern] = {}
            for e in inst.exports:
                if e.name in exports:
                    raise ValidationError(f"core instance export `{e.name}` defined twice")
                exports[e.name] = self.core_item(scope, e.item.sort, e.item.idx)
            scope.core_instances.append(exports)
            self._count_instance(scope)

    def core_item(self, scope: IndexSpaces, sort: str, idx: int) -> T.CoreExtern:
        """What the core function, table, memory, global or tag `idx` is."""
        space = scope.core.get(sort)
        if space is None:
            raise ValidationError(f"a core instance cannot export a core {sort}")
        if idx >= len(space):
            raise ValidationError(f"core {sort} index {idx} out of bounds ({len(space)} defined)")
        return space[idx]

    def _gate_shared(self, ty: object, defined: int) -> None:
        """Shared types and references belong to the gated shared-everything-threads; the
        types a core type refers to (and its supertypes) must be defined, before it or in
        its rec group (`defined`: how many that makes)."""
        stack = [ty]
        while stack:
            x = stack.pop()
            for idx in (*getattr(x, "supertypes", ()), *([x.heap] if isinstance(x, CT.CoreRefType) else [])):
                if isinstance(idx, int) and idx >= defined:
                    raise ValidationError(f"core type index {idx} out of bounds ({defined} defined)")
            if isinstance(x, CT.SharedCompType) or (isinstance(x, CT.CoreRefType) and x.shared):
                self.gate("shared-everything-threads", "a shared type")
            if isinstance(x, CT.RecGroup):
                stack.extend(x.types)
            elif isinstance(x, (CT.SubType, CT.SubFinalType, CT.PrefixedSubType, CT.SharedCompType)):
                stack.append(x.body)
            elif isinstance(x, CT.CoreFuncType):
                stack.extend([*x.params, *x.results])
            elif isinstance(x, CT.CoreStructType):
                stack.extend(f.storage for f in x.fields)
            elif isinstance(x, CT.CoreArrayType):
                stack.append(x.element.storage)

    def _core_type(self, scope: IndexSpaces, ty: object) -> None:
        group = len(ty.types) if isinstance(ty, CT.RecGroup) else 1
        self._gate_shared(ty, len(scope.core_types) + group)
        members = ty.types if isinstance(ty, CT.RecGroup) else (ty,)
        for at, t in enumerate(members, len(scope.core_types)):
            if (isinstance(t, (CT.SubType, CT.SubFinalType, CT.PrefixedSubType))
                    and any(s >= at for s in t.supertypes)):
                raise ValidationError(f"supertypes must be defined before subtypes (type {at} "
                                      f"names type {max(t.supertypes)})")
        # (a rec group defines one type index per member)
        scope.core_types.extend(self.core_type(scope, t) for t in members)  # (each seen by the next)

    def core_type(self, scope: IndexSpaces, ty: object) -> object:
        for idx in _concrete_heap_types(ty):
            # (an index past the end may be a later member of the same rec group)
            if idx < len(scope.core_types) and isinstance(scope.core_types[idx], T.CoreModuleType):
                raise ValidationError(f"type index {idx} is a module type, not a sub type: a "
                                      "reference or a supertype names a function, struct or "
                                      "array type")
        if isinstance(ty, CT.CoreFuncType):
            return T.CoreFunc(tuple(map(str, ty.params)), tuple(map(str, ty.results)))
        if isinstance(ty, CT.ModuleType):
            inner = IndexSpaces("module type", scope)
            imports: dict[tuple[str, str], object] = {}
            exports: dict[str, object] = {}
            for decl in ty.decls:
                if isinstance(decl, CT.ModuleImportDecl):
                    imp = decl.import_
                    if (imp.module, imp.name) in imports:  # as for a module's own imports
                        raise ValidationError(f"module type imports `{imp.module}` `{imp.name}` "
                                              "twice, which a module inside a component may not")
                    imports[(imp.module, imp.name)] = self._core_extern(inner, imp.type)
                elif isinstance(decl, CT.ModuleTypeDecl):
                    self._core_type(inner, decl.type)
                elif isinstance(decl, CT.ModuleAliasDecl):
                    target = inner.outer(decl.alias.count)
                    aliased = _at(target.core_types, decl.alias.index, "core type")
                    if isinstance(aliased, T.CoreModuleType):
                        # a module's type index space holds function, struct and array types
                        raise ValidationError("a module type cannot alias a core module type "
                                              "into its type index space (wasm-tools: not "
                                              "implemented)")
                    inner.core_types.append(aliased)
                else:
                    if decl.name in exports:
                        raise ValidationError(f"module type exports `{decl.name}` twice")
                    exports[decl.name] = self._core_extern(inner, decl.type)
            return T.CoreModuleType(imports, exports)
        return ty  # GC types: kept as decoded, composing never looks inside them

    def _core_extern(self, scope: IndexSpaces, ext: object) -> T.CoreExtern:
        def func_type(idx: int) -> T.CoreFunc | None:
            t = _at(scope.core_types, idx, "core type")
            return t if isinstance(t, T.CoreFunc) else None

        if isinstance(ext, (CT.CoreMemoryExtern, CT.CoreTableExtern)):
            self._check_limits(ext)
        if isinstance(ext, CT.CoreExactFuncExtern):
            self.gate("custom-descriptors", "an exact function import")
        return core_extern(ext, func_type)

    def _check_limits(self, ext: object) -> None:
        """The limits of a memory or table a module type names, as a core module's own are
        checked: no minimum over the maximum; a memory within the address space, shared
        only with a maximum, of 1-byte or 64 KiB pages (1-byte ones: custom-page-sizes)."""
        limits = ext.limits  # type: ignore[attr-defined]
        if limits.max is not None and limits.min > limits.max:
            raise ValidationError("size minimum must not be greater than maximum")
        if not isinstance(ext, CT.CoreMemoryExtern):
            return
        page_log2 = 16 if limits.page_size_log2 is None else limits.page_size_log2
        if page_log2 not in (0, 16):
            raise ValidationError(f"invalid custom page size: 2**{page_log2} bytes (1 or "
                                  "65536 bytes)")
        if limits.page_size_log2 is not None:
            self.gate("custom-page-sizes", "a memory with a custom page size")
        pages = 1 << ((64 if limits.flags & 0x04 else 32) - page_log2)
        if max(limits.min, limits.max or 0) > pages:
            raise ValidationError(f"memory size must be at most {pages:#x} pages of "
                                  f"{1 << page_log2} bytes")
        if limits.flags & 0x02 and limits.max is None:
            raise ValidationError("shared memory must have maximum size")

    # -- instances -----------------------------------------------------------------------

    def _instance(self, scope: IndexSpaces, inst: I.Instance) -> None:
        if isinstance(inst, I.Instantiate):
            if len(inst.args) > MAX_INSTANTIATION_ARGS:
                raise ValidationError(f"instantiation arguments size is out of bounds: "
                                      f"{len(inst.args):,} arguments, at most {MAX_INSTANTIATION_ARGS:,}")
            ctype = _at(scope.components, inst.component, "component")
            args: dict[str, T.Extern] = {}
            for arg in inst.args:
                if arg.name in args:
                    raise ValidationError(f"instantiation argument `{arg.name}` given twice")
                args[arg.name] = _as_item(self.item_type(scope, arg.item.sort, arg.item.idx),
                                          arg.item.sort, arg.name)
                want = ctype.imports.get(arg.name)  # type: ignore[attr-defined]
                if want is not None and T.sort_of(want) != arg.item.sort:
                    # a type definition is no item of the sort its type has: a function type
                    # is not a function
                    raise ValidationError(f"instantiation argument `{arg.name}` does not fit: "
                                          f"expected {T.a_sort(T.sort_of(want))}, found "
                                          f"{T.a_sort(arg.item.sort)}")
            itype = instantiate(ctype, args)  # type: ignore[arg-type]
            # a resource given by the index that defines it stays that identity in the
            # instance: handles of it there are handles made from its definition
            given = {id(args[a.name]) for a in inst.args
                     if a.item.sort == "type" and a.item.idx in scope.resource_definitions}
            if given:
                scope.definition_handles |= {
                    id(x) for x in T.walk(itype)
                    if isinstance(x, (T.OwnType, T.BorrowType)) and id(x.resource) in given}
            origin = Origin(
                "instantiate",
                component=inst.component,
                args={a.name: (a.item.sort, a.item.idx) for a in inst.args},
            )
        else:
            exports: dict[str, T.Extern] = {}
            keys: dict[str, str] = {}
            for e in inst.exports:
                self._check_name(e.nameattrs, "export")
                _check_unique(keys, e.name, "export")
                item = self.item_type(scope, e.item.sort, e.item.idx)
                if e.item.sort == "type":
                    item = _type_export(item, e.name, None)  # type: ignore[arg-type]
                # wasmparser names no resource in an instance made of exports: a resource
                # function's name is never valid there
                _check_resource_func(e.name, item, {}, "export")
                self._check_attributes(e.nameattrs, item, "export")
                exports[e.name] = item
            itype = T.InstanceType(exports)
            origin = Origin("inline")
        scope.instances.append(itype)
        scope.instance_origins.append(origin)
        self._count_instance(scope)

    @staticmethod
    def _use_value(scope: IndexSpaces, idx: int) -> T.ValType:
        """🪙 A value, used: each is used once."""
        value = _at(scope.values, idx, "value")
        if idx in scope.values_used:
            raise ValidationError(f"value {idx} is used a second time (a value is used once)")
        scope.values_used.add(idx)
        return value  # type: ignore[return-value]

    def item_type(self, scope: IndexSpaces, sort: str, idx: int) -> T.Extern:
        """The type of the definition `(sort idx)`, as an import or export would have it."""
        if sort == "func":
            return _at(scope.funcs, idx, "function")  # type: ignore[return-value]
        if sort == "instance":
            return _at(scope.instances, idx, "instance")  # type: ignore[return-value]
        if sort == "component":
            return _at(scope.components, idx, "component")  # type: ignore[return-value]
        if sort == "type":
            return _at(scope.types, idx, "type")  # type: ignore[return-value]
        if sort == "value":
            return T.ValueExtern(self._use_value(scope, idx))  # type: ignore[arg-type]
        if sort == "core module":
            return self.module_type(scope, idx)
        raise ValidationError(f"a `{sort}` cannot be imported, exported or passed to a component")

    # -- aliases -------------------------------------------------------------------------

    def _alias(self, scope: IndexSpaces, alias: Alias) -> None:
        target = alias.target
        sort = alias.sort
        if isinstance(target, AliasExport):
            itype = _at(scope.instances, target.instance, "instance")
            ext = _aliased(itype.exports, target, "instance", sort, T.sort_of)  # type: ignore[attr-defined]
            self.push(scope, ext, Origin("alias", target.name, instance=target.instance))
        elif isinstance(target, AliasCoreExport):
            exports = _at(scope.core_instances, target.instance, "core instance")
            core_sort = sort.removeprefix("core ")
            if core_sort not in CORE_ITEM_SORTS:
                raise ValidationError(f"an export of a core instance cannot be aliased as a {sort}")
            have = _aliased(exports, target, "core instance", core_sort, T.core_kind)  # type: ignore[arg-type]
            scope.core[core_sort].append(have)
        else:
            outer = scope.outer(target.count)
            if sort == "type":
                entry = _at(outer.types, target.index, "type")
            elif sort == "core type":
                entry = _at(outer.core_types, target.index, "core type")
            elif sort == "core module":
                entry = _at(outer.core_modules, target.index, "core module")
            elif sort == "component":
                entry = _at(outer.components, target.index, "component")
            else:
                raise ValidationError(f"an outer alias cannot refer to a {sort}")
            if sort == "core type":
                scope.core_types.append(entry)
            elif sort == "core module":
                scope.core_modules.append(entry)  # type: ignore[arg-type]
            elif sort == "component":
                scope.components.append(entry)  # type: ignore[arg-type]
                scope.component_sources.append(("outer", target.count, target.index))
            else:
                scope.types.append(entry)  # type: ignore[arg-type]

    def _check_extern(self, scope: IndexSpaces, ext: T.Extern) -> None:
        """The limits wasmparser puts on an import or export (measured with wasm-tools
        1.262): it is one more level of nesting than the type it has (a list nested 99 deep
        is a valid type, and cannot be exported), and a component's imports and exports
        together are one type, whose effective size is theirs summed (two exported types of
        600,000 are too large)."""
        t = ext.type if isinstance(ext, T.NamedType) else ext
        if isinstance(t, (T.CoreModuleType, T.ValueExtern)):
            return
        depth, size = self._measure(t)
        if depth + 1 > MAX_TYPE_DEPTH and not isinstance(t, T.ResourceType):
            raise ValidationError("type nesting is too deep")
        if scope.kind == "component":
            scope.entity_size += size
            if scope.entity_size >= MAX_TYPE_SIZE:
                raise ValidationError(
                    f"effective type size exceeds the limit of {MAX_TYPE_SIZE} (the component's "
                    "imports and exports together)")

    def push(self, scope: IndexSpaces, ext: T.Extern, origin: Origin | None = None) -> None:
        """Append an imported, exported or aliased item to the index space of its sort."""
        if isinstance(ext, T.FuncType):
            scope.funcs.append(ext)
            scope.func_origins.append(origin or Origin("alias"))
        elif isinstance(ext, T.InstanceType):
            scope.instances.append(ext)
            scope.instance_origins.append(origin or Origin("alias"))
            self._count_instance(scope)
        elif isinstance(ext, T.ComponentType):
            scope.components.append(ext)
            scope.component_sources.append(origin)
        elif isinstance(ext, T.CoreModuleType):
            scope.core_modules.append(ext)
        elif isinstance(ext, T.ValueExtern):
            scope.values.append(ext.type)
        else:
            scope.types.append(ext)

    # -- types ---------------------------------------------------------------------------

    def _type(self, scope: IndexSpaces, ty: object) -> None:
        if isinstance(ty, B.ResourceType):
            scope.resource_definitions.add(len(scope.types))
        scope.types.append(self.deftype(scope, ty))

    def valtype(self, scope: IndexSpaces, ref: B.ValTypeRef) -> T.ValType:
        if isinstance(ref, str):
            if ref == "error-context":
                self.gate("cm-error-context", "the `error-context` type")
            return T.PRIMS[ref]
        entry = _at(scope.types, ref, "type")
        if not T.is_value_type(entry):  # type: ignore[arg-type]
            raise ValidationError(f"type index {ref} is not a value type")
        return entry  # type: ignore[return-value]

    def _opt_valtype(self, scope: IndexSpaces, ref: B.ValTypeRef | None) -> T.ValType | None:
        return None if ref is None else self.valtype(scope, ref)

    def _resource(self, scope: IndexSpaces, idx: int) -> T.ResourceType | T.NamedType:
        entry = _at(scope.types, idx, "type")
        if T.resource_of(entry) is None:  # type: ignore[arg-type]
            raise ValidationError(f"type index {idx} is not a resource type")
        return entry  # type: ignore[return-value]

    def deftype(self, scope: IndexSpaces, ty: object) -> T.DefType:
        t = self._deftype(scope, ty)
        self._measure(t)
        return t

    def _measure(self, t: object) -> tuple[int, int]:
        """(depth, size) of a type, with wasmparser's limits: nesting deeper than 100
        levels, or an effective (fully expanded) size of 1,000,000 or more, is refused. The
        limits are what keeps every walk over types (checking, printing, flattening)
        bounded in time and stack, whatever the input."""
        depth, size = T.nesting(t, self.info, self.keep)
        if size >= MAX_TYPE_SIZE:  # (wasmparser: a sum must stay below it)
            raise ValidationError(f"effective type size exceeds the limit of {MAX_TYPE_SIZE}")
        if depth > MAX_TYPE_DEPTH:
            raise ValidationError("type nesting is too deep")
        return depth, size

    def _deftype(self, scope: IndexSpaces, ty: object) -> T.DefType:
        v = self.valtype
        _check_counts(ty)
        if isinstance(ty, B.Prim):
            return self.valtype(scope, ty.name)
        if isinstance(ty, B.Record):
            _unique((f.label for f in ty.fields), "record field")
            return T.RecordType(tuple((f.label, v(scope, f.type)) for f in ty.fields))
        if isinstance(ty, B.Variant):
            _unique((c.label for c in ty.cases), "variant case")
            return T.VariantType(
                tuple((c.label, self._opt_valtype(scope, c.type)) for c in ty.cases)
            )
        if isinstance(ty, B.List):
            return T.ListType(v(scope, ty.element))
        if isinstance(ty, B.FixedList):
            self.gate("cm-fixed-length-lists", "a fixed-length list")
            return T.ListType(v(scope, ty.element), ty.length)
        if isinstance(ty, B.Tuple):
            if not ty.types:
                raise ValidationError("a tuple type must have at least one type")
            return T.TupleType(tuple(v(scope, t) for t in ty.types))
        if isinstance(ty, B.Flags):
            _unique(ty.names, "flag")
            return T.FlagsType(ty.names)
        if isinstance(ty, B.Enum):
            _unique(ty.names, "enum case")
            return T.EnumType(ty.names)
        if isinstance(ty, B.Option):
            return T.OptionType(v(scope, ty.type))
        if isinstance(ty, B.Result):
            return T.ResultType(self._opt_valtype(scope, ty.ok), self._opt_valtype(scope, ty.err))
        if isinstance(ty, (B.Own, B.Borrow)):
            cls = T.OwnType if isinstance(ty, B.Own) else T.BorrowType
            handle = cls(self._resource(scope, ty.resource))
            if ty.resource in scope.resource_definitions:
                scope.definition_handles.add(id(handle))
            return handle
        if isinstance(ty, B.Stream):
            return T.StreamType(self._opt_valtype(scope, ty.element))
        if isinstance(ty, B.Future):
            return T.FutureType(self._opt_valtype(scope, ty.element))
        if isinstance(ty, B.Map):
            key = v(scope, ty.key)
            if not (isinstance(T.unwrap(key), T.PrimType) and T.unwrap(key).name in _MAP_KEYS):  # type: ignore[union-attr]
                raise ValidationError(f"a map's key is a boolean, an integer, a char or a "
                                      f"string, not {type_text(key)}")
            return T.MapType(key, v(scope, ty.value))
        if isinstance(ty, B.FuncType):
            _unique((p.label for p in ty.params), "parameter")
            result = self._opt_valtype(scope, ty.result)
            if result is not None and any(isinstance(x, T.BorrowType) for x in _value_parts(result)):
                raise ValidationError("function result cannot contain a `borrow` type")
            return T.FuncType(
                tuple((p.label, v(scope, p.type)) for p in ty.params), result, ty.is_async
            )
        if isinstance(ty, B.ResourceType):
            if scope.kind != "component":
                raise ValidationError(f"a resource cannot be defined inside a {scope.kind}")
            if ty.rep == 0x7E:
                self.gate("cm64", "a resource represented by an i64")
            elif ty.rep != 0x7F:
                raise ValidationError(f"a resource is represented by an i32, not by {ty.rep:#04x}")
            if ty.dtor is not None:
                rep = "i64" if ty.rep == 0x7E else "i32"
                want = T.CoreFunc((rep,), ())
                dtor = self.core_item(scope, "func", ty.dtor)
                if isinstance(dtor, T.CoreFunc) and dtor != want:
                    raise ValidationError(f"a resource destructor has type {want}, not {dtor}")
            return T.ResourceType(rep=ty.rep, dtor=ty.dtor)
        if isinstance(ty, B.InstanceType):
            inner = IndexSpaces("instance type", scope)
            self._decls(inner, ty.decls)
            return T.InstanceType(inner.exports)
        if isinstance(ty, B.ComponentType):
            inner = IndexSpaces("component type", scope)
            self._decls(inner, ty.decls)
            return inner.component_type()
        raise ValidationError(f"unsupported type definition {type(ty).__name__}")

    def _decls(self, scope: IndexSpaces, decls: tuple) -> None:
        for i, decl in enumerate(decls):
            try:
                if isinstance(decl, B.CoreTypeDecl):
                    self._core_type(scope, decl.type)
                elif isinstance(decl, B.TypeDecl):
                    scope.types.append(self.deftype(scope, decl.type))
                elif isinstance(decl, B.AliasDecl):
                    if isinstance(decl.alias.target, AliasCoreExport):
                        raise ValidationError("core export aliases are not allowed in types")
                    self._alias(scope, decl.alias)
                elif isinstance(decl, B.ImportDeclarator):
                    self.import_(scope, decl.decl)
                else:
                    self.export_decl(scope, decl.decl)
            except ValidationError as exc:
                exc.add_context(f"{scope.kind} declaration {i}")
                raise

    def extern(self, scope: IndexSpaces, et: B.ExternType, name: str) -> T.Extern:
        """The type an `externtype` describes, for an import or export called `name`."""
        kind = _TYPE_INDEX_EXTERNS.get(type(et))
        if kind is not None:
            cls, what = kind
            t = T.unwrap(_at(scope.types, et.type_idx, "type"))  # type: ignore[attr-defined,arg-type]
            if not isinstance(t, cls):
                raise ValidationError(f"type index {et.type_idx} is not {what} type")  # type: ignore[attr-defined]
            # Each import or export of an instance type has resources of its own.
            return T.fresh_instance(t, name) if cls is T.InstanceType else t  # type: ignore[arg-type]
        if isinstance(et, B.ExternCoreModule):
            mt = _at(scope.core_types, et.type_idx, "core type")
            if not isinstance(mt, T.CoreModuleType):
                raise ValidationError(f"core type index {et.type_idx} is not a module type")
            return mt
        if isinstance(et, B.ExternValue):
            self.gate("cm-values", "a value import or export")
            return T.ValueExtern(self.valtype(scope, et.type))
        bound = et.bound  # type: ignore[attr-defined]
        if isinstance(bound, B.TypeBoundSubResource):
            return T.ResourceType(name, scope.name or None)
        return T.NamedType(name, _at(scope.types, bound.type_idx, "type"), None)  # type: ignore[arg-type]

    # -- imports and exports -----------------------------------------------------------

    def _check_name(self, na: NameAttributes, what: str) -> None:
        """An import or export name is an extern name; a nested one (`a:b:c/d`) is the gated
        nested-names feature. With a version suffix (the gated canonical names), an
        interface name's version is the canonical form of the version the suffix ends."""
        name = na.name
        suffix = na.attribute(VersionSuffix)
        if suffix is not None:
            self.gate("cm-canon-names", f"the version suffix of {what} name `{name}`")
            if not suffix.suffix:  # type: ignore[attr-defined]
                raise ValidationError(f"the version suffix of {what} name `{name}` is empty")
            parsed = InterfaceName.parse(name.partition("@")[0])
            if parsed is not None and "@" in name:
                why = canonical_problem(name.partition("@")[2], suffix.suffix)  # type: ignore[attr-defined]
                if why:
                    raise ValidationError(f"{what} name `{name}` is not valid: {why}")
                return
            if parsed is not None and not na.attribute(Implements):
                raise ValidationError(f"{what} name `{name}` has a version suffix but no version")
        if is_extern_name(name):
            return
        if is_nested_extern_name(name):
            self.gate("cm-nested-names", f"the nested {what} name `{name}`")
            return
        raise ValidationError(f"{what} name `{name}` is not a valid extern name")

    def _check_attributes(self, na: NameAttributes, ext: object, what: str) -> None:
        """What a name's attributes allow (Binary.md, `nameattributes`): `implements` only on
        an instance with a plain label, naming an interface; a version suffix only on an
        instance, of an interface name or of the interface it implements."""
        if not na.attributes:
            return
        implements = na.attribute(Implements)
        suffix = na.attribute(VersionSuffix)
        name = na.name
        if (implements or suffix) and not isinstance(ext, T.InstanceType):
            attr = "`implements`" if implements else "a version suffix"
            raise ValidationError(f"{what} `{name}`: only instances can have {attr}")
        if implements is not None:
            target = implements.interface  # type: ignore[attr-defined]
            if not is_label(name):
                raise ValidationError(f"{what} name `{name}` is not valid with `implements`")
            base, at, version = target.partition("@")
            if InterfaceName.parse(base) is None:
                if not is_nested_extern_name(base):
                    raise ValidationError(f"{what} `{name}` implements `{target}`, which is not "
                                          "an interface name")
                self.gate("cm-nested-names", f"the nested interface name `{target}`")
            why = None
            if suffix is not None:
                why = canonical_problem(version, suffix.suffix) if at else \
                    "a version suffix needs a version"  # type: ignore[attr-defined]
            elif at and Version.parse(version) is None:
                why = f"`{version}` is not a version"
            if why:
                raise ValidationError(f"{what} `{name}` implements `{target}`: {why}")
        elif suffix is not None and InterfaceName.parse(name.partition("@")[0]) is None:
            raise ValidationError(f"{what} name `{name}`: a version suffix needs an interface "
                                  "name or `implements`")

    def import_(self, scope: IndexSpaces, imp: B.ImportDecl) -> None:
        name = imp.name
        self._check_name(imp.nameattrs, "import")
        _check_unique(scope._import_keys, name, "import")
        ext = self.extern(scope, imp.type, name)
        if scope.kind in _NAMING_SCOPES and not _plain_func(ext):
            declared = _declared(ext)
            problem = visibility_problem(ext, declared, scope.imported_resources, importing=True)
            if scope.kind == "component type" and _names_a_resource(ext):
                # a component's imports must not be its own resources (checked above);
                # a component type's may be any resource of the scopes around it
                problem = None
            if isinstance(ext, T.NamedType) and id(ext.type) in scope.exported_names:
                # what the component exports comes after its imports: an import cannot be
                # bound to it (a structure that merely uses it is another matter)
                problem = f"it is bound to `{ext.type.name}`, a type this component exports"
            if problem:
                raise ValidationError(f"{T.sort_of(ext)} `{name}` is not valid to be used as an "
                                      f"import: {problem}")
            scope.imported_resources |= set(declared)
        _check_resource_func(name, ext, scope.resource_names["import"], "import")
        self._check_attributes(imp.nameattrs, ext, "import")
        if isinstance(ext, T.NamedType):
            ext.owner = scope.name or None
        self._check_extern(scope, ext)
        scope.imports[name] = ext
        self.push(scope, ext, Origin("import", name))
        if isinstance(ext, T.ComponentType):
            scope.component_sources[-1] = ("import", name)

    def export_decl(self, scope: IndexSpaces, decl: B.ExportDecl) -> None:
        name = decl.name
        self._check_name(decl.nameattrs, "export")
        _check_unique(scope._export_keys, name, "export")
        ext = self.extern(scope, decl.type, name)
        if scope.kind in _NAMING_SCOPES:
            self._export_visibility(scope, ext, name, T.sort_of(ext))
        _check_resource_func(name, ext, scope.resource_names["export"], "export")
        self._check_attributes(decl.nameattrs, ext, "export")
        self._check_extern(scope, ext)
        scope.exports[name] = ext
        self.push(scope, ext, Origin("export", name))

    def _export(self, scope: IndexSpaces, exp: Export) -> None:
        name = exp.name
        self._check_name(exp.nameattrs, "export")
        _check_unique(scope._export_keys, name, "export")
        sort, idx = exp.item.sort, exp.item.idx
        item = self.item_type(scope, sort, idx)
        if exp.type is not None:
            ascribed = self.extern(scope, exp.type, name)
            if T.sort_of(ascribed) != sort:
                raise ValidationError(f"export `{name}`: {T.a_sort(sort)} exported with the "
                                      f"type of {T.a_sort(T.sort_of(ascribed))}")
            bindings = Bindings()
            mismatch = check_extern(_as_item(item, sort, name), ascribed, bindings)
            if mismatch:
                raise ValidationError(
                    f"export `{name}`: the definition does not match the declared type: {mismatch}"
                )
            item = T.substitute(ascribed, bindings.map)  # type: ignore[assignment]
        elif sort == "type":
            item = _type_export(item, name, scope.name or None)  # type: ignore[arg-type]
        elif sort == "instance":
            item = _claim(item, name)  # type: ignore[arg-type]
        if scope.kind == "component":
            inline = sort == "instance" and scope.instance_origins[idx].kind == "inline"
            self._export_visibility(scope, item, name, sort, inline)
        _check_resource_func(name, item, scope.resource_names["export"], "export")
        self._check_attributes(exp.nameattrs, item, "export")
        self._check_extern(scope, item)
        scope.exports[name] = item
        self.push(scope, item, Origin("export", name, index=idx))
        if sort == "value":  # the index an export gives a value is used by the export
            scope.values_used.add(len(scope.values) - 1)

    @staticmethod
    def _export_visibility(scope: IndexSpaces, item: T.Extern, name: str, sort: str,
                           inline: bool = False) -> None:
        """An export may use only types with an external name (`visibility_problem`);
        then what it declares has one. Components and core modules are closed: their types
        were checked where they were defined."""
        declared = _declared(item)
        # an instance made of exports keeps the resources' own identity (the one of their
        # definition); a type export, or an instantiated component's, gives them another
        as_defined = set(declared) if inline else set()
        if sort not in ("component", "core module") and not _names_a_resource(item):
            names = scope.imported_resources | scope.exported_names
            problem = visibility_problem(item, declared, names, importing=False,
                                         by_definition=(scope.definition_handles,
                                                        scope.exported_definitions | as_defined))
            if problem:
                raise ValidationError(f"{sort} `{name}` is not valid to be used as an "
                                      f"export: {problem}")
        scope.exported_names |= set(declared)
        scope.exported_definitions |= as_defined

    # -- canonical definitions -----------------------------------------------------------

    def _canon(self, scope: IndexSpaces, canon: object) -> None:
        if isinstance(canon, C.Lift):
            self._lift(scope, canon)
            return
        if isinstance(canon, C.Lower):
            ft = _at(scope.funcs, canon.func, "function")
            opts = self._options(scope, canon.options, "canon lower")
            flat = self._check_abi(ft, opts, "lower")  # type: ignore[arg-type]
            scope.core["func"].append(flat)
            return
        if isinstance(canon, (C.ResourceNew, C.ResourceRep)):
            what = "resource.new" if isinstance(canon, C.ResourceNew) else "resource.rep"
            res = T.resource_of(self._resource(scope, canon.resource))
            if res is None or res.rep is None:
                raise ValidationError(f"`{what}` needs a resource this component defines; "
                                      f"type {canon.resource} is imported")
            rep = "i64" if res.rep == 0x7E else "i32"  # the representation; handles are i32
            new = isinstance(canon, C.ResourceNew)
            scope.core["func"].append(T.CoreFunc((rep,), ("i32",)) if new else T.CoreFunc(("i32",), (rep,)))
            return
        if isinstance(canon, C.ResourceDrop):
            self._resource(scope, canon.resource)
            scope.core["func"].append(T.CoreFunc(("i32",), ()))
            return
        if getattr(canon, "cancellable", False):
            # the byte is still there, but only 0x00 is read since component-model#716
            label = (type(canon).__doc__ or "").split(" (")[0]
            raise ValidationError(f"`{label}` has the `cancellable` flag (0x01), which was "
                                  "removed (component-model#716): the byte must be 0x00")
        self._gated_builtin(canon)
        self._builtin_indices(scope, canon)
        opts = self._options(scope, getattr(canon, "options", ()), "canon")
        self._builtin_needs(scope, canon, opts)
        scope.core["func"].append(self._builtin_type(scope, canon, opts))

    def _builtin_needs(self, scope: IndexSpaces, canon: object, opts: "_Opts") -> None:
        """The options a built-in that copies values through memory must have (wasmparser's
        rules): reading or writing a stream or future that carries values needs `memory`,
        reading one whose values hold lists or strings `realloc` too (the reader allocates
        them); `error-context.new` reads its message from memory, `.debug-message` writes
        one it allocates."""
        name = type(canon).__name__
        label = f"`{(type(canon).__doc__ or name).split(' (')[0]}`"
        needs: list[tuple[str, str]] = []
        if name in ("StreamRead", "StreamWrite", "FutureRead", "FutureWrite"):
            carried = T.unwrap(scope.types[canon.type_idx]).element  # type: ignore[attr-defined]
            kind = "stream" if name.startswith("Stream") else "future"
            if carried is not None:
                needs.append(("memory", f"its {kind} carries values, copied through memory"))
                if name.endswith("Read") and contains_list_or_string(carried):
                    needs.append(("realloc", f"the values of its {kind} hold lists or strings, "
                                             "which the reader allocates"))
        elif name == "ErrorContextNew":
            needs.append(("memory", "it reads its message from memory"))
        elif name == "ErrorContextDebugMessage":
            needs += [("memory", "it writes the message to memory"),
                      ("realloc", "it allocates the message it writes")]
        for option, why in needs:
            if getattr(opts, option) is None:
                raise ValidationError(f"{label} needs the canonical option `{option}`: {why}")

    def _builtin_type(self, scope: IndexSpaces, canon: object, opts: "_Opts") -> T.CoreExtern:
        """The core function type a built-in is given (CanonicalABI.md, each built-in's
        "validation specifies"), so that what it is passed to is checked against it."""
        if isinstance(canon, C.TaskReturn):
            result = None if canon.result is None else self.valtype(scope, canon.result)
            ft = T.FuncType((("result", result),) if result is not None else (), None)
            return self._check_abi(ft, opts, "lower")
        memory = getattr(canon, "memory", None)
        if memory is not None:  # waitable-set.wait/poll name their memory directly
            mem = self.core_item(scope, "memory", memory)
            wide = isinstance(mem, T.CoreMemory) and mem.memory64
        else:
            wide = opts.memory64
        ptr = "i64" if wide else "i32"  # `T`: the address type of the memory used
        if isinstance(canon, (C.ContextGet, C.ContextSet)):
            if scope.context_type is None:
                scope.context_type = canon.valtype
            elif canon.valtype != scope.context_type:
                raise ValidationError("the context slots of a component hold one type: this "
                                      "`context.get` or `context.set` uses another")
            valtype = {0x7F: "i32", 0x7E: "i64"}[canon.valtype]
            get = isinstance(canon, C.ContextGet)
            return T.CoreFunc((), (valtype,)) if get else T.CoreFunc((valtype,), ())
        if isinstance(canon, (C.ThreadNewIndirect, C.ThreadSpawnIndirect, C.ThreadSpawnRef)):
            return self._thread_start(scope, canon)
        signature = _BUILTIN_SIGNATURES.get(type(canon).__name__)
        if signature is None:
            return "func"
        params, results = signature
        return T.CoreFunc(tuple(ptr if t == "T" else t for t in params),
                          tuple(ptr if t == "T" else t for t in results))

    def _thread_start(self, scope: IndexSpaces, canon: object) -> T.CoreExtern:
        """🧵 `thread.new-indirect`, `thread.spawn-indirect`, `thread.spawn-ref`: the function
        a thread starts with takes one i32 or i64 (its closure) and returns nothing (shared,
        for the spawning ones); the table holds function references."""
        entry = _at(scope.core_types, canon.type_idx, "core type")  # type: ignore[attr-defined]
        shared = isinstance(entry, CT.SharedCompType)
        body = entry.body if shared else entry  # type: ignore[attr-defined]
        if isinstance(body, CT.CoreFuncType):
            body = T.CoreFunc(tuple(map(str, body.params)), tuple(map(str, body.results)))
        label = (type(canon).__doc__ or "").split(" (")[0]
        if not isinstance(body, T.CoreFunc) or len(body.params) != 1 or \
                body.params[0] not in ("i32", "i64") or body.results:
            raise ValidationError(f"`{label}`: the function a thread starts with takes one i32 "
                                  "or i64 and returns nothing")
        if not shared and not isinstance(canon, C.ThreadNewIndirect):
            raise ValidationError(f"`{label}`: the function a thread starts with is shared")
        if isinstance(canon, C.ThreadSpawnRef):
            return "func"  # its first parameter is a reference to the function type
        table = self.core_item(scope, "table", canon.table)  # type: ignore[attr-defined]
        spawn = isinstance(canon, C.ThreadSpawnIndirect)  # from a shared table
        want = _SHARED_FUNCREFS if spawn else _FUNCREFS
        if isinstance(table, T.CoreTable) and table.element not in want:
            raise ValidationError(f"`{label}`: the table holds {table.element}, not "
                                  f"{want[0]}")
        index = "i64" if isinstance(table, T.CoreTable) and table.table64 else "i32"
        return T.CoreFunc((index, body.params[0]), ("i32",))

    def _builtin_indices(self, scope: IndexSpaces, canon: object) -> None:
        """Every index a built-in names must be in bounds and of the kind it needs."""
        name = type(canon).__name__
        type_idx = getattr(canon, "type_idx", None)
        if type_idx is not None and name.startswith(("Stream", "Future")):
            t = T.unwrap(_at(scope.types, type_idx, "type"))  # type: ignore[arg-type]
            want = T.StreamType if name.startswith("Stream") else T.FutureType
            if not isinstance(t, want):
                kind = want.__name__.removesuffix("Type").lower()
                raise ValidationError(f"type index {type_idx} is not a {kind} type")
        elif type_idx is not None:  # the thread built-ins name a core function type
            _at(scope.core_types, type_idx, "core type")
        if isinstance(canon, C.TaskReturn) and canon.result is not None:
            self.valtype(scope, canon.result)
        if getattr(canon, "memory", None) is not None:
            self.core_item(scope, "memory", canon.memory)  # type: ignore[attr-defined]
        if getattr(canon, "table", None) is not None:
            self.core_item(scope, "table", canon.table)  # type: ignore[attr-defined]

    def _lift(self, scope: IndexSpaces, canon: C.Lift) -> None:
        callee = self.core_item(scope, "func", canon.core_func)
        ft = T.unwrap(_at(scope.types, canon.type_idx, "type"))  # type: ignore[arg-type]
        if not isinstance(ft, T.FuncType):
            raise ValidationError(f"canon lift: type index {canon.type_idx} is not a function type")
        opts = self._options(scope, canon.options, "canon lift")
        if opts.is_async and opts.callback is None:
            self.gate("cm-async-stackful", "an async lift without a callback")
        flat = self._check_abi(ft, opts, "lift", callee)
        if isinstance(callee, T.CoreFunc) and isinstance(flat, T.CoreFunc) and callee != flat:
            raise ValidationError(f"canon lift of `{func_text(ft)}`: the core function has type "
                                  f"{callee}, the Canonical ABI needs {flat}")
        if opts.post_return is not None and isinstance(flat, T.CoreFunc):
            want = T.CoreFunc(flat.results, ())
            _option_type("post-return", opts.post_return, want)
        scope.funcs.append(ft)
        scope.func_origins.append(Origin("lift"))

    def _check_abi(self, ft: T.FuncType, opts: "_Opts", context: str,
                   callee: object = None) -> T.CoreExtern:
        """The core type a lift or lower has, after checking it has the options it needs
        (CanonicalABI.md, `canonopt` Validation); `callee`: a lift's core function."""
        if opts.is_async and not ft.is_async:
            raise ValidationError(f"canon {context} of `{func_text(ft)}`: the `async` option "
                                  "needs an async function type")
        if opts.gc:
            return _gc_lowered(ft, opts.core_type if context == "lower" else callee, context)
        f = Flattener(Options(opts.memory64, opts.is_async, opts.callback is not None))
        params = [t for _, t in ft.params]
        results = [] if ft.result is None else [ft.result]
        # what goes into the callee is lifted (`realloc` to copy lists and strings in), what
        # comes out of it is lowered (`memory` to read them)
        into, out_of = (params, results) if context == "lift" else (results, params)
        needs: list[str] = []
        if any(contains_list_or_string(t) for t in into):
            needs.append("realloc")
        if any(contains_list_or_string(t) for t in out_of):
            needs.append("memory")
        if len(f.types(params)) > MAX_FLAT_PARAMS:
            needs.append("realloc" if context == "lift" else "memory")
        if opts.is_async and context == "lower":
            # async lowering passes more than 4 parameters, and any result, through memory
            if len(f.types(params)) > MAX_FLAT_ASYNC_PARAMS or f.types(results):
                needs.append("memory")
        elif len(f.types(results)) > (MAX_FLAT_PARAMS if opts.is_async else MAX_FLAT_RESULTS):
            needs.append("memory")
        missing = [o for o in dict.fromkeys(needs) if getattr(opts, o) is None]
        if missing:
            listed = " and ".join(f"`{o}`" for o in missing)
            raise ValidationError(f"canon {context} of `{func_text(ft)}` needs the {listed} "
                                  f"option{'s' if len(missing) > 1 else ''}")
        return f.functype(ft, context)

    def _options(self, scope: IndexSpaces, options: tuple, where: str) -> "_Opts":
        """`canonopt` Validation: each option once, of the right type, where it may be."""
        opts = _Opts()
        seen: set[str] = set()
        for opt in options:
            name = _OPTION_NAMES[type(opt)]
            if name in seen:
                raise ValidationError(f"canonical option `{name}` is specified more than once")
            seen.add(name)
            if isinstance(opt, (C.CoreTypeOpt, C.GcOpt)):
                self.gate("cm-gc", f"the canonical option `{name}`")
            if isinstance(opt, C.GcOpt):
                opts.gc = True
            elif isinstance(opt, C.CoreTypeOpt):
                if where == "canon lift":
                    raise ValidationError("canonical option `core-type` is not allowed in "
                                          "canon lift (the lifted core function has its type)")
                opts.core_type = _at(scope.core_types, opt.type_idx, "core type")
                if not _is_core_func(opts.core_type):
                    raise ValidationError(f"canonical option `core-type`: core type "
                                          f"{opt.type_idx} is not a function type")
            if isinstance(opt, C.MemoryOpt):
                memory = self.core_item(scope, "memory", opt.memory)
                if isinstance(memory, T.CoreMemory) and memory.memory64:
                    self.gate("cm64", "a 64-bit memory in canonical options")
                opts.memory = memory
            elif isinstance(opt, C.ReallocOpt):
                opts.realloc = self.core_item(scope, "func", opt.func)
            elif isinstance(opt, C.PostReturnOpt):
                if where != "canon lift":
                    raise ValidationError(f"canonical option `post-return` is only allowed with "
                                          f"canon lift, not {where}")
                opts.post_return = self.core_item(scope, "func", opt.func)
            elif isinstance(opt, C.CallbackOpt):
                if where != "canon lift":
                    raise ValidationError(f"canonical option `callback` is only allowed with "
                                          f"canon lift, not {where}")
                opts.callback = self.core_item(scope, "func", opt.func)
            elif isinstance(opt, C.AsyncOpt):
                opts.is_async = True
        if opts.realloc is not None:
            if opts.memory is None:
                raise ValidationError("canonical option `realloc` requires the `memory` option")
            addr = "i64" if opts.memory64 else "i32"  # the memory's address type
            _option_type("realloc", opts.realloc, T.CoreFunc((addr,) * 4, (addr,)))
        if opts.callback is not None:
            if not opts.is_async:
                raise ValidationError("canonical option `callback` requires the `async` option")
            _option_type("callback", opts.callback, T.CoreFunc(("i32",) * 3, ("i32",)))
        if opts.core_type is not None and not opts.gc:
            raise ValidationError("canonical option `core-type` needs the `gc` option")
        if opts.gc and opts.core_type is None and where == "canon lower":
            raise ValidationError("canonical option `gc` needs a `core-type` in a lowering")
        if opts.is_async and opts.post_return is not None:
            raise ValidationError("canonical options `async` and `post-return` cannot be used together")
        return opts

    def _gated_builtin(self, canon: object) -> None:
        name = type(canon).__name__
        label = f"`{(type(canon).__doc__ or name).split(' (')[0]}`"
        if name in _THREADING:
            self.gate("cm-threading", label)
        elif name in _ERROR_CONTEXT:
            self.gate("cm-error-context", label)
        elif name in ("ContextGet", "ContextSet"):
            if canon.valtype not in (0x7F, 0x7E):  # type: ignore[attr-defined]
                raise ValidationError(f"{label} holds an i32 or an i64, not the value type "
                                      f"{canon.valtype:#04x}")  # type: ignore[attr-defined]
            if canon.index > 1:  # type: ignore[attr-defined]
                raise ValidationError(f"{label} of slot {canon.index}: there are two slots, "  # type: ignore[attr-defined]
                                      "0 and 1")
            if canon.valtype != 0x7F:  # type: ignore[attr-defined]
                self.gate("cm64", f"a 64-bit {label}")
            if canon.index != 0:  # type: ignore[attr-defined]
                self.gate("cm-threading", f"{label} of slot {canon.index} (only slot 0 is "  # type: ignore[attr-defined]
                          "there by default)")
        elif name in ("StreamForward", "FutureForward"):
            self.gate("cm-forward", label)
        elif name in ("StreamRead", "StreamWrite", "FutureRead", "FutureWrite"):
            if not any(isinstance(o, C.AsyncOpt) for o in canon.options):  # type: ignore[attr-defined]
                self.gate("cm-more-async-builtins", f"a synchronous {label}")
        if getattr(canon, "async_", False):
            self.gate("cm-more-async-builtins", f"an async {label}")

    _SECTION_HANDLERS: dict[type, Callable] = {}


Elaborator._SECTION_HANDLERS = {
    S.CoreModuleSection: Elaborator._core_module,
    S.CoreInstanceSection: Elaborator._core_instance,
    S.CoreTypeSection: Elaborator._core_type,
    S.ComponentSection: Elaborator._nested_component,
    S.InstanceSection: Elaborator._instance,
    S.AliasSection: Elaborator._alias,
    S.TypeSection: Elaborator._type,
    S.CanonSection: Elaborator._canon,
    S.StartSection: Elaborator._start,
    S.ImportSection: Elaborator.import_,
    S.ExportSection: Elaborator._export,
    S.ValueSection: Elaborator._value,
}


# externtypes that refer to a type index: the model class the index must hold.
_TYPE_INDEX_EXTERNS: dict[type, tuple[type, str]] = {
    B.ExternFunc: (T.FuncType, "a function"),
    B.ExternInstance: (T.InstanceType, "an instance"),
    B.ExternComponent: (T.ComponentType, "a component"),
}


def instantiate(ctype: T.ComponentType, args: dict[str, T.Extern]) -> T.InstanceType:
    """The instance that instantiating a component of type `ctype` with `args` gives.

    Each import must have an argument of a fitting type; the resources the imports declare
    are then bound to the arguments' resources, and the resources the exports declare are
    fresh, as every instantiation makes new ones.
    """
    bindings = Bindings()
    mapping = bindings.map
    for name, expected in ctype.imports.items():
        actual = args.get(name)
        if actual is None:
            raise ValidationError(f"missing instantiation argument for import `{name}`")
        mismatch = check_extern(actual, expected, bindings)
        if mismatch:
            raise ValidationError(f"instantiation argument `{name}` does not fit: {mismatch}")
        _bind_names(expected, actual, mapping)
    declared = {id(r) for e in ctype.exports.values() for r in T.declared_resources(e)}
    for r in T.resources_in(list(ctype.exports.values())):
        # Resources the component defines or its exports declare are new in every instance;
        # those bound by imports are the arguments'; any others come from an outer scope.
        if r not in mapping and (r.rep is not None or id(r) in declared):
            mapping[r] = T.ResourceType(r.name, None, r.rep)
    # One substitution for all the exports: a name one export declares and another export's
    # function uses must stay one object (what the visibility rules look up by identity).
    return T.substitute(T.InstanceType(dict(ctype.exports)), mapping)  # type: ignore[return-value]


def _check_resource_func(name: str, ext: object, names: dict[int, str], what: str) -> None:
    """`[constructor]r`, `[method]r.m`, `[static]r.m` (Explainer.md, Import and Export
    Definitions): a function, of the resource named `r` on this side (`names`: what type
    imports or exports put in the index space, by id, and the name each gave). A type
    import or export of a resource adds its name."""
    kind, _, rest = name.partition("]")
    if not name.startswith("[") or kind not in ("[constructor", "[method", "[static"):
        if _names_a_resource(ext):
            names[id(ext)] = name
        return
    resource = rest.partition(".")[0]
    why = _resource_func_problem(kind[1:], resource, ext, names)
    if why:
        raise ValidationError(f"{what} name `{name}` is not valid: {why}")


def _resource_func_problem(kind: str, resource: str, ext: object,
                           names: dict[int, str]) -> str | None:
    if not isinstance(ext, T.FuncType):
        return f"it names a resource function, and this {T.sort_of(ext)} is not a function"  # type: ignore[arg-type]
    if kind == "static":
        return None if resource in names.values() else f"no resource is named `{resource}` here"
    if kind == "constructor":
        if ext.is_async:
            return "a constructor cannot be async"
        result = None if ext.result is None else T.unwrap(ext.result)
        if isinstance(result, T.ResultType) and result.ok is not None:
            result = T.unwrap(result.ok)
        if not isinstance(result, T.OwnType):
            return "a constructor returns `own<r>` or `result<own<r>, ...>`"
        handle = result.resource
    else:
        if not ext.params or ext.params[0][0] != "self":
            return "a method's first parameter is `self`"
        first = T.unwrap(ext.params[0][1])
        if not isinstance(first, T.BorrowType):
            return "a method's `self` is a `borrow<r>`"
        handle = first.resource
    named = names.get(id(handle))
    if named is None:
        return "the resource it uses has no name here"
    if named != resource:
        return f"the resource it uses is named `{named}`"
    return None


def _as_item(item: object, sort: str, name: str) -> object:
    """What `(sort idx)` is as an argument or an export: a type definition of a function,
    instance or component type is a type, not an item of that sort (a name for it)."""
    if sort == "type" and isinstance(item, (T.FuncType, T.InstanceType, T.ComponentType)):
        return T.NamedType(name, item)  # type: ignore[arg-type]
    return item


def _names_a_resource(ext: object) -> bool:
    """A type import or export of a resource: valid in itself (wasmparser), whatever
    index it names the resource by."""
    return isinstance(ext, (T.NamedType, T.ResourceType)) and T.resource_of(ext) is not None  # type: ignore[arg-type]


def _bind_names(expected: T.Extern, actual: T.Extern, mapping: dict[object, object]) -> None:
    """The type names an import declares (`(type (eq ...))`, also inside an imported
    instance) stand, in the instance, for the argument's own types: the instance's exports
    then use the names the instantiating component has, as wasmparser's substitution does."""
    if isinstance(expected, T.NamedType):
        mapping[expected] = actual
    elif isinstance(expected, T.InstanceType) and isinstance(actual, T.InstanceType):
        for n, e in expected.exports.items():
            a = actual.exports.get(n)
            if a is not None:
                _bind_names(e, a, mapping)


def _type_export(item: T.DefType, name: str, owner: str | None) -> T.Extern:
    """What exporting the type `item` as `name` declares."""
    if isinstance(item, T.ResourceType) and item.name is None:
        # The first export of a resource defined here is its externally visible name.
        item.name, item.owner = name, owner
        return item
    # Any other type export is an `eq` bound: a new name for an existing type.
    return T.NamedType(name, item, owner)


def _aliased(exports: dict, target: object, what: str, sort: str,
             sort_of: Callable[[object], str]) -> object:
    """The export an alias names, which must exist and be of the sort the alias says."""
    found = exports.get(target.name)  # type: ignore[attr-defined]
    if found is None:
        raise ValidationError(f"{what} {target.instance} has no export named `{target.name}`")  # type: ignore[attr-defined]
    if sort_of(found) != sort:
        raise ValidationError(f"export `{target.name}` of {what} {target.instance} is a "  # type: ignore[attr-defined]
                              f"{sort_of(found)}, not a {sort}")
    return found


def declared_names(ext: object) -> dict[int, object]:
    """The resources and type names an import's or export's type declares itself, at any
    depth of instance and component types (by id)."""
    out: dict[int, object] = {}
    stack = [ext]
    while stack:
        x = stack.pop()
        if isinstance(x, (T.ResourceType, T.NamedType)):
            out[id(x)] = x
        elif isinstance(x, T.InstanceType):
            stack.extend(x.exports.values())
        elif isinstance(x, T.ComponentType):
            stack.extend([*x.imports.values(), *x.exports.values()])
    return out


def _declared(ext: object) -> dict[int, object]:
    """`declared_names`, and for a type import or export, the names the type it names
    declares inside it (an instance or component type's own resources)."""
    out = declared_names(ext)
    target = T.unwrap(ext) if isinstance(ext, T.NamedType) else None
    if isinstance(target, (T.InstanceType, T.ComponentType)):
        out.update(declared_names(target))
    return out


_NEEDS_NAME = (T.RecordType, T.VariantType, T.EnumType, T.FlagsType)
# What a map's keys may be (wasmparser: no floats, nothing compound).
_MAP_KEYS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "char",
                       "string"})
# Where imports and exports may use only types with an external name: wasmparser checks
# components and component types, and instance types where they are imported or exported.
_NAMING_SCOPES = ("component", "component type")


def visibility_problem(ext: object, declared: dict[int, object], named: set[int],
               importing: bool,
               by_definition: tuple[set[int], set[int]] = (set(), set())) -> str | None:
    """Why `ext` cannot be an import (or export), if it cannot (Explainer.md, External
    Visibility of Types): every resource it uses, and every record, variant, enum or flags,
    must be one it declares itself or one with an external name in this component, one the
    component imports (an import can use only those) or exports (`named`). A handle made
    from the type index that defines its resource (the ids of `by_definition[0]`) needs
    the resource exported as defined (`by_definition[1]`), not under a type export's
    index."""
    handles, definitions = by_definition
    raw_resource = None  # the resource of a handle made from its definition, if any
    seen: set[int] = set()
    # what a type import or export names need not have a name itself, only what it is made of
    top = T.unwrap(ext) if isinstance(ext, T.NamedType) else ext
    stack: list[object] = [top]
    while stack:
        x = stack.pop()
        if x is None or isinstance(x, (T.PrimType, str)) or id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, T.NamedType):
            if id(x) in declared:  # a name it declares: what it names is checked too
                if isinstance(x.type, T.NamedType):
                    # a name for another name (`(eq 3)` of an export `rec`): that one is
                    # walked as a name, its parts with it (marking it seen here would
                    # leave them unchecked)
                    stack.append(x.type)  # (walked as a name)
                    continue
                if isinstance(x.type, (T.InstanceType, T.ComponentType)):
                    # a type export naming an instance or component type: the resources
                    # that type declares are its own, bound within it
                    declared = {**declared, **declared_names(x.type)}
                stack.append(x.type)
                seen.add(id(x.type))
                stack.extend(_parts(x.type))
                if id(x.type) in handles and id(x.type.resource) not in definitions:  # type: ignore[attr-defined]
                    raw_resource = raw_resource or x.type.resource.name  # type: ignore[attr-defined]
            elif id(x) not in named:
                # a name given elsewhere (by a nested component's import, say): what matters
                # is what it stands for, which must have a name here
                named_target = x.type
                if isinstance(named_target, _NEEDS_NAME):
                    return (f"it uses the type `{x.name}`, which this component does not "
                            f"{'import' if importing else 'import or export'}")
                stack.append(named_target)
            continue
        if isinstance(x, T.ResourceType):
            if id(x) in declared or id(x) in named:
                continue
            which = f"the resource `{x.name}`" if x.name else "a resource the component defines"
            if importing:
                return (f"it uses {which}, which is not imported (an import can only use the "
                        "resources imported before it)")
            return f"it uses {which}, which this component neither imports nor exports"
        if id(x) in handles and id(x.resource) not in definitions:  # type: ignore[attr-defined]
            raw_resource = raw_resource or x.resource.name  # type: ignore[attr-defined]
        if isinstance(x, _NEEDS_NAME) and x is not top:
            kind = type(x).__name__.removesuffix("Type").lower()
            return (f"it uses the {kind} `{type_text(x)}` without a name (import or export "
                    f"it as a type, and use that)")
        stack.extend(_parts(x))
    if raw_resource is not None:  # (what is not exported at all is said above)
        return (f"it uses the resource `{raw_resource}` by the type index that defines it, "
                "not by the one its export gives it")
    return None


def _value_parts(t: object) -> list[object]:
    """Every value type `t` is made of (looking through names), each once."""
    out, seen, stack = [], set(), [t]
    while stack:
        x = stack.pop()
        if isinstance(x, T.NamedType):
            x = T.unwrap(x)
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        out.append(x)
        stack.extend(_parts(x))
    return out


def _plain_func(x: object) -> bool:
    """A function of primitive values only: it declares and uses no type that needs a name,
    so the visibility rules have nothing to check (the common import, met 100,000 times in
    a large component, answered without a walk)."""
    return (isinstance(x, T.FuncType) and (x.result is None or isinstance(x.result, (T.PrimType, str)))
            and all(isinstance(t, (T.PrimType, str)) for _, t in x.params))


def _concrete_heap_types(ty: object) -> list[int]:
    """The type indices a core GC type names: its supertypes, and the heap types of the
    references among its parameters, results, fields or elements."""
    out: list[int] = []
    if isinstance(ty, (CT.SubType, CT.SubFinalType, CT.PrefixedSubType)):
        out += ty.supertypes
        ty = ty.body
    if isinstance(ty, CT.SharedCompType):
        ty = ty.body
    if isinstance(ty, CT.CoreFuncType):
        values = [*ty.params, *ty.results]
    elif isinstance(ty, CT.CoreStructType):
        values = [f.storage for f in ty.fields]
    elif isinstance(ty, CT.CoreArrayType):
        values = [ty.element.storage]
    else:
        values = []
    out += [v.heap for v in values if isinstance(v, CT.CoreRefType) and isinstance(v.heap, int)]
    return out


def _parts(x: object) -> list[object]:
    if isinstance(x, T.InstanceType):
        return list(x.exports.values())
    if isinstance(x, T.ComponentType):
        return [*x.imports.values(), *x.exports.values()]
    if isinstance(x, T.FuncType):
        return [t for _, t in x.params] + [x.result]
    if isinstance(x, T.ValueExtern):
        return [x.type]
    if isinstance(x, T.RecordType):
        return [t for _, t in x.fields]
    if isinstance(x, T.VariantType):
        return [t for _, t in x.cases]
    if isinstance(x, T.TupleType):
        return list(x.types)
    if isinstance(x, (T.ListType, T.StreamType, T.FutureType)):
        return [x.element]
    if isinstance(x, T.OptionType):
        return [x.type]
    if isinstance(x, T.ResultType):
        return [x.ok, x.err]
    if isinstance(x, T.MapType):
        return [x.key, x.value]
    if isinstance(x, (T.OwnType, T.BorrowType)):
        return [x.resource]
    return []


# (params, results) of the built-ins with a fixed core type; `T` is the address type of the
# memory they use (i32, or i64 for a 64-bit memory).
# Element types of a table of function references (what `thread.new-indirect` reads).
_FUNCREFS = ("funcref", "(ref null func)", "(ref func)")
_SHARED_FUNCREFS = ("(ref null (shared func))", "(ref (shared func))")

_BUILTIN_SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "TaskCancel": ((), ()),
    "BackpressureInc": ((), ()),
    "BackpressureDec": ((), ()),
    "SubtaskCancel": (("i32",), ("i32",)),
    "SubtaskDrop": (("i32",), ()),
    "ThreadYield": ((), ("i32",)),
    "StreamNew": ((), ("i64",)),
    "FutureNew": ((), ("i64",)),
    "StreamRead": (("i32", "T", "T"), ("T",)),
    "StreamWrite": (("i32", "T", "T"), ("T",)),
    "FutureRead": (("i32", "T"), ("i32",)),
    "FutureWrite": (("i32", "T"), ("i32",)),
    "StreamCancelRead": (("i32",), ("i32",)),
    "StreamCancelWrite": (("i32",), ("i32",)),
    "FutureCancelRead": (("i32",), ("i32",)),
    "FutureCancelWrite": (("i32",), ("i32",)),
    "StreamDropReadable": (("i32",), ()),
    "StreamDropWritable": (("i32",), ()),
    "FutureDropReadable": (("i32",), ()),
    "FutureDropWritable": (("i32",), ()),
    "ErrorContextNew": (("T", "T"), ("i32",)),
    "ErrorContextDebugMessage": (("i32", "T"), ()),
    "ErrorContextDrop": (("i32",), ()),
    "WaitableSetNew": ((), ("i32",)),
    "WaitableSetWait": (("i32", "T"), ("i32",)),
    "WaitableSetPoll": (("i32", "T"), ("i32",)),
    "WaitableSetDrop": (("i32",), ()),
    "WaitableJoin": (("i32", "i32"), ()),
    "ThreadIndex": ((), ("i32",)),
    "ThreadResumeLater": (("i32",), ()),
    "ThreadSuspend": ((), ("i32",)),
    "ThreadSuspendThenResume": (("i32",), ("i32",)),
    "ThreadYieldThenResume": (("i32",), ("i32",)),
    "ThreadSuspendThenPromote": (("i32",), ("i32",)),
    "ThreadYieldThenPromote": (("i32",), ("i32",)),
    "ThreadAvailableParallelism": ((), ("i32",)),
}


class _Opts:
    """The canon options of one definition, validated."""

    def __init__(self) -> None:
        self.memory: T.CoreExtern | None = None
        self.realloc: T.CoreExtern | None = None
        self.post_return: T.CoreExtern | None = None
        self.callback: T.CoreExtern | None = None
        self.is_async = False
        # the GC ABI (gated): values pass as GC references, under rules checked here only
        # for functions of numbers; `core_type` is the core function type a lowering declares
        self.gc = False
        self.core_type: object | None = None

    @property
    def memory64(self) -> bool:
        return isinstance(self.memory, T.CoreMemory) and self.memory.memory64


_OPTION_NAMES = {
    C.Utf8: "string-encoding", C.Utf16: "string-encoding", C.Latin1Utf16: "string-encoding",
    C.MemoryOpt: "memory", C.ReallocOpt: "realloc", C.PostReturnOpt: "post-return",
    C.AsyncOpt: "async", C.CallbackOpt: "callback", C.CoreTypeOpt: "core-type", C.GcOpt: "gc",
}


def _is_core_func(t: object) -> bool:
    """A core type that is a function type (also inside a subtype of a rec group)."""
    return isinstance(t, (T.CoreFunc, CT.CoreFuncType)) or \
        isinstance(getattr(t, "body", None), CT.CoreFuncType)


# The GC ABI's core type of each number type (and char, bool) of the component model.
_GC_NUMBERS = {"bool": "i32", "s8": "i32", "u8": "i32", "s16": "i32", "u16": "i32",
               "s32": "i32", "u32": "i32", "char": "i32", "s64": "i64", "u64": "i64",
               "f32": "f32", "f64": "f64"}


def _gc_lowered(ft: T.FuncType, declared: object, context: str = "lower") -> T.CoreExtern:
    """The core type a lowering with the GC ABI has: the one it declares (`core-type`),
    which must be what the ABI gives a function of numbers (others are taken as declared)."""
    if not isinstance(declared, T.CoreFunc):
        return "func"
    params = [T.unwrap(t) for _, t in ft.params]
    results = [] if ft.result is None else [T.unwrap(ft.result)]
    for given, wanted, what in ((declared.params, params, "parameters"),
                                (declared.results, results, "results")):
        if len(given) != len(wanted):  # one core value a component value
            core = "core type" if context == "lower" else "core function"
            raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: the "
                                  f"{core} has {len(given)} {what}, the function "
                                  f"{len(wanted)}")
    if all(isinstance(t, T.PrimType) and t.name in _GC_NUMBERS for t in params + results):
        want = T.CoreFunc(tuple(_GC_NUMBERS[t.name] for t in params),  # type: ignore[union-attr]
                          tuple(_GC_NUMBERS[t.name] for t in results))  # type: ignore[union-attr]
        if want != declared:
            raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: the "
                                  f"core type is {declared}, the ABI gives {want}")
        return declared
    # each value one core value (the GC ABI does not flatten): a number where the ABI gives
    # one, a reference for what it gives a struct or an array (which struct or array is not
    # checked here)
    for given, wanted, what in ((declared.params, params, "parameter"),
                                (declared.results, results, "result")):
        if len(given) != len(wanted):
            continue
        for core, t in zip(given, wanted):
            number = _gc_number(t)
            if number is not None and core != number:
                raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: a "
                                      f"{what} of type `{type_text(t)}` is `{number}` in core, "
                                      f"not `{core}`")
            if number is None and core in _CORE_NUMBERS:
                raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: a "
                                      f"{what} of type `{type_text(t)}` is a reference in "
                                      f"core, not `{core}`")
    return declared


_CORE_NUMBERS = frozenset({"i32", "i64", "f32", "f64", "v128"})


def _gc_number(t: object) -> str | None:
    """The core number the GC ABI gives a value of type `t`, or None for one it gives a
    reference (strings, lists and the compound types)."""
    if isinstance(t, T.PrimType):
        return _GC_NUMBERS.get(t.name)  # (an error-context is an `externref`, as a handle)
    if isinstance(t, (T.EnumType, T.FlagsType)):
        return "i32"
    return None


def _option_type(name: str, have: T.CoreExtern, want: T.CoreFunc) -> None:
    if T.core_kind(have) != "func":
        raise ValidationError(f"canonical option `{name}` is a core {T.core_kind(have)}, not a function")
    if isinstance(have, T.CoreFunc) and have != want:
        raise ValidationError(f"canonical option `{name}` has type {have}, expected {want}")


# Built-ins wasm-tools 1.262 does not enable by default, and the feature each needs.
_THREADING = ("ThreadIndex", "ThreadNewIndirect", "ThreadResumeLater", "ThreadSuspend",
              "ThreadSuspendThenResume", "ThreadYieldThenResume", "ThreadSuspendThenPromote",
              "ThreadYieldThenPromote", "ThreadSpawnRef", "ThreadSpawnIndirect",
              "ThreadAvailableParallelism")
_ERROR_CONTEXT = ("ErrorContextNew", "ErrorContextDebugMessage", "ErrorContextDrop")




def _claim(itype: T.InstanceType, name: str) -> T.InstanceType:
    """The instance as seen from outside once exported as `name`.

    Exporting is what gives types their external names: a resource this component defines
    (or an instance of it created) and that has no owner yet is declared by this export, and
    names without an owner belong to it.
    """
    exports: dict[str, T.Extern] = {}
    for key, ext in itype.exports.items():
        target = ext.type if isinstance(ext, T.NamedType) else ext
        if isinstance(target, T.ResourceType) and target.owner is None:
            target.name = target.name or key
            target.owner = name
            ext = target
        elif isinstance(ext, T.NamedType) and ext.owner is None:
            ext.owner = name
        exports[key] = ext
    return T.InstanceType(exports)


def _unique(names: object, what: str) -> None:
    """Labels (of fields, cases, flags, parameters): kebab case, and unique regardless of
    case."""
    seen: dict[str, str] = {}
    for n in names:  # type: ignore[attr-defined]
        if not is_label(n):
            raise ValidationError(f"{what} name `{n}` is not in kebab case")
        _check_unique(seen, n, what)


def _check_unique(seen: dict[str, str], name: str, what: str) -> None:
    key = strongly_unique_key(name)
    if key in seen:
        other = seen[key]
        same = "defined twice" if other == name else f"conflicts with `{other}`"
        raise ValidationError(f"{what} name `{name}` {same}")
    seen[key] = name


# The gated features of wasm-tools 1.262 this reader knows (`--features all` enables all).
FEATURES = ALL


def elaborate(
    comp: Component,
    validate: bool = False,
    known: Callable[[S.ComponentSection], IndexSpaces | None] | None = None,
    features: frozenset[str] | None = None,
) -> IndexSpaces:
    """The index spaces, imports and exports of a decoded component. With `validate`, its
    core modules are checked by wasmtime's validator too. `features`: the gated features
    accepted, by default those in effect (`features.enabled`)."""
    import sys

    if features is None:
        features = enabled()

    # components may nest up to the modules-and-components limit; walking them takes a few
    # Python frames a level
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 8 * MAX_MODULES_AND_COMPONENTS))
    elaborator = Elaborator(validate, known, features)
    from .corevalidate import validate_modules

    try:
        scope = elaborator.component(comp)
    except ValidationError:
        if validate:
            # a module that is itself invalid (with a proposal not enabled, say) is the
            # first thing to fix: report it rather than how it is used
            validate_modules(elaborator.modules, features & CORE)
        raise
    scope.tree_size = elaborator.modules_and_components
    if validate:
        validate_modules(elaborator.modules, features & CORE)
    return scope
