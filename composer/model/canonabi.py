"""The Canonical ABI's static side (CanonicalABI.md, Flattening and `canonopt` Validation): the
core function type a component function lifts from or lowers to, and which options a
lift or lower needs.

Flattening walks value types, which a hostile type can make enormous (a record of two
copies of a record of two copies ...): every walk here stops once the answer is known (more
than `MAX_FLAT_PARAMS` values means "passed in memory", whatever the exact count), and
results are kept per type object, so each distinct type is walked once.
"""

from __future__ import annotations

from . import types as T
from ..record import Record

MAX_FLAT_PARAMS = 16
MAX_FLAT_ASYNC_PARAMS = 4
MAX_FLAT_RESULTS = 1

# Enough flat values to know that a list of them goes through memory.
_CAP = MAX_FLAT_PARAMS + 1


class Options(Record):
    """What the canon options of one definition say, as flattening needs it."""

    memory64: bool = False  # the memory option's address type is i64
    is_async: bool = False
    callback: bool = False

    @property
    def ptr(self) -> str:
        return "i64" if self.memory64 else "i32"


class Flattener:
    """Flat core value types of component value types, under one set of options."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.memo: dict[int, tuple[str, ...]] = {}
        self.keep: list[object] = []  # the types whose ids are memo keys stay alive

    def functype(self, ft: T.FuncType, context: str) -> T.CoreFunc:
        """`flatten_functype(opts, ft, context)`; context is "lift" or "lower"."""
        opts = self.opts
        params = self.types([t for _, t in ft.params])
        results = self.types([] if ft.result is None else [ft.result])
        ptr = opts.ptr
        if not opts.is_async:
            if len(params) > MAX_FLAT_PARAMS:
                params = (ptr,)
            if len(results) > MAX_FLAT_RESULTS:
                if context == "lift":
                    results = (ptr,)
                else:
                    params, results = params + (ptr,), ()
            return T.CoreFunc(params, results)
        if context == "lift":
            if len(params) > MAX_FLAT_PARAMS:
                params = (ptr,)
            return T.CoreFunc(params, ("i32",) if opts.callback else ())
        if len(params) > MAX_FLAT_ASYNC_PARAMS:
            params = (ptr,)
        if results:
            params = params + (ptr,)
        return T.CoreFunc(params, ("i32",))

    def types(self, ts: list) -> tuple[str, ...]:
        """The flat types of `ts` in sequence; past `_CAP` values, only the first `_CAP`
        (enough to tell the caller they go through memory)."""
        out: tuple[str, ...] = ()
        for t in ts:
            out += self.type(t)
            if len(out) >= _CAP:
                return out[:_CAP]
        return out

    def type(self, t: object) -> tuple[str, ...]:
        t = T.unwrap(t)  # type: ignore[arg-type]
        key = id(t)
        done = self.memo.get(key)
        if done is None:
            done = self.memo[key] = self._flatten(t)
            self.keep.append(t)
        return done

    def _flatten(self, t: object) -> tuple[str, ...]:
        ptr = self.opts.ptr
        if isinstance(t, T.PrimType):
            return _PRIM_FLAT.get(t.name, ("i32",)) if t.name != "string" else (ptr, ptr)
        if isinstance(t, T.ListType):
            if t.length is None:
                return (ptr, ptr)
            one = self.type(t.element)
            return (one * min(t.length, _CAP))[:_CAP]
        if isinstance(t, T.RecordType):
            return self.types([v for _, v in t.fields])
        if isinstance(t, T.TupleType):
            return self.types(list(t.types))
        payloads = cases(t)
        if payloads is not None:
            return self._variant(payloads)
        if isinstance(t, T.MapType):
            return (ptr, ptr)
        # flags, own, borrow, stream, future, error-context
        return ("i32",)

    def _variant(self, payloads: list) -> tuple[str, ...]:
        flat: list[str] = []
        for p in payloads:
            if p is None:
                continue
            for i, ft in enumerate(self.type(p)):
                if i < len(flat):
                    flat[i] = _join(flat[i], ft)
                else:
                    flat.append(ft)
        # the discriminant (u8, u16 or u32 by the number of cases) flattens to an i32
        return ("i32",) + tuple(flat[: _CAP - 1])


_PRIM_FLAT = {
    "s64": ("i64",), "u64": ("i64",), "f32": ("f32",), "f64": ("f64",),
}


def _join(a: str, b: str) -> str:
    if a == b:
        return a
    if {a, b} == {"i32", "f32"}:
        return "i32"
    return "i64"


def contains_list_or_string(t: object, seen: set[int] | None = None) -> bool:
    """Whether lifting or lowering `t` touches memory through a `list` or `string`
    (each type object looked at once)."""
    seen = set() if seen is None else seen
    stack = [t]
    while stack:
        x = T.unwrap(stack.pop())  # type: ignore[arg-type]
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, T.PrimType):
            if x.name == "string":
                return True
        elif isinstance(x, T.ListType):
            if x.length is None:
                return True
            stack.append(x.element)
        elif isinstance(x, T.MapType):
            return True
        elif isinstance(x, T.RecordType):
            stack.extend(v for _, v in x.fields)
        elif isinstance(x, T.VariantType):
            stack.extend(v for _, v in x.cases)
        elif isinstance(x, T.TupleType):
            stack.extend(x.types)
        elif isinstance(x, T.OptionType):
            stack.append(x.type)
        elif isinstance(x, T.ResultType):
            stack.extend((x.ok, x.err))
    return False


# -- layout in memory (CanonicalABI.md, Alignment and Element Size) ---------------------------


def discriminant_size(cases: int) -> int:
    """`discriminant_type`'s size in bytes: u8, u16 or u32 by the number of cases."""
    return 1 if cases <= 1 << 8 else 2 if cases <= 1 << 16 else 4


