"""Components written as WebAssembly text (`.wat`): turned into bytes by wasmtime's own
`wat2wasm`, which reads the component text format, so every command takes `.wat` where it
takes `.wasm`. wasmtime is imported only when a text input is met."""

from __future__ import annotations

import re

from ..errors import ComposerError

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
        raise ComposerError(_located(str(exc), display)) from None


def _located(message: str, display: str) -> str:
    """`FILE:LINE:COL: reason` and the snippet wasmtime drew, or the message as it is."""
    lines = message.splitlines()
    reason = lines[0].strip() if lines else "invalid WebAssembly text"
    found = _LOCATION.search(message)
    if found is None:
        return f"{display}: {reason}"
    snippet = [line for line in lines[1:] if "-->" not in line]
    return "\n".join([f"{display}:{found.group(1)}:{found.group(2)}: {reason}", *snippet]).rstrip()
