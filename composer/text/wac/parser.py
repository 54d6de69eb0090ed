"""The machinery of WAC's recursive-descent parser, apart from the grammar (`grammar.py`): the
token cursor, the choices tried at a lookahead, the errors, and the bound on nesting.

Tokens are read only when looked at, one or two ahead. Where the grammar offers a choice, a
`Lookahead` tries each alternative's first token and, when none fits, says `expected A, B, or
C, found X` listing them in the order tried (as wac: "either" before three or more, at most
ten named, then "or more..."). Where a single token must come, `expect` says `expected X,
found Y`.

At the end of the input the error points at the last character when a token was required, and
at the last token read when one of several was (wac's places).

Recursion is bounded: types and expressions nest at most `MAX_DEPTH` levels, so deep input is
refused with a message rather than exhausting Python's stack.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from ...diagnostics import Source, TextError
from . import tree as ast
from .tokens import KEYWORDS, WacLexer, WacToken, check_characters, describe

MAX_DEPTH = 100
_MAX_LISTED = 10  # wac names at most this many expected tokens, then says "or more..."

Parsed = TypeVar("Parsed")


class Lookahead:
    """The next token, tried against alternatives; remembers what was tried for the error."""

    def __init__(self, parser: "Parser") -> None:
        self.parser = parser
        self.tok = parser.tok
        self.tried: list[str] = []

    def peek(self, what: str) -> bool:
        if self.tok.key == what:
            return True
        self.tried.append(what)
        return False

    def error(self) -> TextError:
        return self.parser.unexpected(self.tried, self.tok, self.parser.lookahead_eof_span())


class Parser:
    """A cursor over the tokens of one document, with what every production needs: the next
    token and the one after, expecting one, spans, the errors, the nesting count."""

    def __init__(self, source: Source) -> None:
        check_characters(source)
        self.source = source
        self._pull = WacLexer(source).next  # the next token from the text
        # Tokens are read only when looked at, as wac's lexer does, so that an error earlier in
        # the text is the one reported, not an unreadable character further on.
        self._next: WacToken | None = None
        self._after: WacToken | None = None
        self.last: WacToken | None = None  # the last token consumed
        self.depth = 0

    # -- tokens ------------------------------------------------------------------------------

    @property
    def tok(self) -> WacToken:
        """The next token (not consumed)."""
        return self._next or self._read()

    def _read(self) -> WacToken:
        self._next = tok = self._pull()
        return tok

    def peek2(self) -> WacToken:
        """The token after the next one."""
        self.tok
        if self._after is None:
            self._after = self._pull()
        return self._after

    def advance(self) -> WacToken:
        tok = self._next or self._pull()
        self.last, self._next, self._after = tok, self._after, None
        return tok

    def at(self, what: str) -> bool:
        return (self._next or self._read()).key == what

    def expect(self, what: str) -> WacToken:
        """The next token, which must be `what` (a keyword, an operator or a token kind)."""
        tok = self._next or self._pull()  # (not kept as the next one: it goes now)
        if tok.key != what:
            self._next = tok
            raise self.unexpected([what], tok, self.eof_span())
        self.last, self._next, self._after = tok, self._after, None
        return tok

    def optional(self, what: str, then: Callable[[], Parsed]) -> Parsed | None:
        """`then()` after a `what` token if one comes next, else None."""
        if not self.at(what):
            return None
        self.advance()
        return then()

    def delimited(self, item: Callable[[], Parsed], starts: Callable[[Lookahead], bool],
                  until: str, commas: bool) -> tuple[Parsed, ...]:
        """Items up to (not including) `until`, separated by commas if `commas` (a trailing
        one allowed); `starts` tells whether an item can begin at a lookahead."""
        items: list[Parsed] = []
        while True:
            if self.at(until):
                break
            la = Lookahead(self)
            la.tried.append(until)
            if not starts(la):
                raise la.error()
            items.append(item())
            if self.tok.kind != "eof":
                if self.at(until):
                    break
                if commas:
                    self.expect(",")
        return tuple(items)

    # -- spans and errors ---------------------------------------------------------------------

    def span(self, tok: WacToken) -> ast.Span:
        return ast.Span(self.source, tok.start, tok.end)

    def span_from(self, start: int) -> ast.Span:
        """From `start` to the end of the last token consumed."""
        assert self.last is not None
        return ast.Span(self.source, start, self.last.end)

    def eof_span(self) -> tuple[int, int]:
        """Where a missing token at the end of the input is reported: the last character."""
        n = len(self.source.text)
        return max(n - 1, 0), n

    def lookahead_eof_span(self) -> tuple[int, int]:
        """Where the end of the input is reported when one of several tokens was expected: at
        the last token read, or the last character if that token ends the text."""
        if self.last is None or self.last.end == len(self.source.text):
            return self.eof_span()
        return self.last.start, self.last.end

    def unexpected(self, expected: list[str], tok: WacToken,
                   eof: tuple[int, int]) -> TextError:
        found = describe(tok.key) if tok.kind != "eof" else "end of input"
        names = [describe(e) for e in expected]
        if len(names) == 1:
            wanted = names[0]
        elif len(names) == 2:
            wanted = f"{names[0]} or {names[1]}"
        elif len(names) <= _MAX_LISTED:
            wanted = "either " + ", ".join(names[:-1]) + f", or {names[-1]}"
        else:
            wanted = "either " + ", ".join(names[:_MAX_LISTED]) + ", or more..."
        start, end = eof if tok.kind == "eof" else (tok.start, tok.end)
        return TextError(f"expected {wanted}, found {found}{_package_hint(tok)}", self.source,
                         start, end)

    def nested(self) -> "_Nesting":
        return _Nesting(self)

    def too_deep(self) -> TextError:
        tok = self.tok
        return TextError(f"nested more than {MAX_DEPTH} levels deep", self.source, tok.start,
                         tok.end)

    # -- doc comments ------------------------------------------------------------------------

    def docs(self) -> ast.Docs:
        """The doc comments before the next token: `/// text` and `/** text */` (others are
        plain comments), each trimmed."""
        tok = self._next or self._read()
        if not tok.comments:
            return ()
        out = []
        for text, start in zip(tok.comments, tok.comment_starts):
            if text.startswith("///"):
                body = text[3:]
            elif text.startswith("/**") and text != "/**/":
                body = text[3:-2]
            else:
                continue
            span = ast.Span(self.source, start, start + len(text))
            out.append(ast.DocComment(body.strip(), span))
        return tuple(out)


def _package_hint(tok: WacToken) -> str:
    """`x:func()` or `a:u32` written without a space is read as the package name `x:func`, as
    wac's lexer reads it; when a keyword follows the `:`, that is surely what happened."""
    if tok.kind not in ("package-name", "package-path"):
        return ""
    first, _, rest = tok.text.partition(":")
    second = rest
    for sep in ":/@":
        second = second.partition(sep)[0]
    if second not in KEYWORDS:
        return ""
    return f" (`{first}:{second}` reads as a package name: put a space after the `:`)"


class _Nesting:
    """Counts a level of nesting of types or expressions, refusing too many."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser

    def __enter__(self) -> None:
        p = self.parser
        p.depth += 1
        if p.depth > MAX_DEPTH:
            raise p.too_deep()

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1
