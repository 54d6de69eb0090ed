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
from functools import partial
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


def _features(value: tuple[str, ...]) -> frozenset[str]:
    """`--features a,b` (repeatable; `all` for every gated feature) as a set."""
    from .elaborate import FEATURES

    names = {n.strip() for item in value for n in item.split(",") if n.strip()}
    if "all" in names:
        return FEATURES
    unknown = sorted(names - FEATURES)
    if unknown:
        raise click.UsageError(f"--features: unknown feature `{unknown[0]}` (known: all, "
                               f"{', '.join(sorted(FEATURES))})")
    return frozenset(names)


_FEATURES_OPTION = click.option(
    "--features", "features", multiple=True, metavar="NAMES",
    help="Gated component model features to accept (comma-separated, or `all`), as "
         "`wasm-tools validate --features` names them.")


@cli.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@_FEATURES_OPTION
def inspect_cmd(file: Path, as_json: bool, features: tuple[str, ...]) -> None:
    """Show a component's imports and exports with their types (WIT-like)."""
    enabled = _features(features)

    def body() -> None:
        from .inspect import inspect_json, inspect_text
        from .load import load_component

        loaded = load_component(file, features=enabled)
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


def _host_options(f: Callable) -> Callable:
    """The options of the embedded host, shared by `run` and `compose --run`."""
    options = [
        click.option("--env", "env", multiple=True, metavar="K=V",
                     help="Set an environment variable for the component (repeatable)."),
        click.option("--inherit-env", is_flag=True, help="Pass this process's environment on."),
        click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
                     help="Grant a host directory, seen by the component as GUEST (repeatable)."),
        click.option("--timeout", type=float, metavar="SECONDS",
                     help="Stop the component after this long."),
        click.option("--max-memory", metavar="SIZE",
                     help="Largest linear memory the component may have (64M, 1G, ...)."),
        click.option("--no-cache", is_flag=True, help="Do not use wasmtime's compilation cache."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _host_config(env: tuple[str, ...], inherit_env: bool, dirs: tuple[str, ...],
                 timeout: float | None, max_memory: str | None, no_cache: bool,
                 args: tuple[str, ...] = (), program: str = "component",
                 progress: bool = True) -> Any:
    from .execute import HostConfig, parse_size

    pairs = []
    for item in env:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise click.UsageError(f"--env {item}: expected KEY=VALUE")
        pairs.append((key, value))
    grants = []
    for item in dirs:
        host, sep, guest = item.partition("::")
        grants.append((host, guest if sep else host))
    limit = None
    if max_memory is not None:
        try:
            limit = parse_size(max_memory)
        except ValueError as exc:
            raise click.UsageError(f"--max-memory: {exc}") from None
    if timeout is not None and timeout <= 0:
        raise click.UsageError("--timeout must be more than 0 seconds")
    return HostConfig(
        args=tuple(args), env=tuple(pairs), inherit_env=inherit_env, dirs=tuple(grants),
        timeout=timeout, max_memory=limit, cache=not no_cache, program=program,
        progress=progress,
    )


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
@click.option("--verify", "verify_after", is_flag=True,
              help="Check the output as `compose verify` does before writing it.")
@click.option("--world", metavar="WORLD",
              help="With --verify: wasi:cli/command or wasi:http/proxy (default: inferred).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help="Also write the composition report (format from the suffix: .html, .dot, "
                   ".mmd, .json, .txt), even when the composition fails.")
@click.option("--run", "run_after", is_flag=True,
              help="Run the output (wasi:cli/run) before writing it; its exit status is "
                   "compose's, and the output is written only if it exits 0.")
@_host_options
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
    verify_after: bool,
    world: str | None,
    report_path: Path | None,
    run_after: bool,
    env: tuple[str, ...],
    inherit_env: bool,
    dirs: tuple[str, ...],
    timeout: float | None,
    max_memory: str | None,
    no_cache: bool,
) -> None:
    """Compose ROOT with its dependencies into one component."""
    if world is not None:
        if not verify_after:
            raise click.UsageError("--world goes with --verify")
        _check_world(world)
    if (verify_after or run_after) and output is None:
        raise click.UsageError("--verify and --run need -o: they check the file before it is written")
    host_config = None
    if run_after:
        host_config = _host_config(env, inherit_env, dirs, timeout, max_memory, no_cache,
                                   program=output.name if output else "component",
                                   progress=not quiet)
    elif env or inherit_env or dirs or timeout is not None or max_memory is not None:
        raise click.UsageError("--env, --inherit-env, --dir, --timeout and --max-memory go with --run")
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
            if report_path is not None:
                _write_report_of_plan(exc.plan, report_path)
            raise
        if report_path is not None:
            _write_report_of_plan(result.plan, report_path)
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
        check = None
        if verify_after or host_config is not None:
            check = partial(_check_output, verify=verify_after, world=world,
                            host_config=host_config, output=output, no_cache=no_cache,
                            progress=not quiet)
        write_atomically(output, result.data, check)
        if depfile is not None:
            write_atomically(depfile, depfile_text(output, result.files_read).encode())
        if verbose:
            click.echo(f"wrote {output} ({len(result.data):,} bytes)", err=True)

    run_command(body)


def _run_component(path: Path, config: Any, invoke: str | None) -> None:
    """Run (or call into) a component; exits with its status."""
    from .execute import Host, invoke as call

    host = Host(config)
    if invoke is not None:
        click.echo(call(host, path, invoke))
        return
    status = host.run(path)
    sys.stdout.flush()
    if status:
        sys.exit(status)


@cli.command(
    "run",
    # compose's own options may come before or after COMPONENT (`run x.wasm --invoke ...`);
    # anything else goes to the component, and everything after `--` does.
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
)
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--invoke", metavar="'FUNC(ARGS)'",
              help="Call an exported function with WAVE arguments and print its result.")
