"""Which resources and type names are the same across the components of a composition.

Inside one component, a resource is one Python object (`types.ResourceType`). Across a
composition the same resource has many objects: the `output-stream` the root imports, the
one a dependency imports, the one the host provides. Once the resolver knows what is wired to
what, those are one type. `Unifier` records that with union-find over identities:

* `("i", instance, id(obj))`: object `obj` of the component as instantiated by `instance`
  (instances of one component have distinct resources: resources are generative);
* `("h", import, name)`: the export `name` of the output's import `import` (the host's).

Every identity also has an owner: where the output can name it from, an import of the host
(preferred) or an export of an instance.
"""

from __future__ import annotations

from typing import Hashable

from ..model import types as T
from ..model.subtype import Bindings

Ident = tuple


def inst_ident(instance: str, obj: object) -> Ident:
    return ("i", instance, id(obj))


def host_ident(import_name: str, export: str) -> Ident:
    return ("h", import_name, export)


class Unifier:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}
        # class root -> (kind, ...) where the output can refer to the class
        self.owners: dict[Hashable, tuple] = {}

    def find(self, x: Hashable) -> Hashable:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        self.parent[rb] = ra
        self._offer(ra, self.owners.pop(rb, None))

    def set_owner(self, ident: Hashable, owner: tuple) -> None:
        self._offer(self.find(ident), owner)

    def owner(self, ident: Hashable) -> tuple | None:
        return self.owners.get(self.find(ident))

    def _offer(self, root: Hashable, owner: tuple | None) -> None:
        """Keep the owner the output can best name a class by: an import of the host
        before an instance's export (an import of the output cannot use what the output
        defines), else the first one known."""
        if owner is None:
            return
        kept = self.owners.get(root)
        if kept is None or (owner[0] == "host" and kept[0] != "host"):
            self.owners[root] = owner


class UnifiedBindings(Bindings):
    """Resources compared across two instances through the unifier.

    `actual` objects belong to instance `actual_inst`, `expected` ones to `expected_inst`;
    binding a resource the expected type declares unites the two identities.
    """

    def __init__(self, unifier: Unifier, actual_inst: str, expected_inst: str) -> None:
        super().__init__()
        self.u = unifier
        self.actual_inst = actual_inst
        self.expected_inst = expected_inst

    def same(self, actual: T.ResourceType, expected: T.ResourceType) -> bool:
        return self.u.find(inst_ident(self.actual_inst, actual)) == self.u.find(
            inst_ident(self.expected_inst, expected)
        )

    def bind(self, expected: T.ResourceType, actual: T.ResourceType) -> bool:
        self.u.union(inst_ident(self.actual_inst, actual), inst_ident(self.expected_inst, expected))
        self.map[expected] = actual
        return True

    def whose(self, r: T.ResourceType, actual: bool) -> str:
        inst = self.actual_inst if actual else self.expected_inst
        owner = self.u.owner(inst_ident(inst, r))
        if owner is None:
            return f" (of instance {inst})"
        if owner[0] == "host":
            return f" (imported from the host as {owner[1]})"
        return f" (exported by instance {owner[1]})"


def declared_objects(ext: object) -> list[tuple[str, object]]:
    """The (name, object) pairs an instance type declares: resources and type names."""
    if not isinstance(ext, T.InstanceType):
        return []
    return [
        (name, v) for name, v in ext.exports.items() if isinstance(v, (T.ResourceType, T.NamedType))
    ]


def referenced_by_parts(parts: list[tuple[object, str]]) -> "list[tuple[object, str]]":
    """(object, instance) for the resources and type names the parts of an import's type
    refer to (each part a type and the instance whose model it is in), each once per
    instance: the parts of one interface share what they use (a chain of aliases), and
    walking each part on its own would meet the shared ones again and again."""
    seen: dict[str, set[int]] = {}
    out = []
    for ext, ctx in parts:
        met = seen.setdefault(ctx, set())
        out += [(x, ctx) for x in T.walk(ext, met) if isinstance(x, (T.ResourceType, T.NamedType))]
    return out
