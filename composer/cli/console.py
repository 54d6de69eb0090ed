"""What the commands write for a person: whether to colour it (`--color`, NO_COLOR, a
terminal), error and warning lines, notes, and WIT on stdout.

Everything here is escaped as messages are (`printable`): a file name or a component's docs
may hold a line break or an escape sequence, never written raw to a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..errors import printable

# --color: None until given (then auto, always or never); NO_COLOR in the environment means
# never unless --color says otherwise (https://no-color.org).
_COLOR: list[str | None] = [None]


def reset_color() -> None:
    """Back to the default: each invocation starts from it (tests run several)."""
    _COLOR[0] = None


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:  # given before or after the command: either counts
        # wasm-tools' `always-ansi` (always, with ANSI escapes rather than the Windows
        # console's calls) is `always` here: ANSI escapes are all compose writes
        _COLOR[0] = "always" if value == "always-ansi" else value
    return value


def colour(stream: Any) -> bool:
    """Whether to colour what goes to `stream`."""
    mode = _COLOR[0] or ("never" if os.environ.get("NO_COLOR") else "auto")
    if mode == "auto":
        return stream.isatty()
    return mode == "always"


COLOR_OPTION = click.option(
    "--color", type=click.Choice(["auto", "always", "never", "always-ansi"]), expose_value=False,
    is_eager=True, callback=_set_color,
    help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always, never "
         "(always-ansi: always, as wasm-tools names it).")


def stdout_is_terminal() -> bool:
    """Whether what goes to stdout is for a person: coloured (see --color)."""
    return colour(sys.stdout)


def error_line(text: str, kind: str = "error") -> None:
    """`error: ...` or `warning: ...` on stderr, in one line whatever names `text` holds
    (`printable`), the label coloured when stderr may be."""
    label = f"{kind}:"
    if colour(sys.stderr):
        label = click.style(label, fg="red" if kind == "error" else "yellow", bold=True)
    click.echo(f"{label} {printable(text)}", err=True, color=colour(sys.stderr))


def note_line(text: str) -> None:
    """A line of explanation or progress on stderr, escaped as messages are."""
    click.echo(printable(text), err=True)


def print_wit(text: str) -> None:
    """WIT to stdout: as it is in a file or a pipe (as wasm-tools writes it); on a terminal
    each line escaped as messages are (a component's docs may hold anything), coloured
    unless --color never."""
    if sys.stdout.isatty():
        text = "\n".join(map(printable, text.split("\n")))
    if stdout_is_terminal():
        from .terminal import print_coloured_wit  # rich: imported only to colour

        print_coloured_wit(text)
    else:
        click.echo(text, nl=False)
