"""A report written out: the format it is written in (as asked, else from the file's suffix,
else a tree), and its bytes in that format.

Imported when the command line starts (its `-f` choices are `REPORT_FORMATS`): the renderers
are imported only when a report is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

# what a file's suffix says about the format it is to be written in
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".svg": "svg", ".png": "png", ".dot": "dot",
                  ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".json": "json",
                  ".txt": "tree"}
REPORT_FORMATS = ("html", "svg", "png", "dot", "mermaid", "json", "tree")


def format_for(path: Path | None, given: str | None) -> str:
    """The format of a report written to `path` (None or `-`: stdout): `given` if given, else
    the one the suffix names, else (stdout) a tree. ValueError for a suffix no format has."""
    if given:
        return given
    if path is None or str(path) == "-":
        return "tree"
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = " ".join(sorted(SUFFIX_FORMATS))
        raise ValueError(f"no report format has the suffix `{path.suffix or '(none)'}` "
                         f"(known: {known})")
    return fmt


def suffix_disagrees(path: Path | None, fmt: str) -> str | None:
    """What to warn of when the format chosen (-f) is not the one the file's suffix names
    (`-o r.html -f json`: a browser opening r.html would show JSON as text); None when they
    agree or the suffix names none. Written anyway: the user asked for both."""
    named = SUFFIX_FORMATS.get(path.suffix.lower()) if path is not None and str(path) != "-" else None
    if named is None or named == fmt:
        return None
    return f"writing {fmt} to {path.name} (the format -f chose; the file name says {named})"


def report_bytes(report: Any, fmt: str) -> Iterator[bytes]:
    """The report in `fmt`, in pieces made as they are written; PNG is the DOT drawing
    rendered by Graphviz."""
    if fmt == "png":
        from .png import render_png

        return iter((render_png(report),))
    from . import render_pieces

    return (piece.encode() for piece in render_pieces(report, fmt))
