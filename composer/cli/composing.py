"""The composing commands: `compose ROOT -d DEP...` (the default command; ROOT may be a WAC
document, FILE.wac), `compose plug`, and `compose graph`, which draws what a composition
wires to what. Their options are `composing_options.py`'s.

What every command writing a component does with the composition it makes is `_deliver`:
the report (of a failed one too), the explanations and warnings, the checks (--verify,
--run), then the output and its depfile, written atomically (nothing when a check fails).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any, Callable

import click

from ..errors import ComposerError
from .checks import check_world, print_verify_report
from .composing_options import (
    ALLOW, COMPOSED, CONFIG, DEFINITIONS, DENY, DEP, DEPFILE, DEPS_DIR, FORMAT, IMPORT_COMPONENTS,
    IMPORT_DEPENDENCIES, NO_IMPORTS, OUTPUT, PLUG, PLUGS, QUIET, REGISTRY, REPORT, REPORT_OUTPUT,
    RUN, SEARCH_PATH, SKIP_VALIDATION, VERBOSE, VERIFY, VERSION_OPTION, VIRTUALIZE, WAC_DEP,
    WAC_SKIP_VALIDATION, WAT, WORLD, ComposingOptions, composing_options, report_format,
)
from .console import COLOR_OPTION, error_line, note_line, stdout_is_terminal
from .group import DefaultContext, OneFileCommand
from .host_options import host_options
from .running import FEATURES_OPTION, run_command


@click.command("compose", hidden=True, cls=OneFileCommand)
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@composing_options(
    DEFINITIONS, SEARCH_PATH, PLUG, VIRTUALIZE, CONFIG, OUTPUT, WAT, NO_IMPORTS,
    WAC_SKIP_VALIDATION, IMPORT_COMPONENTS, DEPFILE, QUIET, VERBOSE, VERIFY, WORLD, REPORT, RUN,
    DENY, ALLOW, DEPS_DIR, DEP, IMPORT_DEPENDENCIES, REGISTRY, host_options, FEATURES_OPTION,
    COLOR_OPTION, VERSION_OPTION)
def compose_cmd(options: ComposingOptions, root: Path) -> None:
    """Compose ROOT with its dependencies into one component (ROOT a component, or a WAC
    document: FILE.wac)."""
    enabled = options.gated_features()
    options, wac, packages, plugs = options.for_root(root)
    policy = options.policy()
    if options.world is not None:
        if not options.verify_after:
            raise click.UsageError("--world goes with --verify")
        check_world(options.world)
    host_config = options.output_checks()
    if not wac:
        run_command(lambda: _refuse_registry_names([root, *options.dependencies]))

    def make() -> Any:
        from ..link.compose import compose, compose_document

        if wac:
            return compose_document(root, deps_dir=options.deps_dir, dependencies=packages,
                                    skip_validation=options.skip_validation,
                                    import_dependencies=options.import_dependencies,
                                    check_when_written=True, policy=policy)
        return compose(root, list(options.dependencies), search_paths=list(options.search_paths),
                       config=options.config, no_imports=options.no_imports,
                       skip_validation=options.skip_validation,
                       import_components=options.import_components, plugs=plugs,
                       check_when_written=True, policy=policy, virtualize=options.virtualize)

    run_command(lambda: _deliver(make, root, options, host_config), enabled)


compose_cmd.context_class = DefaultContext


@click.command("plug", cls=OneFileCommand,
               short_help="Plug the exports of components into a socket's imports (as wac plug).")
@click.argument("socket", type=click.Path(dir_okay=False, path_type=Path))
@composing_options(
    PLUGS, VIRTUALIZE, OUTPUT, WAT, SKIP_VALIDATION, DEPFILE, QUIET, VERBOSE, VERIFY, REPORT, RUN,
    DENY, ALLOW, REGISTRY, host_options, FEATURES_OPTION, COLOR_OPTION, brief=True)
def plug_cmd(options: ComposingOptions, socket: Path) -> None:
    """Plug the exports of each PLUG into the imports of SOCKET of the same name (or a
    semver-compatible one), and export what SOCKET exports: `wac plug`'s command line, on the
    plugging of `compose SOCKET -d PLUG...`."""
    enabled = options.gated_features()
    options = options.as_wac_gives_them(False)
    policy = options.policy()
    host_config = options.output_checks()
    run_command(lambda: _refuse_registry_names([socket, *options.dependencies]))

    def make() -> Any:
        from ..link.compose import compose

        # (a plug that satisfies nothing is refused by compose: an unused dependency)
        return compose(socket, list(options.dependencies),
                       skip_validation=options.skip_validation, check_when_written=True,
                       policy=policy, virtualize=options.virtualize)

    run_command(lambda: _deliver(make, socket, options, host_config), enabled)


plug_cmd.files_option, plug_cmd.files_are = "--plug", "plugs"  # type: ignore[attr-defined]


def _refuse_registry_names(files: list[Path]) -> None:
    """`wac plug ns:pkg --plug ns:other`: wac fetches a name that is no file from a registry;
    compose reads none, and says how to give the files."""
    from ..link.packages import NO_REGISTRY, is_package_name

    names = [str(f) for f in files if is_package_name(str(f)) and not f.exists()]
    if names:
        listed = ", ".join(f"`{n}`" for n in names)
        raise ComposerError(
            f"{listed}: {'a package name' if len(names) == 1 else 'package names'} with no "
            f"such file, and {NO_REGISTRY}: give each component's file instead (a path: "
            "./pkg.wasm); a WAC document names its packages' files with --dep NS:PKG=PATH "
            "or --deps-dir DIR")


def _deliver(make: Callable[[], Any], root: Path, options: ComposingOptions,
             host_config: Any) -> None:
    """What every composing command does with the composition `make()` makes: the report
    (also of a failed one), the explanations and warnings, the checks (--verify, --run),
    then the output and its depfile, written atomically (nothing when a check fails)."""
    from ..link.compose import CompositionFailed, depfile_text, write_atomically

    report_path, output = options.report_path, options.output
    try:
        result = make()
    except CompositionFailed as exc:
        if options.verbose:
            for line in exc.plan.explanations:
                note_line(f"  {line}")
        if report_path is not None:
            _write_report_of_plan(exc.plan, report_path)
        _print_warnings(exc.plan.warnings, options)
        _print_problems(exc.plan.problems)
        sys.exit(exc.exit_code)
    except ComposerError as exc:  # an input that cannot be read: the report says so too
        if report_path is not None:
            from ..report.planned import from_error

            _write_report(from_error(root, exc), report_path)
        raise
    if report_path is not None:
        _write_report_of_plan(result.plan, report_path)
    if options.verbose:
        for line in result.explanations:
            note_line(f"  {line}")
    _print_warnings(result.warnings, options)
    check = None
    if options.verify_after or host_config is not None:
        check = partial(_check_output, options=options, host_config=host_config)
    size = result.size
    if options.wat:
        size = _write_text(result.data, options, check)
    elif options.to_stdout:
        _check_copy(result.data, check)
        _write_stdout(result.data)
    else:
        assert output is not None
        result.write(output, check)
    if output is None or options.to_stdout:
        return
    if options.depfile is not None:
        write_atomically(options.depfile, depfile_text(output, result.files_read).encode())
    if options.verbose:
        note_line(f"wrote {output} ({size:,} bytes)")


def _print_warnings(warnings: list[str], options: ComposingOptions) -> None:
    """Every warning of a run, before its errors if it fails: a user fixing the error should
    not meet the warnings only on the rerun."""
    if not options.quiet:
        for warning in warnings:
            error_line(warning, "warning")


def _print_problems(problems: Any) -> None:
    """The errors of a composition, one line each, with what the user may have meant."""
    for problem in problems:
        error_line(problem.message)
        if problem.hint is not None:
            error_line(problem.hint, "hint")


def _check_output(tmp: Path, options: ComposingOptions, host_config: Any) -> None:
    """`compose --verify/--run`: check the complete output file before it is renamed into
    place; raising leaves nothing written."""
    output = options.output or Path("-")
    if str(output) == "-":
        output = Path("(stdout)")
    progress = not options.quiet
    if options.verify_after:
        from ..host.verify import verify as check

        # with --run the run instantiates it: compiling it twice would only cost time;
        # an output that is neither a command nor a proxy is not let through (a library)
        report = check(tmp, options.world, cache=not options.no_cache,
                       instantiate=host_config is None, progress=progress, runnable=True,
                       shown_as=str(output))
        # stdout is the composed binary's or the program's (--run) own: the report is not.
        # A pass is two lines (what was checked, the verdict) unless -v asks for each import:
        # a Makefile's --verify runs on every build
        if progress or not report.ok:
            print_verify_report(report, output, to_stderr=True,
                                brief=report.ok and not options.verbose)
        if not report.ok:
            raise ComposerError("fails verification; not written", file=str(output))
    if host_config is not None:
        from ..host.execute import Host

        status = Host(host_config).run(tmp, shown_as=str(output))
        sys.stdout.flush()
        if status:
            error_line(f"{output}: the composed component exited with status {status}; "
                       "not written")
            sys.exit(status)


def _write_text(data: bytes, options: ComposingOptions,
                check: Callable[[Path], None] | None) -> int:
    """`-t`: the composed component (checked, as the binary would be) as WebAssembly text,
    printed whole before any of it is written: to `-o` atomically, or to stdout, a terminal
    included. Its size in bytes."""
    from ..files import write_atomically
    from ..text.wat import print_wasm

    _check_copy(data, check)
    text = print_wasm(data).encode()
    if options.to_stdout:
        _write_stdout(text)
    else:
        assert options.output is not None
        write_atomically(options.output, text)
    return len(text)


def _check_copy(data: bytes, check: Callable[[Path], None] | None) -> None:
    """`check` (--verify, --run) on a temporary copy of the composed binary, for output that
    is not that binary's file: stdout, or the text (-t)."""
    if check is not None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="compose-") as tmp:
            copy = Path(tmp) / "composed.wasm"
            copy.write_bytes(data)
            check(copy)


