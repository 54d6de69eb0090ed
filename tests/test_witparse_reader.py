"""The WIT reader (composer/text/witparse): syntax of every construct, semantic rules with
their error locations, gates, folders with deps/, nested packages, caret rendering, and
that a world read from WIT describes what a component of that world is."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, wit_component
from composer.model import types as T
from composer.model.load import load_component
from composer.model.subtype import Bindings, check_extern
from composer.diagnostics import Source, TextError
from composer.text.witparse import read_wit

FIXTURES = ROOT / "fixtures" / "wit"


def read_text(tmp_path: Path, text: str, features: frozenset[str] = frozenset()):
    path = tmp_path / "t.wit"
    path.write_text(text)
    return read_wit(path, features)


def error_at(tmp_path: Path, text: str) -> TextError:
    with pytest.raises(TextError) as info:
        read_text(tmp_path, text)
    return info.value


# -- rendering ------------------------------------------------------------------------------


def test_caret_under_the_span() -> None:
    src = Source("x.wit", "package a:b;\ninterface foo { bar: func() -> baz; }\n")
    start = src.text.index("baz")
    err = TextError("type `baz` does not exist", src, start, start + 3)
    assert (err.line, err.column) == (2, 32)
    assert str(err) == ("x.wit:2:32: type `baz` does not exist\n"
                        "  |\n"
                        "2 | interface foo { bar: func() -> baz; }\n"
                        "  |                                ^^^")


def test_line_col_counts_characters() -> None:
    src = Source("x.wit", "é\n\tab")
    assert src.line_col(0) == (1, 1)
    assert src.line_col(3) == (2, 2)


# -- every construct --------------------------------------------------------------------------


def test_every_construct_reads() -> None:
    r = read_wit(FIXTURES / "all-constructs.wit")
    pkg = r.package("my:constructs@1.2.0")
    assert pkg is not None and pkg.docs == "The package's docs"
    types = next(i for i in pkg.interfaces if i.name == "types")
    ex = types.instance_type.exports
    assert isinstance(ex["blob"], T.ResourceType)
    assert isinstance(ex["point"], T.NamedType) and ex["point"].owner == "my:constructs/types@1.2.0"
    assert ex["quad"].type == T.ListType(T.PRIMS["u8"], 4)
    assert isinstance(ex["m"].type, T.MapType)
    assert ex["f"].type == T.FutureType(None)
    assert ex["e"].type is T.PRIMS["error-context"]
    read = ex["[method]blob.read"]
    assert read.params[0][0] == "self" and isinstance(read.params[0][1], T.BorrowType)
    assert ex["[constructor]blob"].result == T.OwnType(ex["blob"])
    assert "[static]blob.merge" in ex
    assert "[method]blob.fancy" not in ex  # @unstable, not enabled
    assert ex["wait"].is_async
    assert types.items[0].docs == "a record"
    wait = next(i for i in types.items if i.name == "wait")
    assert wait.gate.since == "1.0.0"
    app = pkg.world("app")
    names = [(i.direction, i.name) for i in app.items]
    # `api` uses `types`: imported implicitly, before it
    assert names.index(("import", "my:constructs/types@1.2.0")) < names.index(
        ("import", "my:constructs/api@1.2.0"))
    assert ("export", "my:constructs/types@1.2.0") in names
    bigger = pkg.world("bigger")
    assert "logger" in bigger.component_type.imports and "log" not in bigger.component_type.imports
    assert "clock" in bigger.component_type.imports


def test_features_enable_unstable_items() -> None:
    r = read_wit(FIXTURES / "all-constructs.wit", frozenset({"fancy"}))
    types = r.package("my:constructs@1.2.0").interfaces[0]
    assert "[method]blob.fancy" in types.instance_type.exports
    r = read_wit(FIXTURES / "all-constructs.wit", frozenset({"all"}))
    assert "[method]blob.fancy" in r.package("my:constructs@1.2.0").interfaces[0].instance_type.exports


def test_folder_with_deps() -> None:
    r = read_wit(FIXTURES / "dir-pkg")
    assert str(r.main) == "my:dir"
    assert [str(p.name) for p in r.packages] == ["wasi:clocks", "my:dir"]
    w = r.package("my:dir").world("w")
    assert list(w.component_type.imports) == ["wasi:clocks/wall", "my:dir/a"]


def test_nested_packages() -> None:
    r = read_wit(FIXTURES / "nested.wit")
    assert {str(p.name) for p in r.packages} == {"my:root", "my:inner"}
    iface = r.package("my:root").interfaces[0]
    assert iface.items[0].source.package.name == "inner"


# -- rules and where they are reported -------------------------------------------------------


@pytest.mark.parametrize("text, where, words", [
    ("package a:b;\ninterface i {\n  type foo = bar;\n}\n", (3, 14), "does not exist"),
    ("package a:b;\ninterface i {\n  type foo = foo;\n}\n", (3, 14), "depends on itself"),
    ("package a:b;\ninterface i {\n  type foo = bar;\n  type bar = option<foo>;\n}\n", (3, 14),
     "type `bar` depends on itself"),
    ("package a:b;\ninterface i {\n  type foo = u32;\n  type foo = s32;\n}\n", (4, 8),
     "defined more than once"),
    ("package a:b;\ninterface i {\n  type t = u32;\n  type b = borrow<t>;\n}\n", (4, 19),
     "must be a resource"),
    ("package a:b;\ninterface i {\n  resource y;\n  x: func() -> borrow<y>;\n}\n", (4, 3),
     "borrow"),
    ("package a:b;\ninterface i {\n  use j.{x};\n}\ninterface j {}\n", (3, 10), "`x` does not exist"),
    ("package a:b;\nworld w {\n  import nope;\n}\n", (3, 10), "does not exist"),
    ("package a:b;\ninterface i {\n  use i.{x};\n}\n", (2, 11), "depends on itself"),
    ("package a:b;\ninterface foo {}\nworld w {\n  import foo;\n  import foo;\n}\n", (5, 10),
     "more than once"),
    ("package a:b;\nworld w {\n  import x: func();\n  import x: interface {}\n}\n", (4, 10),
     "conflicts with prior func"),
    ("package a:b;\ninterface i {\n  f: func(a: u32, a: u32);\n}\n", (3, 19), "param `a`"),
    ("package a:b;\nworld w {\n  include nope;\n}\n", (3, 11), "does not exist"),
    ("package a:b;\nworld v { import x: func(); }\nworld w {\n  include v with { y as z }\n}\n",
     (4, 11), "kebab-name `y`"),
    ("package a:b;\ninterface i {\n  @unstable(feature = off)\n  type gated = u32;\n"
     "  type foo = gated;\n}\n", (5, 8), "excluded"),
    ("package a:b@0.1.0;\n@since(version = 0.2.0)\ninterface i {}\n", (3, 11), "unreleased"),
    ("package a:b;\ninterface i {\n  record r {}\n}\n", (3, 10), "empty record"),
    ("package a:b;\ninterface i {\n  type x = list<u32,>;\n}\n", (3, 21), "expected fixed size"),
    ("package a:b;\ninterface i {\n  type option = u32;\n}\n", (3, 8), "keyword `option`"),
    ("package a:b;\ninterface i {\n  type m = map<f32, u32>;\n}\n", (3, 12), "map key"),
    ("package a:b;\ninterface i {\n  resource r { constructor() -> u32; }\n}\n", (3, 33),
     "must be a `result`"),
    ("package a:b;\nuse c:d/e;\n", (2, 5), "package 'c:d' not found"),
    ("package a:b;\ninterface i {\n  type Foo-bar = u32;\n}\n", (3, 8),
     "invalid character in identifier 'o'"),
    ("package a:b;\ninterface i {\n  f: func() -> u32\n}\n", (4, 1), "expected ';'"),
])
def test_rule_and_location(tmp_path: Path, text: str, where: tuple[int, int], words: str) -> None:
    err = error_at(tmp_path, text)
    assert (err.line, err.column) == where, str(err)
    assert words in err.message
    assert str(err).startswith(f"{tmp_path / 't.wit'}:{where[0]}:{where[1]}: ")


def test_nesting_is_bounded(tmp_path: Path) -> None:
    deep = "list<" * 150 + "u8" + ">" * 150
    err = error_at(tmp_path, f"package a:b;\ninterface i {{ type t = {deep}; }}\n")
    assert "nesting too deep" in err.message
    packages = "".join(f"package a:b{i} {{\n" for i in range(120)) + "}\n" * 120
    err = error_at(tmp_path, "package a:b;\n" + packages)
    assert "package nesting too deep" in err.message


def test_unterminated_comment_and_bad_version(tmp_path: Path) -> None:
    assert "block comment" in error_at(tmp_path, "package a:b;\n/* /* */\n").message
    assert "expected '.', found ';'" in error_at(tmp_path, "package a:b@1.0;\n").message
    assert "leading zero" in error_at(tmp_path, "package a:b@1.0.0-01;\n").message


def test_missing_package_header(tmp_path: Path) -> None:
    from composer.errors import ComposerError

    (tmp_path / "t.wit").write_text("interface i {}\n")
    with pytest.raises(ComposerError, match="no `package` header"):
        read_wit(tmp_path / "t.wit")


def test_binary_deps_are_read(tmp_path: Path) -> None:
    """deps/ entries in binary form (.wasm, .wat) are WIT packages too; a package a binary
    one carries as its dependency stands in only where deps/ has no package of that name."""
    from conftest import wasm_tools

    pkg = tmp_path / "pkg"
    deps = pkg / "deps"
    deps.mkdir(parents=True)
    src = tmp_path / "src" / "bin.wit"  # outside the package folder
    src.parent.mkdir()
    src.write_text("package dep:bin@1.0.0;\ninterface api { use dep:text/types.{size}; "
                   "/// how long\n get: func() -> size; }\n"
                   "package dep:text { interface types { type size = u64; } }\n")
    (deps / "bin.wasm").write_bytes(wasm_tools("component", "wit", "--wasm", str(src)).stdout)
    (deps / "text.wit").write_text("package dep:text;\ninterface types { type size = u32; }\n")
    (pkg / "a.wit").write_text("package a:b;\nworld w { import dep:bin/api@1.0.0; }\n")
    r = read_wit(pkg)
    assert [str(p.name) for p in r.packages] == ["dep:text", "dep:bin@1.0.0", "a:b"]
    api = r.package("dep:bin@1.0.0").interfaces[0]
    assert [i.docs for i in api.items if getattr(i, "name", "") == "get"] == ["how long"]
    # deps/text.wit wins over the copy inside bin.wasm: `size` is its u32
    assert r.package("dep:text").interfaces[0].instance_type.exports["size"].type == T.PRIMS["u32"]
    (deps / "text.wit").unlink()
    r = read_wit(pkg)
    assert r.package("dep:text").interfaces[0].instance_type.exports["size"].type == T.PRIMS["u64"]


def test_broken_binary_dep_names_the_file(tmp_path: Path) -> None:
    from composer.errors import ComposerError

    (tmp_path / "deps").mkdir()
    (tmp_path / "a.wit").write_text("package a:b;\n")
    (tmp_path / "deps" / "x.wasm").write_bytes(b"\0asm")
    with pytest.raises(ComposerError, match=r"deps/x\.wasm"):
        read_wit(tmp_path)


def test_every_comment_before_an_item_documents_it(tmp_path: Path) -> None:
    """wit-parser 1.262's rule: plain `//` and `/* */` comments document the next item too
    (leading slashes cut, `/**`..`*/` cut), with the indentation they share removed."""
    r = read_text(tmp_path, "package a:b;\n"
                  "// plain\n//   indented\ninterface i {\n"
                  "  /* block */ type t = u32;\n"
                  "  /**\n   * star\n   */\n  type u = u32;\n"
                  "  ///  two spaces\n  type v = u32;\n"
                  "  record r {\n    // the x\n    x: u32,\n    y: u32,\n  }\n"
                  "  enum e {\n    /// first\n    a,\n    b,\n  }\n}\n")
    iface = r.package("a:b").interfaces[0]
    assert iface.docs == "plain\n  indented"
    docs = {i.name: i.docs for i in iface.items}
    assert docs["t"] == "* block */"
    assert docs["u"] == "\n   * star"
    assert docs["v"] == "two spaces"
    assert docs["r"] is None
    members = {i.name: dict(i.member_docs) for i in iface.items}
    assert members["r"] == {"x": "the x"}
    assert members["e"] == {"a": "first"}


# -- the world's type against a real component ----------------------------------------------

WORLD = """package my:demo;

