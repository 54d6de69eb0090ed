"""The report as a PNG image: the DOT drawing rendered by Graphviz's `dot`.

This is the one place the product runs another program, and it is a renderer, never a
composer or validator (tests/test_product_boundaries.py holds it to that): a picture is not
worth a rasteriser of our own.
"""

from __future__ import annotations

import shutil
import subprocess

from ..errors import ComposerError
from .dot import render_dot
from .contents import CompositionReport

GRAPHVIZ = "dot"


def render_png(report: CompositionReport) -> bytes:
    found = shutil.which(GRAPHVIZ)
    if found is None:
        raise ComposerError("PNG reports are drawn by Graphviz's `dot`, which is not installed "
                            "(apt-get install graphviz, brew install graphviz); or write .svg or .html")
    proc = subprocess.run([found, "-Tpng"], input=render_dot(report).encode(), capture_output=True)
    if proc.returncode:
        raise ComposerError(f"Graphviz `dot` failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout
