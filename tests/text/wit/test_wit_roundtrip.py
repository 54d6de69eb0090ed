"""The WIT `compose inspect` prints reads back to what the component reads to: for every
fixture, the components built from WIT in these tests, and every corpus component, the
printed text read by our WIT reader prints the same text again (the same packages, items,
types, docs and gates), and for a component the component fits the world read back: what
it imports the world offers, what the world exports it has, each type checked by the
subtype code the composer uses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support import ROOT
from support.build import wit_component
from support.oracle import wasm_tools
from composer.model import types as T
from composer.model.elaborate import FEATURES
from composer.model.load import load_component
from composer.model.subtype import NameBindings
from composer.model.subtype import check_extern
from composer.model.targets import target_differences
from composer.text.wit.decode import ROOT as ROOT_PACKAGE, decode_wit
from composer.text.wit import read_wit
from composer.text.wit.printer import print_resolved
from support.witshapes import SHAPES, WORLDS

CORPUS = ROOT.parent / "shared" / "corpus"


def round_trip(path: Path, tmp: Path) -> str | None:
    """Why `path`'s printed WIT does not read back to the same, or None when it does."""
    loaded = load_component(path, validate=False, features=FEATURES)
    decoded = decode_wit(loaded)
    text = print_resolved(decoded)
    src = tmp / (path.name + ".wit")
    src.write_text(text)
    read = read_wit(src, frozenset({"all"}))
    again = print_resolved(read)
    # the packages a text holds may read back in another order: wit-parser orders them by
    # name (each after those it uses), as wasm-tools prints the text read back
    if _packages(again) != _packages(text):
        return "reads back to other WIT:\n" + _first_difference(text, again)
    if decoded.main != ROOT_PACKAGE:
        return None  # a WIT package: its text is all there is to compare
    world = read.package(ROOT_PACKAGE).world("root")
    # the component fits the world read back: every import it has the world offers, every
    # export the world wants it has
    ctype = loaded.scope.component_type()
    # an interface both imported and exported is one interface in WIT, so one side may
    # have more functions or types than the component gives it: compared apart, below
    both = ctype.imports.keys() & ctype.exports.keys()
    mine, wit = _describable(ctype, both), _describable(world.component_type, both)
    differences = target_differences(mine, wit, "root")
    for name in sorted(both):
        # the WIT interface is the larger: the component's import and export each fit in it
        for have, side in ((ctype.imports[name], "import"), (ctype.exports[name], "export")):
            wanted = world.component_type.imports.get(name)
            if wanted is None or check_extern(wanted, have, NameBindings()) and check_extern(
                    have, wanted, NameBindings()):
                differences.append(f"{side} `{name}` fits neither way")
    return "; ".join(differences) or None


def _describable(ctype: T.ComponentType, leave: set[str]) -> T.ComponentType:
    """The imports and exports WIT can write: not core modules, components or values; and
    not those named in `leave`."""
    def keep(externs: dict[str, T.Extern]) -> dict[str, T.Extern]:
        return {n: e for n, e in externs.items() if n not in leave
                and not isinstance(e, (T.CoreModuleType, T.ComponentType, T.ValueExtern))}

    return T.ComponentType(keep(ctype.imports), keep(ctype.exports))


def _packages(text: str) -> tuple[str, list[str]]:
    """The main package's text and the nested packages' texts, in name order."""
    import re

    blocks = [b.strip("\n") for b in re.split(r"\n(?=package [^\n]*\{\n)", text)]
    return blocks[0], sorted(blocks[1:])


def _first_difference(a: str, b: str) -> str:
    import difflib

    return "".join(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True), n=1))[:20])


def test_fixtures_read_back(small_fixtures, tmp_path):
    checked, failures = 0, []
    for name, path in sorted(small_fixtures.items()):
        if path.suffix != ".wasm" or wasm_tools("component", "wit", str(path), check=False).returncode:
            continue  # core modules: no WIT describes them
        checked += 1
        why = round_trip(path, tmp_path)
        if why:
            failures.append(f"{name}: {why}")
    assert checked >= 15
    assert not failures, failures


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_components_built_from_wit_read_back(tmp_path, world):
    path = tmp_path / "c.wasm"
    path.write_bytes(wit_component(SHAPES + WORLDS[world], world))
    assert round_trip(path, tmp_path) is None


def test_a_difference_is_found(tmp_path):
    """The check fails when the world read back is not the component's: here the text is
    changed between printing and reading (a parameter's type)."""
    import composer.text.wit.printer as witprint

    path = tmp_path / "c.wasm"
    path.write_bytes(wit_component(SHAPES + WORLDS["inline"], "inline"))
    real = witprint.print_resolved
    try:
        globals()["print_resolved"] = lambda r: real(r).replace("msg: string", "msg: u8")
        why = round_trip(path, tmp_path)
    finally:
        globals()["print_resolved"] = real
    assert why is not None and "log" in why


def _corpus_files() -> list[str]:
    lines = (CORPUS / "manifest.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return [r["file"] for r in rows if r["valid_all"] == "1"]


def _wasm_tools_reads_its_own_wit(path: Path, tmp: Path) -> bool:
    """Whether `wasm-tools component wit` prints WIT for `path` that it can read again."""
    proc = wasm_tools("component", "wit", "--all-features", str(path), check=False)
    if proc.returncode:
        return False
    text = tmp / (path.name + ".theirs.wit")
    text.write_bytes(proc.stdout)
    return wasm_tools("component", "wit", "--all-features", str(text), check=False).returncode == 0


@pytest.mark.skipif(not (CORPUS / "manifest.tsv").exists(), reason="../shared/corpus is not here")
def test_corpus_reads_back(tmp_path):
    """Over the corpus: components wasm-tools has no readable WIT for (it prints none, or
    prints WIT that it refuses to read: a type used outside the inline interface defining
    it) are left out, when ours fails on them too."""
    def check(name: str) -> tuple[str, str | None] | None:
        path = CORPUS / "components" / name
        try:
            return name, round_trip(path, tmp_path)
        except Exception as exc:  # noqa: BLE001 - judged below against wasm-tools
            if not _wasm_tools_reads_its_own_wit(path, tmp_path):
                return None
            return name, f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(4) as pool:
        results = [r for r in pool.map(check, _corpus_files()) if r is not None]
    failures = [f"{name}: {why}" for name, why in results if why]
    print(f"WIT round trip over the corpus: {len(results) - len(failures)}/{len(results)}")
    assert len(results) > 600
    assert not failures, failures[:10]
