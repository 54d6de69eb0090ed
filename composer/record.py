"""Immutable records with slots: what `@dataclass(frozen=True, slots=True)` gives, cheaply.

`compose` starts once per Makefile target, so start-up time matters. Python's dataclasses
generate and `exec` code for every class (~0.6 ms each); the model and the binary productions
are ~150 classes, which cost ~100 ms before any work was done. `Record` reads the same
class-body declarations (annotated fields, defaults) and shares one generic `__init__`,
`__eq__`, `__hash__` and `__repr__` instead.

    class ListType(Record):
        element: ValType
        length: int | None = None

Class keywords: `identity=True` compares and hashes by object identity (resource types, whose
identity is their meaning); `mutable=True` allows assignment after construction.
"""

from __future__ import annotations

import operator
from types import MemberDescriptorType

from typing import Any, Callable, ClassVar

_NO_DEFAULT: Any = object()


class FieldSpec:
    """How a field is set when not given (`default` or `factory`), and, for binary
    productions, the codec that reads and writes it."""

    __slots__ = ("codec", "default", "factory")

    def __init__(
        self, codec: Any = None, default: Any = _NO_DEFAULT, factory: Callable[[], Any] | None = None
    ) -> None:
        self.codec = codec
        self.default = default
        self.factory = factory


def field_(
    codec: Any = None, default: Any = _NO_DEFAULT, factory: Callable[[], Any] | None = None
) -> Any:
    """Declare a field explicitly: with a codec (binary productions), a default or a factory."""
    return FieldSpec(codec, default, factory)


class RecordMeta(type):
    def __new__(
        mcs, name: str, bases: tuple, ns: dict[str, Any], identity: bool = False, mutable: bool = False
    ) -> "RecordMeta":
        fields: list[tuple[str, FieldSpec]] = []
        for base in bases:
            fields.extend(getattr(base, "_FIELDS", ()))
        inherited = {k for k, _ in fields}
        annotations = ns.get("__annotations__", {})
        declared = [k for k, a in annotations.items() if "ClassVar" not in str(a)]
        declared += [k for k, v in ns.items() if isinstance(v, FieldSpec) and k not in declared]
        for key in declared:
            value = ns.pop(key, _NO_DEFAULT)
            fields.append((key, value if isinstance(value, FieldSpec) else FieldSpec(None, value)))
        ns["__slots__"] = tuple(k for k, _ in fields if k not in inherited)
        ns["_FIELDS"] = tuple(fields)
        names = tuple(k for k, _ in fields)
        ns["_NAMES"] = names
        # the field values as one tuple, for equality and hashing, without a Python loop
        if len(names) > 1:
            many = operator.attrgetter(*names)
            ns["_values"] = lambda self: many(self)
        elif names:
            one = operator.attrgetter(names[0])
            ns["_values"] = lambda self: (one(self),)
        if "__init__" not in ns and fields:
            ns["__init__"] = _first_init(fields)
        if identity:
            ns["__eq__"] = object.__eq__
            ns["__hash__"] = object.__hash__
        if mutable:
            ns["__setattr__"] = object.__setattr__
        return super().__new__(mcs, name, bases, ns)


def _first_init(fields: list[tuple[str, FieldSpec]]) -> Callable[..., None]:
    """An `__init__` that writes the class's real one (`_generated_init`) when the class is
    first instantiated, puts it in its own place and calls it. Writing one costs ~0.1 ms
    (`exec`), there are ~190 record classes, and a run instantiates a fraction of them: done
    at import, it was a fifth of `compose`'s start-up."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        owner = next(c for c in type(self).__mro__ if c.__dict__.get("__init__") is __init__)
        init = _generated_init(owner, fields) or Record.__init__
        type.__setattr__(owner, "__init__", init)
        init(self, *args, **kwargs)

    return __init__


def _generated_init(owner: type, fields: list[tuple[str, FieldSpec]]) -> Callable[..., None] | None:
    """An `__init__` written out for these fields, as dataclasses does: records are made by
    the hundred thousand, and a generic one taking *args and **kwargs costs three times as
    much. None when the fields cannot be parameters in order (a keyword, or a field without a
    default after one with), and the generic `Record.__init__` serves. Each field is set
    through its slot's own setter where it has one (`object.__setattr__` looks the slot up by
    name again each time: records were made two thirds slower)."""
    import keyword

    env: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _NO_DEFAULT}
    params, body = [], []
    defaulted = False
    for i, (name, spec) in enumerate(fields):
        if keyword.iskeyword(name) or name == "self" or not name.isidentifier():
            return None
        if spec.factory is not None:
            env[f"_factory{i}"] = spec.factory
            params.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING:\n        {name} = _factory{i}()")
            defaulted = True
        elif spec.default is not _NO_DEFAULT:
            env[f"_default{i}"] = spec.default
            params.append(f"{name}=_default{i}")
            defaulted = True
        elif defaulted:
            return None
        else:
            params.append(name)
        slot = getattr(owner, name, None)
        if isinstance(slot, MemberDescriptorType):
            env[f"_slot{i}"] = slot.__set__
            body.append(f"    _slot{i}(self, {name})")
        else:
            body.append(f"    _set(self, {name!r}, {name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), env)  # noqa: S102
    return env["__init__"]  # type: ignore[no-any-return]


class Record(metaclass=RecordMeta):
    _FIELDS: ClassVar[tuple[tuple[str, FieldSpec], ...]]
    _NAMES: ClassVar[tuple[str, ...]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self._NAMES
        if not kwargs and len(args) == len(names):  # every field given in order: the common case
            setter = object.__setattr__
            for name, value in zip(names, args):
                setter(self, name, value)
            return
        fields = self._FIELDS
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, got {len(args)}")
        setter = object.__setattr__
        for i, (name, spec) in enumerate(fields):
            if i < len(args):
                value = args[i]
            elif name in kwargs:
                value = kwargs.pop(name)
            elif spec.factory is not None:
                value = spec.factory()
            elif spec.default is not _NO_DEFAULT:
                value = spec.default
            else:
                raise TypeError(f"{type(self).__name__} is missing field {name!r}")
            setter(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(kwargs))!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._NAMES)

    # Pickling (the cache of component types, `model/typecache.py`): the state is the field
    # values in order. Pickle makes the object first and sets its state after, so objects
    # shared between several places (resource types) stay one object.
    def __getstate__(self) -> tuple:
        return self._values()

    def __setstate__(self, state: tuple) -> None:
        setter = object.__setattr__
        for name, value in zip(self._NAMES, state, strict=True):
            setter(self, name, value)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._NAMES)
        return f"{type(self).__name__}({inner})"

    def replace(self, **changes: Any) -> Any:
        values = {name: getattr(self, name) for name in self._NAMES}
        values.update(changes)
        return type(self)(**values)
