"""The names of one interface (or of one world's types) and the component-model types they
stand for.

Types are built as `composer.model.types` builds them for a component read from bytes: a
type an interface defines is a `NamedType` owned by the interface's extern name (a
`ResourceType` for a resource), a type it `use`s a `NamedType` standing for the original,
and a resource named where a value is expected is an `own` handle of it. Names are created
first and filled in afterwards, so definitions may come in any order; cycles are refused
before anything looks through a name.
"""

from __future__ import annotations

from typing import Callable

from ...model import types as T
from ...model.names import strongly_unique_key
from ...diagnostics import TextError
from . import tree as A
from .toposort import toposort


class Entry:
    """What a name of a scope is: `kind` is `resource`, `typedef` (record, variant, enum,
    flags, or `type x = ..`), `used` (by `use`), or `func`."""

    __slots__ = ("kind", "value", "node", "excluded", "span")

    def __init__(self, kind: str, value: object, node: object, excluded: bool,
                 span: A.Span) -> None:
        self.kind = kind
        self.value = value
        self.node = node
        self.excluded = excluded
        self.span = span


_MAP_KEYS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "char",
                       "string"})

GATED_TYPE = "found a reference to a type which is excluded due to its feature not being activated"


class TypeScope:
    """Names and their types; `owner` is the extern name types are declared under (None
    for a world's own types, which the world imports)."""

    def __init__(self, owner: str | None, not_found: str = "type `{}` does not exist",
                 borrowing: set[int] | None = None, anonymous: dict | None = None) -> None:  # type: ignore[type-arg]
        self.owner = owner
        # wit-parser makes each anonymous type (`list<u32>`) once a package, and the first
        # one made inside a type definition left out by a feature gate is left out with it:
        # a later use of the same type is a reference to an excluded type. Key -> the
        # message of that refusal, or None (made first where nothing was left out)
        self.anonymous = anonymous if anonymous is not None else {}
        self.marking: str | None = None  # that message, while a left-out type is filled
        self.entries: dict[str, Entry] = {}
        self.keys: dict[str, str] = {}  # strongly-unique key -> the name as written
        self.not_found = not_found
        # named types that hold a `borrow` (by id: they live as long as the reading), and
        # whether the type being built does
        self.borrowing = borrowing if borrowing is not None else set()
        self.borrows = False

    def define(self, name: A.Id, entry: Entry, message: str = "name `{}` is defined more than once") -> None:
        """Add a name; names whose strongly-unique keys are equal may not both be defined
        (`a` and `A`, a resource `r` and its method `[method]r.r`)."""
        key = strongly_unique_key(name.name)
        prior = self.keys.get(key)
        if prior is not None:
            if prior == name.name:
                raise TextError.at(message.format(name.name), name.span)
            raise TextError.at(f"name `{name.name}` conflicts with previous name `{prior}`",
                               name.span)
        self.keys[key] = name.name
        self.entries[name.name] = entry

    # -- definitions -----------------------------------------------------------------------

    def declare_typedef(self, td: A.TypeDef, excluded: bool) -> Entry:
        if td.kind == "resource":
            value: object = T.ResourceType(td.name.name, self.owner)
            entry = Entry("resource", value, td, excluded, td.name.span)
        else:
            value = T.NamedType(td.name.name, None, self.owner)  # type: ignore[arg-type]
            entry = Entry("typedef", value, td, excluded, td.name.span)
        self.define(td.name, entry)
        return entry

    def check_order(self, members: tuple) -> list[str]:  # type: ignore[type-arg]
        """The types' names, each after those it refers to (handles included); a type that
        refers to a name no type has, or that contains itself, refused where wit-parser
        refuses it (the names `use` brings in and the type definitions, as written, sorted
        as it sorts them)."""
        names: list[str] = []
        deps: dict[str, list[A.Id]] = {}
        for m in members:
            if isinstance(m, A.Use):
                for name, alias in m.names:
                    local = (alias or name).name
                    names.append(local)
                    deps[local] = []
            elif isinstance(m, A.TypeDef):
                names.append(m.name.name)
                deps[m.name.name] = _references(m)
        return toposort(names, deps, "type")

    def is_resource(self, entry: Entry) -> bool:
        """Whether a name stands for a resource: a resource, or an alias or `use` of one.
        (Only called once cycles are refused, so the chain ends.)"""
        seen = 0
        while True:
            if entry.kind == "resource":
                return True
            if entry.kind == "used":
                return T.resource_of(entry.value) is not None  # type: ignore[arg-type]
            if entry.kind != "typedef" or entry.node.kind != "type":  # type: ignore[attr-defined]
                return False
            alias = entry.node.alias  # type: ignore[attr-defined]
            if not isinstance(alias, A.TName):
                return False
            nxt = self.entries.get(alias.id.name)
            seen += 1
            if nxt is None or seen > len(self.entries):
                return False
            entry = nxt

    def fill(self, entry: Entry, gated_ok: bool = False, left_out: str | None = None) -> None:
        """Give a declared record, variant, enum, flags or alias its type (`gated_ok`: one
        left out by a feature gate, which may refer to others left out; `left_out`, then:
        the refusal a later use of an anonymous type made first here meets)."""
        self.marking = left_out if gated_ok else None
        try:
            self._fill(entry, gated_ok)
        finally:
            self.marking = None

    def _fill(self, entry: Entry, gated_ok: bool) -> None:
        td: A.TypeDef = entry.node  # type: ignore[assignment]
        if td.kind != "type" and not td.fields:
            raise TextError.at(f"empty {td.kind}", td.name.span)
        if td.kind == "flags" and len(td.fields) > 32:
            raise TextError.at("cannot have more than 32 flags", td.fields[32].name.span)
        site = None if gated_ok else td.name.span
        self.borrows = False
        if td.kind == "type":
            alias = td.alias
            if isinstance(alias, A.TName):
                # `type t = r` names the type itself (a resource stays a resource)
                target = self.lookup(alias.id, site)
                inner: object = target.value
            else:
                inner = self.value(alias, site, top=True)  # type: ignore[arg-type]
        elif td.kind == "record":
            # (wit-parser reports a gated-off type at the field that uses it)
            inner = T.RecordType(tuple((f.name.name, self.value(f.type, site and f.name.span))  # type: ignore[arg-type]
                                       for f in td.fields))
            _unique_labels(td.fields, "field")
        elif td.kind == "variant":
            inner = T.VariantType(tuple(
                (f.name.name, self.value(f.type, site) if f.type is not None else None)
                for f in td.fields))
            _unique_labels(td.fields, "case")
        elif td.kind == "enum":
            _unique_labels(td.fields, "case")
            inner = T.EnumType(tuple(f.name.name for f in td.fields))
        else:
            _unique_labels(td.fields, "flag")
            inner = T.FlagsType(tuple(f.name.name for f in td.fields))
        entry.value.type = inner  # type: ignore[attr-defined]
        if self.borrows or id(inner) in self.borrowing:
            self.borrowing.add(id(entry.value))

    # -- references ------------------------------------------------------------------------

    def lookup(self, ref: A.Id, site: A.Span | None) -> Entry:
        """What a name stands for; a type left out by a feature gate is refused (at `site`)
        unless `site` is None: the name is then used where everything is left out too."""
        entry = self.entries.get(ref.name)
        if entry is None:
            raise TextError.at(self.not_found.format(ref.name), ref.span)
        if entry.kind == "func":
            raise TextError.at(f"cannot use function `{ref.name}` as a type", ref.span)
        if entry.excluded and site is not None:
            raise TextError.at(GATED_TYPE, site)
        return entry

    def value(self, t: A.TypeExpr, site: A.Span | None, top: bool = False) -> T.ValType:
        """The value type an expression stands for; `site` is where a reference to a gated
        type is reported (the item being defined, as wit-parser does). A `borrow` met on
        the way sets `self.borrows` (see `func`). `top`: the whole of an alias's definition
        (`type t = list<u32>`), which is that type, not an anonymous one."""
        v = self._value(t, site)
        if type(t) not in (A.TPrim, A.TName) and not top:
            key = _anonymous_key(v)
            if self.marking is not None:
                self.anonymous.setdefault(key, self.marking)
            else:
                refusal = self.anonymous.setdefault(key, None)
                if refusal is not None and site is not None:
                    raise TextError.at(refusal, site)
        return v

    def _value(self, t: A.TypeExpr, site: A.Span | None) -> T.ValType:
        cls = type(t)
        if cls is A.TPrim:
            return T.PRIMS[t.name]  # type: ignore[union-attr]
        if cls is A.TName:
            entry = self.lookup(t.id, site)  # type: ignore[union-attr]
            value = entry.value
            if id(value) in self.borrowing:
                self.borrows = True
            if self.is_resource(entry):
                return T.OwnType(value)  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        if cls is A.TList:
            return T.ListType(self.value(t.element, site), t.length)  # type: ignore[union-attr]
        if cls is A.TResult:
            ok, err = t.ok, t.err  # type: ignore[union-attr]
            return T.ResultType(None if ok is None else self.value(ok, site),
                                None if err is None else self.value(err, site))
        if cls is A.THandle:
            entry = self.lookup(t.id, site)  # type: ignore[union-attr]
            if not self.is_resource(entry):
                raise TextError.at(f"type `{t.id.name}` used in a handle must be a resource",  # type: ignore[union-attr]
                                   t.id.span)  # type: ignore[union-attr]
            if t.borrow:  # type: ignore[union-attr]
                self.borrows = True
                return T.BorrowType(entry.value)  # type: ignore[arg-type]
            return T.OwnType(entry.value)  # type: ignore[arg-type]
        if cls is A.TOption:
            return T.OptionType(self.value(t.type, site))  # type: ignore[union-attr]
        if cls is A.TTuple:
            if not t.types:  # type: ignore[union-attr]
                raise TextError.at("empty tuple", t.span)  # type: ignore[union-attr]
            return T.TupleType(tuple([self.value(x, site) for x in t.types]))  # type: ignore[union-attr]
        if cls is A.TMap:
            key, value = self.value(t.key, site), self.value(t.value, site)  # type: ignore[union-attr]
            # the key must be written as one of these types: not even an alias of one
            if not (isinstance(t.key, A.TPrim) and t.key.name in _MAP_KEYS):  # type: ignore[union-attr]
                raise TextError.at("invalid map key type: map keys must be bool, u8, u16, u32, "
                                   "u64, s8, s16, s32, s64, char, or string", t.span)  # type: ignore[union-attr]
            return T.MapType(key, value)
        element = t.element  # type: ignore[union-attr]
        inner = None if element is None else self.value(element, site)
        return T.FutureType(inner) if cls is A.TFuture else T.StreamType(inner)

    def opt(self, t: A.TypeExpr | None, site: A.Span | None) -> T.ValType | None:
        return None if t is None else self.value(t, site)

    def func(self, sig: A.FuncSig, name: str, site: A.Span | None,
             self_param: T.ValType | None = None,
             result: Callable[[], T.ValType | None] | None = None) -> T.FuncType:
        seen: set[str] = set()
        params: list[tuple[str, T.ValType]] = []
        if self_param is not None:
            params.append(("self", self_param))
            seen.add("self")
        for pname, ptype in sig.params:
            key = pname.name.lower()
            if key in seen:
                raise TextError.at(f"param `{pname.name}` is defined more than once", pname.span)
            seen.add(key)
            params.append((pname.name, self.value(ptype, site)))
        self.borrows = False
        out = result() if result is not None else self.opt(sig.result, site)
        # (a function left out by a feature gate, `site` None, is not checked further)
        if site is not None and out is not None and self.borrows:
            raise TextError.at(f"function `{name}` returns a type which contains a "
                               "`borrow<T>` which is not supported", site)
        return T.FuncType(tuple(params), out, sig.is_async)


