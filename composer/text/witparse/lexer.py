"""WIT's tokens (WIT.md, Lexical structure), read as wit-parser 1.262 reads them.

Speed matters (a 50 MB file must read in seconds), so the text is cut into tokens in bulk:
one `re.split` over the whole text (C code) gives every token with the whitespace and
comments before it, and a token is not an object but an index into three lists: its text
(`toks`), its kind (`kinds`) and what came before it (`gaps`). Where that pattern cannot go
on (block comments, string literals, words with non-ASCII letters, stray characters), the
rest of the file is read token by token by plain code (`_read_slowly`), which also finds
where each token is when a message needs it (`start`): offsets are not kept, as only an
error needs them.

Errors are reported when the parser reaches them, as wit-parser does: a lexical error
becomes an `error` token, raised when it becomes the current one, so a syntax error earlier
in a file wins. Before any token, the whole text is searched once for code points WIT
refuses anywhere (`check_input`). Documentation is cut from the comments before an item
only when an item asks for it (`docs`). Every loop advances: time is linear in the input.

Kinds: a keyword is its own word (`interface`), `id` a plain identifier, `%id` an explicit
one (`%type`), `int` an integer, `str` a string literal, `eof` the end, and an operator is
itself (`{`, `->`, `-`, `+`, ...). Identifiers are checked when the parser takes one
(`validate_id`), not when read, as wit-parser does.

`Token` and `Lexer` are the comment-skipping base WAC's lexer builds on.
"""

from __future__ import annotations

import re
from itertools import accumulate
from operator import methodcaller, sub

from ...record import Record
from ...diagnostics import Source, TextError

KEYWORDS = frozenset({
    "as", "async", "bool", "borrow", "char", "constructor", "enum", "export", "f32", "f64",
    "flags", "from", "func", "future", "import", "include", "interface", "list", "map",
    "option", "own", "package", "record", "resource", "result", "s16", "s32", "s64", "s8",
    "static", "stream", "string", "tuple", "type", "u16", "u32", "u64", "u8", "use",
    "variant", "with", "world", "error-context", "_",
})

# Code points refused anywhere in a file, comments included: control codes other than tab
# and line breaks (Unicode's Cc), bidirectional overrides, which can make text read
# differently from what it means (CVE-2021-42574), and code points Unicode deprecates or
# discourages (U+0149, U+0673, U+0F77, U+0F79, U+17A3, U+17A4, U+17B4, U+17B5).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      "\u0149\u0673\u0f77\u0f79\u17a3\u17a4\u17b4\u17b5]")

_SPACE = r"(?:[ \t\n]++|\r\n)*+"  # a `\r` is whitespace only before `\n`
_COMMON_TOKEN = r"""
    [A-Za-z_][A-Za-z0-9_\-]*+(?![^\x00-\x7f])    # a word not going on with non-ASCII
  | [=,:.;(){}<>*@+] | -> | - | /(?![/*])
  | [0-9]++
  | %[A-Za-z_][A-Za-z0-9_\-]*+(?![^\x00-\x7f])
"""
# (whitespace and line comments before a token) (the token): what `re.split` cuts the text
# into. Possessive repetitions: no backtracking whatever the input. A word never starts
# inside another (the lookbehind): where a word is refused (it goes on with non-ASCII),
# `re.split` tries the next position, and each would read the rest of the word again
# (a 65 KB word took 6 s); what is left over is not space, and read slowly.
_SPLIT = re.compile(rf"""
    ({_SPACE}(?://[^\n]*+{_SPACE})*+)
    ((?<![A-Za-z0-9_\-]){_COMMON_TOKEN.lstrip()})""", re.VERBOSE).split
_ONLY_SPACE = re.compile(rf"{_SPACE}(?://[^\n]*+{_SPACE})*+", re.VERBOSE).fullmatch

# The same, one token at a time from a given offset, for `_read_slowly`: a word followed by
# non-ASCII, and whatever else the pattern does not read, is left to plain code (`o`).
_TOKEN = re.compile(rf"""
    {_SPACE}(?://[^\n]*+{_SPACE})*+
    (?:(?P<t>{_COMMON_TOKEN}) | (?P<o>))""", re.VERBOSE).match


