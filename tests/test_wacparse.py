"""The WAC reader (composer/text/wac): the tokens as wac reads them, every construct of the
grammar to its tree (with spans), the JSON dump in wac's shape, each syntax error with its
place, and `compose parse`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from composer.cli import cli
from composer.errors import ComposerError
from composer.diagnostics import Source, TextError
from composer.text.wac import parse_wac, read_wac
from composer.text.wac import tree as ast
from composer.text.wac.grammar import valid_version
from composer.text.wac.parser import MAX_DEPTH
from composer.text.wac.tojson import document_json
from composer.text.wac.tokens import WacLexer

HEAD = "package my:comp;\n"


def parse(text: str) -> ast.Document:
    return parse_wac(Source("t.wac", text))


def error(text: str) -> TextError:
    with pytest.raises(TextError) as info:
        parse(text)
    return info.value


def at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """The (start, end) of the `nth` occurrence of `part` in `text`."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(part, i + 1)
    return i, i + len(part)


def span(s: ast.Span) -> tuple[int, int]:
    return s.start, s.end


def only(text: str) -> ast.Statement:
    (statement,) = parse(text).statements
    return statement


def tokens(text: str) -> list[tuple[str, str]]:
    lexer = WacLexer(Source("t.wac", text))
    out = []
    while (tok := lexer.next()).kind != "eof":
        out.append((tok.kind, tok.text))
    return out


# -- tokens ---------------------------------------------------------------------------------


def test_package_names_and_paths_are_single_tokens_when_written_without_spaces():
    assert tokens("a:b a:b:c@1.0.0-rc.1+x a:b/c/d@2.0.0 a : b a:b/") == [
        ("package-name", "a:b"), ("package-name", "a:b:c@1.0.0-rc.1+x"),
        ("package-path", "a:b/c/d@2.0.0"),
        ("id", "a"), (":", ":"), ("id", "b"),
        ("package-name", "a:b"), ("/", "/"),
    ]


def test_identifiers_keywords_and_operators():
    assert tokens('%let let lets foo-BAR fooBar ... .. -> [ ] = "a\nb"') == [
        ("id", "let"), ("keyword", "let"), ("id", "lets"), ("id", "foo-BAR"),
        ("id", "foo"), ("id", "B"), ("id", "ar"),  # a word is all lower or all upper case
        ("...", "..."), (".", "."), (".", "."), ("->", "->"), ("[", "["), ("]", "]"),
        ("=", "="), ("str", "a\nb"),  # strings may span lines and have no escapes
    ]


def test_comments_are_kept_with_their_places():
    text = "/* a /* nested */ one */ // line\n/// doc\nlet"
    tok = WacLexer(Source("t.wac", text)).next()
    assert tok.comments == ("/* a /* nested */ one */", "// line", "/// doc")
    assert tok.comment_starts == (0, text.index("// line"), text.index("/// doc"))


# -- the package directive and docs -------------------------------------------------------


def test_package_directive_with_version_and_target_world():
    text = "package my:comp@0.1.0 targets wasi:cli/command@0.2.0;\n"
    d = parse(text).directive
    assert (d.package.string, d.package.name, d.package.version) == \
        ("my:comp@0.1.0", "my:comp", "0.1.0")
    assert span(d.package.span) == at(text, "my:comp@0.1.0")
    assert span(d.package.version_span()) == at(text, "0.1.0")
    t = d.targets
    assert (t.string, t.name, t.segments, t.version) == \
        ("wasi:cli/command@0.2.0", "wasi:cli", "command", "0.2.0")
    assert span(t.span) == at(text, "wasi:cli/command@0.2.0")
    assert span(t.name_span()) == at(text, "wasi:cli")
    assert [(s, span(sp)) for s, sp in t.segment_spans()] == [("command", at(text, "command"))]
    assert span(d.span) == (0, text.index(";") + 1)


def test_package_without_version_or_target():
    d = parse("package a:b:c;").directive
    assert (d.package.name, d.package.version, d.targets) == ("a:b:c", None, None)


