"""Chromium (Debian's, driven by playwright) and mermaid's own parser: the oracles for what
the report and the docs draw. Like wasm-tools, a missing tool fails the test rather than
skipping it: `./scripts/setup.sh --test` installs both."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

from . import ROOT

MERMAID_JS = ROOT / ".venv" / "node" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

_PARSE = "async (t) => { try { await mermaid.parse(t); return 'ok' } catch (e) { return String(e.message) } }"


def launched() -> Iterator[Any]:
    """A headless chromium, for a pytest fixture to yield."""
    from playwright import sync_api as playwright

    assert Path(CHROMIUM).exists(), "chromium is missing: ./scripts/setup.sh --test installs it"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def mermaid_verdict(browser: Any, text: str) -> str:
    """"ok", or mermaid's error message for `text`."""
    assert MERMAID_JS.exists(), "mermaid is missing: ./scripts/setup.sh --test installs it"
    page = browser.new_page()
    try:
        page.set_content("<!DOCTYPE html><html><body></body></html>")
        page.add_script_tag(path=str(MERMAID_JS))
        return page.evaluate(_PARSE, text)
    finally:
        page.close()
