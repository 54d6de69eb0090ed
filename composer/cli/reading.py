"""The commands that read a file and show or check it: `compose inspect` (a component or a WIT
package as WIT), `compose print` (a component or a core module as WebAssembly text),
`compose parse` (a WAC document's syntax tree as JSON), and `compose targets` (does a
component target a WIT world?)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ComposerError
from .checks import chosen_world, report_targets
from .console import COLOR_OPTION, print_wit
from .running import FEATURES_OPTION, feature_names, gated_features, run_command


@click.command("inspect", short_help="Show a component or a WIT package as WIT.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
@FEATURES_OPTION
@COLOR_OPTION
def inspect_cmd(file: Path, as_json: bool, features: tuple[str, ...]) -> None:
    """Show FILE as WIT: a component (.wasm or .wat) as its world and the packages it uses, as
    `wasm-tools component wit` prints it; a .wit file or a package folder read and printed
    back. --json: a component's imports and exports as JSON."""
    is_wit = file.is_dir() or file.suffix == ".wit"
    # a component may be a WIT package in binary form: WIT feature names are let through
    enabled = feature_names(features) if is_wit else gated_features(features, wit=True)

    def body() -> None:
        from ..text.inspect import inspect_json, inspect_text, inspect_wit
        from ..model.load import load_component

        if is_wit:
            if as_json:
                raise click.UsageError("--json describes components; a WIT package prints as WIT")
            print_wit(inspect_wit(file, enabled))
            return
        loaded = load_component(file, features=enabled)
        if as_json:
            import json

            click.echo(json.dumps(inspect_json(loaded), indent=2))
            return
        print_wit(inspect_text(loaded))

    run_command(body, frozenset() if is_wit else enabled)


@click.command("print", short_help="Print a component or a core module as WebAssembly text.")
@click.argument("file", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--skeleton", is_flag=True,
              help="Leave out function bodies and the contents of data and element segments.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the text here (default or `-`: stdout).")
@COLOR_OPTION
def print_cmd(file: Path, skeleton: bool, output: Path | None) -> None:
    """Print FILE, a component or a core module (.wasm, or .wat read and printed back), as
    WebAssembly text, as `wasm-tools print` prints it. `-` reads standard input."""

    def body() -> None:
        from ..text.wat import print_wasm

        data, shown = _wasm_of(file)
        try:
            text = print_wasm(data, skeleton=skeleton)
        except ComposerError as exc:
            raise exc.with_file(shown) from None
        encoded = text.encode()  # (names may be any Unicode, whatever stdout's encoding)
        if output is None or str(output) == "-":
            sys.stdout.buffer.write(encoded)
            sys.stdout.buffer.flush()
        else:
            from ..files import write_atomically

            write_atomically(output, encoded)

    run_command(body)


def _wasm_of(file: Path) -> tuple[bytes, str]:
    """The binary of the WebAssembly file (or stdin, `-`) `print` shows, and the name its
    messages give it; a file that is neither binary nor text WebAssembly says so."""
    from ..files import looks_like_wat, read_input, wat_to_binary

    shown = "(stdin)" if str(file) == "-" else str(file)
    try:
        data = read_input(Path("/dev/stdin") if shown == "(stdin)" else file, "WebAssembly")
    except FileNotFoundError:
        raise ComposerError("no such file", file=shown) from None
    except IsADirectoryError:
        raise ComposerError("expected a WebAssembly file, found a directory", file=shown) from None
    except OSError as exc:
        raise ComposerError(f"cannot read: {exc.strerror or exc}", file=shown) from None
    if looks_like_wat(data):
        return wat_to_binary(data, shown), shown
    if data[:4] != b"\0asm":
        raise ComposerError("not WebAssembly: a binary begins with \\0asm, text with `(` "
                            "(a module or a component)", file=shown)
    return data, shown


@click.command("parse", short_help="Print the syntax tree of a WAC document as JSON.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def parse_cmd(file: Path) -> None:
    """Print the syntax tree of the WAC document FILE as JSON, in the shape of wac-parser's
    dump of its AST; a syntax error is reported with its place, exit status 1."""

    def body() -> None:
        from ..text.wac import read_wac
        from ..text.wac.jsontext import write_document_json

        doc = read_wac(file)
        write_document_json(doc, sys.stdout.write)
        sys.stdout.write("\n")

    run_command(body)


@click.command("targets", short_help="Check that a component targets a WIT world.")
@click.argument("component", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("wit", type=click.Path(path_type=Path), required=False)
@click.option("--wit", "wit_option", type=click.Path(path_type=Path), metavar="WIT",
              help="The WIT package, as wac targets takes it (instead of the WIT argument).")
@click.option("--world", "world_name", metavar="NAME",
              help="The world of the WIT package (needed when it has more than one).")
@FEATURES_OPTION
@COLOR_OPTION
def targets_cmd(component: Path, wit: Path | None, wit_option: Path | None,
                world_name: str | None, features: tuple[str, ...]) -> None:
    """Check that COMPONENT targets a world of the WIT package at WIT (a .wit file, or a folder
    with its deps/): its imports are ones the world has, it exports all the world exports, and
    every type fits. As `wac targets` (which takes WIT as --wit WIT)."""
    if (wit is None) == (wit_option is None):
        raise click.UsageError("give the WIT package once: compose targets COMPONENT WIT "
                               "(or --wit WIT, as wac takes it)")
    wit = wit if wit is not None else wit_option
    assert wit is not None
    wit_features = feature_names(features)  # the WIT's own, and component model ones
    enabled = gated_features(features, wit=True)

    def body() -> None:
        report_targets(component, chosen_world(wit, world_name, wit_features), enabled)

    run_command(body, enabled)