def test_doc_comments_are_kept_for_the_document_and_each_statement():
    text = ("/// The package\n/* plain */ // plain too\n/**/ package a:b;\n"
            "/** Block\n  doc */\n//// four slashes\nlet x = y;\n")
    doc = parse(text)
    assert [(d.text, span(d.span)) for d in doc.docs] == [
        ("The package", at(text, "/// The package"))]
    (let,) = doc.statements
    assert [d.text for d in let.docs] == ["Block\n  doc", "/ four slashes"]
    assert span(let.docs[0].span) == at(text, "/** Block\n  doc */")


# -- import --------------------------------------------------------------------------------


def test_import_by_package_path_with_nested_segments():
    text = HEAD + "import a as \"my-a\": ns:pkg/x/y@1.2.3;"
    imp = only(text)
    assert isinstance(imp, ast.Import)
    assert (imp.id.name, span(imp.id.span)) == ("a", at(text, "a", 2))
    assert isinstance(imp.name, ast.String) and imp.name.value == "my-a"
    assert span(imp.name.span) == at(text, '"my-a"')
    path = imp.type
    assert isinstance(path, ast.PackagePath)
    assert (path.name, path.segments, path.version) == ("ns:pkg", "x/y", "1.2.3")
    x = text.index("/x/") + 1
    assert [(s, span(sp)) for s, sp in path.segment_spans()] == [
        ("x", (x, x + 1)), ("y", (x + 2, x + 3))]
    assert span(imp.span) == (len(HEAD), len(text))


def test_import_by_function_type_inline_interface_and_name():
    text = HEAD + ("import f as g: func(a: u32, b: string) -> (r: u8, s: bool);\n"
                   "import i: interface { h: func(); type t = u8; };\n"
                   "import %j: k;\n")
    f, i, j = parse(text).statements
    assert isinstance(f.name, ast.Id) and f.name.name == "g"
    assert isinstance(f.type, ast.FuncType)
    assert [(p.id.name, p.type.name) for p in f.type.params] == [("a", "u32"), ("b", "string")]
    assert [(r.id.name, r.type.name) for r in f.type.results] == [("r", "u8"), ("s", "bool")]
    assert span(f.type.span) == (text.index("func("), text.index("bool)") + 5)
    assert isinstance(i.type, ast.InlineInterface) and i.name is None
    export, alias = i.type.items
    assert isinstance(export, ast.InterfaceExport) and export.id.name == "h"
    assert isinstance(alias, ast.TypeAlias) and alias.kind.name == "u8"
    assert isinstance(j.type, ast.Id) and (j.id.name, j.type.name) == ("j", "k")
    assert span(j.id.span) == at(text, "%j")  # the span has the `%`, the name has not


# -- let and expressions ------------------------------------------------------------------


def test_new_expression_with_every_kind_of_argument():
    text = HEAD + 'let x = new ns:pkg@1.0.0 { a, ...b, c: d, "e:f/g": (h), ... };'
    let = only(text)
    assert isinstance(let, ast.Let) and let.id.name == "x"
    new = let.expr.primary
    assert isinstance(new, ast.New) and let.expr.postfix == ()
    assert (new.package.name, new.package.version) == ("ns:pkg", "1.0.0")
    assert span(new.span) == span(let.expr.span) == (text.index("new"), text.index("};") + 1)
    a, b, c, e = new.args
    assert isinstance(a, ast.InferredArg) and a.id.name == "a"
    assert isinstance(b, ast.SpreadArg) and b.id.name == "b" and span(b.span) == at(text, "...b")
    assert isinstance(c, ast.NamedArg) and isinstance(c.name, ast.Id) and c.name.name == "c"
    assert isinstance(c.expr.primary, ast.Ident) and c.expr.primary.id.name == "d"
    assert isinstance(e, ast.NamedArg) and isinstance(e.name, ast.String)
    assert e.name.value == "e:f/g" and span(e.span) == at(text, '"e:f/g": (h)')
    assert isinstance(e.expr.primary, ast.Nested)
    assert e.expr.primary.expr.primary.id.name == "h"
    assert new.fill and span(new.fill_span) == at(text, "...", 1)


