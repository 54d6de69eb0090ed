"""How every command's work is run and how it ends: each error the user can cause is a
`ComposerError`, printed as one line with exit status 1 (or its own); an interrupt is 130; a
closed output pipe ends quietly, 141; a bug of ours is one line saying so, status 70 (COMPOSER_DEBUG=1: the traceback). Usage errors
are click's (status 2).

And `--features`: the gated WebAssembly features every component is read with.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

import click

from ..errors import ComposerError
from .console import error_line, note_line


def run_command(body: Callable[[], Any], features: frozenset[str] = frozenset()) -> Any:
    """Run a command body, turning our errors into one line on stderr and an exit status;
    every component it reads is read with the gated `features` (`--features`) enabled."""
    from ..model.features import enabling

    try:
        with enabling(features):
            return body()
    except ComposerError as exc:
        first, *place = exc.shown()
        error_line(first)
        for line in place:
            click.echo(line, err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # whoever read our output has gone (`compose parse x.wac | head -1`): end quietly, as
        # a Unix tool killed by SIGPIPE does, rather than report a bug; stdout is pointed
        # at /dev/null so that flushing it at exit does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(128 + 13)  # 128 + SIGPIPE, the status a shell shows for `cat big | head -1`
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # a bug of ours: say so plainly
        if os.environ.get("COMPOSER_DEBUG"):
            raise
        note_line(f"internal error: {type(exc).__name__}: {exc} "
                  "(rerun with COMPOSER_DEBUG=1 for a traceback, and please report it)")
        sys.exit(70)


FEATURES_OPTION = click.option(
    "--features", "features", multiple=True, metavar="NAMES",
    help="Gated WebAssembly features to accept in components (comma-separated, or `all`), "
         "as `wasm-tools validate --features` names them.")


def feature_names(value: tuple[str, ...]) -> frozenset[str]:
    """`--features a,b` (repeatable) as the set of names given: for WIT, whose
    `@unstable(feature = ...)` names are the package author's own."""
    return frozenset(n.strip() for item in value for n in item.split(",") if n.strip())


def gated_features(value: tuple[str, ...], wit: bool = False) -> frozenset[str]:
    """`--features a,b` (repeatable; `all` for every gated feature) as the set of gated
    WebAssembly features, as `wasm-tools validate --features` reads it; with `wit`, names
    that are no such feature are WIT features, let through."""
    from ..model.features import ALL, ON_BY_DEFAULT, parse_features

    names = feature_names(value)
    if wit:
        names &= ALL | ON_BY_DEFAULT | {"all"}
    try:
        return parse_features(names)
    except ValueError as exc:
        raise click.UsageError(f"--features: {exc}") from None