def _unique_labels(fields: tuple[A.Field, ...], what: str) -> None:
    seen: set[str] = set()
    for f in fields:
        key = f.name.name.lower()
        if key in seen:
            raise TextError.at(f"{what} `{f.name.name}` is defined more than once", f.name.span)
        seen.add(key)


def _references(td: A.TypeDef) -> list[A.Id]:
    """The names a type definition's body refers to, handles (`own<r>`) included, in the
    order wit-parser lists them."""
    out: list[A.Id] = []
    stack: list[object] = []
    if td.alias is not None:
        stack.append(td.alias)
    stack.extend(f.type for f in reversed(td.fields) if f.type is not None)
    while stack:
        t = stack.pop()
        if isinstance(t, A.TName):
            out.append(t.id)
        elif isinstance(t, A.THandle):
            out.append(t.id)
        elif isinstance(t, (A.TList, A.TFuture, A.TStream)):
            if t.element is not None:
                stack.append(t.element)
        elif isinstance(t, A.TOption):
            stack.append(t.type)
        elif isinstance(t, A.TResult):
            stack.extend(x for x in (t.err, t.ok) if x is not None)
        elif isinstance(t, A.TTuple):
            stack.extend(reversed(t.types))
        elif isinstance(t, A.TMap):
            stack.extend((t.value, t.key))
    return out


def _anonymous_key(v: object) -> object:
    """What makes two anonymous types one in wit-parser: their kind and parts, a named type
    or a resource by identity."""
    if isinstance(v, T.PrimType):
        return v.name
    if isinstance(v, (T.NamedType, T.ResourceType)):
        return id(v)
    if isinstance(v, T.ListType):
        return ("list", _anonymous_key(v.element), v.length)
    if isinstance(v, T.OptionType):
        return ("option", _anonymous_key(v.type))
    if isinstance(v, T.ResultType):
        return ("result", None if v.ok is None else _anonymous_key(v.ok),
                None if v.err is None else _anonymous_key(v.err))
    if isinstance(v, T.TupleType):
        return ("tuple", tuple(_anonymous_key(x) for x in v.types))
    if isinstance(v, T.MapType):
        return ("map", _anonymous_key(v.key), _anonymous_key(v.value))
    if isinstance(v, (T.OwnType, T.BorrowType)):
        return (type(v).__name__, id(v.resource))
    if isinstance(v, (T.FutureType, T.StreamType)):
        return (type(v).__name__, None if v.element is None else _anonymous_key(v.element))
    return id(v)
