"""The component printer: a component's sections, in order, in the text syntax of the
Explainer, as `wasm-tools print` writes them. Every definition carries its index as a
`(;N;)` comment and its name from the `component-name` section; nested core modules go to
the core module printer (module.py), nested components back here.

The sections are the productions of composer/binary (decoded once, by `Component.decode`);
embedded modules and components stay slices of the input until printed.
"""

from __future__ import annotations

import sys

from ...binary import canon as c
from ...binary.component import Component
from ...binary.coretypes import NUM_TYPES
from ...binary.instances import CoreInstantiate, Instantiate
from ...binary.namesec import SECTION_NAME
from ...binary.reader import Reader
from ...binary.sorts import CoreSortIdx, SortIdx
from ...binary.sections import (
    AliasSection, CanonSection, ComponentSection, CoreInstanceSection, CoreModuleSection,
    CoreTypeSection, CustomSection, ExportSection, ImportSection, InstanceSection,
    StartSection, TypeSection, ValueSection,
)
from ...errors import BinaryError
from . import module
from .component_names import ComponentNaming
from .component_types import (
    State, alias_text, externtype, import_text, name_text, print_core_type, print_type,
    valtype,
)
from .printer import Printer, bytes_string, name_string


# Python frames allowed while printing a component (a few per level of nesting).
_RECURSION_LIMIT = 100_000


def print_component(
    p: Printer, data: bytes | memoryview, *, label: str | None = None,
    skeleton: bool = False, base: int = 0, outer: list[State] | None = None,
    ident: str | None = None,
) -> None:
    """`(component ...)`: `label` is the text after the keyword the enclosing component
    chose (`$name (;N;)`, `ident` being its identifier `$name`); None at the top level,
    where the component's own name is used. `outer` is the stack of enclosing components,
    for outer aliases."""
    if outer is None:
        # each nested component costs a few frames, and wasm-tools prints components
        # nested thousands deep
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
        try:
            return print_component(p, data, label=label, skeleton=skeleton, base=base, outer=[],
                                   ident=ident)
        finally:
            sys.setrecursionlimit(limit)
    component = Component.decode(data, base)
    naming = _naming(component)
    states = [*outer, State(naming)]
    if label is None:
        label, ident = naming.name, naming.ident
    states[-1].ident = ident
    p.start_group("component" + (" " + label if label else ""))
    for section in component.sections:
        _SECTION_PRINTERS[type(section)](p, states, section, skeleton)
    p.end_group()


def _naming(component: Component) -> ComponentNaming:
    """The names of the component's `component-name` sections."""
    naming = ComponentNaming()
    for section in component.of_kind(CustomSection):
        if section.name == SECTION_NAME:  # type: ignore[attr-defined]
            naming.read(section.data, section.offset)  # type: ignore[attr-defined]
    return naming


# -- sections ---------------------------------------------------------------------------


def _custom(p: Printer, states: list[State], s: CustomSection, skeleton: bool) -> None:
    if s.name == SECTION_NAME:
        return  # its names are printed where the items are
    if s.name == "producers":
        fields = _producers(s)
        if fields is not None:
            _print_producers(p, fields)
            return
    p.newline()
    body = "..." if skeleton else bytes_string(s.data)
    p.write(f"(@custom {name_string(s.name)} {body})")


def _producers(s: CustomSection) -> list[tuple[str, list[tuple[str, str]]]] | None:
    """The fields of a `producers` section, or None when it is malformed (then it prints
    as any custom section)."""
    r = Reader(s.data)
    try:
        fields = []
        for _ in range(r.count("producers field")):
            name = r.name()
            values = [(r.name(), r.name()) for _ in range(r.count("producers value"))]
            fields.append((name, values))
        r.expect_end("the producers section")
    except BinaryError:
        return None
    return fields


def _print_producers(p: Printer, fields: list[tuple[str, list[tuple[str, str]]]]) -> None:
    p.newline()
    p.start_group("@producers")
    for field, values in fields:
        for name, version in values:
            p.newline()
            p.write(f"({field} {name_string(name)} {name_string(version)})")
    p.end_group()


def _core_module(p: Printer, states: list[State], s: CoreModuleSection, skeleton: bool) -> None:
    p.newline()
    label = states[-1].define("core module")
    module.print_module(p, s.data, keyword="core module", label=label, skeleton=skeleton,
                        base=s.offset)


