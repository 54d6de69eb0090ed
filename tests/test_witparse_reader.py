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
from composer.text.diagnostics import Source, TextError
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
    assert names == ["item", "[constructor]item", "[method]item.poke", "take"]
    take = renamed.component_type.imports["take"]
    (_, param), = take.params
    assert isinstance(param, T.OwnType) and param.resource.name == "item"
    assert param.resource is not base.component_type.imports["thing"]
    assert renamed.component_type.imports["item"] is param.resource