interface types {
  resource file {
    constructor(name: string);
    read: func(n: u32) -> list<u8>;
  }
  record stat { size: u64 }
}

interface fs {
  use types.{file, stat};
  open: func(name: string) -> file;
  info: func(f: borrow<file>) -> stat;
}

world app {
  import fs;
  import log: func(msg: string);
  export types;
  export run: func(args: list<string>) -> result<u32, string>;
}
"""


def test_world_type_matches_a_component_of_it(tmp_path: Path) -> None:
    (tmp_path / "w.wit").write_text(WORLD)
    world = read_wit(tmp_path / "w.wit").package("my:demo").world("app")
    assert list(world.component_type.imports) == ["my:demo/types", "my:demo/fs", "log"]
    comp = tmp_path / "c.wasm"
    comp.write_bytes(wit_component(WORLD, "app"))
    loaded = load_component(comp)
    actual = loaded.scope.component_type()
    assert check_extern(actual, world.component_type, Bindings()) is None
    # and a different world does not fit
    other = WORLD.replace("-> result<u32, string>", "-> u32")
    (tmp_path / "w.wit").write_text(other)
    changed = read_wit(tmp_path / "w.wit").package("my:demo").world("app")
    assert check_extern(actual, changed.component_type, Bindings()) is not None


def test_include_with_renames_a_world_resource_everywhere(tmp_path):
    # `include base with { thing as item }`: the resource, its functions and the functions
    # that use it all take the new name, and it is a resource of its own
    src = tmp_path / "inc.wit"
    src.write_text("""package t:inc;
