"""A deny adapter: a component that exports one interface and answers every call with a
denial (`answers.py`), generated from the interface's instance type.

    (component
      (import "wasi:sockets/network@0.2.0" (instance ...))   ; what the interface `use`s
      (alias export ... (type ...))                            ;   its resources and names
      (type (resource (rep i32)))                              ; resources it defines
      (core module ...)                                        ; one function per function
      (core func (canon resource.drop ...))                    ; for handles it is given
      (core instance ...) (func (canon lift ...)) ...
      (instance (export "network" (type ...)) ... (export "create-tcp-socket" (func ...)))
      (export "wasi:sockets/tcp-create-socket@0.2.0" (instance ...)))

The types an interface uses from others are imported, only those (and what they refer to):
plugged into a composition, those imports go to the host (or to another adapter), so the
resources a denied function mentions are the host's. Resources the interface defines itself
get an i32 representation and no destructor: nothing can make one, every function that
would (a constructor, a method) traps.
"""

from __future__ import annotations

from typing import Callable, Mapping

from ...binary import canon as C
from ...binary import instances as I
from ...binary import sections as S
from ...binary import types as B
from ...binary.aliases import Alias, AliasCoreExport, AliasExport
from ...binary.component import Component
from ...binary.sorts import CoreSortIdx
from ...errors import CompositionError
from ...model import canonabi as ABI
from ...model import types as T
from ...model.typeencode import TypeEncoder
from ...record import Record, field_
from ..encode import ComponentBuilder
from . import layout
from .answers import Answer, answer, case_name
from .coremodule import GLOBAL_SET, LOCAL_GET, UNREACHABLE, Code, CoreModule, Function, bump_realloc

STATIC_BASE = 8  # where the answers returned through memory start


class DenyAdapter(Record):
    """A generated adapter: its bytes, the interface it exports, the interfaces it imports,
    and what each function answers (`err(access-denied)`, `[]`, `none` or `trap`)."""

    name: str
    data: bytes
    imports: tuple[str, ...]
    answers: dict[str, str]


def deny_adapters(itypes: Mapping[str, T.InstanceType],
                  context: Mapping[str, T.Extern] = {}) -> tuple[DenyAdapter, ...]:
    """One component exporting every interface of `itypes` (by name), each denied as
    `deny_adapter` denies it (`compose stub --world`): the adapters' `data` is that one
    component's, each with its own answers. What the interfaces use is imported from
    `context` once, even when an interface it comes from is among those exported (the
    types stay the host's, as for an adapter plugged alone)."""
    generators = [_Generator(n, t, context) for n, t in itypes.items()]
    data, imports, answers = _outer(generators)
    return tuple(DenyAdapter(g.name, data, imports, answers[g.name]) for g in generators)


def deny_adapter(name: str, itype: T.InstanceType,
                 context: Mapping[str, T.Extern] = {}) -> DenyAdapter:
    """The deny adapter exporting interface `name` of type `itype`. `context`: the other
    interfaces by name (a component's imports, a world's), where the types `itype` uses
    are declared: the adapter imports those it needs, with just those members."""
    return _Generator(name, itype, context).generate()


class _Builder(ComponentBuilder):
    """The adapter under construction: a component's index spaces, core ones included."""

    def _next(self, sort: str) -> int:
        self.counts[sort] = self.counts.get(sort, 0) + 1
        return self.counts[sort] - 1

    def core_module(self, data: bytes) -> int:
        self._close()
        self.sections.append(S.CoreModuleSection(memoryview(data)))
        return self._next("core module")

    def core_instance(self, item: object) -> int:
        self._item(S.CoreInstanceSection, item)
        return self._next("core instance")

    def canon(self, item: object, sort: str) -> int:
        self._item(S.CanonSection, item)
        return self._next(sort)

    def bytes(self) -> bytes:
        self._close()
        return Component(tuple(self.sections)).encode()


def _key(ctx: str, obj: object) -> int:
    return id(obj)


