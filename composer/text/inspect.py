"""`compose inspect`: a component's imports and exports with their types, as WIT-like text for
people and as JSON for programs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

# (for `--json`) the interface and name a type stands for, if a scope names it
Origin = Callable[[object], "tuple[str | None, str] | None"] | None

from ..model import types as T
from ..model.load import LoadedComponent
from ..model.typetext import extern_lines, func_text, type_text


def inspect_text(loaded: LoadedComponent) -> str:
    """The component as WIT, the form `wasm-tools component wit` prints: its world, then the
    packages it uses. A component no WIT can describe (an instance nested in an instance, a
    value import) is shown as WIT-like text, each import and export with its type."""
    from .witdecode import decode_component
    from .witprint import print_resolved

    try:
        return print_resolved(decode_component(loaded))
    except ValueError:
        pass
    scope = loaded.scope
    lines = [f"// {loaded.display}: component, {len(loaded.data):,} bytes",
             f"// {len(scope.imports)} imports, {len(scope.exports)} exports",
             "// (not expressible as WIT: shown with the component model's structure)"]
    for name, ext in scope.imports.items():
        lines.extend(extern_lines("import", name, ext))
    for name, ext in scope.exports.items():
        lines.extend(extern_lines("export", name, ext))
    return "\n".join(lines) + "\n"


def inspect_wit(path: Path, features: frozenset[str] = frozenset()) -> str:
    """A WIT file or package folder read and printed back: the package, then those it
    depends on."""
    from .witparse import gc_paused, read_wit
    from .witprint import print_resolved

    # as wit-parser, `@unstable` items whose feature is not enabled (--features) are left out
    with gc_paused():
        return print_resolved(read_wit(path, features))


def inspect_json(loaded: LoadedComponent) -> dict[str, Any]:
    """The component's imports and exports, each as `extern_json` describes it; one that
    says which interface it implements (`(import "x" (implements "a:b/c") ...)`) has that
    interface in `implements`."""
    from .witdecode import implemented, type_origins

    scope = loaded.scope
    implements = implemented(loaded)
    origin = type_origins(loaded)

    def top(direction: str, name: str, ext: T.Extern) -> dict[str, Any]:
        out = extern_json(name, ext, origin)
        if (direction, name) in implements:
            out["implements"] = implements[(direction, name)]
        return out

    return {
        "file": loaded.display,
        "size": len(loaded.data),
        "imports": [top("import", n, e) for n, e in scope.imports.items()],
        "exports": [top("export", n, e) for n, e in scope.exports.items()],
    }


def extern_json(name: str, ext: T.Extern, origin: Origin = None) -> dict[str, Any]:
    """One import or export: `name`, `kind` (its sort), and its type: `exports` of an
    instance, `params`, `result`, `async` and `signature` of a function, `bound` (`eq` or
    `sub resource`) and `type` (see `typedef_json`) of a type, `imports` and `exports` of a
    component or core module, `type` of a value."""
    out: dict[str, Any] = {"name": name, "kind": T.sort_of(ext)}
    if isinstance(ext, T.InstanceType):
        # a type an instance exports under a name of its own goes by that name inside it
        local = {id(e.type): n for n, e in ext.exports.items()
                 if isinstance(e, T.NamedType) and isinstance(e.type, T.NamedType)
                 and not e.type.owner}
        inner = origin
        if local:
            def inner(t: object) -> tuple[str | None, str] | None:
                found = origin(t) if origin is not None else None
                if found is None and id(t) in local:
                    return None, local[id(t)]
                return found
        out["exports"] = [extern_json(n, e, inner) for n, e in ext.exports.items()]
    elif isinstance(ext, T.FuncType):
        names = _names(ext, origin)
        out["params"] = [{"name": n, "type": type_text(t, names)} for n, t in ext.params]
        out["result"] = None if ext.result is None else type_text(ext.result, names)
        out["async"] = ext.is_async
        out["signature"] = func_text(ext, names=names)
    elif isinstance(ext, T.ResourceType):
        out["bound"] = "sub resource"
    elif isinstance(ext, T.NamedType):
        out["bound"] = "eq"
        out["type"] = typedef_json(ext.type, origin, name)
    elif isinstance(ext, T.ValueExtern):
        out["type"] = type_text(ext.type, _names(ext.type, origin))
    elif isinstance(ext, T.ComponentType):
        out["imports"] = [extern_json(n, e, origin) for n, e in ext.imports.items()]
        out["exports"] = [extern_json(n, e, origin) for n, e in ext.exports.items()]
    elif isinstance(ext, T.CoreModuleType):
        out["imports"] = [{"module": m, "name": n, "kind": str(k)} for (m, n), k in ext.imports.items()]
        out["exports"] = [{"name": n, "kind": str(k)} for n, k in ext.exports.items()]
    return out


def typedef_json(t: T.DefType, origin: Origin = None, own: str | None = None) -> dict[str, Any]:
    """What a named type (`own`) stands for: `{"kind": "alias", "of": name, "from":
    interface}` for another name (`from` when an interface owns it), else the structure
    (`record` with `fields`, `variant` with `cases`, `enum`, `flags`, or `type`, spelled
    out)."""
    target = t
    if isinstance(target, T.NamedType) and not target.owner and origin is not None:
        # a name with no owner (a nested component's own import name, say) is nobody's to
        # refer to: the name it stands for, as the component's WIT says it
        found = origin(target)
        if found is not None and found != (None, own):
            interface, name = found
            return {"kind": "alias", "of": name, **({"from": interface} if interface else {})}
    while isinstance(target, T.NamedType) and not target.owner:
        target = target.type
    names = _names(target, origin)
    if isinstance(target, (T.NamedType, T.ResourceType)):
        ref: dict[str, Any] = {"kind": "alias", "of": type_text(target)}
        owner = getattr(target, "owner", None)
        if owner:
            ref["from"] = owner
        return ref
    if isinstance(target, T.RecordType):
        return {"kind": "record",
                "fields": [{"name": n, "type": type_text(v, names)} for n, v in target.fields]}
    if isinstance(target, T.VariantType):
        return {
            "kind": "variant",
            "cases": [{"name": n, "type": None if v is None else type_text(v, names)}
                      for n, v in target.cases],
        }
    if isinstance(target, T.EnumType):
        return {"kind": "enum", "cases": list(target.names)}
    if isinstance(target, T.FlagsType):
        return {"kind": "flags", "flags": list(target.names)}
    return {"kind": "type", "type": type_text(target, names)}


def _names(t: object, origin: Origin) -> dict[int, str] | None:
    """The names the types inside `t` go by where they have no owner of their own (a nested
    component's import names): the names the component's WIT gives them."""
    if origin is None:
        return None
    names: dict[int, str] = {}
    unnamed = []
    for x in T.walk(t):
        if isinstance(x, T.NamedType) and not x.owner and x is not t:
            found = origin(x)
            if found is not None:
                names[id(x)] = found[1]
            else:
                unnamed.append(x)
    # a name no scope gives is spelled out (the innermost first, for those it holds)
    for x in reversed(unnamed):
        names[id(x)] = type_text(x.type, names)
    return names or None
