"""Deny adapters (`link/adapters`): one generated for every interface of the WASI 0.2.x WIT
the project carries validates with wasm-tools, and each answers as Spin's deny adapter does."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.link.adapters import deny_adapter, wit_interfaces
from composer.link.adapters.entrypoints import virtualizing
from composer.link.policy import policy_of
from composer.model.load import load_component
from composer.text.wit import read_wit

from support import ROOT
from support.oracle import wasm_tools


def _wit_with_deps(tmp: Path, packages: Path) -> dict[str, object]:
    """Every interface of the WIT packages under `packages` (one folder each)."""
    (tmp / "deps").mkdir(parents=True)
    for p in sorted(packages.iterdir()):
        if p.is_dir() or p.suffix == ".wit":
            (tmp / "deps" / p.name).symlink_to(p.resolve())
    (tmp / "main.wit").write_text("package test:all;\n")
    return wit_interfaces(read_wit(tmp))


def _all_wasi(tmp_path: Path, small_fixtures: dict[str, Path]) -> dict[str, tuple[object, dict]]:
    import build_fixtures

    jco = build_fixtures.ensure_jco(ROOT / "fixtures" / "build") / "wit" / "builtin" / "0.2.12"
    found = _wit_with_deps(tmp_path / "0.2.12", jco)
    for version in ("0.2.0", "0.2.9"):
        found.update(_wit_with_deps(tmp_path / version, ROOT / "fixtures" / "wit" / f"wasi-{version}"))
    sources = {n: (t, found) for n, t in found.items()}
    # components importing WASI: their imports, with the types they use
    for c in (small_fixtures[n] for n in ("wasi-0.2.0", "wasi-0.2.9", "wasi-0.2.12")):
        imports = load_component(c).scope.imports
        for n, t in imports.items():
            if n.startswith("wasi:"):
                sources.setdefault(n, (t, imports))
    return sources


def test_every_wasi_interface_gives_a_valid_adapter(tmp_path, small_fixtures):
    sources = _all_wasi(tmp_path, small_fixtures)
    versions = {n.rpartition("@")[2] for n in sources}
    assert {"0.2.0", "0.2.9", "0.2.12"} <= versions
    assert len(sources) >= 31
    for name, (itype, context) in sorted(sources.items()):
        adapter = deny_adapter(name, itype, context)  # type: ignore[arg-type]
        path = tmp_path / (name.replace(":", "_").replace("/", "_") + ".wasm")
        path.write_bytes(adapter.data)
        wasm_tools("validate", str(path))
        assert load_component(path).scope.exports.keys() == {name}


def test_answers_follow_spins_deny_adapter(tmp_path, small_fixtures):
    sources = _all_wasi(tmp_path, small_fixtures)

    def answers(name: str) -> dict[str, str]:
        itype, context = sources[name]
        return deny_adapter(name, itype, context).answers  # type: ignore[arg-type]

    assert answers("wasi:sockets/tcp-create-socket@0.2.12") == {
        "create-tcp-socket": "err(access-denied)"}
    assert answers("wasi:sockets/ip-name-lookup@0.2.12")["resolve-addresses"] == "err(access-denied)"
    assert answers("wasi:filesystem/preopens@0.2.12") == {"get-directories": "[]"}
    assert answers("wasi:cli/environment@0.2.12") == {
        "get-environment": "[]", "get-arguments": "[]", "initial-cwd": "none"}
    assert answers("wasi:http/outgoing-handler@0.2.12") == {"handle": "err(HTTP-request-denied)"}
    # methods of the resources an interface defines trap; so does what cannot say no
    tcp = answers("wasi:sockets/tcp@0.2.12")
    assert set(tcp.values()) == {"trap"}
    assert answers("wasi:cli/exit@0.2.12")["exit"] == "trap"


def test_the_adapter_imports_only_what_the_interface_uses(tmp_path, small_fixtures):
    sources = _all_wasi(tmp_path, small_fixtures)
    itype, context = sources["wasi:sockets/tcp-create-socket@0.2.12"]
    adapter = deny_adapter("wasi:sockets/tcp-create-socket@0.2.12", itype, context)  # type: ignore[arg-type]
    assert adapter.imports == ("wasi:sockets/network@0.2.12", "wasi:sockets/tcp@0.2.12")


@pytest.mark.parametrize("name, virtualized", [
    ("wasi:sockets/tcp@0.2.0", True),  # only an entry point hands out its sockets
    ("wasi:cli/environment@0.2.0", True),
    ("wasi:io/streams@0.2.0", False),  # pass-through: a wildcard leaves it with the host
    ("wasi:cli/stdout@0.2.0", False),
    ("wasi:http/types@0.2.0", False),
])
def test_a_wildcard_leaves_pass_through_interfaces_alone(name, virtualized):
    assert (virtualizing(policy_of(virtualize=("*",)), name) is not None) is virtualized
    named = policy_of(virtualize=(name.partition("@")[0],))
    assert virtualizing(named, name) is not None  # named: virtualized
