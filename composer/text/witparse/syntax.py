"""A recursive-descent parser for WIT, giving `tree.File`: the grammar of WIT.md as
wit-parser 1.262 reads it (its choices where the two differ: no nested namespaces, a version
read token by token, an identifier checked when taken), with wit-parser's messages and places.

Recursion is bounded: types nest at most `MAX_DEPTH` levels (`list<list<...>>`), and so do
nested `package a:b { }` blocks; deeper input is refused with a message rather than
exhausting Python's stack.
"""

from __future__ import annotations

from ...model.names import _SEMVER_RE
from ...diagnostics import Source, TextError
from . import tree as A
from .lexer import CommentSpan, Span, Tokens, describe, validate_id

MAX_DEPTH = 100

_PRIMS = frozenset({"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64",
                    "char", "string", "error-context"})
_TYPEDEF_KEYWORDS = frozenset({"type", "record", "variant", "enum", "flags", "resource"})
_IDS = frozenset({"id", "%id"})
_VERSION_PARTS = frozenset({"id", "int", "-"})
# identifiers already found valid: most repeat (`u32` fields, common names)
_VALID_IDS: set[str] = set()
_VALID_VERSIONS: set[str] = set()  # (the same: `@since(version = 0.2.0)` on every item)
_U32_MAX = 0xFFFF_FFFF
_U64_MAX = 0xFFFF_FFFF_FFFF_FFFF


def parse_file(source: Source) -> A.File:
    return Parser(source).file()


