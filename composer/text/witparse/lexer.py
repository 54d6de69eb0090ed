"""WIT's tokens (WIT.md, Lexical structure), read on demand with their character spans.

Comments are whitespace, except doc comments (`/// ...` and `/** ... */`), which are kept
on the token that follows them so the parser can give them to the item they document.
Block comments nest. Every loop here advances at least one character: time is linear in the
input and nothing backtracks.
"""

from __future__ import annotations

from ...record import Record
from ..diagnostics import Source, TextError
from ...model.names import is_label

KEYWORDS = frozenset({
    "as", "async", "bool", "borrow", "char", "constructor", "enum", "export", "f32", "f64",
    "flags", "from", "func", "future", "import", "include", "interface", "list", "map",
    "option", "own", "package", "record", "resource", "result", "s16", "s32", "s64", "s8",
    "static", "stream", "string", "tuple", "type", "u16", "u32", "u64", "u8", "use",
    "variant", "with", "world", "error-context",
})

# Single-character operators; `->` is the one two-character operator.
OPERATORS = frozenset("=,:;(){}<>*/.@_")

_ID_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ID_CHARS = _ID_START | frozenset("0123456789-")
_DIGITS = frozenset("0123456789")
_SPACE = frozenset(" \t\n\r")


class Token(Record):
    """`kind` is `id` (a plain or `%`-escaped identifier; `text` without the `%`),
    `keyword`, `integer`, `string`, `eof`, or the operator itself (`{`, `->`, ...)."""

    kind: str
    text: str
    start: int
    end: int
    comments: tuple[str, ...] = ()  # every comment between the previous token and this one
    space_before: bool = True  # whitespace or a comment separates it from the previous token

    def describe(self) -> str:
        """The token as error messages name it, as wit-parser does."""
        if self.kind == "eof":
            return "eof"
        if self.kind == "keyword":
            return f"keyword `{self.text}`"
        if self.kind == "id":
            return "an identifier"
        if self.kind == "integer":
            return "an integer"
        if self.kind == "string":
            return "a string"
        return f"'{self.kind}'"


def _forbidden(ch: str) -> bool:
    """Control codes other than tab and line breaks, and bidirectional overrides, which
    could make the text read differently from what it means."""
    o = ord(ch)
    if o < 0x20:
        return ch not in "\t\n\r"
    return o == 0x7F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069 or o in (0x200E, 0x200F)


