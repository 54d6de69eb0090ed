"""The `compose` command line.

`compose ROOT.wasm -d DEP.wasm -o OUT.wasm` composes (the flags of `wasm-tools compose`);
`compose inspect|...` are subcommands. Only click is imported at start-up: each command
imports what it needs when it runs, because `compose` runs once per Makefile target.

Every error the user can cause is a `ComposerError`: printed as one line, exit status 1
(usage errors: 2), never a traceback. Set COMPOSER_DEBUG=1 to see tracebacks of internal
errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from .errors import ComposerError


class ComposeGroup(click.Group):
    """A group whose default command is `compose` itself: `compose ROOT ...` composes."""

    default_command = "compose"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("compose", "ROOT.wasm [-d DEP.wasm]... [-o OUT.wasm] [OPTIONS]")
        formatter.write_usage("compose", "COMMAND [ARGS]...", prefix="       ")


@click.group(
    cls=ComposeGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=False,
)
@click.version_option(package_name="wasm-composer", prog_name="compose")
def cli() -> None:
    """A WebAssembly component composition linker.

    Plugs the exports of dependency components into the imports of a root component and
    writes one self-contained component.
    """


def run_command(body: Callable[[], Any]) -> Any:
    """Run a command body, turning our errors into one line on stderr and an exit status."""
    try:
        return body()
    except ComposerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # a bug of ours: say so plainly
        if os.environ.get("COMPOSER_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(rerun with COMPOSER_DEBUG=1 for a traceback, and please report it)",
            err=True,
        )
        sys.exit(70)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@cli.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def inspect_cmd(file: Path, as_json: bool) -> None:
    """Show a component's imports and exports with their types (WIT-like)."""

    def body() -> None:
        from .inspect import inspect_json, inspect_text
        from .load import load_component

        loaded = load_component(file)
        if as_json:
            import json

            click.echo(json.dumps(inspect_json(loaded), indent=2))
            return
        text = inspect_text(loaded)
        if _stdout_is_terminal():
            from .terminal import print_wit

            print_wit(text)
        else:
            click.echo(text, nl=False)

    run_command(body)


@cli.command("compose", hidden=True)
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-d", "--definitions", "dependencies", multiple=True, metavar="DEP.wasm",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A dependency whose exports satisfy imports of the root or of other "
                   "dependencies (repeatable).")
@click.option("-p", "--search-path", "search_paths", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Also look here for dependencies named after an import (repeatable).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path),
              help="A composition config (the YAML format of wasm-tools compose).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the composed component (default: stdout, not a terminal).")
@click.option("--no-imports", is_flag=True,
              help="Fail if an instance import is left for the host.")
@click.option("--skip-validation", is_flag=True, help="Do not check the composed component.")
@click.option("--import-components", is_flag=True,
              help="Import the components instead of embedding them.")
@click.option("--depfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Make rule naming every file the composition read.")
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Explain every matching decision.")
def compose_cmd(
    root: Path,
    dependencies: tuple[Path, ...],
    search_paths: tuple[Path, ...],
    config: Path | None,
    output: Path | None,
    no_imports: bool,
    skip_validation: bool,
    import_components: bool,
    depfile: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Compose ROOT with its dependencies into one component."""
    if output is None and sys.stdout.isatty():
        raise click.UsageError(
            "refusing to write a binary component to a terminal; use -o OUT.wasm or redirect"
        )
    if depfile is not None and output is None:
        raise click.UsageError("--depfile needs -o: a Make rule needs a target file")

    def body() -> None:
        from .compose import CompositionFailed, compose, depfile_text, write_atomically

        try:
            result = compose(
                root, list(dependencies), search_paths=list(search_paths), config=config,
                no_imports=no_imports, skip_validation=skip_validation,
                import_components=import_components,
            )
        except CompositionFailed as exc:
            if verbose:
                for line in exc.plan.explanations:
                    click.echo(f"  {line}", err=True)
            raise
        if verbose:
            for line in result.explanations:
                click.echo(f"  {line}", err=True)
        if not quiet:
            for warning in result.warnings:
                click.echo(f"warning: {warning}", err=True)
        if output is None:
            sys.stdout.buffer.write(result.data)
            sys.stdout.buffer.flush()
            return
        write_atomically(output, result.data)
        if depfile is not None:
            write_atomically(depfile, depfile_text(output, result.files_read).encode())
        if verbose:
            click.echo(f"wrote {output} ({len(result.data):,} bytes)", err=True)

    run_command(body)


def main() -> None:
    cli(prog_name="compose")
