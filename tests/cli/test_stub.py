"""`compose stub`: a deny adapter written on its own, for one interface of a WIT package or
for every interface a world imports; it validates, and exports what was asked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import ROOT
from support.cli import compose_proc
from support.oracle import wasm_tools

NET_WIT = """\
package test:net@0.1.0;

interface types {
  resource sock;
  enum error-code { other, access-denied }
}

interface create {
  use types.{sock, error-code};
  create: func() -> result<sock, error-code>;
}

interface dirs {
  list-dirs: func() -> list<tuple<u32, string>>;
}

world app {
  import create;
  import dirs;
  export run: func();
}
"""


@pytest.fixture
def net_wit(tmp_path: Path) -> Path:
    path = tmp_path / "net.wit"
    path.write_text(NET_WIT)
    return path


def _stub(*args: str) -> subprocess.CompletedProcess:
    return compose_proc("stub", *args)


def _exports(path: Path) -> list[str]:
    wasm_tools("validate", str(path))
    wit = wasm_tools("component", "wit", str(path)).stdout.decode()
    return [line.split()[1].rstrip(";") for line in wit.splitlines()
            if line.strip().startswith("export ")]


@pytest.mark.parametrize("name", ["create", "test:net/create", "test:net/create@0.1.0"])
def test_one_interface(tmp_path, net_wit, name):
    out = tmp_path / "out.wasm"
    made = _stub(str(net_wit), "--interface", name, "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert _exports(out) == ["test:net/create@0.1.0"]


def test_a_world_exports_every_interface_it_imports(tmp_path, net_wit):
    out = tmp_path / "out.wasm"
    made = _stub(str(net_wit), "--world", "app", "-o", str(out))
    assert made.returncode == 0, made.stderr
    # `types` too: the world imports it, through `create`'s `use`
    assert _exports(out) == ["test:net/types@0.1.0", "test:net/create@0.1.0",
                             "test:net/dirs@0.1.0"]


def test_a_wasi_world(tmp_path):
    import build_fixtures

    jco = build_fixtures.ensure_jco(ROOT / "fixtures" / "build") / "wit" / "builtin" / "0.2.12"
    (tmp_path / "wit" / "deps").mkdir(parents=True)
    for p in sorted(jco.iterdir()):
        (tmp_path / "wit" / "deps" / p.name).symlink_to(p.resolve())
    (tmp_path / "wit" / "main.wit").write_text(
        "package test:app;\nworld app {\n  import wasi:sockets/tcp-create-socket@0.2.12;\n"
        "  import wasi:filesystem/preopens@0.2.12;\n}\n")
    out = tmp_path / "out.wasm"
    made = _stub(str(tmp_path / "wit"), "--world", "app", "-o", str(out))
    assert made.returncode == 0, made.stderr
    exports = _exports(out)
    assert {"wasi:sockets/tcp-create-socket@0.2.12", "wasi:filesystem/preopens@0.2.12"} <= set(exports)
    single = tmp_path / "one.wasm"
    made = _stub(str(tmp_path / "wit"), "--interface", "wasi:sockets/tcp-create-socket",
                 "-o", str(single))
    assert made.returncode == 0, made.stderr
    assert _exports(single) == ["wasi:sockets/tcp-create-socket@0.2.12"]


def _refused(made: subprocess.CompletedProcess, out: Path, file: Path, says: str) -> None:
    assert made.returncode == 1 and not out.exists()
    errors = [line for line in made.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and str(file) in errors[0] and says in errors[0], made.stderr


def test_an_unknown_interface(tmp_path, net_wit):
    out = tmp_path / "out.wasm"
    _refused(_stub(str(net_wit), "--interface", "nope", "-o", str(out)), out, net_wit,
             "no interface `nope`")


def test_an_unknown_world(tmp_path, net_wit):
    out = tmp_path / "out.wasm"
    _refused(_stub(str(net_wit), "--world", "nope", "-o", str(out)), out, net_wit,
             "no world `nope`")


def test_bad_wit(tmp_path):
    bad = tmp_path / "bad.wit"
    bad.write_text("package x\n")
    out = tmp_path / "out.wasm"
    _refused(_stub(str(bad), "--interface", "create", "-o", str(out)), out, bad, "expected")


def test_interface_or_world(tmp_path, net_wit):
    made = _stub(str(net_wit), "-o", str(tmp_path / "o.wasm"))
    assert made.returncode == 2 and "--interface NAME or --world W" in made.stderr
