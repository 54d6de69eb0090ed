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
        if isinstance(t, T.VariantType):
            return self._variant([v for _, v in t.cases])
        if isinstance(t, T.EnumType):
            return self._variant([None] * len(t.names))
        if isinstance(t, T.OptionType):
            return self._variant([None, t.type])
        if isinstance(t, T.ResultType):
            return self._variant([t.ok, t.err])
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