def _write_stdout(data: bytes) -> None:
    """The output to stdout (`-o -`, or no -o), once every check has passed."""
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _write_report_of_plan(plan: Any, path: Path) -> None:
    from ..report.planned import from_plan

    _write_report(from_plan(plan), path)


def _write_report(report: Any, path: Path) -> None:
    from ..link.compose import write_atomically
    from ..report.output import report_bytes

    write_atomically(path, report_bytes(report, report_format(path, None, "--report")))


@click.command(
    "graph", cls=OneFileCommand,
    short_help="Draw what a composition wires to what: HTML, SVG, PNG, DOT, Mermaid, JSON.")
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@composing_options(
    DEFINITIONS, SEARCH_PATH, PLUG, CONFIG, FORMAT, REPORT_OUTPUT, COMPOSED, QUIET, VERBOSE,
    DENY, ALLOW, DEPS_DIR, DEP, FEATURES_OPTION, COLOR_OPTION, brief=True)
def graph_cmd(options: ComposingOptions, root: Path) -> None:
    """Draw what a composition wires to what (before, instead of, or after composing).

    With dependencies, the composition plan of ROOT is drawn, failures included (exit 1 when
    the composition would fail). A composed component alone is read back and drawn.
    """
    output = options.output
    fmt = report_format(output, options.fmt)
    enabled = options.gated_features()
    options, wac, _, _ = options.for_root(root)
    policy = options.policy()
    if options.to_stdout and fmt == "png" and sys.stdout.isatty():
        raise click.UsageError("refusing to write a PNG image to a terminal; use -o FILE.png")

    def read() -> Any:
        """The plan to draw, or the composed component to read the wiring back from."""
        from ..link.compose import enforce
        from ..link.readback import instantiates_components, may_instantiate_components
        from ..model.load import load_component, read_component

        if not wac and (options.composed or (
                options.reads_root_alone
                and may_instantiate_components(read_component(root, mapped=True)))):
            loaded = load_component(root)
            if options.composed or instantiates_components(loaded):
                return loaded
        return enforce(*options.planned(root, policy))

    def body() -> None:
        from ..model.load import LoadedComponent
        from ..report.composed import from_composed
        from ..report.planned import from_error

        error = None
        try:
            read_in = read()
        except ComposerError as exc:  # an input that cannot be read: drawn as such
            error, report = exc, from_error(root, exc)
        else:
            if isinstance(read_in, LoadedComponent):
                report = from_composed(read_in, policy=policy or None)
            else:
                report = _report_of_plan(read_in, options)
            del read_in  # what the report holds is enough: a large plan's memory is freed
        _show_report(report, error, options, fmt)

    run_command(body, enabled)


