"""A recursive-descent parser for the whole WIT grammar of WIT.md, giving `tree.File`.

Recursion is bounded: types nest at most `MAX_DEPTH` levels (`list<list<...>>`), and so do
nested `package a:b { }` blocks, as in wit-parser; deeper input is refused with a message
rather than exhausting Python's stack.
"""

from __future__ import annotations

from ...model.names import _SEMVER_RE
from ..diagnostics import Source, TextError
from . import tree as A
from .lexer import Lexer, Token, doc_text

MAX_DEPTH = 100

_PRIMS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64",
                    "char", "string", "error-context"})
_MAP_KEYS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "char",
                       "string"})
_TYPEDEF_KEYWORDS = frozenset({"type", "record", "variant", "enum", "flags", "resource"})


def parse_file(source: Source) -> A.File:
    return Parser(source).file()


class Parser:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.lexer = Lexer(source)
        self.tok: Token = self.lexer.next()

    # -- token helpers ---------------------------------------------------------------------

    def span(self, tok: Token) -> A.Span:
        return A.Span(self.source, tok.start, tok.end)

    def error(self, message: str, tok: Token | None = None) -> TextError:
        tok = tok or self.tok
        return TextError(message, self.source, tok.start, tok.end)

    def advance(self) -> Token:
        tok = self.tok
        self.tok = self.lexer.next()
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def at_keyword(self, word: str) -> bool:
        return self.tok.kind == "keyword" and self.tok.text == word

    def eat(self, kind: str) -> Token | None:
        return self.advance() if self.tok.kind == kind else None

    def eat_keyword(self, word: str) -> Token | None:
        return self.advance() if self.at_keyword(word) else None

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self.error(f"expected '{kind}', found {self.tok.describe()}")
        return self.advance()

    def expect_keyword(self, word: str) -> Token:
        if not self.at_keyword(word):
            raise self.error(f"expected keyword `{word}`, found {self.tok.describe()}")
        return self.advance()

    def expect_id(self) -> A.Id:
        if self.tok.kind != "id":
            raise self.error(f"expected an identifier or string, found {self.tok.describe()}")
        tok = self.advance()
        return A.Id(tok.text, self.span(tok))

    def expect_word(self, word: str) -> Token:
        """A contextual word that is not a keyword (`version`, `feature`)."""
        if self.tok.kind != "id" or self.tok.text != word:
            found = f"`{self.tok.text}`" if self.tok.kind == "id" else self.tok.describe()
            raise self.error(f"expected `{word}`, found {found}")
        return self.advance()

    def version(self) -> tuple[str, A.Span]:
        """A semantic version: read from the text directly, since `1.0.0-rc.1+b` is not
        made of WIT tokens."""
        tok = self.tok
        if tok.kind != "integer":
            raise self.error(f"expected a version, found {tok.describe()}")
        end = self.lexer.version_end(tok.start)
        text = self.source.text[tok.start:end]
        span = A.Span(self.source, tok.start, end)
        if not _SEMVER_RE.match(text):
            raise TextError(f"`{text}` is not a valid semantic version", self.source,
                            tok.start, end)
        self.lexer.pos = end
        self.tok = self.lexer.next()
        return text, span

    # -- files and packages --------------------------------------------------------------

    def file(self) -> A.File:
        package = None
        gates = self.gates()
        if self.at_keyword("package"):
            decl = self.package_decl()
            if self.eat(";"):
                package = decl
                items: list[A.TopItem] = []
            else:
                items = [self.nested_package(decl, 1)]
        else:
            items = []
            if not gates.empty() or gates.external_id:
                items.append(self.top_item(gates, 1))
        while not self.at("eof"):
            items.append(self.top_item(self.gates(), 1))
        return A.File(self.source, package, tuple(items))

    def package_decl(self) -> A.PackageDecl:
        docs = self.docs(self.tok)
        self.expect_keyword("package")
        start = self.tok
        ids = [self.expect_id()]
        self.expect(":")
        ids.append(self.expect_id())
        while self.eat(":"):
            ids.append(self.expect_id())
        version = None
        if self.eat("@"):
            version = self.version()[0]
        end = self.lexer_prev_end
        span = A.Span(self.source, start.start, end)
        ref = A.PackageRef(":".join(i.name for i in ids[:-1]), ids[-1].name, version, span)
        return A.PackageDecl(ref, docs, span)

    @property
    def lexer_prev_end(self) -> int:
        """The end of the text read before the current token (for spans of several)."""
        text = self.source.text
        i = self.tok.start
        while i > 0 and text[i - 1] in " \t\r\n":
            i -= 1
        return i

    def nested_package(self, decl: A.PackageDecl, depth: int) -> A.NestedPackage:
        if depth > MAX_DEPTH:
            raise TextError("package nesting too deep", decl.span.source,
                            self._keyword_before(decl.span.start), decl.span.end)
        self.expect("{")
        items: list[A.TopItem] = []
        while not self.eat("}"):
            items.append(self.top_item(self.gates(), depth + 1))
        return A.NestedPackage(decl, tuple(items))

    def _keyword_before(self, start: int) -> int:
        """The start of the `package` keyword before a package name at `start`."""
        i = self.source.text.rfind("package", 0, start)
        return i if i != -1 else start

    def top_item(self, gates: A.Gates, depth: int) -> A.TopItem:
        tok = self.tok
        if self.at_keyword("interface"):
            return self.interface(gates, self.docs_of(tok, gates))
        if self.at_keyword("world"):
            return self.world(gates, self.docs_of(tok, gates))
        if self.at_keyword("use"):
            return self.top_use()
        if self.at_keyword("package"):
            decl = self.package_decl()
            if self.at(";"):
                raise self.error("expected '{', found ';' (a `package` header must come first "
                                 "in its file)")
            return self.nested_package(decl, depth)
        raise self.error(f"expected `world`, `interface` or `use`, found {tok.describe()}")

    def top_use(self) -> A.TopUse:
        start = self.expect_keyword("use")
        path = self.use_path()
        alias = self.expect_id() if self.eat_keyword("as") else None
        self.expect(";")
        return A.TopUse(path, alias, self.span(start))

    def use_path(self) -> A.UsePath:
        first = self.expect_id()
        if not self.at(":"):
            return A.UsePath(None, first, first.span)
        ids = [first]
        while self.eat(":"):
            ids.append(self.expect_id())
        self.expect("/")
        names = [self.expect_id()]
        while self.eat("/"):
            names.append(self.expect_id())
        version = None
        if self.eat("@"):
            version = self.version()[0]
        end = self.lexer_prev_end
        pkg_name = "/".join([ids[-1].name] + [n.name for n in names[:-1]])
        pkg = A.PackageRef(":".join(i.name for i in ids[:-1]), pkg_name, version,
                           A.Span(self.source, first.span.start, end))
        return A.UsePath(pkg, names[-1], A.Span(self.source, first.span.start, end))

    # -- gates and docs ------------------------------------------------------------------

    @staticmethod
    def docs(tok: Token) -> str | None:
        return doc_text(tok.comments)

    def docs_of(self, tok: Token, gates: A.Gates) -> str | None:
        # doc comments come before the gates; `gates` remembers them
        return getattr(gates, "_docs", None) or self.docs(tok)

    def gates(self) -> A.Gates:
        since = unstable = deprecated = external = None
        docs = self.docs(self.tok)
        while self.at("@"):
            self.advance()
            word = self.tok
            if word.kind != "id" or word.text not in ("since", "unstable", "deprecated",
                                                     "external-id"):
                raise self.error("expected `since`, `unstable`, `deprecated` or "
                                 f"`external-id`, found {word.describe()}")
            self.advance()
            self.expect("(")
            if word.text == "external-id":
                external = self.expect("string").text
            elif word.text == "unstable":
                self.expect_word("feature")
                self.expect("=")
                unstable = self.expect_id()
            else:
                self.expect_word("version")
                self.expect("=")
                v = self.version()
                if word.text == "since":
                    since = v
                else:
                    deprecated = v
            self.expect(")")
        gates = A.Gates(since, unstable, deprecated, external)
        return _with_docs(gates, docs)

    # -- interfaces ----------------------------------------------------------------------

    def interface(self, gates: A.Gates, docs: str | None) -> A.InterfaceDef:
        self.expect_keyword("interface")
        name = self.expect_id()
        members = self.interface_body()
        return A.InterfaceDef(name, members, docs, _strip(gates))

    def interface_body(self) -> tuple[A.InterfaceMember, ...]:
        self.expect("{")
        members: list[A.InterfaceMember] = []
        while not self.eat("}"):
            first = self.tok
            gates = self.gates()
            docs = self.docs_of(first, gates)
            if self.at_keyword("use"):
                members.append(self.use(gates, docs))
            elif self.tok.kind == "keyword" and self.tok.text in _TYPEDEF_KEYWORDS:
                members.append(self.typedef(gates, docs))
            elif self.tok.kind == "id":
                name = self.expect_id()
                self.expect(":")
                sig = self.func_type()
                self.expect(";")
                members.append(A.FuncDef(name, sig, docs, _strip(gates)))
            else:
                raise self.error(f"expected `type`, `resource` or `func`, found "
                                 f"{self.tok.describe()}")
        return tuple(members)

    def use(self, gates: A.Gates, docs: str | None) -> A.Use:
        start = self.expect_keyword("use")
        path = self.use_path()
        self.expect(".")
        self.expect("{")
        names: list[tuple[A.Id, A.Id | None]] = []
        while not self.eat("}"):
            name = self.expect_id()
            alias = self.expect_id() if self.eat_keyword("as") else None
            names.append((name, alias))
            if not self.eat(","):
                self.expect("}")
                break
        self.expect(";")
        return A.Use(path, tuple(names), docs, _strip(gates), self.span(start))

    def typedef(self, gates: A.Gates, docs: str | None) -> A.TypeDef:
        kind = self.advance().text
        name = self.expect_id()
        gates = _strip(gates)
        if kind == "type":
            self.expect("=")
            alias = self.type(1)
            self.expect(";")
            return A.TypeDef(kind, name, alias=alias, docs=docs, gates=gates)
        if kind == "resource":
            if self.eat(";"):
                return A.TypeDef(kind, name, docs=docs, gates=gates)
            return A.TypeDef(kind, name, methods=self.resource_body(), docs=docs, gates=gates)
        self.expect("{")
        fields: list[A.Field] = []
        while not self.at("}"):
            fdocs = self.docs(self.tok)
            fname = self.expect_id()
            ftype = None
            if kind == "record":
                self.expect(":")
                ftype = self.type(1)
            elif kind == "variant" and self.eat("("):
                ftype = self.type(1)
                self.expect(")")
            fields.append(A.Field(fname, ftype, fdocs))
            if not self.eat(","):
                break
        self.expect("}")
        if not fields:
            raise TextError(f"empty {kind}", self.source, name.span.start, name.span.end)
        return A.TypeDef(kind, name, fields=tuple(fields), docs=docs, gates=gates)

    def resource_body(self) -> tuple[A.ResourceFunc, ...]:
        self.expect("{")
        funcs: list[A.ResourceFunc] = []
        while not self.eat("}"):
            first = self.tok
            gates = self.gates()
            docs = self.docs_of(first, gates)
            if self.at_keyword("constructor"):
                tok = self.advance()
                params = self.params()
                result = self.type(1) if self.eat("->") else None
                self.expect(";")
                sig = A.FuncSig(params, result, False, self.span(tok))
                funcs.append(A.ResourceFunc("constructor", A.Id("constructor", self.span(tok)),
                                            sig, docs, _strip(gates)))
                continue
            if self.tok.kind != "id":
                raise self.error(f"expected `constructor` or identifier, found "
                                 f"{self.tok.describe()}")
            name = self.expect_id()
            self.expect(":")
            kind = "static" if self.eat_keyword("static") else "method"
            sig = self.func_type()
            self.expect(";")
            funcs.append(A.ResourceFunc(kind, name, sig, docs, _strip(gates)))
        return tuple(funcs)

    def func_type(self) -> A.FuncSig:
        is_async = self.eat_keyword("async") is not None
        tok = self.expect_keyword("func")
        params = self.params()
        result = self.type(1) if self.eat("->") else None
        return A.FuncSig(params, result, is_async, self.span(tok))

    def params(self) -> tuple[tuple[A.Id, A.TypeExpr], ...]:
        self.expect("(")
        params: list[tuple[A.Id, A.TypeExpr]] = []
        while not self.at(")"):
            name = self.expect_id()
            self.expect(":")
            params.append((name, self.type(1)))
            if not self.eat(","):
                break
        self.expect(")")
        return tuple(params)

    # -- types ---------------------------------------------------------------------------

    def type(self, depth: int) -> A.TypeExpr:
        tok = self.tok
        if depth > MAX_DEPTH:
            raise self.error("type nesting too deep")
        if tok.kind == "id":
            self.advance()
            return A.TName(A.Id(tok.text, self.span(tok)))
        if tok.kind != "keyword":
            raise self.error(f"expected a type, found {tok.describe()}")
        word = tok.text
        if word in _PRIMS:
            self.advance()
            return A.TPrim(word, self.span(tok))
        self.advance()
        span = self.span(tok)
        if word == "list":
            self.expect("<")
            element = self.type(depth + 1)
            length = None
            if self.eat(","):
                if not self.at("integer"):
                    raise self.error(f"expected fixed-length, found {self.tok.describe()}")
                length_tok = self.advance()
                length = int(length_tok.text)
                if length == 0 or length_tok.text.startswith("0"):
                    raise self.error("a fixed-length list must have a length of at least 1",
                                     length_tok)
            self.expect(">")
            return A.TList(element, length, span)
        if word == "option":
            self.expect("<")
            inner = self.type(depth + 1)
            self.expect(">")
            return A.TOption(inner, span)
        if word == "result":
            ok = err = None
            if self.eat("<"):
                if self.eat("_"):
                    self.expect(",")
                    err = self.type(depth + 1)
                else:
                    ok = self.type(depth + 1)
                    if self.eat(","):
                        err = self.type(depth + 1)
                self.expect(">")
            return A.TResult(ok, err, span)
        if word == "tuple":
            self.expect("<")
            types = []
            while not self.at(">"):
                types.append(self.type(depth + 1))
                if not self.eat(","):
                    break
            self.expect(">")
            return A.TTuple(tuple(types), span)
        if word == "map":
            self.expect("<")
            key = self.type(depth + 1)
            if not (isinstance(key, A.TPrim) and key.name in _MAP_KEYS):
                raise TextError("invalid map key type: map keys must be bool, u8, u16, u32, "
                                "u64, s8, s16, s32, s64, char, or string", self.source,
                                tok.start, tok.end)
            self.expect(",")
            value = self.type(depth + 1)
            self.expect(">")
            return A.TMap(key, value, span)
        if word in ("borrow", "own"):
            self.expect("<")
            name = self.expect_id()
            self.expect(">")
            return A.THandle(word == "borrow", name, span)
        if word in ("future", "stream"):
            element = None
            if self.eat("<"):
                element = self.type(depth + 1)
                self.expect(">")
            return A.TFuture(element, span) if word == "future" else A.TStream(element, span)
        raise self.error(f"expected a type, found {tok.describe()}", tok)

    # -- worlds --------------------------------------------------------------------------

    def world(self, gates: A.Gates, docs: str | None) -> A.WorldDef:
        self.expect_keyword("world")
        name = self.expect_id()
        self.expect("{")
        members: list[A.WorldMember] = []
        while not self.eat("}"):
            first = self.tok
            mgates = self.gates()
            mdocs = self.docs_of(first, mgates)
            if self.at_keyword("import") or self.at_keyword("export"):
                members.append(self.extern(mgates, mdocs))
            elif self.at_keyword("include"):
                members.append(self.include(mgates, mdocs))
            elif self.at_keyword("use"):
                members.append(self.use(mgates, mdocs))
            elif self.tok.kind == "keyword" and self.tok.text in _TYPEDEF_KEYWORDS:
                members.append(self.typedef(mgates, mdocs))
            else:
                raise self.error("expected `import`, `export`, `include`, `use`, or type, "
                                 f"found {self.tok.describe()}")
        return A.WorldDef(name, tuple(members), docs, _strip(gates))

    def extern(self, gates: A.Gates, docs: str | None) -> A.Extern:
        kw = self.advance()
        direction = kw.text
        gates = _strip(gates)
        span = self.span(kw)
        if self.tok.kind == "id":
            # `import a:b/c;` names an interface of a package; `import a: b;` gives the name
            # `a` to what follows. Like wit-parser, a colon written with no space around it
            # between two identifiers makes the former.
            save = (self.lexer.pos, self.tok)
            name = self.expect_id()
            if self.at(":"):
                colon = self.advance()
                path_like = (not colon.space_before and not self.tok.space_before
                             and self.tok.kind == "id")
                if not path_like:
                    return self._named_extern(direction, name, docs, gates, span)
            self.lexer.pos, self.tok = save
        path = self.use_path()
        self.expect(";")
        return A.Extern(direction, "path", None, path=path, docs=docs, gates=gates, span=span)

    def _named_extern(self, direction: str, name: A.Id, docs: str | None, gates: A.Gates,
                      span: A.Span) -> A.Extern:
        if self.at_keyword("func") or self.at_keyword("async"):
            sig = self.func_type()
            self.expect(";")
            return A.Extern(direction, "func", name, sig=sig, docs=docs, gates=gates, span=span)
        if self.at_keyword("interface"):
            self.advance()
            body = self.interface_body()
            iface = A.InterfaceDef(None, body, docs, A.NO_GATES)
            return A.Extern(direction, "interface", name, interface=iface, docs=docs,
                            gates=gates, span=span)
        path = self.use_path()
        self.expect(";")
        return A.Extern(direction, "implements", name, path=path, docs=docs, gates=gates,
                        span=span)

    def include(self, gates: A.Gates, docs: str | None) -> A.Include:
        kw = self.expect_keyword("include")
        path = self.use_path()
        renames: list[tuple[A.Id, A.Id]] = []
        if self.eat_keyword("with"):
            self.expect("{")
            while not self.at("}"):
                old = self.expect_id()
                self.expect_keyword("as")
                renames.append((old, self.expect_id()))
                if not self.eat(","):
                    break
            self.expect("}")
        else:
            self.expect(";")
        return A.Include(path, tuple(renames), docs, _strip(gates), self.span(kw))


# Doc comments are read with the gates (they come first); they ride along on a copy of the
# gates record, kept out of its fields so gates compare by what they gate.
class _GatesWithDocs(A.Gates):
    _docs: str | None = None


def _with_docs(gates: A.Gates, docs: str | None) -> A.Gates:
    if docs is None:
        return gates
    return _GatesWithDocs(gates.since, gates.unstable, gates.deprecated, gates.external_id, docs)


def _strip(gates: A.Gates) -> A.Gates:
    if isinstance(gates, _GatesWithDocs):
        return A.Gates(gates.since, gates.unstable, gates.deprecated, gates.external_id)
    return gates
