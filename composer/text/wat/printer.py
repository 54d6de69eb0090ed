"""The output of the WebAssembly text printer: nesting, lines, and the lexical forms (strings
and identifiers) every part of the printer writes.

Layout follows `wasm-tools print`: a group opens with `(` and its keyword; each item of a
multi-line group starts on its own line, indented two spaces per open group; a group closes
on the line it was opened on if nothing in it broke the line, else on a line of its own.

The printer is a list of text pieces joined once at the end; hot loops (function bodies)
append to `parts` directly with `indent()` rather than calling a method per piece.
"""

from __future__ import annotations

import sys

# The characters of a WebAssembly text identifier (`$name`), from the core text format's
# `idchar`: a name made only of these prints bare, anything else as `$"..."`.
_IDCHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "!#$%&'*+-./:<=>?@\\^_`|~"
)


def _byte_escape(b: int) -> str:
    if 0x20 <= b < 0x7F and b not in (0x22, 0x5C):
        return chr(b)
    return f"\\{b:02x}"


# Every byte as it appears inside a string of bytes (data segments, custom sections).
_BYTE_TEXT = tuple(_byte_escape(b) for b in range(256))


# Every pair of bytes as text, by the pair read as one native 16-bit integer: data segments
# of megabytes print half as many pieces (made on the first long string: 64 Ki strings).
_PAIR_TEXT: list[str] = []
_PAIRS_FROM = 4096  # bytes: shorter strings are cheaper byte by byte than the table's making


def _pair_texts() -> list[str]:
    if not _PAIR_TEXT:
        lo_first = sys.byteorder == "little"
        _PAIR_TEXT.extend(
            _BYTE_TEXT[i & 0xFF] + _BYTE_TEXT[i >> 8] if lo_first else _BYTE_TEXT[i >> 8] + _BYTE_TEXT[i & 0xFF]
            for i in range(65536)
        )
    return _PAIR_TEXT


def bytes_string(data: bytes | memoryview) -> str:
    """`data` as a quoted WebAssembly text string: printable ASCII as itself, every other byte
    (and `"`, `\\`) as a two-digit hex escape, as `wasm-tools print` writes data."""
    data = bytes(data)
    if len(data) < _PAIRS_FROM:
        return '"' + "".join(map(_BYTE_TEXT.__getitem__, data)) + '"'
    even = len(data) & ~1
    text = "".join(map(_pair_texts().__getitem__, memoryview(data)[:even].cast("H")))
    if even != len(data):
        text += _BYTE_TEXT[data[-1]]
    return '"' + text + '"'


def _char_escape(c: str) -> str:
    o = ord(c)
    if 0x20 <= o < 0x7F and c not in '"\\':
        return c
    return f"\\u{{{o:x}}}"


def name_string(name: str) -> str:
    """`name` (a Unicode name: an import, export or custom section name) as a quoted string:
    printable ASCII as itself, every other character (and `"`, `\\`) as `\\u{hex}`."""
    if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name:
        return f'"{name}"'
    return '"' + "".join(map(_char_escape, name)) + '"'


def identifier(name: str) -> str:
    """`name` (from a name section) as an identifier: `$name` when every character is an
    identifier character, else the quoted form `$"..."`."""
    if name and _IDCHARS.issuperset(name):
        return "$" + name
    return "$" + name_string(name)


# wasm-tools indents at most this many levels: deeper lines start at the same column.
MAX_INDENT = 50


class Printer:
    """Accumulates the text. `nesting` is the number of open groups; `line` counts the line
    breaks written so far, so a group knows whether it spans several lines."""

    __slots__ = ("parts", "nesting", "line", "_opened")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.nesting = 0
        self.line = 0
        self._opened: list[int] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def indent(self) -> str:
        """A line break and the indentation of the current nesting."""
        return "\n" + "  " * min(self.nesting, MAX_INDENT)

    def newline(self) -> None:
        self.parts.append("\n" + "  " * min(self.nesting, MAX_INDENT))
        self.line += 1

    def start_group(self, keyword: str) -> None:
        """`(keyword`: further items go after it, on its line or on new lines."""
        self.parts.append("(" + keyword)
        self.nesting += 1
        self._opened.append(self.line)

    def end_group(self) -> None:
        """`)`, on a new line if the group spans several lines."""
        self.nesting -= 1
        if self._opened.pop() != self.line:
            self.newline()
        self.parts.append(")")

    def text(self) -> str:
        return "".join(self.parts)
