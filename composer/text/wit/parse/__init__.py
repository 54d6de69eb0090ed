"""The WIT reader: a `.wit` file, or a folder of them with a `deps/` folder, read into the
shared document model (`composer.text.wit.model`) with component-model types filled in.

    read_wit(path, features) -> model.Resolved

Stages, a module each, each importing only those below it (a layers contract in
pyproject.toml, checked by `lint-imports`):

    resolve      packages in dependency order, each resolved; the top
    worlddefs    a world written in text: its types, imports, exports, includes
    decoded      a package in binary form, decoded already, linked to the others
    interfaces   one package written in text: its names, gates, and interfaces
    worlds       a world's imports and exports in their tables, elaborated
    registry     what resolution produces, by key, for what refers to it later
    scope        the names of one interface (or a world's types) and their types
    packages     which files (or binary packages) make which package
    syntax       the parser, giving `tree`
    lexer        the tokens; `toposort`, the order wit-parser takes names in
    tree         the syntax tree

Every error is a `TextError` (FILE:LINE:COL and the line with a caret), or a
`ComposerError` for a problem with no place in a file (one in a package in binary form
names that file).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ....diagnostics import TextError
from ..model import Resolved

__all__ = ["read_wit", "TextError"]


def read_wit(path: Path, features: frozenset[str] = frozenset()) -> Resolved:
    """Read the WIT at `path`; items `@unstable` with a feature not in `features` are left
    out (`all` enables every feature)."""
    from .packages import load
    from .resolve import resolve

    with gc_paused():
        return resolve(load(Path(path)), frozenset(features))


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: reading makes millions of objects, none of
    them garbage yet, and each collection would walk them all again (half the time of a
    large file went there)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
