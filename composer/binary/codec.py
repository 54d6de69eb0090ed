"""One declaration per Binary.md production serves both decoding and encoding.

A production is an immutable record (`record.py`) deriving from `Production`; each field names
the codec that reads and writes it (`field_(U32)`, `field_(Vec(Import))`, ...). `Production.read` and
`Production.write` walk the same field list, so the two directions cannot drift apart
(construct's idea), and a decoding error collects the path of productions and fields it
passed through on its way out (`type[3] > instancetype.decls[2] > exportdecl.name`).

Alternatives of a production (`deftype ::= defvaltype | functype | ...`) are a `Choice`, which
dispatches on the first byte; each alternative declares the prefix bytes it owns in `TAG`.
"""

from __future__ import annotations

import keyword
import re
from types import FunctionType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Protocol, Sequence

from ..errors import BinaryError
from ..record import Record, field_  # noqa: F401 (field_: re-exported to the productions)
from .reader import Reader
from .writer import Writer


class Codec(Protocol):
    def read(self, r: Reader) -> Any: ...

    def write(self, w: Writer, value: Any) -> None: ...


# A field's codec may be given lazily (a zero-argument callable) so that mutually recursive
# productions, such as instance types containing types, can refer to classes defined later.
CodecSpec = Codec | Callable[[], Codec]


def _resolve(spec: "CodecSpec | type[Production]") -> Codec:
    if isinstance(spec, type) and issubclass(spec, Production):
        return _ProductionCodec(spec)
    if isinstance(spec, FunctionType):  # given lazily
        return _resolve(spec())
    return spec  # type: ignore[return-value]


def _production_name(cls_name: str) -> str:
    # "CoreInstantiateArg" -> "core-instantiate-arg"; used in error paths only.
    return re.sub(r"(?<!^)(?=[A-Z])", "-", cls_name).lower()


class Production(Record):
    """Base of every decoded production: an immutable record of codec-declared fields.

    Fields declared with `field_(codec)` are read and written in declaration order; fields
    with no codec (`field_(None)`) belong to classes that read and write themselves.
    """

    # Bytes this production starts with, consumed and checked on read, written on write.
    TAG: ClassVar[tuple[int, ...]] = ()
    # First bytes a `Choice` dispatches to this class for; defaults to TAG[:1].
    DISPATCH: ClassVar[tuple[int, ...] | None] = None
    # Type scopes (component and instance types) count against the reader's nesting limit.
    NESTS: ClassVar[bool] = False

    @classmethod
    def _spec(cls) -> tuple[tuple[str, Codec], ...]:
        spec = cls.__dict__.get("_spec_cache")
        if spec is None:
            spec = tuple(
                (name, _resolve(f.codec)) for name, f in cls._FIELDS if f.codec is not None
            )
            type.__setattr__(cls, "_spec_cache", spec)
            type.__setattr__(cls, "_label", _production_name(cls.__name__))
        return spec

    @classmethod
    def label(cls) -> str:
        cls._spec()
        return cls._label  # type: ignore[attr-defined,no-any-return]

    # `read(r)` (a class method) and `write(w)`: each production reads and writes with code
    # written for its own fields (`_generated_reader`, `_generated_writer`: the tags checked,
    # each field by its codec in declaration order, a failing field named in the error's
    # path), written on first use. Generic loops over the fields cost a third more of
    # decoding and encoding. Every class gets its own first-use entry, so that none inherits
    # a parent's code, which would build the parent; a class that reads or writes itself
    # (or inherits that from a parent) keeps its own.
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _own(cls, "read"):
            type.__setattr__(cls, "read", classmethod(_first_read))
        if not _own(cls, "write"):
            type.__setattr__(cls, "write", _first_write)

    if TYPE_CHECKING:
        @classmethod
        def read(cls, r: Reader) -> "Production": ...

        def write(self, w: Writer) -> None: ...

    def encode(self) -> bytes:
        w = Writer()
        self.write(w)
        return w.getvalue()


def _own(cls: type, attr: str) -> bool:
    """Whether `cls` has `attr` from a class that wrote it by hand (not a first-use entry or
    generated code)."""
    for c in cls.__mro__:
        if attr in c.__dict__:
            f = c.__dict__[attr]
            return not getattr(getattr(f, "__func__", f), "generic", False)
    return False  # Production itself: it has neither


def _first_read(cls: type[Production], r: Reader) -> Production:
    reader = _generated_reader(cls)
    type.__setattr__(cls, "read", classmethod(reader))
    return reader(cls, r)


