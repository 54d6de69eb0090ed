"""Does a component target a world? (`compose targets`, `wac targets`, `verify --world X.wit`)

A component targets a world when everything it imports, the world provides, and everything
the world expects it to export, it exports: its imports a subset of the world's, its exports
a superset, each type fitting. An import the world offers at another version on the same
semver track counts as provided, as when composing. The types are compared by `subtype.py`,
the same code that checks a composition, so a world read from WIT and a component read from
bytes meet on equal terms.
"""

from __future__ import annotations

from . import types as T
from .names import semver_compatible
from .subtype import Bindings, NameBindings, check_extern


def _find(name: str, externs: dict[str, T.Extern]) -> str | None:
    """`name` in `externs`, else the one name there on the same semver track."""
    if name in externs:
        return name
    close = [other for other in externs if semver_compatible(name, other)]
    return close[0] if len(close) == 1 else None


def target_differences(component: T.ComponentType, world: T.ComponentType, world_name: str) -> list[str]:
    """Every way the component does not target the world, each naming the import or export
    and, for a type, the path to where it differs; empty when it does."""
    class TargetBindings(NameBindings):
        """A resource the world imports is one the component imports too (never one it
        defines and exports under the same name), and the other way round: which side of
        the component a resource is on must be the side of the world it stands for."""

        def same(self, actual: T.ResourceType, expected: T.ResourceType) -> bool:
            if Bindings.same(self, actual, expected):
                return True
            if (id(expected) in world_imported) != (id(actual) in component_imported):
                return False
            return super().same(actual, expected)

    def imported(externs: dict[str, T.Extern]) -> set[int]:
        return {id(x) for ext in externs.values() for x in T.walk(ext)
                if isinstance(x, T.ResourceType)}

    world_imported, component_imported = imported(world.imports), imported(component.imports)
    differences: list[str] = []
    # one set of bindings for the whole check: resources named in one import (`error` of
    # wasi:io/error) are the same resources where another uses them
    bindings = TargetBindings()
    for name, wanted in component.imports.items():
        offered = _find(name, world.imports)
        if offered is None:
            differences.append(f"import `{name}` is not an import of world `{world_name}`")
            continue
        mismatch = check_extern(world.imports[offered], wanted, bindings)
        if mismatch:
            differences.append(f"import `{name}`: the world's `{offered}` does not fit: {mismatch}")
    for name, wanted in world.exports.items():
        have = _find(name, component.exports)
        if have is None:
            differences.append(f"export `{name}` of world `{world_name}` is missing")
            continue
        mismatch = check_extern(component.exports[have], wanted, bindings)
        if mismatch:
            differences.append(f"export `{name}`: {mismatch}")
    return differences