class _Kinds(dict):  # type: ignore[type-arg]
    """A token's text -> its kind, filled as new texts are seen."""

    def __missing__(self, tok: str) -> str:
        ch = tok[0]
        if tok in KEYWORDS or not (ch.isalpha() or ch in "_%0123456789"):
            kind = tok  # a keyword or an operator
        elif ch == "%":
            kind = "%id"
        elif ch.isdigit():
            kind = "int"
        else:
            kind = "id"
        self[tok] = kind
        return kind


_KIND = _Kinds()

# What a token kind is called in messages, in wit-parser's words.
_DESCRIBED = {"id": "an identifier", "%id": "an '%' identifier", "int": "an integer",
              "str": "a string literal", "eof": "eof", "->": "`->`", "*": "`*`", "@": "`@`",
              "/": "`/`", "+": "`+`", "-": "`-`"}


def describe(kind: str) -> str:
    """A token kind as wit-parser's messages name it (`found keyword `type``)."""
    if kind in _DESCRIBED:
        return _DESCRIBED[kind]
    if kind in KEYWORDS:
        return f"keyword `{kind}`"
    return f"'{kind}'"


def check_input(source: Source) -> None:
    """Refuse the code points WIT allows nowhere (see `_REFUSED`), at the first one."""
    m = _REFUSED.search(source.text)
    if m is None:
        return
    ch = m.group()
    o = ord(ch)
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        what = "bidirectional override character"
    elif o < 0x20 or 0x7F <= o <= 0x9F:
        what = "control character"
    else:
        what = "character Unicode discourages:"
    raise TextError(f"{what} U+{o:04X} is not allowed in WIT", source, m.start(), m.end())


def _keylike_start(ch: str) -> bool:
    """A character a word starts with: Unicode's XID_Start, or `_`."""
    return ch.isidentifier()


def _keylike_continue(ch: str) -> bool:
    """A character a word goes on with: Unicode's XID_Continue, or `-`."""
    return ch == "-" or ("a" + ch).isidentifier()


class Span:
    """Where tokens `first` to `last` of a file are, found only when asked (a message):
    `source`, `start` and `end`, as `TextError.at` takes them."""

    __slots__ = ("tokens", "first", "last")

    def __init__(self, tokens: "Tokens", first: int, last: int) -> None:
        self.tokens = tokens
        self.first = first
        self.last = last

    @property
    def source(self) -> Source:
        return self.tokens.source

    @property
    def start(self) -> int:
        return self.tokens.start(self.first)

    @property
    def end(self) -> int:
        return self.tokens.start(self.last) + len(self.tokens.toks[self.last])


class CommentSpan:
    """Where the comments before token `i` are (the first of them), found only when asked."""

    __slots__ = ("tokens", "i")

    def __init__(self, tokens: "Tokens", i: int) -> None:
        self.tokens = tokens
        self.i = i

    @property
    def source(self) -> Source:
        return self.tokens.source

    @property
    def start(self) -> int:
        gap = self.tokens.gaps[self.i]
        return self.tokens.start(self.i) - len(gap) + max(gap.find("/"), 0)

    @property
    def end(self) -> int:
        return self.start + 1