def test_new_expression_without_arguments_and_fill_alone():
    empty, fill = parse(HEAD + "let x = new a:b {};\nlet y = new a:b { ... };").statements
    assert (empty.expr.primary.args, empty.expr.primary.fill) == ((), False)
    assert (fill.expr.primary.args, fill.expr.primary.fill) == ((), True)


def test_access_chain():
    text = HEAD + 'let x = i["a:b/c@1.0.0"].d.%e["f"];'
    expr = only(text).expr
    assert isinstance(expr.primary, ast.Ident) and expr.primary.id.name == "i"
    kinds = [(type(p).__name__, p.string.value if isinstance(p, ast.NamedAccess) else p.id.name)
             for p in expr.postfix]
    assert kinds == [("NamedAccess", "a:b/c@1.0.0"), ("Access", "d"), ("Access", "e"),
                     ("NamedAccess", "f")]
    assert span(expr.postfix[0].span) == at(text, '["a:b/c@1.0.0"]')
    assert span(expr.postfix[2].span) == at(text, ".%e")
    assert span(expr.span) == (text.index("i["), text.rindex(";"))


# -- export --------------------------------------------------------------------------------


def test_export_options():
    text = HEAD + 'export a;\nexport b...;\nexport c as d;\nexport e.f as "g";\n'
    a, b, c, e = parse(text).statements
    assert all(isinstance(s, ast.Export) for s in (a, b, c, e))
    assert a.options is None
    assert isinstance(b.options, ast.ExportSpread) and span(b.options.span) == at(text, "...")
    assert isinstance(c.options, ast.ExportRename) and isinstance(c.options.name, ast.Id)
    assert c.options.name.name == "d"
    assert isinstance(e.options.name, ast.String) and e.options.name.value == "g"
    assert isinstance(e.expr.postfix[0], ast.Access)


def test_export_of_a_new_expression_spread():
    export = only(HEAD + "export new a:b { ... }...;")
    assert isinstance(export.expr.primary, ast.New) and export.expr.primary.fill
    assert isinstance(export.options, ast.ExportSpread)


# -- interfaces, worlds and types -----------------------------------------------------------


def test_interface_items():
    text = HEAD + """/// I
interface i {
    use other.{a, b as c};
    use ns:pkg/x@1.0.0 .{d};
    type f = func(x: list<u8>) -> string;
    /// R
    resource r {
        /// New
        constructor(n: u32);
        get: func() -> u32;
        make: static func() -> r;
    }
    resource s;
    /// G
    g: f;
    h: func();
}
"""
    stmt = only(text)
    assert isinstance(stmt, ast.TypeStatement) and isinstance(stmt.decl, ast.InterfaceDecl)
    i = stmt.decl
    assert i.id.name == "i" and [d.text for d in i.docs] == ["I"]
    use1, use2, alias, r, s, g, h = i.items
    assert isinstance(use1.path, ast.Id) and use1.path.name == "other"
    assert [(u.id.name, u.as_id and u.as_id.name) for u in use1.items] == [("a", None), ("b", "c")]
    assert isinstance(use2.path, ast.PackagePath) and use2.path.version == "1.0.0"
    assert isinstance(alias.kind, ast.FuncType) and isinstance(alias.kind.results, ast.TPrim)
    assert isinstance(alias.kind.params[0].type, ast.TList)
    assert isinstance(r, ast.ResourceDecl) and [d.text for d in r.docs] == ["R"]
    ctor, get, make = r.methods
    assert isinstance(ctor, ast.Constructor) and [d.text for d in ctor.docs] == ["New"]
    assert span(ctor.span) == at(text, "constructor")
    assert [p.id.name for p in ctor.params] == ["n"]
    assert isinstance(get, ast.Method) and not get.is_static and get.type.results.name == "u32"
    assert make.is_static and isinstance(make.type.results, ast.TName)
    assert isinstance(s, ast.ResourceDecl) and s.methods == ()
    assert isinstance(g, ast.InterfaceExport) and isinstance(g.type, ast.Id) and g.type.name == "f"
    assert [d.text for d in g.docs] == ["G"]
    assert isinstance(h.type, ast.FuncType) and h.type.results is None
    assert span(i.span) == (text.index("interface"), len(text) - 1)


