"""`compose inspect` as users run it: the text (against `wasm-tools component wit`), the JSON,
the colours on a terminal, and every sort an import or export can have."""

from __future__ import annotations

import json
import re

import pytest

from support import ROOT
from support.build import wat
from support.cli import compose_on_terminal, compose_proc, without_colours
from support.oracle import wasm_tools
from support.witdiff import summarize_wasm_tools


@pytest.mark.parametrize("name", ["value-types", "resources", "embed-seed-app"])
def test_text_agrees_with_wasm_tools(small_fixtures, name):
    path = small_fixtures[name]
    proc = compose_proc("inspect", str(path))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    # real WIT, as wasm-tools prints it, to the byte
    assert proc.stdout == wasm_tools("component", "wit", str(path)).stdout.decode()


def test_json_has_every_interface_function_and_type(small_fixtures):
    path = small_fixtures["resources"]
    proc = compose_proc("inspect", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["file"], doc["size"], doc["imports"]) == (str(path), path.stat().st_size, [])
    theirs = summarize_wasm_tools(wasm_tools("component", "wit", str(path)).stdout.decode())
    for export in doc["exports"]:
        expected = theirs[("export", export["name"])]
        assert export["kind"] == "instance"
        funcs = {m["name"]: m for m in export["exports"] if m["kind"] == "func"}
        assert funcs.keys() == expected["funcs"].keys()
        types = {m["name"] for m in export["exports"] if m["kind"] == "type"}
        assert types == expected["types"]
    counter = next(m for m in doc["exports"][0]["exports"] if m["name"] == "counter")
    assert counter["bound"] == "sub resource"
    merge = next(m for m in doc["exports"][0]["exports"] if m["name"] == "[static]counter.merge")
    assert merge["params"] == [{"name": "a", "type": "borrow<counter>"},
                               {"name": "b", "type": "borrow<counter>"}]
    assert (merge["result"], merge["async"]) == ("counter", False)


# One import or export of every sort, top-level (wasm-tools validates it with
# `--features all`: values are gated).
EVERY_SORT = """(component
  (import "r" (type $r (sub resource)))
  (type $u u32)
  (import "t" (type $t (eq $u)))
  (import "log" (func $log (param "msg" string)))
  (import "v" (value $v string))
  (import "c" (component $c (import "x" (func)) (export "y" (func (result u32)))))
  (core type $mt (module
    (import "env" "f" (func (param i32)))
    (export "g" (func (result i32)))
    (export "mem" (memory 1))))
  (import "m" (core module $m (type $mt)))
  (type $rec (record (field "a" u32) (field "b" string)))
  (export "point" (type $rec))
  (type $var (variant (case "none") (case "some" u32)))
  (export "maybe" (type $var))
  (type $enum (enum "red" "green"))
  (export "color" (type $enum))
  (type $flags (flags "read" "write"))
  (export "perms" (type $flags))
  (export "again" (type $t))
  (export "mod" (core module $m))
  (export "comp" (component $c))
  (export "value" (value $v))
)"""

EVERY_SORT_TEXT = """\
import r: type (sub resource);
import t: type = u32;
import log: func(msg: string);
import v: value string;
import c: component {
  import x: func();
  export y: func() -> u32;
}
import m: core module {
  import env::f: (func (param i32));
  export g: (func (result i32));
  export mem: (memory 1);
}
export point: type = record { a: u32, b: string };
export maybe: type = variant { none, some(u32) };
export color: type = enum { red, green };
export perms: type = flags { read, write };
export again: type = t;
export mod: core module {
  import env::f: (func (param i32));
  export g: (func (result i32));
  export mem: (memory 1);
}
export comp: component {
  import x: func();
  export y: func() -> u32;
}
export value: value string;
"""


