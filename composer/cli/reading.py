"""The commands that read a file and show or check it: `compose inspect` (a component or a WIT
package as WIT), `compose parse` (a WAC document's syntax tree as JSON), and `compose targets`
(does a component target a WIT world?)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

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
