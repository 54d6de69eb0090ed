"""The WIT reader: a `.wit` file, or a folder of them with a `deps/` folder, read into the
shared document model (`composer.text.witmodel`) with component-model types filled in.

    read_wit(path, features) -> witmodel.Resolved

Stages, a module each: `lexer` (tokens), `syntax` (the parser, giving `tree`), `packages`
(which files make which package), `resolve` with `scope` and `worlds` (names, `use`,
`include`, gates, and the types). Every error is a `TextError` (FILE:LINE:COL and the line
with a caret), or a `ComposerError` for a problem with no place in a file.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ...diagnostics import TextError
from ..witmodel import Resolved

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
