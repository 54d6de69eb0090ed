"""Is an actual import or export acceptable where another type is expected?

The rules of Explainer.md (Type Checking): value and function types must be equal, up to the
names given to types; an instance may export more than expected, a component may import less
and export more; resources are equal only by identity, where the resources an expected type
declares are bound, as they are met, to the actual type's resources of the same name (the
substitution an instantiation makes). `mapping` carries those bindings from one check to the
next, so an import checked later sees the resources bound by an earlier one.

A failed check returns a `Mismatch` naming the path to the first difference, e.g.
`func word-count: result: expected u32, found u64`, instead of a bare False.
"""

from __future__ import annotations


from . import types as T
from ..record import Record, field_
from .names import InterfaceName
from .typetext import type_text


class Mismatch(Record):
    message: str
    path: list[str] = field_(factory=list)

    def within(self, segment: str) -> "Mismatch":
        self.path.insert(0, segment)
        return self

    def __str__(self) -> str:
        return ": ".join([*self.path, self.message])


class Bindings:
    """How resources compare while checking: by identity, after the bindings made so far.

    `bind` records that a resource the expected type declares stands for an actual resource;
    `same` compares two resources under those bindings. `map` is the substitution the
    bindings amount to (expected resource -> actual resource). The resolver substitutes
    subclasses that compare resources across the components of a composition.
    """

    def __init__(self) -> None:
        self.map: dict[object, object] = {}

    def resolve(self, r: T.ResourceType) -> object:
        return self.map.get(r, r)

    def same(self, actual: T.ResourceType, expected: T.ResourceType) -> bool:
        return self.resolve(actual) is self.resolve(expected)

    def bind(self, expected: T.ResourceType, actual: T.ResourceType) -> bool:
        """Bind a declared resource; False if it is already bound to another one."""
        bound = self.map.get(expected)
        if bound is not None:
            return bound is self.resolve(actual)
        self.map[expected] = self.resolve(actual)
        return True

    def whose(self, r: T.ResourceType, actual: bool) -> str:
        """Where resource `r` of the actual (or expected) side comes from, for messages
        about two resources that share a name: ` (exported by instance x)`, or nothing."""
        return ""


class NameBindings(Bindings):
    """Before the wiring is known: resources that come from imports compare by interface and
    name (`wasi:io/streams.output-stream`, any version); others by identity."""

    def same(self, actual: T.ResourceType, expected: T.ResourceType) -> bool:
        if super().same(actual, expected):
            return True
        return _name_key(actual) == _name_key(expected)


def _name_key(r: T.ResourceType) -> tuple:
    owner = r.owner or ""
    parsed = InterfaceName.parse(owner)
    return (parsed.unversioned if parsed else owner, r.name)


def _describe(ext: object) -> str:
    if isinstance(ext, (T.ResourceType, T.NamedType)) or T.is_value_type(ext):  # type: ignore[arg-type]
        res = T.resource_of(ext)  # type: ignore[arg-type]
        return f"resource {res.name}" if res else f"type {type_text(ext)}"
    return T.sort_of(ext)  # type: ignore[arg-type]


def _member(sort: str, name: str) -> str:
    return f"{sort} {name}"


def check_extern(actual: T.Extern, expected: T.Extern, mapping: Bindings) -> Mismatch | None:
    """None if `actual` fits where `expected` is wanted, else where and why not."""
    if isinstance(expected, T.ResourceType):
        res = T.resource_of(actual)  # type: ignore[arg-type]
        if res is None:
            return Mismatch(f"expected a resource, found {_describe(actual)}")
        if not mapping.bind(expected, res):
            return Mismatch(f"expected resource {expected.name}, found a different resource {res.name}")
        return None
    if isinstance(expected, T.NamedType):
        if not isinstance(actual, (T.ResourceType, T.NamedType)) and not T.is_value_type(actual):  # type: ignore[arg-type]
            return Mismatch(f"expected type {expected.name}, found {_describe(actual)}")
        return check_type(actual, expected.type, mapping)  # type: ignore[arg-type]
    if T.sort_of(actual) != T.sort_of(expected):
        return Mismatch(f"expected {T.sort_of(expected)}, found {T.sort_of(actual)}")
    if isinstance(expected, T.FuncType):
        return check_func(actual, expected, mapping)  # type: ignore[arg-type]
    if isinstance(expected, T.InstanceType):
        return check_instance(actual, expected, mapping)  # type: ignore[arg-type]
    if isinstance(expected, T.ComponentType):
        return check_component(actual, expected, mapping)  # type: ignore[arg-type]
    if isinstance(expected, T.CoreModuleType):
        return check_module(actual, expected)  # type: ignore[arg-type]
    assert isinstance(expected, T.ValueExtern)  # the last sort: `T.Extern` has no other
    return check_type(actual.type, expected.type, mapping)  # type: ignore[attr-defined]


