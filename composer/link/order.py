"""Orders of dependence: what comes before what in the output (instances after the instances
that provide to them, imports after the imports whose types they use)."""

from __future__ import annotations

import heapq
from typing import Hashable, Iterable, Mapping, Sequence


def first_ready_order(items: Sequence[Hashable],
                      needs: Mapping[Hashable, Iterable[Hashable]]) -> tuple[list, list]:
    """`items` with each after everything it needs (Kahn's algorithm), taking among those
    ready the one earliest in `items` (a heap: linear in the needs, up to the heap's log).
    Returns (the order, the items left waiting: those on or behind a cycle)."""
    rank = {item: i for i, item in enumerate(items)}
    users: dict[Hashable, list[Hashable]] = {}
    waiting = dict.fromkeys(items, 0)
    for item in items:
        for need in set(needs.get(item, ())):
            users.setdefault(need, []).append(item)
            waiting[item] += 1
    ready = [rank[item] for item, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list = []
    while ready:
        item = items[heapq.heappop(ready)]
        order.append(item)
        for user in users.get(item, ()):
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, rank[user])
    return order, [item for item in items if waiting[item]]
