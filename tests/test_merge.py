"""merge.py: what the composed component imports. Imports of one name left for the host by
several instances become one import, whatever their sort (instance, func, type, resource);
imports that cannot be one are refused, naming both."""

from __future__ import annotations

import pytest

from components import write_wit
from conftest import wasm_tools
from test_compose import compose_cli, top_imports, valid

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
