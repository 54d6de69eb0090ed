"""Which world of a WIT package a component is checked against, and whether it targets it
(`compose targets`, `compose verify --world FILE.wit`).

A world is referred to by its package's file or folder, and by its name when the package has
more than one: `FILE.wit`, `DIR`, `FILE.wit:NAME`. The check itself is the type model's
(`model/targets.py`); here the component and the world are read for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ComposerError

if TYPE_CHECKING:
    from ..text.witmodel import World


class NoWorldChosen(Exception):
    """A world was to be chosen by name: the package has none, or more than one (`worlds`)."""

    def __init__(self, path: Path, worlds: list[str]) -> None:
        super().__init__(f"{path}: no world chosen (it has {', '.join(worlds) or 'none'})")
        self.path = path
        self.worlds = worlds


def wit_world_reference(value: str) -> tuple[Path, str | None] | None:
    """`FILE.wit`, `DIR` or `FILE.wit:NAME` as the package's path and the world's name (None:
    the only one); None when `value` names no file (a world the host knows by name)."""
    if Path(value).exists():
        return Path(value), None
    head, sep, name = value.rpartition(":")
    if sep and Path(head).exists():
        return Path(head), name
    return None


def wit_world(path: Path, name: str | None, features: frozenset[str] = frozenset()) -> World:
    """The world called `name` (or the only one: else NoWorldChosen) of the WIT package at
    `path`, read with the WIT `features` enabled; `ns:pkg/world@v` names it too."""
    from ..text.witparse import read_wit

    resolved = read_wit(path, features)
    package = resolved.package(resolved.main)
    worlds = [w.name for w in package.worlds]
    if name is None:
        if len(worlds) != 1:
            raise NoWorldChosen(path, worlds)
        name = worlds[0]
    short = name.rpartition("/")[2].split("@")[0]
    world = package.world(short)
    if world is None:
        raise ComposerError(f"no world `{name}` in package {package.name} (it has "
                            f"{', '.join(worlds) or 'none'})", file=str(path))
    return world


def target_differences_of(component: Path, world: World,
                          features: frozenset[str] = frozenset()) -> list[str]:
    """Every way the component at `component` (read with the gated `features`) does not
    target `world` (a WIT world); empty when it does."""
    from ..model.load import load_component
    from ..model.targets import target_differences
    from ..model.types import ComponentType

    scope = load_component(component, features=features).scope
    mine = ComponentType(dict(scope.imports), dict(scope.exports))
    return target_differences(mine, world.component_type, world.name)  # type: ignore[arg-type]