class Tokens:
    """The WIT tokens of one source, in lists (`toks`, `kinds`, `gaps`), the current one at
    index `i`, its kind in `kind`."""

    __slots__ = ("source", "text", "toks", "kinds", "gaps", "i", "kind", "_starts",
                 "_bulk", "_slow_starts", "_errors")

    def __init__(self, source: Source) -> None:
        check_input(source)
        self.source = source
        self.text = text = source.text
        # a byte order mark is allowed at the very start
        bom = 1 if text.startswith("\ufeff") else 0
        parts = _SPLIT(text[bom:] if bom else text)
        # parts: text the pattern skipped, gap, token, skipped, gap, token, ..., the rest.
        # Nothing may be skipped; where something is, the bulk reading stops.
        skipped = parts[0:-1:3]
        count = len(skipped)
        if "".join(skipped):
            count = next(k for k, part in enumerate(skipped) if part)
        self.toks: list[str] = parts[2:3 * count:3]
        self.gaps: list[str] = parts[1:3 * count:3]
        self.kinds: list[str] = list(map(_KIND.__getitem__, self.toks))
        self._bulk = count  # tokens read in bulk, before those `_read_slowly` read
        self._errors: dict[int, TextError] = {}
        self._starts: list[int] | None = None
        self._slow_starts: list[int] = []
        rest = parts[3 * count:]
        if len(rest) == 1 and _ONLY_SPACE(rest[0]):
            self.gaps.append(rest[0])
        else:
            self._read_slowly(bom + sum(map(len, parts[:3 * count])))
        self.toks.append("")
        self.kinds.append("eof")
        self.i = 0
        self.kind = self.kinds[0]
        if self.kind == "error":
            raise self._errors[0]

    # -- reading ------------------------------------------------------------------------------

    def advance(self) -> None:
        """Move to the next token."""
        i = self.i + 1
        self.i = i
        kind = self.kind = self.kinds[i]
        if kind == "error":
            raise self._errors[i]

    def save(self) -> int:
        return self.i

    def restore(self, i: int) -> None:
        self.i = i
        self.kind = self.kinds[i]

    def error(self, message: str, first: int, last: int | None = None) -> TextError:
        """An error at tokens `first` to `last`."""
        return TextError.at(message, Span(self, first, first if last is None else last))

    def docs(self) -> str | None:
        """The documentation the comments before the current token make (`doc_text`)."""
        gap = self.gaps[self.i]
        if "/" not in gap:
            return None
        if "/*" in gap:
            return doc_text(_comments(gap, 0, len(gap)))
        if not _NOT_PLAIN_DOCS(gap):
            # every line `/// text` (one space) or `///`, none ending in whitespace: their
            # shared indentation is that one space (the common case, done by C code)
            return "\n".join(_PLAIN_DOC_LINES(gap)).rstrip("\n")
        return _line_docs(_LINE_COMMENT_BODIES(gap))

    def string_value(self) -> str:
        """The value of the current token, a string literal."""
        return _string_literal(self.text, self.start(self.i), self.source)[0]

    # -- where tokens are ------------------------------------------------------------------

    def start(self, i: int) -> int:
        """Where token `i` starts in the text."""
        starts = self._starts
        if starts is None:
            # the tokens read in bulk follow each other with their gaps: offsets are sums
            n = self._bulk
            lengths = [len(x) for pair in zip(self.gaps[:n], self.toks[:n]) for x in pair]
            ends = list(accumulate(lengths, initial=1 if self.text.startswith("\ufeff") else 0))
            starts = self._starts = ends[1:2 * n:2] + self._slow_starts
        return starts[i] if i < len(starts) else len(self.text)

    def _read_slowly(self, pos: int) -> None:
        """Tokens from `pos` to the end, one at a time (see the module's description); a
        lexical error ends them with an `error` token."""
        text, toks, kinds, gaps, starts = self.text, self.toks, self.kinds, self.gaps, self._slow_starts
        gap_start = pos
        while True:
            m = _TOKEN(text, pos)
            if m.lastgroup == "t":
                start, end = m.span("t")
                tok = text[start:end]
                kind = _KIND[tok]
            else:
                start = m.start("o")
                try:
                    kind, end = _other(text, start, self.source)
                except TextError as exc:
                    self._errors[len(kinds)] = exc
                    tok, kind = "", "error"
                    end = start
                if kind == "":  # a block comment: part of the gap
                    pos = end
                    continue
                if kind == "eof":
                    gaps.append(text[gap_start:start])
                    return
                tok = text[start:end]
            gaps.append(text[gap_start:start])
            starts.append(start)
            toks.append(tok)
            kinds.append(kind)
            if kind == "error":
                gaps.append("")
                return
            pos = gap_start = end


def _other(text: str, i: int, source: Source) -> tuple[str, int]:
    """The kind and end of what the token pattern does not read at `i`: a block comment
    (kind ""), a string literal, an explicit identifier or a word going on with non-ASCII
    letters, the end (`eof`); anything else is an error."""
    if i >= len(text):
        return "eof", i
    ch = text[i]
    if ch == "/":  # the pattern reads `/` alone: this is `/*`
        end = block_comment_end(text, i)
        if end is None:
            raise TextError("unterminated block comment", source, i, i + 2)
        return "", end
    if ch == '"':
        return "str", _string_literal(text, i, source)[1]
    if ch == "%":
        if i + 1 < len(text) and _keylike_start(text[i + 1]):
            return "%id", _word_end(text, i + 1)
        return "%id", i + 1
    if _keylike_start(ch):
        end = _word_end(text, i)
        word = text[i:end]
        return (word if word in KEYWORDS else "id"), end
    raise TextError(f"unexpected character {ch!r}", source, i, i + 1)