def test_world_items():
    text = HEAD + """world w {
    use i.{t};
    import f: func(a: t);
    import i;
    import ns:pkg/j;
    import k: k-type;
    export e: interface { x: func(); };
    export ns:pkg/l@0.2.0;
    include other with { a as b, c as d };
    include ns:pkg/w2;
    record r { x: u8 }
    resource res;
}
"""
    w = only(text).decl
    assert isinstance(w, ast.WorldDecl) and w.id.name == "w"
    use, f, i, j, k, e, l, inc1, inc2, r, res = w.items
    assert isinstance(use, ast.Use)
    assert isinstance(f, ast.WorldImport) and isinstance(f.path, ast.NamedWorldItem)
    assert f.path.id.name == "f" and isinstance(f.path.type, ast.FuncType)
    assert isinstance(i.path, ast.Id) and i.path.name == "i"
    assert isinstance(j.path, ast.PackagePath) and j.path.string == "ns:pkg/j"
    assert isinstance(k.path.type, ast.Id) and k.path.type.name == "k-type"
    assert isinstance(e, ast.WorldExport) and isinstance(e.path.type, ast.InlineInterface)
    assert isinstance(l, ast.WorldExport) and l.path.version == "0.2.0"
    assert isinstance(inc1, ast.WorldInclude) and isinstance(inc1.world, ast.Id)
    assert [(x.id.name, x.as_id.name) for x in inc1.with_items] == [("a", "b"), ("c", "d")]
    assert isinstance(inc2.world, ast.PackagePath) and inc2.with_items == ()
    assert isinstance(r, ast.RecordDecl) and isinstance(res, ast.ResourceDecl)
    assert span(f.span) == at(text, "import f: func(a: t);")


def test_value_type_declarations():
    text = HEAD + """variant v { a, /** B */ b(u8), }
record r { /// X
    x: option<string>, y: v }
flags f { read, /// W
    write }
enum e { one, two, }
type t = tuple<u8, s8, u16, s16, u32, s32, u64, s64, f32, f64, char, bool, string>;
type res = result;
type ok = result<u8>;
type err = result<_, string>;
type both = result<list<u8>, borrow<h>>;
type %type = t;
"""
    v, r, f, e, t, res, ok, err, both, kw = (s.decl for s in parse(text).statements)
    assert [(c.id.name, c.type and c.type.name, [d.text for d in c.docs]) for c in v.cases] == [
        ("a", None, []), ("b", "u8", ["B"])]
    assert span(v.cases[1].span) == at(text, "b(u8)")
    assert [(x.id.name, [d.text for d in x.docs]) for x in r.fields] == [("x", ["X"]), ("y", [])]
    assert isinstance(r.fields[0].type, ast.TOption) and r.fields[0].type.type.name == "string"
    assert isinstance(r.fields[1].type, ast.TName) and r.fields[1].type.id.name == "v"
    assert [(x.id.name, [d.text for d in x.docs]) for x in f.flags] == [
        ("read", []), ("write", ["W"])]
    assert [c.id.name for c in e.cases] == ["one", "two"]
    assert [p.name for p in t.kind.types] == [
        "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char", "bool",
        "string"]
    assert span(t.kind.span) == (text.index("tuple<"), text.index("string>;") + 7)
    assert (res.kind.ok, res.kind.err) == (None, None)
    assert ok.kind.ok.name == "u8" and ok.kind.err is None
    assert err.kind.ok is None and err.kind.err.name == "string"
    assert isinstance(both.kind.ok, ast.TList)
    assert isinstance(both.kind.err, ast.THandle) and both.kind.err.borrow
    assert both.kind.err.id.name == "h" and span(both.kind.err.span) == at(text, "borrow<h>")
    assert kw.id.name == "type" and kw.kind.id.name == "t"


