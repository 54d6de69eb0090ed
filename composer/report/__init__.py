"""The composition report: what was wired to what, and why an import was left for the host.

`planned.py` reads a linked composition (or `composed.py` an already composed component) into
one `CompositionReport` (`contents.py`); each output format renders it: `json_out.py` (the
documented schema in `schema.json`), `tree.py`, and the drawings. The drawings share what they
show (`picture.py`: host imports one box per package, alike edges bundled): `dot.py`,
`mermaid.py`, and `svg.py` (laid out by `layout.py`), which `html.py` wraps in a page with
a details panel (`compare.py`: a type mismatch side by side). `capabilities.py` puts what each
component holds and reaches, and a policy's verdicts, into the report (the page's matrix,
the JSON's `capabilities`: `audit.py`'s document, which `compose audit` prints).
"""

from __future__ import annotations

from typing import Iterator

FORMATS = ("html", "svg", "dot", "mermaid", "json", "tree")


def render(report: "object", fmt: str) -> str:
    """The report in format `fmt` (one of FORMATS)."""
    return "".join(render_pieces(report, fmt))


def render_pieces(report: "object", fmt: str) -> "Iterator[str]":
    """The report in format `fmt`, in pieces to write one after the other: a large report's
    JSON is made as it is written, not held whole."""
    if fmt == "json":
        from .json_out import json_pieces

        return json_pieces(report)  # type: ignore[arg-type]
    return iter((_render(report, fmt),))


def _render(report: "object", fmt: str) -> str:
    if fmt == "dot":
        from .dot import render_dot as r
    elif fmt == "mermaid":
        from .mermaid import render_mermaid as r
    elif fmt == "tree":
        from .tree import render_tree as r
    elif fmt == "html":
        from .html import render_html as r
    elif fmt == "svg":
        from .svg import render_svg as r
    else:
        raise ValueError(f"unknown format `{fmt}` (known: {', '.join(FORMATS)})")
    return r(report)  # type: ignore[arg-type]
