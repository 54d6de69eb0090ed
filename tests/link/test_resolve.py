"""resolve.py: the rules that choose what satisfies each import, and how each refusal reads.
The composition-wide rules (transitive plugging, semver, ambiguity, cycles) are in
test_compose.py; here are the config arguments, instances passed whole, and the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.link import compose as api
from composer.link.compose import CompositionFailed

from support.cli import compose_cli
from support.components import counter, resource_provider, run_top, write, write_wit
from support.oracle import top_imports, valid, wasm_tools

# A dependency whose top-level exports are exactly what the interface `t:a/a` holds, so the
# dependency instance itself can be passed for an import of it.
GET_ONLY = """(component
  (core module $m (func (export "f") (result i32) (i32.const {value})))
  (core instance $i (instantiate $m))
  (func (export "get") (result u32) (canon lift (core func $i "f"))))"""


def test_of_two_dependencies_offering_an_import_only_by_semver_the_first_given_serves(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:x/api@1.0.0",)))
    d1 = write(tmp_path, "d1", counter(10, exports="t:x/api@1.1.0"))
    d2 = write(tmp_path, "d2", counter(20, exports="t:x/api@1.2.0"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", d2, "-d", d1, "-o", out)
    assert code == 0, err
    assert ("`t:x/api@1.0.0` is offered by d2.wasm (as `t:x/api@1.2.0`) and d1.wasm (as "
            "`t:x/api@1.1.0`): d2.wasm, the first given, serves it") in err
    result = api.compose(root, [d2, d1])
    assert [(e[1], e[2]["export"]) for e in result.graph.edges(data=True)] == [("d2", "t:x/api@1.2.0")]


def test_of_one_dependencys_versions_the_newest_compatible_is_plugged(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:x/api@1.0.0",)))
    dep = write(tmp_path, "dep", counter(10, exports="t:x/api@1.1.0",
                                         extra_exports=("t:x/api@1.3.0", "t:x/api@2.0.0")))
    result = api.compose(root, [dep])
    (edge,) = result.graph.edges(data=True)
    assert edge[2]["export"] == "t:x/api@1.3.0" and edge[2]["semver"] is True


# `t:a/a` (get -> u32) and `t:wide/w` (get -> u64)
TWO_INTERFACES = """(component
  (core module $m
    (func (export "f32") (result i32) (i32.const 10))
    (func (export "f64") (result i64) (i64.const 10)))
  (core instance $i (instantiate $m))
  (func $f32 (result u32) (canon lift (core func $i "f32")))
  (func $f64 (result u64) (canon lift (core func $i "f64")))
  (instance $a (export "get" (func $f32)))
  (instance $w (export "get" (func $f64)))
  (export "t:a/a@1.0.0" (instance $a))
  (export "t:wide/w@1.0.0" (instance $w)))"""


def _config(tmp_path: Path, body: str) -> Path:
    cfg = tmp_path / "compose.yml"
    cfg.write_text(body)
    return cfg


# Config arguments that cannot be honoured: the config, the message wasm-tools compose gives
# too, and what we add to it (the path to the mismatch).
CONFIG_ERRORS = {
    "no such import": (
        "definitions: [a.wasm]\ninstantiations:\n  root:\n    arguments:\n"
        "      t:nope/x@1.0.0: a\n",
        "component `root.wasm` has no import named `t:nope/x@1.0.0`",
    ),
    "no such export": (
        "dependencies:\n  a: a.wasm\ninstantiations:\n  root:\n    arguments:\n"
        "      t:a/a@1.0.0: {instance: a, export: t:zzz/q@1.0.0}\n",
        "component `a.wasm` does not export an instance named `t:zzz/q@1.0.0`",
    ),
    "export of another type": (
        "dependencies:\n  a: a.wasm\ninstantiations:\n  root:\n    arguments:\n"
        "      t:a/a@1.0.0: {instance: a, export: t:wide/w@1.0.0}\n",
        "component `a.wasm` exports an instance named `t:wide/w@1.0.0` but it is not compatible "
        "with import `t:a/a@1.0.0` of component `root.wasm`",
        ": func get: result: expected u32, found u64",
    ),
    "whole instance of another type": (
        "dependencies:\n  w: w.wasm\ninstantiations:\n  root:\n    arguments:\n"
        "      t:a/a@1.0.0: w\n",
        "component `w.wasm` is not compatible with import `t:a/a@1.0.0` of component "
        "`root.wasm`",
        ": missing func get",
    ),
}


@pytest.mark.parametrize("case", CONFIG_ERRORS)
def test_config_arguments_that_cannot_be_honoured(tmp_path, case):
    body, message, *detail = CONFIG_ERRORS[case]
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "a", TWO_INTERFACES)
    write(tmp_path, "w", counter(10, exports="t:wide/w@1.0.0", result="u64"))
    cfg = _config(tmp_path, body)
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 1, err
    assert message + "".join(detail) in err
    assert not out.exists()
    proc = wasm_tools("compose", str(root), "-c", str(cfg), "-o", str(tmp_path / "wt.wasm"),
                      check=False)
    assert proc.returncode != 0
    assert message in proc.stderr.decode().replace(f"`{tmp_path}/", "`")


def test_a_config_argument_naming_an_export_of_another_sort(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "g", GET_ONLY.format(value=1))
    cfg = _config(tmp_path, "dependencies:\n  g: g.wasm\ninstantiations:\n  root:\n    arguments:\n"
                            "      t:a/a@1.0.0: {instance: g, export: get}\n")
    code, err = compose_cli(root, "-c", cfg, "-o", tmp_path / "out.wasm")
    assert (code, err) == (1, "error: component `g.wasm` exports `get` as a func, not as an "
                              "instance\n")


def test_a_config_argument_may_pass_a_dependency_instance_whole(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "g", GET_ONLY.format(value=41))
    cfg = _config(tmp_path, "dependencies:\n  g: g.wasm\n"
                            "instantiations:\n  root:\n    arguments:\n      t:a/a@1.0.0: g\n")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out, "-v")
    assert code == 0, err
    assert "satisfied by instance g (g.wasm), config" in err
    assert run_top(out) == 42
    assert '(with "t:a/a@1.0.0" (instance $g))' in wasm_tools("print", str(out)).stdout.decode()


@pytest.mark.parametrize("argument", ["elsewhere", "{instance: elsewhere, export: t:a/a@1.0.0}"])
def test_a_config_argument_naming_an_undefined_instance_is_an_error_at_its_line(tmp_path, argument):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    cfg = _config(tmp_path, "dependencies:\n  a-impl: a.wasm\n"
                            f"instantiations:\n  root:\n    arguments:\n      t:a/a@1.0.0: {argument}\n")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 1
    assert err == (f"error: {cfg}:6: argument `t:a/a@1.0.0` of instantiation `root` names the "
                   "instance `elsewhere`, which is neither a dependency nor an instantiation of "
                   "the config, nor a component file found by that name "
                   f"({tmp_path / 'elsewhere.wasm'})\n")
    assert not out.exists()
    assert wasm_tools("compose", str(root), "-c", str(cfg), "-o", str(tmp_path / "wt.wasm"),
                      check=False).returncode != 0  # the reference refuses it too


def test_a_misspelt_instance_name_gets_a_suggestion(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    cfg = _config(tmp_path, "dependencies:\n  a-impl: a.wasm\n"
                            "instantiations:\n  root:\n    arguments:\n      t:a/a@1.0.0: a-imlp\n")
    code, err = compose_cli(root, "-c", cfg, "-o", tmp_path / "out.wasm")
    assert code == 1 and err.endswith(" (did you mean `a-impl`?)\n")


def test_an_import_found_by_name_takes_the_dependency_instance_whole(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("helper",)))
    write(tmp_path, "helper", GET_ONLY.format(value=9))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-o", out, "-v")
    assert code == 0, err
    assert "satisfied by instance helper (helper.wasm), by name" in err
    assert run_top(out) == 10


def test_dependencies_with_one_file_name_get_distinct_names(tmp_path):
    names = ("a", "b", "c")
    root = write(tmp_path, "root", counter(1, imports=tuple(f"t:{n}/{n}@1.0.0" for n in names)))
    deps = []
    for i, n in enumerate(names):
        (tmp_path / n).mkdir()
        deps.append(write(tmp_path / n, "dep", counter(10 ** (i + 1), exports=f"t:{n}/{n}@1.0.0")))
    result = api.compose(root, deps)
    instances = [n for n, d in result.graph.nodes(data=True) if d["kind"] == "instance"]
    assert instances == ["dep", "dep-2", "dep-3"]
    out = tmp_path / "out.wasm"
    out.write_bytes(result.data)
    assert run_top(out) == 1111


def test_a_root_without_imports_has_nothing_to_compose(tmp_path):
    root = write(tmp_path, "root", counter(1))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    with pytest.raises(CompositionFailed) as e:
        api.compose(root, [dep])
    assert [p.message for p in e.value.plan.problems] == [
        "component `root.wasm` does not import any instances"]


def test_a_dependencys_import_of_the_wrong_type_names_the_importer(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@1.0.0", result="u64"))
    code, err = compose_cli(root, "-d", a, "-d", b, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert ("error: `t:b/b@1.0.0` (imported by a.wasm) from b.wasm: func get: result: "
            "expected u32, found u64") in err


RESOURCE_WIT = """package t:r@1.0.0;
interface types { resource r { constructor(); } }
interface api { use types.{r}; make: func() -> r; }
interface front { go: func() -> u32; }
world mid { import types; import api; export front; }
world root { import front; export run: func() -> u32; }
world dep { export types; export api; }
"""


def test_a_resource_mismatch_only_the_link_phase_sees_names_the_importing_dependency(tmp_path):
    root = write_wit(tmp_path, "root", RESOURCE_WIT, "root")
    mid = write_wit(tmp_path, "mid", RESOURCE_WIT, "mid")
    write_wit(tmp_path, "dep", RESOURCE_WIT, "dep")
    cfg = _config(tmp_path, (
        "definitions: [mid.wasm]\ndependencies:\n  dep: dep.wasm\n"
        "instantiations:\n  mid:\n    arguments:\n"
        "      t:r/types@1.0.0: {instance: first, export: t:r/types@1.0.0}\n"
        "      t:r/api@1.0.0: {instance: second, export: t:r/api@1.0.0}\n"
        "  first: {dependency: dep}\n  second: {dependency: dep}\n"
    ))
    code, err = compose_cli(root, "-c", cfg, "-o", tmp_path / "out.wasm")
    assert code == 1, err
    assert ("error: `t:r/api@1.0.0` (imported by mid.wasm) from dep.wasm: type r: expected "
            "resource r of t:r/types@1.0.0 (exported by instance first)") in err
    assert mid.exists()


TYPES_WIT = """package t:p@1.0.0;
world root { record point { x: u32, y: u32 } import make: func() -> point; export run: func(); }
world dep { record point { x: u32, y: u32 } export make: func() -> point; }
"""


def test_top_level_functions_are_plugged_and_type_imports_merged_for_the_host(tmp_path):
    # Types a world defines are imports of its components (`point` here, in both); `make`
    # is plugged, the two `point`s become one import of the output.
    root = write_wit(tmp_path, "root", TYPES_WIT, "root")
    dep = write_wit(tmp_path, "dep", TYPES_WIT, "dep")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out, "-v")
    assert code == 0, err
    assert "import `make`: satisfied by `make` of dep (dep.wasm), exact name" in err
    assert "import `point`: no dependency offers it: left for the host" in err
    valid(out)
    assert top_imports(out) == ["point"]
    text = wasm_tools("print", str(out)).stdout.decode()
    assert text.count('(with "point" (type') == 2  # both instances get the one import


def test_dependencies_named_by_an_import_are_found_beside_the_config(tmp_path):
    (tmp_path / "conf").mkdir()
    root = write(tmp_path, "root", counter(1, imports=("helper",)))
    write(tmp_path / "conf", "helper", GET_ONLY.format(value=4))
    cfg = tmp_path / "conf" / "compose.yml"
    cfg.write_text("skip-validation: false\n")
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 0, err
    assert run_top(out) == 5
    code, err = compose_cli(root, "-o", tmp_path / "o2.wasm")  # without it, nobody looks there
    assert code == 1 and "no dependencies of component `root.wasm` were found" in err


MISMATCHED_RESOURCE = """package t:a@1.0.0;
interface x { resource r; }
interface y { resource r; }
interface api-root { use x.{r}; make: func() -> r; }
interface api-dep { use y.{r}; make: func() -> r; }
world root { import x; import api: interface { use x.{r}; make: func() -> r; } export run: func(); }
world dep { export y; export api: interface { use y.{r}; make: func() -> r; } }
"""


def test_resources_of_other_interfaces_are_told_apart_by_the_resolver(tmp_path):
    # `r` of t:a/x against `r` of t:a/y: refused when the wiring is chosen, naming the
    # dependency (the report draws it as a rejected dependency), not only when linking
    from composer.link.compose import plan_composition

    root = write_wit(tmp_path, "root", MISMATCHED_RESOURCE, "root")
    dep = write_wit(tmp_path, "dep", MISMATCHED_RESOURCE, "dep")
    plan = plan_composition(root, [dep])
    (problem,) = plan.problems
    assert (problem.import_name, problem.provider, problem.export) == ("api", "dep", "api")
    assert problem.message == ("`api` from dep.wasm: type r: expected resource r of "
                               "t:a/x@1.0.0, found resource r of t:a/y@1.0.0")


# The root imports t:x/types (resource r) and exports a top-level `make` returning own<r>.
ROOT_MAKES_R = """(component
  (import "t:x/types@1.0.0" (instance $types
    (export "r" (type $r (sub resource)))
    (export "[constructor]r" (func (result (own $r))))))
  (alias export $types "[constructor]r" (func $new))
  (export "make" (func $new)))"""
DEP_DEFINES_R = resource_provider("t:x/types@1.0.0")


def test_a_root_export_using_a_resource_a_dependency_provides_is_refused_clearly(tmp_path):
    # in the output only the dependency's instance would name `r`: `make` could not be an
    # export of it (wasm-tools compose writes it, and its validator refuses it)
    root = write(tmp_path, "root", ROOT_MAKES_R)
    dep = write(tmp_path, "dep", DEP_DEFINES_R)
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", dep, "-o", out)
    assert code == 1
    assert err == ("error: the root's export `make` cannot be an export of the composed "
                   "component: it uses the resource `r`, which this component neither imports "
                   "nor exports (a dependency provides it to the root)\n")
    assert not out.exists()
    proc = wasm_tools("compose", str(root), "-d", str(dep), "-o", str(tmp_path / "wt.wasm"),
                      check=False)
    assert b"not valid to be used as export" in proc.stderr


def test_near_misses_are_looked_up_not_compared_with_every_export(tmp_path):
    """10,000 imports left for the host, and a dependency exporting 10,000 other names: each
    import is compared only with the exports that may be near it (comparing each with every
    export took over two minutes), and a near one is still found."""
    import time

    import hostile
    from composer.binary.writer import encode_u

    n = 10_000
    dep = tmp_path / "dep.wasm"
    dep.write_bytes(hostile.imports_and_exports(n))  # exports the functions e0 ... e9999
    # imports `e0` (plugged), `e1` as an instance (near: dep exports a function e1), g0 ...
    types = hostile.section(7, b"\x02" + b"\x40\x00\x01\x00" + b"\x42\x00")
    imports = [hostile.name("e0") + b"\x01\x00", hostile.name("e1") + b"\x05\x01",
               *(hostile.name(f"g{i}") + b"\x01\x00" for i in range(n))]
    root = tmp_path / "root.wasm"
    root.write_bytes(hostile.PREAMBLE + types
                     + hostile.section(10, encode_u(len(imports)) + b"".join(imports)))
    started = time.process_time()
    plan = api.plan_composition(root, [dep])
    assert time.process_time() - started < 20
    assert plan.ok and {k: [m.text for m in v] for k, v in plan.near.items()} == {
        ("root", "e1"): ["dep.wasm exports `e1` as a func, not as an instance"]}