def check_instance(actual: T.InstanceType, expected: T.InstanceType, mapping: Bindings) -> Mismatch | None:
    for name, want in expected.exports.items():
        have = actual.exports.get(name)
        sort = T.sort_of(want)
        if have is None:
            return Mismatch(f"missing {_member(sort, name)}")
        mismatch = check_extern(have, want, mapping)
        if mismatch:
            return mismatch.within(_member(sort, name))
    return None


def check_component(actual: T.ComponentType, expected: T.ComponentType, mapping: Bindings) -> Mismatch | None:
    # Imports are contravariant: every import the actual component has must be offered by
    # the expected type, and what is offered must fit what the component asks for.
    for name, need in actual.imports.items():
        offered = expected.imports.get(name)
        if offered is None:
            return Mismatch(f"has an import `{name}` that the expected component type lacks")
        mismatch = check_extern(offered, need, mapping)
        if mismatch:
            return mismatch.within(f"import {name}")
    for name, want in expected.exports.items():
        have = actual.exports.get(name)
        if have is None:
            return Mismatch(f"missing export {name}")
        mismatch = check_extern(have, want, mapping)
        if mismatch:
            return mismatch.within(f"export {name}")
    return None


def check_module(actual: T.CoreModuleType, expected: T.CoreModuleType) -> Mismatch | None:
    """Core module types: imports contravariant (what the expected type would be given must
    fit what the actual module imports), exports covariant, each item by the core rules."""
    from .corematch import core_mismatch

    for key, need in actual.imports.items():
        given = expected.imports.get(key)
        if given is None:
            return Mismatch(f"core module imports {key[0]}::{key[1]}, which the expected type lacks")
        why = core_mismatch(given, need)
        if why:
            return Mismatch(f"core import {key[0]}::{key[1]}: {why}")
    for name, want in expected.exports.items():
        have = actual.exports.get(name)
        if have is None:
            return Mismatch(f"core module is missing export {name}")
        why = core_mismatch(have, want)
        if why:
            return Mismatch(f"core export {name}: {why}")
    return None


def check_func(actual: T.FuncType, expected: T.FuncType, mapping: Bindings) -> Mismatch | None:
    if actual.is_async != expected.is_async:
        want = "an async" if expected.is_async else "a synchronous"
        return Mismatch(f"expected {want} function")
    if len(actual.params) != len(expected.params):
        return Mismatch(
            f"expected {len(expected.params)} parameters "
            f"({', '.join(n for n, _ in expected.params) or 'none'}), found {len(actual.params)}"
        )
    for (an, at), (en, et) in zip(actual.params, expected.params):
        if an != en:
            return Mismatch(f"expected parameter `{en}`, found `{an}`")
        mismatch = check_type(at, et, mapping)
        if mismatch:
            return mismatch.within(f"param {en}")
    if (actual.result is None) != (expected.result is None):
        want = "no result" if expected.result is None else type_text(expected.result)
        have = "no result" if actual.result is None else type_text(actual.result)
        return Mismatch(f"expected {want}, found {have}").within("result")
    if expected.result is not None:
        mismatch = check_type(actual.result, expected.result, mapping)  # type: ignore[arg-type]
        if mismatch:
            return mismatch.within("result")
    return None


