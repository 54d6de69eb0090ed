"""What the commands that check a component share (`verify`, `targets`, `compose --verify`):
the world named by `--world`, and the verdicts printed.

Which world and whether the component targets it is the library's (`host/targeting.py`,
`host/verifytext.py`); here are its usage errors and its lines on the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import printable
from .console import error_line, note_line

if TYPE_CHECKING:
    from ..text.wit.model import World


def check_world(world: str) -> None:
    """`--world NAME`: a world the embedded host knows, else a usage error."""
    from ..host.verify import world_named

    if ".wit" in world:  # meant as a WIT file, which is not there
        raise click.UsageError(f"--world {world}: no such WIT file or folder")
    try:
        world_named(world)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def chosen_world(path: Path, name: str | None, features: frozenset[str] = frozenset()) -> World:
    """The world called `name` (or the only one) of the WIT package at `path`; when it has
    several, choosing one is the user's (a usage error)."""
    from ..host.targeting import NoWorldChosen, wit_world

    try:
        return wit_world(path, name, features)
    except NoWorldChosen as exc:
        raise click.UsageError(f"{path}: choose a world with --world (it has "
                               f"{', '.join(exc.worlds) or 'none'})") from None


def report_targets(component: Path, world: World, features: frozenset[str] = frozenset()) -> None:
    """Exit 1 naming each way `component` does not target `world` (a WIT world)."""
    from ..host.targeting import target_differences_of

    differences = target_differences_of(component, world, features)
    for difference in differences:
        error_line(f"{component}: {difference}")
    if differences:
        sys.exit(1)
    note_line(f"{component} targets world `{world.name}`")


def print_verify_report(report: Any, path: Path, to_stderr: bool, brief: bool = False) -> None:
    """A verify report on the component shown as `path`, to stdout or stderr; `brief`: its
    first and last lines only (what was checked, the verdict), for a check that passed on
    every build of a Makefile."""
    from ..host.verifytext import report_lines

    lines = report_lines(report, path)
    for line in (lines[:1] + lines[-1:] if brief and len(lines) > 2 else lines):
        click.echo(printable(line), err=to_stderr)
