"""From decoded sections to types: walk a component's index spaces in order.

Binary.md defines thirteen index spaces that every definition appends to; a later definition
refers to an earlier one by index. `Elaborator` replays the definitions of a component (or a
component or instance type) into a `Scope` holding those spaces, so that each import and
export ends with its full structural type (`types.py`). Along the way it checks what the
composer relies on: indices in bounds, aliases naming exports that exist, instantiation
arguments whose types fit the imports they are given for, names unique. That check is what
`compose` runs over its own output before writing it.

Nested components are decoded (they are small: wit-component shims, or the inputs of an
earlier composition); nested core modules are not, except their import and export sections
when `check_core` asks for core exports to be checked.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from .binary import aliases as A
from .binary import canon as C
from .binary import coretypes as CT
from .binary import instances as I
from .binary import sections as S
from .binary import types as B
from .binary.component import Component
from .binary.imports import Export
from .binary.module import module_interface
from .errors import ValidationError
from .names import is_extern_name, strongly_unique_key
from .record import Record, field_
from .subtype import Bindings, check_extern


class Origin(Record):
    """How a component-level instance or function came to be: what `compose graph` follows
    to see, in a composed component, which instance's export feeds which argument."""

    kind: str  # "import", "instantiate", "inline", "alias", "export", "lift"
    name: str | None = None  # import/export/alias name
    component: int | None = None  # for "instantiate": index into the component space
    args: dict[str, tuple[str, int]] = field_(factory=dict)  # name -> (sort, index)
    instance: int | None = None  # for "alias": the instance aliased from
    index: int | None = None  # for "export": the index (same sort) that is exported


class Scope:
    """The index spaces of one component, component type or instance type."""

    def __init__(self, kind: str, parent: "Scope | None" = None, name: str = "") -> None:
        self.kind = kind  # "component", "component type", "instance type"
        self.parent = parent
        self.name = name
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
        self.core_instances: list[dict[str, str] | None] = []
        self.core_counts = {"func": 0, "table": 0, "memory": 0, "global": 0, "tag": 0}
        self.imports: dict[str, T.Extern] = {}
        self.exports: dict[str, T.Extern] = {}
        self._import_keys: dict[str, str] = {}
        # resources that imports introduced: the only ones later imports may use
        self.imported_resources: set[int] = set()
        self._export_keys: dict[str, str] = {}

    def component_type(self) -> T.ComponentType:
        return T.ComponentType(dict(self.imports), dict(self.exports))

    def outer(self, count: int) -> "Scope":
        scope: Scope | None = self
        for _ in range(count):
            scope = scope.parent if scope else None
        if scope is None:
            raise ValidationError(f"outer alias count {count} reaches past the outermost scope")
        return scope


def _at(space: list, idx: int, what: str) -> object:
    if idx >= len(space):
        raise ValidationError(f"{what} index {idx} out of bounds ({len(space)} defined)")
    return space[idx]


