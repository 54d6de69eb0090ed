"""An answer (`answers.py`) as the Canonical ABI passes it: flat core values when the result
flattens to at most MAX_FLAT_RESULTS values, else bytes in memory (CanonicalABI.md, `store`
and `lower_flat`), whose address the function returns. Only discriminants are not zero.
"""

from __future__ import annotations

from ...model import canonabi as ABI
from ...model import types as T
from .answers import Case


def flat(t: T.ValType, a: object, flattener: ABI.Flattener) -> list[tuple[str, int]]:
    """The flat values (core type, value as bits) of answer `a` of type `t`."""
    types = flattener.type(t)
    values = [0] * len(types)
    _flat_into(T.unwrap(t), a, values, 0, flattener)
    return list(zip(types, values))


def _flat_into(t: object, a: object, values: list[int], at: int, flattener: ABI.Flattener) -> None:
    if not isinstance(a, Case):
        return  # zero
    values[at] = a.index
    payloads = ABI.cases(t) or []
    payload = payloads[a.index]
    if payload is not None and a.payload is not None:
        _flat_into(T.unwrap(payload), a.payload, values, at + 1, flattener)


def store(t: T.ValType, a: object, memory: bytearray, at: int) -> None:
    """Write answer `a` of type `t` at `at` (the bytes there are zero already)."""
    if not isinstance(a, Case):
        return
    u = T.unwrap(t)
    payloads = ABI.cases(u) or []
    size = ABI.discriminant_size(len(payloads))
    memory[at:at + size] = a.index.to_bytes(size, "little")
    payload = payloads[a.index]
    if payload is not None and a.payload is not None:
        store(payload, a.payload, memory, at + ABI.payload_offset(u))
