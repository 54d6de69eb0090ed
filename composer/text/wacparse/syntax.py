"""A recursive-descent parser for the WAC grammar (WAC.md, "WAC Grammar"), giving `tree.Document`.

It makes the decisions wac-parser makes, in the same order, so that it accepts the same
documents and refuses the others at the same place with the same complaint: where the grammar
offers a choice, a `Lookahead` tries each alternative's first token and, when none fits, says
`expected A, B, or C, found X` listing them in the order tried (as wac: "either" before three
or more, at most ten named, then "or more..."). Where a single token must come, `expect` says
`expected X, found Y`. Semantic versions are checked where a package name or path is read.

At the end of the input the error points at the last character when a token was required, and
at the last token read when one of several was (wac's places).

Recursion is bounded: types and expressions nest at most `MAX_DEPTH` levels, so deep input is
refused with a message rather than exhausting Python's stack.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from ...model.names import Version
from ...diagnostics import Source, TextError
from . import tree as T
from .tokens import KEYWORDS, WacLexer, WacToken, check_characters, describe

MAX_DEPTH = 100

# the primitive types, in the order wac tries them (which error messages list)
_PRIMITIVES = ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char",
               "bool", "string")
_MAX_LISTED = 10  # wac names at most this many expected tokens, then says "or more..."
_U64_MAX = 2**64 - 1

Item = TypeVar("Item")


def parse_document(source: Source) -> T.Document:
    return Parser(source).document()


def valid_version(text: str) -> bool:
    """A semantic version as the `semver` crate reads one: `MAJOR.MINOR.PATCH` without leading
    zeros and each within 64 bits, then optional `-pre` (numeric identifiers without leading
    zeros) and `+build`."""
    v = Version.parse(text)
    if v is None or max(v.major, v.minor, v.patch) > _U64_MAX:
        return False
    return not any(p.isdigit() and len(p) > 1 and p[0] == "0" for p in v.pre.split("."))


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

    def optional(self, what: str, then: Callable[[], Item]) -> Item | None:
        """`then()` after a `what` token if one comes next, else None."""
        if not self.at(what):
            return None
        self.advance()
        return then()

    def delimited(self, item: Callable[[], Item], starts: Callable[[Lookahead], bool],
                  until: str, commas: bool) -> tuple[Item, ...]:
        """Items up to (not including) `until`, separated by commas if `commas` (a trailing
        one allowed); `starts` tells whether an item can begin at a lookahead."""
        items: list[Item] = []
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

    def span(self, tok: WacToken) -> T.Span:
        return T.Span(self.source, tok.start, tok.end)

    def span_from(self, start: int) -> T.Span:
        """From `start` to the end of the last token consumed."""
        assert self.last is not None
        return T.Span(self.source, start, self.last.end)

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

    # -- names -----------------------------------------------------------------------------

    def docs(self) -> T.Docs:
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
            out.append(T.DocComment(body.strip(), T.Span(self.source, start, start + len(text))))
        return tuple(out)

    def ident(self) -> T.Id:
        tok = self.expect("id")
        return T.Id(tok.text, T.Span(self.source, tok.start, tok.end))

    def string(self) -> T.String:
        tok = self.expect("str")
        return T.String(tok.text, self.span(tok))

    def name(self) -> T.Name:
        """An identifier or a string (`as` names, argument names)."""
        la = Lookahead(self)
        if la.peek("id"):
            return self.ident()
        if la.peek("str"):
            return self.string()
        raise la.error()

    def version(self, text: str, end: int) -> str:
        """The version at the end of a package token ending at `end`, checked."""
        if not valid_version(text):
            # wac reads a version as far as version characters go, a final `.` included
            hint = (" (a `.` right after a version is read as part of it: put a space before "
                    "the `.`)" if text.endswith(".") and valid_version(text.rstrip(".")) else "")
            raise TextError(f"`{text}` is not a valid semantic version{hint}", self.source,
                            end - len(text), end)
        return text

    def _no_escapes(self, tok: object, name: str) -> None:
        """A package name has no `%`-escaped parts: the name would keep the `%` (as wac
        keeps it), which no import or export name may hold."""
        i = name.find("%")
        if i >= 0:
            start = tok.start + i  # type: ignore[attr-defined]
            raise TextError(f"`%` in the package name `{name}`: a package name's parts are "
                            "not escaped (a keyword may be one as it is)", self.source, start,
                            start + 1)

    def package_name(self) -> T.PackageName:
        tok = self.expect("package-name")
        name, at, version = tok.text.partition("@")
        self._no_escapes(tok, name)
        return T.PackageName(tok.text, name, self.version(version, tok.end) if at else None,
                             T.Span(self.source, tok.start, tok.end))

    def package_path(self) -> T.PackagePath:
        tok = self.expect("package-path")
        path, at, version = tok.text.partition("@")
        name, _, segments = path.partition("/")
        self._no_escapes(tok, name)
        return T.PackagePath(tok.text, name, segments,
                             self.version(version, tok.end) if at else None, self.span(tok))

    # -- the document ------------------------------------------------------------------------

    def document(self) -> T.Document:
        docs = self.docs()
        directive = self.package_decl()
        statements = []
        while self.tok.kind != "eof":
            statements.append(self.statement())
        return T.Document(self.source, docs, directive, tuple(statements))

    def package_decl(self) -> T.PackageDirective:
        start = self.expect("package").start
        package = self.package_name()
        targets = self.optional("targets", self.package_path)
        self.expect(";")
        return T.PackageDirective(package, targets, self.span_from(start))

    def statement(self) -> T.Statement:
        # the common statements looked for directly; the Lookahead, for the others and for
        # the error, lists what was tried in wac's order
        first = (self._next or self._read()).key
        if first == "let":
            return self.let_statement()
        if first == "import":
            return self.import_statement()
        if first == "export":
            return self.export_statement()
        la = Lookahead(self)
        la.tried += ["import", "let", "export"]
        if self.starts_type_statement(la):
            return self.type_statement()
        raise la.error()

    # -- import ----------------------------------------------------------------------------

    def import_statement(self) -> T.Import:
        docs = self.docs()
        start = self.expect("import").start
        id = self.ident()
        name = self.optional("as", self.name)
        self.expect(":")
        type = self.import_type()
        self.expect(";")
        return T.Import(docs, id, name, type, self.span_from(start))

    def import_type(self) -> T.ImportType:
        la = Lookahead(self)
        if la.peek("func"):
            return self.func_type()
        if la.peek("interface"):
            return self.inline_interface()
        if la.peek("package-path"):
            return self.package_path()
        if la.peek("id"):
            return self.ident()
        raise la.error()

    # -- let and expressions ------------------------------------------------------------------

    def let_statement(self) -> T.Let:
        docs = self.docs()
        start = self.expect("let").start
        id = self.ident()
        self.expect("=")
        expr = self.expr()
        self.expect(";")
        return T.Let(docs, id, expr, self.span_from(start))

    def expr(self) -> T.Expr:
        # `with self.nested()`, written out: expressions are read by the hundred thousand
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.too_deep()
        primary = self.primary_expr()
        postfix: list[T.PostfixExpr] = []
        while True:
            key = (self._next or self._read()).key
            if key == ".":
                postfix.append(self.access_expr())
            elif key == "[":
                postfix.append(self.named_access_expr())
            else:
                break
        self.depth -= 1  # (after an error, reading stops: the count is not needed again)
        if not postfix:  # the expression is its primary expression, and so is its span
            return T.Expr(primary, (), primary.span)
        return T.Expr(primary, tuple(postfix), self.span_from(primary.span.start))

    def primary_expr(self) -> T.PrimaryExpr:
        first = (self._next or self._read()).key
        if first == "new":
            return self.new_expr()
        if first == "(":
            return self.nested_expr()
        if first == "id":
            return T.Ident(self.ident())
        la = Lookahead(self)
        la.tried += ["new", "(", "id"]
        raise la.error()

    def new_expr(self) -> T.New:
        start = self.expect("new").start
        package = self.package_name()
        self.expect("{")
        if self.at("}"):  # no arguments (the common case, read without the machinery below)
            self.advance()
            return T.New(package, (), False, None, self.span_from(start))
        fills: list[T.Span] = []

        def argument() -> T.InstantiationArg | None:
            arg = self.instantiation_arg()
            if isinstance(arg, T.Span):
                fills.append(arg)
                return None
            return arg

        args = self.delimited(argument, self.starts_instantiation_arg, "}", commas=True)
        self.expect("}")
        return T.New(package, tuple(a for a in args if a is not None), bool(fills),
                     fills[0] if fills else None, self.span_from(start))

    @staticmethod
    def starts_instantiation_arg(la: Lookahead) -> bool:
        return la.peek("...") or la.peek("id") or la.peek("str")

    def instantiation_arg(self) -> T.InstantiationArg | T.Span:
        """An argument, or the span of a `...` that fills the remaining imports."""
        la = Lookahead(self)
        if la.peek("..."):
            dots = self.advance()
            if self.at(",") or self.at("}"):
                return self.span(dots)
            return T.SpreadArg(self.ident(), self.span_from(dots.start))
        if la.peek("id") or la.peek("str"):
            if self.peek2().key == ":":
                return self.named_instantiation_arg()
            return T.InferredArg(self.ident())
        raise la.error()

    def named_instantiation_arg(self) -> T.NamedArg:
        name = self.name()
        self.expect(":")
        expr = self.expr()
        return T.NamedArg(name, expr, self.span_from(name.span.start))

    def nested_expr(self) -> T.Nested:
        start = self.expect("(").start
        expr = self.expr()
        self.expect(")")
        return T.Nested(expr, self.span_from(start))

    def access_expr(self) -> T.Access:
        start = self.expect(".").start
        id = self.ident()
        return T.Access(id, self.span_from(start))

    def named_access_expr(self) -> T.NamedAccess:
        start = self.expect("[").start
        string = self.string()
        self.expect("]")
        return T.NamedAccess(string, self.span_from(start))

    # -- export ----------------------------------------------------------------------------

    def export_statement(self) -> T.Export:
        docs = self.docs()
        start = self.expect("export").start
        expr = self.expr()
        options: T.ExportSpread | T.ExportRename | None = None
        if self.at("..."):
            options = T.ExportSpread(self.span(self.advance()))
        elif self.at("as"):
            self.advance()
            options = T.ExportRename(self.name())
        self.expect(";")
        return T.Export(docs, expr, options, self.span_from(start))

    # -- type statements ----------------------------------------------------------------------

    def starts_type_statement(self, la: Lookahead) -> bool:
        return la.peek("interface") or la.peek("world") or self.starts_type_decl(la)

    @staticmethod
    def starts_type_decl(la: Lookahead) -> bool:
        return (la.peek("variant") or la.peek("record") or la.peek("flags") or la.peek("enum")
                or la.peek("type"))

    def starts_item_type_decl(self, la: Lookahead) -> bool:
        return la.peek("resource") or self.starts_type_decl(la)

    def type_statement(self) -> T.TypeStatement:
        la = Lookahead(self)
        if la.peek("interface"):
            return T.TypeStatement(self.interface_decl())
        if la.peek("world"):
            return T.TypeStatement(self.world_decl())
        if self.starts_type_decl(la):
            return T.TypeStatement(self.type_decl())
        raise la.error()

    def type_decl(self) -> T.TypeDecl:
        la = Lookahead(self)
        if la.peek("variant"):
            return self.variant_decl()
        if la.peek("record"):
            return self.record_decl()
        if la.peek("flags"):
            return self.flags_decl()
        if la.peek("enum"):
            return self.enum_decl()
        if la.peek("type"):
            return self.type_alias()
        raise la.error()

    def item_type_decl(self) -> T.ItemTypeDecl:
        if self.at("resource"):
            return self.resource_decl()
        return self.type_decl()

    # -- interfaces ----------------------------------------------------------------------------

    def interface_decl(self) -> T.InterfaceDecl:
        docs = self.docs()
        start = self.expect("interface").start
        id = self.ident()
        self.expect("{")
        items = self.delimited(self.interface_item, self.starts_interface_item, "}", commas=False)
        self.expect("}")
        return T.InterfaceDecl(docs, id, items, self.span_from(start))

    def inline_interface(self) -> T.InlineInterface:
        start = self.expect("interface").start
        self.expect("{")
        items = self.delimited(self.interface_item, self.starts_interface_item, "}", commas=False)
        self.expect("}")
        return T.InlineInterface(items, self.span_from(start))

    def starts_interface_item(self, la: Lookahead) -> bool:
        return la.peek("use") or la.peek("id") or self.starts_item_type_decl(la)

    def interface_item(self) -> T.InterfaceItem:
        la = Lookahead(self)
        if la.peek("use"):
            return self.use_type()
        if la.peek("id"):
            return self.interface_export()
        if self.starts_item_type_decl(la):
            return self.item_type_decl()
        raise la.error()

    def use_type(self) -> T.Use:
        docs = self.docs()
        start = self.expect("use").start
        path = self.use_path()
        self.expect(".")
        self.expect("{")
        items = self.delimited(self.use_item, lambda la: la.peek("id"), "}", commas=True)
        self.expect("}")
        self.expect(";")
        return T.Use(docs, path, items, self.span_from(start))

    def use_path(self) -> T.PackagePath | T.Id:
        la = Lookahead(self)
        if la.peek("package-path"):
            return self.package_path()
        if la.peek("id"):
            return self.ident()
        raise la.error()

    def use_item(self) -> T.UseItem:
        id = self.ident()
        return T.UseItem(id, self.optional("as", self.ident))

    def interface_export(self) -> T.InterfaceExport:
        docs = self.docs()
        id = self.ident()
        self.expect(":")
        type = self.func_type_ref()
        self.expect(";")
        return T.InterfaceExport(docs, id, type, self.span_from(id.span.start))

    def func_type_ref(self) -> T.FuncTypeRef:
        la = Lookahead(self)
        if la.peek("func"):
            return self.func_type()
        if la.peek("id"):
            return self.ident()
        raise la.error()

    # -- worlds ----------------------------------------------------------------------------

    def world_decl(self) -> T.WorldDecl:
        docs = self.docs()
        start = self.expect("world").start
        id = self.ident()
        self.expect("{")
        items = self.delimited(self.world_item, self.starts_world_item, "}", commas=False)
        self.expect("}")
        return T.WorldDecl(docs, id, items, self.span_from(start))

    def starts_world_item(self, la: Lookahead) -> bool:
        return (la.peek("use") or la.peek("import") or la.peek("export") or la.peek("include")
                or self.starts_item_type_decl(la))

    def world_item(self) -> T.WorldItem:
        la = Lookahead(self)
        if la.peek("use"):
            return self.use_type()
        if la.peek("import"):
            return self.world_extern(T.WorldImport)
        if la.peek("export"):
            return self.world_extern(T.WorldExport)
        if la.peek("include"):
            return self.world_include()
        if self.starts_item_type_decl(la):
            return self.item_type_decl()
        raise la.error()

    def world_extern(self, kind: type[T.WorldImport] | type[T.WorldExport]
                     ) -> T.WorldImport | T.WorldExport:
        """`import world-item-path;` or `export world-item-path;`."""
        docs = self.docs()
        start = self.advance().start
        path = self.world_item_path()
        self.expect(";")
        return kind(docs, path, self.span_from(start))

    def world_item_path(self) -> T.WorldItemPath:
        la = Lookahead(self)
        if la.peek("package-path"):
            return self.package_path()
        if la.peek("id"):
            if self.peek2().key == ":":
                id = self.ident()
                self.expect(":")
                type = self.extern_type()
                return T.NamedWorldItem(id, type, self.span_from(id.span.start))
            return self.ident()
        raise la.error()

    def extern_type(self) -> T.ExternType:
        la = Lookahead(self)
        if la.peek("id"):
            return self.ident()
        if la.peek("func"):
            return self.func_type()
        if la.peek("interface"):
            return self.inline_interface()
        raise la.error()

    def world_include(self) -> T.WorldInclude:
        docs = self.docs()
        start = self.expect("include").start
        world = self.use_path()  # world-ref: the same choice as a use path
        with_items = self.optional("with", self.world_include_items) or ()
        self.expect(";")
        return T.WorldInclude(docs, world, with_items, self.span_from(start))

    def world_include_items(self) -> tuple[T.WorldIncludeItem, ...]:
        self.expect("{")
        items = self.delimited(self.world_include_item, lambda la: la.peek("id"), "}",
                               commas=True)
        self.expect("}")
        return items

    def world_include_item(self) -> T.WorldIncludeItem:
        id = self.ident()
        self.expect("as")
        return T.WorldIncludeItem(id, self.ident())

    # -- type declarations --------------------------------------------------------------------

    def resource_decl(self) -> T.ResourceDecl:
        docs = self.docs()
        start = self.expect("resource").start
        id = self.ident()
        la = Lookahead(self)
        if la.peek(";"):
            self.advance()
            methods: tuple[T.Constructor | T.Method, ...] = ()
        elif la.peek("{"):
            self.advance()
            methods = self.delimited(self.resource_method,
                                     lambda la: la.peek("constructor") or la.peek("id"), "}",
                                     commas=False)
            self.expect("}")
        else:
            raise la.error()
        return T.ResourceDecl(docs, id, methods, self.span_from(start))

    def resource_method(self) -> T.Constructor | T.Method:
        la = Lookahead(self)
        if la.peek("constructor"):
            docs = self.docs()
            keyword = self.advance()
            self.expect("(")
            params = self.delimited(self.named_type, lambda la: la.peek("id"), ")", commas=True)
            self.expect(")")
            self.expect(";")
            return T.Constructor(docs, params, self.span(keyword))
        if la.peek("id"):
            docs = self.docs()
            id = self.ident()
            self.expect(":")
            is_static = self.optional("static", lambda: True) or False
            type = self.func_type()
            self.expect(";")
            return T.Method(docs, id, is_static, type, self.span_from(id.span.start))
        raise la.error()

    def variant_decl(self) -> T.VariantDecl:
        docs = self.docs()
        start = self.expect("variant").start
        id = self.ident()
        self.expect("{")
        cases = self.delimited(self.variant_case, lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(cases, "variant", "case")
        return T.VariantDecl(docs, id, cases, self.span_from(start))

    def variant_case(self) -> T.VariantCase:
        docs = self.docs()
        id = self.ident()

        def payload() -> T.TypeExpr:
            type = self.type()
            self.expect(")")
            return type

        type = self.optional("(", payload)
        return T.VariantCase(docs, id, type, self.span_from(id.span.start))

    def record_decl(self) -> T.RecordDecl:
        docs = self.docs()
        start = self.expect("record").start
        id = self.ident()
        self.expect("{")
        fields = self.delimited(self.field, lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(fields, "record", "field")
        return T.RecordDecl(docs, id, fields, self.span_from(start))

    def field(self) -> T.Field:
        docs = self.docs()
        named = self.named_type()
        return T.Field(docs, named.id, named.type, named.span)

    def flags_decl(self) -> T.FlagsDecl:
        docs = self.docs()
        start = self.expect("flags").start
        id = self.ident()
        self.expect("{")
        flags = self.delimited(lambda: T.Flag(self.docs(), self.ident()),
                               lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(flags, "flags", "flag")
        return T.FlagsDecl(docs, id, flags, self.span_from(start))

    def enum_decl(self) -> T.EnumDecl:
        docs = self.docs()
        start = self.expect("enum").start
        id = self.ident()
        self.expect("{")
        cases = self.delimited(lambda: T.EnumCase(self.docs(), self.ident()),
                               lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(cases, "enum", "case")
        return T.EnumDecl(docs, id, cases, self.span_from(start))

    def not_empty(self, items: tuple, what: str, kind: str) -> None:
        """Read the closing `}` of a declaration, which must have had an item."""
        close = self.expect("}")
        if not items:
            raise TextError(f"{what} must contain at least one {kind}", self.source,
                            close.start, close.end)

    def type_alias(self) -> T.TypeAlias:
        docs = self.docs()
        start = self.expect("type").start
        id = self.ident()
        self.expect("=")
        la = Lookahead(self)
        kind: T.FuncType | T.TypeExpr
        if la.peek("func"):
            kind = self.func_type()
        elif self.starts_type(la):
            kind = self.type()
        else:
            raise la.error()
        self.expect(";")
        return T.TypeAlias(docs, id, kind, self.span_from(start))

    # -- functions and types ------------------------------------------------------------------

    def func_type(self) -> T.FuncType:
        start = self.expect("func").start
        self.expect("(")
        params = self.delimited(self.named_type, lambda la: la.peek("id"), ")", commas=True)
        self.expect(")")
        results = self.optional("->", self.results)
        return T.FuncType(params, results, self.span_from(start))

    def results(self) -> T.TypeExpr | tuple[T.NamedType, ...] | None:
        """What follows `->`: `(named, ...)` or a type; anything else is no result (wac reads
        `-> ;` as a function without results)."""
        la = Lookahead(self)
        if la.peek("("):
            self.advance()
            named = self.delimited(self.named_type, lambda la: la.peek("id"), ")", commas=True)
            self.expect(")")
            return named
        if self.starts_type(la):
            return self.type()
        return None

    def named_type(self) -> T.NamedType:
        id = self.ident()
        self.expect(":")
        type = self.type()
        return T.NamedType(id, type, self.span_from(id.span.start))

    @staticmethod
    def starts_type(la: Lookahead) -> bool:
        return any(la.peek(k) for k in (*_PRIMITIVES, "tuple", "list", "option", "result",
                                        "borrow", "id"))

    def type(self) -> T.TypeExpr:
        with self.nested():
            la = Lookahead(self)
            for prim in _PRIMITIVES:
                if la.peek(prim):
                    return T.TPrim(prim, self.span(self.advance()))
            if la.peek("tuple"):
                start = self.advance().start
                self.expect("<")
                first = Lookahead(self)  # a tuple has at least one type
                if not self.starts_type(first):
                    raise first.error()
                types = self.delimited(self.type, self.starts_type, ">", commas=True)
                self.expect(">")
                return T.TTuple(types, self.span_from(start))
            if la.peek("list"):
                start = self.advance().start
                element = self.angled(self.type)
                return T.TList(element, None, self.span_from(start))
            if la.peek("option"):
                start = self.advance().start
                return T.TOption(self.angled(self.type), self.span_from(start))
            if la.peek("result"):
                return self.result_type()
            if la.peek("borrow"):
                start = self.advance().start
                return T.THandle(True, self.angled(self.ident), self.span_from(start))
            if la.peek("id"):
                return T.TName(self.ident())
            raise la.error()

    def angled(self, inner: Callable[[], Item]) -> Item:
        self.expect("<")
        value = inner()
        self.expect(">")
        return value

    def result_type(self) -> T.TResult:
        """`result`, `result<T>`, `result<_, E>`, `result<T, E>` (wac also reads `_` for
        either type, and `result<_>`)."""
        start = self.expect("result").start

        def ok_or_err() -> T.TypeExpr | None:
            la = Lookahead(self)
            if la.peek("_"):
                self.advance()
                return None
            if self.starts_type(la):
                return self.type()
            raise la.error()

        def payloads() -> tuple[T.TypeExpr | None, T.TypeExpr | None]:
            ok = ok_or_err()
            err = self.optional(",", ok_or_err)
            self.expect(">")
            return ok, err

        ok, err = self.optional("<", payloads) or (None, None)
        return T.TResult(ok, err, self.span_from(start))


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
