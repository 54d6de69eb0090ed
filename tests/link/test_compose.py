"""`compose ROOT -d DEP -o OUT`: a test per rule of the composition issue, each composing real
components, checking the output with `wasm-tools validate` and running it with wasmtime-py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composer.link import compose as api
from composer.link.compose import CompositionFailed

from support.build import wat
from support.cli import compose_cli, compose_on_terminal, compose_proc, invoke
from support.components import counter, resource_provider, run_top, write, write_wit
from support.oracle import top_imports, valid, wasm_tools


def top_instantiations(path: Path) -> int:
    text = wasm_tools("print", str(path)).stdout.decode()
    return sum(1 for line in text.splitlines() if line.startswith("  (instance") and "(instantiate" in line)


# -- plugging: transitive, any order, shared instances ------------------------------------


def test_dependencies_satisfy_each_other_transitively_in_any_order(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.0.0"))
    outputs = []
    for order in ([a, b], [b, a]):
        out = tmp_path / f"out-{len(outputs)}.wasm"
        code, err = compose_cli(root, *[x for d in order for x in ("-d", d)], "-o", out)
        assert code == 0, err
        assert run_top(out) == 111
        assert top_imports(out) == []
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]  # deterministic whatever the -d order


def test_one_instance_per_dependency_shared_by_every_importer(tmp_path):
    # root and middle both import t:shared/s; one instance of `shared` serves both
    root = write(tmp_path, "root", counter(1, imports=("t:shared/s@1.0.0", "t:mid/m@1.0.0")))
    mid = write(tmp_path, "mid", counter(10, exports="t:mid/m@1.0.0", imports=("t:shared/s@1.0.0",)))
    shared = write(tmp_path, "shared", counter(100, exports="t:shared/s@1.0.0"))
    out = tmp_path / "out.wasm"
    result = api.compose(root, [mid, shared])
    out.write_bytes(result.data)
    assert run_top(out) == 211
    assert top_instantiations(out) == 3  # root, mid, shared: not two `shared`s
    g = result.graph
    assert sorted(n for n, d in g.nodes(data=True) if d["kind"] != "host") == ["mid", "root", "shared"]
    providers = {(u, k): v for u, v, k in g.edges(keys=True)}
    assert providers[("root", "t:shared/s@1.0.0")] == "shared"
    assert providers[("mid", "t:shared/s@1.0.0")] == "shared"


def test_non_instance_import_plugged_by_same_named_export(tmp_path):
    root = write(tmp_path, "root", """(component
      (import "get-base" (func $base (result u32)))
      (core func $b (canon lower (func $base)))
      (core module $m (import "h" "b" (func $b (result i32)))
        (func (export "run") (result i32) (i32.add (call $b) (i32.const 1))))
      (core instance $h (export "b" (func $b)))
      (core instance $i (instantiate $m (with "h" (instance $h))))
      (func (export "run") (result u32) (canon lift (core func $i "run"))))""")
    dep = write(tmp_path, "dep", """(component
      (core module $m (func (export "f") (result i32) (i32.const 41)))
      (core instance $i (instantiate $m))
      (func (export "get-base") (result u32) (canon lift (core func $i "f"))))""")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 0, err
    assert run_top(out) == 42


# -- matching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wanted, offered, plugged",
    [
        ("t:x/api@1.0.0", "t:x/api@1.4.1", True),
        ("t:x/api@0.2.0", "t:x/api@0.2.12", True),
        ("t:x/api@0.2.3", "t:x/api@0.2.1", False),
        ("t:x/api@0.2.0", "t:x/api@0.3.0", False),
        ("t:x/api@0.0.1", "t:x/api@0.0.2", False),
        ("t:x/api@1.0.0-rc.1", "t:x/api@1.0.0", False),
    ],
)
def test_semver_compatible_matching(tmp_path, wanted, offered, plugged):
    root = write(tmp_path, "root", counter(1, imports=(wanted,)))
    dep = write(tmp_path, "dep", counter(10, exports=offered))
    out = tmp_path / "out.wasm"
    result = invoke(root, "-d", dep, "-o", out, "-v")
    if plugged:
        assert result.exit_code == 0, result.stderr
        assert run_top(out) == 11
        assert f"semver-compatible `{offered}`" in result.stderr
        # the instantiation argument carries the import's exact name
        assert f'(with "{wanted}"' in wasm_tools("print", str(out)).stdout.decode()
    else:
        assert result.exit_code == 1
        assert "no dependencies of component `root.wasm` were found" in result.stderr
        assert not out.exists()


def test_exact_name_wins_over_semver(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:x/api@1.0.0",)))
    old = write(tmp_path, "old", counter(10, exports="t:x/api@1.0.0"))
    new = write(tmp_path, "new", counter(20, exports="t:x/api@1.2.0"))
    # of two dependencies with the exact name the first given serves (a warning names both);
    # the semver one does not count
    dup = write(tmp_path, "dup", counter(5, exports="t:x/api@1.0.0"))
    result = api.compose(root, [new, dup, old])
    (warning, *_) = result.warnings
    assert warning.startswith("`t:x/api@1.0.0` is offered by dup.wasm and old.wasm: dup.wasm, "
                              "the first given, serves it")
    out = tmp_path / "dup.out.wasm"
    out.write_bytes(result.data)
    assert run_top(out) == 6
    result = api.compose(root, [new, old])  # one exact, one semver: the exact one is used
    out = tmp_path / "out.wasm"
    out.write_bytes(result.data)
    assert run_top(out) == 11


# -- type checking ----------------------------------------------------------------------


def test_type_mismatch_names_import_dependency_and_path(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp_path, "string-operations", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1
    assert (
        "error: `example:ops/api@0.1.0` from string-operations.wasm: "
        "func get: result: expected u32, found u64"
    ) in err
    assert "Traceback" not in err
    assert not out.exists()


# Labels are ordered: a record, variant, enum or flags type whose labels come in another
# order, or a tuple whose elements do, is another type (they lower to other core values).
ORDERED = {
    "record": ("record t { x: u32, y: string }", "record t { y: string, x: u32 }",
               "type t: expected fields (x, y), found (y, x)"),
    "variant": ("variant t { a(u32), b(string) }", "variant t { b(string), a(u32) }",
                "type t: expected cases (a, b), found (b, a)"),
    "enum": ("enum t { a, b }", "enum t { b, a }",
             "type t: expected enum { a, b }, found enum { b, a }"),
    "flags": ("flags t { a, b }", "flags t { b, a }",
              "type t: expected flags { a, b }, found flags { b, a }"),
    "tuple": ("type t = tuple<u32, string>;", "type t = tuple<string, u32>;",
              "type t: tuple element 0: expected u32, found string"),
}


def ordered_wit(decl: str) -> str:
    return (f"package t:o@1.0.0;\ninterface api {{ {decl} f: func(v: t); }}\n"
            "world root { import api; export run: func(); }\nworld dep { export api; }\n")


@pytest.mark.parametrize("kind", ORDERED)
def test_labels_and_elements_in_another_order_are_another_type(tmp_path, kind):
    wanted, reordered, message = ORDERED[kind]
    root = write_wit(tmp_path, "root", ordered_wit(wanted), "root")
    same = write_wit(tmp_path, "same", ordered_wit(wanted), "dep")
    other = write_wit(tmp_path, "other", ordered_wit(reordered), "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", same, "-o", out)  # the control: same order composes
    assert code == 0, err
    valid(out)
    out.unlink()
    code, err = compose_cli(root, "-d", other, "-o", out)
    assert code == 1
    assert f"error: `t:o/api@1.0.0` from other.wasm: {message}" in err
    assert not out.exists()
    # the oracle agrees that these do not fit
    proc = wasm_tools("compose", str(root), "-d", str(other), "-o", str(tmp_path / "wt.wasm"),
                      check=False)
    assert proc.returncode != 0 and b"is not compatible" in proc.stderr


RESOURCE_WIT = """package t:r@1.0.0;
interface types { resource r { constructor(); } }
interface api { use types.{r}; make: func() -> r; }
world root { import types; import api; export run: func() -> u32; }
world dep { export types; export api; }
"""


def test_resources_of_two_instances_differ_even_with_the_same_names(tmp_path):
    # Two instances of one dependency: the root takes `types` from the first and `api`
    # from the second, whose `r` is the second's. By interface and name the two `r`s look
    # alike (the first, name-based pass accepts them); only the link phase, which follows
    # resource identities across instances, sees that they are not the same resource.
    root = write_wit(tmp_path, "root", RESOURCE_WIT, "root")
    write_wit(tmp_path, "dep", RESOURCE_WIT, "dep")

    def config(api_from: str) -> Path:
        cfg = tmp_path / f"{api_from}.yml"
        cfg.write_text(
            "dependencies:\n  dep: dep.wasm\n"
            "instantiations:\n  root:\n    arguments:\n"
            "      t:r/types@1.0.0: {instance: first, export: t:r/types@1.0.0}\n"
            f"      t:r/api@1.0.0: {{instance: {api_from}, export: t:r/api@1.0.0}}\n"
            "  first: {dependency: dep}\n  second: {dependency: dep}\n"
        )
        return cfg

    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", config("first"), "-o", out)  # the control
    assert code == 0, err
    valid(out)
    out.unlink()
    code, err = compose_cli(root, "-c", config("second"), "-o", out)
    assert code == 1
    assert (
        "error: `t:r/api@1.0.0` from dep.wasm: type r: expected resource r of t:r/types@1.0.0 "
        "(exported by instance first), found resource r of t:r/types@1.0.0 "
        "(exported by instance second)"
    ) in err
    assert not out.exists()
    # the oracle: wasm-tools compose's validator refuses what it built (it still writes it)
    proc = wasm_tools("compose", str(root), "-c", str(config("second")), "-o",
                      str(tmp_path / "wt.wasm"), check=False)
    assert proc.returncode != 0 and b"resource types are not the same" in proc.stderr


def test_verbose_explains_every_decision(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:host/h@1.0.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    result = invoke(root, "-d", a, "-o", tmp_path / "o.wasm", "-v")
    assert result.exit_code == 0, result.stderr
    assert "import `t:a/a@1.0.0`: satisfied by `t:a/a@1.0.0` of a (a.wasm), exact name" in result.stderr
    assert "import `t:host/h@1.0.0`: no dependency offers it: left for the host" in result.stderr


# -- ambiguity and dead weight ----------------------------------------------------------


@pytest.mark.parametrize("order", [("a1", "a2"), ("a2", "a1")])
def test_of_two_dependencies_offering_one_import_the_first_given_serves_as_with_wasm_tools(tmp_path, order):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    deps = {"a1": write(tmp_path, "a1", counter(10, exports="t:a/a@1.0.0")),
            "a2": write(tmp_path, "a2", counter(20, exports="t:a/a@1.0.0"))}
    first, second = (deps[n] for n in order)
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", first, "-d", second, "-o", out)
    assert code == 0, err
    assert (f"warning: `t:a/a@1.0.0` is offered by {order[0]}.wasm and {order[1]}.wasm: "
            f"{order[0]}.wasm, the first given, serves it; choose with --plug "
            "t:a/a@1.0.0=FILE.wasm") in err
    assert f"dependency `{second}` satisfies no import; it is left out: `t:a/a@1.0.0` is served by {order[0]}.wasm" in err
    theirs = tmp_path / "theirs.wasm"
    wasm_tools("compose", str(root), "-d", str(first), "-d", str(second), "-o", str(theirs))
    assert run_top(out) == run_top(theirs) == 1 + (10 if order[0] == "a1" else 20)


def test_plug_chooses_the_dependency_for_an_import(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a1 = write(tmp_path, "a1", counter(10, exports="t:a/a@1.0.0"))
    a2 = write(tmp_path, "a2", counter(20, exports="t:a/a@1.2.0"))  # semver-compatible
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", a1, "--plug", f"t:a/a@1.0.0={a2}", "-o", out)
    assert code == 0, err
    assert run_top(out) == 21
    assert "offered by" not in err  # the choice was made: no ambiguity warning
    # a plug nothing imports, or a plug file without the export, is an error; nothing written
    out.unlink()
    code, err = compose_cli(root, "--plug", f"t:a/a@1.1.0={a2}", "-o", out)
    assert code == 1 and not out.exists()
    assert f"--plug t:a/a@1.1.0={a2}: no component imports `t:a/a@1.1.0` (did you mean `t:a/a@1.0.0`?)" in err
    other = write(tmp_path, "other", counter(30, exports="t:b/b@1.0.0"))
    code, err = compose_cli(root, "--plug", f"t:a/a@1.0.0={other}", "-o", out)
    assert code == 1 and not out.exists()
    assert "other.wasm does not export an instance `t:a/a@1.0.0` or a semver-compatible version " \
           "of it (it exports `t:b/b@1.0.0`)" in err
    code, err = compose_cli(root, "--plug", "t:a/a@1.0.0", "-o", out)
    assert code == 2 and "expected IMPORT=DEP.wasm" in err


def test_config_chooses_between_ambiguous_dependencies(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "a1", counter(10, exports="t:a/a@1.0.0"))  # named by the config
    write(tmp_path, "a2", counter(20, exports="t:a/a@1.0.0"))
    cfg = tmp_path / "compose.yml"
    cfg.write_text(
        "definitions: [a1.wasm, a2.wasm]\n"
        "instantiations:\n  root:\n    arguments:\n"
        "      t:a/a@1.0.0: {instance: a2, export: t:a/a@1.0.0}\n"
    )
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out, "-v", "--depfile", tmp_path / "out.d")
    assert code == 0, err
    assert run_top(out) == 21
    assert "a1.wasm" in err and "satisfies no import" in err  # a1 is now dead weight
    assert "import `t:a/a@1.0.0`: config: export `t:a/a@1.0.0` of a2 (a2.wasm)" in err
    assert str(cfg) in (tmp_path / "out.d").read_text()  # the config is an input too
    # the command line's --plug comes before the config's choice
    code, err = compose_cli(root, "-c", cfg, "-o", out, "--plug", f"t:a/a@1.0.0={tmp_path / 'a1.wasm'}")
    assert code == 0, err
    assert run_top(out) == 11


def test_a_dependency_given_twice_or_the_root_given_as_one_is_one_component(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", a, "-d", tmp_path / "." / "a.wasm", "-d", root, "-o", out)
    assert (code, err) == (0, "")
    assert run_top(out) == 11 and top_instantiations(out) == 2


def test_semver_matches_are_found_whatever_the_order_of_dependencies(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.3.0"))
    out = tmp_path / "out.wasm"
    for order in ((a, b), (b, a)):
        code, err = compose_cli(root, *[x for d in order for x in ("-d", d)], "-o", out)
        assert code == 0, err
        assert run_top(out) == 111 and top_imports(out) == []


def test_verbose_explains_failures_too(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", result="u64"))
    code, err = compose_cli(root, "-d", a, "-o", tmp_path / "out.wasm", "-v")
    assert code == 1
    assert ("  root (root.wasm): import `t:a/a@1.0.0`: error: `t:a/a@1.0.0` from a.wasm: "
            "func get: result: expected u32, found u64\n") in err


def test_unused_dependency_is_a_warning_and_quiet_silences_it(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    extra = write(tmp_path, "extra", counter(99, exports="t:z/z@1.0.0"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", a, "-d", extra, "-o", out)
    assert code == 0
    assert f"warning: dependency `{extra}` satisfies no import; it is left out" in err
    assert run_top(out) == 11
    code, err = compose_cli(root, "-d", a, "-d", extra, "-o", out, "-q")
    assert code == 0 and err == ""


def test_no_dependency_used_at_all_is_an_error(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    extra = write(tmp_path, "extra", counter(99, exports="t:z/z@1.0.0"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", extra, "-o", out)
    assert code == 1
    assert "no dependencies of component `root.wasm` were found" in err
    assert not out.exists()


# -- imports of the output --------------------------------------------------------------


def test_same_named_imports_merge_into_one_with_the_union_of_exports(tmp_path):
    root = write(tmp_path, "root", """(component
      (import "t:h/host@1.0.0" (instance $h (export "a" (func)) (export "b" (func (param "x" u32)))))
      (import "t:m/mid@1.0.0" (instance $m (export "get" (func (result u32)))))
      (export "get" (func $m "get")))""")
    mid = write(tmp_path, "mid", """(component
      (import "t:h/host@1.0.0" (instance $h (export "b" (func (param "x" u32))) (export "c" (func))))
      (core module $m (func (export "f") (result i32) (i32.const 7)))
      (core instance $i (instantiate $m))
      (func $f (result u32) (canon lift (core func $i "f")))
      (instance $o (export "get" (func $f)))
      (export "t:m/mid@1.0.0" (instance $o)))""")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", mid, "-o", out)
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["t:h/host@1.0.0"]
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    for func in ("a: func();", "b: func(x: u32);", "c: func();"):
        assert func in wit


def test_semver_compatible_imports_merge_to_the_highest_version(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:h/host@0.2.0", "t:m/mid@1.0.0")))
    mid = write(tmp_path, "mid", counter(10, exports="t:m/mid@1.0.0", imports=("t:h/host@0.2.9",)))
    result = api.compose(root, [mid])
    out = tmp_path / "out.wasm"
    out.write_bytes(result.data)
    valid(out)
    assert top_imports(out) == ["t:h/host@0.2.9"]
    text = wasm_tools("print", str(out)).stdout.decode()
    assert '(with "t:h/host@0.2.0"' in text and '(with "t:h/host@0.2.9"' in text
    host = [n for n, d in result.graph.nodes(data=True) if d["kind"] == "host"]
    assert host == ["host:t:h/host@0.2.9"]


def test_conflicting_imports_are_an_error_naming_both_sources(tmp_path):
    root = write(tmp_path, "root", """(component
      (import "t:h/host@1.0.0" (instance (export "f" (func (param "x" u32)))))
      (import "t:m/mid@1.0.0" (instance $m (export "get" (func (result u32)))))
      (export "get" (func $m "get")))""")
    mid = write(tmp_path, "mid", """(component
      (import "t:h/host@1.0.0" (instance (export "f" (func (param "x" string)))))
      (core module $m (func (export "f") (result i32) (i32.const 7)))
      (core instance $i (instantiate $m))
      (func $f (result u32) (canon lift (core func $i "f")))
      (instance $o (export "get" (func $f)))
      (export "t:m/mid@1.0.0" (instance $o)))""")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", mid, "-o", out)
    assert code == 1
    assert "cannot merge the imports `t:h/host@1.0.0` of mid.wasm and `t:h/host@1.0.0` of root.wasm" in err
    assert "func f: param x: expected u32, found string" in err
    assert not out.exists()


# -- cycles ---------------------------------------------------------------------------


def test_cycle_is_an_error_naming_the_components(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.0.0", imports=("t:a/a@1.0.0",)))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", a, "-d", b, "-o", out)
    assert code == 1
    assert err == "error: instances form a cycle: a (a.wasm) -> b (b.wasm) -> a (a.wasm)\n"
    assert not out.exists()


# -- config and search paths ------------------------------------------------------------


def test_dependencies_found_by_import_name_in_root_dir_and_search_paths(tmp_path):
    (tmp_path / "lib").mkdir()
    root = write(tmp_path, "root", counter(1, imports=("helper", "other")))
    # helper.wasm exports an instance `api` that fits the import `helper`: it is passed
    write(tmp_path, "helper", counter(10, exports="api"))
    write(tmp_path / "lib", "other", counter(100, exports="x"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-o", out)
    assert code == 0, err
    assert top_imports(out) == ["other"]  # not in the root's directory: left for the host
    code, err = compose_cli(root, "-p", tmp_path / "lib", "-o", out, "--depfile", tmp_path / "out.d",
                            "-v")
    assert code == 0, err
    # helper.wasm's instance export `api` is passed for the import `helper`
    assert "import `helper`: satisfied by export `api` of helper (helper.wasm), by name" in err
    assert top_imports(out) == []
    assert run_top(out) == 111
    rule = (tmp_path / "out.d").read_text()
    assert str(tmp_path / "lib" / "other.wasm") in rule and str(tmp_path / "helper.wasm") in rule


def test_config_paths_are_relative_to_the_config_and_unknown_keys_are_rejected(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "deps").mkdir()
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path / "deps", "a", counter(10, exports="t:a/a@1.0.0"))
    cfg = tmp_path / "conf" / "compose.yml"
    cfg.write_text("definitions: [../deps/a.wasm]\n")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 0, err
    assert run_top(out) == 11
    cfg.write_text("definitions: [../deps/a.wasm]\nsearch-path: [x]\n")
    code, err = compose_cli(root, "-c", cfg, "-o", tmp_path / "o2.wasm")
    assert code == 1
    assert f"{cfg}: unknown key `search-path` in the config" in err
    assert not (tmp_path / "o2.wasm").exists()


def test_config_instantiations_make_several_instances_of_one_dependency(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("one", "two")))
    write(tmp_path, "shared", counter(10, exports="unused"))
    cfg = tmp_path / "compose.yml"
    cfg.write_text("instantiations:\n  one: {dependency: shared}\n  two: {dependency: shared}\n")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 0, err
    assert run_top(out) == 21
    assert top_instantiations(out) == 3


def test_no_imports_refuses_host_instance_imports(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/h@1.0.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    code, err = compose_cli(root, "-d", a, "--no-imports", "-o", tmp_path / "out.wasm")
    assert code == 1
    assert "a dependency named `t:h/h@1.0.0` could not be found and instance imports are not allowed" in err


# -- output: checks before writing, atomic, stdout ----------------------------------------


def test_failed_composition_leaves_an_existing_output_untouched(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    bad = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", result="u64"))
    out = tmp_path / "out.wasm"
    out.write_bytes(b"previous build")
    code, _ = compose_cli(root, "-d", bad, "-o", out)
    assert code == 1
    assert out.read_bytes() == b"previous build"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.wasm")] == []


def test_an_output_that_fails_our_check_is_reported_as_our_bug(tmp_path, monkeypatch):
    import composer.link.encode
    from support.build import wat

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    broken = wat('(component (import "i" (instance)) (alias export 0 "nope" (func)))')
    monkeypatch.setattr(composer.link.encode, "encode_composition", lambda plan, imports=False: ([broken], []))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", a, "-o", out)
    assert code == 1
    assert err.startswith("error: internal error: the composed component does not validate: ")
    assert "instance 0 has no export named `nope`" in err
    assert "(use --skip-validation to write it anyway, and please report this)" in err
    assert not out.exists()
    code, err = compose_cli(root, "-d", a, "-o", out, "--skip-validation")
    assert code == 0 and out.read_bytes() == broken


def test_an_output_that_cannot_be_written_is_one_line(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    out = tmp_path / "no-such-dir" / "out.wasm"
    code, err = compose_cli(root, "-d", a, "-o", out)
    assert (code, err) == (1, f"error: {out}: cannot write output: No such file or directory\n")


def test_a_write_that_fails_midway_leaves_nothing(tmp_path):
    from composer.link.compose import write_atomically
    from composer.errors import ComposerError

    out = tmp_path / "out.wasm"

    def disk_full(tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(ComposerError, match="cannot write output: No space left on device"):
        write_atomically(out, b"data", disk_full)
    assert list(tmp_path.iterdir()) == []


def test_binary_goes_to_stdout_when_piped_but_never_to_a_terminal(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    proc = compose_proc(root, "-d", a, text=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout[:8] == b"\x00asm\x0d\x00\x01\x00"
    assert proc.stdout == api.compose(root, [a]).data
    # a pseudo-terminal as stdout: refused as a usage error
    status, _, stderr = compose_on_terminal(str(root), "-d", str(a))
    assert status == 2
    assert "refusing to write a binary component to a terminal" in stderr


def test_usage_errors_exit_2(tmp_path):
    code, err = compose_cli()
    assert code == 2
    code, err = compose_cli(tmp_path / "x.wasm", "--no-such-flag")
    assert code == 2


def test_missing_dependency_file_is_a_clear_error(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    code, err = compose_cli(root, "-d", tmp_path / "nope.wasm", "-o", tmp_path / "o.wasm")
    assert code == 1
    assert f"error: {tmp_path / 'nope.wasm'}: component file not found" in err


def test_deterministic_whatever_the_path_spelling(tmp_path, monkeypatch):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@1.0.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.0.0"))
    first = api.compose(root, [a, b]).data
    monkeypatch.chdir(tmp_path)
    second = api.compose("./root.wasm", ["b.wasm", f"../{tmp_path.name}/a.wasm"]).data
    assert first == second


# -- Python API ------------------------------------------------------------------------


def test_python_api_returns_bytes_graph_and_explanations(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    result = api.compose(root, [a])
    assert result.data[:4] == b"\x00asm"
    edges = list(result.graph.edges(keys=True, data=True))
    assert edges == [("root", "a", "t:a/a@1.0.0", {
        "kind": "plug", "import_": "t:a/a@1.0.0", "export": "t:a/a@1.0.0", "sort": "instance",
        "how": "exact name", "semver": False,
    })]
    assert result.files_read == [root, a]
    with pytest.raises(CompositionFailed) as e:
        api.compose(root, [])
    assert e.value.plan.problems[0].message.startswith("no dependencies of component")


# -- Makefile step ----------------------------------------------------------------------


def write_makefile(directory: Path, target: str, arguments: str) -> None:
    """A Makefile composing `target` from root.wasm with `compose ARGUMENTS`, and including
    the depfile it writes."""
    compose_exe = Path(sys.executable).parent / "compose"
    (directory / "Makefile").write_text(
        f"COMPOSE = {compose_exe}\n"
        f"{target}: root.wasm\n"
        f"\t$(COMPOSE) root.wasm {arguments} --depfile '$@.d'\n"
        f"-include {target}.d\n"
    )


def run_make(directory: Path) -> str:
    """`make` in `directory`, which must succeed: what it printed."""
    proc = subprocess.run(["make"], cwd=directory, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_makefile_with_depfile_rebuilds_only_when_an_input_changes(tmp_path):
    write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    write_makefile(tmp_path, "composed.wasm", "-d a.wasm -o $@")

    assert "compose" in run_make(tmp_path)
    assert run_top(tmp_path / "composed.wasm") == 11
    assert "is up to date" in run_make(tmp_path)
    os.utime(tmp_path / "a.wasm", (os.path.getmtime(tmp_path / "composed.wasm") + 5,) * 2)
    assert "compose" in run_make(tmp_path)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_depfile_paths_with_spaces_hashes_and_dollars_are_read_back_by_make(tmp_path):
    # Make splits prerequisites at spaces, starts a comment at `#` and expands `$`: the
    # depfile escapes each, so make sees the one file the composition read.
    odd = tmp_path / "dir with space"
    odd.mkdir()
    write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(odd, "a#1$x", counter(10, exports="t:a/a@1.0.0"))
    write_makefile(tmp_path, "out$$1.wasm", "-d 'dir with space/a#1$$x.wasm' -o '$@'")
    target = tmp_path / "out$1.wasm"

    assert "compose" in run_make(tmp_path)
    assert run_top(target) == 11
    rule = (tmp_path / "out$1.wasm.d").read_text()
    assert "dir\\ with\\ space/a\\#1$$x.wasm" in rule
    assert "is up to date" in run_make(tmp_path)  # the odd path is one existing prerequisite
    os.utime(dep, (os.path.getmtime(target) + 5,) * 2)
    assert "compose" in run_make(tmp_path)  # and a change to it rebuilds


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_depfile_names_dependencies_found_by_import_name_with_colons(tmp_path):
    # a dependency found on a search path by its import's name, `t:a/a@1.0.wasm`: its colon is
    # escaped, or make reads the rule as "multiple target patterns"
    write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    (tmp_path / "deps" / "t:a").mkdir(parents=True)
    dep = tmp_path / "deps" / "t:a" / "a@1.0.wasm"
    dep.write_bytes(wat(counter(10, exports="t:a/a@1.0.0")))
    write_makefile(tmp_path, "out.wasm", "-p deps -o $@")

    assert "compose" in run_make(tmp_path)
    assert "deps/t\\:a/a@1.0.wasm" in (tmp_path / "out.wasm.d").read_text()
    assert "is up to date" in run_make(tmp_path)
    os.utime(dep, (os.path.getmtime(tmp_path / "out.wasm") + 5,) * 2)
    assert "compose" in run_make(tmp_path)


def test_host_import_using_a_resource_a_dependency_defines_is_refused(tmp_path):
    # root imports t:a/res (from the dependency) and t:b/user (from the host), and
    # t:b/user's function takes the resource t:a/res exports
    root = write(tmp_path, "root", """(component
      (import "t:a/res@1.0.0" (instance $res
        (export "r" (type $r (sub resource)))
        (export "[constructor]r" (func (result (own $r))))))
      (alias export $res "r" (type $r))
      (import "t:b/user@1.0.0" (instance $user
        (alias outer 1 $r (type $r2))
        (export "r" (type $r3 (eq $r2)))
        (export "consume" (func (param "x" (own $r3)) (result u32)))))
      (core func $new (canon lower (func $res "[constructor]r")))
      (core func $consume (canon lower (func $user "consume")))
      (core module $m
        (import "h" "new" (func $new (result i32)))
        (import "h" "consume" (func $consume (param i32) (result i32)))
        (func (export "run") (result i32) (call $consume (call $new))))
      (core instance $h (export "new" (func $new)) (export "consume" (func $consume)))
      (core instance $i (instantiate $m (with "h" (instance $h))))
      (func (export "run") (result u32) (canon lift (core func $i "run"))))""")
    dep = write(tmp_path, "dep", resource_provider("t:a/res@1.0.0"))
    # The component model forbids an import whose type uses a resource defined inside the
    # component (wasm-tools: "local resource type found in imports"), so this cannot be
    # composed; compose says why instead of writing an invalid component.
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1
    assert (
        "`t:b/user@1.0.0` cannot be left for the host: it uses the resource `r` that "
        "`t:a/res@1.0.0` of dep.wasm defines"
    ) in err
    assert not out.exists()


def test_output_gets_the_mode_a_plain_write_would(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    out = tmp_path / "out.wasm"
    old = os.umask(0o022)
    try:
        assert compose_cli(root, "-d", dep, "-o", out)[0] == 0
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o640)  # an existing file keeps its mode
        assert compose_cli(root, "-d", dep, "-o", out)[0] == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_components_imported_instead_of_embedded(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@1.0.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.0.0"))
    # --import-components: every component is imported under its name
    out = tmp_path / "all.wasm"
    code, err = compose_cli(root, "-d", a, "-d", b, "-o", out, "--import-components")
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["root", "a", "b"]
    # a config dependency's `import:` imports that one component under the given name
    (tmp_path / "compose.yml").write_text(
        "dependencies:\n  t:b/b@1.0.0: {path: b.wasm, import: my-b}\n"
        "  t:a/a@1.0.0: a.wasm\n"
    )
    out = tmp_path / "one.wasm"
    code, err = compose_cli(root, "-c", tmp_path / "compose.yml", "-o", out)
    assert code == 0, err
    valid(out)
    assert top_imports(out) == ["my-b"]
    text = wasm_tools("print", "--skeleton", str(out)).stdout.decode()
    embedded = [line for line in text.splitlines() if line.startswith("  (component $")]
    assert [line.split()[1] for line in embedded] == ["$root.wasm", "$a.wasm"]  # b imported


def test_the_report_says_an_import_was_chosen_with_plug(tmp_path):
    import json

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a1 = write(tmp_path, "a1", counter(10, exports="t:a/a@1.0.0"))
    a2 = write(tmp_path, "a2", counter(20, exports="t:a/a@1.0.0"))

    proc = compose_proc("graph", root, "-d", a1, "--plug", f"t:a/a@1.0.0={a2}", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    (edge,) = [e for e in json.loads(proc.stdout)["edges"] if e["import"] == "t:a/a@1.0.0"]
    assert (edge["target"], edge["how"]) == ("a2", "--plug")


def test_the_output_check_is_made_now_or_when_written(tmp_path, monkeypatch):
    # compose() checks before it returns; with check_when_written, the check is owed until
    # the output is written (from the file, which is then not put in place) or read
    import composer.link.encode
    from composer.errors import CompositionError

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    good = api.compose(root, [a])
    broken = wat('(component (import "i" (instance)) (alias export 0 "nope" (func)))')
    monkeypatch.setattr(composer.link.encode, "encode_composition",
                        lambda plan, imports=False: ([broken[:9], memoryview(broken)[9:]], []))
    with pytest.raises(CompositionError, match="does not validate"):
        api.compose(root, [a])
    owed = api.compose(root, [a], check_when_written=True)
    assert owed.size == len(broken)
    out = tmp_path / "out.wasm"
    with pytest.raises(CompositionError, match="has no export named `nope`"):
        owed.write(out)
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    with pytest.raises(CompositionError, match="does not validate"):
        owed.data  # noqa: B018
    unchecked = api.compose(root, [a], skip_validation=True, check_when_written=True)
    unchecked.write(out)
    assert out.read_bytes() == broken == unchecked.data
    monkeypatch.undo()
    fine = api.compose(root, [a], check_when_written=True)
    fine.write(out)
    assert out.read_bytes() == good.data == fine.data


def test_pieces_of_the_output_are_written_in_order(tmp_path):
    from composer.link.compose import write_atomically

    out = tmp_path / "out.bin"
    write_atomically(out, [b"ab", memoryview(b"cde")[1:], bytearray(b"f")])
    assert out.read_bytes() == b"abdef"


def test_a_large_output_is_written_exactly_over_a_larger_one(tmp_path):
    # an output from 1 MiB on has its blocks allocated before it is written (files.py): the
    # file is the bytes written, nothing more, whatever file it replaces
    from composer.link.compose import write_atomically

    out = tmp_path / "out.bin"
    out.write_bytes(b"\xff" * (3 << 20))
    pieces = [b"\0asm" * (1 << 18), memoryview(bytes(range(256)) * 4096)[3:], b"end"]
    write_atomically(out, pieces)
    assert out.read_bytes() == b"".join(pieces)


def test_an_input_mapped_is_written_as_it_was_read(tmp_path, monkeypatch):
    # a large input embedded whole is copied by the kernel from its file (files.py), unless
    # the file changed since it was read: then what was read is written
    from composer.files import read_input
    from composer.link.compose import write_atomically

    copied = []
    if hasattr(os, "copy_file_range"):
        real = os.copy_file_range
        monkeypatch.setattr(os, "copy_file_range", lambda *a: copied.append(a[2]) or real(*a))
    path = tmp_path / "big.wasm"
    first = bytes(range(256)) * 8192  # 2 MiB: mapped
    path.write_bytes(first)
    mapped = read_input(path, "component", mapped_from=1 << 20)
    out = tmp_path / "out.bin"
    # the map itself, or a view of all of it (as the encoder embeds it), is copied; a view
    # of part of it is written
    write_atomically(out, [b"head", mapped, memoryview(mapped), memoryview(mapped)[1:], b"tail"])
    assert out.read_bytes() == b"head" + first + first + first[1:] + b"tail"
    assert copied == ([len(first)] * 2 if hasattr(os, "copy_file_range") else [])
    copied.clear()
    replaced = tmp_path / "new.wasm"
    replaced.write_bytes(first[::-1])
    replaced.replace(path)  # another file under the same name
    write_atomically(out, [mapped])
    assert out.read_bytes() == first and copied == []


def test_many_small_pieces_are_written_in_order(tmp_path):
    # small pieces are gathered into writes of about 1 MiB (files.py); around a large one
    from composer.link.compose import write_atomically

    pieces = [bytes([i % 251]) * (700 + i % 13) for i in range(4000)]
    pieces.insert(1500, b"L" * (3 << 20))
    out = tmp_path / "out.bin"
    write_atomically(out, pieces)
    assert out.read_bytes() == b"".join(pieces)