def _word_end(text: str, i: int) -> int:
    n = len(text)
    j = i + 1
    while j < n and _keylike_continue(text[j]):
        j += 1
    return j


_BLOCK_MARK = re.compile(r"/\*|\*/")


def block_comment_end(text: str, start: int) -> int | None:
    """The end of the (nested) block comment at `start`, or None if it never ends."""
    depth, i = 1, start + 2
    while depth:
        m = _BLOCK_MARK.search(text, i)
        if m is None:
            return None
        depth += 1 if m.group() == "/*" else -1
        i = m.end()
    return i


_HEX = frozenset("0123456789abcdefABCDEF")
_SIMPLE_ESCAPES = {'"': b'"', "'": b"'", "t": b"\t", "n": b"\n", "r": b"\r", "\\": b"\\"}


def _string_literal(text: str, start: int, source: Source) -> tuple[str, int]:
    """The value and end of the string literal at `start`, as wit-parser reads one:
    escapes `\\n \\t \\r \\" \\' \\\\`, `\\u{hex}` and `\\hh` (a byte); control characters
    refused."""
    n = len(text)

    def fail(message: str, at: int) -> TextError:
        return TextError(message, source, at, at + 1)

    out = bytearray()
    j = start + 1
    while True:
        if j >= n:
            raise fail("unexpected end of file", n)
        ch = text[j]
        if ch == '"':
            break
        if ch == "\\":
            if j + 1 >= n:
                raise fail("unexpected end of file", n)
            esc = text[j + 1]
            if esc in _SIMPLE_ESCAPES:
                out += _SIMPLE_ESCAPES[esc]
                j += 2
            elif esc == "u":
                j = _unicode_escape(text, j + 2, out, fail)
            elif esc in _HEX:
                if j + 2 >= n:
                    raise fail("unexpected end of file", n)
                if text[j + 2] not in _HEX:
                    raise fail(f"invalid hex digit {text[j + 2]!r}", j + 2)
                out.append(int(text[j + 1:j + 3], 16))
                j += 3
            else:
                raise fail(f"invalid string escape {esc!r}", j + 1)
            continue
        if ord(ch) < 0x20 or ch == "\x7f":
            raise fail(f"invalid string character {ch!r}", j)
        out += ch.encode()
        j += 1
    try:
        return out.decode(), j + 1
    except UnicodeDecodeError:
        raise fail("invalid UTF-8 in string literal", start) from None


def _unicode_escape(text: str, i: int, out: bytearray, fail) -> int:  # type: ignore[no-untyped-def]
    """`\\u{hex}` (underscores between digits allowed): appends the character, returns the
    offset after the `}`."""
    n = len(text)
    if i >= n:
        raise fail("unexpected end of file", n)
    if text[i] != "{":
        raise fail("expected character '{'", i)
    j = i + 1
    digits = ""
    while j < n and (text[j] in _HEX or (text[j] == "_" and digits)):
        if text[j] != "_":
            digits += text[j]
        j += 1
        if len(digits) > 8:
            raise fail("number is too big to fit in a u32", j - 1)
    if j >= n:
        raise fail("unexpected end of file", n)
    if not digits:
        raise fail(f"invalid hex digit {text[j]!r}", j)
    if text[j - 1] == "_":
        raise fail("trailing underscore in number", j - 1)
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise fail(f"invalid unicode value {value:#x}", i - 1)
    if text[j] != "}":
        raise fail("expected character '}'", j)
    out += chr(value).encode()
    return j + 1


def validate_id(name: str) -> str | None:
    """What is wrong with an identifier, by wit-parser's rule, or None: parts separated by
    `-`, none empty, each all lower case or all upper case ASCII letters with digits, the
    first starting with a letter."""
    if not name:
        return "identifiers must have characters between '-'s"
    for i, part in enumerate(name.split("-")):
        if not part:
            return "identifiers must have characters between '-'s"
        if i == 0 and not ("a" <= part[0] <= "z" or "A" <= part[0] <= "Z"):
            return f"invalid character in identifier {part[0]!r}"
        upper = None
        for ch in part:
            if "0" <= ch <= "9":
                continue
            if "A" <= ch <= "Z":
                if upper is False:
                    return f"invalid character in identifier {ch!r}"
                upper = True
            elif "a" <= ch <= "z":
                if upper is True:
                    return f"invalid character in identifier {ch!r}"
                upper = False
            else:
                return f"invalid character in identifier {ch!r}"
    return None