world base {
  resource thing { constructor(); poke: func(); }
  import take: func(x: thing) -> option<thing>;
}
world renamed {
  include base with { thing as item }
}
""")
    pkg = read_wit(src).package("t:inc")
    base, renamed = pkg.world("base"), pkg.world("renamed")
    names = [i.name for i in renamed.items]
    # wasm-tools' order (`component wit --wasm`, then `print`): free functions before the
    # resource's
    assert names == ["item", "take", "[constructor]item", "[method]item.poke"]
    take = renamed.component_type.imports["take"]
    (_, param), = take.params
    assert isinstance(param, T.OwnType) and param.resource.name == "item"
    assert param.resource is not base.component_type.imports["thing"]
    assert renamed.component_type.imports["item"] is param.resource


# -- verdicts and places against wit-parser's ------------------------------------------------

# Documents on which a reader can easily disagree with wit-parser (each a rule it keeps, or
# one it does not have), with the features enabled. wasm-tools judges each: the reader
# must accept exactly what it accepts, and refuse at the same FILE:LINE:COL.
AGAINST_WIT_PARSER = {
    "bare carriage return": ("package a:b;\ninterface i {\r  f: func();\n}\n", ""),
    "carriage return in a comment": ("package a:b;\ninterface i {}\n// x\rz\n", ""),
    "carriage return and line feed": ("package a:b;\r\ninterface i {\r\n}\r\n", ""),
    "version ending in a hyphen": ("package a:b@0.0.0-;\n", ""),
    "version with a leading zero": ("package a:b@1.0.0-rc.01;\n", ""),
    "version over u64": ("package a:b@99999999999999999999.0.0;\n", ""),
    "version with a space": ("package a:b@1 .0.0;\n", ""),
    "three-part package name": ("package foo:empty:EMPTY;\n", ""),
    "nested package in a nested package": (
        "package a:b;\npackage c:d {\n  package e:f {\n  }\n}\n", ""),
    "attribute on a nested package": (
        "package a:b;\n@since(version = 1.0.0)\npackage c:d {\n}\n", ""),
    "@unstable twice": (
        "package a:b;\n@unstable(feature = x)\n@unstable(feature = y)\ninterface i {}\n", ""),
    "@since twice": ("package a:b@1.0.0;\n@since(version = 1.0.0)\n@since(version = 1.0.0)\n"
                     "interface i {}\n", ""),
    "@since and @unstable": ("package a:b@1.0.0;\n@unstable(feature = x)\n"
                             "@since(version = 1.0.0)\ninterface i {}\n", ""),
    "@deprecated alone": ("package a:b@1.0.0;\ninterface i {\n  @deprecated(version = 1.0.0)\n"
                          "  f: func();\n}\n", ""),
    "unknown attribute": ("package a:b;\n@foo\ninterface i {}\n", ""),
    "@since without a package version": (
        "package a:b;\n@since(version = 1.0.0)\ninterface i {}\n", ""),
    "attribute on a top-level use": (
        "package a:b@1.0.0;\n@since(version = 1.0.0)\nuse i as j;\ninterface i {}\n", ""),
    "resource method named like its resource": (
        "package a:b;\ninterface i {\n  resource r {\n    r: func();\n  }\n}\n", ""),
    "names differing in case": ("package a:b;\ninterface i { type a = u8; type A = u8; }\n", ""),
    "duplicate function name": ("package a:b;\ninterface i {\n  f: func();\n  f: func();\n}\n", ""),
    "duplicate method name": (
        "package a:b;\ninterface i {\n  resource r {\n    f: func();\n    f: static func();\n"
        "  }\n}\n", ""),
    "gated-off type used": ("package a:b;\ninterface i {\n  @unstable(feature = x)\n"
                            "  type t = u32;\n  type u = list<t>;\n}\n", ""),
    "an included world's export gated otherwise than the world's own": (
        "package a:b;\ninterface i {}\nworld inner {\n  @unstable(feature = x)\n  export i;\n}\n"
        "world outer {\n  @unstable(feature = y)\n  export i;\n  include inner;\n}\n", "x,y"),
    "an included world's export gated, the world's own not": (
        "package a:b;\ninterface i {}\nworld inner {\n  @unstable(feature = x)\n  export i;\n}\n"
        "world outer {\n  export i;\n  include inner;\n}\n", "x"),
    "top-level use of a foreign world an include named first": (
        "package foo:foo;\nworld foo {\n  include foo:baz/bar;\n}\nuse foo:baz/bar;\n"
        "package foo:baz {\n  world bar {}\n}\n", ""),
    "top-level use of a foreign world, named first, imported": (
        "package foo:foo;\nuse foo:baz/bar;\nworld foo {\n  import bar;\n}\n"
        "package foo:baz {\n  world bar {}\n}\n", ""),
    # wit-parser makes each anonymous type once a package: one first made inside a type
    # left out by a gate is left out with it
    "an anonymous type first made in a gated-off type, used later": (
        "package a:b;\ninterface i {\n  @unstable(feature = x)\n  type t = option<list<u32>>;\n"
        "  g: func(m: list<u32>);\n}\n", ""),
    "an anonymous type first made in a gated-off record's field, used later": (
        "package a:b;\ninterface i {\n  @unstable(feature = x)\n  record r { a: list<u32> }\n"
        "  g: func(m: list<u32>);\n}\n", ""),
    "an anonymous type first made in a gated-off function, used later": (
        "package a:b;\ninterface i {\n  @unstable(feature = x)\n  f: func(m: list<u32>);\n"
        "  g: func(m: list<u32>);\n}\n", ""),
    "an anonymous type first made where nothing is left out": (
        "package a:b;\ninterface i {\n  g: func(m: list<u32>);\n  @unstable(feature = x)\n"
        "  type t = option<list<u32>>;\n  h: func(m: list<u32>);\n}\n", ""),
    "an anonymous type first made in a gated-off interface, used in another": (
        "package a:b;\n@unstable(feature = x)\ninterface i {\n  type t = list<u32>;\n}\n"
        "interface j {\n  g: func(m: option<list<u32>>);\n}\n", ""),
    "an anonymous type first made in a gated-off type, the feature on": (
        "package a:b;\ninterface i {\n  @unstable(feature = x)\n  type t = option<list<u32>>;\n"
        "  g: func(m: list<u32>);\n}\n", "x"),
    "an empty use with @since in an unversioned package": (
        "package a:b;\ninterface i {}\ninterface j {\n  @since(version = 1.0.0) use i.{};\n}\n", ""),
    "an empty use of another package with @since in an unversioned package": (
        "package a:b;\ninterface j {\n  @since(version = 1.0.0) use c:d/i.{};\n}\n"
        "package c:d {\n  interface i {}\n}\n", ""),
    "gated-off type used, feature on": ("package a:b;\ninterface i {\n  @unstable(feature = x)\n"
                                        "  type t = u32;\n  type u = list<t>;\n}\n", "x"),
    "ungated type in a gated-off interface": (
        "package a:b;\n@unstable(feature = x)\ninterface i {\n  type t = u32;\n}\n", ""),
    "ungated type of a gated-off interface used": (
        "package a:b;\n@unstable(feature = x)\ninterface i {\n  type t = u32;\n}\n"
        "interface j {\n  use i.{t};\n}\n", ""),
    "gated-off type of a gated-off interface used": (
        "package a:b;\n@unstable(feature = x)\ninterface i {\n  @unstable(feature = x)\n"
        "  type t = u32;\n}\ninterface j { use i.{t}; }\n", ""),
    "missing name in a gated-off function": (
        "package a:b;\ninterface i {\n  @unstable(feature = x)\n  f: func(a: nope);\n}\n", ""),
    "missing interface in a gated-off world": (
        "package a:b;\n@unstable(feature = x)\nworld w {\n  import nope;\n}\n", ""),
    "gated-off world type": ("package a:b;\nworld w { @unstable(feature = x) type t = u32; }\n", ""),
    "gated-off import named twice": (
        "package a:b;\ninterface i {}\nworld w { @unstable(feature = x) import i; import i; }\n", ""),
    "gated-off import of a gated-off foreign interface": (
        "package a:b;\nworld w { @unstable(feature = x) import c:d/i; }\n"
        "package c:d { @unstable(feature = x) interface i {} }\n", ""),
    "import of a gated-off foreign interface in a gated-off world": (
        "package a:b;\n@unstable(feature = x)\nworld w { import c:d/i; }\n"
        "package c:d { @unstable(feature = x) interface i {} }\n", ""),
    "gated-off use of a missing foreign type": (
        "package a:b;\ninterface j { @unstable(feature = x) use c:d/i.{nope}; }\n"
        "package c:d { interface i { type t = u32; } }\n", ""),
    "implements without spaces": ("package a:b;\ninterface i {}\nworld w {\n  import x:i;\n}\n", ""),
    "implements path in error": ("package a:b;\nworld w {\n  import foo: foo: b);\n}\n", ""),
    "list size over u32": ("package a:b;\ninterface i { type t = list<u8, 4294967296>; }\n", ""),
    "list size zero": ("package a:b;\ninterface i { type t = list<u8, 0>; }\n", ""),
    "empty tuple": ("package a:b;\ninterface i { f: func() -> tuple<>; }\n", ""),
    "33 flags": ("package a:b;\ninterface i { flags f { " + ", ".join(
        f"f{i}" for i in range(33)) + " } }\n", ""),
    "map key alias": ("package a:b;\ninterface i { type k = u32; type m = map<k, u8>; }\n", ""),
    "type cycle through a handle": (
        "package a:b;\ninterface i { type t = own<t>; }\n", ""),
    "interface cycle across a top-level use": (
        "package a:b;\nuse j as k;\ninterface i { use k.{t}; }\ninterface j { use i.{u}; }\n", ""),
    "two constructors, a missing name": (
        "package a:b;\ninterface i {\n  resource d {\n    constructor();\n"
        "    constructor(x: own<e>);\n  }\n}\n", ""),
    "stability of an include against an import": (
        "package a:b@1.0.0;\ninterface a { type t = u32; }\n"
        "world v { @since(version = 1.0.0) import a; }\n"
        "world w { @deprecated(version = 0.1.0) @since(version = 0.2.0) import a; include v; }\n",
        ""),
    "control character": ("package a:b;\n// \x01\ninterface i {}\n", ""),
    "discouraged code point": ("package a:b;\n// \u0149\ninterface i {}\n", ""),
    "left-to-right mark in a comment": ("package a:b;\n// \u200e\ninterface i {}\n", ""),
    "identifier part starting with a digit": ("package a:b;\ninterface apple-0 {}\n", ""),
    "underscore in an identifier": ("package a:b;\ninterface a_b {}\n", ""),
    "string escape": ("package a:b;\nworld w {\n  @external-id(\"a\\qb\")\n"
                      "  import f: func();\n}\n", ""),
    "missing package, and an error within a package": (
        "package foo:bar;\ninterface foo {\n  use some:dep/foo.{};\n  type t = own<r>;\n}\n", ""),
    "@since on an import of another package, in a gated-off world": (
        "package foo:root;\npackage foo:bar {\n  @unstable(feature = x)\n  world w {\n"
        "    @since(version = 0.1.0)\n    import foo:dep/types@0.1.0;\n  }\n}\n"
        "package foo:dep@0.1.0 { interface types {} }\n", ""),
    "a world type and an import of one name, in a gated-off world": (
        "package foo:foo;\n@unstable(feature = x)\nworld a {\n  @unstable(feature = x)\n"
        "  type a = u32;\n  import a: func();\n}\n", ""),
    "@since on an inline interface of a gated-off world": (
        "package foo:foo;\ninterface shared { type a = u32; }\n@unstable(feature = x)\n"
        "world foo {\n  @since(version = 0.1.0)\n  export a-name: interface {\n"
        "    use shared.{a};\n  }\n}\n", ""),
    "@since on an empty use": ("package foo:foo;\ninterface empty {}\ninterface user {\n"
                               "  @since(version = 0.1.0)\n  use empty.{};\n}\n", ""),
    "reference without a version to a package with one": (
        "package foo:root;\nworld w {\n  import foo:dep/types;\n}\n"
        "package foo:dep@0.1.0 { interface types {} }\n", ""),
    "missing package first met from a nested package": (
        "package foo:root;\npackage foo:nest {\n  interface nesty {\n    use foo:dep1/i1.{o};\n"
        "  }\n}\ninterface i0 {\n  use foo:dep1/i1.{o};\n}\n", ""),
}


@pytest.fixture(scope="module")
def wit_parser_verdicts(tmp_path_factory) -> dict[str, tuple[Path, int, str]]:
    """wasm-tools' verdict on each document of `AGAINST_WIT_PARSER` (run side by side)."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import wasm_tools

    folder = tmp_path_factory.mktemp("verdicts")

    def judge(item: tuple[int, str]) -> tuple[str, tuple[Path, int, str]]:
        i, case = item
        text, feature = AGAINST_WIT_PARSER[case]
        path = folder / f"case{i}" / "t.wit"
        path.parent.mkdir()
        path.write_bytes(text.encode())
        proc = wasm_tools("component", "wit", *(["--features", feature] if feature else []),
                          str(path), check=False)
        return case, (path, proc.returncode, proc.stderr.decode())

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(judge, enumerate(sorted(AGAINST_WIT_PARSER))))


