"""model/targets.py: a component against a world, each difference named. The worlds here are
the component types of components built from WIT (their imports and exports are the world's),
so these tests do not depend on reading WIT; test_witparse_* checks worlds read from text."""

from __future__ import annotations

from pathlib import Path

from composer.model import types as T
from composer.model.load import load_component
from composer.model.targets import target_differences

from conftest import wit_component

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
