"""The order wit-parser resolves things in: a type after the types it refers to, an
interface or world after those it refers to, ties broken by the order they were written in.

wit-parser sorts with Kahn's algorithm, always taking the earliest-written of the names
ready; it names a missing reference, or the first reference on a cycle, by scanning names
in written order. Doing the same here makes the order things are printed in, and the place
an error is reported at, the same as wasm-tools'. Linear in names and references.
"""

from __future__ import annotations

import heapq

from ...diagnostics import TextError
from . import tree as A


def toposort(names: list[str], deps: dict[str, list[A.Id]], kind: str) -> list[str]:
    """`names` (as written) each after those in `deps[name]`; a reference to a name not in
    `names` or a cycle is refused at the reference, `kind` naming what the names are."""
    index = {name: i for i, name in enumerate(names)}
    remaining = [0] * len(names)
    users: list[list[int]] = [[] for _ in names]
    for i, name in enumerate(names):
        refs = deps[name]
        remaining[i] = len(refs)
        for ref in refs:
            j = index.get(ref.name)
            if j is None:
                raise TextError.at(f"{kind} `{ref.name}` does not exist", ref.span)
            users[j].append(i)
    ready = [i for i, n in enumerate(remaining) if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(names[i])
        for user in users[i]:
            remaining[user] -= 1
            if remaining[user] == 0:
                heapq.heappush(ready, user)
    if len(order) == len(names):
        return order
    for i, name in enumerate(names):
        if remaining[i]:
            for ref in deps[name]:
                if remaining[index[ref.name]]:
                    raise TextError.at(f"{kind} `{ref.name}` depends on itself", ref.span)
    raise AssertionError("a cycle with no reference on it")  # pragma: no cover
