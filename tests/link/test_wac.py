"""`compose FILE.wac`: WAC documents composed, validated by wasm-tools and run under the
embedded host. Each language construct is composed from small counter components (each
`get` returns its own number plus what its imports return, so the number a composition
computes proves the wiring), and each resolution rule is checked with its message and its
FILE:LINE:COL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import build_fixtures

from support import ROOT
from support.cli import compose_proc, invoke
from support.components import counter
from support.oracle import wasm_tools

API = "test:api/get"


def deps(tmp: Path) -> Path:
    """deps/: test:leaf (get = 2, exports test:api/get), test:other@1.0.0 (get = 40, in
    test/other/1.0.0.wat; @2.0.0 computes 80, @3.0.0 exports test:api/more = 7), test:root (run = 10 + its import test:api/get), test:mid
    (get = 300 + its import, exports test:api/get), test:two (run = 1000 + its imports
    test:api/get and test:api/more), and the WIT package test:api (test/api/api.wit)."""
    d = tmp / "deps" / "test"
    (d / "other").mkdir(parents=True, exist_ok=True)
    (d / "api").mkdir(parents=True, exist_ok=True)
    (d / "leaf.wat").write_text(counter(2, exports=API))
    (d / "other" / "1.0.0.wat").write_text(counter(40, exports=API))
    (d / "other" / "2.0.0.wat").write_text(counter(80, exports=API))
    (d / "other" / "3.0.0.wat").write_text(counter(7, exports="test:api/more"))
    (d / "root.wat").write_text(counter(10, imports=(API,)))
    (d / "mid.wat").write_text(counter(300, exports=API, imports=(API,)))
    (d / "two.wat").write_text(counter(1000, imports=(API, "test:api/more")))
    (d / "more.wat").write_text(counter(20000, exports="test:api/more"))
    (d / "both.wat").write_text(counter(5, exports=API, extra_exports=("test:api/more",)))
    (d / "wide.wat").write_text(counter(1, imports=(API,), import_result="u64"))
    (d / "broken.wasm").write_bytes(b"\0asm\x0d\0\x01\0garbage")
    (d / "lower.wat").write_text('(component (import "b" (func)))')
    (d / "upper.wat").write_text('(component (import "B" (func)))')
    (d / "insta.wat").write_text('(component (import "a:b/c" (instance (export "f" (func)))))')
    (d / "instb.wat").write_text('(component (import "a:b/c" (instance (export "F" (func)))))')
    (d / "api" / "api.wit").write_text("package test:api;\n"
                                       "interface get { get: func() -> u32; }\n"
                                       "interface more { get: func() -> u32; }\n")
    return tmp / "deps"


def compose_doc(tmp: Path, text: str, *args: str) -> tuple[int, str, Path]:
    doc = tmp / "doc.wac"
    doc.write_text(text)
    out = tmp / "out.wasm"
    out.unlink(missing_ok=True)
    result = invoke(doc, "--deps-dir", deps(tmp), "-o", out, *args)
    return result.exit_code, result.stderr, out


def run(path: Path, func: str = "run") -> object:
    wasm_tools("validate", str(path))
    (result,) = build_fixtures.run_calls(path, [build_fixtures.Call(None, func, (), None)])
    return result


def top_level(path: Path) -> tuple[list[str], list[str]]:
    """The output's top-level import and export names, as wasm-tools prints them."""
    text = wasm_tools("print", str(path)).stdout.decode()
    imports = re.findall(r'^  \(import "([^"]+)"', text, re.M)
    exports = re.findall(r'^  \(export (?:\(;\d+;\) )?"([^"]+)"', text, re.M)
    return imports, exports


def composes(tmp: Path, text: str, *args: str) -> Path:
    """The output of a document that composes, valid to wasm-tools."""
    code, err, out = compose_doc(tmp, text, *args)
    assert code == 0, err
    wasm_tools("validate", str(out))
    return out


def invoked(path: Path, call: str) -> str:
    """What the embedded host prints for `compose run PATH --invoke CALL`."""
    result = invoke("run", path, "--invoke", call)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


# -- constructs, run ---------------------------------------------------------------------------


