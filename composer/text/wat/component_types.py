"""Component-level types as `wasm-tools print` writes them: defined value types, func types,
resource types, component and instance types with their declarations, extern types (what an
import or export is), and the index spaces (`State`) the printer counts definitions in.
"""

from __future__ import annotations

from ...binary import types as t
from ...binary.aliases import Alias, AliasCoreExport, AliasExport
from ...binary.coretypes import NUM_TYPES, ModuleType
from ...binary.nameattributes import ExternalId, Implements, NameAttributes, VersionSuffix
from .component_core import CoreTypeSpace, print_module_type, print_rec
from .component_names import ComponentNaming
from .printer import Printer, name_string

# The index spaces of a component, by the sort names of composer/binary/sorts.py.
SORTS = (
    "core func", "core table", "core memory", "core global", "core tag", "core module",
    "core instance", "func", "value", "type", "component", "instance",
)


class State:
    """One component, component type or instance type being printed: how many items of
    each sort it has defined so far, and their names."""

    def __init__(self, naming: ComponentNaming | None = None) -> None:
        self.naming = naming if naming is not None else ComponentNaming()
        self.counts = dict.fromkeys(SORTS, 0)
        names = self.naming.names
        names.types = self.naming.sorts.setdefault("core type", {})
        self.core_types = CoreTypeSpace(names)
        # the identifier a component's header printed (`$name`), None if none or not a
        # component: how a text reader names it in an outer alias
        self.ident: str | None = None

    def ref(self, sort: str, index: int) -> str:
        if sort == "core type":
            return self.core_types.ref(index)
        return self.naming.ref(sort, index)

    def define(self, sort: str) -> str:
        """The next item of `sort` where it is defined (`$name (;N;)`), counted."""
        if sort == "core type":
            return self.core_types.define()
        index = self.counts[sort]
        self.counts[sort] = index + 1
        return self.naming.definition(sort, index)


def outer_state(states: list[State], count: int, inner: int = 0) -> tuple[str, State]:
    """The state an outer alias of `count` refers to, and how the alias names it (see
    `_outer_label`). `inner` scopes of the alias (a module type's) are not in `states`."""
    depth = count - inner
    if not 0 <= depth < len(states):
        # wasm-tools says so in a comment before the alias, resolving against an empty state
        return str(count), State()
    at = len(states) - 1 - depth
    return _outer_label(states, at, count), states[at]


def _outer_label(states: list[State], at: int, count: int) -> str:
    """How an outer alias of `count` names the component `states[at]`.

    wasm-tools writes the component's own name (its own component-name section's, with
    `(@name "...")` when renamed) or, when it has none, the count. But `wasm-tools parse`
    resolves that identifier against the components' headers, and a nested component's
    header carries the name its parent's component-name section gives it: when the two
    differ (a composition's nested `$seed-app.wasm` calling itself `seed-app`), when the
    parent names it not at all, when the name was renamed (the `(@name)` is no index), or
    when a nearer component's header has the same identifier (the nearest one is found),
    wasm-tools' own text does not parse back to the same binary. We deviate from it there
    only: the identifier the header printed, else the count."""
    state = states[at]
    if state.naming.name is None:
        return str(count)  # as wasm-tools
    ident = state.ident
    if ident is None or any(nearer.ident == ident for nearer in states[at + 1:]):
        return str(count)
    return ident


def invalid_count(states: list[State], count: int, inner: int = 0) -> str:
    """The comment wasm-tools writes before an outer alias of a count that reaches past
    the outermost component, else nothing."""
    if 0 <= count - inner < len(states):
        return ""
    return f"(; invalid outer alias count {count} ;) "


# -- value types ------------------------------------------------------------------------


def valtype(state: State, v: t.ValTypeRef) -> str:
    return v if isinstance(v, str) else state.ref("type", v)


def _opt(state: State, v: t.ValTypeRef | None) -> str:
    return "" if v is None else " " + valtype(state, v)