@_host_options
def run_cmd(component: Path, args: tuple[str, ...], invoke: str | None, env: tuple[str, ...],
            inherit_env: bool, dirs: tuple[str, ...], timeout: float | None,
            max_memory: str | None, no_cache: bool) -> None:
    """Run a command component (wasi:cli/run) in the embedded WASI 0.2 host.

    Arguments after COMPONENT go to the component (after `--` when they look like options of
    compose run). It sees no directory and no environment unless granted with --dir and
    --env/--inherit-env. Exits with the component's status.
    """
    config = _host_config(env, inherit_env, dirs, timeout, max_memory, no_cache, args,
                          program=component.name)
    run_command(lambda: _run_component(component, config, invoke))


@cli.command("verify")
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--world", metavar="WORLD",
              help="wasi:cli/command or wasi:http/proxy (default: inferred from the exports).")
@click.option("--no-cache", is_flag=True, help="Do not use wasmtime's compilation cache.")
def verify_cmd(component: Path, world: str | None, no_cache: bool) -> None:
    """Check that a WASI 0.2 host can run COMPONENT: its imports, limits, instantiation."""
    run_command(lambda: _verify(component, world, no_cache))


def _check_world(world: str) -> None:
    from .verify import world_named

    try:
        world_named(world)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _verify(path: Path, world: str | None, no_cache: bool) -> None:
    from .verify import verify

    if world is not None:
        _check_world(world)
    report = verify(path, world, cache=not no_cache, progress=True)
    _print_report(report, path)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any, path: Path) -> None:
    how = "inferred from its exports" if report.inferred else "as asked"
    echo = partial(click.echo, err=not report.ok)
    echo(f"{path}: checked against {report.world.name} ({how})")
    for check in report.imports:
        mark = "ok     " if check.problem is None else "MISSING"
        echo(f"  {mark} import {check.name} ({check.sort})"
             + ("" if check.problem is None else f": {check.problem}"))
    for problem in report.problems:
        echo(f"  FAILED  {problem}")
    if not report.ok:
        count = len(report.missing) + len(report.problems)
        echo(f"failed: {count} problem{'s' if count != 1 else ''}")
    elif report.instantiated:
        echo(f"ok: instantiates in the embedded host; {len(report.imports)} imports, all provided")
    else:
        echo(f"ok: {len(report.imports)} imports, all provided; running it is the last check")


