"""External visibility of types (Explainer.md, External Visibility of Types): what the type
of an import or export may use, and the external names exporting gives.

A component's imports and exports may use only types with an external name in it: a
resource, record, variant, enum or flags must be one the import or export declares itself,
or one the component imports (an import can use only those) or exports. Exporting gives the
names: a resource exported first is named by that export, an exported instance names what
it holds that has no owner yet.
"""

from __future__ import annotations

from . import types as T
from ..errors import ValidationError
from .indexspaces import IndexSpaces
from .typetext import type_text

_NEEDS_NAME = (T.RecordType, T.VariantType, T.EnumType, T.FlagsType)
# Where imports and exports may use only types with an external name: wasmparser checks
# components and component types, and instance types where they are imported or exported.
NAMING_SCOPES = ("component", "component type")


def export_visibility(scope: IndexSpaces, item: T.Extern, name: str, sort: str,
                      inline: bool = False) -> None:
    """An export may use only types with an external name (`visibility_problem`);
    then what it declares has one. Components and core modules are closed: their types
    were checked where they were defined."""
    declared = declared_within(item)
    # an instance made of exports keeps the resources' own identity (the one of their
    # definition); a type export, or an instantiated component's, gives them another
    as_defined = set(declared) if inline else set()
    if sort not in ("component", "core module") and not names_a_resource(item):
        names = scope.imported_resources | scope.exported_names
        problem = visibility_problem(item, declared, names, importing=False,
                                     by_definition=(scope.definition_handles,
                                                    scope.exported_definitions | as_defined))
        if problem:
            raise ValidationError(f"{sort} `{name}` is not valid to be used as an "
                                  f"export: {problem}")
    scope.exported_names |= set(declared)
    scope.exported_definitions |= as_defined


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
                stack.extend(T.parts(x.type))
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
        stack.extend(T.parts(x))
    if raw_resource is not None:  # (what is not exported at all is said above)
        return (f"it uses the resource `{raw_resource}` by the type index that defines it, "
                "not by the one its export gives it")
    return None


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


def declared_within(ext: object) -> dict[int, object]:
    """`declared_names`, and for a type import or export, the names the type it names
    declares inside it (an instance or component type's own resources)."""
    out = declared_names(ext)
    target = T.unwrap(ext) if isinstance(ext, T.NamedType) else None
    if isinstance(target, (T.InstanceType, T.ComponentType)):
        out.update(declared_names(target))
    return out


def names_a_resource(ext: object) -> bool:
    """A type import or export of a resource: valid in itself (wasmparser), whatever
    index it names the resource by."""
    return isinstance(ext, (T.NamedType, T.ResourceType)) and T.resource_of(ext) is not None  # type: ignore[arg-type]


def type_export(item: T.DefType, name: str, owner: str | None) -> T.Extern:
    """What exporting the type `item` as `name` declares."""
    if isinstance(item, T.ResourceType) and item.name is None:
        # The first export of a resource defined here is its externally visible name.
        item.name, item.owner = name, owner
        return item
    # Any other type export is an `eq` bound: a new name for an existing type.
    return T.NamedType(name, item, owner)


def claim(itype: T.InstanceType, name: str) -> T.InstanceType:
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


def value_parts(t: object) -> list[object]:
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
        stack.extend(T.parts(x))
    return out


def plain_func(x: object) -> bool:
    """A function of primitive values only: it declares and uses no type that needs a name,
    so the visibility rules have nothing to check (the common import, met 100,000 times in
    a large component, answered without a walk)."""
    return (isinstance(x, T.FuncType) and (x.result is None or isinstance(x.result, (T.PrimType, str)))
            and all(isinstance(t, (T.PrimType, str)) for _, t in x.params))