def test_function_results():
    text = HEAD + ("type a = func();\ntype b = func() -> u8;\n"
                   "type c = func() -> (x: u8);\ntype d = func() -> ();\n")
    a, b, c, d = (s.decl.kind for s in parse(text).statements)
    assert a.results is None
    assert isinstance(b.results, ast.TPrim)
    assert isinstance(c.results, tuple) and c.results[0].id.name == "x"
    assert d.results == ()


# -- JSON ----------------------------------------------------------------------------------


def test_json_has_wacs_shape():
    text = 'package a:b;\n/// d\nlet x = new c:d@1.0.0 { y, ... };\nexport x["z"] as "w";\n'
    assert document_json(parse(text)) == {
        "docs": [],
        "directive": {"package": {"string": "a:b", "name": "a:b", "version": None,
                                  "span": {"offset": 8, "length": 3}}},
        "statements": [
            {"Let": {
                "docs": [{"comment": "d", "span": {"offset": 13, "length": 5}}],
                "id": {"string": "x", "span": {"offset": 23, "length": 1}},
                "expr": {
                    "span": {"offset": 27, "length": 24},
                    "primary": {"new": {
                        "span": {"offset": 27, "length": 24},
                        "package": {"string": "c:d@1.0.0", "name": "c:d", "version": "1.0.0",
                                    "span": {"offset": 31, "length": 9}},
                        "arguments": [
                            {"inferred": {"string": "y", "span": {"offset": 43, "length": 1}}},
                            {"fill": {"offset": 46, "length": 3}},
                        ]}},
                    "postfix": []}}},
            {"Export": {
                "docs": [],
                "expr": {
                    "span": {"offset": 60, "length": 6},
                    "primary": {"ident": {"string": "x", "span": {"offset": 60, "length": 1}}},
                    "postfix": [{"namedAccess": {
                        "span": {"offset": 61, "length": 5},
                        "string": {"value": "z", "span": {"offset": 62, "length": 3}}}}]},
                "options": {"rename": {"string": {"value": "w",
                                                  "span": {"offset": 70, "length": 3}}}}}},
        ],
    }


def test_json_of_types_and_declarations():
    text = ("package a:b targets a:b/w;\nimport f: func(x: list<u8>) -> result<_, u8>;\n"
            "world w { include v with { a as b }; }\n")
    doc = document_json(parse(text))
    assert doc["directive"]["targets"] == {
        "span": {"offset": 20, "length": 5}, "string": "a:b/w", "name": "a:b",
        "segments": "w", "version": None}
    func = doc["statements"][0]["Import"]["ty"]["func"]
    assert func["params"][0]["ty"] == {"list": [{"u8": {"offset": 50, "length": 2}},
                                                {"offset": 45, "length": 8}]}
    assert func["results"] == {"scalar": {"result": {
        "ok": None, "err": {"u8": {"offset": 68, "length": 2}},
        "span": {"offset": 58, "length": 13}}}}
    include = doc["statements"][1]["Type"]["world"]["items"][0]["include"]
    assert include["with"] == [{"from": {"string": "a", "span": {"offset": 100, "length": 1}},
                                "to": {"string": "b", "span": {"offset": 105, "length": 1}}}]


# -- errors ---------------------------------------------------------------------------------


def test_an_error_shows_its_place_and_the_line():
    err = error("package a:b;\n\ntype x = u32")
    assert str(err) == ("t.wac:3:12: expected `;`, found end of input\n"
                        "  |\n"
                        "3 | type x = u32\n"
                        "  |            ^")


