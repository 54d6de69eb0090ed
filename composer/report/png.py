"""The report as a PNG image: the SVG drawing (the one the HTML page and `-f svg` show)
rasterized by librsvg's `rsvg-convert`, so that every picture of a composition is the same.

This is the one place the product runs another program, and it is a renderer, never a
composer or validator (tests/e2e/test_product_boundaries.py holds it to that): a picture is
not worth a rasterizer of our own.
"""

from __future__ import annotations

import shutil
import subprocess

from ..errors import ComposerError
from .contents import CompositionReport
from .svg import render_svg

RASTERIZER = "rsvg-convert"


def render_png(report: CompositionReport) -> bytes:
    found = shutil.which(RASTERIZER)
    if found is None:
        raise ComposerError("PNG reports are drawn by librsvg's `rsvg-convert`, which is not "
                            "installed (apt-get install librsvg2-bin, brew install librsvg); "
                            "or write .svg or .html")
    proc = subprocess.run([found, "--format", "png"], input=render_svg(report).encode(),
                          capture_output=True)
    if proc.returncode:
        raise ComposerError(f"`rsvg-convert` failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout
