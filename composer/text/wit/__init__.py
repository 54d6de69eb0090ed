"""The WIT front end: WIT documents read, decoded, and printed, all through one model.

    model.py    the document model: packages, interfaces, worlds, with component-model types
    parse/      WIT text (a file, a folder with `deps/`) read into the model: `read_wit`
    decode.py   a component's types (or a WIT package in binary form) as the model
    printer.py  the model as WIT text, laid out as `wasm-tools component wit` lays it out

Each reads the model, none the others' insides: the reader takes a package in binary form
from `decode` already resolved.
"""

from __future__ import annotations

from .parse import gc_paused, read_wit

__all__ = ["read_wit", "gc_paused"]
