"""Types as WIT text: what `compose inspect` prints and what error messages quote (in the
model, as every stage from validation up quotes types in its messages).

The layout follows `wasm-tools component wit` so the two can be compared line by line:
resources gather their constructor, methods and static functions; a type an interface took
from another one is shown as a `use`.
"""

from __future__ import annotations

import re
from typing import Callable

from . import types as T

_ANNOTATED = re.compile(r"^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$")


Names = dict[int, str] | None  # id(type) -> the name an interface exports it under


def type_text(t: object, names: Names = None, define: bool = False) -> str:
    """A type as WIT writes it where it is used (`list<u8>`, `borrow<file>`, `point`).

    `names` lets a type that an interface exports by name show as that name wherever the
    same type is used (WIT has no anonymous records); `define` writes the type itself even
    if it has a name, for its definition.
    """
    if t is None:
        return "_"
    if names and not define and id(t) in names:
        return names[id(t)]
    sub = (lambda x: type_text(x, names)) if names else type_text
    if isinstance(t, T.NamedType):
        return t.name
    if isinstance(t, T.ResourceType):
        return t.name or f"resource#{t.uid}"
    if isinstance(t, T.PrimType):
        return t.name
    compound = compound_text(t, sub)
    if compound is not None:
        return compound
    if isinstance(t, T.RecordType):
        return "record { " + ", ".join(f"{n}: {sub(v)}" for n, v in t.fields) + " }"
    if isinstance(t, T.VariantType):
        return "variant { " + ", ".join(_case(n, v, names) for n, v in t.cases) + " }"
    if isinstance(t, T.EnumType):
        return "enum { " + ", ".join(t.names) + " }"
    if isinstance(t, T.FlagsType):
        return "flags { " + ", ".join(t.names) + " }"
    if isinstance(t, T.FuncType):
        return func_text(t, names=names)
    if isinstance(t, T.InstanceType):
        return "interface { ... }"
    if isinstance(t, T.ComponentType):
        return "component { ... }"
    return type(t).__name__


def compound_text(t: object, sub: Callable[[object], str]) -> str | None:
    """A type built from others (`list<..>`, `tuple<..>`, `option`, `result`, handles,
    `stream`, `future`, `map`) as WIT writes it, `sub` writing the parts; None for any other.
    Shared by the messages' `type_text` and the WIT printer, which name the parts their way."""
    if isinstance(t, T.ListType):
        inner = sub(t.element)
        return f"list<{inner}, {t.length}>" if t.length is not None else f"list<{inner}>"
    if isinstance(t, T.TupleType):
        return f"tuple<{', '.join(sub(x) for x in t.types)}>"
    if isinstance(t, T.OptionType):
        return f"option<{sub(t.type)}>"
    if isinstance(t, T.ResultType):
        if t.ok is None and t.err is None:
            return "result"
        if t.err is None:
            return f"result<{sub(t.ok)}>"
        return f"result<{'_' if t.ok is None else sub(t.ok)}, {sub(t.err)}>"
    if isinstance(t, T.OwnType):
        return sub(t.resource)
    if isinstance(t, T.BorrowType):
        return f"borrow<{sub(t.resource)}>"
    if isinstance(t, (T.StreamType, T.FutureType)):
        kw = "stream" if isinstance(t, T.StreamType) else "future"
        return f"{kw}<{sub(t.element)}>" if t.element is not None else kw
    if isinstance(t, T.MapType):
        return f"map<{sub(t.key)}, {sub(t.value)}>"
    return None


def _case(name: str, payload: object, names: Names = None) -> str:
    return f"{name}({type_text(payload, names)})" if payload is not None else name


def func_text(
    f: T.FuncType, skip_self: bool = False, keyword: str = "func", names: Names = None
) -> str:
    params = f.params[1:] if skip_self else f.params
    text = ("async " if f.is_async else "") + keyword
    text += "(" + ", ".join(f"{n}: {type_text(t, names)}" for n, t in params) + ")"
    if f.result is not None:
        text += f" -> {type_text(f.result, names)}"
    return text


def constructor_text(f: T.FuncType, names: Names = None) -> str:
    """`constructor(params)`: a constructor returning its own resource says no result."""
    if isinstance(T.unwrap(f.result), T.OwnType):  # type: ignore[arg-type]
        f = T.FuncType(f.params, None, f.is_async)
    return func_text(f, keyword="constructor", names=names)