@pytest.mark.parametrize("text,message,line,column", [
    ("import f: func();", "expected `package` keyword, found `import` keyword", 1, 1),
    ("", "expected `package` keyword, found end of input", 1, 1),
    ("package a:b;\npackage a:b;",
     "expected either `import` keyword, `let` keyword, `export` keyword, `interface` keyword, "
     "`world` keyword, `variant` keyword, `record` keyword, `flags` keyword, `enum` keyword, or "
     "`type` keyword, found `package` keyword", 2, 1),
    ("package a;", "expected package name, found identifier", 1, 9),
    ("package a:b@1;", "`1` is not a valid semantic version", 1, 13),
    ("package a:b;\nimport i: a:b/c@1.0;", "`1.0` is not a valid semantic version", 2, 17),
    ("package a:b;\ninterface i { use a:b/c@1.0.0.{d}; }",
     "`1.0.0.` is not a valid semantic version (a `.` right after a version is read as part of "
     "it: put a space before the `.`)", 2, 25),
    ("package a:b;\ntype u8 = x;", "expected identifier, found `u8` keyword", 2, 6),
    ("package a:b;\nrecord r {}", "record must contain at least one field", 2, 11),
    ("package a:b;\nvariant v {\n}", "variant must contain at least one case", 3, 1),
    ("package a:b;\nflags f { }", "flags must contain at least one flag", 2, 11),
    ("package a:b;\nenum e {}", "enum must contain at least one case", 2, 9),
    ("package a:b;\nrecord foo {\n", "expected `}` or identifier, found end of input", 2, 12),
    ("package a:b;\nrecord r { a: u8 b: u8 }", "expected `,`, found identifier", 2, 18),
    ("package a:b;\ntype x = u32\n", "expected `;`, found end of input", 2, 13),
    ("package a:b;\nlet x = new a:b { , };",
     "expected either `}`, `...`, identifier, or string literal, found `,`", 2, 19),
    ("package a:b;\nlet x = new a:b { \"a\" };",
     "expected identifier, found string literal", 2, 19),
    ("package a:b;\nlet x = new y {};", "expected package name, found identifier", 2, 13),
    ("package a:b;\nexport x... as y;", "expected `;`, found `as` keyword", 2, 13),
    ("package a:b;\nexport x as;", "expected identifier or string literal, found `;`", 2, 12),
    ("package a:b;\nexport \"x\";",
     "expected either `new` keyword, `(`, or identifier, found string literal", 2, 8),
    ("package a:b;\nimport x: a:b;",
     "expected either `func` keyword, `interface` keyword, package path, or identifier, "
     "found package name", 2, 11),
    ("package a:b;\ntype t = ;",
     "expected either `func` keyword, `u8` keyword, `s8` keyword, `u16` keyword, `s16` keyword, "
     "`u32` keyword, `s32` keyword, `u64` keyword, `s64` keyword, `f32` keyword, or more..., "
     "found `;`", 2, 10),
    ("package a:b;\ntype t = tuple<>;",
     "expected either `u8` keyword, `s8` keyword, `u16` keyword, `s16` keyword, `u32` keyword, "
     "`s32` keyword, `u64` keyword, `s64` keyword, `f32` keyword, `f64` keyword, or more..., "
     "found `>`", 2, 16),
    ("package a:b;\ninterface i { resource r }", "expected `;` or `{`, found `}`", 2, 26),
    ("package a:b;\nworld w { import x }", "expected `;`, found `}`", 2, 20),
    ("package a:b;\ninterface i { x:func(); }",
     "expected either `}`, `use` keyword, identifier, `resource` keyword, `variant` keyword, "
     "`record` keyword, `flags` keyword, `enum` keyword, or `type` keyword, found package name "
     "(`x:func` reads as a package name: put a space after the `:`)", 2, 15),
    ("package a:b;\nlet x = y $", "unexpected character `$`", 2, 11),
    ("package a:b;\nexport x as \"y;", "unterminated string", 2, 13),
    ("package a:b;\n/* open /* */", "unterminated block comment", 2, 1),
    ("package a:b;\nlet x = 1;", "unexpected character `1`", 2, 9),
    ("package a:b; \x00", "control character U+0000 is not allowed", 1, 14),
    ("package a:b;\n// \u202e", "bidirectional override character U+202E is not allowed", 2, 4),
])
def test_syntax_errors(text, message, line, column):
    err = error(text)
    assert (err.message, err.line, err.column) == (message, line, column)


