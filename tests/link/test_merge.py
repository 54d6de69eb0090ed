"""merge.py: what the composed component imports. Imports of one name left for the host by
several instances become one import, whatever their sort (instance, func, type, resource);
imports that cannot be one are refused, naming both."""

from __future__ import annotations

import pytest

from support.cli import compose_cli
from support.components import write_wit
from support.oracle import top_imports, valid, wasm_tools

HOST_SORTS = """package t:m@1.0.0;
interface a { get: func() -> u32; }
world root {
  resource r;
  import log: func(msg: string);
  import use-r: func(x: r);
  import a;
  export run: func();
}
world dep {
  resource r;
  import log: func(msg: string);
  import keep: func(x: borrow<r>);
  export a;
}
"""


def test_functions_and_resources_left_for_the_host_are_imported_once(tmp_path):
    root = write_wit(tmp_path, "root", HOST_SORTS, "root")
    dep = write_wit(tmp_path, "dep", HOST_SORTS, "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["r", "log", "use-r", "keep"]
    # one resource `r` for both: the output's world takes r once, and both functions use it
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert wit.count("resource r;") == 1
    assert "import use-r: func(x: r);" in wit and "import keep: func(x: borrow<r>);" in wit
    text = wasm_tools("print", str(out)).stdout.decode()
    assert text.count('(with "r" (type') == 2 and text.count('(with "log" (func') == 2


CONFLICTS = """package t:m@1.0.0;
interface a { get: func() -> u32; }
world root { import log: func(msg: string); import a; export run: func(); }
world other-param { import log: func(msg: u32); export a; }
world other-sort { import log: interface { write: func(msg: string); } export a; }
"""


@pytest.mark.parametrize("world, message", [
    ("other-param", "cannot merge the imports `log` of dep.wasm and `log` of root.wasm into one "
                    "import `log`: param msg: expected string, found u32"),
    ("other-sort", "cannot import `log` as an instance for `log` of dep.wasm: `log` of "
                   "root.wasm imports it as a func"),
])
def test_imports_of_one_name_that_cannot_be_one_are_refused(tmp_path, world, message):
    root = write_wit(tmp_path, "root", CONFLICTS, "root")
    dep = write_wit(tmp_path, "dep", CONFLICTS, world)
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1
    assert f"error: {message}" in err
    assert not out.exists()


def _case_pair(root_import: str, root_export: str, dep_import: str, dep_export: str) -> tuple[str, str]:
    """WAT: a root importing `root_import` (an instance exporting `root_export`) and an
    instance from a dependency, which imports `dep_import` (exporting `dep_export`)."""
    root = f"""(component
  (import "{root_import}" (instance $i (export "{root_export}" (func (result u32)))))
  (import "x:y/z" (instance $d (export "g" (func (result u32)))))
  (alias export $i "{root_export}" (func $f))
  (export "run" (func $f)))"""
    dep = f"""(component
  (import "{dep_import}" (instance $i (export "{dep_export}" (func (result u32)))))
  (alias export $i "{dep_export}" (func $f))
  (instance $e (export "g" (func $f)))
  (export "x:y/z" (instance $e)))"""
    return root, dep


@pytest.mark.parametrize("names, message", [
    (("a:b/c", "f", "a:b/C", "f"),
     "cannot leave `a:b/C` of dep.wasm for the host: the composed component imports `a:b/c` "
     "already (for `a:b/c` of root.wasm), and names that differ only in case are one name in "
     "a component"),
    (("a:b/c", "f", "a:b/c", "F"),
     "cannot merge the imports `a:b/c` of dep.wasm and `a:b/c` of root.wasm into one import "
     "`a:b/c`: its export `F` and the other's `f` would be one: names that differ only in case "
     "are one name in a component"),
])
def test_imports_whose_names_differ_only_in_case_are_refused(tmp_path, wat_compiler, names,
                                                            message):
    # each input is valid; the output would hold both names, which wasm-tools refuses (its own
    # compose writes it, then refuses it)
    paths = []
    for name, text in zip(("root", "dep"), _case_pair(*names)):
        path = tmp_path / f"{name}.wasm"
        path.write_bytes(wat_compiler(text))
        valid(path)
        paths.append(path)
    root, dep = paths
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1 and not out.exists()
    assert err == f"error: {message}\n"
    theirs = wasm_tools("compose", str(root), "-d", str(dep), "-o", str(tmp_path / "wt.wasm"),
                        check=False)
    assert theirs.returncode != 0 and b"conflicts with previous name" in theirs.stderr


def semver_wit(world: str, host: str) -> str:
    return ("package t:s@1.0.0;\ninterface a { get: func() -> u32; }\n"
            f"{world}\n{host}\n")


ROOT_020 = semver_wit("world root { import t:h/host@0.2.0; import a; export run: func(); }",
                      "package t:h@0.2.0 { interface host { b: func(); a: func(); } }")
DEP_029 = semver_wit("world dep { import t:h/host@0.2.9; export a; }",
                     "package t:h@0.2.9 { interface host { a: func(); b: func(); c: func(); } }")
DEP_OTHER = semver_wit("world dep { import t:h/other@1.0.0; export a; }",
                       "package t:h@1.0.0 { interface other { f: func(); } }")


def test_merged_versions_follow_the_newest_and_are_marked_in_the_report(tmp_path):
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    root = write_wit(tmp_path, "root", ROOT_020, "root")
    dep = write_wit(tmp_path, "dep", DEP_029, "dep")
    plan = plan_composition(root, [dep])
    assert plan.ok, plan.problems
    (host,) = plan.host_imports
    assert host.name == "t:h/host@0.2.9" and host.representative.instance == "dep"
    # the output's import declares its functions in the newest version's order
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 0, err
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    body = wit[wit.index("interface host {"):]
    assert body.index("a: func();") < body.index("b: func();") < body.index("c: func();")
    (report_host,) = from_plan(plan).host_imports
    assert report_host.semver_bridged is True
    # one version only: not bridged
    other = write_wit(tmp_path, "other", DEP_OTHER, "dep")
    hosts = {h.name: h for h in from_plan(plan_composition(root, [other])).host_imports}
    assert hosts["t:h/host@0.2.0"].semver_bridged is False


INNER_ROOT = """package t:x@1.0.0;
interface helper { get: func() -> u32; }
world root { import t:a/res@1.0.0; import t:b/user@1.0.0; import helper; export run: func() -> u32; }
world dep { export t:a/res@1.0.0; }
package t:a@1.0.0 { interface res { resource r { constructor(); } } }
package t:b@1.0.0 { interface user { use t:a/res@1.0.0.{r}; consume: func(x: r) -> u32; } }
"""
INNER_DEP2 = """package t:x@1.0.0;
interface helper { get: func() -> u32; }
world dep2 { import t:b/user@1.0.1; export helper; }
package t:b@1.0.1 { interface user { other: func(); } }
"""


def test_every_merged_version_is_checked_for_resources_defined_inside(tmp_path):
    # t:b/user is left for the host at 1.0.0 (by the root, using the resource r that dep
    # defines) and at 1.0.1 (by dep2, without r): merged into one import at 1.0.1, which
    # still uses r through the root's part, so it cannot be an import of the output.
    root = write_wit(tmp_path, "root", INNER_ROOT, "root")
    dep = write_wit(tmp_path, "dep", INNER_ROOT, "dep")
    dep2 = write_wit(tmp_path, "dep2", INNER_DEP2, "dep2")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-d", dep2, "-o", out)
    assert code == 1
    assert ("`t:b/user@1.0.1` cannot be left for the host: it uses the resource `r` that "
            "`t:a/res@1.0.0` of dep.wasm defines") in err
    assert not out.exists()


def test_every_conflict_of_one_component_is_reported(tmp_path):
    wit = """package t:m@1.0.0;
interface a { get: func() -> u32; }
world root { import log: func(); import trace: func(); import a; export run: func(); }
world dep { import log: interface { f: func(); } import trace: interface { f: func(); } export a; }
"""
    root = write_wit(tmp_path, "root", wit, "root")
    dep = write_wit(tmp_path, "dep", wit, "dep")
    code, err = compose_cli(root, "-d", dep, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert "cannot import `log` as an instance" in err and "cannot import `trace` as an instance" in err


ORDER_ROOT = """package t:x@1.0.0;
interface helper { get: func() -> u32; }
world root { import t:b/user@1.0.1; import t:a/res@1.0.0; import helper; export run: func(); }
package t:a@1.0.0 { interface res { resource r { constructor(); } } }
package t:b@1.0.1 { interface user { other: func(); } }
"""
ORDER_DEP = """package t:x@1.0.0;
interface helper { get: func() -> u32; }
world dep { import t:b/user@1.0.0; export helper; }
package t:a@1.0.0 { interface res { resource r { constructor(); } } }
package t:b@1.0.0 { interface user { use t:a/res@1.0.0.{r}; consume: func(x: r); } }
"""


def test_an_import_is_written_after_the_imports_its_merged_type_uses(tmp_path):
    # The root meets t:b/user first (at 1.0.1, without r); merged with the dependency's
    # 1.0.0 it uses r of t:a/res, so t:a/res must be imported before it.
    root = write_wit(tmp_path, "root", ORDER_ROOT, "root")
    dep = write_wit(tmp_path, "dep", ORDER_DEP, "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["t:a/res@1.0.0", "t:b/user@1.0.1"]
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert "consume: func(x: r);" in wit and "other: func();" in wit


def test_a_host_function_using_a_resource_a_dependency_exports_itself_is_refused(tmp_path):
    from support.components import write

    root = write(tmp_path, "root", """(component
      (import "r" (type $r (sub resource)))
      (import "consume" (func (param "x" (own $r)))))""")
    dep = write(tmp_path, "dep", """(component
      (type $r (resource (rep i32)))
      (export "r" (type $r)))""")
    code, err = compose_cli(root, "-d", dep, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert ("error: `consume` cannot be left for the host: it uses the resource `r` that "
            "dep.wasm defines") in err


CYCLE_ROOT = """package t:c@1.0.0;
interface helper { get: func() -> u32; }
world root { import t:x/a@1.0.0; import t:x/b@1.0.0; import helper; export run: func(); }
package t:x@1.0.0 {
  interface a { resource r; }
  interface b { use a.{r}; resource s; f: func(x: r); }
}
"""
CYCLE_DEP = """package t:c@1.0.0;
interface helper { get: func() -> u32; }
world dep { import t:x/b@1.0.0; import t:x/a@1.0.0; export helper; }
package t:x@1.0.0 {
  interface b { resource s; }
  interface a { use b.{s}; resource r; g: func(y: s); }
}
"""


def test_imports_whose_merged_types_use_each_other_are_refused(tmp_path):
    # merged, t:x/a uses s of t:x/b and t:x/b uses r of t:x/a: neither can come first
    root = write_wit(tmp_path, "root", CYCLE_ROOT, "root")
    dep = write_wit(tmp_path, "dep", CYCLE_DEP, "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1
    assert err == ("error: the imports of the output use each other's types: `t:x/a@1.0.0` "
                   "-> `t:x/b@1.0.0` -> `t:x/a@1.0.0`\n")
    assert not out.exists()


def test_compose_graph_draws_imports_that_use_each_others_types_as_a_problem(tmp_path):
    # found when linking (the imports put in the order they are written), not when encoding:
    # the report of the composition says so, on the edge of the first import of the cycle
    import json
    import re

    root = write_wit(tmp_path, "root", CYCLE_ROOT, "root")
    dep = write_wit(tmp_path, "dep", CYCLE_DEP, "dep")
    message = ("the imports of the output use each other's types: `t:x/a@1.0.0` -> "
               "`t:x/b@1.0.0` -> `t:x/a@1.0.0`")
    drawn = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "html", "svg")}
    for fmt, path in drawn.items():
        code, err = compose_cli("graph", root, "-d", dep, "-o", path)
        assert (code, err) == (1, f"error: {message}\n")
    doc = json.loads(drawn["json"].read_text())
    assert doc["ok"] is False and doc["summary"]["problems"] == 1
    assert doc["problems"] == [{"message": message, "node": "root", "import": "t:x/a@1.0.0"}]
    (edge,) = [e for e in doc["edges"] if e["problem"]]
    assert (edge["source"], edge["target"], edge["problem"]) == ("root", "host:t:x/a@1.0.0", message)
    for fmt in ("html", "svg"):
        (link,) = re.findall(r'<g class="edge[^"]* problem".*?</g></g>', drawn[fmt].read_text(), re.S)
        assert "use each other" in " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", link))
    # composing stops at the same problem and writes no output; its report draws the problem
    # too (not an unreadable input, as when the encoder raised it)
    out, report = tmp_path / "out.wasm", tmp_path / "composed.json"
    code, err = compose_cli(root, "-d", dep, "-o", out, "--report", report)
    assert (code, err) == (1, f"error: {message}\n")
    assert not out.exists() and json.loads(report.read_text())["problems"][0]["message"] == message


SHARED_FROM_HOST = """package a:b@1.0.0;
interface types { resource r { constructor(); } }
interface api { use types.{r}; get: func() -> r; }
world root { import types; import api; export run: func(); }
world dep { import types; export api; }
"""


def test_a_resource_both_import_from_the_host_is_one_resource(tmp_path):
    # The dependency exports `api`, whose `get` returns `r` of the `types` it imports from
    # the host; the root imports the same `types` from the host: one `r` (the shape of
    # every WASI adapter: `wasi:filesystem/preopens` and its `descriptor`).
    root = write_wit(tmp_path, "root", SHARED_FROM_HOST, "root")
    dep = write_wit(tmp_path, "dep", SHARED_FROM_HOST, "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["a:b/types@1.0.0"]  # one import of `types`, for both
    theirs = tmp_path / "theirs.wasm"  # wasm-tools compose agrees that it composes
    wasm_tools("compose", str(root), "-d", str(dep), "-o", str(theirs))
    valid(theirs)