def _first_write(self: Production, w: Writer) -> None:
    cls = type(self)
    writer = _generated_writer(cls)
    type.__setattr__(cls, "write", writer)
    writer(self, w)


def _generated_reader(cls: type[Production]) -> Callable[..., Production]:
    """`Production.read` written out for `cls`'s fields: the tags checked, each field read
    by its codec, the field that failed named in the error's path."""
    spec = cls._spec()
    env: dict[str, Any] = {"BinaryError": BinaryError, "label": cls._label}  # type: ignore[attr-defined]
    body = []
    for tag in cls.TAG:
        body += ["    start = r.offset",
                 "    b = r.byte()",
                 f"    if b != {tag}:",
                 f"        raise BinaryError(f'expected byte {tag:#04x} in {{label}}, found {{b:#04x}}', start)"]
    names = []
    reads = []
    for i, (name, codec) in enumerate(spec):
        env[f"read{i}"] = codec.read
        reads.append(f"        name = {name!r}; v{i} = read{i}(r)")
        names.append(f"v{i}")
    if reads:
        body.append("    name = ''")
        if cls.NESTS:
            body.append("    r.nested()")
        body.append("    try:")
        body += reads
        body += ["    except BinaryError as exc:",
                 "        exc.add_context(f'{label}.{name}')",
                 "        raise"]
        if cls.NESTS:
            body += ["    finally:", "        r.unnest()"]
    body.append(f"    return cls({', '.join(names)})")
    exec("def read(cls, r):\n" + "\n".join(body), env)  # noqa: S102
    env["read"].generic = True
    return env["read"]  # type: ignore[no-any-return]


def _generated_writer(cls: type[Production]) -> Callable[[Production, Writer], None]:
    """`Production.write` written out for `cls`'s fields."""
    spec = cls._spec()
    env: dict[str, Any] = {"TAG": bytes(cls.TAG)}
    body = ["    w.buf += TAG"] if cls.TAG else []
    for i, (name, codec) in enumerate(spec):
        env[f"write{i}"] = codec.write
        value = f"getattr(self, {name!r})" if keyword.iskeyword(name) else f"self.{name}"
        body.append(f"    write{i}(w, {value})")
    exec("def write(self, w):\n" + "\n".join(body or ["    pass"]), env)  # noqa: S102
    env["write"].generic = True
    return env["write"]  # type: ignore[no-any-return]


for _f in (_first_read, _first_write):
    _f.generic = True  # type: ignore[attr-defined]


class _ProductionCodec:
    """Adapts a Production class to the Codec protocol."""

    __slots__ = ("cls",)

    def __init__(self, cls: type[Production]) -> None:
        self.cls = cls

    def read(self, r: Reader) -> Production:
        return self.cls.read(r)

    def write(self, w: Writer, value: Production) -> None:
        value.write(w)


def codec_of(spec: CodecSpec | type[Production]) -> Codec:
    return _resolve(spec)


# -- primitive codecs ----------------------------------------------------------------------


class _U32:
    def read(self, r: Reader) -> int:
        return r.u32()

    def write(self, w: Writer, value: int) -> None:
        w.u32(value)


class _Byte:
    def read(self, r: Reader) -> int:
        return r.byte()

    def write(self, w: Writer, value: int) -> None:
        w.byte(value)


class _Name:
    def read(self, r: Reader) -> str:
        return r.name()

    def write(self, w: Writer, value: str) -> None:
        w.name(value)


class _Bool:
    """A byte that must be 0x00 or 0x01 (`async?`, `sh?`, ...)."""

    def read(self, r: Reader) -> bool:
        start = r.offset
        b = r.byte()
        if b > 1:
            raise BinaryError(f"expected 0x00 or 0x01, found {b:#04x}", start)
        return b == 1

    def write(self, w: Writer, value: bool) -> None:
        w.byte(1 if value else 0)


class _SizedBytes:
    """`len:u32 bytes`: kept as a zero-copy view (value payloads)."""

    def read(self, r: Reader) -> memoryview:
        n = r.u32()
        return r.bytes(n)

    def write(self, w: Writer, value: bytes | memoryview) -> None:
        w.u32(len(value))
        w.bytes(value)


U32: Codec = _U32()
BYTE: Codec = _Byte()
NAME: Codec = _Name()
BOOL: Codec = _Bool()
SIZED_BYTES: Codec = _SizedBytes()


