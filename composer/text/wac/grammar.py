"""The productions of WAC's grammar (WAC.md, "WAC Grammar"), a method each named after its
production, read by recursive descent into `tree.Document`.

It makes the decisions wac-parser makes, in the same order, so that it accepts the same
documents and refuses the others at the same place with the same complaint: each choice tries
its alternatives in wac's order (a `Lookahead`, `parser.py`, which lists them in the error).
Semantic versions are checked where a package name or path is read.
"""

from __future__ import annotations

from typing import Callable

from ...model.names import Version
from ...diagnostics import Source, TextError
from . import tree as ast
from .parser import MAX_DEPTH, Lookahead, Parsed, Parser

# the primitive types, in the order wac tries them (which error messages list)
_PRIMITIVES = ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char",
               "bool", "string")
_U64_MAX = 2**64 - 1


def parse_document(source: Source) -> ast.Document:
    return Grammar(source).document()


def valid_version(text: str) -> bool:
    """A semantic version as the `semver` crate reads one: `MAJOR.MINOR.PATCH` without leading
    zeros and each within 64 bits, then optional `-pre` (numeric identifiers without leading
    zeros) and `+build`."""
    v = Version.parse(text)
    if v is None or max(v.major, v.minor, v.patch) > _U64_MAX:
        return False
    return not any(p.isdigit() and len(p) > 1 and p[0] == "0" for p in v.pre.split("."))