class Elaborator:
    """Replays definitions into scopes. One elaborator can be reused for many components."""

    def __init__(
        self,
        check_core: bool = False,
        known: Callable[[S.ComponentSection], T.ComponentType | None] | None = None,
    ) -> None:
        self.check_core = check_core
        # The composer embeds components it has already elaborated; `known` gives their
        # types back so that checking the output does not decode them a second time.
        self.known = known

    # -- components --------------------------------------------------------------------

    def component(self, comp: Component, parent: Scope | None = None, name: str = "") -> Scope:
        scope = Scope("component", parent, name)
        for section in comp.sections:
            handler = self._SECTION_HANDLERS.get(type(section))
            if handler is None:
                continue  # custom sections
            if isinstance(section, (S.CoreModuleSection, S.ComponentSection, S.StartSection)):
                self._in_section(section, None, lambda: handler(self, scope, section))
                continue
            for i, item in enumerate(section.items):  # type: ignore[attr-defined]
                self._in_section(section, i, lambda: handler(self, scope, item))
        return scope

    @staticmethod
    def _in_section(section: S.Section, i: int | None, run: Callable[[], None]) -> None:
        try:
            run()
        except ValidationError as exc:
            where = f"{section.LABEL} section at {section.offset:#x}"  # type: ignore[attr-defined]
            if i is not None:
                where += f", item {i}"
            if not getattr(exc, "_located", False):
                exc.message = f"{where}: {exc.message}"
                exc._located = True  # type: ignore[attr-defined]
            raise

    def _core_module(self, scope: Scope, section: S.CoreModuleSection) -> None:
        scope.core_modules.append(section)

    def _nested_component(self, scope: Scope, section: S.ComponentSection) -> None:
        ctype = self.known(section) if self.known and scope.parent is None else None
        if ctype is None:
            ctype = self.component(section.decode(), scope).component_type()
        scope.components.append(ctype)
        scope.component_sources.append(section)

    def _start(self, scope: Scope, section: S.StartSection) -> None:
        start = section.start
        func = _at(scope.funcs, start.func, "function")
        for arg in start.args:
            _at(scope.values, arg, "value")
        if start.results:
            result = func.result  # type: ignore[attr-defined]
            if result is None:
                raise ValidationError("start function has no result to bind")
            scope.values.append(result)

    def _value(self, scope: Scope, value: object) -> None:
        scope.values.append(self.valtype(scope, value.type))  # type: ignore[attr-defined]

    # -- core instances and types ------------------------------------------------------

    def module_type(self, scope: Scope, idx: int, force: bool = False) -> T.CoreModuleType | None:
        """A core module's interface; None when it was not decoded (not asked, not needed)."""
        entry = _at(scope.core_modules, idx, "core module")
        if isinstance(entry, S.CoreModuleSection):
            if not (self.check_core or force):
                return None
            entry = module_interface(entry.data, entry.offset)
            scope.core_modules[idx] = entry
        return entry  # type: ignore[return-value]

    def _core_instance(self, scope: Scope, inst: I.CoreInstance) -> None:
        if isinstance(inst, I.CoreInstantiate):
            mtype = self.module_type(scope, inst.module)
            for arg in inst.args:
                _at(scope.core_instances, arg.instance, "core instance")
            scope.core_instances.append(dict(mtype.exports) if mtype else None)  # type: ignore[arg-type]
        else:
            exports: dict[str, str] = {}
            for e in inst.exports:
                self._check_core_index(scope, e.item.sort, e.item.idx)
                exports[e.name] = e.item.sort
            scope.core_instances.append(exports)

    def _check_core_index(self, scope: Scope, sort: str, idx: int) -> None:
        if sort in scope.core_counts:
            if idx >= scope.core_counts[sort]:
                raise ValidationError(
                    f"core {sort} index {idx} out of bounds ({scope.core_counts[sort]} defined)"
                )
        elif sort == "module":
            _at(scope.core_modules, idx, "core module")
        elif sort == "instance":
            _at(scope.core_instances, idx, "core instance")
        elif sort == "type":
            _at(scope.core_types, idx, "core type")

    def _core_type(self, scope: Scope, ty: object) -> None:
        if isinstance(ty, CT.RecGroup):  # a rec group defines one type index per member
            scope.core_types.extend(self.core_type(scope, t) for t in ty.types)
        else:
            scope.core_types.append(self.core_type(scope, ty))

    def core_type(self, scope: Scope, ty: object) -> object:
        if isinstance(ty, CT.CoreFuncType):
            return T.CoreFunc(tuple(map(str, ty.params)), tuple(map(str, ty.results)))
        if isinstance(ty, CT.ModuleType):
            inner = Scope("module type", scope)
            imports: dict[tuple[str, str], object] = {}
            exports: dict[str, object] = {}
            for decl in ty.decls:
                if isinstance(decl, CT.ModuleImportDecl):
                    imp = decl.import_
                    imports[(imp.module, imp.name)] = self._core_extern(inner, imp.type)
                elif isinstance(decl, CT.ModuleTypeDecl):
                    self._core_type(inner, decl.type)
                elif isinstance(decl, CT.ModuleAliasDecl):
                    target = inner.outer(decl.alias.count)
                    inner.core_types.append(_at(target.core_types, decl.alias.index, "core type"))
                else:
                    exports[decl.name] = self._core_extern(inner, decl.type)
            return T.CoreModuleType(imports, exports)
        return ty  # GC types: kept as decoded, composing never looks inside them

    def _core_extern(self, scope: Scope, ext: object) -> object:
        if isinstance(ext, CT.CoreFuncExtern):
            return _at(scope.core_types, ext.type_idx, "core type")
        return type(ext).__name__.removeprefix("Core").removesuffix("Extern").lower()

    # -- instances -----------------------------------------------------------------------

    def _instance(self, scope: Scope, inst: I.Instance) -> None:
        if isinstance(inst, I.Instantiate):
            ctype = _at(scope.components, inst.component, "component")
            args: dict[str, T.Extern] = {}
            for arg in inst.args:
                if arg.name in args:
                    raise ValidationError(f"instantiation argument `{arg.name}` given twice")
                args[arg.name] = self.item_type(scope, arg.item.sort, arg.item.idx)
            itype = instantiate(ctype, args)  # type: ignore[arg-type]
            origin = Origin(
                "instantiate",
                component=inst.component,
                args={a.name: (a.item.sort, a.item.idx) for a in inst.args},
            )
        else:
            exports: dict[str, T.Extern] = {}
            keys: dict[str, str] = {}
            for e in inst.exports:
                _check_unique(keys, e.name, "export")
                item = self.item_type(scope, e.item.sort, e.item.idx)
                if e.item.sort == "type":
                    item = _type_export(item, e.name, None)  # type: ignore[arg-type]
                exports[e.name] = item
            itype = T.InstanceType(exports)
            origin = Origin("inline")
        scope.instances.append(itype)
        scope.instance_origins.append(origin)

    def item_type(self, scope: Scope, sort: str, idx: int) -> T.Extern:
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
            return T.ValueExtern(_at(scope.values, idx, "value"))  # type: ignore[arg-type]
        if sort == "core module":
            # Passing a module to a component needs its interface: decode just that.
            return self.module_type(scope, idx, force=True)  # type: ignore[return-value]
        raise ValidationError(f"a `{sort}` cannot be imported, exported or passed to a component")

    # -- aliases -------------------------------------------------------------------------

    def _alias(self, scope: Scope, alias: A.Alias) -> None:
        target = alias.target
        sort = alias.sort
        if isinstance(target, A.AliasExport):
            itype = _at(scope.instances, target.instance, "instance")
            ext = itype.exports.get(target.name)  # type: ignore[attr-defined]
            if ext is None:
                raise ValidationError(
                    f"instance {target.instance} has no export named `{target.name}`"
                )
            if T.sort_of(ext) != sort:
                raise ValidationError(
                    f"export `{target.name}` of instance {target.instance} is a "
                    f"{T.sort_of(ext)}, not a {sort}"
                )
            self.push(scope, ext, Origin("alias", target.name, instance=target.instance))
        elif isinstance(target, A.AliasCoreExport):
            exports = _at(scope.core_instances, target.instance, "core instance")
            core_sort = sort.removeprefix("core ")
            if exports is not None:
                kind = _core_kind(exports.get(target.name))  # type: ignore[attr-defined]
                if kind is None:
                    raise ValidationError(
                        f"core instance {target.instance} has no export named `{target.name}`"
                    )
                if kind != core_sort:
                    raise ValidationError(
                        f"export `{target.name}` of core instance {target.instance} is a "
                        f"{kind}, not a {core_sort}"
                    )
            self._push_core(scope, core_sort)
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

    def push(self, scope: Scope, ext: T.Extern, origin: Origin | None = None) -> None:
        """Append an imported, exported or aliased item to the index space of its sort."""
        if isinstance(ext, T.FuncType):
            scope.funcs.append(ext)
            scope.func_origins.append(origin or Origin("alias"))
        elif isinstance(ext, T.InstanceType):
            scope.instances.append(ext)
            scope.instance_origins.append(origin or Origin("alias"))
        elif isinstance(ext, T.ComponentType):
            scope.components.append(ext)
            scope.component_sources.append(origin)
        elif isinstance(ext, T.CoreModuleType):
            scope.core_modules.append(ext)
        elif isinstance(ext, T.ValueExtern):
            scope.values.append(ext.type)
        else:
            scope.types.append(ext)

    def _push_core(self, scope: Scope, sort: str) -> None:
        if sort in scope.core_counts:
            scope.core_counts[sort] += 1
        elif sort == "type":
            scope.core_types.append(None)
        elif sort == "module":
            scope.core_modules.append(T.CoreModuleType({}, {}))
        elif sort == "instance":
            scope.core_instances.append(None)

    # -- types ---------------------------------------------------------------------------

    def _type(self, scope: Scope, ty: object) -> None:
        scope.types.append(self.deftype(scope, ty))

    def valtype(self, scope: Scope, ref: B.ValTypeRef) -> T.ValType:
        if isinstance(ref, str):
            return T.PRIMS[ref]
        entry = _at(scope.types, ref, "type")
        if not T.is_value_type(entry):  # type: ignore[arg-type]
            raise ValidationError(f"type index {ref} is not a value type")
        return entry  # type: ignore[return-value]

    def _opt_valtype(self, scope: Scope, ref: B.ValTypeRef | None) -> T.ValType | None:
        return None if ref is None else self.valtype(scope, ref)

    def _resource(self, scope: Scope, idx: int) -> T.ResourceType | T.NamedType:
        entry = _at(scope.types, idx, "type")
        if T.resource_of(entry) is None:  # type: ignore[arg-type]
            raise ValidationError(f"type index {idx} is not a resource type")
        return entry  # type: ignore[return-value]

    def deftype(self, scope: Scope, ty: object) -> T.DefType:
        v = self.valtype
        if isinstance(ty, B.Prim):
            return T.PRIMS[ty.name]
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
            return T.ListType(v(scope, ty.element), ty.length)
        if isinstance(ty, B.Tuple):
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
        if isinstance(ty, B.Own):
            return T.OwnType(self._resource(scope, ty.resource))
        if isinstance(ty, B.Borrow):
            return T.BorrowType(self._resource(scope, ty.resource))
        if isinstance(ty, B.Stream):
            return T.StreamType(self._opt_valtype(scope, ty.element))
        if isinstance(ty, B.Future):
            return T.FutureType(self._opt_valtype(scope, ty.element))
        if isinstance(ty, B.Map):
            return T.MapType(v(scope, ty.key), v(scope, ty.value))
        if isinstance(ty, B.FuncType):
            _unique((p.label for p in ty.params), "parameter")
            return T.FuncType(
                tuple((p.label, v(scope, p.type)) for p in ty.params),
                self._opt_valtype(scope, ty.result),
                ty.is_async,
            )
        if isinstance(ty, B.ResourceType):
            if scope.kind != "component":
                raise ValidationError(f"a resource cannot be defined inside a {scope.kind}")
            return T.ResourceType(rep=ty.rep, dtor=ty.dtor)
        if isinstance(ty, B.InstanceType):
            inner = Scope("instance type", scope)
            self._decls(inner, ty.decls)
            return T.InstanceType(inner.exports)
        if isinstance(ty, B.ComponentType):
            inner = Scope("component type", scope)
            self._decls(inner, ty.decls)
            return inner.component_type()
        raise ValidationError(f"unsupported type definition {type(ty).__name__}")

    def _decls(self, scope: Scope, decls: tuple) -> None:
        for i, decl in enumerate(decls):
            try:
                if isinstance(decl, B.CoreTypeDecl):
                    self._core_type(scope, decl.type)
                elif isinstance(decl, B.TypeDecl):
                    scope.types.append(self.deftype(scope, decl.type))
                elif isinstance(decl, B.AliasDecl):
                    if isinstance(decl.alias.target, A.AliasCoreExport):
                        raise ValidationError("core export aliases are not allowed in types")
                    self._alias(scope, decl.alias)
                elif isinstance(decl, B.ImportDeclarator):
                    self.import_(scope, decl.decl)
                else:
                    self.export_decl(scope, decl.decl)
            except ValidationError as exc:
                exc.message = f"{scope.kind} declaration {i}: {exc.message}"
                raise

    def extern(self, scope: Scope, et: B.ExternType, name: str) -> T.Extern:
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
            return T.ValueExtern(self.valtype(scope, et.type))
        bound = et.bound  # type: ignore[attr-defined]
        if isinstance(bound, B.TypeBoundSubResource):
            return T.ResourceType(name, scope.name or None)
        return T.NamedType(name, _at(scope.types, bound.type_idx, "type"), None)  # type: ignore[arg-type]

    # -- imports and exports -----------------------------------------------------------

    def import_(self, scope: Scope, imp: B.ImportDecl) -> None:
        name = imp.name
        _check_unique(scope._import_keys, name, "import")
        ext = self.extern(scope, imp.type, name)
        if scope.kind == "component":
            own = {id(r) for r in T.declared_resources(ext)}
            for r in T.resources_in(ext):
                if id(r) not in own and id(r) not in scope.imported_resources:
                    raise ValidationError(
                        f"import `{name}` uses resource `{r.name}`, which is not imported: "
                        "imports cannot use resources the component defines itself"
                    )
            scope.imported_resources |= own
        if isinstance(ext, T.NamedType):
            ext.owner = scope.name or None
        scope.imports[name] = ext
        self.push(scope, ext, Origin("import", name))
        if isinstance(ext, T.ComponentType):
            scope.component_sources[-1] = ("import", name)

    def export_decl(self, scope: Scope, decl: B.ExportDecl) -> None:
        name = decl.name
        _check_unique(scope._export_keys, name, "export")
        ext = self.extern(scope, decl.type, name)
        scope.exports[name] = ext
        self.push(scope, ext, Origin("export", name))

    def _export(self, scope: Scope, exp: Export) -> None:
        name = exp.name
        _check_unique(scope._export_keys, name, "export")
        sort, idx = exp.item.sort, exp.item.idx
        item = self.item_type(scope, sort, idx)
        if exp.type is not None:
            ascribed = self.extern(scope, exp.type, name)
            bindings = Bindings()
            mismatch = check_extern(item, ascribed, bindings)
            if mismatch:
                raise ValidationError(
                    f"export `{name}`: the definition does not match the declared type: {mismatch}"
                )
            item = T.substitute(ascribed, bindings.map)  # type: ignore[assignment]
        elif sort == "type":
            item = _type_export(item, name, scope.name or None)  # type: ignore[arg-type]
        elif sort == "instance":
            item = _claim(item, name)  # type: ignore[arg-type]
        scope.exports[name] = item
        self.push(scope, item, Origin("export", name, index=idx))

    # -- canonical definitions -----------------------------------------------------------

    def _canon(self, scope: Scope, canon: object) -> None:
        if isinstance(canon, C.Lift):
            self._check_core_index(scope, "func", canon.core_func)
            self._check_options(scope, canon.options)
            ft = T.unwrap(_at(scope.types, canon.type_idx, "type"))  # type: ignore[arg-type]
            if not isinstance(ft, T.FuncType):
                raise ValidationError(f"canon lift: type index {canon.type_idx} is not a function type")
            scope.funcs.append(ft)
            scope.func_origins.append(Origin("lift"))
            return
        if isinstance(canon, C.Lower):
            _at(scope.funcs, canon.func, "function")
            self._check_options(scope, canon.options)
        elif isinstance(canon, (C.ResourceNew, C.ResourceDrop, C.ResourceRep)):
            self._resource(scope, canon.resource)
        scope.core_counts["func"] += 1

    def _check_options(self, scope: Scope, options: tuple) -> None:
        for opt in options:
            if isinstance(opt, C.MemoryOpt):
                self._check_core_index(scope, "memory", opt.memory)
            elif isinstance(opt, (C.ReallocOpt, C.PostReturnOpt, C.CallbackOpt)):
                self._check_core_index(scope, "func", opt.func)

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
    declared = {id(r) for e in ctype.exports.values() for r in T.declared_resources(e)}
    for r in T.resources_in(list(ctype.exports.values())):
        # Resources the component defines or its exports declare are new in every instance;
        # those bound by imports are the arguments'; any others come from an outer scope.
        if r not in mapping and (r.rep is not None or id(r) in declared):
            mapping[r] = T.ResourceType(r.name, None, r.rep)
    return T.InstanceType({n: T.substitute(e, mapping) for n, e in ctype.exports.items()})  # type: ignore[misc]