class Parser(Tokens):
    __slots__ = ()

    # -- token helpers ---------------------------------------------------------------------

    def here(self) -> Span:
        i = self.i
        return Span(self, i, i)

    def fail(self, what: str) -> TextError:
        """`expected WHAT, found ...` at the current token."""
        return self.error(f"expected {what}, found {describe(self.kind)}", self.i)

    # (`advance` written out in the hot paths below: a call costs as much as the work)

    def eat(self, kind: str) -> bool:
        if self.kind != kind:
            return False
        i = self.i = self.i + 1
        if (k := self.kinds[i]) == "error":
            raise self._errors[i]
        self.kind = k
        return True

    def expect(self, kind: str) -> int:
        """Take a token of `kind`; its index."""
        if self.kind != kind:
            raise self.fail(describe(kind))
        i = self.i
        self.i = i + 1
        if (k := self.kinds[i + 1]) == "error":
            raise self._errors[i + 1]
        self.kind = k
        return i

    def id(self) -> A.Id:
        """An identifier, plain or `%`-explicit, checked by wit-parser's rule."""
        kind = self.kind
        i = self.i
        if kind == "id":
            name = self.toks[i]
        elif kind == "%id":
            name = self.toks[i][1:]
        else:
            raise self.fail("an identifier or string")
        if name not in _VALID_IDS:
            problem = validate_id(name)
            if problem is not None:
                raise self.error(problem, i)
            _VALID_IDS.add(name)
        self.i = i + 1
        if (k := self.kinds[i + 1]) == "error":
            raise self._errors[i + 1]
        self.kind = k
        return A.Id(name, Span(self, i, i))

    def word(self, expected: str) -> None:
        """An identifier that must be `expected` (`version`, `feature`)."""
        ident = self.id()
        if ident.name != expected:
            raise TextError.at(f"expected `{expected}`, found `{ident.name}`", ident.span)

    def version(self) -> tuple[str, Span]:
        """A semantic version, read as wit-parser reads one: three integers between dots,
        then `-` and `+` each followed by identifiers, integers, `-` and dots (a dot not
        followed by one of those belongs to what comes next: `@1.0.0.{a}`); the text they
        span, whitespace included, must be a valid version."""
        first = self.i
        self.expect("int")
        self.expect(".")
        self.expect("int")
        self.expect(".")
        last = self.expect("int")
        last = self._version_part("-", last)
        last = self._version_part("+", last)
        span = Span(self, first, last)
        gaps = self.gaps[first + 1:last + 1]
        if any(gaps):
            text = self.text[span.start:span.end]
        else:
            text = "".join(self.toks[first:last + 1])
        if text not in _VALID_VERSIONS:
            problem = semver_problem(text)
            if problem is not None:
                raise TextError.at(problem, span)
            _VALID_VERSIONS.add(text)
        return text, span

    def _version_part(self, prefix: str, last: int) -> int:
        if not self.eat(prefix):
            return last
        while True:
            if self.kind in _VERSION_PARTS:
                last = self.i
                self.advance()
            elif self.kind == ".":
                state = self.save()
                self.advance()
                if self.kind not in _VERSION_PARTS:
                    self.restore(state)
                    return last
                last = self.i
                self.advance()
            else:
                return last

    def opt_version(self) -> tuple[str, Span] | None:
        return self.version() if self.eat("@") else None

    # -- files and packages --------------------------------------------------------------

    def file(self) -> A.File:
        package = None
        state = self.save()
        docs = self.docs()
        if self.kind == "package":
            self.advance()
            name = self.package_name()
            if self.kind == ";":
                self.advance()
                package = A.PackageDecl(name, docs, name.span,
                                        CommentSpan(self, state) if docs else None)
            else:
                self.restore(state)
        items = self.decl_list(None, 0)
        return A.File(self.source, package, tuple(items))

    def package_name(self) -> A.PackageRef:
        first = self.i
        ns = self.id()
        self.expect(":")
        name = self.id()
        version = self.opt_version()
        span = Span(self, first, version[1].last if version else first + 2)
        return A.PackageRef(ns.name, name.name, version[0] if version else None, span)

    def decl_list(self, end: str | None, depth: int) -> list[A.TopItem]:
        """The items of a file (to its end) or of a nested package (to `end`)."""
        items: list[A.TopItem] = []
        docs = self.docs()
        while True:
            if end is not None:
                if self.eat(end):
                    return items
            elif self.kind == "eof":
                return items
            items.append(self.top_item(docs, depth))
            docs = self.docs()

    def top_item(self, docs: str | None, depth: int) -> A.TopItem:
        gates = self.gates()
        kind = self.kind
        if kind == "interface":
            return self.interface(gates, docs)
        if kind == "world":
            return self.world(gates, docs)
        if kind == "use":
            return self.top_use(gates)
        if kind == "package":
            return self.nested_package(gates, docs, depth)
        raise self.fail("`world`, `interface` or `use`")

    def nested_package(self, gates: A.Gates, docs: str | None, depth: int) -> A.NestedPackage:
        keyword = self.here()
        self.advance()
        if gates.attributes:
            raise TextError.at("cannot place attributes on nested packages", keyword)
        if depth >= MAX_DEPTH:
            raise TextError.at("package nesting too deep", keyword)
        name = self.package_name()
        self.expect("{")
        items = self.decl_list("}", depth + 1)
        return A.NestedPackage(A.PackageDecl(name, docs, name.span), tuple(items))

    def top_use(self, gates: A.Gates) -> A.TopUse:
        keyword = self.here()
        self.advance()
        path = self.use_path()
        alias = self.id() if self.eat("as") else None
        self.expect(";")
        return A.TopUse(path, alias, keyword, gates)

    def use_path(self) -> A.UsePath:
        """`name`, or `ns:pkg/name@version`."""
        first = self.i
        ns = self.id()
        if not self.eat(":"):
            return A.UsePath(None, ns, ns.span)
        pkg = self.id()
        self.expect("/")
        name = self.id()
        version = self.opt_version()
        ref = A.PackageRef(ns.name, pkg.name, version[0] if version else None,
                           Span(self, first, first + 2))
        return A.UsePath(ref, name, Span(self, first, self.i - 1))

    # -- attributes ------------------------------------------------------------------------

    def gates(self) -> A.Gates:
        """`@since(version = v)`, `@unstable(feature = f)`, `@deprecated(version = v)`,
        `@external-id("...")`, any number of them (which combinations are allowed is
        checked where the item is resolved, as wit-parser does)."""
        if self.kind != "@":
            return A.NO_GATES
        attributes: list[A.Attribute] = []
        while self.eat("@"):
            name = self.id()
            kind = name.name
            if kind not in ("since", "unstable", "deprecated", "external-id"):
                raise TextError.at(f"unknown attribute `{kind}`", name.span)
            self.expect("(")
            if kind == "external-id":
                if self.kind != "str":
                    raise self.fail("a string literal")
                value = self.string_value()
                self.advance()
            elif kind == "unstable":
                self.word("feature")
                self.expect("=")
                value = self.id().name
            else:
                self.word("version")
                self.expect("=")
                value = self.version()[0]
            self.expect(")")
            attributes.append(A.Attribute(kind, value, name.span))
        first = {}
        for a in attributes:
            first.setdefault(a.name, a)
        since, unstable, deprecated = first.get("since"), first.get("unstable"), first.get("deprecated")
        external = first.get("external-id")
        return A.Gates(
            (since.value, since.span) if since else None,
            A.Id(unstable.value, unstable.span) if unstable else None,
            (deprecated.value, deprecated.span) if deprecated else None,
            external.value if external else None,
            tuple(attributes))

    # -- interfaces ----------------------------------------------------------------------

    def interface(self, gates: A.Gates, docs: str | None) -> A.InterfaceDef:
        self.advance()
        name = self.id()
        members = self.interface_body()
        return A.InterfaceDef(name, members, docs, gates)

    def interface_body(self) -> tuple[A.InterfaceMember, ...]:
        self.expect("{")
        members: list[A.InterfaceMember] = []
        while True:
            docs = self.docs() if "/" in self.gaps[self.i] else None
            if self.eat("}"):
                return tuple(members)
            gates = self.gates() if self.kind == "@" else A.NO_GATES
            kind = self.kind
            if kind in _TYPEDEF_KEYWORDS:
                members.append(self.typedef(gates, docs))
            elif kind in _IDS:
                name = self.id()
                self.expect(":")
                sig = self.func_type()
                self.expect(";")
                members.append(A.FuncDef(name, sig, docs, gates))
            elif kind == "use":
                members.append(self.use(gates, docs))
            else:
                raise self.fail("`type`, `resource` or `func`")

    def use(self, gates: A.Gates, docs: str | None) -> A.Use:
        keyword = self.here()
        self.advance()
        path = self.use_path()
        self.expect(".")
        self.expect("{")
        names: list[tuple[A.Id, A.Id | None]] = []
        while not self.eat("}"):
            name = self.id()
            alias = self.id() if self.eat("as") else None
            names.append((name, alias))
            if not self.eat(","):
                self.expect("}")
                break
        self.expect(";")
        return A.Use(path, tuple(names), docs, gates, keyword)

    def typedef(self, gates: A.Gates, docs: str | None) -> A.TypeDef:
        kind = self.kind
        self.advance()
        name = self.id()
        if kind == "type":
            self.expect("=")
            alias = self.type(1)
            self.expect(";")
            return A.TypeDef(kind, name, alias, (), (), docs, gates)
        if kind == "resource":
            if self.eat("{"):
                return A.TypeDef(kind, name, None, (), self.resource_body(), docs, gates)
            self.expect(";")
            return A.TypeDef(kind, name, None, (), (), docs, gates)
        fields = self.list_of("{", "}", self._record_field if kind == "record"
                              else self._variant_case if kind == "variant" else self._name_only)
        return A.TypeDef(kind, name, None, tuple(fields), (), docs, gates)

    def _record_field(self, docs: str | None) -> A.Field:
        name = self.id()
        self.expect(":")
        return A.Field(name, self.type(1), docs)

    def _variant_case(self, docs: str | None) -> A.Field:
        name = self.id()
        payload = None
        if self.eat("("):
            payload = self.type(1)
            self.expect(")")
        return A.Field(name, payload, docs)

    def _name_only(self, docs: str | None) -> A.Field:
        return A.Field(self.id(), None, docs)

    def list_of(self, open_: str, close: str, item) -> list:  # type: ignore[no-untyped-def]
        """`open item, item, ... close` (a trailing comma allowed), each item given the
        comments before it."""
        self.expect(open_)
        return self.list_until(close, item)

    def list_until(self, close: str, item) -> list:  # type: ignore[no-untyped-def]
        out = []
        while True:
            docs = self.docs() if "/" in self.gaps[self.i] else None
            if self.eat(close):
                return out
            out.append(item(docs))
            if not self.eat(","):
                self.expect(close)
                return out

    def resource_body(self) -> tuple[A.ResourceFunc, ...]:
        funcs: list[A.ResourceFunc] = []
        while not self.eat("}"):
            docs = self.docs() if "/" in self.gaps[self.i] else None
            gates = self.gates() if self.kind == "@" else A.NO_GATES
            if self.kind == "constructor":
                keyword = self.here()
                self.advance()
                params = self.params()
                result = self.type(1) if self.eat("->") else None
                self.expect(";")
                sig = A.FuncSig(params, result, False, keyword)
                funcs.append(A.ResourceFunc("constructor", A.Id("constructor", keyword), sig,
                                            docs, gates))
                continue
            if self.kind not in _IDS:
                raise self.fail("`constructor` or identifier")
            name = self.id()
            self.expect(":")
            kind = "static" if self.eat("static") else "method"
            sig = self.func_type()
            self.expect(";")
            funcs.append(A.ResourceFunc(kind, name, sig, docs, gates))
        return tuple(funcs)

    def func_type(self) -> A.FuncSig:
        is_async = self.eat("async")
        keyword = self.here()
        self.expect("func")
        params = self.params()
        result = self.type(1) if self.eat("->") else None
        return A.FuncSig(params, result, is_async, keyword)

    def params(self) -> tuple[tuple[A.Id, A.TypeExpr], ...]:
        return tuple(self.list_of("(", ")", self._param))

    def _param(self, docs: str | None) -> tuple[A.Id, A.TypeExpr]:
        name = self.id()
        self.expect(":")
        return name, self.type(1)

    # -- types ---------------------------------------------------------------------------

    def type(self, depth: int) -> A.TypeExpr:
        kind = self.kind
        i = self.i
        if depth > MAX_DEPTH:
            raise self.error("type nesting too deep", i)
        if kind in _PRIMS:
            self.i = i + 1
            if (k := self.kinds[i + 1]) == "error":
                raise self._errors[i + 1]
            self.kind = k
            return A.TPrim(kind, Span(self, i, i))
        if kind in _IDS:
            return A.TName(self.id())
        span = Span(self, i, i)
        if kind == "list":
            self.advance()
            self.expect("<")
            element = self.type(depth + 1)
            length = None
            if self.eat(","):
                if self.kind != "int":
                    raise self.fail("fixed size")
                length = int(self.toks[self.i])
                if length > _U32_MAX:
                    raise self.error("invalid list size: number too large to fit in target type",
                                     self.i)
                self.advance()
            self.expect(">")
            return A.TList(element, length, span)
        if kind == "option":
            self.advance()
            self.expect("<")
            inner = self.type(depth + 1)
            self.expect(">")
            return A.TOption(inner, span)
        if kind == "result":
            self.advance()
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
        if kind == "tuple":
            self.advance()
            types = self.list_of("<", ">", lambda docs: self.type(depth + 1))
            return A.TTuple(tuple(types), span)
        if kind == "map":
            self.advance()
            self.expect("<")
            key = self.type(depth + 1)
            self.expect(",")
            value = self.type(depth + 1)
            self.expect(">")
            return A.TMap(key, value, span)
        if kind in ("borrow", "own"):
            self.advance()
            self.expect("<")
            name = self.id()
            self.expect(">")
            return A.THandle(kind == "borrow", name, span)
        if kind in ("future", "stream"):
            self.advance()
            element = None
            if self.eat("<"):
                element = self.type(depth + 1)
                self.expect(">")
            return A.TFuture(element, span) if kind == "future" else A.TStream(element, span)
        raise self.fail("a type")

    # -- worlds --------------------------------------------------------------------------

    def world(self, gates: A.Gates, docs: str | None) -> A.WorldDef:
        self.advance()
        name = self.id()
        self.expect("{")
        members: list[A.WorldMember] = []
        while True:
            mdocs = self.docs() if "/" in self.gaps[self.i] else None
            if self.eat("}"):
                return A.WorldDef(name, tuple(members), docs, gates)
            mgates = self.gates() if self.kind == "@" else A.NO_GATES
            kind = self.kind
            if kind == "import" or kind == "export":
                members.append(self.extern(mgates, mdocs))
            elif kind == "use":
                members.append(self.use(mgates, mdocs))
            elif kind in _TYPEDEF_KEYWORDS:
                members.append(self.typedef(mgates, mdocs))
            elif kind == "include":
                members.append(self.include(mgates, mdocs))
            else:
                raise self.fail("`import`, `export`, `include`, `use`, or type definition")

    def extern(self, gates: A.Gates, docs: str | None) -> A.Extern:
        direction = self.kind
        span = self.here()
        self.advance()
        # `import name: func(..)`, `import name: interface {..}` and `import name: path;`
        # give `name` to what follows; anything else is `import path;`. Like wit-parser,
        # try the former first and fall back to reading a path.
        state = self.save()
        name = self.id()
        if self.eat(":"):
            if self.kind == "func" or self.kind == "async":
                sig = self.func_type()
                self.expect(";")
                return A.Extern(direction, "func", name, sig=sig, docs=docs, gates=gates,
                                span=span)
            if self.eat("interface"):
                body = self.interface_body()
                iface = A.InterfaceDef(None, body, docs, A.NO_GATES)
                return A.Extern(direction, "interface", name, interface=iface, docs=docs,
                                gates=gates, span=span)
            implemented = self._implemented_path()
            if implemented is not None:
                return A.Extern(direction, "implements", name, path=implemented, docs=docs,
                                gates=gates, span=span)
        self.restore(state)
        path = self.use_path()
        self.expect(";")
        return A.Extern(direction, "path", None, path=path, docs=docs, gates=gates, span=span)

    def _implemented_path(self) -> A.UsePath | None:
        """`path;` after `import name:`, or None (nothing taken) when a path is read but no
        `;` follows it (`import a:b/c;`); an error in the path is reported, as wit-parser
        reports it."""
        state = self.save()
        path = self.use_path()
        if self.kind != ";":
            self.restore(state)
            return None
        self.advance()
        return path

    def include(self, gates: A.Gates, docs: str | None) -> A.Include:
        keyword = self.here()
        self.advance()
        path = self.use_path()
        renames: list[tuple[A.Id, A.Id]] = []
        if self.eat("with"):
            renames = self.list_of("{", "}", self._rename)
        else:
            self.expect(";")
        return A.Include(path, tuple(renames), docs, gates, keyword)

    def _rename(self, docs: str | None) -> tuple[A.Id, A.Id]:
        old = self.id()
        self.expect("as")
        return old, self.id()


def semver_problem(text: str) -> str | None:
    """What is wrong with a semantic version, as the semver crate says it, or None."""
    m = _SEMVER_RE.match(text)
    if m is None:
        return f"`{text}` is not a valid semantic version"
    for part in ("major", "minor", "patch"):
        if int(m[part]) > _U64_MAX:
            return f"value of {part} version number exceeds u64::MAX"
    for ident in (m["pre"] or "").split("."):
        if len(ident) > 1 and ident.isdigit() and ident[0] == "0":
            return "invalid leading zero in pre-release identifier"
    return None