def test_an_earlier_syntax_error_wins_over_a_bad_character_later():
    err = error("package a:b;\nimport import;\n$")
    assert (err.line, err.column) == (2, 8)


def test_where_the_end_of_the_input_is_reported():
    err = error("package a:b;\ninterface i { use x.{a} \n")  # `;` was wanted: the last character
    assert (err.message, err.line, err.column) == ("expected `;`, found end of input", 2, 25)
    err = error("package a:b;\nworld w { \n\n")
    assert err.message.startswith("expected either `}`") and (err.line, err.column) == (2, 9)


@pytest.mark.parametrize("version", ["0.0.0", "1.2.3", "1.0.0-alpha.1", "1.0.0-0A.is.legal",
                                     "1.0.0+build.001", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
                                     "18446744073709551615.0.0"])
def test_valid_versions(version):
    assert valid_version(version)
    assert parse(f"package a:b@{version};").directive.package.version == version


@pytest.mark.parametrize("version", ["1", "1.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.0.0+",
                                     "1.0.0-a..b", "18446744073709551616.0.0", "1.0.0."])
def test_invalid_versions(version):
    assert not valid_version(version)
    err = error(f"package a:b@{version};")
    assert err.message.startswith(f"`{version}` is not a valid semantic version")
    assert err.column == len("package a:b@") + 1


def test_nesting_is_bounded():
    deep_expr = "package a:b; let x = " + "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1) + ";"
    assert "nested more than" in error(deep_expr).message
    deep_type = "package a:b; type x = " + "list<" * (MAX_DEPTH + 1) + "u8" + ">" * (MAX_DEPTH + 1) + ";"
    assert "nested more than" in error(deep_type).message
    ok = "package a:b; type x = " + "list<" * (MAX_DEPTH - 1) + "u8" + ">" * (MAX_DEPTH - 1) + ";"
    assert isinstance(parse(ok).statements[0].decl.kind, ast.TList)


def test_reading_is_linear_in_the_statements():
    # a generous bound, for "not quadratic" (the figure is scripts/bench_wac.py's): 10,000
    # statements, with line and block comments and strings between the tokens
    import time

    text = "package a:b;\n" + "".join(
        f"/// doc {i}\nlet x{i} = new c:d {{ /* a */ \"s\": y, ... }};\n" for i in range(10_000))
    start = time.process_time()
    doc = parse(text)
    assert time.process_time() - start < 10
    assert len(doc.statements) == 10_000 and doc.statements[-1].docs[0].text == "doc 9999"


# -- files and the command line --------------------------------------------------------------


def test_read_wac_names_the_file_it_cannot_read(tmp_path):
    with pytest.raises(ComposerError, match="missing.wac: cannot read"):
        read_wac(tmp_path / "missing.wac")
    bad = tmp_path / "bad.wac"
    bad.write_bytes(b"package a:b;\xff")
    with pytest.raises(ComposerError, match=r"bad.wac:1:13: not valid UTF-8: byte 0xFF at byte offset 12"):
        read_wac(bad)


def test_read_wac_reads_a_file(tmp_path):
    path = tmp_path / "c.wac"
    path.write_text("package a:b;\nexport x;\n")
    doc = read_wac(path)
    assert doc.source.path == str(path) and isinstance(doc.statements[0], ast.Export)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), prog_name="compose")