class Vec:
    """`vec(T)`: a u32 count, then the items; decoded as a tuple."""

    __slots__ = ("spec", "item", "what", "min_size")

    def __init__(self, item: CodecSpec | type[Production], what: str = "", min_size: int = 1):
        self.spec = item
        self.item: Codec | None = None
        self.what = what
        self.min_size = min_size  # bytes each item takes at least: counts that cannot fit are refused

    def _item(self) -> Codec:
        if self.item is None:
            self.item = codec_of(self.spec)
            if not self.what:
                spec = self.spec
                self.what = spec.label() if isinstance(spec, type) else "item"
        return self.item

    def read(self, r: Reader) -> tuple:
        return self.read_with_offsets(r)[0]

    def read_with_offsets(self, r: Reader) -> tuple[tuple, tuple[int, ...]]:
        """The items, and the file offset each starts at."""
        item = self._item()
        n = r.count(self.what, self.min_size)
        out, offsets = [], []
        try:
            for i in range(n):
                offsets.append(r.offset)
                out.append(item.read(r))
        except BinaryError as exc:
            exc.add_context(f"{self.what}[{i}]")
            raise
        return tuple(out), tuple(offsets)

    def write(self, w: Writer, value: Sequence) -> None:
        item = self._item()
        w.u32(len(value))
        for v in value:
            item.write(w, v)


class Opt:
    """`T?`: 0x00 for absent, 0x01 followed by T."""

    __slots__ = ("spec", "item")

    def __init__(self, item: CodecSpec | type[Production]):
        self.spec = item
        self.item: Codec | None = None

    def _item(self) -> Codec:
        if self.item is None:
            self.item = codec_of(self.spec)
        return self.item

    def read(self, r: Reader) -> Any:
        start = r.offset
        b = r.byte()
        if b == 0:
            return None
        if b == 1:
            return self._item().read(r)
        raise BinaryError(f"expected 0x00 or 0x01 for an optional, found {b:#04x}", start)

    def write(self, w: Writer, value: Any) -> None:
        if value is None:
            w.byte(0)
        else:
            w.byte(1)
            self._item().write(w, value)


class Choice:
    """Alternatives of a production, selected by the first byte."""

    __slots__ = ("what", "cases", "table")

    def __init__(self, what: str, cases: Iterable[type[Production]] | Callable[[], Iterable]):
        self.what = what
        self.cases = cases
        self.table: dict[int, type[Production]] | None = None

    def _table(self) -> dict[int, type[Production]]:
        if self.table is None:
            cases = self.cases() if callable(self.cases) else self.cases
            table: dict[int, type[Production]] = {}
            for cls in cases:
                keys = cls.DISPATCH if cls.DISPATCH is not None else cls.TAG[:1]
                for k in keys:
                    assert k not in table, f"{self.what}: byte {k:#x} claimed twice"
                    table[k] = cls
            self.table = table
        return self.table

    def read(self, r: Reader) -> Production:
        table = self._table()
        b = r.peek()
        cls = table.get(b)
        if cls is None:
            raise r.error(f"invalid leading byte {b:#04x} for {self.what}")
        return cls.read(r)

    def write(self, w: Writer, value: Production) -> None:
        value.write(w)


class Enumerated:
    """A byte (or byte pair) standing for one of a fixed set of names, e.g. `sort`."""

    __slots__ = ("what", "by_code", "by_name")

    def __init__(self, what: str, codes: dict[tuple[int, ...], str]):
        self.what = what
        self.by_name = {name: code for code, name in codes.items()}
        # Codes are one byte, or a prefix byte followed by one more byte (`0x00 core:sort`).
        self.by_code: dict[int, Any] = {}
        for code, name in codes.items():
            if len(code) == 1:
                self.by_code[code[0]] = name
            else:
                self.by_code.setdefault(code[0], {})[code[1]] = name

    def read(self, r: Reader) -> str:
        start = r.offset
        b = r.byte()
        hit = self.by_code.get(b)
        if isinstance(hit, dict):
            b2 = r.byte()
            hit = hit.get(b2)
            if hit is None:
                raise BinaryError(f"invalid {self.what} {b:#04x} {b2:#04x}", start)
        if hit is None:
            raise BinaryError(f"invalid {self.what} {b:#04x}", start)
        return hit

    def write(self, w: Writer, value: str) -> None:
        for b in self.by_name[value]:
            w.byte(b)
