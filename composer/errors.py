"""Errors the user sees.

Every failure the CLI reports is a `ComposerError`: one line, no traceback. Binary decoding
failures carry the byte offset and the path of productions that led to the failing field
(construct-style), so `consumer.wasm: offset 0x1a3: type section > type[3] > instancetype >
decl[2] > exportdecl > name: invalid UTF-8` tells the reader exactly where to look.
"""

from __future__ import annotations

import re

# What acts on a terminal instead of showing: C0 and C1 controls and DEL (a newline splits a
# one-line message, ESC starts a sequence that can set the window title or move the cursor),
# the Unicode line and paragraph separators, the bidirectional overrides and isolates (which
# reorder what follows them), and lone surrogates (a file name's undecodable bytes, which no
# stream can encode). Names in inputs may hold them: a core module's names are any string.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte `os.fsdecode` could not decode: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{{{code:04x}}}"


def printable(text: str) -> str:
    """`text` as it may be shown on a terminal, in one line: each character of
    `_UNPRINTABLE` written as an escape (`\\n`, `\\x1b`, `\\u{202e}`). Applied where messages
    and reports are rendered, never to what is stored or compared."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)


class ComposerError(Exception):
    """An error reported to the user as a single line; exit status 1."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file

    def with_file(self, file: str) -> "ComposerError":
        """Attach the file the error was found in, keeping an already attached one."""
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message

    def headline(self) -> str:
        """The error in one line: the file and what is wrong (without a text input's
        excerpt)."""
        return str(self)

    def shown(self) -> list[str]:
        """The lines that report the error, escaped for a terminal (`printable`): the
        message, then (for text inputs) the place it points at."""
        return [printable(self.headline())]


class LocatedError(ComposerError):
    """An error at a byte offset of a file, with the path of productions (or nested
    components and sections) that leads there."""

    def __init__(self, message: str, offset: int | None = None, *, file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.offset = offset
        # Innermost first; appended to while the error unwinds, reversed for display.
        self.path: list[str] = []

    def add_context(self, label: str) -> "LocatedError":
        self.path.append(label)
        return self

    # Deeply nested input gives long paths; show both ends of them.
    PATH_HEAD, PATH_TAIL = 3, 4

    def path_text(self) -> str:
        path = list(reversed(self.path))
        if len(path) > self.PATH_HEAD + self.PATH_TAIL + 1:
            hidden = len(path) - self.PATH_HEAD - self.PATH_TAIL
            path = [*path[: self.PATH_HEAD], f"... {hidden} more ...", *path[-self.PATH_TAIL :]]
        return " > ".join(path)

    def __str__(self) -> str:
        where = [f"offset {self.offset:#x}"] if self.offset is not None else []
        if self.path:
            where.append(self.path_text())
        text = ": ".join([*where, self.message])
        return f"{self.file}: {text}" if self.file else text


class BinaryError(LocatedError):
    """Malformed binary input at a byte offset."""

    def __init__(self, message: str, offset: int, *, file: str | None = None) -> None:
        super().__init__(message, offset, file=file)


class ValidationError(LocatedError):
    """A component that decodes but breaks a rule of the component model; located at the
    definition that breaks it once the walk knows which one that is."""


class CompositionError(ComposerError):
    """A composition that cannot be built from the given inputs."""