def test_compose_parse_prints_the_tree_as_json(tmp_path):
    path = tmp_path / "c.wac"
    path.write_text("package a:b;\nlet x = new c:d {};\n")
    result = invoke("parse", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == document_json(read_wac(path))
    assert result.stdout.startswith('{\n  "docs": []')  # indented


# documents with every kind of node and value the tree has (nulls, booleans, numbers, empty
# lists and objects, escapes, text beyond ASCII, docs on every item that takes them)
PRINTED = {
    "empty": "package a:b;\n",
    "statements": "/// Doc \u00e9 \"q\"\npackage a:b@1.0.0 targets a:b/w;\n"
                  "import f as \"x\\y\": func(a: list<u8>) -> option<string>;\n"
                  "/** block */ import g: a:b/c/d@2.0.0;\nimport h: i;\n"
                  "let x = new c:d { a: y.z, \"s\": (new e:f { ... }).g[\"h\"], ...q, r, ... };\n"
                  "let y = new c:d {};\nexport x... ;\nexport x as \"e\";\nexport y as f;\n"
                  "export y;\n",
    "types": "package a:b;\n/// v\nvariant v { /// c\n a(tuple<u8, s64>), b, c(result) }\n"
             "record r { /// f\n x: u32, y: option<list<borrow<t>>> }\n"
             "flags f { /// g\n a, b }\nenum e { a, /** b */ b }\n"
             "type t = result<_, string>;\ntype u = result<char>;\ntype w = result<bool, f64>;\n"
             "type g = func(a: tuple<u8>) -> (x: u8, y: s16);\ntype h = func() -> ();\n"
             "type k = func();\n",
    "interfaces and worlds": "package a:b;\n/// i\ninterface i {\n  use a:b/j@1.0.0 .{x, y as z};\n"
                             "  use j.{w};\n  /// r\n  resource s { constructor(); "
                             "/// m\n m: func(b: borrow<s>); t: static func() -> u32; }\n"
                             "  f: func(x: u8) -> f32;\n  g: k;\n  type l = list<u8>;\n}\n"
                             "world w {\n  use i.{s};\n  import x: func();\n"
                             "  import y: interface { f: func(); };\n  import a:b/c;\n"
                             "  import i;\n  /// e\n  export z: i;\n  export run: func();\n"
                             "  include a:b/v with { a as b, c as d };\n  include v;\n"
                             "  enum e { a }\n  resource r;\n}\n",
}


@pytest.mark.parametrize("name", PRINTED)
def test_compose_parse_prints_the_text_json_dumps_would(tmp_path, name):
    # written straight from the tree (text/wac/jsontext.py): the very text of
    # json.dumps(indent=2) of the tree's JSON
    path = tmp_path / "c.wac"
    path.write_text(PRINTED[name])
    result = invoke("parse", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == json.dumps(document_json(read_wac(path)), indent=2) + "\n"


def test_compose_parse_reports_a_syntax_error_with_its_place(tmp_path):
    path = tmp_path / "c.wac"
    path.write_text("package a:b;\n\nrecord r {}\n")
    result = invoke("parse", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"error: {path}:3:11: record must contain at least one field\n"
                             "  |\n3 | record r {}\n  |           ^\n")


def test_compose_parse_of_a_missing_file_is_an_error(tmp_path):
    result = invoke("parse", str(tmp_path / "none.wac"))
    assert result.exit_code == 1 and "none.wac: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_wac_reader_is_not_loaded_at_start_up():
    code = ("import sys, composer.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('composer.text.wac')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("text, column", [
    ("package test:%interface;\n", 14),
    ("package a:b;\nlet x = new %a:b {};\n", 13),
    ("package a:b;\nimport x: te:%st/i;\n", 14),
])
def test_an_escaped_part_of_a_package_name_is_refused_at_its_place(text, column):
    # wac keeps the `%` in the name, which no import or export name may then hold (a
    # composition of `package test:%interface;` ended in an internal error)
    with pytest.raises(TextError, match=r"`%` in the package name") as info:
        parse_wac(Source("doc.wac", text))
    assert info.value.column == column