def _report_of_plan(plan: Any, options: ComposingOptions) -> Any:
    """The report of a composition plan; with -v, its explanations on stderr."""
    from ..report.planned import from_plan

    report = from_plan(plan)
    if options.verbose:
        for line in plan.explanations:
            note_line(f"  {line}")
    return report


def _show_report(report: Any, error: ComposerError | None, options: ComposingOptions,
                 fmt: str) -> None:
    """A report shown in `fmt` (to -o, or stdout: a tree on a terminal, coloured), its
    warnings on stderr; then `error` raised, or exit 1 naming the problems when the
    composition would fail."""
    from ..report.output import report_bytes

    output = options.output
    tree_shown = options.to_stdout and fmt == "tree" and stdout_is_terminal()
    if not tree_shown:  # (the tree on a terminal lists them itself)
        _print_warnings(list(report.warnings), options)
    if tree_shown:
        from ..report.tree import print_tree

        print_tree(report)
    elif options.to_stdout:
        for piece in report_bytes(report, fmt):
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
    else:
        from ..link.compose import write_atomically

        assert output is not None
        write_atomically(output, report_bytes(report, fmt))
    if error is not None:
        raise error
    if not report.ok:
        for problem in report.problems:
            error_line(problem.message)
        sys.exit(1)


@click.command("resolve",
               short_help="Print what a WAC document composes, resolved, as JSON (as wac resolve).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@composing_options(DEPS_DIR, WAC_DEP, REGISTRY, QUIET, VERBOSE, FEATURES_OPTION, COLOR_OPTION,
                   brief=True)
def resolve_cmd(options: ComposingOptions, file: Path) -> None:
    """Print the composition the WAC document FILE makes, resolved but not encoded, as the
    composition report's JSON: its instances, what each import is given, the composition's
    imports and exports, and warnings. An error in the document is shown at its place (exit
    1), with nothing on stdout."""
    if file.suffix != ".wac":
        raise click.UsageError(f"resolve reads a WAC document (FILE.wac), not {file}; for "
                               "components: compose graph ROOT -d DEP... -f json")
    enabled = options.gated_features()
    options = options.as_wac_gives_them(True)
    packages = options.package_files()

    def body() -> None:
        from ..link.compose import plan_document

        plan = plan_document(file, deps_dir=options.deps_dir, dependencies=packages)
        _show_report(_report_of_plan(plan, options), None, options, "json")

    run_command(body, enabled)