def _check_output(tmp: Path, *, verify: bool, world: str | None, host_config: Any,
                  output: Path, no_cache: bool, progress: bool) -> None:
    """`compose --verify/--run`: check the complete output file before it is renamed into
    place; raising leaves nothing written."""
    if verify:
        from .verify import verify as check

        # with --run the run instantiates it: compiling it twice would only cost time
        report = check(tmp, world, cache=not no_cache, instantiate=host_config is None,
                       progress=progress)
        _print_report(report, output)
        if not report.ok:
            raise ComposerError("fails verification; not written", file=str(output))
    if host_config is not None:
        from .execute import Host

        status = Host(host_config).run(tmp)
        sys.stdout.flush()
        if status:
            click.echo(f"error: {output}: the composed component exited with status {status}; "
                       "not written", err=True)
            sys.exit(status)


_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".dot": "dot", ".gv": "dot",
                   ".mmd": "mermaid", ".mermaid": "mermaid", ".json": "json", ".txt": "tree"}


def _format_for(path: Path | None, given: str | None) -> str:
    if given:
        return given
    if path is not None:
        return _SUFFIX_FORMATS.get(path.suffix.lower(), "html")
    return "tree"


def _write_report_of_plan(plan: Any, path: Path) -> None:
    from .compose import write_atomically
    from .report import render
    from .report.model import from_plan

    text = render(from_plan(plan), _format_for(path, None))
    write_atomically(path, text.encode())


@cli.command("graph")
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-d", "--definitions", "dependencies", multiple=True, metavar="DEP.wasm",
              type=click.Path(dir_okay=False, path_type=Path), help="A dependency (repeatable).")
@click.option("-p", "--search-path", "search_paths", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Also look here for dependencies named after an import (repeatable).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path),
              help="A composition config (the YAML format of wasm-tools compose).")
@click.option("-f", "--format", "fmt", type=click.Choice(["html", "dot", "mermaid", "json", "tree"]),
              help="Output format (default: from the -o suffix, else a tree).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (default: stdout).")
@click.option("--composed", is_flag=True,
              help="ROOT is an already composed component: draw its wiring (the default when "
                   "no dependency, search path or config is given and ROOT instantiates components).")
def graph_cmd(root: Path, dependencies: tuple[Path, ...], search_paths: tuple[Path, ...],
              config: Path | None, fmt: str | None, output: Path | None, composed: bool) -> None:
    """Draw what a composition wires to what (before, instead of, or after composing).

    With dependencies, the composition plan of ROOT is drawn, failures included (exit 1 when
    the composition would fail). A composed component alone is read back and drawn.
    """
    fmt = _format_for(output, fmt)

    def body() -> None:
        from .load import load_component
        from .report import render
        from .report.composed import from_composed, instantiates_components
        from .report.model import from_plan

        report = None
        if composed or not (dependencies or search_paths or config):
            loaded = load_component(root)
            if composed or instantiates_components(loaded):
                report = from_composed(loaded)
        if report is None:
            from .compose import plan_composition

            report = from_plan(plan_composition(root, list(dependencies),
                                                search_paths=list(search_paths), config=config))
        if output is None and fmt == "tree" and _stdout_is_terminal():
            from .report.tree import print_tree

            print_tree(report)
        else:
            text = render(report, fmt)
            if output is None:
                click.echo(text, nl=False)
            else:
                from .compose import write_atomically

                write_atomically(output, text.encode())
        if not report.ok:
            for problem in report.problems:
                click.echo(f"error: {problem.message}", err=True)
            sys.exit(1)

    run_command(body)


def main() -> None:
    import gc

    # One command, then exit: the cyclic collector's passes over the many small records a
    # large composition makes cost a third of its time and free next to nothing (the model
    # has few cycles), so it is off for the process's short life.
    gc.disable()
    cli(prog_name="compose")
