"""The WAC front end: a `.wac` composition document read into its syntax tree (`tree.Document`),
and its type declarations into the type model.

    parse_wac(source) -> tree.Document
    read_wac(path) -> tree.Document
    tojson.document_json(doc) -> dict   (the tree as JSON values)
    jsontext.write_document_json(doc, write)   (their text: what `compose parse` prints)
    declarations.TypeDeclarations   (interfaces, worlds and types into the type model)

A module each, lowest first: `tokens` (the lexer, built on the WIT lexer's comment and
whitespace handling), `tree` (the syntax tree), `parser` (the parser's machinery: the token
cursor, lookaheads, errors), `grammar` (WAC.md's productions, a method each), `tojson` and
`jsontext` (the tree as JSON), `declarations` (what the declarations mean as types). Reading is
syntax only: which packages the names refer to and whether the composition makes sense is
decided later, on this tree (`link/wacresolve.py`). Every error is a `TextError`
(FILE:LINE:COL and the line with a caret), or a `ComposerError` for a file that cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from ...diagnostics import Source, TextError
from .tree import Document

__all__ = ["parse_wac", "read_wac", "Document", "TextError"]


def parse_wac(source: Source) -> Document:
    """The syntax tree of the WAC text `source`."""
    from .grammar import parse_document

    return parse_document(source)


def read_wac(path: Path) -> Document:
    """The syntax tree of the WAC file at `path` (UTF-8), named in messages as given."""
    from ..witparse.packages import read_source

    return parse_wac(read_source(Path(path), str(path)))
