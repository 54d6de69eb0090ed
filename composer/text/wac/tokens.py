"""WAC's tokens, read on demand with their character spans.

Whitespace and comments are WIT's (nested block comments, every comment kept on the token that
follows it); the tokens are read the way wac-parser's lexer reads them:

* package names and paths are single tokens, read greedily when written without spaces:
  `foo:bar@1.0.0` is a `package-name`, `foo:bar/baz@1.0.0` a `package-path` (`a:b` is a
  package name even where an identifier and a `:` were meant, as in wac);
* identifiers are `%`? then words joined by `-`, each word all lower case or all upper case
  and starting with a letter (`fooBar` is three tokens, as in wac);
* strings run from `"` to the next `"`, line breaks included, with no escapes;
* there are no integers (a digit outside a version is an unexpected character), and
  `...`, `[`, `]` and `=` are operators.

Each token is one match of a compiled regular expression (whitespace, then one of the
alternatives above, a word read in one pass; no alternative backtracks past a character
class), so reading is linear, and a document of 100,000 statements is read in about half a
second.

Control characters, bidirectional overrides and codepoints Unicode discourages are refused
anywhere in the text before any token is read, as wac does.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator, NamedTuple

from ...diagnostics import Source, TextError

KEYWORDS = frozenset({
    "import", "with", "type", "tuple", "list", "option", "result", "borrow", "resource",
    "variant", "record", "flags", "enum", "func", "static", "constructor", "u8", "s8", "u16",
    "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char", "bool", "string", "interface",
    "world", "export", "new", "let", "use", "include", "as", "package", "targets",
})

OPERATORS = frozenset(";{}:=()<>_[].,/@")

# Codepoints deprecated or discouraged by Unicode 13 (Latin, Arabic, Tibetan, Khmer).
_DISCOURAGED = "\u0149\u0673\u0f77\u0f79\u17a3\u17a4\u17b4\u17b5"
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      + _DISCOURAGED + "]")

_WORD = r"(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)"
_ID = rf"%?{_WORD}(?:-{_WORD})*"
_VERSION = r"(?:@[0-9A-Za-z.+-]+)?"
# whitespace, then an identifier, package name or package path (read in one pass: the longest
# of the three that fits; a `:` tells a package name, a `/` after it a path), an operator (a
# `/` where no comment starts), a string, a comment, or what no token starts with
# (`lastgroup` says which)
_TOKEN = re.compile(
    rf"""[ \t\r\n]*(?:
    (?P<word>{_ID}(?:(?::{_ID})+(?:/{_ID})*{_VERSION})?)
  | (?P<op>\.\.\.|->|[;{{}}:=()<>_\[\].,@]|/(?![/*]))
  | "(?P<str>[^"]*)"
  | (?P<line>//[^\n]*)
  | (?P<block>/\*)
  | (?P<other>.|\Z)
)""", re.VERBOSE | re.DOTALL)
_BLOCK_MARK = re.compile(r"/\*|\*/")


class WacToken(NamedTuple):
    """`kind` is `id` (text without the `%`), `str` (text between the quotes),
    `package-name`, `package-path`, `keyword`, `eof`, or the operator itself; `start` and `end`
    its character span. `comments` are the comments between the previous token and this one,
    `comment_starts[i]` where `comments[i]` starts. `key` is what the grammar matches the
    token by: a keyword's word, else its kind. (A tuple, made by `tuple.__new__`: a document
    has hundreds of thousands of tokens, and a class's `__init__` was a good part of reading
    them.)"""

    key: str
    kind: str
    text: str
    start: int
    end: int
    comments: tuple[str, ...]
    comment_starts: tuple[int, ...]


def describe(what: str) -> str:
    """A token kind (as `key` gives it, or `eof`) as error messages name it, in wac's words."""
    named = {"id": "identifier", "str": "string literal", "package-name": "package name",
             "package-path": "package path", "eof": "end of input"}
    if what in named:
        return named[what]
    if what in KEYWORDS:
        return f"`{what}` keyword"
    return f"`{what}`"


def check_characters(source: Source) -> None:
    """Refuse characters that can make a text read differently from what it means: control
    codes (but tab and line breaks), bidirectional overrides (CVE-2021-42574), and codepoints
    Unicode discourages. Checked over the whole text first, as wac does."""
    m = _REFUSED.search(source.text)
    if m is None:
        return
    i, ch = m.start(), m.group()
    o = ord(ch)
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        message = f"bidirectional override character U+{o:04X} is not allowed"
    elif ch in _DISCOURAGED:
        message = f"character U+{o:04X} is discouraged by Unicode and not allowed"
    else:
        message = f"control character U+{o:04X} is not allowed"
    raise TextError(message, source, i, i + 1)


class WacLexer:
    """WAC's tokens, one at a time (`next`), each read when asked for, as wac's lexer reads
    them: so an error earlier in the text is the one reported, not an unreadable character
    further on."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.next: Callable[[], WacToken] = self._tokens().__next__  # the next token

    def error(self, message: str, start: int, end: int | None = None) -> TextError:
        return TextError(message, self.source, start, end)

    def _tokens(self) -> Iterator[WacToken]:
        # a generator, its state in local variables: the cheapest way Python has to keep it
        text, match, new, keywords = self.text, _TOKEN.match, tuple.__new__, KEYWORDS
        no: tuple = ()
        pos = 0
        while True:
            m = match(text, pos)
            group = m.lastgroup  # type: ignore[union-attr]
            comments = starts = no
            if group == "line" or group == "block":
                m, group, comments, starts = self._comments(m)  # type: ignore[arg-type]
            pos = end = m.end()  # type: ignore[union-attr]
            value = m.group(group)  # type: ignore[union-attr]
            if group == "word":
                if value in keywords:
                    yield new(WacToken, (value, "keyword", value, end - len(value), end,
                                         comments, starts))
                elif ":" in value:
                    kind = "package-path" if "/" in value else "package-name"
                    yield new(WacToken, (kind, kind, value, end - len(value), end, comments,
                                         starts))
                else:
                    yield new(WacToken, ("id", "id", value.removeprefix("%"), end - len(value),
                                         end, comments, starts))
            elif group == "op":
                yield new(WacToken, (value, value, value, end - len(value), end, comments, starts))
            elif group == "str":
                yield new(WacToken, ("str", "str", value, end - len(value) - 2, end, comments,
                                     starts))
            else:  # a character no token starts with, or the end
                i = m.start(group)  # type: ignore[union-attr]
                if i < len(text):
                    if text[i] == '"':
                        raise self.error("unterminated string", i, i + 1)
                    raise self.error(f"unexpected character `{text[i]}`", i, i + 1)
                yield new(WacToken, ("eof", "eof", "", i, i, comments, starts))
                eof = new(WacToken, ("eof", "eof", "", i, i, no, no))  # (asked for again)
                while True:
                    yield eof

    def _comments(self, m: re.Match) -> tuple[re.Match, str, tuple[str, ...], tuple[int, ...]]:
        """Past one or more comments: the match of what follows them, its group, and the
        comments with their places (kept on the token that follows)."""
        text = self.text
        comments: list[str] = []
        starts: list[int] = []
        group = m.lastgroup
        while group == "line" or group == "block":
            i = m.start(group)
            j = m.end() if group == "line" else self._block_end(i)
            comments.append(text[i:j])
            starts.append(i)
            m = _TOKEN.match(text, j)  # type: ignore[assignment]
            group = m.lastgroup
        return m, group, tuple(comments), tuple(starts)  # type: ignore[return-value]

    def _block_end(self, start: int) -> int:
        """The end of the (nested) block comment at `start`."""
        depth = 0
        for m in _BLOCK_MARK.finditer(self.text, start):
            depth += 1 if m.group() == "/*" else -1
            if depth == 0:
                return m.end()
        raise self.error("unterminated block comment", start, start + 2)