def _type_export(item: T.DefType, name: str, owner: str | None) -> T.Extern:
    """What exporting the type `item` as `name` declares."""
    if isinstance(item, T.ResourceType) and item.name is None:
        # The first export of a resource defined here is its externally visible name.
        item.name, item.owner = name, owner
        return item
    # Any other type export is an `eq` bound: a new name for an existing type.
    return T.NamedType(name, item, owner)


def _core_kind(desc: object) -> str | None:
    """The sort of a core export, whether described by name or by its function type."""
    if desc is None or isinstance(desc, str):
        return desc
    return "func"


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
    seen: dict[str, str] = {}
    for n in names:  # type: ignore[attr-defined]
        _check_unique(seen, n, what)


def _check_unique(seen: dict[str, str], name: str, what: str) -> None:
    if what in ("import", "export") and not is_extern_name(name):
        raise ValidationError(f"{what} name `{name}` is not a valid extern name")
    key = strongly_unique_key(name)
    if key in seen:
        other = seen[key]
        same = "defined twice" if other == name else f"conflicts with `{other}`"
        raise ValidationError(f"{what} name `{name}` {same}")
    seen[key] = name


def elaborate(
    comp: Component,
    check_core: bool = False,
    known: Callable[[S.ComponentSection], T.ComponentType | None] | None = None,
) -> Scope:
    """The index spaces, imports and exports of a decoded component."""
    return Elaborator(check_core, known).component(comp)
