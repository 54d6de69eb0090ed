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
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from .errors import ComposerError, printable


# --color: None until given (then auto, always or never); NO_COLOR in the environment means
# never unless --color says otherwise (https://no-color.org).
_COLOR: list[str | None] = [None]


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:  # given before or after the command: either counts
        _COLOR[0] = value
    return value


def colour(stream: Any) -> bool:
    """Whether to colour what goes to `stream`."""
    mode = _COLOR[0] or ("never" if os.environ.get("NO_COLOR") else "auto")
    if mode == "auto":
        return stream.isatty()
    return mode == "always"


_COLOR_OPTION = click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), expose_value=False,
    is_eager=True, callback=_set_color,
    help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always, never.")


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


class _DefaultContext(click.Context):
    """The context of the default command: messages name it `compose`, as it is typed, not
    `compose compose`."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else "compose"


class ComposeGroup(click.Group):
    """A group whose default command is `compose` itself: `compose ROOT ...` composes."""

    default_command = "compose"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with _printable_usage():
            return self._parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with _printable_usage():  # the commands' own usage errors
            return super().invoke(ctx)

    def _parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _COLOR[0] = None  # each invocation starts from the default (tests run several)
        # the group's own options (--color) may come first, and --features, which is the
        # command's (moved after it); the first other word is a command, or else the root
        # component of the default command
        head: list[str] = []
        moved: list[str] = []
        i = 0
        while i < len(args) and args[i].split("=")[0] in ("--color", "--features"):
            n = 1 if "=" in args[i] else 2
            (moved if args[i].startswith("--features") else head).extend(args[i:i + n])
            i += n
        rest = args[i:]
        if rest and rest[0] in self.commands:
            args = [*head, rest[0], *moved, *rest[1:]]
        elif rest and rest[0] not in ("--help", "-h", "--version", "-V"):
            _refuse_misspelt_command(ctx, rest[0], self.commands)
            args = [*head, self.default_command,
                    *_long_options(self.commands[self.default_command], [*moved, *rest])]
        elif moved and not rest:  # `compose --features all`: composing, with no root
            args = [*head, self.default_command, *moved]
        else:  # --help, --version: what --features would apply to is not run
            args = [*head, *rest]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("compose", "ROOT.wasm [-d DEP.wasm]... [-o OUT.wasm] [OPTIONS]")
        formatter.write_usage("compose", "FILE.wac [--deps-dir DIR] [-o OUT.wasm] [OPTIONS]",
                              prefix="       ")
        formatter.write_usage("compose", "COMMAND [ARGS]...", prefix="       ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # composing is what `compose` is for: its options first, then the group's own, then
        # the other commands one line each
        command = self.commands[self.default_command]
        sub = _DefaultContext(command, info_name=self.default_command, parent=ctx)
        shared = {"color", *ctx.help_option_names}  # listed once, under Options
        rows = [r for p in command.get_params(sub)
                if isinstance(p, click.Option) and not shared & {p.name, *p.opts}
                for r in [p.get_help_record(sub)] if r is not None]
        with formatter.section("Composing options"):
            formatter.write_dl(rows)
        super().format_options(ctx, formatter)


@contextmanager
def _printable_usage() -> Iterator[None]:
    """Usage errors (click's own too) quote what was typed: a file name may hold a newline
    or an escape sequence, shown escaped as in every other message."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = printable(exc.message)
        raise


def _long_options(command: click.Command, args: list[str]) -> list[str]:
    """`args` with the command's one-letter options spelt long (`-d` as `--definitions`).

    The same options to click, but click tries every `-x` as a long option first and builds
    a "no such option" error, with spelling suggestions, before trying it as a short one:
    with a `-d` per dependency, a composition of a thousand components spent a tenth of its
    time there."""
    short: dict[str, str] = {}
    takes_value: set[str] = set()
    for p in command.params:
        if isinstance(p, click.Option):
            long = next((o for o in p.opts if o.startswith("--")), None)
            for o in p.opts:
                if long is not None and len(o) == 2 and o[0] == "-" and o[1] != "-":
                    short[o] = long
            if not p.is_flag:
                takes_value.update(p.opts)
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return out + args[i:]
        if arg in takes_value:  # with its value, whatever that looks like
            if i + 1 == len(args):  # no value: click's error names the option as typed
                return out + [arg]
            out += [short.get(arg, arg), args[i + 1]]
            i += 2
            continue
        out.append(short.get(arg, arg))
        i += 1
    return out


def _refuse_misspelt_command(ctx: click.Context, word: str, commands: dict[str, click.Command]) -> None:
    """`compose inpsect x.wasm`: a word that is no file and reads like a command's name is a
    misspelt command, not a root component."""
    import difflib

    if word.startswith("-") or "." in word or "/" in word or os.path.exists(word):
        return
    visible = [name for name, c in commands.items() if not c.hidden]
    close = difflib.get_close_matches(word, visible, n=1, cutoff=0.6)
    if close:
        raise click.UsageError(f"no such command `{word}` (and no such file); did you mean "
                               f"`{close[0]}`?", ctx)


@click.group(
    cls=ComposeGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=False,
)
@click.version_option(None, "-V", "--version", package_name="wasm-composer", prog_name="compose")
@_COLOR_OPTION
def cli() -> None:
    """A WebAssembly component composition linker.

    Plugs the exports of dependency components into the imports of a root component and
    writes one self-contained component; or composes what a WAC document (FILE.wac) says.
    """


def run_command(body: Callable[[], Any], features: frozenset[str] = frozenset()) -> Any:
    """Run a command body, turning our errors into one line on stderr and an exit status;
    every component it reads is read with the gated `features` (`--features`) enabled."""
    from .model.features import enabling

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
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # a bug of ours: say so plainly
        if os.environ.get("COMPOSER_DEBUG"):
            raise
        note_line(f"internal error: {type(exc).__name__}: {exc} "
                  "(rerun with COMPOSER_DEBUG=1 for a traceback, and please report it)")
        sys.exit(70)


def _stdout_is_terminal() -> bool:
    """Whether what goes to stdout is for a person: coloured (see --color)."""
    return colour(sys.stdout)


def _feature_names(value: tuple[str, ...]) -> frozenset[str]:
    """`--features a,b` (repeatable) as the set of names given: for WIT, whose
    `@unstable(feature = ...)` names are the package author's own."""
    return frozenset(n.strip() for item in value for n in item.split(",") if n.strip())


def _features(value: tuple[str, ...], wit: bool = False) -> frozenset[str]:
    """`--features a,b` (repeatable; `all` for every gated feature) as the set of gated
    WebAssembly features, as `wasm-tools validate --features` reads it; with `wit`, names
    that are no such feature are WIT features, let through."""
    from .model.features import ALL, ON_BY_DEFAULT, parse_features

    names = _feature_names(value)
    if wit:
        names &= ALL | ON_BY_DEFAULT | {"all"}
    try:
        return parse_features(names)
    except ValueError as exc:
        raise click.UsageError(f"--features: {exc}") from None


_FEATURES_OPTION = click.option(
    "--features", "features", multiple=True, metavar="NAMES",
    help="Gated WebAssembly features to accept in components (comma-separated, or `all`), "
         "as `wasm-tools validate --features` names them.")


@cli.command("inspect", short_help="Show a component or a WIT package as WIT.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@_FEATURES_OPTION
@_COLOR_OPTION
def inspect_cmd(file: Path, as_json: bool, features: tuple[str, ...]) -> None:
    """Show FILE as WIT: a component (.wasm or .wat) as its world and the packages it uses, as
    `wasm-tools component wit` prints it; a .wit file or a package folder read and printed
    back. --json: a component's imports and exports as JSON."""
    is_wit = file.is_dir() or file.suffix == ".wit"
    # a component may be a WIT package in binary form: WIT feature names are let through
    enabled = _feature_names(features) if is_wit else _features(features, wit=True)

    def body() -> None:
        from .text.inspect import inspect_json, inspect_text, inspect_wit
        from .model.load import load_component

        if is_wit:
            if as_json:
                raise click.UsageError("--json describes components; a WIT package prints as WIT")
            _print_wit(inspect_wit(file, enabled))
            return
        loaded = load_component(file, features=enabled)
        if as_json:
            import json

            click.echo(json.dumps(inspect_json(loaded), indent=2))
            return
        _print_wit(inspect_text(loaded))

    run_command(body, frozenset() if is_wit else enabled)


def _print_wit(text: str) -> None:
    """WIT to stdout: as it is in a file or a pipe (as wasm-tools writes it); on a terminal
    each line escaped as messages are (a component's docs may hold anything), coloured
    unless --color never."""
    if sys.stdout.isatty():
        text = "\n".join(map(printable, text.split("\n")))
    if _stdout_is_terminal():
        from .terminal import print_wit

        print_wit(text)
    else:
        click.echo(text, nl=False)


@cli.command("parse", short_help="Print the syntax tree of a WAC document as JSON.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def parse_cmd(file: Path) -> None:
    """Print the syntax tree of the WAC document FILE as JSON, in the shape of wac-parser's
    dump of its AST; a syntax error is reported with its place, exit status 1."""

    def body() -> None:
        from .text.wacparse import read_wac
        from .text.wacparse.jsontext import write_document_json

        doc = read_wac(file)
        write_document_json(doc, sys.stdout.write)
        sys.stdout.write("\n")

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
    from .host.execute import HostConfig, parse_size

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
@click.option("--plug", "plugs", multiple=True, metavar="IMPORT=DEP.wasm",
              help="Satisfy IMPORT with DEP.wasm's export of it (or of a semver-compatible "
                   "version), whatever else offers it; DEP.wasm is a dependency (repeatable).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path),
              help="A composition config (the YAML format of wasm-tools compose).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write the composed component (`-` or none: stdout, never a terminal).")
@click.option("--no-imports", is_flag=True,
              help="Fail if an instance import is left for the host.")
@click.option("--skip-validation", is_flag=True, help="Do not check the composed component.")
@click.option("--import-components", is_flag=True,
              help="Import the components instead of embedding them.")
@click.option("--depfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Make rule naming every file the composition read.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing but errors: no warnings, no --verify report, no progress.")
@click.option("-v", "--verbose", is_flag=True, help="Explain every matching decision.")
@click.option("--verify", "verify_after", is_flag=True,
              help="Check the output as `compose verify` does before writing it.")
@click.option("--world", metavar="WORLD",
              help="With --verify: wasi:cli/command or wasi:http/proxy (default: inferred).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help="Also write the composition report (format from the suffix: .html, .svg, "
                   ".png, .dot, .mmd, .json, .txt), even when the composition fails.")
@click.option("--run", "run_after", is_flag=True,
              help="Run the output (wasi:cli/run) before writing it; its exit status is "
                   "compose's, and the output is written only if it exits 0.")
@click.option("--deps-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="For a .wac ROOT: where packages are found (ns/name.wasm, .wat, a WIT "
                   "folder ns/name/, ns/name.wit; default: ./deps).")
@click.option("--dep", "deps", multiple=True, metavar="NS:NAME=PATH",
              help="For a .wac ROOT: the file of a package (repeatable).")
@click.option("--import-dependencies", is_flag=True,
              help="For a .wac ROOT: import the packages instead of embedding them.")
@_host_options
@_FEATURES_OPTION
@_COLOR_OPTION
def compose_cmd(
    root: Path,
    dependencies: tuple[Path, ...],
    search_paths: tuple[Path, ...],
    config: Path | None,
    plugs: tuple[str, ...],
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
    deps_dir: Path | None,
    deps: tuple[str, ...],
    import_dependencies: bool,
    env: tuple[str, ...],
    inherit_env: bool,
    dirs: tuple[str, ...],
    timeout: float | None,
    max_memory: str | None,
    no_cache: bool,
    features: tuple[str, ...],
) -> None:
    """Compose ROOT with its dependencies into one component (ROOT a component, or a WAC
    document: FILE.wac)."""
    enabled = _features(features)
    wac = root.suffix == ".wac"
    _check_wac_options(wac, dependencies=dependencies, search_paths=search_paths, config=config,
                       plugs=plugs, no_imports=no_imports, import_components=import_components,
                       deps_dir=deps_dir, deps=deps, import_dependencies=import_dependencies)
    dep_map = _dep_files(deps)
    plug_map = _plugs(plugs)
    if world is not None:
        if not verify_after:
            raise click.UsageError("--world goes with --verify")
        _check_world(world)
    host_config = _composing_checks(output, depfile, report_path, run_after, env, inherit_env,
                                    dirs, timeout, max_memory, no_cache, quiet)

    def body() -> None:
        from .link.compose import compose, compose_document

        if wac:
            make = partial(compose_document, root, deps_dir=deps_dir, dependencies=dep_map,
                           skip_validation=skip_validation,
                           import_dependencies=import_dependencies, check_when_written=True)
        else:
            make = partial(compose, root, list(dependencies), search_paths=list(search_paths),
                           config=config, no_imports=no_imports, skip_validation=skip_validation,
                           import_components=import_components, plugs=plug_map,
                           check_when_written=True)
        _deliver(make, root,
                 output, depfile=depfile, report_path=report_path, quiet=quiet,
                 verbose=verbose, verify_after=verify_after, world=world,
                 host_config=host_config, no_cache=no_cache)

    run_command(body, enabled)


compose_cmd.context_class = _DefaultContext


def _deliver(make: Callable[[], Any], root: Path, output: Path | None, *, depfile: Path | None,
             report_path: Path | None, quiet: bool, verbose: bool, verify_after: bool,
             world: str | None, host_config: Any, no_cache: bool) -> None:
    """What every composing command does with the composition `make()` makes: the report
    (also of a failed one), the explanations and warnings, the checks (--verify, --run),
    then the output and its depfile, written atomically (nothing when a check fails)."""
    from .link.compose import CompositionFailed, depfile_text, write_atomically

    try:
        result = make()
    except CompositionFailed as exc:
        if verbose:
            for line in exc.plan.explanations:
                note_line(f"  {line}")
        if report_path is not None:
            _write_report_of_plan(exc.plan, report_path)
        for problem in exc.plan.problems:  # one line each
            error_line(problem.message)
        sys.exit(exc.exit_code)
    except ComposerError as exc:  # an input that cannot be read: the report says so too
        if report_path is not None:
            from .report.planned import from_error

            _write_report(from_error(root, exc), report_path)
        raise
    if report_path is not None:
        _write_report_of_plan(result.plan, report_path)
    if verbose:
        for line in result.explanations:
            note_line(f"  {line}")
    if not quiet:
        for warning in result.warnings:
            error_line(warning, "warning")
    check = None
    if verify_after or host_config is not None:
        check = partial(_check_output, verify=verify_after, world=world,
                        host_config=host_config, output=output or Path("-"),
                        no_cache=no_cache, progress=not quiet)
    if output is None or str(output) == "-":
        _write_stdout(result.data, check)
        return
    result.write(output, check)
    if depfile is not None:
        write_atomically(depfile, depfile_text(output, result.files_read).encode())
    if verbose:
        note_line(f"wrote {output} ({result.size:,} bytes)")


@cli.command("plug", short_help="Plug the exports of components into a socket's imports (as wac plug).")
@click.argument("socket", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plug", "plugs", multiple=True, required=True, metavar="PLUG.wasm",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A component whose exports satisfy the socket's imports of the same "
                   "names (repeatable; a plug's own imports may be plugged by another plug).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write the composed component (`-` or none: stdout, never a terminal).")
@click.option("--skip-validation", is_flag=True, help="Do not check the composed component.")
@click.option("--depfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Make rule naming every file the composition read.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Explain every matching decision.")
@click.option("--verify", "verify_after", is_flag=True,
              help="Check the output as `compose verify` does before writing it.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write the composition report (format from the suffix).")
@click.option("--run", "run_after", is_flag=True,
              help="Run the output (wasi:cli/run) before writing it.")
@_host_options
@_FEATURES_OPTION
@_COLOR_OPTION
def plug_cmd(socket: Path, plugs: tuple[Path, ...], output: Path | None, skip_validation: bool,
             depfile: Path | None, quiet: bool, verbose: bool, verify_after: bool,
             report_path: Path | None, run_after: bool, env: tuple[str, ...], inherit_env: bool,
             dirs: tuple[str, ...], timeout: float | None, max_memory: str | None,
             no_cache: bool, features: tuple[str, ...]) -> None:
    """Plug the exports of each PLUG into the imports of SOCKET of the same name (or a
    semver-compatible one), and export what SOCKET exports: `wac plug`'s command line, on the
    plugging of `compose SOCKET -d PLUG...`."""
    enabled = _features(features)
    host_config = _composing_checks(output, depfile, report_path, run_after, env, inherit_env,
                                    dirs, timeout, max_memory, no_cache, quiet)

    def body() -> None:
        from .link.compose import compose

        # (a plug that satisfies nothing is refused by compose: an unused dependency)
        _deliver(lambda: compose(socket, list(plugs), skip_validation=skip_validation,
                                 check_when_written=True),
                 socket, output, depfile=depfile, report_path=report_path, quiet=quiet,
                 verbose=verbose, verify_after=verify_after, world=None,
                 host_config=host_config, no_cache=no_cache)

    run_command(body, enabled)


def _composing_checks(output: Path | None, depfile: Path | None, report_path: Path | None,
                      run_after: bool, env: tuple[str, ...], inherit_env: bool,
                      dirs: tuple[str, ...], timeout: float | None, max_memory: str | None,
                      no_cache: bool, quiet: bool) -> Any:
    """The usage checks every composing command makes before reading anything; the host
    configuration for --run (None without it)."""
    to_stdout = output is None or str(output) == "-"
    if run_after and to_stdout:
        raise click.UsageError("--run needs -o FILE: the program's own output goes to stdout")
    host_config = None
    if run_after:
        host_config = _host_config(env, inherit_env, dirs, timeout, max_memory, no_cache,
                                   program=output.name if output else "component",
                                   progress=not quiet)
    elif env or inherit_env or dirs or timeout is not None or max_memory is not None:
        raise click.UsageError("--env, --inherit-env, --dir, --timeout and --max-memory go with --run")
    if to_stdout and sys.stdout.isatty():
        raise click.UsageError(
            "refusing to write a binary component to a terminal; use -o OUT.wasm or redirect"
        )
    if depfile is not None and to_stdout:
        raise click.UsageError("--depfile needs -o FILE: a Make rule needs a target file")
    if report_path is not None:
        _format_for(report_path, None, "--report")  # an unknown suffix is a usage error now
    return host_config


def _check_wac_options(wac: bool, **given: Any) -> None:
    """The options of `-d` compositions and those of WAC documents do not mix."""
    wac_only = ("deps_dir", "deps", "import_dependencies")
    for name, value in given.items():
        if value in (None, False, ()) or (name in wac_only) == wac:
            continue
        flag = "--" + name.replace("_", "-")
        flag = {"--dependencies": "-d", "--search-paths": "-p", "--plugs": "--plug",
                "--deps": "--dep"}.get(flag, flag)
        if wac:
            raise click.UsageError(f"{flag} is for compositions of components; a WAC "
                                   "document names its packages (use --deps-dir or --dep)")
        raise click.UsageError(f"{flag} is for WAC documents (ROOT.wac)")


def _dep_files(items: tuple[str, ...]) -> dict[str, Path]:
    """`--dep ns:name=PATH` options as {package: file}."""
    out: dict[str, Path] = {}
    for item in items:
        name, eq, path = item.partition("=")
        if not eq or ":" not in name or not path:
            raise click.UsageError(f"--dep {item}: expected NS:NAME=PATH "
                                   "(e.g. --dep example:greeter=greeter.wasm)")
        out[name] = Path(path)
    return out


def _plugs(items: tuple[str, ...]) -> dict[str, Path]:
    """`--plug IMPORT=DEP.wasm` options as {import: file}."""
    out: dict[str, Path] = {}
    for item in items:
        name, eq, path = item.partition("=")
        if not eq or not name or not path:
            raise click.UsageError(f"--plug {item}: expected IMPORT=DEP.wasm "
                                   "(e.g. --plug wasi:cli/stdout@0.2.0=stdout.wasm)")
        if name in out and out[name] != Path(path):
            raise click.UsageError(f"--plug {name}: given twice ({out[name]}, {path})")
        out[name] = Path(path)
    return out


def _write_stdout(data: bytes, check: Callable[[Path], None] | None) -> None:
    """The composed binary to stdout (`-o -`, or no -o), after `check` passed on a
    temporary copy: nothing reaches stdout if it fails."""
    if check is not None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="compose-") as tmp:
            copy = Path(tmp) / "composed.wasm"
            copy.write_bytes(data)
            check(copy)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@cli.command("help", short_help="Show the help of compose or of one of its commands.")
@click.argument("command", required=False)
@click.pass_context
def help_cmd(ctx: click.Context, command: str | None) -> None:
    """Show the help of compose, or of COMMAND."""
    group = ctx.parent
    assert group is not None
    if command is None:
        click.echo(group.get_help())
        return
    target = cli.commands.get(command)
    if target is None or target.hidden:
        visible = ", ".join(n for n, c in cli.commands.items() if not c.hidden)
        raise click.UsageError(f"no such command `{command}` (commands: {visible})", ctx)
    sub = target.context_class(target, info_name=command, parent=group)
    click.echo(target.get_help(sub))


def _run_component(path: Path, config: Any, invoke: str | None) -> None:
    """Run (or call into) a component; exits with its status."""
    from .host.execute import Host, invoke as call

    host = Host(config)
    if invoke is not None:
        click.echo(call(host, path, invoke))
        return
    status = host.run(path)
    sys.stdout.flush()
    if status:
        sys.exit(status)


@cli.command(
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
@_host_options
@_FEATURES_OPTION
@_COLOR_OPTION
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
    config = _host_config(env, inherit_env, dirs, timeout, max_memory, no_cache, args,
                          program=component.name, progress=not quiet)
    run_command(lambda: _run_component(component, config, invoke), _features(features))


@cli.command("verify", short_help="Check that a WASI 0.2 host can run a component.")
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--world", metavar="WORLD",
              help="wasi:cli/command or wasi:http/proxy (default: inferred from the exports), "
                   "or a world of a WIT package: FILE.wit, DIR, FILE.wit:NAME.")
@click.option("--no-cache", is_flag=True, help="Do not use wasmtime's compilation cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (the exit status says it).")
@_FEATURES_OPTION
@_COLOR_OPTION
def verify_cmd(component: Path, world: str | None, no_cache: bool, quiet: bool,
               features: tuple[str, ...]) -> None:
    """Check that a WASI 0.2 host can run COMPONENT: its imports, limits, instantiation.

    The report is the command's output (stdout); a failing one goes to stderr.
    """
    run_command(lambda: _verify(component, world, no_cache, quiet), _features(features))


@cli.command("targets", short_help="Check that a component targets a WIT world.")
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("wit", type=click.Path(path_type=Path))
@click.option("--world", "world_name", metavar="NAME",
              help="The world of the WIT package (needed when it has more than one).")
@_FEATURES_OPTION
@_COLOR_OPTION
def targets_cmd(component: Path, wit: Path, world_name: str | None, features: tuple[str, ...]) -> None:
    """Check that COMPONENT targets a world of the WIT package at WIT (a .wit file, or a folder
    with its deps/): its imports are ones the world has, it exports all the world exports, and
    every type fits. As `wac targets`."""
    wit_features = _feature_names(features)  # the WIT's own, and component model ones
    enabled = _features(features, wit=True)

    def body() -> None:
        _check_targets(component, _wit_world(wit, world_name, wit_features), enabled)

    run_command(body, enabled)


def _check_targets(component: Path, world: Any, features: frozenset[str] = frozenset()) -> None:
    """Exit 1 naming each way `component` does not target `world` (a WIT world)."""
    from .model import types as T
    from .model.load import load_component
    from .model.targets import target_differences

    scope = load_component(component, features=features).scope
    mine = T.ComponentType(dict(scope.imports), dict(scope.exports))
    differences = target_differences(mine, world.component_type, world.name)
    for difference in differences:
        error_line(f"{component}: {difference}")
    if differences:
        sys.exit(1)
    note_line(f"{component} targets world `{world.name}`")


def _wit_world_option(value: str) -> tuple[Path, str | None] | None:
    """`--world FILE.wit`, `--world DIR`, `--world FILE.wit:NAME`: a world of a WIT package
    (None when `value` names no file: a built-in world)."""
    if Path(value).exists():
        return Path(value), None
    head, sep, name = value.rpartition(":")
    if sep and Path(head).exists():
        return Path(head), name
    return None


def _wit_world(path: Path, name: str | None, features: frozenset[str] = frozenset()) -> Any:
    """The world called `name` (or the only one) of the WIT package at `path`."""
    from .text.witparse import read_wit

    resolved = read_wit(path, features)
    package = resolved.package(resolved.main)
    worlds = [w.name for w in package.worlds]
    if name is None:
        if len(worlds) != 1:
            raise click.UsageError(f"{path}: choose a world with --world (it has "
                                   f"{', '.join(worlds) or 'none'})")
        name = worlds[0]
    short = name.rpartition("/")[2].split("@")[0]  # `ns:pkg/world@v` names it too
    world = package.world(short)
    if world is None:
        raise ComposerError(f"no world `{name}` in package {package.name} (it has "
                            f"{', '.join(worlds) or 'none'})", file=str(path))
    return world


def _check_world(world: str) -> None:
    from .host.verify import world_named

    if ".wit" in world:  # meant as a WIT file, which is not there
        raise click.UsageError(f"--world {world}: no such WIT file or folder")
    try:
        world_named(world)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _verify(path: Path, world: str | None, no_cache: bool, quiet: bool) -> None:
    from .host.verify import verify

    wit = _wit_world_option(world) if world is not None else None
    if wit is not None:  # a world of a WIT package: the types are the check
        _check_targets(path, _wit_world(*wit))
        return
    if world is not None:
        _check_world(world)
    report = verify(path, world, cache=not no_cache, progress=not quiet)
    if not (quiet and report.ok):
        _print_report(report, path, to_stderr=not report.ok)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any, path: Path, to_stderr: bool) -> None:
    how = "inferred from its exports" if report.inferred else "as asked"
    def echo(line: str) -> None:
        click.echo(printable(line), err=to_stderr)
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
    if str(output) == "-":
        output = Path("(stdout)")
    if verify:
        from .host.verify import verify as check

        # with --run the run instantiates it: compiling it twice would only cost time
        report = check(tmp, world, cache=not no_cache, instantiate=host_config is None,
                       progress=progress)
        # stdout is the composed binary's or the program's (--run) own: the report is not
        if progress or not report.ok:
            _print_report(report, output, to_stderr=True)
        if not report.ok:
            raise ComposerError("fails verification; not written", file=str(output))
    if host_config is not None:
        from .host.execute import Host

        status = Host(host_config).run(tmp, shown_as=str(output))
        sys.stdout.flush()
        if status:
            error_line(f"{output}: the composed component exited with status {status}; not written")
            sys.exit(status)


_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".svg": "svg", ".png": "png", ".dot": "dot",
                   ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".json": "json",
                   ".txt": "tree"}
REPORT_FORMATS = ("html", "svg", "png", "dot", "mermaid", "json", "tree")


def _format_for(path: Path | None, given: str | None, option: str = "-o") -> str:
    """The report format: as given, else from the file's suffix, else (stdout) a tree."""
    if given:
        return given
    if path is None or str(path) == "-":
        return "tree"
    fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = " ".join(sorted(_SUFFIX_FORMATS))
        how = "choose one with -f" if option == "-o" else "use one of those"
        raise click.UsageError(f"{option} {path}: no report format has the suffix "
                               f"`{path.suffix or '(none)'}` (known: {known}); {how}")
    return fmt


def _report_bytes(report: Any, fmt: str) -> Iterator[bytes]:
    """The report in `fmt`, in pieces made as they are written; PNG is the DOT drawing
    rendered by Graphviz."""
    if fmt == "png":
        from .report.png import render_png

        return iter((render_png(report),))
    from .report import render_pieces

    return (piece.encode() for piece in render_pieces(report, fmt))


def _write_report_of_plan(plan: Any, path: Path) -> None:
    from .report.planned import from_plan

    _write_report(from_plan(plan), path)


def _write_report(report: Any, path: Path) -> None:
    from .link.compose import write_atomically

    write_atomically(path, _report_bytes(report, _format_for(path, None, "--report")))


@cli.command("graph", short_help="Draw what a composition wires to what: HTML, SVG, PNG, DOT, Mermaid, JSON.")
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-d", "--definitions", "dependencies", multiple=True, metavar="DEP.wasm",
              type=click.Path(dir_okay=False, path_type=Path), help="A dependency (repeatable).")
@click.option("-p", "--search-path", "search_paths", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Also look here for dependencies named after an import (repeatable).")
@click.option("--plug", "plugs", multiple=True, metavar="IMPORT=DEP.wasm",
              help="Satisfy IMPORT with DEP.wasm's export of it (or of a semver-compatible "
                   "version), whatever else offers it; DEP.wasm is a dependency (repeatable).")
@click.option("-c", "--config", type=click.Path(dir_okay=False, path_type=Path),
              help="A composition config (the YAML format of wasm-tools compose).")
@click.option("-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS),
              help="Output format (default: from the -o suffix, else a tree).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report here (default or `-`: stdout).")
@click.option("--composed", is_flag=True,
              help="ROOT is an already composed component: draw its wiring (the default when "
                   "no dependency, search path or config is given and ROOT instantiates components).")
@click.option("--deps-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="For a .wac ROOT: where packages are found (default: ./deps).")
@click.option("--dep", "deps", multiple=True, metavar="NS:NAME=PATH",
              help="For a .wac ROOT: the file of a package (repeatable).")
@_FEATURES_OPTION
@_COLOR_OPTION
def graph_cmd(root: Path, dependencies: tuple[Path, ...], search_paths: tuple[Path, ...],
              config: Path | None, plugs: tuple[str, ...], fmt: str | None,
              output: Path | None, composed: bool, deps_dir: Path | None,
              deps: tuple[str, ...], features: tuple[str, ...]) -> None:
    """Draw what a composition wires to what (before, instead of, or after composing).

    With dependencies, the composition plan of ROOT is drawn, failures included (exit 1 when
    the composition would fail). A composed component alone is read back and drawn.
    """
    fmt = _format_for(output, fmt)
    enabled = _features(features)
    wac = root.suffix == ".wac"
    _check_wac_options(wac, dependencies=dependencies, search_paths=search_paths, config=config,
                       plugs=plugs, composed=composed, deps_dir=deps_dir, deps=deps)
    dep_map = _dep_files(deps)
    plug_map = _plugs(plugs)
    to_stdout = output is None or str(output) == "-"
    if to_stdout and fmt == "png" and sys.stdout.isatty():
        raise click.UsageError("refusing to write a PNG image to a terminal; use -o FILE.png")

    def read() -> Any:
        """The plan to draw, or the composed component to read the wiring back from."""
        from .model.load import load_component, read_component
        from .report.composed import instantiates_components, may_instantiate_components

        if wac:
            from .link.compose import plan_document

            return plan_document(root, deps_dir=deps_dir, dependencies=dep_map)
        alone = not (dependencies or search_paths or config or plug_map)
        if composed or (alone and may_instantiate_components(read_component(root, mapped=True))):
            loaded = load_component(root)
            if composed or instantiates_components(loaded):
                return loaded
        from .link.compose import plan_composition

        return plan_composition(root, list(dependencies), search_paths=list(search_paths),
                                config=config, plugs=plug_map)

    def body() -> None:
        from .model.load import Loaded
        from .report.composed import from_composed
        from .report.planned import from_error, from_plan

        error = None
        try:
            read_in = read()
        except ComposerError as exc:  # an input that cannot be read: drawn as such
            error, report = exc, from_error(root, exc)
        else:
            report = from_composed(read_in) if isinstance(read_in, Loaded) else from_plan(read_in)
            del read_in  # what the report holds is enough: a large plan's memory is freed
        if to_stdout and fmt == "tree" and _stdout_is_terminal():
            from .report.tree import print_tree

            print_tree(report)
        elif to_stdout:
            for piece in _report_bytes(report, fmt):
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.flush()
        else:
            from .link.compose import write_atomically

            write_atomically(output, _report_bytes(report, fmt))
        if error is not None:
            raise error
        if not report.ok:
            for problem in report.problems:
                error_line(problem.message)
            sys.exit(1)

    run_command(body, enabled)


def main() -> None:
    import gc

    # One command, then exit: the cyclic collector's passes over the many small records a
    # large composition makes cost a third of its time and free next to nothing (the model
    # has few cycles), so it is off for the process's short life.
    gc.disable()
    cli(prog_name="compose")
