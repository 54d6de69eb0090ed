"""From decoded sections to types: walk a component's index spaces in order.

Binary.md defines thirteen index spaces that every definition appends to; a later definition
refers to an earlier one by index. `Elaborator` replays the definitions of a component (or a
component or instance type) into an `IndexSpaces` holding those spaces (`indexspaces.py`), so
that each import and export ends with its full structural type (`types.py`). Along the way it
checks the component model's rules (Explainer.md, Binary.md): indices in bounds in every index
space, aliases naming exports that exist with the right sort, instantiations (of components and
of core modules) given every import with a fitting type, `canon lift` and `canon lower` whose
core signatures agree with the Canonical ABI and whose options are present and well typed
(`canondefs.py`, `canonoptions.py`), names valid and unique (`namerules.py`), types with an
external name where imports and exports use them (`visibility.py`), within the nesting and
size limits wasmparser has (`limits.py`). The same walk reads every input and checks
`compose`'s own output before it is written.

Nested components are decoded (they are small: wit-component shims, or the inputs of an
earlier composition). Of a nested core module only what precedes its export section is read
(`coremodule.py`); the module as a whole goes to wasmtime's validator (`corevalidate.py`)
when the elaborator is asked to `validate`.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from ..binary import coretypes as CT
from ..binary import instances as I
from ..binary import sections as S
from ..binary import types as B
from ..binary.aliases import Alias, AliasCoreExport, AliasExport
from ..binary.component import Component
from ..binary.imports import Export
from ..errors import ValidationError
from .canondefs import CanonDefinitions
from .corematch import core_mismatch
from .coremodule import core_extern, module_interface
from .corevalidate import CoreModule, Validation, cache_dir, cached_interface, content_digest, remember_interface
from .features import ALL, CORE, enabled
from .indexspaces import CORE_ITEM_SORTS, IndexSpaces, Origin, indexed
from .limits import MAX_INSTANTIATION_ARGS, MAX_MODULES_AND_COMPONENTS, TreeLimits, check_counts, count_instance
from .namerules import check_attributes, check_name, check_resource_func, check_unique, unique_labels
from .subtype import Bindings, check_extern, check_type
from .typetext import type_text
from .visibility import (NAMING_SCOPES, claim, declared_within, export_visibility, names_a_resource, plain_func,
                         type_export, value_parts, visibility_problem)


# Core modules at least this large have their interface (imports and exports) remembered
# in the cache by digest; smaller ones are read each time (a thousand tiny modules read in
# less time than a thousand cache files are opened).
_REMEMBERED = 16 * 1024


class Elaborator(CanonDefinitions):
    """Replays definitions into scopes (those of the canon section: `CanonDefinitions`). One
    elaborator can be reused for many components."""

    def __init__(
        self,
        validate: bool = False,
        known: Callable[[S.ComponentSection], "IndexSpaces | None"] | None = None,
        features: frozenset[str] = frozenset(),
    ) -> None:
        # gated features (names as wasm-tools spells them) this walk accepts
        self.features = features
        # with `validate`, everything is checked, the core modules by wasmtime's validator
        self.validate = validate
        self.caching = cache_dir() is not None
        self.digests: dict[int, str] = {}  # a core module's offset -> its SHA-256
        # with `validate`, validated in the background from when they are met
        self.validation = Validation(features & CORE) if validate else None
        self.limits = TreeLimits()
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


    def _core_module(self, scope: IndexSpaces, section: S.CoreModuleSection) -> None:
        self.limits.count()
        digest = None
        if self.validate or self.caching:  # the digest names it in the cache
            digest = self.digests[section.offset] = content_digest(section.data)
        if self.validation is not None:
            path = (*scope.path, f"core module[{len(scope.core_modules)}]")
            self.validation.submit(CoreModule(section.data, section.offset, path, digest))
        scope.core_modules.append(section)
        if self.validate:
            # its imports are read where it is defined, as wasmparser does: one that is
            # never instantiated is held to the component's rules for them all the same
            self.module_type(scope, len(scope.core_modules) - 1)

    def _nested_component(self, scope: IndexSpaces, section: S.ComponentSection) -> None:
        known = self.known(section) if self.known and scope.parent is None else None
        if known is not None:
            for _ in range(known.tree_size):
                self.limits.count()
            ctype = known.component_type()
        else:
            self.limits.count()
            path = (*scope.path, f"component[{len(scope.components)}]")
            ctype = self.component(Component.decode_nested(section), scope, path=path).component_type()
        scope.components.append(ctype)
        scope.component_sources.append(section)

    def _start(self, scope: IndexSpaces, section: S.StartSection) -> None:
        self.gate("cm-values", "a start function")
        start = section.start
        func = indexed(scope.funcs, start.func, "function")
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
        entry = indexed(scope.core_modules, idx, "core module")
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
                given[arg.name] = indexed(scope.core_instances, arg.instance, "core instance")  # type: ignore[assignment]
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
            count_instance(scope)
        else:
            exports: dict[str, T.CoreExtern] = {}
            for e in inst.exports:
                if e.name in exports:
                    raise ValidationError(f"core instance export `{e.name}` defined twice")
                exports[e.name] = scope.core_item(e.item.sort, e.item.idx)
            scope.core_instances.append(exports)
            count_instance(scope)


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
                    aliased = indexed(target.core_types, decl.alias.index, "core type")
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
            t = indexed(scope.core_types, idx, "core type")
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
            ctype = indexed(scope.components, inst.component, "component")
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
                check_name(e.nameattrs, "export", self.gate)
                check_unique(keys, e.name, "export")
                item = self.item_type(scope, e.item.sort, e.item.idx)
                if e.item.sort == "type":
                    item = type_export(item, e.name, None)  # type: ignore[arg-type]
                # wasmparser names no resource in an instance made of exports: a resource
                # function's name is never valid there
                check_resource_func(e.name, item, {}, "export")
                check_attributes(e.nameattrs, item, "export", self.gate)
                exports[e.name] = item
            itype = T.InstanceType(exports)
            origin = Origin("inline")
        scope.instances.append(itype)
        scope.instance_origins.append(origin)
        count_instance(scope)

    @staticmethod
    def _use_value(scope: IndexSpaces, idx: int) -> T.ValType:
        """🪙 A value, used: each is used once."""
        value = indexed(scope.values, idx, "value")
        if idx in scope.values_used:
            raise ValidationError(f"value {idx} is used a second time (a value is used once)")
        scope.values_used.add(idx)
        return value  # type: ignore[return-value]

    def item_type(self, scope: IndexSpaces, sort: str, idx: int) -> T.Extern:
        """The type of the definition `(sort idx)`, as an import or export would have it."""
        if sort == "func":
            return indexed(scope.funcs, idx, "function")  # type: ignore[return-value]
        if sort == "instance":
            return indexed(scope.instances, idx, "instance")  # type: ignore[return-value]
        if sort == "component":
            return indexed(scope.components, idx, "component")  # type: ignore[return-value]
        if sort == "type":
            return indexed(scope.types, idx, "type")  # type: ignore[return-value]
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
            itype = indexed(scope.instances, target.instance, "instance")
            ext = _aliased(itype.exports, target, "instance", sort, T.sort_of)  # type: ignore[attr-defined]
            self.push(scope, ext, Origin("alias", target.name, instance=target.instance))
        elif isinstance(target, AliasCoreExport):
            exports = indexed(scope.core_instances, target.instance, "core instance")
            core_sort = sort.removeprefix("core ")
            if core_sort not in CORE_ITEM_SORTS:
                raise ValidationError(f"an export of a core instance cannot be aliased as a {sort}")
            have = _aliased(exports, target, "core instance", core_sort, T.core_kind)  # type: ignore[arg-type]
            scope.core[core_sort].append(have)
        else:
            outer = scope.outer(target.count)
            if sort == "type":
                entry = indexed(outer.types, target.index, "type")
            elif sort == "core type":
                entry = indexed(outer.core_types, target.index, "core type")
            elif sort == "core module":
                entry = indexed(outer.core_modules, target.index, "core module")
            elif sort == "component":
                entry = indexed(outer.components, target.index, "component")
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


    def push(self, scope: IndexSpaces, ext: T.Extern, origin: Origin | None = None) -> None:
        """Append an imported, exported or aliased item to the index space of its sort."""
        if isinstance(ext, T.FuncType):
            scope.funcs.append(ext)
            scope.func_origins.append(origin or Origin("alias"))
        elif isinstance(ext, T.InstanceType):
            scope.instances.append(ext)
            scope.instance_origins.append(origin or Origin("alias"))
            count_instance(scope)
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
        entry = indexed(scope.types, ref, "type")
        if not T.is_value_type(entry):  # type: ignore[arg-type]
            raise ValidationError(f"type index {ref} is not a value type")
        return entry  # type: ignore[return-value]

    def _opt_valtype(self, scope: IndexSpaces, ref: B.ValTypeRef | None) -> T.ValType | None:
        return None if ref is None else self.valtype(scope, ref)

    def _resource(self, scope: IndexSpaces, idx: int) -> T.ResourceType | T.NamedType:
        entry = indexed(scope.types, idx, "type")
        if T.resource_of(entry) is None:  # type: ignore[arg-type]
            raise ValidationError(f"type index {idx} is not a resource type")
        return entry  # type: ignore[return-value]

    def deftype(self, scope: IndexSpaces, ty: object) -> T.DefType:
        t = self._deftype(scope, ty)
        self.limits.measure(t)
        return t


    def _deftype(self, scope: IndexSpaces, ty: object) -> T.DefType:
        v = self.valtype
        check_counts(ty)
        if isinstance(ty, B.Prim):
            return self.valtype(scope, ty.name)
        if isinstance(ty, B.Record):
            unique_labels((f.label for f in ty.fields), "record field")
            return T.RecordType(tuple((f.label, v(scope, f.type)) for f in ty.fields))
        if isinstance(ty, B.Variant):
            unique_labels((c.label for c in ty.cases), "variant case")
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
            unique_labels(ty.names, "flag")
            return T.FlagsType(ty.names)
        if isinstance(ty, B.Enum):
            unique_labels(ty.names, "enum case")
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
            unique_labels((p.label for p in ty.params), "parameter")
            result = self._opt_valtype(scope, ty.result)
            if result is not None and any(isinstance(x, T.BorrowType) for x in value_parts(result)):
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
                dtor = scope.core_item("func", ty.dtor)
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
            t = T.unwrap(indexed(scope.types, et.type_idx, "type"))  # type: ignore[attr-defined,arg-type]
            if not isinstance(t, cls):
                raise ValidationError(f"type index {et.type_idx} is not {what} type")  # type: ignore[attr-defined]
            # Each import or export of an instance type has resources of its own.
            return T.fresh_instance(t, name) if cls is T.InstanceType else t  # type: ignore[arg-type]
        if isinstance(et, B.ExternCoreModule):
            mt = indexed(scope.core_types, et.type_idx, "core type")
            if not isinstance(mt, T.CoreModuleType):
                raise ValidationError(f"core type index {et.type_idx} is not a module type")
            return mt
        if isinstance(et, B.ExternValue):
            self.gate("cm-values", "a value import or export")
            return T.ValueExtern(self.valtype(scope, et.type))
        bound = et.bound  # type: ignore[attr-defined]
        if isinstance(bound, B.TypeBoundSubResource):
            return T.ResourceType(name, scope.name or None)
        return T.NamedType(name, indexed(scope.types, bound.type_idx, "type"), None)  # type: ignore[arg-type]

    # -- imports and exports -----------------------------------------------------------


    def import_(self, scope: IndexSpaces, imp: B.ImportDecl) -> None:
        name = imp.name
        check_name(imp.nameattrs, "import", self.gate)
        check_unique(scope._import_keys, name, "import")
        ext = self.extern(scope, imp.type, name)
        if scope.kind in NAMING_SCOPES and not plain_func(ext):
            declared = declared_within(ext)
            problem = visibility_problem(ext, declared, scope.imported_resources, importing=True)
            if scope.kind == "component type" and names_a_resource(ext):
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
        check_resource_func(name, ext, scope.resource_names["import"], "import")
        check_attributes(imp.nameattrs, ext, "import", self.gate)
        if isinstance(ext, T.NamedType):
            ext.owner = scope.name or None
        self.limits.check_import_export(scope, ext)
        scope.imports[name] = ext
        self.push(scope, ext, Origin("import", name))
        if isinstance(ext, T.ComponentType):
            scope.component_sources[-1] = ("import", name)

    def export_decl(self, scope: IndexSpaces, decl: B.ExportDecl) -> None:
        name = decl.name
        check_name(decl.nameattrs, "export", self.gate)
        check_unique(scope._export_keys, name, "export")
        ext = self.extern(scope, decl.type, name)
        if scope.kind in NAMING_SCOPES:
            export_visibility(scope, ext, name, T.sort_of(ext))
        check_resource_func(name, ext, scope.resource_names["export"], "export")
        check_attributes(decl.nameattrs, ext, "export", self.gate)
        self.limits.check_import_export(scope, ext)
        scope.exports[name] = ext
        self.push(scope, ext, Origin("export", name))

    def _export(self, scope: IndexSpaces, exp: Export) -> None:
        name = exp.name
        check_name(exp.nameattrs, "export", self.gate)
        check_unique(scope._export_keys, name, "export")
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
            item = type_export(item, name, scope.name or None)  # type: ignore[arg-type]
        elif sort == "instance":
            item = claim(item, name)  # type: ignore[arg-type]
        if scope.kind == "component":
            inline = sort == "instance" and scope.instance_origins[idx].kind == "inline"
            export_visibility(scope, item, name, sort, inline)
        check_resource_func(name, item, scope.resource_names["export"], "export")
        check_attributes(exp.nameattrs, item, "export", self.gate)
        self.limits.check_import_export(scope, item)
        scope.exports[name] = item
        self.push(scope, item, Origin("export", name, index=idx))
        if sort == "value":  # the index an export gives a value is used by the export
            scope.values_used.add(len(scope.values) - 1)


    # -- canonical definitions -----------------------------------------------------------


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


def _as_item(item: object, sort: str, name: str) -> object:
    """What `(sort idx)` is as an argument or an export: a type definition of a function,
    instance or component type is a type, not an item of that sort (a name for it)."""
    if sort == "type" and isinstance(item, (T.FuncType, T.InstanceType, T.ComponentType)):
        return T.NamedType(name, item)  # type: ignore[arg-type]
    return item


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


# What a map's keys may be (wasmparser: no floats, nothing compound).
_MAP_KEYS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "char",
                       "string"})


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
    validation = elaborator.validation
    try:
        scope = elaborator.component(comp)
    except ValidationError:
        if validation is not None:
            # a module that is itself invalid (with a proposal not enabled, say) is the
            # first thing to fix: report it rather than how it is used
            validation.finish()
        raise
    scope.tree_size = elaborator.limits.modules_and_components
    if validation is not None:
        validation.finish()
    return scope
