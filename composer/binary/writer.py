"""Writing the WebAssembly binary encoding: the mirror of `reader.py`.

Integers are written in their shortest LEB128 form, which is what wasm-encoder (and so every
toolchain built on it) writes; that is what makes decode-then-encode byte-identical.
"""

from __future__ import annotations

from typing import Callable


def encode_u(value: int) -> bytes:
    """Unsigned LEB128."""
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_s(value: int) -> bytes:
    """Signed LEB128."""
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if (value == 0 and not b & 0x40) or (value == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


class Writer:
    """An append-only byte buffer with the encodings the binary format uses."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def getvalue(self) -> bytes:
        return bytes(self.buf)

    def byte(self, b: int) -> None:
        self.buf.append(b)

    def bytes(self, data: bytes | bytearray | memoryview) -> None:
        self.buf += data

    def u32(self, value: int) -> None:
        if value < 0x80:
            self.buf.append(value)
        else:
            self.buf += encode_u(value)

    u64 = u32

    def s33(self, value: int) -> None:
        self.buf += encode_s(value)


    def name(self, text: str) -> None:
        raw = text.encode("utf-8")
        self.u32(len(raw))
        self.buf += raw

    def sized(self, write_body: Callable[["Writer"], None]) -> None:
        """Write `u32 size` followed by what `write_body` writes (a section payload)."""
        body = Writer()
        write_body(body)
        self.u32(len(body.buf))
        self.buf += body.buf