@pytest.mark.parametrize("case", sorted(AGAINST_WIT_PARSER))
def test_verdict_and_place_match_wit_parser(wit_parser_verdicts, case: str) -> None:
    import re

    from composer.errors import ComposerError

    path, status, their_error = wit_parser_verdicts[case]
    feature = AGAINST_WIT_PARSER[case][1]
    assert status in (0, 1), their_error[-300:]
    try:
        read_wit(path, frozenset(feature.split(",")) if feature else frozenset())
        ours = None
    except ComposerError as exc:
        ours = str(exc)
    if status == 0:
        assert ours is None, f"wasm-tools accepts it, we refuse: {ours}"
        return
    assert ours is not None, "wasm-tools refuses it, we accept: " + their_error
    place = re.search(r"-->\s+\S+?:(\d+):(\d+)", their_error)
    if place:  # the one line of ours names the place theirs points at
        assert ours.startswith(f"{path}:{place.group(1)}:{place.group(2)}: "), (ours, their_error)


# -- refusals with no place in wit-parser's messages: ours point at one ------------------------


def test_bytes_not_utf8_are_pointed_at(tmp_path: Path) -> None:
    path = tmp_path / "t.wit"
    path.write_bytes(b"package a:b;\ninterface i {\n  // caf\xe9\n}\n")
    with pytest.raises(TextError) as info:
        read_wit(path)
    assert str(info.value) == (f"{path}:3:9: not valid UTF-8: byte 0xE9 at byte offset 35\n"
                               "  |\n3 |   // caf\ufffd\n  |         ^")