def _typedef_lines(name: str, t: T.DefType, indent: str, names: Names = None) -> list[str]:
    """The definition of a named type declared by the interface itself."""
    if isinstance(t, T.RecordType):
        fields = [f"{indent}  {n}: {type_text(v, names)}," for n, v in t.fields]
        return [f"{indent}record {name} {{", *fields, f"{indent}}}"]
    if isinstance(t, T.VariantType):
        cases = [f"{indent}  {_case(n, v, names)}," for n, v in t.cases]
        return [f"{indent}variant {name} {{", *cases, f"{indent}}}"]
    if isinstance(t, T.EnumType):
        return [f"{indent}enum {name} {{", *[f"{indent}  {n}," for n in t.names], f"{indent}}}"]
    if isinstance(t, T.FlagsType):
        return [f"{indent}flags {name} {{", *[f"{indent}  {n}," for n in t.names], f"{indent}}}"]
    return [f"{indent}type {name} = {type_text(t, names, define=True)};"]


def interface_lines(itype: T.InstanceType, owner: str | None, indent: str = "  ") -> list[str]:
    """The body of an interface: its types, resources with their functions, functions."""
    lines: list[str] = []
    resources: dict[str, list[str]] = {}
    funcs: list[str] = []
    names: dict[int, str] = {
        id(ext.type): name
        for name, ext in itype.exports.items()
        if isinstance(ext, T.NamedType) and not isinstance(ext.type, (T.NamedType, T.ResourceType, T.PrimType))
    }
    for name, ext in itype.exports.items():
        if isinstance(ext, T.ResourceType):
            resources[name] = []
            lines.append(f"\0resource {name}")
        elif isinstance(ext, T.NamedType):
            lines.extend(_named_lines(name, ext, owner, indent, resources, names))
        elif isinstance(ext, T.FuncType):
            m = _ANNOTATED.match(name)
            if m and m.group(2) in resources:
                kind, res, member = m.groups()
                if kind == "constructor":
                    resources[res].append(f"{indent}  {constructor_text(ext, names)};")
                elif kind == "method":
                    text = func_text(ext, skip_self=True, names=names)
                    resources[res].append(f"{indent}  {member}: {text};")
                else:
                    resources[res].append(f"{indent}  {member}: static {func_text(ext, names=names)};")
            else:
                funcs.append(f"{indent}{name}: {func_text(ext, names=names)};")
        elif isinstance(ext, T.InstanceType):
            funcs.append(f"{indent}/* instance {name} */")
        else:
            funcs.append(f"{indent}/* {T.sort_of(ext)} {name} */")
    out: list[str] = []
    for line in lines:
        if line.startswith("\0resource "):
            name = line.removeprefix("\0resource ")
            members = resources[name]
            if members:
                out += [f"{indent}resource {name} {{", *members, f"{indent}}}"]
            else:
                out.append(f"{indent}resource {name};")
        else:
            out.append(line)
    return out + funcs


def _named_lines(
    name: str,
    t: T.NamedType,
    owner: str | None,
    indent: str,
    resources: dict[str, list[str]],
    names: Names,
) -> list[str]:
    target = t.type
    source = getattr(target, "owner", None)
    if isinstance(target, (T.NamedType, T.ResourceType)) and source and source != owner:
        # A type this interface took from another one: `use other.{name}`.
        original = type_text(target)
        rename = original if original == name else f"{original} as {name}"
        return [f"{indent}use {source}.{{{rename}}};"]
    if isinstance(target, T.ResourceType) and target.name == name:
        resources[name] = []
        return [f"\0resource {name}"]
    return _typedef_lines(name, target, indent, names)


def extern_lines(kind: str, name: str, ext: T.Extern, indent: str = "") -> list[str]:
    """An import or export of a component, with its type, as WIT-like text."""
    if isinstance(ext, T.InstanceType):
        body = interface_lines(ext, name, indent + "  ")
        if not body:
            return [f"{indent}{kind} {name}: interface {{}}"]
        return [f"{indent}{kind} {name}: interface {{", *body, f"{indent}}}"]
    if isinstance(ext, T.FuncType):
        return [f"{indent}{kind} {name}: {func_text(ext)};"]
    if isinstance(ext, T.ResourceType):
        return [f"{indent}{kind} {name}: type (sub resource);"]
    if isinstance(ext, T.NamedType):
        return [f"{indent}{kind} {name}: type = {type_text(ext.type)};"]
    if isinstance(ext, T.ValueExtern):
        return [f"{indent}{kind} {name}: value {type_text(ext.type)};"]
    if isinstance(ext, T.ComponentType):
        lines = [f"{indent}{kind} {name}: component {{"]
        for n, e in ext.imports.items():
            lines += extern_lines("import", n, e, indent + "  ")
        for n, e in ext.exports.items():
            lines += extern_lines("export", n, e, indent + "  ")
        return lines + [f"{indent}}}"]
    if isinstance(ext, T.CoreModuleType):
        lines = [f"{indent}{kind} {name}: core module {{"]
        for (m, n), k in ext.imports.items():
            lines.append(f"{indent}  import {m}::{n}: {k};")
        for n, k in ext.exports.items():
            lines.append(f"{indent}  export {n}: {k};")
        return lines + [f"{indent}}}"]
    return [f"{indent}{kind} {name}: {T.sort_of(ext)};"]
