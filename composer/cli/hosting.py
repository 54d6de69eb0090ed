"""The commands of the embedded WASI 0.2 host: `compose run` (run a command component, or call
one of its functions) and `compose verify` (can a host run it?)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .checks import check_world, chosen_world, print_verify_report, report_targets
from .console import COLOR_OPTION, error_line
from .host_options import host_config, run_options
from .running import FEATURES_OPTION, gated_features, run_command


@click.command(
    "run", short_help="Run a component in the embedded WASI 0.2 host, or call one of its functions.",
    # compose's own options may come before or after COMPONENT (`run x.wasm --invoke ...`);
    # anything else goes to the component, and everything after `--` does.
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--invoke", metavar="'FUNC(ARGS)'",
              help="Call an exported function with WAVE arguments and print its result.")
@click.option("-q", "--quiet", is_flag=True, help="No progress while compiling; only errors.")
@run_options
@FEATURES_OPTION
@COLOR_OPTION
def run_cmd(component: Path, args: tuple[str, ...], invoke: str | None, quiet: bool,
            env: tuple[str, ...], inherit_env: bool, dirs: tuple[str, ...],
            timeout: float | None, max_memory: str | None, no_cache: bool,
            features: tuple[str, ...]) -> None:
    """Run a command component (wasi:cli/run) in the embedded WASI 0.2 host.

    Arguments after COMPONENT go to the component (after `--` when they look like options of
    compose run). It sees no directory and no environment unless granted with --dir and
    --env/--inherit-env. Exits with the component's status.
    """
    if invoke is not None and args:
        raise click.UsageError(f"--invoke passes its arguments inside the call "
                               f"(`--invoke 'f(1, \"a\")'`); unexpected: {' '.join(args)}")
    config = host_config(env, inherit_env, dirs, timeout, max_memory, no_cache, args,
                         program=component.name, progress=not quiet)
    run_command(lambda: _run_component(component, config, invoke), gated_features(features))


def _run_component(path: Path, config: Any, invoke: str | None) -> None:
    """Run (or call into) a component; exits with its status. A failed run is followed by
    a note on what the component was not granted that it could have used."""
    from ..host.execute import Host, RunError, invoke as call, ungranted

    host = Host(config)
    if invoke is not None:
        click.echo(call(host, path, invoke))
        return
    try:
        status = host.run(path)
    except RunError as exc:  # a trap: its line, then the notes
        if not ungranted(config, host.imports):
            raise
        error_line(exc.shown()[0])
        status = exc.exit_code
    sys.stdout.flush()
    if status:
        for note in ungranted(config, host.imports):
            error_line(note, "note")
        sys.exit(status)


@click.command("verify", short_help="Check that a WASI 0.2 host can run a component.")
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--world", metavar="WORLD",
              help="wasi:cli/command or wasi:http/proxy (default: inferred from the exports), "
                   "or a world of a WIT package: FILE.wit, DIR, FILE.wit:NAME.")
@click.option("--no-cache", is_flag=True, help="Do not use wasmtime's compilation cache.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing but errors (the exit status says it).")
@FEATURES_OPTION
@COLOR_OPTION
def verify_cmd(component: Path, world: str | None, no_cache: bool, quiet: bool,
               features: tuple[str, ...]) -> None:
    """Check that a WASI 0.2 host can run COMPONENT: its imports, limits, instantiation.

    The report is the command's output (stdout); a failing one goes to stderr.
    """
    run_command(lambda: _verify(component, world, no_cache, quiet), gated_features(features))


def _verify(path: Path, world: str | None, no_cache: bool, quiet: bool) -> None:
    from ..host.targeting import wit_world_reference
    from ..host.verify import verify

    wit = wit_world_reference(world) if world is not None else None
    if wit is not None:  # a world of a WIT package: the types are the check
        report_targets(path, chosen_world(*wit))
        return
    if world is not None:
        check_world(world)
    report = verify(path, world, cache=not no_cache, progress=not quiet)
    if not (quiet and report.ok):
        print_verify_report(report, path, to_stderr=not report.ok)
    if not report.ok:
        sys.exit(1)
