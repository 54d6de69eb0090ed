"""The rules on a component's names (Binary.md, Explainer.md: Import and Export
Definitions): an import or export name is an extern name, with attributes where they are
allowed; a resource function's name (`[method]r.m`) names a resource of its side; names and
labels are unique, regardless of case.

`gate` is the elaborator's check of a gated feature (`Elaborator.gate`): the nested names
and the version suffixes of canonical names need one.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from ..binary.nameattributes import Implements, NameAttributes, VersionSuffix
from ..errors import ValidationError
from .names import (InterfaceName, Version, canonical_problem, is_extern_name, is_label,
                    is_nested_extern_name, strongly_unique_key)
from .visibility import names_a_resource


def check_name(na: NameAttributes, what: str, gate: Callable[[str, str], None]) -> None:
    """An import or export name is an extern name; a nested one (`a:b:c/d`) is the gated
    nested-names feature. With a version suffix (the gated canonical names), an
    interface name's version is the canonical form of the version the suffix ends."""
    name = na.name
    suffix = na.attribute(VersionSuffix)
    if suffix is not None:
        gate("cm-canon-names", f"the version suffix of {what} name `{name}`")
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
        gate("cm-nested-names", f"the nested {what} name `{name}`")
        return
    raise ValidationError(f"{what} name `{name}` is not a valid extern name")


def check_attributes(na: NameAttributes, ext: object, what: str,
                     gate: Callable[[str, str], None]) -> None:
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
            gate("cm-nested-names", f"the nested interface name `{target}`")
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


def check_resource_func(name: str, ext: object, names: dict[int, str], what: str) -> None:
    """`[constructor]r`, `[method]r.m`, `[static]r.m` (Explainer.md, Import and Export
    Definitions): a function, of the resource named `r` on this side (`names`: what type
    imports or exports put in the index space, by id, and the name each gave). A type
    import or export of a resource adds its name."""
    kind, _, rest = name.partition("]")
    if not name.startswith("[") or kind not in ("[constructor", "[method", "[static"):
        if names_a_resource(ext):
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


def unique_labels(names: object, what: str) -> None:
    """Labels (of fields, cases, flags, parameters): kebab case, and unique regardless of
    case."""
    seen: dict[str, str] = {}
    for n in names:  # type: ignore[attr-defined]
        if not is_label(n):
            raise ValidationError(f"{what} name `{n}` is not in kebab case")
        check_unique(seen, n, what)


def check_unique(seen: dict[str, str], name: str, what: str) -> None:
    """`name` unique among those `seen` so far (Explainer.md, Name Uniqueness: by
    `strongly_unique_key`, regardless of case), and added to them."""
    key = strongly_unique_key(name)
    if key in seen:
        other = seen[key]
        same = "defined twice" if other == name else f"conflicts with `{other}`"
        raise ValidationError(f"{what} name `{name}` {same}")
    seen[key] = name
