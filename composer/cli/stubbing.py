"""`compose stub`: a deny adapter written on its own (link/adapters): for one interface of a
WIT package (`--interface`), or for every interface a world imports (`--world`), as
`wasm-tools component embed --dummy` + `component new` make a component whose functions
trap, with the deny answers besides."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import ComposerError
from .console import note_line, stdout_is_terminal
from .running import FEATURES_OPTION, feature_names, run_command


@click.command("stub", short_help="Write a deny adapter for a WIT interface or world.")
@click.argument("wit", type=click.Path(path_type=Path))
@click.option("--interface", "interface", metavar="NAME",
              help="The interface to export: `ns:pkg/iface@version`, or as the package names it.")
@click.option("--world", "world_name", metavar="W",
              help="Export every interface the world W imports.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write the adapter (default or `-`: stdout, never a terminal).")
@FEATURES_OPTION
def stub_cmd(wit: Path, interface: str | None, world_name: str | None, output: Path | None,
             features: tuple[str, ...]) -> None:
    """Write a component that exports the interface NAME of the WIT package at WIT (a .wit
    file, or a folder with its deps/), or every interface the world W imports, and denies
    every call: an `access-denied` (or the like) error case, an empty list, `none`, or a trap
    (docs/capabilities.md). The interfaces whose types it uses are imported."""
    if (interface is None) == (world_name is None):
        raise click.UsageError("give --interface NAME or --world W (one of them)")
    to_stdout = output is None or str(output) == "-"
    if to_stdout and stdout_is_terminal():
        raise click.UsageError("refusing to write a binary to a terminal; use -o FILE.wasm")
    enabled = feature_names(features)

    def body() -> None:
        from ..link.adapters import deny_adapters

        if interface is not None:
            name, itype, context = _interface(wit, interface, enabled)
            adapters = deny_adapters({name: itype}, context)
        else:
            adapters = deny_adapters(*_world(wit, world_name, enabled))  # type: ignore[arg-type]
        data = adapters[0].data
        if to_stdout:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            from ..files import write_atomically

            write_atomically(output, data)  # type: ignore[arg-type]
            note_line(f"wrote {output}: {', '.join(a.name for a in adapters)} denied")

    run_command(body)


def _exists(wit: Path) -> Path:
    if not wit.exists():
        raise ComposerError("no such WIT file or folder", file=str(wit))
    return wit


def _read(wit: Path, features: frozenset[str]) -> Any:
    from ..text.wit import read_wit

    return read_wit(_exists(wit), features)


def _interface(wit: Path, wanted: str, features: frozenset[str]) -> tuple[str, Any, dict]:
    """The interface `wanted` names (`ns:pkg/iface@v`, `ns:pkg/iface`, or `iface` of the
    main package), its instance type, and every interface of the WIT (what it uses)."""
    from ..link.adapters import wit_interfaces

    resolved = _read(wit, features)
    found = wit_interfaces(resolved)
    main = resolved.main
    short = f"{main.namespace}:{main.name}/{wanted}" + (f"@{main.version}" if main.version else "")
    for candidate in (wanted, short):
        if candidate in found:
            return candidate, found[candidate], found
    unversioned = [n for n in found if n.partition("@")[0] == wanted]
    if len(unversioned) == 1:
        return unversioned[0], found[unversioned[0]], found
    if unversioned:
        raise ComposerError(f"interface `{wanted}` is in several versions: give one of "
                            f"{', '.join(unversioned)}", file=str(wit))
    raise ComposerError(f"no interface `{wanted}` (it has {', '.join(found) or 'none'})",
                        file=str(wit))


def _world(wit: Path, name: str, features: frozenset[str]) -> tuple[dict, dict]:
    """The interfaces world `name` imports that a deny adapter can be made for, and all its
    imports (what they use)."""
    from ..errors import CompositionError
    from ..link.adapters import deny_adapter
    from ..model import types as T
    from .checks import chosen_world

    world = chosen_world(_exists(wit), name, features)
    imports = world.component_type.imports if world.component_type else {}
    chosen = {}
    for iname, ext in imports.items():
        if not isinstance(ext, T.InstanceType):
            continue
        try:
            deny_adapter(iname, ext, imports)
        except CompositionError as exc:
            note_line(f"{iname} left out: {exc}")
            continue
        chosen[iname] = ext
    if not chosen:
        raise ComposerError(f"world `{world.name}` imports no interface to deny", file=str(wit))
    return chosen, imports