def _component(p: Printer, states: list[State], s: ComponentSection, skeleton: bool) -> None:
    p.newline()
    parent = states[-1]
    ident = parent.naming.of("component").get(parent.counts["component"])
    label = parent.define("component")
    print_component(p, s.data, label=label, skeleton=skeleton, base=s.offset, outer=states,
                    ident=ident)


def _core_instances(p: Printer, states: list[State], s: CoreInstanceSection, _: bool) -> None:
    state = states[-1]
    for inst in s.items:
        label = state.define("core instance")
        if isinstance(inst, CoreInstantiate):
            args = [f"(with {name_string(arg.name)} "
                    f"({arg.sort} {state.ref('core ' + arg.sort, arg.instance)}))"
                    for arg in inst.args]
            _print_instance(p, "core instance " + label, state.ref("core module", inst.module),
                            args)
        else:
            exports = [f"(export {name_string(e.name)} {_core_item(state, e.item)})"
                       for e in inst.exports]
            _print_instance(p, "core instance " + label, None, exports)


def _instances(p: Printer, states: list[State], s: InstanceSection, _: bool) -> None:
    state = states[-1]
    for inst in s.items:
        label = state.define("instance")
        if isinstance(inst, Instantiate):
            args = [f"(with {name_string(arg.name)} {_item(state, arg.item)})"
                    for arg in inst.args]
            _print_instance(p, "instance " + label, state.ref("component", inst.component), args)
        else:
            exports = [f"(export {name_text(e.nameattrs)} {_item(state, e.item)})"
                       for e in inst.exports]
            _print_instance(p, "instance " + label, None, exports)


def _print_instance(p: Printer, head: str, instantiated: str | None, lines: list[str]) -> None:
    """`(core instance $i (;0;) (instantiate $m <arg lines>))`, or an instance of inline
    exports (`instantiated` None): each argument or export on a line of its own."""
    p.newline()
    p.start_group(head)
    if instantiated is not None:
        p.write(" ")
        p.start_group("instantiate " + instantiated)
    for line in lines:
        p.newline()
        p.write(line)
    if instantiated is not None:
        p.end_group()
    p.end_group()


def _core_item(state: State, item: CoreSortIdx) -> str:
    """`(func $f)`: a reference to a core item. wasm-tools writes a tag by its index even
    when it has a name."""
    sort = item.sort
    index = str(item.idx) if sort == "tag" else state.ref("core " + sort, item.idx)
    return f"({sort} {index})"


def _item(state: State, item: SortIdx) -> str:
    """`(func $f)`: a reference to an item of a component-level sort."""
    return f"({item.sort} {state.ref(item.sort, item.idx)})"


def _core_types(p: Printer, states: list[State], s: CoreTypeSection, _: bool) -> None:
    for ty in s.items:
        p.newline()
        print_core_type(p, states, ty)


def _types(p: Printer, states: list[State], s: TypeSection, _: bool) -> None:
    for ty in s.items:
        p.newline()
        print_type(p, states, ty)


def _aliases(p: Printer, states: list[State], s: AliasSection, _: bool) -> None:
    for alias in s.items:
        p.newline()
        p.write(alias_text(states, alias))


def _imports(p: Printer, states: list[State], s: ImportSection, _: bool) -> None:
    for decl in s.items:
        p.newline()
        p.write(import_text(states[-1], decl))


def _exports(p: Printer, states: list[State], s: ExportSection, _: bool) -> None:
    state = states[-1]
    for export in s.items:
        p.newline()
        target = _item(state, export.item)
        label = state.define(export.item.sort)
        text = f"(export {label} {name_text(export.nameattrs)} {target}"
        if export.type is not None:
            text += " " + externtype(state, export.type, None)
        p.write(text + ")")


def _start(p: Printer, states: list[State], s: StartSection, _: bool) -> None:
    state = states[-1]
    start = s.start
    p.newline()
    text = "(start " + state.ref("func", start.func)
    for arg in start.args:
        text += f" (value {state.ref('value', arg)})"
    for _ in range(start.results):
        text += f" (result (value {state.define('value')}))"
    p.write(text + ")")


# -- canon ------------------------------------------------------------------------------


