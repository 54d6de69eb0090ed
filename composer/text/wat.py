"""Components written as WebAssembly text (`.wat`): turned into bytes by wasmtime's own
`wat2wasm`, which reads the component text format, so every command takes `.wat` where it
takes `.wasm`. wasmtime is imported only when a text input is met."""

from __future__ import annotations

import re

from ..errors import ComposerError
from .diagnostics import Source, TextError

# wasmtime's message: the reason, then `--> <anon>:LINE:COL` and the source with a caret
_LOCATION = re.compile(r"-->\s*<anon>:(\d+):(\d+)")


def wat_to_binary(text: bytes, display: str) -> bytes:
    """The binary of the component (or module) written in `text`; a syntax error names
    `display`, the line and the column, and shows the line with a caret under the spot."""
    import wasmtime

    try:
        source = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ComposerError(f"WebAssembly text is not UTF-8 (byte {exc.start})", file=display) from None
    try:
        return bytes(wasmtime.wat2wasm(source))
    except wasmtime.WasmtimeError as exc:
        raise _located(str(exc), Source(display, source)) from None


def _located(message: str, source: Source) -> ComposerError:
    """The error at the line and column wasmtime names (shown with the line and a caret,
    as every text error is), or at the file."""
    lines = message.splitlines()
    reason = lines[0].strip() if lines else "invalid WebAssembly text"
    found = _LOCATION.search(message)
    if found is None:
        return ComposerError(reason, file=source.path)
    line, column = int(found.group(1)), int(found.group(2))
    starts = source.line_starts()
    start = starts[line - 1] + column - 1 if line <= len(starts) else len(source.text)
    return TextError(reason, source, start)