def test_every_sort_of_import_and_export(tmp_path):
    path = tmp_path / "sorts.wasm"
    path.write_bytes(wat(EVERY_SORT))
    assert wasm_tools("validate", "--features", "all", str(path), check=False).returncode == 0
    refused = compose_proc("inspect", str(path))  # values are gated: refused unless enabled, as by wasm-tools
    assert refused.returncode == 1 and "requires the gated feature `cm-values`" in refused.stderr
    proc = compose_proc("inspect", "--features", "cm-values", str(path))
    assert proc.returncode == 0, proc.stderr
    # no WIT can say this (wasm-tools' own printer refuses it): the model's structure instead
    header, body = proc.stdout.split("\n", 3)[:3], proc.stdout.split("\n", 3)[3]
    assert header[1:] == ["// 6 imports, 8 exports",
                          "// (not expressible as WIT: shown with the component model's structure)"]
    assert body == EVERY_SORT_TEXT
    assert wasm_tools("component", "wit", "--features", "all", str(path), check=False).returncode != 0
    # the names and sorts are those wasm-tools sees
    printed = wasm_tools("print", str(path)).stdout.decode()
    theirs = re.findall(r'^  \((import|export) (?:\(;\d+;\) )?"([^"]+)" \((core module|\w+)',
                        printed, re.M)
    doc = json.loads(compose_proc("inspect", "--json", "--features", "all", str(path)).stdout)
    ours = [(d, e["name"], e["kind"]) for d in ("import", "export") for e in doc[d + "s"]]
    assert ours == [(d, n, {"type": "type"}.get(s, s)) for d, n, s in theirs]
    kinds = {e["name"]: e for e in doc["imports"] + doc["exports"]}
    assert kinds["r"]["bound"] == "sub resource"
    assert kinds["t"]["type"] == {"kind": "type", "type": "u32"}
    assert kinds["m"]["imports"] == [{"module": "env", "name": "f", "kind": "(func (param i32))"}]
    assert kinds["comp"]["exports"][0]["signature"] == "func() -> u32"
    assert kinds["value"]["type"] == "string"
    assert kinds["point"]["type"] == {
        "kind": "record", "fields": [{"name": "a", "type": "u32"}, {"name": "b", "type": "string"}]}
    assert kinds["maybe"]["type"] == {
        "kind": "variant", "cases": [{"name": "none", "type": None}, {"name": "some", "type": "u32"}]}
    assert kinds["color"]["type"] == {"kind": "enum", "cases": ["red", "green"]}
    assert kinds["perms"]["type"] == {"kind": "flags", "flags": ["read", "write"]}
    assert kinds["again"]["type"] == {"kind": "alias", "of": "t"}


def test_on_a_terminal_the_text_is_coloured(small_fixtures):
    path = small_fixtures["resources"]
    status, shown, stderr = compose_on_terminal("inspect", str(path))
    assert status == 0, stderr
    assert "\x1b[" in shown  # styled
    assert without_colours(shown) == compose_proc("inspect", str(path)).stdout  # the same text


@pytest.mark.parametrize("fixture", ["all-constructs.wit", "nested.wit", "dir-pkg"])
def test_a_wit_package_prints_back_to_what_it_means(tmp_path, fixture):
    # `compose inspect` of WIT text: wasm-tools reads what it prints to what it reads the
    # original to (the printed text puts dependencies in nested package blocks)
    source = ROOT / "fixtures" / "wit" / fixture
    proc = compose_proc("inspect", str(source))
    assert proc.returncode == 0, proc.stderr
    printed = tmp_path / "printed.wit"
    printed.write_text(proc.stdout)
    features = ("--features", "all")
    assert (wasm_tools("component", "wit", *features, str(printed)).stdout
            == wasm_tools("component", "wit", *features, str(source)).stdout)


# An instance exported from a nested component, which imports the type it exports under a
# name of its own (as wit-component's shims do): the type is the imported interface's.
SHIM = """(component
  (type $ty (instance
      (type (record (field "f" u32)))
      (export "r" (type (eq 0)))))
  (import "foo:foo/foo" (instance $foo (type $ty)))
  (alias export $foo "r" (type $r))
  (component $shim
    (type (record (field "f" u32)))
    (import "import-type-r" (type $ir (eq 0)))
    (export "r" (type $ir)))
  (instance $x (instantiate $shim (with "import-type-r" (type $r))))
  (export "x" (instance $x)))
"""


def test_json_names_a_type_by_the_interface_it_comes_from(tmp_path):
    path = tmp_path / "shim.wasm"
    path.write_bytes(wat(SHIM))
    wit = wasm_tools("component", "wit", str(path)).stdout.decode()
    assert "use foo:foo/foo.{r};" in wit  # the oracle: x's `r` is foo:foo/foo's
    proc = compose_proc("inspect", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "import-type-" not in proc.stdout  # the nested component's name goes nowhere
    (export,) = json.loads(proc.stdout)["exports"]
    assert export["exports"] == [{"name": "r", "kind": "type", "bound": "eq",
                                  "type": {"kind": "alias", "of": "r", "from": "foo:foo/foo"}}]


def test_json_says_which_interface_an_import_implements(tmp_path):
    path = tmp_path / "implements.wasm"
    path.write_bytes(wat("""(component
      (type $ty (instance (type (record (field "f" u32))) (export "r" (type (eq 0)))))
      (import "primary" (implements "foo:foo/foo") (instance (type $ty)))
      (import "plain" (instance)))"""))
    wit = wasm_tools("component", "wit", str(path)).stdout.decode()
    assert "import primary: foo:foo/foo;" in wit
    doc = json.loads(compose_proc("inspect", "--json", str(path)).stdout)
    assert [(i["name"], i.get("implements")) for i in doc["imports"]] == [
        ("primary", "foo:foo/foo"), ("plain", None)]
