"""What resolution produces, package by package: each interface and world resolved, with
its names and types, kept by key for the packages that refer to it later; and which
feature gates leave items out.

Text packages (`interfaces`, `worlddefs`) and packages decoded from binary form (`decoded`)
are registered alike, so a reference from text finds either the same way.
"""

from __future__ import annotations

from ....model import types as T
from .. import model as wit
from . import tree as ast
from .scope import NameScope

GATED_WORLD = "found a reference to a world which is excluded due to its feature not being activated"
GATED_INTERFACE = ("found a reference to an interface which is excluded due to its feature "
                   "not being activated")


class Features:
    def __init__(self, enabled: frozenset[str]) -> None:
        self.all = "all" in enabled
        self.enabled = enabled

    def excluded(self, gates: ast.Gates) -> bool:
        return gates.unstable is not None and not self.all and gates.unstable.name not in self.enabled

    def leaves_out(self, gate: wit.Gate | None) -> bool:
        """`excluded`, for an item of the model (one decoded from binary form)."""
        return (gate is not None and gate.unstable is not None and not self.all
                and gate.unstable not in self.enabled)


def model_gate(gates: ast.Gates) -> wit.Gate | None:
    """The model's gate for what is written (one record for each different gate)."""
    if gates is ast.NO_GATES or gates.empty():
        return None
    key = (gates.since[0] if gates.since else None,
           gates.unstable.name if gates.unstable else None,
           gates.deprecated[0] if gates.deprecated else None)
    gate = _GATES.get(key)
    if gate is None:
        gate = _GATES[key] = wit.Gate(*key)
    return gate


_GATES: dict[tuple, wit.Gate] = {}  # type: ignore[type-arg]


# -- what resolution produces -----------------------------------------------------------------


class IfaceInfo:
    __slots__ = ("key", "model", "scope", "deps", "package")

    def __init__(self, key: str, model: wit.Interface, scope: NameScope, deps: list[str],
                 package: wit.PackageName | None) -> None:
        self.key = key  # the extern name (`ns:pkg/i@v`), or the plain name of an inline one
        self.model = model
        self.scope = scope
        self.deps = deps  # keys of the named interfaces it `use`s, directly
        self.package = package


class WorldEntry:
    """One import or export of a world: the model's item and the extern's type; `iface` is
    the key of the named interface it is (or implements), if any."""

    __slots__ = ("item", "extern", "kind", "iface", "by_name", "at")

    def __init__(self, item: wit.WorldItem, extern: T.Extern, kind: str, iface: str | None,
                 by_name: bool, at: object = None) -> None:
        self.item = item
        self.extern = extern
        self.kind = kind  # func, interface, type
        self.iface = iface
        self.by_name = by_name  # imported or exported under the interface's own name
        self.at = at  # where it is written (a span), for errors an include finds


class WorldInfo:
    __slots__ = ("model", "imports", "exports", "package")

    def __init__(self, model: wit.World, imports: dict[str, WorldEntry],
                 exports: dict[str, WorldEntry], package: wit.PackageName) -> None:
        self.model = model
        self.imports = imports
        self.exports = exports
        self.package = package


class PkgInfo:
    __slots__ = ("name", "interfaces", "worlds", "excluded", "excluded_interfaces", "model")

    def __init__(self, name: wit.PackageName) -> None:
        self.name = name
        self.interfaces: dict[str, IfaceInfo] = {}
        self.worlds: dict[str, WorldInfo] = {}
        self.excluded: dict[str, str] = {}  # gated-out item -> "interface" or "world"
        # gated-out interfaces, resolved all the same: what refers to them is checked
        self.excluded_interfaces: dict[str, IfaceInfo] = {}
        self.model: wit.Package | None = None


class Registry:
    def __init__(self) -> None:
        self.packages: dict[str, PkgInfo] = {}
        self.interfaces: dict[str, IfaceInfo] = {}
        self.borrowing: set[int] = set()  # see `NameScope.borrowing`