class Grammar(Parser):
    """WAC's productions, on the machinery of `Parser`."""

    # -- names -----------------------------------------------------------------------------

    def ident(self) -> ast.Id:
        tok = self.expect("id")
        return ast.Id(tok.text, ast.Span(self.source, tok.start, tok.end))

    def string(self) -> ast.String:
        tok = self.expect("str")
        return ast.String(tok.text, self.span(tok))

    def name(self) -> ast.Name:
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

    def package_name(self) -> ast.PackageName:
        tok = self.expect("package-name")
        name, at, version = tok.text.partition("@")
        self._no_escapes(tok, name)
        return ast.PackageName(tok.text, name, self.version(version, tok.end) if at else None,
                             ast.Span(self.source, tok.start, tok.end))

    def package_path(self) -> ast.PackagePath:
        tok = self.expect("package-path")
        path, at, version = tok.text.partition("@")
        name, _, segments = path.partition("/")
        self._no_escapes(tok, name)
        return ast.PackagePath(tok.text, name, segments,
                             self.version(version, tok.end) if at else None, self.span(tok))

    # -- the document ------------------------------------------------------------------------

    def document(self) -> ast.Document:
        docs = self.docs()
        directive = self.package_decl()
        statements = []
        while self.tok.kind != "eof":
            statements.append(self.statement())
        return ast.Document(self.source, docs, directive, tuple(statements))

    def package_decl(self) -> ast.PackageDirective:
        start = self.expect("package").start
        package = self.package_name()
        targets = self.optional("targets", self.package_path)
        self.expect(";")
        return ast.PackageDirective(package, targets, self.span_from(start))

    def statement(self) -> ast.Statement:
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

    def import_statement(self) -> ast.Import:
        docs = self.docs()
        start = self.expect("import").start
        id = self.ident()
        name = self.optional("as", self.name)
        self.expect(":")
        type = self.import_type()
        self.expect(";")
        return ast.Import(docs, id, name, type, self.span_from(start))

    def import_type(self) -> ast.ImportType:
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

    def let_statement(self) -> ast.Let:
        docs = self.docs()
        start = self.expect("let").start
        id = self.ident()
        self.expect("=")
        expr = self.expr()
        self.expect(";")
        return ast.Let(docs, id, expr, self.span_from(start))

    def expr(self) -> ast.Expr:
        # `with self.nested()`, written out: expressions are read by the hundred thousand
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.too_deep()
        primary = self.primary_expr()
        postfix: list[ast.PostfixExpr] = []
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
            return ast.Expr(primary, (), primary.span)
        return ast.Expr(primary, tuple(postfix), self.span_from(primary.span.start))

    def primary_expr(self) -> ast.PrimaryExpr:
        first = (self._next or self._read()).key
        if first == "new":
            return self.new_expr()
        if first == "(":
            return self.nested_expr()
        if first == "id":
            return ast.Ident(self.ident())
        la = Lookahead(self)
        la.tried += ["new", "(", "id"]
        raise la.error()

    def new_expr(self) -> ast.New:
        start = self.expect("new").start
        package = self.package_name()
        self.expect("{")
        if self.at("}"):  # no arguments (the common case, read without the machinery below)
            self.advance()
            return ast.New(package, (), False, None, self.span_from(start))
        fills: list[ast.Span] = []

        def argument() -> ast.InstantiationArg | None:
            arg = self.instantiation_arg()
            if isinstance(arg, ast.Span):
                fills.append(arg)
                return None
            return arg

        args = self.delimited(argument, self.starts_instantiation_arg, "}", commas=True)
        self.expect("}")
        return ast.New(package, tuple(a for a in args if a is not None), bool(fills),
                     fills[0] if fills else None, self.span_from(start))

    @staticmethod
    def starts_instantiation_arg(la: Lookahead) -> bool:
        return la.peek("...") or la.peek("id") or la.peek("str")

    def instantiation_arg(self) -> ast.InstantiationArg | ast.Span:
        """An argument, or the span of a `...` that fills the remaining imports."""
        la = Lookahead(self)
        if la.peek("..."):
            dots = self.advance()
            if self.at(",") or self.at("}"):
                return self.span(dots)
            return ast.SpreadArg(self.ident(), self.span_from(dots.start))
        if la.peek("id") or la.peek("str"):
            if self.peek2().key == ":":
                return self.named_instantiation_arg()
            return ast.InferredArg(self.ident())
        raise la.error()

    def named_instantiation_arg(self) -> ast.NamedArg:
        name = self.name()
        self.expect(":")
        expr = self.expr()
        return ast.NamedArg(name, expr, self.span_from(name.span.start))

    def nested_expr(self) -> ast.Nested:
        start = self.expect("(").start
        expr = self.expr()
        self.expect(")")
        return ast.Nested(expr, self.span_from(start))

    def access_expr(self) -> ast.Access:
        start = self.expect(".").start
        id = self.ident()
        return ast.Access(id, self.span_from(start))

    def named_access_expr(self) -> ast.NamedAccess:
        start = self.expect("[").start
        string = self.string()
        self.expect("]")
        return ast.NamedAccess(string, self.span_from(start))

    # -- export ----------------------------------------------------------------------------

    def export_statement(self) -> ast.Export:
        docs = self.docs()
        start = self.expect("export").start
        expr = self.expr()
        options: ast.ExportSpread | ast.ExportRename | None = None
        if self.at("..."):
            options = ast.ExportSpread(self.span(self.advance()))
        elif self.at("as"):
            self.advance()
            options = ast.ExportRename(self.name())
        self.expect(";")
        return ast.Export(docs, expr, options, self.span_from(start))

    # -- type statements ----------------------------------------------------------------------

    def starts_type_statement(self, la: Lookahead) -> bool:
        return la.peek("interface") or la.peek("world") or self.starts_type_decl(la)

    @staticmethod
    def starts_type_decl(la: Lookahead) -> bool:
        return (la.peek("variant") or la.peek("record") or la.peek("flags") or la.peek("enum")
                or la.peek("type"))

    def starts_item_type_decl(self, la: Lookahead) -> bool:
        return la.peek("resource") or self.starts_type_decl(la)

    def type_statement(self) -> ast.TypeStatement:
        la = Lookahead(self)
        if la.peek("interface"):
            return ast.TypeStatement(self.interface_decl())
        if la.peek("world"):
            return ast.TypeStatement(self.world_decl())
        if self.starts_type_decl(la):
            return ast.TypeStatement(self.type_decl())
        raise la.error()

    def type_decl(self) -> ast.TypeDecl:
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

    def item_type_decl(self) -> ast.ItemTypeDecl:
        if self.at("resource"):
            return self.resource_decl()
        return self.type_decl()

    # -- interfaces ----------------------------------------------------------------------------

    def interface_decl(self) -> ast.InterfaceDecl:
        docs = self.docs()
        start = self.expect("interface").start
        id = self.ident()
        self.expect("{")
        items = self.delimited(self.interface_item, self.starts_interface_item, "}", commas=False)
        self.expect("}")
        return ast.InterfaceDecl(docs, id, items, self.span_from(start))

    def inline_interface(self) -> ast.InlineInterface:
        start = self.expect("interface").start
        self.expect("{")
        items = self.delimited(self.interface_item, self.starts_interface_item, "}", commas=False)
        self.expect("}")
        return ast.InlineInterface(items, self.span_from(start))

    def starts_interface_item(self, la: Lookahead) -> bool:
        return la.peek("use") or la.peek("id") or self.starts_item_type_decl(la)

    def interface_item(self) -> ast.InterfaceItem:
        la = Lookahead(self)
        if la.peek("use"):
            return self.use_type()
        if la.peek("id"):
            return self.interface_export()
        if self.starts_item_type_decl(la):
            return self.item_type_decl()
        raise la.error()

    def use_type(self) -> ast.Use:
        docs = self.docs()
        start = self.expect("use").start
        path = self.use_path()
        self.expect(".")
        self.expect("{")
        items = self.delimited(self.use_item, lambda la: la.peek("id"), "}", commas=True)
        self.expect("}")
        self.expect(";")
        return ast.Use(docs, path, items, self.span_from(start))

    def use_path(self) -> ast.PackagePath | ast.Id:
        la = Lookahead(self)
        if la.peek("package-path"):
            return self.package_path()
        if la.peek("id"):
            return self.ident()
        raise la.error()

    def use_item(self) -> ast.UseItem:
        id = self.ident()
        return ast.UseItem(id, self.optional("as", self.ident))

    def interface_export(self) -> ast.InterfaceExport:
        docs = self.docs()
        id = self.ident()
        self.expect(":")
        type = self.func_type_ref()
        self.expect(";")
        return ast.InterfaceExport(docs, id, type, self.span_from(id.span.start))

    def func_type_ref(self) -> ast.FuncTypeRef:
        la = Lookahead(self)
        if la.peek("func"):
            return self.func_type()
        if la.peek("id"):
            return self.ident()
        raise la.error()

    # -- worlds ----------------------------------------------------------------------------

    def world_decl(self) -> ast.WorldDecl:
        docs = self.docs()
        start = self.expect("world").start
        id = self.ident()
        self.expect("{")
        items = self.delimited(self.world_item, self.starts_world_item, "}", commas=False)
        self.expect("}")
        return ast.WorldDecl(docs, id, items, self.span_from(start))

    def starts_world_item(self, la: Lookahead) -> bool:
        return (la.peek("use") or la.peek("import") or la.peek("export") or la.peek("include")
                or self.starts_item_type_decl(la))

    def world_item(self) -> ast.WorldItem:
        la = Lookahead(self)
        if la.peek("use"):
            return self.use_type()
        if la.peek("import"):
            return self.world_extern(ast.WorldImport)
        if la.peek("export"):
            return self.world_extern(ast.WorldExport)
        if la.peek("include"):
            return self.world_include()
        if self.starts_item_type_decl(la):
            return self.item_type_decl()
        raise la.error()

    def world_extern(self, kind: type[ast.WorldImport] | type[ast.WorldExport]
                     ) -> ast.WorldImport | ast.WorldExport:
        """`import world-item-path;` or `export world-item-path;`."""
        docs = self.docs()
        start = self.advance().start
        path = self.world_item_path()
        self.expect(";")
        return kind(docs, path, self.span_from(start))

    def world_item_path(self) -> ast.WorldItemPath:
        la = Lookahead(self)
        if la.peek("package-path"):
            return self.package_path()
        if la.peek("id"):
            if self.peek2().key == ":":
                id = self.ident()
                self.expect(":")
                type = self.extern_type()
                return ast.NamedWorldItem(id, type, self.span_from(id.span.start))
            return self.ident()
        raise la.error()

    def extern_type(self) -> ast.ExternType:
        la = Lookahead(self)
        if la.peek("id"):
            return self.ident()
        if la.peek("func"):
            return self.func_type()
        if la.peek("interface"):
            return self.inline_interface()
        raise la.error()

    def world_include(self) -> ast.WorldInclude:
        docs = self.docs()
        start = self.expect("include").start
        world = self.use_path()  # world-ref: the same choice as a use path
        with_items = self.optional("with", self.world_include_items) or ()
        self.expect(";")
        return ast.WorldInclude(docs, world, with_items, self.span_from(start))

    def world_include_items(self) -> tuple[ast.WorldIncludeItem, ...]:
        self.expect("{")
        items = self.delimited(self.world_include_item, lambda la: la.peek("id"), "}",
                               commas=True)
        self.expect("}")
        return items

    def world_include_item(self) -> ast.WorldIncludeItem:
        id = self.ident()
        self.expect("as")
        return ast.WorldIncludeItem(id, self.ident())

    # -- type declarations --------------------------------------------------------------------

    def resource_decl(self) -> ast.ResourceDecl:
        docs = self.docs()
        start = self.expect("resource").start
        id = self.ident()
        la = Lookahead(self)
        if la.peek(";"):
            self.advance()
            methods: tuple[ast.Constructor | ast.Method, ...] = ()
        elif la.peek("{"):
            self.advance()
            methods = self.delimited(self.resource_method,
                                     lambda la: la.peek("constructor") or la.peek("id"), "}",
                                     commas=False)
            self.expect("}")
        else:
            raise la.error()
        return ast.ResourceDecl(docs, id, methods, self.span_from(start))

    def resource_method(self) -> ast.Constructor | ast.Method:
        la = Lookahead(self)
        if la.peek("constructor"):
            docs = self.docs()
            keyword = self.advance()
            self.expect("(")
            params = self.delimited(self.named_type, lambda la: la.peek("id"), ")", commas=True)
            self.expect(")")
            self.expect(";")
            return ast.Constructor(docs, params, self.span(keyword))
        if la.peek("id"):
            docs = self.docs()
            id = self.ident()
            self.expect(":")
            is_static = self.optional("static", lambda: True) or False
            type = self.func_type()
            self.expect(";")
            return ast.Method(docs, id, is_static, type, self.span_from(id.span.start))
        raise la.error()

    def variant_decl(self) -> ast.VariantDecl:
        docs = self.docs()
        start = self.expect("variant").start
        id = self.ident()
        self.expect("{")
        cases = self.delimited(self.variant_case, lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(cases, "variant", "case")
        return ast.VariantDecl(docs, id, cases, self.span_from(start))

    def variant_case(self) -> ast.VariantCase:
        docs = self.docs()
        id = self.ident()

        def payload() -> ast.TypeExpr:
            type = self.type()
            self.expect(")")
            return type

        type = self.optional("(", payload)
        return ast.VariantCase(docs, id, type, self.span_from(id.span.start))

    def record_decl(self) -> ast.RecordDecl:
        docs = self.docs()
        start = self.expect("record").start
        id = self.ident()
        self.expect("{")
        fields = self.delimited(self.field, lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(fields, "record", "field")
        return ast.RecordDecl(docs, id, fields, self.span_from(start))

    def field(self) -> ast.Field:
        docs = self.docs()
        named = self.named_type()
        return ast.Field(docs, named.id, named.type, named.span)

    def flags_decl(self) -> ast.FlagsDecl:
        docs = self.docs()
        start = self.expect("flags").start
        id = self.ident()
        self.expect("{")
        flags = self.delimited(lambda: ast.Flag(self.docs(), self.ident()),
                               lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(flags, "flags", "flag")
        return ast.FlagsDecl(docs, id, flags, self.span_from(start))

    def enum_decl(self) -> ast.EnumDecl:
        docs = self.docs()
        start = self.expect("enum").start
        id = self.ident()
        self.expect("{")
        cases = self.delimited(lambda: ast.EnumCase(self.docs(), self.ident()),
                               lambda la: la.peek("id"), "}", commas=True)
        self.not_empty(cases, "enum", "case")
        return ast.EnumDecl(docs, id, cases, self.span_from(start))

    def not_empty(self, items: tuple, what: str, kind: str) -> None:
        """Read the closing `}` of a declaration, which must have had an item."""
        close = self.expect("}")
        if not items:
            raise TextError(f"{what} must contain at least one {kind}", self.source,
                            close.start, close.end)

    def type_alias(self) -> ast.TypeAlias:
        docs = self.docs()
        start = self.expect("type").start
        id = self.ident()
        self.expect("=")
        la = Lookahead(self)
        kind: ast.FuncType | ast.TypeExpr
        if la.peek("func"):
            kind = self.func_type()
        elif self.starts_type(la):
            kind = self.type()
        else:
            raise la.error()
        self.expect(";")
        return ast.TypeAlias(docs, id, kind, self.span_from(start))

    # -- functions and types ------------------------------------------------------------------

    def func_type(self) -> ast.FuncType:
        start = self.expect("func").start
        self.expect("(")
        params = self.delimited(self.named_type, lambda la: la.peek("id"), ")", commas=True)
        self.expect(")")
        results = self.optional("->", self.results)
        return ast.FuncType(params, results, self.span_from(start))

    def results(self) -> ast.TypeExpr | tuple[ast.NamedType, ...] | None:
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

    def named_type(self) -> ast.NamedType:
        id = self.ident()
        self.expect(":")
        type = self.type()
        return ast.NamedType(id, type, self.span_from(id.span.start))

    @staticmethod
    def starts_type(la: Lookahead) -> bool:
        return any(la.peek(k) for k in (*_PRIMITIVES, "tuple", "list", "option", "result",
                                        "borrow", "id"))

    def type(self) -> ast.TypeExpr:
        with self.nested():
            la = Lookahead(self)
            for prim in _PRIMITIVES:
                if la.peek(prim):
                    return ast.TPrim(prim, self.span(self.advance()))
            if la.peek("tuple"):
                start = self.advance().start
                self.expect("<")
                first = Lookahead(self)  # a tuple has at least one type
                if not self.starts_type(first):
                    raise first.error()
                types = self.delimited(self.type, self.starts_type, ">", commas=True)
                self.expect(">")
                return ast.TTuple(types, self.span_from(start))
            if la.peek("list"):
                start = self.advance().start
                element = self.angled(self.type)
                return ast.TList(element, None, self.span_from(start))
            if la.peek("option"):
                start = self.advance().start
                return ast.TOption(self.angled(self.type), self.span_from(start))
            if la.peek("result"):
                return self.result_type()
            if la.peek("borrow"):
                start = self.advance().start
                return ast.THandle(True, self.angled(self.ident), self.span_from(start))
            if la.peek("id"):
                return ast.TName(self.ident())
            raise la.error()

    def angled(self, inner: Callable[[], Parsed]) -> Parsed:
        self.expect("<")
        value = inner()
        self.expect(">")
        return value

    def result_type(self) -> ast.TResult:
        """`result`, `result<T>`, `result<_, E>`, `result<T, E>` (wac also reads `_` for
        either type, and `result<_>`)."""
        start = self.expect("result").start

        def ok_or_err() -> ast.TypeExpr | None:
            la = Lookahead(self)
            if la.peek("_"):
                self.advance()
                return None
            if self.starts_type(la):
                return self.type()
            raise la.error()

        def payloads() -> tuple[ast.TypeExpr | None, ast.TypeExpr | None]:
            ok = ok_or_err()
            err = self.optional(",", ok_or_err)
            self.expect(">")
            return ok, err

        ok, err = self.optional("<", payloads) or (None, None)
        return ast.TResult(ok, err, self.span_from(start))
