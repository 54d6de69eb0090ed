"""`compose inspect`: a component's imports and exports with their types, as WIT-like text for
people and as JSON for programs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import types as T
from ..model.load import Loaded
from .wit import extern_lines, func_text, type_text


def inspect_text(loaded: Loaded) -> str:
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


def inspect_json(loaded: Loaded) -> dict[str, Any]:
    scope = loaded.scope
    return {
        "file": loaded.display,
        "size": len(loaded.data),
        "imports": [extern_json(n, e) for n, e in scope.imports.items()],
        "exports": [extern_json(n, e) for n, e in scope.exports.items()],
    }


def extern_json(name: str, ext: T.Extern) -> dict[str, Any]:
    """One import or export: name, sort, and its type."""
    out: dict[str, Any] = {"name": name, "kind": T.sort_of(ext)}
    if isinstance(ext, T.InstanceType):
        out["exports"] = [extern_json(n, e) for n, e in ext.exports.items()]
    elif isinstance(ext, T.FuncType):
        out["params"] = [{"name": n, "type": type_text(t)} for n, t in ext.params]
        out["result"] = None if ext.result is None else type_text(ext.result)
        out["async"] = ext.is_async
        out["signature"] = func_text(ext)
    elif isinstance(ext, T.ResourceType):
        out["bound"] = "sub resource"
    elif isinstance(ext, T.NamedType):
        out["bound"] = "eq"
        out["type"] = typedef_json(ext.type)
    elif isinstance(ext, T.ValueExtern):
        out["type"] = type_text(ext.type)
    elif isinstance(ext, T.ComponentType):
        out["imports"] = [extern_json(n, e) for n, e in ext.imports.items()]
        out["exports"] = [extern_json(n, e) for n, e in ext.exports.items()]
    elif isinstance(ext, T.CoreModuleType):
        out["imports"] = [{"module": m, "name": n, "kind": str(k)} for (m, n), k in ext.imports.items()]
        out["exports"] = [{"name": n, "kind": str(k)} for n, k in ext.exports.items()]
    return out


def typedef_json(t: T.DefType) -> dict[str, Any]:
    """What a named type stands for."""
    target = t
    if isinstance(target, (T.NamedType, T.ResourceType)):
        ref: dict[str, Any] = {"kind": "alias", "of": type_text(target)}
        owner = getattr(target, "owner", None)
        if owner:
            ref["from"] = owner
        return ref
    if isinstance(target, T.RecordType):
        return {"kind": "record", "fields": [{"name": n, "type": type_text(v)} for n, v in target.fields]}
    if isinstance(target, T.VariantType):
        return {
            "kind": "variant",
            "cases": [{"name": n, "type": None if v is None else type_text(v)} for n, v in target.cases],
        }
    if isinstance(target, T.EnumType):
        return {"kind": "enum", "cases": list(target.names)}
    if isinstance(target, T.FlagsType):
        return {"kind": "flags", "flags": list(target.names)}
    return {"kind": "type", "type": type_text(target)}