def _canons(p: Printer, states: list[State], s: CanonSection, _: bool) -> None:
    state = states[-1]
    for canon, offset in zip(s.items, s.item_offsets):
        if getattr(canon, "cancellable", False):
            # wasm-tools 1.262 reads the flag as a zero byte (component-model#716)
            raise BinaryError("invalid leading byte (0x1) for zero byte: `cancellable` is "
                              "no longer supported", offset)
        p.newline()
        if isinstance(canon, c.Lift):
            label = state.define("func")
            p.write(f"(func {label} (type {state.ref('type', canon.type_idx)}) (canon lift "
                    f"(core func {state.ref('core func', canon.core_func)})"
                    f"{_options(state, canon.options)}))")
        else:
            body = _builtin(state, canon)
            p.write(f"(core func {state.define('core func')} (canon {body}))")


def _options(state: State, options: tuple) -> str:
    out = ""
    for opt in options:
        out += " " + _OPTIONS[type(opt)](state, opt)
    return out


_OPTIONS = {
    c.Utf8: lambda s, o: "string-encoding=utf8",
    c.Utf16: lambda s, o: "string-encoding=utf16",
    c.Latin1Utf16: lambda s, o: "string-encoding=latin1+utf16",
    c.MemoryOpt: lambda s, o: f"(memory {s.ref('core memory', o.memory)})",
    c.ReallocOpt: lambda s, o: f"(realloc {s.ref('core func', o.func)})",
    c.PostReturnOpt: lambda s, o: f"(post-return {s.ref('core func', o.func)})",
    c.AsyncOpt: lambda s, o: "async",
    c.CallbackOpt: lambda s, o: f"(callback {s.ref('core func', o.func)})",
    c.CoreTypeOpt: lambda s, o: f"(core-type {s.ref('core type', o.type_idx)})",
    c.GcOpt: lambda s, o: "gc",
}

# The built-ins' names as wasm-tools prints them, where the docstring (the spec's name)
# differs.
_BUILTIN_NAMES = {
    c.ThreadAvailableParallelism: "thread.available_parallelism",
    c.StreamForward: "stream.forward",
    c.FutureForward: "future.forward",
}


def _builtin(state: State, canon: object) -> str:
    """The text after `canon` of a built-in that defines a core function."""
    kind = type(canon)
    out = _BUILTIN_NAMES.get(kind) or kind.__doc__ or ""
    if isinstance(canon, c.Lower):
        return f"lower (func {state.ref('func', canon.func)}){_options(state, canon.options)}"
    if isinstance(canon, c.TaskReturn):
        if canon.result is not None:
            out += f" (result {valtype(state, canon.result)})"
        return out + _options(state, canon.options)
    if isinstance(canon, (c.ContextGet, c.ContextSet)):
        return out + f" {NUM_TYPES.get(canon.valtype, hex(canon.valtype))} {canon.index}"
    if isinstance(canon, (c.WaitableSetWait, c.WaitableSetPoll)):
        return out + f" (memory {state.ref('core memory', canon.memory)})"
    if isinstance(canon, (c.ThreadNewIndirect, c.ThreadSpawnIndirect)):
        return (out + f" {state.ref('core type', canon.type_idx)}"
                f" {state.ref('core table', canon.table)}")
    if isinstance(canon, c.ThreadSpawnRef):
        return out + f" {state.ref('core type', canon.type_idx)}"
    if hasattr(canon, "resource"):
        out += f" {state.ref('type', canon.resource)}"  # type: ignore[attr-defined]
    elif hasattr(canon, "type_idx"):
        out += f" {state.ref('type', canon.type_idx)}"  # type: ignore[attr-defined]
    if hasattr(canon, "options"):
        out += _options(state, canon.options)  # type: ignore[attr-defined]
    if getattr(canon, "async_", False):
        out += " async"
    return out


def _values(p: Printer, states: list[State], s: ValueSection, _: bool) -> None:
    # wasm-tools 1.262 has no text for value definitions and refuses the section
    raise BinaryError("found unknown section `12` (value definitions have no text form)",
                      s.offset)


_SECTION_PRINTERS = {
    CustomSection: _custom, CoreModuleSection: _core_module, CoreInstanceSection: _core_instances,
    CoreTypeSection: _core_types, ComponentSection: _component, InstanceSection: _instances,
    AliasSection: _aliases, TypeSection: _types, CanonSection: _canons, StartSection: _start,
    ImportSection: _imports, ExportSection: _exports, ValueSection: _values,
}