def test_missing_package_header_points_at_the_first_item(tmp_path: Path) -> None:
    (tmp_path / "a.wit").write_text("// a comment\n\nworld w {}\n")
    (tmp_path / "b.wit").write_text("interface i {}\n")
    with pytest.raises(TextError) as info:
        read_wit(tmp_path)
    err = info.value
    assert (err.path, err.line, err.column) == (str(tmp_path / "a.wit"), 3, 1)
    assert "no `package` header" in err.message
    assert str(err).endswith("3 | world w {}\n  | ^")


# -- bounds ------------------------------------------------------------------------------------


def test_fifo_in_deps_is_refused_not_waited_for(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "deps").mkdir()
    (tmp_path / "a.wit").write_text("package a:b;\nworld w {}\n")
    os.mkfifo(tmp_path / "deps" / "x.wit")
    proc = subprocess.run([sys.executable, "-m", "composer", "inspect", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == (f"error: {tmp_path / 'deps' / 'x.wit'}: not a regular file: WIT "
                           "files in a package folder are read only when they are regular "
                           "files\n")


def test_input_that_never_ends_stops_at_the_limit(tmp_path: Path, monkeypatch) -> None:
    """Read while it comes, refused once past the limit: an endless pipe."""
    import os
    import threading

    from composer.errors import ComposerError
    from composer.text.witparse import packages

    monkeypatch.setattr(packages, "MAX_TEXT_SIZE", 1 << 20)
    fifo = tmp_path / "endless.wit"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write() -> None:
        with open(fifo, "wb") as out:
            try:
                while not stop.is_set():
                    out.write(b"// more and more\n" * 1000)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(ComposerError, match=r"endless\.wit: larger than 1 MiB, the most a "
                                                r"WIT file may hold \(MAX_TEXT_SIZE\)"):
            read_wit(fifo)
    finally:
        stop.set()
        writer.join(10)


def test_endless_input_answers_in_bounded_memory(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from measured import run_measured  # scripts/: the peak of `compose` alone, not of pytest

    fifo = tmp_path / "zero.wit"
    os.mkfifo(fifo)
    feed = subprocess.Popen(["sh", "-c", f"cat /dev/zero > {fifo}"], stderr=subprocess.DEVNULL)
    err = tmp_path / "err"
    try:
        with err.open("w") as out:
            run = run_measured([sys.executable, "-m", "composer", "inspect", str(fifo)],
                               stderr=out, timeout=60)
        assert run.status == 1
        assert "larger than 128 MiB" in err.read_text()
        assert run.peak < 200  # MiB
    finally:
        feed.kill()
        feed.wait()


def test_a_long_word_running_into_non_ascii_is_read_in_linear_time(tmp_path: Path) -> None:
    """A word of 100,000 letters followed by a non-ASCII character: the bulk reader refuses
    the word and must not try it again from each of its letters (quadratic: a 65 KB word
    took 6 s, this one about 14 s); wit-parser refuses the character."""
    import time

    from composer.errors import ComposerError

    src = tmp_path / "long.wit"
    src.write_text("package a:b;\ninterface i {\n  " + "a" * 100_000 + "\u00e9: func();\n}\n")
    started = time.process_time()
    with pytest.raises(ComposerError, match=r"long\.wit:3:"):
        read_wit(src)
    assert time.process_time() - started < 5


def test_use_chain_is_linear(tmp_path: Path) -> None:
    """10,000 interfaces each using the one before, imported and exported by a world: read
    in linear time (a quadratic walk took 40 s)."""
    import time

    n = 10_000
    lines = ["package a:chain;", "interface i0 { type t = u32; }"]
    lines += [f"interface i{k} {{ use i{k - 1}.{{t}}; }}" for k in range(1, n)]
    lines.append(f"world w {{ import i{n - 1}; export i{n - 1}; }}")
    path = tmp_path / "chain.wit"
    path.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    world = read_wit(path).package("a:chain").world("w")
    assert time.perf_counter() - start < 20
    assert len(world.component_type.imports) == n
    assert list(world.component_type.exports) == [f"a:chain/i{n - 1}"]


# Documents whose printed form depends on wit-parser's orders and elaboration: `compose
# inspect` must print each exactly as `wasm-tools component wit` does.
PRINTED_AS_WASM_TOOLS = {
    "an included world's exports after the world's own": (
        "package a:b;\ninterface a {}\ninterface b {}\nworld inner { export a; export f: func(); }\n"
        "world outer { export b; export g: func(); include inner; }\n"),
    "a plain name that is the name of a local interface": (
        "package a:b;\ninterface store { get: func(); }\nworld w {\n  import primary: store;\n"
        "  import store: store;\n}\n"),
    "interfaces in dependency order": (
        "package a:b;\ninterface late { use early.{t}; }\ninterface early { type t = u32; }\n"
        "interface other {}\n"),
    "world imports: written, included, used, exported": (
        "package a:b;\ninterface a { type t = u32; }\ninterface b { use a.{t}; }\n"
        "interface c {}\ninterface d { type t = u32; }\nworld v { import c; }\n"
        "world w { use d.{t}; export b; include v; import e: func(); type x = u8; }\n"),
    "exported interfaces after what they need": (
        "package a:b;\ninterface a { type t = u32; }\ninterface b { use a.{t}; }\n"
        "world w { export b; export a; export f: func(); }\n"),
    "an implicit import carries the gate of what needs it": (
        "package a:b@1.0.0;\ninterface a { type t = u32; }\ninterface b { use a.{t}; }\n"
        "world w { @since(version = 1.0.0) import b; }\n"),
    "the first reason an interface is imported for is kept": (
        "package a:b@1.0.0;\ninterface a { type t = u32; }\ninterface b { use a.{t}; }\n"
        "world w { import b; @since(version = 1.0.0) import a; }\n"),
    "an include gives a gate to an ungated import": (
        "package a:b@1.0.0;\ninterface a { type t = u32; }\n"
        "world v { @since(version = 1.0.0) import a; }\nworld w { import a; include v; }\n"),
    "an include from another package drops @since from interfaces": (
        "package a:b@2.0.0;\nworld w { include c:d/v@1.0.0; }\npackage c:d@1.0.0 {\n"
        "  interface i { type t = u32; }\n  world v {\n    @since(version = 1.0.0) import i;\n"
        "    @since(version = 1.0.0) import f: func();\n  }\n}\n"),
    "an empty use imports nothing": (
        "package foo:foo;\ninterface foo { type a = u32; }\nworld w {\n"
        "  import bar: interface { use foo.{}; }\n}\n"),
    "packages in name order": (
        "package z:main;\nworld w { import b:dep/i; import a:dep/i; }\n"
        "package b:dep { interface i {} }\npackage a:dep { interface i { use c:dep/j.{t}; } }\n"
        "package c:dep { interface j { type t = u8; } }\n"),
    "docs on a world import": (
        "package a:b;\ninterface a {}\nworld w {\n  /// hello\n  import a;\n}\n"),
}


@pytest.mark.parametrize("case", sorted(PRINTED_AS_WASM_TOOLS))
def test_inspect_prints_what_wasm_tools_prints(tmp_path: Path, case: str) -> None:
    from conftest import wasm_tools
    from composer.text.inspect import inspect_wit

    path = tmp_path / "t.wit"
    path.write_text(PRINTED_AS_WASM_TOOLS[case])
    assert inspect_wit(path) == wasm_tools("component", "wit", str(path)).stdout.decode()


def test_a_feature_named_like_a_keyword_is_printed_escaped(tmp_path: Path) -> None:
    # `@unstable(feature = %world)`: printed as written, so that it reads back. (wasm-tools
    # 1.262 prints `feature = world`, which it then refuses to read: "expected an identifier
    # or string, found keyword `world`".)
    from conftest import wasm_tools
    from composer.text.inspect import inspect_wit

    path = tmp_path / "t.wit"
    path.write_text("package a:b;\ninterface i {\n  @unstable(feature = %world)\n  f: func();\n}\n")
    ours = inspect_wit(path, frozenset({"world"}))
    assert "feature = %world" in ours
    printed = tmp_path / "printed.wit"
    printed.write_text(ours)
    theirs = wasm_tools("component", "wit", "--features", "world", str(path)).stdout
    assert wasm_tools("component", "wit", "--features", "world", str(printed)).stdout == theirs


def test_many_plain_names_are_linear(tmp_path: Path) -> None:
    """A world with 20,000 functions imported and as many exported: each name checked against
    the others without a scan (a scan of every prior name took over a minute)."""
    import time

    n = 20_000
    lines = ["package a:b;", "world w {"]
    lines += [f"  import g{k}: func();" for k in range(n)]
    lines += [f"  export h{k}: func();" for k in range(n)]
    path = tmp_path / "names.wit"
    path.write_text("\n".join(lines) + "\n}\n")
    start = time.perf_counter()
    world = read_wit(path).package("a:b").world("w")
    assert time.perf_counter() - start < 20
    assert len(world.component_type.imports) == len(world.component_type.exports) == n


def test_packages_in_binary_form_print_first(tmp_path: Path) -> None:
    """A folder whose deps/ hold packages in text and in binary form: wit-parser takes the
    binary ones in first, and wasm-tools prints them first."""
    from conftest import wasm_tools
    from composer.text.inspect import inspect_wit

    deps = tmp_path / "pkg" / "deps"
    deps.mkdir(parents=True)
    (tmp_path / "pkg" / "a.wit").write_text(
        "package a:a;\nworld a {\n  import b:b/b;\n  import c:c/c;\n}\n")
    (deps / "b.wit").write_text("package b:b;\ninterface b { f: func(); }\n")
    src = tmp_path / "c.wit"
    src.write_text("package c:c;\ninterface c { g: func(); }\n")
    (deps / "c.wat").write_bytes(wasm_tools("component", "wit", "--wat", str(src)).stdout)
    expected = wasm_tools("component", "wit", str(tmp_path / "pkg")).stdout.decode()
    assert expected.index("package c:c") < expected.index("package b:b")
    assert inspect_wit(tmp_path / "pkg") == expected