def test_named_argument_by_string_and_named_access(tmp_path):
    out = composes(tmp_path, f"""package test:comp;
let l = new test:leaf {{}};
let r = new test:root {{ "{API}": l["{API}"] }};
export r.run;
""")
    assert run(out) == 12
    assert top_level(out) == ([], ["run"])


def test_named_argument_by_interface_name_and_access(tmp_path):
    # `get` names the import test:api/get (the only import whose last part is `get`), and
    # `.get` the export of that name
    out = composes(tmp_path, """package test:comp;
let l = new test:leaf {};
let r = new test:root { get: l.get };
export r.run;
""")
    assert run(out) == 12


def test_inferred_argument_and_version(tmp_path):
    out = composes(tmp_path, f"""package test:comp;
let l = new test:other@1.0.0 {{}};
let get = l["{API}"];
let r = new test:root {{ get }};
export r.run;
""")
    assert run(out) == 50  # 10 + test:other@1.0.0's 40


def test_two_versions_of_one_package_are_two_components(tmp_path):
    # test:other@1.0.0 computes 40, @2.0.0 80: each instance runs its own version's code
    out = composes(tmp_path, f"""package test:comp;
let a = new test:other@1.0.0 {{}};
let b = new test:other@2.0.0 {{}};
export a["{API}"] as "test:out/a";
export b["{API}"] as "test:out/b";
""")
    assert invoked(out, "test:out/a#get()") == "40"
    assert invoked(out, "test:out/b#get()") == "80"
    # each embedded once, named by its version in the component-name section
    text = wasm_tools("print", str(out)).stdout.decode()
    assert re.findall(r"^  \(component \$(\S+)", text, re.M) == [
        "test:other@1.0.0", "test:other@2.0.0"]


def test_two_versions_with_different_exports(tmp_path):
    # @3.0.0 exports test:api/more, not test:api/get: its export is found in its own type
    out = composes(tmp_path, f"""package test:comp;
let a = new test:other@1.0.0 {{}};
let b = new test:other@3.0.0 {{}};
let t = new test:two {{ get: a.get, more: b.more }};
export t.run;
""")
    assert run(out) == 1000 + 40 + 7


def test_spread_argument(tmp_path):
    out = composes(tmp_path, """package test:comp;
let l = new test:leaf {};
let r = new test:root { ...l };
export r.run;
""")
    assert run(out) == 12


def test_chain_through_nested_expressions(tmp_path):
    out = composes(tmp_path, """package test:comp;
let m = new test:mid { get: (new test:leaf {}).get };
export new test:root { get: m.get }.run as "go";
""")
    assert run(out, "go") == 312
    assert top_level(out) == ([], ["go"])


def test_fill_leaves_imports_for_the_host(tmp_path):
    out = composes(tmp_path, """package test:comp;
let r = new test:root { ... };
export r.run;
""")
    assert top_level(out) == ([API], ["run"])


def test_fill_of_a_nested_instantiation_is_imported(tmp_path):
    # wac's resolution leaves `...`'s arguments out of its graph and its encoder imports
    # them (wac-parser's let-statements case): the inner test:mid's test:api/get is an
    # import of the output, whatever the graph shows
    out = composes(tmp_path, """package test:comp;
let r = new test:root { get: new test:mid { ... }.get };
export r.run;
""")
    assert top_level(out) == ([API], ["run"])


def test_explicit_import_passed_and_exported(tmp_path):
    out = composes(tmp_path, """package test:comp;
import g as "my-get": interface { get: func() -> u32; };
let r = new test:root { get: g };
export r.run;
export g;
""")
    assert top_level(out) == (["my-get"], ["run", "my-get"])


def test_an_export_of_an_import_passed_on(tmp_path):
    # `i.get` of an imported instance: the output aliases the import's export
    out = composes(tmp_path, """package test:comp;
import i: interface { get: func() -> u32; };
let m = new test:mid { get: i };
export i.get as "get-of-import";
export m["test:api/get"] as "mid";
""")
    assert top_level(out) == (["i"], ["get-of-import", "mid"])


def test_export_spread_and_instance_export(tmp_path):
    out = composes(tmp_path, """package test:comp;
let l = new test:leaf {};
export l...;
export l as "whole";
""")
    assert top_level(out) == ([], [API, "whole"])


