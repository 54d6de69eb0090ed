"""Errors the user sees.

Every failure the CLI reports is a `ComposerError`: one line, no traceback. Binary decoding
failures carry the byte offset and the path of productions that led to the failing field
(construct-style), so `consumer.wasm: offset 0x1a3: type section > type[3] > instancetype >
decl[2] > exportdecl > name: invalid UTF-8` tells the reader exactly where to look.
"""

from __future__ import annotations


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
