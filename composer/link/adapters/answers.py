"""What a deny adapter's function answers, decided from its result type alone (the rules of
Spin's deny adapter, `docs/capabilities.md`, Virtualize):

* `result<T, E>`: the error case of `E` whose name says denial: `access-denied`, else
  `not-permitted`, else `denied`, else `permission-denied`, else the first case whose name
  ends in `-denied` (wasi:http's `HTTP-request-denied`); a case with a payload carries the
  payload's zero value (empty strings and lists, zero numbers, `none`, the first case),
  unless the payload holds a handle, which has no zero value;
* `list<T>`: the empty list;
* `option<T>`: `none`;
* anything else, and a `result` whose error type has no such case (or is no variant or
  enum): a trap (`unreachable`), the fallback. A function that cannot say "no" in its own
  type does not run.

An answer is a tree of `Case` (a variant-like value's case, with its payload's answer) and
`ZERO` (a value all of whose bytes and flat values are zero: empty lists and strings, zero
numbers, the first case of a variant, recursively); it is laid out in memory or flattened
by `layout.py`.
"""

from __future__ import annotations

from ...model import types as T
from ...record import Record

DENIAL_NAMES = ("access-denied", "not-permitted", "denied", "permission-denied")


class Case(Record):
    """Case `index` of a variant-like type, with `payload` (an answer, or None)."""

    index: int
    payload: "Case | str | None" = None


ZERO = "zero"
Answer = Case | str


def answer(result: T.ValType | None) -> Answer | None:
    """The answer a denied function gives for its result type, or None: it traps."""
    if result is None:
        return None
    t = T.unwrap(result)
    if isinstance(t, T.ListType) and t.length is None:
        return ZERO  # (pointer 0, length 0): the empty list
    if isinstance(t, T.OptionType):
        return Case(0)
    if isinstance(t, T.ResultType) and t.err is not None:
        err = denial(t.err)
        return None if err is None else Case(1, err)
    return None


def denial(e: T.ValType) -> Case | None:
    """The case of an error type whose name says denial (see the module docstring)."""
    t = T.unwrap(e)
    if isinstance(t, T.EnumType):
        cases: list[tuple[str, object]] = [(n, None) for n in t.names]
    elif isinstance(t, T.VariantType):
        cases = list(t.cases)
    else:
        return None
    names = [n for n, _ in cases]
    ranked = [n for n in DENIAL_NAMES if n in names]
    ranked += [n for n in names if n.lower().endswith("-denied") and n not in ranked]
    for name in ranked:
        i = names.index(name)
        payload = cases[i][1]
        if payload is None:
            return Case(i)
        if not has_handles(payload):
            return Case(i, ZERO)
    return None


def has_handles(t: object) -> bool:
    """Whether a value of type `t` can hold a handle (own, borrow, stream, future): the
    types whose zero value is not a value."""
    for x in T.walk(t):
        if isinstance(x, (T.OwnType, T.BorrowType, T.StreamType, T.FutureType)):
            return True
    return False


def case_name(result: T.ValType, a: Answer) -> str:
    """The answer as WIT would say it: `err(access-denied)`, `none`, `[]`."""
    t = T.unwrap(result)
    if isinstance(t, T.ListType):
        return "[]"
    if isinstance(t, T.OptionType):
        return "none"
    assert isinstance(t, T.ResultType) and isinstance(a, Case) and isinstance(a.payload, Case)
    e = T.unwrap(t.err)  # type: ignore[arg-type]
    names = e.names if isinstance(e, T.EnumType) else [n for n, _ in e.cases]  # type: ignore[union-attr]
    return f"err({names[a.payload.index]})"