def test_type_statements_are_exported(tmp_path):
    out = composes(tmp_path, """package test:comp@1.0.0;
variant shape { circle(u32), square }
record point { x: u32, y: u32, s: shape }
flags perms { read, write }
enum color { red, green }
type cb = func(p: point) -> color;
interface point-types { type pt = u32; }
interface shapes {
  use point-types.{pt};
  resource brush { constructor(c: u32); paint: func(p: pt); }
  draw: func(b: borrow<brush>) -> string;
}
world painter { import shapes; export run: func(); }
""")
    imports, exports = top_level(out)
    assert imports == []
    assert exports == ["shape", "point", "perms", "color", "cb", "point-types", "shapes", "painter"]
    # the world imports the interface `shapes` uses, as WIT does
    text = wasm_tools("print", str(out)).stdout.decode()
    painter = text[text.index('"test:comp/point-types@1.0.0"'):]
    assert painter.index('"test:comp/point-types@1.0.0"') < painter.index('"test:comp/shapes@1.0.0"')


def test_type_definition_exported_under_another_name(tmp_path):
    # as wac encodes it: the definition is exported once, under the last name given, in
    # its own place (a later type refers to it there)
    out = composes(tmp_path, """package test:comp;
type a = u32;
record n { x: a }
export n as "n2";
variant o { bar(n) }
export n as "n3";
type c = func();
export c as "c2";
""")
    assert top_level(out) == ([], ["a", "n3", "o", "c2"])
    text = wasm_tools("print", str(out)).stdout.decode()
    n3 = re.search(r'\(export \(;(\d+);\) "n3"', text).group(1)
    assert f'(variant (case "bar" {n3}))' in text


def test_type_export_of_an_import_exported(tmp_path):
    out = composes(tmp_path, """package test:comp;
import i: interface { record t { x: u32 } resource r; f: func() -> t; };
export i.t as "x";
export i.r as "y";
export i.f as "g";
""")
    assert top_level(out) == (["i"], ["x", "y", "g"])
    text = wasm_tools("print", str(out)).stdout.decode()
    assert '(alias export 0 "t" (type' in text and '(alias export 0 "r" (type' in text


def test_targets_a_world_of_the_document(tmp_path):
    out = composes(tmp_path, """package test:comp targets test:comp/app;
world app { export run: func() -> u32; }
let r = new test:root { get: new test:leaf {}.get };
export r.run;
""")
    assert run(out) == 12


def test_spread_and_named_arguments_together(tmp_path):
    # the named argument comes after the spread in the text, and is taken all the same;
    # the spread gives only what is still missing
    out = composes(tmp_path, """package test:comp;
let l = new test:leaf {};
let m = new test:mid { get: new test:leaf {}.get };
let t = new test:two { ...l, more: m.get };
export t.run;
""")
    assert run(out) == 1000 + 2 + 302


def test_inferred_argument_named_by_an_interface_id(tmp_path):
    # `g` is an import of the interface test:api/get: it is passed as the import of that name
    out = composes(tmp_path, """package test:comp;
import g: test:api/get;
let r = new test:root { g };
export r.run;
""")
    assert top_level(out) == ([API], ["run"])


def test_inferred_argument_named_by_its_import_name(tmp_path):
    out = composes(tmp_path, f"""package test:comp;
import x as "{API}": interface {{ get: func() -> u32; }};
let r = new test:root {{ x }};
export r.run;
""")
    assert top_level(out) == ([API], ["run"])


def test_import_of_a_document_interface_is_named_by_its_id(tmp_path):
    out = composes(tmp_path, """package test:comp;
interface i { f: func(); }
import x: i;
import y as "other": i;
import f as "just-f": test:comp/i/f;
export y;
""")
    imports, exports = top_level(out)
    assert imports == ["test:comp/i", "other", "just-f"]
    # an instance with an id is exported under the id, whatever it was imported as
    assert exports == ["i", "test:comp/i"]