def cases(t: object) -> list | None:
    """The payloads of a variant-like type (variant, enum, option, result), else None."""
    if isinstance(t, T.VariantType):
        return [v for _, v in t.cases]
    if isinstance(t, T.EnumType):
        return [None] * len(t.names)
    if isinstance(t, T.OptionType):
        return [None, t.type]
    if isinstance(t, T.ResultType):
        return [t.ok, t.err]
    return None


def alignment(t: object, ptr_size: int = 4) -> int:
    """`alignment(t)` under 32-bit memory (`ptr_size` 8 for 64-bit)."""
    t = T.unwrap(t)  # type: ignore[arg-type]
    if isinstance(t, T.PrimType):
        return _PRIM_SIZE.get(t.name, ptr_size)
    if isinstance(t, (T.ListType, T.MapType)):
        if isinstance(t, T.ListType) and t.length is not None:
            return alignment(t.element, ptr_size)
        return ptr_size
    if isinstance(t, T.RecordType):
        return max((alignment(v, ptr_size) for _, v in t.fields), default=1)
    if isinstance(t, T.TupleType):
        return max((alignment(v, ptr_size) for v in t.types), default=1)
    cs = cases(t)
    if cs is not None:
        payload = max((alignment(c, ptr_size) for c in cs if c is not None), default=1)
        return max(discriminant_size(len(cs)), payload)
    if isinstance(t, T.FlagsType):
        return _flags_size(len(t.names)) if t.names else 1
    return 4  # own, borrow, stream, future


def elem_size(t: object, ptr_size: int = 4) -> int:
    """`elem_size(t)`: the bytes a value of `t` takes in memory."""
    t = T.unwrap(t)  # type: ignore[arg-type]
    if isinstance(t, T.PrimType):
        return _PRIM_SIZE.get(t.name, 2 * ptr_size)
    if isinstance(t, T.ListType) and t.length is not None:
        return t.length * elem_size(t.element, ptr_size)
    if isinstance(t, (T.ListType, T.MapType)):
        return 2 * ptr_size
    if isinstance(t, (T.RecordType, T.TupleType)):
        parts = [v for _, v in t.fields] if isinstance(t, T.RecordType) else list(t.types)
        s = 0
        for p in parts:
            s = align_to(s, alignment(p, ptr_size)) + elem_size(p, ptr_size)
        return align_to(s, alignment(t, ptr_size))
    cs = cases(t)
    if cs is not None:
        s = payload_offset(t, ptr_size)
        s += max((elem_size(c, ptr_size) for c in cs if c is not None), default=0)
        return align_to(s, alignment(t, ptr_size))
    if isinstance(t, T.FlagsType):
        n = len(t.names)
        return 0 if n == 0 else _flags_size(n) if n <= 16 else 4 * ((n + 31) // 32)
    return 4


def payload_offset(t: object, ptr_size: int = 4) -> int:
    """Where a variant-like value's payload starts: after its discriminant, aligned to the
    largest alignment of its cases."""
    t = T.unwrap(t)  # type: ignore[arg-type]
    cs = cases(t) or []
    payload = max((alignment(c, ptr_size) for c in cs if c is not None), default=1)
    return align_to(discriminant_size(len(cs)), payload)


def align_to(offset: int, align: int) -> int:
    return -(-offset // align) * align


def _flags_size(n: int) -> int:
    return 1 if n <= 8 else 2 if n <= 16 else 4


_PRIM_SIZE = {
    "bool": 1, "s8": 1, "u8": 1, "s16": 2, "u16": 2, "s32": 4, "u32": 4, "s64": 8, "u64": 8,
    "f32": 4, "f64": 8, "char": 4, "error-context": 4,
}
