"""Bounds-checked reading of the WebAssembly binary encoding.

Everything that reads bytes goes through `Reader`: it never reads past the end of the range it
was given, checks LEB128 integers for overlong and overflowing encodings the way the core spec
does, checks vector counts against the bytes left before anything is allocated, and reports
every failure as a `BinaryError` at the absolute file offset.
"""

from __future__ import annotations

import math

from ..errors import BinaryError

# Deepest nesting of component/instance/module types and nested components we decode. Real
# components nest a handful of levels; this only stops hostile input from exhausting the stack.
MAX_NESTING = 100
# Longest name (import and export names, labels, ...), as wasmparser has it.
MAX_NAME = 100_000


class Reader:
    """A cursor over `data[pos:end]`; offsets it reports are `base + pos`."""

    __slots__ = ("data", "pos", "end", "base", "depth")

    def __init__(
        self,
        data: bytes | bytearray | memoryview,
        pos: int = 0,
        end: int | None = None,
        base: int = 0,
        depth: int = 0,
    ) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end
        self.base = base
        self.depth = depth

    # -- position ------------------------------------------------------------------------

    @property
    def offset(self) -> int:
        """Absolute offset of the next byte in the file."""
        return self.base + self.pos

    def at_end(self) -> bool:
        return self.pos >= self.end

    def error(self, message: str, offset: int | None = None) -> BinaryError:
        return BinaryError(message, self.offset if offset is None else offset)

    def expect_end(self, what: str) -> None:
        if self.pos != self.end:
            raise self.error(f"{self.end - self.pos} unexpected bytes after the end of {what}")

    def sub(self, length: int) -> "Reader":
        """A reader over the next `length` bytes, which this reader skips."""
        if length > self.end - self.pos:
            raise self.error(
                f"size {length} runs past the end of the data ({self.end - self.pos} bytes left)"
            )
        sub = Reader(self.data, self.pos, self.pos + length, self.base, self.depth)
        self.pos += length
        return sub

    def nested(self) -> None:
        """Enter one more level of type or component nesting (checked against MAX_NESTING)."""
        if self.depth >= MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels")
        self.depth += 1

    def unnest(self) -> None:
        self.depth -= 1

    # -- bytes ---------------------------------------------------------------------------

    def byte(self) -> int:
        if self.pos >= self.end:
            raise self.error("unexpected end of data")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def peek(self) -> int:
        if self.pos >= self.end:
            raise self.error("unexpected end of data")
        return self.data[self.pos]

    def bytes(self, n: int) -> memoryview:
        """The next `n` bytes as a zero-copy view."""
        if n > self.end - self.pos:
            raise self.error(f"needed {n} bytes, only {self.end - self.pos} left")
        view = memoryview(self.data)[self.pos : self.pos + n]
        self.pos += n
        return view

    def rest(self) -> memoryview:
        return self.bytes(self.end - self.pos)

    # -- LEB128 --------------------------------------------------------------------------

    def _unsigned(self, bits: int) -> int:
        data, pos, end = self.data, self.pos, self.end
        if pos < end and data[pos] < 0x80:  # the common one-byte case
            self.pos = pos + 1
            return data[pos]
        start = pos
        max_bytes = math.ceil(bits / 7)
        result = shift = 0
        for i in range(max_bytes):
            if pos >= end:
                self.pos = pos
                raise self.error("unexpected end of data in a LEB128 integer")
            b = data[pos]
            pos += 1
            if i == max_bytes - 1:
                if b & 0x80:
                    raise self.error(f"integer representation too long for u{bits}", self.base + start)
                if b >> (bits - shift):
                    raise self.error(f"integer too large for u{bits}", self.base + start)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        self.pos = pos
        return result

    def _signed(self, bits: int) -> int:
        data, pos, end = self.data, self.pos, self.end
        start = pos
        max_bytes = math.ceil(bits / 7)
        result = shift = 0
        for i in range(max_bytes):
            if pos >= end:
                self.pos = pos
                raise self.error("unexpected end of data in a LEB128 integer")
            b = data[pos]
            pos += 1
            if i == max_bytes - 1:
                if b & 0x80:
                    raise self.error(f"integer representation too long for s{bits}", self.base + start)
                # The bits of the last byte above the value's width must all equal its sign bit.
                used = bits - shift
                high = (b & 0x7F) >> (used - 1)
                if high not in (0, (0x7F >> (used - 1))):
                    raise self.error(f"integer too large for s{bits}", self.base + start)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                break
        self.pos = pos
        return result

    def u32(self) -> int:
        return self._unsigned(32)

    def u64(self) -> int:
        return self._unsigned(64)

    def s32(self) -> int:
        return self._signed(32)

    def s33(self) -> int:
        return self._signed(33)

    def s64(self) -> int:
        return self._signed(64)


    # -- composites ----------------------------------------------------------------------

    def name(self) -> str:
        """`core:name`: a length-prefixed UTF-8 string, of at most `MAX_NAME` bytes."""
        at = self.pos
        data = self.data
        if at < self.end and data[at] < 0x80:  # a one-byte length: nearly every name
            length = data[at]
            self.pos = at + 1
        else:
            length = self.u32()
            if length > MAX_NAME:
                raise self.error(f"name of {length} bytes is longer than {MAX_NAME}", self.base + at)
        start = self.pos
        if length > self.end - start:
            raw = self.bytes(length)  # raises: past the end
        else:
            raw = data[start:start + length]
            self.pos = start + length
        try:
            return str(raw, "utf-8")
        except UnicodeDecodeError as exc:
            raise self.error(f"invalid UTF-8 in a name: {exc.reason}",
                             self.base + start + exc.start) from None

    def count(self, what: str, min_item_size: int = 1) -> int:
        """A vector's item count, refused when the items could not fit in the bytes left."""
        start = self.offset
        n = self.u32()
        if n * min_item_size > self.end - self.pos:
            raise self.error(
                f"{what} count {n} is larger than the {self.end - self.pos} bytes left", start
            )
        return n