def test_unnamed_instances_are_named_after_their_package(tmp_path):
    import json

    doc = tmp_path / "doc.wac"
    doc.write_text("""package test:comp;
let m = new test:mid { get: new test:leaf {}.get };
let n = new test:mid { get: new test:leaf {}.get };
export m.get as "a";
export n.get as "b";
""")
    result = invoke("graph", doc, "--deps-dir", deps(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    ids = sorted(n["id"] for n in json.loads(result.stdout)["nodes"])
    assert ids == ["(exports)", "leaf", "leaf2", "m", "n"]  # (exports): what it exports


def test_a_wit_file_given_as_a_package(tmp_path):
    wit = tmp_path / "api.wit"
    wit.write_text("package test:api2;\ninterface get { get: func() -> u32; }\n")
    out = composes(tmp_path, """package test:comp;
import g: test:api2/get;
export g;
""", "--dep", f"test:api2={wit}")
    assert top_level(out) == (["test:api2/get"], ["test:api2/get"])


# WIT interfaces that use a type above its declaration
USED_BEFORE_DECLARED = {
    "function": "f: func() -> e; enum e { a, b }",
    "resource method": "resource r { m: func() -> e; } enum e { a, b }",
    "type alias and resource": "f: func(x: t); type t = list<e>; record e { r: own<r> }\n"
                               "resource r { constructor(x: t); m: static func() -> e; }",
}


@pytest.mark.parametrize("shape", USED_BEFORE_DECLARED)
def test_a_type_used_above_its_wit_declaration_is_declared_before_its_use(tmp_path, shape):
    # wasmparser takes a function's type only by the index the instance exports it under
    # ("instance not valid to be used as import" otherwise): the output must declare the
    # type first, as wit-component does
    pkg = tmp_path / "fwd.wit"
    pkg.write_text(f"package test:fwd;\ninterface i {{ {USED_BEFORE_DECLARED[shape]} }}\n")
    out = composes(tmp_path, "package test:comp;\nimport i: test:fwd/i;\nexport i as \"i\";\n",
                   "--dep", f"test:fwd={pkg}")
    assert top_level(out) == (["test:fwd/i"], ["i"])


def test_spread_takes_only_what_is_still_missing(tmp_path):
    # test:two imports test:api/get then test:api/more: `get` is given by name, and the
    # spread, looking at both in order, passes over it to give `more`
    out = composes(tmp_path, """package test:comp;
let m = new test:more {};
let t = new test:two { get: new test:leaf {}.get, ...m };
export t.run;
""")
    assert run(out) == 1000 + 2 + 20000


def test_inferred_argument_named_by_id_not_by_its_as_name(tmp_path):
    out = composes(tmp_path, """package test:comp;
import g as "my-g": test:api/get;
let r = new test:root { g };
export r.run;
""")
    assert top_level(out) == (["my-g"], ["run"])


def test_export_spread_after_one_of_the_names(tmp_path):
    # `both` exports test:api/get and test:api/more; the first is exported already, the
    # spread adds the second
    out = composes(tmp_path, f"""package test:comp;
let b = new test:both {{}};
export b["{API}"];
export b...;
""")
    assert top_level(out) == ([], [API, "test:api/more"])


def test_targets_with_implicit_imports(tmp_path):
    # `...` leaves only test:api/more for the host: the world imports just that
    out = composes(tmp_path, """package test:comp targets test:comp/w;
world w { import test:api/more; export run: func() -> u32; }
let t = new test:two { get: new test:leaf {}.get, ... };
export t.run;
""")
    assert top_level(out) == (["test:api/more"], ["w", "run"])


def test_paths_into_the_document_and_packages(tmp_path):
    out = composes(tmp_path, """package test:comp;
interface i { f: func(); }
import f as "just-f": test:comp/i/f;
import g as "get-f": test:api/get/get;
""")
    text = wasm_tools("print", str(out)).stdout.decode()
    assert '(import "just-f" (func' in text and '(import "get-f" (func' in text


def test_seed_example_in_wac_runs(small_fixtures, tmp_path):
    """The article's example, written in WAC (fixtures/wac/seed.wac), run: the output of the
    consumer with the string operations plugged in."""
    out = tmp_path / "seed.wasm"
    proc = compose_proc(ROOT / "fixtures" / "wac" / "seed.wac",
                        "--dep", f"example:consumer={small_fixtures['seed-app']}",
                        "--dep", f"example:string-operations={small_fixtures['seed-ops']}",
                        "-o", out, "--run")
    assert proc.returncode == 0, proc.stderr
    assert "Reversed: ledoM tnenopmoC ylbmessAbeW olleH" in proc.stdout
    assert "Words: 4" in proc.stdout
    wasm_tools("validate", str(out))
    # what -d makes of the same pair: the same imports and exports
    d_out = tmp_path / "d.wasm"
    invoke(small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", d_out)
    assert top_level(out) == top_level(d_out)


def test_depfile_names_the_document_and_every_package(tmp_path):
    dep = tmp_path / "out.d"
    out = composes(tmp_path, """package test:comp;
let r = new test:root { get: new test:leaf {}.get };
export r.run;
""", "--depfile", str(dep))
    text = dep.read_text()
    assert text.startswith(f"{out}:")
    for name in ("doc.wac", "root.wat", "leaf.wat"):
        assert name in text
    assert "mid.wat" not in text


def test_import_dependencies(tmp_path):
    out = composes(tmp_path, """package test:comp;
let r = new test:root { get: new test:leaf {}.get };
export r.run;
""", "--import-dependencies")
    imports, exports = top_level(out)
    assert sorted(imports) == ["test-leaf", "test-root"]
    assert exports == ["run"]
    text = wasm_tools("print", str(out)).stdout.decode()
    assert '(import "test-leaf" (component' in text and "(core module" not in text


def test_import_dependencies_imports_each_version(tmp_path):
    out = composes(tmp_path, """package test:comp;
let a = new test:other@1.0.0 {};
let b = new test:other@2.0.0 {};
export a.get as "a";
export b.get as "b";
""", "--import-dependencies")
    assert top_level(out) == (["test-other-1-0-0", "test-other-2-0-0"], ["a", "b"])


IMPORT_NAME_ERRORS = [
    ("two versions, one name", "let a = new test:other@1.0.0-a {};\nlet b = new test:other@1.0.0+a {};",
     "packages `test:other@1.0.0-a` and `test:other@1.0.0+a` would both be imported as "
     "`test-other-1-0-0-a`", (3, 13)),
    ("not kebab case", "let a = new test:other@1.0.0-Rc {};",
     "package `test:other@1.0.0-Rc` cannot be imported: `test-other-1-0-0-Rc`", (2, 13)),
    # strongly unique: names that differ only in case are one name
    ("the document's import", "import x as \"TEST-LEAF\": func();\nlet a = new test:leaf {};",
     "package `test:leaf` would be imported as `test-leaf`, which the composed component "
     "already imports (as `TEST-LEAF`)", (3, 13)),
]


@pytest.mark.parametrize("body,message,where", [e[1:] for e in IMPORT_NAME_ERRORS],
                         ids=[e[0] for e in IMPORT_NAME_ERRORS])
def test_import_dependencies_refuses_names_that_clash(tmp_path, body, message, where):
    d = deps(tmp_path) / "test" / "other"
    for version in ("1.0.0-a", "1.0.0+a", "1.0.0-Rc"):
        (d / f"{version}.wat").write_text(counter(1, exports=API))
    code, err, out = compose_doc(tmp_path, f"package test:comp;\n{body}\n",
                                 "--import-dependencies")
    assert code == 1 and not out.exists()
    assert f"doc.wac:{where[0]}:{where[1]}: {message}" in err, err


def test_dep_option_names_a_package_file(tmp_path):
    other = tmp_path / "elsewhere.wat"
    other.write_text(counter(7, exports=API))
    out = composes(tmp_path, """package test:comp;
let r = new test:root { get: new test:leaf {}.get };
export r.run;
""", "--dep", f"test:leaf={other}")
    assert run(out) == 17


def test_graph_of_a_document(tmp_path):
    import json

    doc = tmp_path / "doc.wac"
    doc.write_text("""package test:comp;
let m = new test:mid { get: new test:leaf {}.get };
let r = new test:root { get: m.get };
export r.run;
""")
    result = invoke("graph", doc, "--deps-dir", deps(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    depth = {n["id"]: n["depth"] for n in report["nodes"]}
    assert depth == {"(exports)": 0, "r": 1, "m": 2, "leaf": 3}  # what it exports first
    wired = {(e["source"], e["target"]) for e in report["edges"]}
    assert wired == {("m", "leaf"), ("r", "m"), ("(exports)", "r")}


# -- refused, at the place of the mistake --------------------------------------------------------

ERRORS = [
    ("undefined", "let r = new test:root { get: nope };", "undefined name `nope`", (2, 30)),
    ("duplicate argument", "let l = new test:leaf {};\nlet r = new test:root { get: l.get, get: l.get };",
     "duplicate instantiation argument `test:api/get`", (3, 37)),
    ("missing argument", "let r = new test:root {};", "missing instantiation argument `test:api/get`",
     (2, 13)),
    ("unknown import", "let l = new test:leaf { x: 1 };", "", None),  # a syntax error
    ("no such import", "import f: func();\nlet l = new test:leaf { f };",
     "component `test:leaf` has no import named `f`", (3, 25)),
    ("mismatched argument", "import f: func();\nlet r = new test:root { get: f };",
     "mismatched instantiation argument `test:api/get`", (3, 25)),
    ("unknown package", "let x = new test:nothere {};", "unknown package `test:nothere`", (2, 13)),
    ("own package", "let x = new test:comp {};",
     "unknown package `test:comp` (a document cannot instantiate its own package)", (2, 13)),
    ("fill not last", "let r = new test:root { ..., get: nope };",
     "implicit import argument `...` must be the last argument", (2, 25)),
    ("spread no match", "import i: interface { other: func(); };\nlet r = new test:root { ...i };",
     "no matching exports", (3, 28)),
    ("not an instance", "import f: func();\nlet x = f.foo;",
     "an instance is required to perform an access operation (this evaluated to a function)",
     (3, 9)),
    ("no such export", "let l = new test:leaf {};\nlet x = l.nope;",
     "the instance has no export named `nope`", (3, 10)),
    ("export needs as", "let l = new test:leaf {};\nexport l;", "requires an `as` clause", (3, 8)),
    ("duplicate export", "let l = new test:leaf {};\nexport l as \"a\";\nexport l as \"a\";",
     "duplicate export `a` (first at line 3)", (4, 13)),
    ("duplicate export, inferred", "import f: func();\nexport f;\nexport f;",
     "duplicate export `f` (first at line 3); give it another name with `as`", (4, 8)),
    ("spread export, nothing new", "let l = new test:leaf {};\nexport l...;\nexport l...;",
     "instance has no exports or all exports of the instance match", (4, 8)),
    ("exported type", "import i: interface { record r { x: u32 } };\nlet r = i.r;\n"
     "record s { x: u32 }\nexport s as \"t\";\nexport r as \"t\";",
     "duplicate export `t` (first at line 5)", (6, 13)),
    ("type exported under a name given up", "record s { x: u32 }\nexport s as \"t\";\n"
     "export s as \"u\";\nimport f: func();\nexport f as \"t\";",
     "duplicate export `t` (first at line 3)", (6, 13)),
    ("type exported under a definition's name", "record s { x: u32 }\nrecord t { x: u32 }\n"
     "export s as \"t\";", "export `t` conflicts with a type definition", (4, 13)),
    ("target not a world", "interface i {}\n", "`test:comp/i` (interface) is not a world",
     (1, 27)),
    ("target implicit import", "world w { export run: func() -> u32; }\n"
     "let r = new test:root { ... };\nexport r.run;",
     "target world `test:comp/w` does not have an import named `test:api/get`", (3, 13)),
    ("duplicate import", "import f: func();\nimport g as \"f\": func();", "duplicate import `f`",
     (3, 13)),
    ("redefined", "import f: func();\nimport f as \"g\": func();", "`f` is already defined", (3, 8)),
    ("export conflicts with a type", "record f { x: u32 }\nimport g: func();\nexport g as \"f\";",
     "conflicts with a type definition", (4, 13)),
    ("implicit import conflict", f"import x as \"{API}\": interface {{ get: func() -> u32; }};\n"
     "let r = new test:root { ... };", "conflicts with an item that was implicitly imported",
     (2, 13)),
    ("target export missing", "world w { export run: func() -> u32; }\nlet l = new test:leaf {};",
     "target world `test:comp/w` requires an export named `run`", (1, 27)),
    ("an export of an export", "let l = new test:both {};\nlet i = l[\"test:api/more\"];\n"
     "export i.get as \"g\";", "exported by an instance that is itself an export", (4, 17)),
    # rules of the component model wac does not check (wasm-tools refuses its output)
    ("imports differing in case", "import b: func();\nimport B: func();",
     "`B` conflicts with `b` (line 2): names that differ only in case are one name in a "
     "component", (3, 8)),
    ("exports differing in case", "import f: func();\nexport f as \"b\";\nexport f as \"B\";",
     "`B` conflicts with `b` (line 3)", (4, 13)),
    ("fields differing in case", "record r { b: u32, B: u32 }", "`B` conflicts with `b` (line 2)",
     (2, 20)),
    ("parameters differing in case", "import f: func(b: u32, B: u32);",
     "`B` conflicts with `b` (line 2)", (2, 24)),
    ("interfaces differing in case", "interface b {}\ninterface B {}",
     "`B` conflicts with `b` (line 2)", (3, 11)),
    ("enum cases differing in case", "enum e { a, A }", "`A` conflicts with `a` (line 2)",
     (2, 13)),  # where wit-parser refuses the same WIT
    ("world resource method named like it", "world foo {\n  resource x {\n    x: func();\n"
     "  }\n}", "`[method]x.x` conflicts with `x` (line 3): a component takes a method", (4, 5)),
    ("method named like its resource", "interface i { resource r { r: func(); } }",
     "`[method]r.r` conflicts with `r` (line 2): a component takes a method or static function "
     "named like its resource for the resource's own name", (2, 28)),
    ("implicit imports differing in case",
     "let a = new test:lower { ... };\nlet b = new test:upper { ... };",
     "`B` conflicts with `b` (line 2)", (3, 13)),
    ("merged imports with exports differing in case",
     "let a = new test:insta { ... };\nlet b = new test:instb { ... };",
     "instantiation of `test:instb`: cannot merge the imports `a:b/c` of test:instb and `a:b/c` "
     "of test:insta into one import `a:b/c`: its export `F` and the other's `f` would be one",
     (3, 13)),
    ("a wac error comes first", "interface i { resource r { r: func(); r: static func(); } }",
     "duplicate method `r` for resource `r`", (2, 39)),
    ("a name too long", "import f as \"" + "a" * 100_001 + "\": func();",
     "this name is 100,001 bytes long; a component's names are at most 100,000 bytes", (2, 13)),
    ("a package name too long for a file system", "let x = new test:" + "a" * 300 + " {};",
     "(a file system takes names of at most 255 bytes)", (2, 13)),
    ("a type too large", "interface i {\nrecord r0 { a: u8, b: u8 }\n" + "".join(
        f"record r{k} {{ a: r{k - 1}, b: r{k - 1} }}\n" for k in range(1, 19)) + "}",
     "this type is too large: 1,048,575 types when fully expanded, and wasm-tools allows "
     "1,000,000", (21, 8)),
    ("exports too large together", "record r0 { a: u8, b: u8 }\n" + "".join(
        f"record r{k} {{ a: r{k - 1}, b: r{k - 1} }}\n" for k in range(1, 18)),
     "the composed component's imports and exports would be too large: 1,048,555 types",
     (19, 8)),
]


@pytest.mark.parametrize("name,body,message,where", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_point_at_the_mistake(tmp_path, name, body, message, where):
    head = ("package test:comp targets test:comp/i;\n" if name == "target not a world"
            else "package test:comp targets test:comp/w;\n" if name.startswith("target")
            else "package test:comp;\n")
    code, err, out = compose_doc(tmp_path, head + body + "\n")
    assert code == 1, err
    assert not out.exists()
    assert "Traceback" not in err
    if where is not None:
        line, col = where
        assert f"doc.wac:{line}:{col}: " in err, err
        assert message in err, err
        assert "^" in err  # the caret under the place
    if name in ("renamed export twice", "spread name exported as a type"):
        assert "another name with `as`" not in err  # the name was given, not inferred


# a package file with a mistake: (file under deps/test, its text)
BROKEN_PACKAGES = {
    "WIT syntax": ("bad.wit", "package test:bad;\ninterface i {\n    y: unc(r: u32);\n}\n"),
    "WIT resolution": ("bad.wit", "package test:bad;\ninterface i {\n  type a = borrow<x>;\n}\n"),
    "WAT": ("bad.wat", "(component\n  (export \"f\" (func (result \"a\" string)))\n)\n"),
}


@pytest.mark.parametrize("shape", BROKEN_PACKAGES)
def test_an_error_in_a_package_is_shown_once_at_its_place(tmp_path, shape):
    # one line saying which package the document was loading (and where it names it), then
    # the package file's error at the place wasm-tools names, with that line and a caret;
    # the document's line is not drawn too
    name, text = BROKEN_PACKAGES[shape]
    broken = deps(tmp_path) / "test" / name
    broken.write_text(text)
    code, err, out = compose_doc(tmp_path, "package test:comp;\nlet x = new test:bad {};\n")
    assert code == 1 and not out.exists()
    command = ("component", "wit") if name.endswith(".wit") else ("parse",)
    theirs = wasm_tools(*command, str(broken), check=False).stderr.decode()
    line, col = re.search(r"--> .*:(\d+):(\d+)", theirs).groups()
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 5, err
    assert lines[0] == f"error: {tmp_path / 'doc.wac'}:2:13: failed to parse package `test:bad`:"
    assert lines[1].startswith(f"{broken}:{line}:{col}: "), (err, theirs)
    assert lines[3].lstrip() == f"{line} | {text.split(chr(10))[int(line) - 1]}"
    assert lines[4].index("^") == lines[3].index("|") + 1 + int(col)
    assert err.count("^") == lines[4].count("^")


def _lists(n: int) -> str:
    return "list<" * n + "u32" + ">" * n


# shape -> (document with a list nested n deep, the deepest n wasm-tools accepts the output
# of, where the next is refused: line, column)
NESTING = {
    "type alias": (lambda n: f"type a = {_lists(n)};", 98, (2, 10)),
    "record field": (lambda n: f"record r {{ x: {_lists(n)} }}", 97, (2, 15)),
    "function in an interface": (lambda n: f"interface i {{ f: func(x: {_lists(n)}); }}", 96,
                                 (2, 26)),
    "type used by another interface": (
        lambda n: f"interface i {{ type a = {_lists(n)}; }}\ninterface j {{ use i.{{a}}; "
                  "f: func(x: a); }", 96, (3, 37)),
    "interface imported by a world": (
        lambda n: f"interface i {{ type a = {_lists(n)}; }}\nworld w {{ import i; }}", 96,
        (3, 18)),
}


@pytest.mark.parametrize("shape", NESTING)
def test_types_nested_past_wasmparsers_limit_are_refused_where_written(tmp_path, shape):
    text, deepest, (line, col) = NESTING[shape]
    composes(tmp_path, f"package test:comp;\n{text(deepest)}\n")  # validated by wasm-tools
    code, err, out = compose_doc(tmp_path, f"package test:comp;\n{text(deepest + 1)}\n")
    assert code == 1 and not out.exists()
    assert f"doc.wac:{line}:{col}: type nesting is too deep: the composed component would " \
           "nest this type 101 levels deep, and wasm-tools allows 100" in err, err



def test_more_instances_than_wasmparser_takes_are_refused_at_the_first_too_many(tmp_path):
    lines = "".join(f"let x{i} = new test:leaf {{}};\n" for i in range(4097))
    code, err, out = compose_doc(tmp_path, "package test:comp;\n" + lines)
    assert code == 1 and not out.exists()
    assert ("doc.wac:4098:17: this instance would be the composed component's 4,097th; a "
            "component has at most 4,096 instances") in err, err
    # one fewer composes, and wasm-tools takes it
    composes(tmp_path, "package test:comp;\n" + lines.rsplit("let", 1)[0])


def test_more_modules_than_wasmparser_takes_are_refused_at_the_package_too_many(tmp_path):
    # two packages of 600 core modules each: the output would hold 1 + 601 + 601
    modules = " ".join(["(core module)"] * 600)
    d = deps(tmp_path) / "test"
    (d / "many.wat").write_text(f"(component {modules})")
    (d / "big.wat").write_text(f"(component {modules} (core module))")
    code, err, out = compose_doc(tmp_path, "package test:comp;\nlet a = new test:many {};\n"
                                           "let b = new test:many {};\nlet c = new test:big {};\n")
    assert code == 1 and not out.exists()
    assert ("doc.wac:4:13: instantiating `test:big` makes the composed component hold 1,204 "
            "core modules and components") in err, err
    assert "take at most 1,000" in err
    composes(tmp_path, "package test:comp;\nlet a = new test:many {};\nlet b = new test:many {};\n")