def check_type(actual: T.DefType, expected: T.DefType, mapping: Bindings) -> Mismatch | None:
    """Type equality, with resources compared under `mapping`."""
    a, e = T.unwrap(actual), T.unwrap(expected)
    if a is e:
        return None
    if isinstance(e, T.ResourceType):
        if not isinstance(a, T.ResourceType):
            return Mismatch(f"expected resource {e.name}, found {type_text(actual)}")
        if not mapping.same(a, e):
            return Mismatch(_resource_difference(a, e, mapping))
        return None
    if type(a) is not type(e):
        return _expected_found(actual, expected)
    if isinstance(e, T.PrimType):
        return None if a == e else Mismatch(f"expected {e.name}, found {a.name}")  # type: ignore[attr-defined]
    if isinstance(e, (T.ListType, T.StreamType, T.FutureType)):
        if isinstance(e, T.ListType) and a.length != e.length:  # type: ignore[attr-defined]
            return _expected_found(a, e)
        return _check_optional(a.element, e.element, mapping, "element")  # type: ignore[attr-defined]
    if isinstance(e, T.RecordType):
        return _check_labelled(a.fields, e.fields, mapping, "field")  # type: ignore[attr-defined]
    if isinstance(e, T.VariantType):
        return _check_labelled(a.cases, e.cases, mapping, "case")  # type: ignore[attr-defined]
    if isinstance(e, T.TupleType):
        if len(a.types) != len(e.types):  # type: ignore[attr-defined]
            return _expected_found(a, e)
        for i, (x, y) in enumerate(zip(a.types, e.types)):  # type: ignore[attr-defined]
            mismatch = check_type(x, y, mapping)
            if mismatch:
                return mismatch.within(f"tuple element {i}")
        return None
    if isinstance(e, (T.FlagsType, T.EnumType)):
        if a.names != e.names:  # type: ignore[attr-defined]
            return _expected_found(a, e)
        return None
    if isinstance(e, T.OptionType):
        mismatch = check_type(a.type, e.type, mapping)  # type: ignore[attr-defined]
        return mismatch.within("option") if mismatch else None
    if isinstance(e, T.ResultType):
        return _check_optional(a.ok, e.ok, mapping, "ok") or _check_optional(  # type: ignore[attr-defined]
            a.err, e.err, mapping, "error"  # type: ignore[attr-defined]
        )
    if isinstance(e, (T.OwnType, T.BorrowType)):
        ra, re_ = T.resource_of(a.resource), T.resource_of(e.resource)  # type: ignore[attr-defined]
        if not mapping.same(ra, re_):  # type: ignore[arg-type]
            return Mismatch(_resource_difference(ra, re_, mapping))  # type: ignore[arg-type]
        return None
    if isinstance(e, T.MapType):
        mismatch = check_type(a.key, e.key, mapping)  # type: ignore[attr-defined]
        if mismatch:
            return mismatch.within("map key")
        mismatch = check_type(a.value, e.value, mapping)  # type: ignore[attr-defined]
        return mismatch.within("map value") if mismatch else None
    if isinstance(e, T.FuncType):
        return check_func(a, e, mapping)  # type: ignore[arg-type]
    assert isinstance(e, (T.InstanceType, T.ComponentType))  # what a type index can hold
    return check_extern(a, e, mapping)  # type: ignore[arg-type]


def _expected_found(actual: object, expected: object) -> Mismatch:
    """`expected X, found Y` by the types' names, or by what they stand for where the names
    alone would read alike (`expected t, found t`)."""
    want, have = type_text(expected), type_text(actual)
    if want == have:
        want, have = type_text(T.unwrap(expected)), type_text(T.unwrap(actual))  # type: ignore[arg-type]
    return Mismatch(f"expected {want}, found {have}")


def _resource_difference(a: T.ResourceType, e: T.ResourceType, mapping: Bindings) -> str:
    def desc(r: T.ResourceType) -> str:
        return f"resource {r.name}" + (f" of {r.owner}" if r.owner else "")

    want, have = desc(e), desc(a)
    if want == have:  # two resources of one name: say whose each is
        want += mapping.whose(e, actual=False)
        have += mapping.whose(a, actual=True)
    return f"expected {want}, found {have}"


def _check_optional(a: object, e: object, mapping: Bindings, what: str) -> Mismatch | None:
    if a is None and e is None:
        return None
    if a is None or e is None:
        want = "none" if e is None else type_text(e)
        have = "none" if a is None else type_text(a)
        return Mismatch(f"expected {want}, found {have}").within(what)
    mismatch = check_type(a, e, mapping)  # type: ignore[arg-type]
    return mismatch.within(what) if mismatch else None


def _check_labelled(
    actual: tuple[tuple[str, object], ...],
    expected: tuple[tuple[str, object], ...],
    mapping: Bindings,
    what: str,
) -> Mismatch | None:
    if [n for n, _ in actual] != [n for n, _ in expected]:
        want = ", ".join(n for n, _ in expected)
        have = ", ".join(n for n, _ in actual)
        return Mismatch(f"expected {what}s ({want}), found ({have})")
    for (name, at), (_, et) in zip(actual, expected):
        mismatch = _check_optional(at, et, mapping, f"{what} {name}")
        if mismatch:
            return mismatch
    return None