def defvaltype(state: State, d: object) -> str:
    """The text of a `defvaltype`."""
    if isinstance(d, t.Prim):
        return d.name
    if isinstance(d, t.Record):
        return "(record" + "".join(
            f" (field {name_string(f.label)} {valtype(state, f.type)})" for f in d.fields
        ) + ")"
    if isinstance(d, t.Variant):
        return "(variant" + "".join(
            f" (case {name_string(c.label)}{_opt(state, c.type)})" for c in d.cases
        ) + ")"
    if isinstance(d, t.List):
        return f"(list {valtype(state, d.element)})"
    if isinstance(d, t.FixedList):
        return f"(list {valtype(state, d.element)} {d.length})"
    if isinstance(d, t.Tuple):
        return "(tuple" + "".join(" " + valtype(state, v) for v in d.types) + ")"
    if isinstance(d, (t.Flags, t.Enum)):
        keyword = "flags" if isinstance(d, t.Flags) else "enum"
        return f"({keyword}" + "".join(" " + name_string(n) for n in d.names) + ")"
    if isinstance(d, t.Option):
        return f"(option {valtype(state, d.type)})"
    if isinstance(d, t.Result):
        err = "" if d.err is None else f" (error {valtype(state, d.err)})"
        return f"(result{_opt(state, d.ok)}{err})"
    if isinstance(d, (t.Own, t.Borrow)):
        keyword = "own" if isinstance(d, t.Own) else "borrow"
        return f"({keyword} {state.ref('type', d.resource)})"
    if isinstance(d, (t.Stream, t.Future)):
        keyword = "stream" if isinstance(d, t.Stream) else "future"
        return f"({keyword}{_opt(state, d.element)})"
    if isinstance(d, t.Map):
        return f"(map {valtype(state, d.key)} {valtype(state, d.value)})"
    raise TypeError(d)


def functype(state: State, f: t.FuncType) -> str:
    out = "(func async" if f.is_async else "(func"
    for param in f.params:
        out += f" (param {name_string(param.label)} {valtype(state, param.type)})"
    if f.result is not None:
        out += f" (result {valtype(state, f.result)})"
    return out + ")"


# -- names and extern types -----------------------------------------------------------

_ATTRIBUTE_ORDER = ((Implements, "implements", "interface"),
                    (VersionSuffix, "version-suffix", "suffix"),
                    (ExternalId, "external-id", "id"))


def name_text(na: NameAttributes) -> str:
    """An import's or export's name and its attributes, in wasm-tools' order."""
    out = name_string(na.name)
    for kind, keyword, field in _ATTRIBUTE_ORDER:
        attr = na.attribute(kind)
        if attr is not None:
            out += f" ({keyword} {name_string(getattr(attr, field))})"
    return out


def extern_sort(ty: object) -> str:
    """The sort an extern type describes (`core module`, `func`, ...)."""
    return _EXTERN_SORTS[type(ty)]


_EXTERN_SORTS = {
    t.ExternCoreModule: "core module", t.ExternFunc: "func", t.ExternValue: "value",
    t.ExternTypeBound: "type", t.ExternComponent: "component", t.ExternInstance: "instance",
}


def externtype(state: State, ty: object, label: str | None) -> str:
    """`(func $f (;0;) (type 1))` and the like: what an import, an export's ascription or a
    type's declaration is; `label` is the defined item's, when it defines one."""
    sort = extern_sort(ty)
    head = f"({sort} " + (label + " " if label is not None else "")
    if isinstance(ty, t.ExternCoreModule):
        return head + f"(type {state.ref('core type', ty.type_idx)}))"
    if isinstance(ty, t.ExternValue):
        v = ty.type
        return head + (v if isinstance(v, str) else f"(type {state.ref('type', v)})") + ")"
    if isinstance(ty, t.ExternTypeBound):
        bound = ty.bound
        if isinstance(bound, t.TypeBoundEq):
            return head + f"(eq {state.ref('type', bound.type_idx)}))"
        return head + "(sub resource))"
    return head + f"(type {state.ref('type', ty.type_idx)}))"