def _identities(t: object) -> list[object]:
    """The resources and names `t`'s structure refers to, without looking through them."""
    out: list[object] = []
    stack = [t.type if isinstance(t, T.NamedType) else t]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if x is None or isinstance(x, (str, T.PrimType)) or id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, (T.ResourceType, T.NamedType)):
            out.append(x)
            continue
        stack.extend(T.parts(x))
    return out


class _Generator:
    def __init__(self, name: str, itype: T.InstanceType, context: Mapping[str, T.Extern]) -> None:
        self.name = name
        self.itype = itype
        self.context = {n: e for n, e in context.items()
                        if n != name and isinstance(e, T.InstanceType)}
        self.out = _Builder()
        self.types = TypeEncoder(_key)
        self.flat = ABI.Flattener(ABI.Options())

    # -- what the interface uses ---------------------------------------------------------

    def used(self) -> dict[str, dict[str, object]]:
        """The members of other interfaces the interface refers to (and what those refer
        to), by interface, in the context's order."""
        where: dict[int, tuple[str, str]] = {}
        for iname, it in self.context.items():
            for m, ext in it.exports.items():  # type: ignore[union-attr]
                if isinstance(ext, (T.ResourceType, T.NamedType)):
                    where.setdefault(id(ext), (iname, m))
        own = {id(e) for e in self.itype.exports.values()}
        needed: dict[str, dict[str, object]] = {}
        stack: list[object] = list(self.itype.exports.values())
        seen: set[int] = set()
        while stack:
            x = stack.pop()
            if id(x) in seen:
                continue
            seen.add(id(x))
            if isinstance(x, (T.ResourceType, T.NamedType)) and id(x) not in own:
                found = where.get(id(x))
                if found is not None:
                    needed.setdefault(found[0], {})[found[1]] = x
                elif isinstance(x, T.ResourceType):
                    raise CompositionError(
                        f"`{self.name}` uses resource `{x.name or '?'}`"
                        + (f" of `{x.owner}`" if x.owner else "")
                        + ", which no interface given with it declares: a deny adapter "
                          "must import it")
            if not isinstance(x, T.ResourceType):
                stack.extend(_identities(x))
        ordered = {n: {m: needed[n][m] for m in it.exports if m in needed[n]}  # type: ignore[union-attr]
                   for n, it in self.context.items() if n in needed}
        return _providers_first(ordered)

    # -- the component ---------------------------------------------------------------------

    def generate(self) -> DenyAdapter:
        """The adapter: an outer component importing what the interface uses, which
        instantiates the inner one (`inner`) with those imports and exports its instance.

        The inner component exports the interface's members at its top level: a resource
        it defines is named by its export there, and only so may `[method]` functions be
        exported (a bag of exports gives a local resource no name)."""
        data, imports, answers = _outer([self])
        return DenyAdapter(self.name, data, imports, answers[self.name])

    def import_all(self, out: "_Builder", types: TypeEncoder,
                   imports: dict[str, dict[str, object]]) -> dict[str, int]:
        """Import each interface used, with only the members needed; their types become
        available to what follows (aliased from the import on first use)."""
        indices = {}
        for iname, members in imports.items():
            itype = types.instance_type(out, {m: (x, iname) for m, x in members.items()}, iname)
            idx = indices[iname] = out.import_(iname, B.ExternInstance(out.add_type(itype)))
            for m, x in members.items():
                out.lazy.setdefault(_key("", x), _alias(out, idx, m))
        return indices

    def inner(self, imports: dict[str, dict[str, object]]) -> tuple[bytes, dict[str, str]]:
        """The inner component (its bytes) and what each function answers."""
        out, types = self.out, self.types
        self.import_all(out, types, imports)
        ctx = self.name
        members = self.itype.exports
        for m, x in members.items():
            if isinstance(x, T.ResourceType):
                out.named[_key(ctx, x)] = out.add_type(B.ResourceType(0x7F, None))
        # each type exported before the functions and types that refer to it (a WIT
        # interface may declare a type after its first use: `error-code` before its payloads)
        name_of = {id(x): m for m, x in members.items() if isinstance(x, (T.ResourceType, T.NamedType))}
        exported: set[int] = set()

        def export(x: object) -> None:
            if id(x) in exported:
                return
            exported.add(id(x))
            if isinstance(x, T.NamedType):
                for y in _identities(x):
                    if id(y) in name_of:
                        export(y)
                defined = types.deftype(out, x.type, ctx)
            else:
                defined = out.named[_key(ctx, x)]
            out.named[_key(ctx, x)] = out.export(name_of[id(x)], "type", defined)

        for x in members.values():
            if id(x) in name_of:
                export(x)
        funcs = [(m, x) for m, x in members.items() if isinstance(x, T.FuncType)]
        defined = {id(x) for x in members.values() if isinstance(x, T.ResourceType)}
        module = CoreModule()
        plans = [self.plan(m, ft, defined) for m, ft in funcs]
        needs_memory = any(p.memory for p in plans)
        needs_realloc = any(p.realloc for p in plans)
        # resource.drop for each resource a denying function is given a handle to
        drops: dict[int, int] = {}  # component type index -> core import index
        for p in plans:
            for r in p.drop_resources:
                tidx = types.deftype(out, r, ctx)
                if tidx not in drops:
                    drops[tidx] = module.import_func("builtins", f"drop-{len(drops)}", ("i32",))
        static = bytearray(STATIC_BASE)
        for p in plans:
            if p.in_memory is not None:
                at = ABI.align_to(len(static), ABI.alignment(p.ft.result))
                static.extend(bytes(at + ABI.elem_size(p.ft.result) - len(static)))
                layout.store(p.ft.result, p.in_memory, static, at)  # type: ignore[arg-type]
                p.address = at
        heap = ABI.align_to(len(static), 8)
        if needs_realloc:
            module.heap_global = heap
        core_funcs = []
        for p in plans:
            core_funcs.append(module.add_function(self.body(p, drops, types, needs_realloc, heap)))
        for i, f in enumerate(core_funcs):
            module.export(f"f{i}", "func", f)
        if needs_memory or needs_realloc:
            module.memory_pages = max(1, -(-heap // (1 << 16)))
            module.export("memory", "memory", 0)
            if bytes(static) != bytes(len(static)):
                module.data = bytes(static)
        if needs_realloc:
            module.export("cabi_realloc", "func", module.add_function(bump_realloc(0)))
        m_idx = out.core_module(module.encode())
        args: tuple = ()
        if drops:
            builtins = [CoreSortIdx("func", out.canon(C.ResourceDrop(tidx), "core func"))
                        for tidx in drops]
            inline = I.CoreInlineExports(tuple(I.CoreInlineExport(f"drop-{i}", b)
                                               for i, b in enumerate(builtins)))
            args = (I.CoreInstantiateArg("builtins", "instance", out.core_instance(inline)),)
        inst = out.core_instance(I.CoreInstantiate(m_idx, args))
        options: list[object] = []
        if needs_memory or needs_realloc:
            options.append(C.MemoryOpt(out.add_alias(Alias("core memory", AliasCoreExport(inst, "memory")))))
        if needs_realloc:
            options.append(C.ReallocOpt(out.add_alias(Alias("core func", AliasCoreExport(inst, "cabi_realloc")))))
        for i, p in enumerate(plans):
            ft_idx = types.deftype(out, p.ft, ctx)
            core = out.add_alias(Alias("core func", AliasCoreExport(inst, f"f{i}")))
            opts = tuple(options[:2 if p.realloc else 1 if p.memory else 0])
            out.export(p.name, "func", out.canon(C.Lift(core, opts, ft_idx), "func"))
        return out.bytes(), {p.name: p.says for p in plans}

    # -- the functions -----------------------------------------------------------------------

    def plan(self, name: str, ft: T.FuncType, defined: set[int]) -> "_Plan":
        flat = self.flat
        params = [t for _, t in ft.params]
        results = [] if ft.result is None else [ft.result]
        core = flat.functype(ft, "lift")
        realloc = (any(ABI.contains_list_or_string(t) for t in params)
                   or len(flat.types(params)) > ABI.MAX_FLAT_PARAMS)
        memory = (any(ABI.contains_list_or_string(t) for t in results)
                  or len(flat.types(results)) > ABI.MAX_FLAT_RESULTS)
        plan = _Plan(name, ft, core, memory or realloc, realloc)
        resource_func = name.startswith(("[constructor]", "[method]", "[static]"))
        a = None if resource_func or ft.is_async else answer(ft.result)
        if a is None:
            return plan
        plan.answer = a
        plan.says = case_name(ft.result, a)  # type: ignore[arg-type]
        if len(flat.types(results)) > ABI.MAX_FLAT_RESULTS:
            plan.in_memory = a
        if len(flat.types(params)) <= ABI.MAX_FLAT_PARAMS:
            at = 0
            for t in params:
                u = T.unwrap(t)
                if isinstance(u, (T.OwnType, T.BorrowType)):
                    r = u.resource
                    if isinstance(u, T.OwnType) or id(T.resource_of(r)) not in defined:
                        plan.drops.append(at)
                        plan.drop_resources.append(r)
                at += len(flat.type(t))
        return plan

    def body(self, p: "_Plan", drops: dict[int, int], types: TypeEncoder, realloc: bool,
             heap: int) -> Function:
        code = Code()
        if p.answer is None:
            code.op(UNREACHABLE)
        else:
            for at, r in zip(p.drops, p.drop_resources):
                code.local(LOCAL_GET, at).call(drops[types.deftype(self.out, r, self.name)])
            if realloc:
                code.const("i32", heap).local(GLOBAL_SET, 0)
            if p.in_memory is not None:
                code.const("i32", p.address)
            elif p.ft.result is not None:
                for valtype, value in layout.flat(p.ft.result, p.answer, self.flat):
                    code.const(valtype, value)
        return Function(p.core.params, p.core.results, bytes(code.buf))


class _Plan(Record, mutable=True):
    name: str
    ft: T.FuncType
    core: T.CoreFunc
    memory: bool
    realloc: bool
    answer: Answer | None = None
    says: str = "trap"
    in_memory: Answer | None = None
    address: int = 0
    drops: list = field_(factory=list)  # the flat parameters that are handles to drop
    drop_resources: list = field_(factory=list)  # and their resources


def _outer(generators: list[_Generator]) -> tuple[bytes, tuple[str, ...], dict[str, dict[str, str]]]:
    """The outer component importing what each generator's interface uses (each interface
    once, with every member any of them needs) and instantiating each inner component with
    those imports, exporting its instance; its bytes, its imports, the answers by interface."""
    used = [g.used() for g in generators]
    merged: dict[str, dict[str, object]] = {}
    for needed in used:
        for iname, members in needed.items():
            merged.setdefault(iname, {}).update(members)
    out = _Builder()
    indices = generators[0].import_all(out, TypeEncoder(_key), _providers_first(merged))
    answers = {}
    for g, needed in zip(generators, used):
        inner, answers[g.name] = g.inner(needed)
        args = [(iname, "instance", indices[iname]) for iname in needed]
        out.export(g.name, "instance", out.instantiate(out.component(inner), args))
    return out.bytes(), tuple(indices), answers


def _alias(out: _Builder, instance: int, member: str) -> Callable[[], int]:
    return lambda: out.add_alias(Alias("type", AliasExport(instance, member)))


def _providers_first(needed: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """The interfaces to import, each after those whose types its members refer to."""
    where = {id(x): n for n, members in needed.items() for x in members.values()}
    deps = {n: {where[id(y)] for x in members.values() for y in _identities(x)
                if id(y) in where and where[id(y)] != n}
            for n, members in needed.items()}
    order: list[str] = []

    def visit(n: str, path: tuple[str, ...]) -> None:
        if n in order or n in path:
            return
        for d in deps[n]:
            visit(d, path + (n,))
        order.append(n)

    for n in needed:
        visit(n, ())
    return {n: needed[n] for n in order}
