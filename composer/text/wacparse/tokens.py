"""WAC's tokens, read on demand with their character spans.

Whitespace and comments are WIT's (nested block comments, every comment kept on the token that
follows it), so the WIT lexer's skipping is reused; what differs is the tokens themselves, read
the way wac-parser's lexer reads them:

* package names and paths are single tokens, read greedily when written without spaces:
  `foo:bar@1.0.0` is a `package-name`, `foo:bar/baz@1.0.0` a `package-path` (`a:b` is a
  package name even where an identifier and a `:` were meant, as in wac);
* identifiers are `%`? then words joined by `-`, each word all lower case or all upper case
  and starting with a letter (`fooBar` is three tokens, as in wac);
* strings run from `"` to the next `"`, line breaks included, with no escapes;
* there are no integers (a digit outside a version is an unexpected character), and
  `...`, `[`, `]` and `=` are operators.

Control characters, bidirectional overrides and codepoints Unicode discourages are refused
anywhere in the text before any token is read, as wac does.
"""

from __future__ import annotations

from ..diagnostics import Source, TextError
from ..witparse.lexer import Lexer, Token

KEYWORDS = frozenset({
    "import", "with", "type", "tuple", "list", "option", "result", "borrow", "resource",
    "variant", "record", "flags", "enum", "func", "static", "constructor", "u8", "s8", "u16",
    "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char", "bool", "string", "interface",
    "world", "export", "new", "let", "use", "include", "as", "package", "targets",
})

OPERATORS = frozenset(";{}:=()<>_[].,/@")

_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_LOWER_WORD = _LOWER | _DIGITS
_UPPER_WORD = _UPPER | _DIGITS
_SEMVER_CHARS = _LOWER | _UPPER | _DIGITS | frozenset("-.+")

# Codepoints deprecated or discouraged by Unicode 13 (Latin, Arabic, Tibetan, Khmer).
_DISCOURAGED = frozenset("\u0149\u0673\u0f77\u0f79\u17a3\u17a4\u17b4\u17b5")


class WacToken(Token):
    """A WIT `Token` with WAC's kinds: `id` (text without the `%`), `str` (text between the
    quotes), `package-name`, `package-path`, `keyword`, `eof`, or the operator itself.
    `comment_starts[i]` is where `comments[i]` starts in the text."""

    comment_starts: tuple[int, ...] = ()


def key(tok: Token) -> str:
    """What the grammar matches a token by: a keyword's word, else its kind."""
    return tok.text if tok.kind == "keyword" else tok.kind


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
    for i, ch in enumerate(source.text):
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n\r") or 0x7F <= o <= 0x9F:
            message = f"control character U+{o:04X} is not allowed"
        elif 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            message = f"bidirectional override character U+{o:04X} is not allowed"
        elif ch in _DISCOURAGED:
            message = f"character U+{o:04X} is discouraged by Unicode and not allowed"
        else:
            continue
        raise TextError(message, source, i, i + 1)


class WacLexer(Lexer):
    """WAC's tokens; whitespace and comments are skipped by the WIT lexer's `_skip`."""

    def next(self) -> WacToken:
        comments: list[str] = []
        gap = self.pos
        self._skip(comments)
        text, n, i = self.text, len(self.text), self.pos

        def token(kind: str, value: str, start: int, end: int) -> WacToken:
            self.pos = end
            return WacToken(kind, value, start, end, tuple(comments),
                            comment_starts=self._comment_starts(gap, comments))

        if i >= n:
            return token("eof", "", n, n)
        ch = text[i]
        end = self._id_end(i)
        if end is not None:
            kind, j = self._package_end(i, end)
            if kind is not None:
                return token(kind, text[i:j], i, j)
            word = text[i:end]
            if word in KEYWORDS:
                return token("keyword", word, i, end)
            return token("id", word.removeprefix("%"), i, end)
        if ch == '"':
            close = text.find('"', i + 1)
            if close == -1:
                raise self.error("unterminated string", i, i + 1)
            return token("str", text[i + 1:close], i, close + 1)
        for op in ("...", "->"):
            if text.startswith(op, i):
                return token(op, op, i, i + len(op))
        if ch in OPERATORS:
            return token(ch, ch, i, i + 1)
        raise self.error(f"unexpected character `{ch}`", i, i + 1)

    def _comment_starts(self, gap: int, comments: list[str]) -> tuple[int, ...]:
        """Where each skipped comment starts: between the previous token and this one there is
        only whitespace and these comments, in order, so each is the first match of its text."""
        starts = []
        for c in comments:
            gap = self.text.find(c, gap)
            starts.append(gap)
            gap += len(c)
        return tuple(starts)

    def _package_end(self, i: int, end: int) -> tuple[str | None, int]:
        """The package name (`id (: id)+ (@ version)?`) or path (with `(/ id)+` before the
        version) that the identifier at `i..end` begins, read as far as it goes, as wac's
        lexer does: `(kind, end)`, or `(None, end)` when no `:` and identifier follow."""
        text, n = self.text, len(self.text)
        j = end
        while j < n and text[j] == ":" and (k := self._id_end(j + 1)) is not None:
            j = k
        if j == end:
            return None, end
        kind = "package-name"
        while j < n and text[j] == "/" and (k := self._id_end(j + 1)) is not None:
            j, kind = k, "package-path"
        if j + 1 < n and text[j] == "@" and text[j + 1] in _SEMVER_CHARS:
            j += 1
            while j < n and text[j] in _SEMVER_CHARS:
                j += 1
        return kind, j

    def _id_end(self, i: int) -> int | None:
        """The end of the identifier at `i` (`%`? word (`-` word)*), or None if there is none."""
        text = self.text
        j = i + 1 if text.startswith("%", i) else i
        j = self._word_end(j)
        if j is None:
            return None
        while text.startswith("-", j) and (k := self._word_end(j + 1)) is not None:
            j = k
        return j

    def _word_end(self, i: int) -> int | None:
        """The end of the word at `i`: a letter, then letters of its case and digits."""
        text, n = self.text, len(self.text)
        if i >= n:
            return None
        chars = _LOWER_WORD if text[i] in _LOWER else _UPPER_WORD if text[i] in _UPPER else None
        if chars is None:
            return None
        j = i + 1
        while j < n and text[j] in chars:
            j += 1
        return j