def import_text(state: State, decl: t.ImportDecl) -> str:
    label = state.define(extern_sort(decl.type))
    return f"(import {name_text(decl.nameattrs)} {externtype(state, decl.type, label)})"


# -- aliases ----------------------------------------------------------------------------


def alias_text(states: list[State], alias: Alias) -> str:
    state = states[-1]
    target = alias.target
    if isinstance(target, AliasExport):
        return (f"(alias export {state.ref('instance', target.instance)} "
                f"{name_string(target.name)} ({alias.sort} {state.define(alias.sort)}))")
    if isinstance(target, AliasCoreExport):
        return (f"(alias core export {state.ref('core instance', target.instance)} "
                f"{name_string(target.name)} ({alias.sort} {state.define(alias.sort)}))")
    label, outer = outer_state(states, target.count)
    target_ref = outer.ref(alias.sort, target.index)
    return f"{invalid_count(states, target.count)}(alias outer {label} {target_ref} ({alias.sort} {state.define(alias.sort)}))"


# -- type definitions -------------------------------------------------------------------


def print_core_type(p: Printer, states: list[State], ty: object) -> None:
    """A core type definition in a component, component type or instance type."""
    state = states[-1]
    if isinstance(ty, ModuleType):
        p.start_group("core type " + state.define("core type"))

        def outer_alias(count: int) -> tuple[str, str, CoreTypeSpace]:
            label, outer = outer_state(states, count, inner=1)
            return invalid_count(states, count, inner=1), label, outer.core_types

        print_module_type(p, ty.decls, outer_alias)
        p.end_group()
    else:
        print_rec(p, state.core_types, ty, "core type", "core rec")


def print_type(p: Printer, states: list[State], ty: object) -> None:
    """`(type $t (;N;) ...)`: a type definition or declaration."""
    state = states[-1]
    label = state.define("type")
    if isinstance(ty, (t.ComponentType, t.InstanceType)):
        p.start_group("type " + label)
        keyword = "component" if isinstance(ty, t.ComponentType) else "instance"
        print_decls(p, states, keyword, ty.decls)
        p.end_group()
        return
    if isinstance(ty, t.FuncType):
        body = functype(state, ty)
    elif isinstance(ty, t.ResourceType):
        body = f"(resource (rep {NUM_TYPES.get(ty.rep, hex(ty.rep))})"
        if ty.dtor is not None:
            body += f" (dtor {state.ref('core func', ty.dtor)})"
        body += ")"
    else:
        body = defvaltype(state, ty)
    p.write(f"(type {label} {body})")


def print_decls(p: Printer, states: list[State], keyword: str, decls: tuple) -> None:
    """`(component ...)` or `(instance ...)` of a component or instance type."""
    states.append(State())
    try:
        p.newline()
        p.start_group(keyword)
        for decl in decls:
            p.newline()
            print_decl(p, states, decl)
        p.end_group()
    finally:
        states.pop()


def print_decl(p: Printer, states: list[State], decl: object) -> None:
    state = states[-1]
    if isinstance(decl, t.CoreTypeDecl):
        print_core_type(p, states, decl.type)
    elif isinstance(decl, t.TypeDecl):
        print_type(p, states, decl.type)
    elif isinstance(decl, t.AliasDecl):
        p.write(alias_text(states, decl.alias))
    elif isinstance(decl, t.ImportDeclarator):
        p.write(import_text(state, decl.decl))
    else:
        ed = decl.decl  # type: ignore[attr-defined]
        label = state.define(extern_sort(ed.type))
        p.write(f"(export {label} {name_text(ed.nameattrs)} {externtype(state, ed.type, None)})")
