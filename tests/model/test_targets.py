"""model/targets.py: a component against a world, each difference named. The worlds here are
the component types of components built from WIT (their imports and exports are the world's),
so these tests do not depend on reading WIT; test_witparse_* checks worlds read from text."""

from __future__ import annotations

from pathlib import Path

from composer.model import types as T
from composer.model.load import load_component
from composer.model.targets import target_differences

from support.build import wit_component

WIT = """
package t:app@1.0.0;

interface types {
  resource blob { constructor(n: u32); size: func() -> u32; }
  record point { x: s32, y: s32 }
}

interface api {
  use types.{blob, point};
  make: func(p: point) -> blob;
  count: func() -> u32;
}

interface log {
  log: func(msg: string);
}

world full {
  import log;
  import types;
  export api;
}

world fits {
  import log;
  export api;
}

world no-export {
  import log;
}
"""

# the same, and a world that also imports an interface of another package
EXTRA = WIT + """
world extra-import {
  import log;
  import t:other/thing@1.0.0;
  export api;
}

package t:other@1.0.0 {
  interface thing { go: func(); }
}
"""

# the same, but `count` returns a u64
WRONG = WIT.replace("count: func() -> u32;", "count: func() -> u64;")


def component_type(tmp_path: Path, name: str, wit: str, world: str) -> T.ComponentType:
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(wit_component(wit, world))
    scope = load_component(path).scope
    return T.ComponentType(dict(scope.imports), dict(scope.exports))


def test_a_component_of_the_world_targets_it(tmp_path):
    world = component_type(tmp_path, "world", WIT, "full")
    assert target_differences(component_type(tmp_path, "fits", WIT, "fits"), world, "full") == []
    assert target_differences(world, world, "full") == []


def test_an_import_the_world_lacks_is_named(tmp_path):
    world = component_type(tmp_path, "world", WIT, "full")
    extra = component_type(tmp_path, "extra", EXTRA, "extra-import")
    assert target_differences(extra, world, "full") == [
        "import `t:other/thing@1.0.0` is not an import of world `full`"]


def test_a_missing_export_is_named(tmp_path):
    world = component_type(tmp_path, "world", WIT, "full")
    missing = component_type(tmp_path, "no-export", WIT, "no-export")
    assert target_differences(missing, world, "full") == [
        "export `t:app/api@1.0.0` of world `full` is missing"]


def test_a_mismatched_type_names_the_path(tmp_path):
    world = component_type(tmp_path, "world", WIT, "full")
    wrong = component_type(tmp_path, "wrong", WRONG, "fits")
    (difference,) = target_differences(wrong, world, "full")
    assert difference.startswith("export `t:app/api@1.0.0`: ")
    assert "count" in difference and "u32" in difference and "u64" in difference


# -- through the command line, with the world read from WIT ---------------------------------


def test_compose_targets_and_verify_with_a_wit_world(tmp_path):
    from support.cli import compose_proc

    wit = tmp_path / "app.wit"
    wit.write_text(WIT)
    fits = tmp_path / "fits.wasm"
    fits.write_bytes(wit_component(WIT, "fits"))
    missing = tmp_path / "no-export.wasm"
    missing.write_bytes(wit_component(WIT, "no-export"))
    wrong = tmp_path / "wrong.wasm"
    wrong.write_bytes(wit_component(WRONG, "fits"))
    extra = tmp_path / "extra.wasm"
    extra.write_bytes(wit_component(EXTRA, "extra-import"))

    ok = compose_proc("targets", fits, wit, "--world", "full")
    assert ok.returncode == 0 and ok.stderr == f"{fits} targets world `full`\n"
    cases = {
        missing: f"error: {missing}: export `t:app/api@1.0.0` of world `full` is missing",
        extra: f"error: {extra}: import `t:other/thing@1.0.0` is not an import of world `full`",
        wrong: f"error: {wrong}: export `t:app/api@1.0.0`: ",
    }
    for component, message in cases.items():
        proc = compose_proc("targets", component, wit, "--world", "t:app/full@1.0.0")
        assert proc.returncode == 1 and proc.stderr.startswith(message), proc.stderr
    mismatch = compose_proc("targets", wrong, wit, "--world", "full").stderr
    assert "count" in mismatch and "u32" in mismatch and "u64" in mismatch
    # which world: the only one, or --world; a package with several asks
    several = compose_proc("targets", fits, wit)
    assert several.returncode == 2 and "choose a world with --world (it has full, fits, no-export)" in several.stderr
    unknown = compose_proc("targets", fits, wit, "--world", "nope")
    assert unknown.returncode == 1 and "no world `nope` in package t:app@1.0.0" in unknown.stderr
    # verify --world takes the same worlds
    assert compose_proc("verify", fits, "--world", f"{wit}:full").returncode == 0
    proc = compose_proc("verify", missing, "--world", f"{wit}:full")
    assert proc.returncode == 1 and "export `t:app/api@1.0.0` of world `full` is missing" in proc.stderr


def test_verify_world_naming_a_missing_wit_file_says_so(tmp_path):
    from support.cli import compose_proc

    fits = tmp_path / "fits.wasm"
    fits.write_bytes(wit_component(WIT, "fits"))
    proc = compose_proc("verify", fits, "--world", str(tmp_path / "nope.wit"))
    assert proc.returncode == 2 and f"--world {tmp_path / 'nope.wit'}: no such WIT file or folder" in proc.stderr


def test_a_resource_the_world_imports_is_not_one_the_component_exports(tmp_path):
    # world `fits` exports `api` and so imports `types` (whose `blob` api uses); a component
    # that exports `types` and an `api` using its own `blob` does not target it: the blob
    # its `api` hands out is not the one the world's host provides (wasm-tools: "resource
    # types are not the same")
    from support.oracle import wasm_tools

    both = WIT + "\nworld both {\n  import log;\n  export types;\n  export api;\n}\n"
    component = tmp_path / "both.wasm"
    component.write_bytes(wit_component(both, "both"))
    wit = tmp_path / "app.wit"
    wit.write_text(both)
    oracle = wasm_tools("component", "targets", "--world", "fits", str(wit), str(component),
                        check=False)
    assert oracle.returncode != 0
    world = component_type(tmp_path, "fits", both, "fits")
    mine = load_component(component).scope
    differences = target_differences(T.ComponentType(dict(mine.imports), dict(mine.exports)),
                                     world, "fits")
    assert differences and differences[0].startswith("export `t:app/api@1.0.0`"), differences
    # and a component of the world itself targets it
    own = component_type(tmp_path, "fits-own", both, "fits")
    assert target_differences(own, world, "fits") == []