def _comments(text: str, start: int, end: int) -> list[str]:
    """The comments in `text[start:end]`, which holds only whitespace and comments."""
    out: list[str] = []
    i = start
    while True:
        i = text.find("/", i, end)
        if i == -1:
            return out
        if text.startswith("//", i):
            j = text.find("\n", i, end)
            j = end if j == -1 else j
        else:  # a block comment, nested
            depth, j = 1, i + 2
            while depth:
                a, b = text.find("/*", j, end), text.find("*/", j, end)
                if b == -1:
                    j = end
                    break
                if a != -1 and a < b:
                    depth, j = depth + 1, a + 2
                else:
                    depth, j = depth - 1, b + 2
        out.append(text[i:j])
        i = j


def _lines(text: str) -> list[str]:
    """Lines as Rust's `str::lines` gives them: split at `\\n`, a `\\r` before it dropped, no
    empty line after a final `\\n`."""
    lines = text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


# The text of each line comment after its leading slashes, as `doc_text` takes it.
_LINE_COMMENT_BODIES = re.compile(r"//++([^\n]*+)").findall
# Line comments not all `/// text` or `///`: text not after exactly one space, or a line
# (or a blank line between comments) ending in whitespace.
_NOT_PLAIN_DOCS = re.compile(r"//++(?:[^ \n]| \s)|[^\S\n]\n").search
_PLAIN_DOC_LINES = re.compile(r"//++ ?([^\n]*+)").findall


_ASCII_LSTRIP = methodcaller("lstrip", " \t\n\r\f")


def _line_docs(bodies: list[str]) -> str:
    """`doc_text` for line comments only, given their text after the slashes: each is one
    line (a line comment ends at the line break). Written with `map` over the lines (C
    code, not a Python loop): a large file has a doc comment before nearly every item."""
    lines = list(map(str.rstrip, bodies))
    written = list(filter(None, lines))
    indent = min(map(sub, map(len, written), map(len, map(_ASCII_LSTRIP, written))), default=0)
    if indent:
        lines = list(map(methodcaller("removeprefix", " " * indent), lines))
    return "\n".join(lines).rstrip("\n")


def doc_text(comments: list[str] | tuple[str, ...]) -> str | None:
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
        lines.extend(_lines(p) if p else [""])
    return "\n".join(lines).rstrip("\n")


# -- the comment-skipping base of WAC's lexer ----------------------------------------------------


class Token(Record):
    """A token of WAC's lexer: `kind`, `text`, its character span, the comments before it."""

    kind: str
    text: str
    start: int
    end: int
    comments: tuple[str, ...] = ()  # every comment between the previous token and this one
    space_before: bool = True  # whitespace or a comment separates it from the previous token


_SPACE = frozenset(" \t\n\r")


def _forbidden(ch: str) -> bool:
    """Control codes other than tab and line breaks, and bidirectional overrides."""
    o = ord(ch)
    if o < 0x20:
        return ch not in "\t\n\r"
    return o == 0x7F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069 or o in (0x200E, 0x200F)


class Lexer:
    """Whitespace and comments (block comments nest), skipped with each comment's text kept:
    what WAC's lexer (`wacparse.tokens.WacLexer`) reads its tokens between."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.pos = 0

    def error(self, message: str, start: int, end: int | None = None) -> TextError:
        return TextError(message, self.source, start, end)

    def _skip(self, docs: list[str]) -> None:
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
                for k in range(i, j):
                    if _forbidden(text[k]):
                        raise self.error(f"control character {text[k]!r} is not allowed", k)
                i = j
            elif text.startswith("/*", i):
                j = block_comment_end(text, i)
                if j is None:
                    raise self.error("unterminated block comment", i, i + 2)
                docs.append(text[i:j])
                i = j
            elif _forbidden(ch):
                raise self.error(f"control character {ch!r} is not allowed", i)
            else:
                break
        self.pos = i