class Lexer:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.pos = 0

    def error(self, message: str, start: int, end: int | None = None) -> TextError:
        return TextError(message, self.source, start, end)

    def next(self) -> Token:
        docs: list[str] = []
        start_pos = self.pos
        self._skip(docs)
        text, n, i = self.text, len(self.text), self.pos
        space = self.pos != start_pos or start_pos == 0
        if i >= n:
            return Token("eof", "", n, n, tuple(docs), space)
        ch = text[i]
        if ch in _ID_START or (ch == "%" and i + 1 < n and text[i + 1] in _ID_START):
            explicit = ch == "%"
            j = i + 1
            while j < n and text[j] in _ID_CHARS:
                j += 1
            self.pos = j
            word = text[i + 1 if explicit else i:j]
            if not explicit and word in KEYWORDS:
                return Token("keyword", word, i, j, tuple(docs), space)
            self._check_id(word, i, j)
            return Token("id", word, i, j, tuple(docs), space)
        if ch in _DIGITS:
            j = i
            while j < n and text[j] in _DIGITS:
                j += 1
            self.pos = j
            return Token("integer", text[i:j], i, j, tuple(docs), space)
        if ch == "-" and text.startswith("->", i):
            self.pos = i + 2
            return Token("->", "->", i, i + 2, tuple(docs), space)
        if ch in OPERATORS:
            self.pos = i + 1
            return Token(ch, ch, i, i + 1, tuple(docs), space)
        if ch == '"':
            return self._string(i, tuple(docs), space)
        if ch == "%":
            raise self.error("expected an identifier after `%`", i)
        raise self.error(f"invalid character in identifier {ch!r}" if ch.isalpha()
                         else f"unexpected character {ch!r}", i)

    def _check_id(self, word: str, start: int, end: int) -> None:
        if not is_label(word):
            if word.endswith("-") or "--" in word:
                raise self.error(f"identifier `{word}` has an empty part between `-`", start, end)
            raise self.error(f"identifier `{word}` is not in kebab case (each part all lower "
                             "case or all upper case, the first starting with a letter)",
                             start, end)

    def _string(self, i: int, docs: tuple[str, ...], space: bool) -> Token:
        text, n = self.text, len(self.text)
        j, out = i + 1, []
        while True:
            if j >= n or text[j] == "\n":
                raise self.error("unterminated string", i)
            ch = text[j]
            if ch == '"':
                break
            if ch == "\\":
                esc = text[j + 1:j + 2]
                simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
                if esc in simple:
                    out.append(simple[esc])
                    j += 2
                    continue
                raise self.error("unsupported escape in string", j, j + 2)
            out.append(ch)
            j += 1
        self.pos = j + 1
        return Token("string", "".join(out), i, j + 1, docs, space)

    def _skip(self, docs: list[str]) -> None:
        """Whitespace and comments; every comment's text goes to `docs` (which of them are
        documentation is `doc_text`'s business)."""
        text, n = self.text, len(self.text)
        i = self.pos
        while i < n:
            ch = text[i]
            if ch in _SPACE:
                i += 1
            elif text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j == -1 else j
                docs.append(text[i:j])
                self._check_chars(i, j)
                i = j
            elif text.startswith("/*", i):
                j = self._block_end(i)
                docs.append(text[i:j])
                i = j
            elif _forbidden(ch):
                raise self.error(f"control character {ch!r} is not allowed in WIT", i)
            else:
                break
        self.pos = i

    def _block_end(self, start: int) -> int:
        """The end of the (nested) block comment at `start`."""
        text, n = self.text, len(self.text)
        depth, i = 0, start
        while i < n:
            if text.startswith("/*", i):
                depth += 1
                i += 2
            elif text.startswith("*/", i):
                depth -= 1
                i += 2
                if depth == 0:
                    return i
            else:
                if _forbidden(text[i]) and text[i] not in "\t\n\r":
                    raise self.error(f"control character {text[i]!r} is not allowed in WIT", i)
                i += 1
        raise self.error("unterminated block comment", start, start + 2)

    def _check_chars(self, start: int, end: int) -> None:
        for k in range(start, end):
            if _forbidden(self.text[k]):
                raise self.error(f"control character {self.text[k]!r} is not allowed in WIT", k)

    def version_end(self, start: int) -> int:
        """Where a semantic version starting at `start` ends: its characters are digits,
        letters, `.`, `-` and `+`; a final `.` belongs to what follows (`@1.0.0.{a}`)."""
        text, n = self.text, len(self.text)
        j = start
        while j < n and (text[j].isascii() and (text[j].isalnum() or text[j] in ".-+")):
            j += 1
        while j > start and text[j - 1] == ".":
            j -= 1
        return j


def doc_text(comments: tuple[str, ...]) -> str | None:
    """The documentation the comments before an item make, by wit-parser 1.262's rule: every
    comment counts, not only `///` and `/** */` (`/**` and `*/` are cut from block doc
    comments, leading slashes from the rest: `/* a */` documents `* a */`); each is trimmed
    at the end, and the indentation all non-empty ones share is removed."""
    if not comments:
        return None
    parts = []
    for c in comments:
        body = c[3:-2] if c.startswith("/**") and len(c) >= 5 else c.lstrip("/")
        parts.append(body.rstrip())
    widths = [len(p) - len(p.lstrip(" \t\n\r\f")) for p in parts if p]
    indent = " " * min(widths, default=0)
    lines: list[str] = []
    for p in parts:
        p = p.removeprefix(indent) if indent else p
        lines.extend(p.splitlines() if p else [""])
    text = "\n".join(lines).rstrip("\n")
    return text
