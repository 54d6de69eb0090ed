"""Parity with Spin's hand-written deny adapter (`spin__crates__compose__deny_all.wasm` in
`../shared/corpus`): for every interface it exports, our generated adapter (made from its
own export's instance type, the types it uses found among its imports and exports)
validates and exports the same interface, name and version, with the same WIT; and every
corpus component that imports one of those interfaces and composes with deny_all.wasm
composes with `--virtualize` too, the output valid and importing none of the interfaces
virtualized. Skipped when the corpus is absent."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.link.adapters import deny_adapter
from composer.link.compose import compose
from composer.model.load import load_component

from support.oracle import wasm_tools

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
DENY_ALL = CORPUS / "components" / "spin__crates__compose__deny_all.wasm"

pytestmark = pytest.mark.skipif(not DENY_ALL.exists(), reason="../shared/corpus is absent")


@cache
def _deny_all() -> tuple[dict, dict]:
    scope = load_component(DENY_ALL).scope
    return dict(scope.imports), dict(scope.exports)


def _exported() -> list[str]:
    return sorted(_deny_all()[1]) if DENY_ALL.exists() else []


def _wit(path: Path) -> str:
    return wasm_tools("component", "wit", str(path)).stdout.decode()


def _world(text: str, kind: str) -> set[str]:
    world = text.split("world root {", 1)[1].split("}", 1)[0]
    return set(re.findall(rf"^\s*{kind} ([^;]+);", world, re.M))


def _interface(text: str, name: str) -> str:
    """The body of interface `name` (`ns:pkg/iface@version`) in `wasm-tools component wit`
    text, its lines sorted (the order of members is not the interface's type)."""
    pkg, _, rest = name.partition("/")
    iface, _, version = rest.partition("@")
    header = f"package {pkg}@{version} {{" if version else f"package {pkg} {{"
    block = text.split(header, 1)[1]
    body = block.split(f"\n  interface {iface} {{\n", 1)[1].split("\n  }\n", 1)[0]
    return "\n".join(sorted(line.strip() for line in body.splitlines() if line.strip()))


@pytest.mark.parametrize("name", _exported())
def test_our_adapter_exports_what_deny_all_exports(name, tmp_path):
    imports, exports = _deny_all()
    context = imports | {n: t for n, t in exports.items() if n != name}
    adapter = deny_adapter(name, exports[name], context)
    path = tmp_path / "adapter.wasm"
    path.write_bytes(adapter.data)
    wasm_tools("validate", str(path))
    ours, theirs = _wit(path), _wit(DENY_ALL)
    assert _world(ours, "export") == {name}  # the same interface, name and version
    assert name in _world(theirs, "export")
    # the same WIT: what deny_all's export satisfies, ours satisfies
    assert _interface(ours, name) == _interface(theirs, name)
    # every interface used is imported (types pass through to the host), none exported
    assert _world(ours, "import") == set(adapter.imports)
    assert name not in adapter.imports


def _importers() -> list[tuple[str, tuple[str, ...]]]:
    """Corpus components (valid by default) importing an interface deny_all exports (any
    version), with those imports."""
    if not DENY_ALL.exists():
        return []
    offered = {n.partition("@")[0] for n in _exported()}
    out = []
    with open(CORPUS / "manifest.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["valid_default"] != "1" or row["file"] == DENY_ALL.name:
                continue
            try:
                scope = load_component(CORPUS / "components" / row["file"]).scope
            except ComposerError:  # refused by the reader: the corpus tests' business, not this one's
                continue
            hit = tuple(sorted(n for n in scope.imports if n.partition("@")[0] in offered))
            if hit:
                out.append((row["file"], hit))
    return out


IMPORTERS = _importers()


def test_the_corpus_has_importers():
    assert len(IMPORTERS) >= 2, IMPORTERS


@pytest.mark.parametrize("file, imported", IMPORTERS, ids=[f for f, _ in IMPORTERS])
def test_virtualize_composes_wherever_deny_all_does(file, imported, tmp_path):
    root = CORPUS / "components" / file
    try:
        theirs = compose(root, [DENY_ALL])
    except ComposerError as e:  # deny_all does not serve it (e.g. an older version): nothing to match
        theirs = None
        reason = str(e)
    ours = compose(root, virtualize=[n.partition("@")[0] for n in imported])
    path = tmp_path / "ours.wasm"
    path.write_bytes(ours.data)
    wasm_tools("validate", str(path))
    left = _world(_wit(path), "import")
    assert not left & set(imported), left & set(imported)
    if theirs is None:  # ours serves more than deny_all (e.g. @0.2.3: its @0.2.0 is older)
        assert reason
        return
    path_theirs = tmp_path / "theirs.wasm"
    path_theirs.write_bytes(theirs.data)
    wasm_tools("validate", str(path_theirs))
    # the same imports left for the host, but for what deny_all itself imports
    assert left <= _world(_wit(path_theirs), "import") | set(_deny_all()[0])
