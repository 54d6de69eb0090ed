"""The WebAssembly text printer: components and core modules as text, as `wasm-tools print`
writes them (`compose print`, `-t/--wat`).

`print_wasm(data)` prints a component or a core module; `skeleton=True` leaves out function
bodies and the contents of data and element segments, for reading large components.
"""

from __future__ import annotations

from ...errors import BinaryError


def print_wasm(data: bytes | memoryview, *, skeleton: bool = False) -> str:
    """The text of a binary component or core module, ending in a newline. Malformed bytes
    raise `BinaryError` at their offset."""
    raise BinaryError("the WebAssembly text printer is not written yet", 0)
