"""Errors in text inputs (WIT, WAC) with the place they were found, rendered the way good
compilers do: `FILE:LINE:COL: message`, then the line with a caret under the offending span.

Offsets are indices into the decoded text (characters, not bytes), so columns count
characters as an editor does; lines and columns are 1-based.
"""

from __future__ import annotations

import bisect

from .errors import ComposerError, printable
from .record import Record


class Source(Record, identity=True):
    """One text input: where it came from (as the user named it) and its contents.

    Compared by identity: two files with the same text are still two places."""

    path: str
    text: str

    def line_starts(self) -> list[int]:
        # computed on demand: only an error needs it, and then once or twice
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts()
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of 1-based line `line`, without its line break."""
        lines = self.text.split("\n")
        if not 1 <= line <= len(lines):
            return ""
        return lines[line - 1].rstrip("\r")


# A line longer than this is shown cut around the error, so a minified file does not flood
# the terminal.
_MAX_SHOWN = 200


class TextError(ComposerError):
    """An error at a place in a text file: `path`, 1-based `line` and `column`, and the
    length of the offending span (`width`, at least 1 for the caret)."""

    def __init__(self, message: str, source: Source | None = None, start: int = 0,
                 end: int | None = None, *, path: str | None = None, line: int = 0,
                 column: int = 0) -> None:
        super().__init__(message, file=source.path if source else path)
        self.source = source
        if source is not None:
            line, column = source.line_col(start)
            end_line, end_col = source.line_col(end if end is not None else start + 1)
            width = end_col - column if end_line == line else len(source.line_text(line)) - column + 1
        else:
            width = 1
        self.path = source.path if source else path
        self.line = line
        self.column = column
        self.width = max(1, width)

    @classmethod
    def at(cls, message: str, span: "object") -> "TextError":
        """An error at a span: anything with `source`, `start` and `end`."""
        return cls(message, span.source, span.start, span.end)  # type: ignore[attr-defined]

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else str(self.path or "")

    def __str__(self) -> str:
        return "\n".join(self.shown())

    def headline(self) -> str:
        return f"{self.location()}: {self.message}" if self.path else self.message

    def shown(self) -> list[str]:
        """The message line, then the line of the error with a caret under its span; what
        the line holds is escaped as the message is (`printable`), the caret moved with it."""
        head = self.headline()
        if self.source is None or not self.line:
            return [printable(head)]
        text = self.source.line_text(self.line).expandtabs(1)
        col, width = self.column, self.width
        if len(text) > _MAX_SHOWN:
            # show a window around the column
            lo = max(0, col - 1 - _MAX_SHOWN // 2)
            text = ("..." if lo else "") + text[lo:lo + _MAX_SHOWN]
            col = col - lo + (3 if lo else 0)
        width = max(1, min(width, len(text) - col + 1))
        before, span = printable(text[:col - 1]), printable(text[col - 1:col - 1 + width])
        gutter = " " * len(str(self.line))
        return [printable(head), f"{gutter} |",
                f"{self.line} | {before}{span}{printable(text[col - 1 + width:])}",
                f"{gutter} | {' ' * len(before)}{'^' * max(1, len(span))}"]


class LoadingError(ComposerError):
    """An error inside a file a document loads (a package's WIT or WAT), shown once, at its
    own place: a line saying what the document was loading, from where (FILE:LINE:COL of
    the mention), then the file's error with its line and caret. (The mention's line is not
    drawn too: two carets would leave the reader to guess which one is the mistake.)"""

    def __init__(self, message: str, source: Source, start: int, inner: ComposerError) -> None:
        super().__init__(message, file=source.path)
        self.line, self.column = source.line_col(start)
        self.inner = inner

    def headline(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def shown(self) -> list[str]:
        return [printable(self.headline()), *self.inner.shown()]

    def __str__(self) -> str:
        return "\n".join(self.shown())
