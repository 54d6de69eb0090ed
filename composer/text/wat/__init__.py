"""The WebAssembly text printer: components and core modules as text, as `wasm-tools print`
writes them (`compose print`, `-t/--wat`).

`print_wasm(data)` prints a component or a core module; `skeleton=True` leaves out function
bodies and the contents of data and element segments, for reading large components.
"""

from __future__ import annotations

from .component import print_component
from .module import print_module
from .printer import Printer

# The layer field of the preamble (bytes 6..8): what follows the magic and version.
_CORE_LAYER = b"\x00\x00"


def print_wasm(data: bytes | memoryview, *, skeleton: bool = False) -> str:
    """The text of a binary component or core module, ending in a newline. Malformed bytes
    raise `BinaryError` at their offset."""
    p = Printer()
    if bytes(data[:4]) == b"\x00asm" and bytes(data[6:8]) == _CORE_LAYER:
        print_module(p, data, skeleton=skeleton)
    else:
        # a component, or not WebAssembly at all: the component's preamble check says which
        print_component(p, data, skeleton=skeleton)
    p.write("\n")
    return p.text()
