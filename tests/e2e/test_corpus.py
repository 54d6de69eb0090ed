"""Differential tests over ../shared/corpus (713 components from the test suites of
wasm-tools, wasmtime, wac and spin), the way pyelftools tests its readelf against readelf:
what `wasm-tools validate` accepts by default is read and round-trips byte for byte; what it
accepts only with gated features is read with them, or refused naming the feature; real
adapters compose. Skipped where the corpus is absent."""

from __future__ import annotations

import csv
import shutil

import pytest

from composer.binary.component import Component
from composer.link.compose import compose
from composer.model.features import parse_features
from composer.errors import ComposerError
from composer.model.load import load_component

from support import ROOT
from support.oracle import wasm_tools

# beside the checkout (CI, the main checkout), or beside the folder of worktrees
CORPUS = next((p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent)
               if (p / "shared" / "corpus").exists()), ROOT.parent / "shared" / "corpus")
pytestmark = pytest.mark.skipif(not (CORPUS / "manifest.tsv").exists(),
                                reason="../shared/corpus is not here")


def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "manifest.tsv") as f:
        return list(csv.DictReader(f, delimiter="\t"))


# What wasm-tools accepts that the product cannot check, and why (`--features all` only).
CANNOT_CHECK = {
    "wt__shared-everything-threads__not-accepted_line13.wasm":
        "a core module with shared-everything-threads: wasmtime's validator cannot enable it",
}


@pytest.mark.parametrize("features", ["default", "all"])
def test_acceptance_equals_wasm_tools_over_the_corpus(features, monkeypatch):
    # manifest.tsv's verdicts are wasm-tools validate's (checked against the oracle of this
    # environment by the test below): every component is read exactly when it accepts it, with
    # the default features and with `--features all`; what is read round-trips byte for byte
    enabled = parse_features([features]) if features == "all" else frozenset()
    column = "valid_all" if features == "all" else "valid_default"
    refused, accepted, differ = [], [], []
    rows = manifest()
    for row in rows:
        path = CORPUS / "components" / row["file"]
        try:
            loaded = load_component(path, features=enabled)
        except ComposerError as exc:
            if row[column] == "1" and not (features == "all" and row["file"] in CANNOT_CHECK):
                refused.append(f"{row['file']}: {exc}")
            continue
        if row[column] != "1":
            accepted.append(row["file"])
        elif Component.decode(loaded.data).encode() != loaded.data:
            differ.append(row["file"])
    assert len(rows) > 700 and sum(r[column] == "1" for r in rows) > 500
    assert refused == [] and accepted == [] and differ == []
    if features == "all":  # the exceptions are still what they say, judged now
        monkeypatch.setenv("COMPOSER_CACHE_DIR", "")
        for name, why in CANNOT_CHECK.items():
            with pytest.raises(ComposerError, match="cannot enable shared-everything-threads"):
                load_component(CORPUS / "components" / name, features=enabled)


def test_the_manifest_has_the_verdicts_of_this_wasm_tools():
    # a sample (every 40th component, both feature sets): the columns were written by a
    # wasm-tools of the same verdicts as the one the tests run
    differ = []
    for row in manifest()[::40]:
        path = str(CORPUS / "components" / row["file"])
        for column, args in (("valid_default", []), ("valid_all", ["--features", "all"])):
            valid = wasm_tools("validate", *args, path, check=False).returncode == 0
            if valid != (row[column] == "1"):
                differ.append(f"{row['file']} {column}")
    assert differ == []


def test_gated_components_are_refused_naming_the_feature():
    unexplained = []
    rows = [r for r in manifest() if r["valid_default"] == "0"]
    for row in rows:
        try:
            load_component(CORPUS / "components" / row["file"])
            continue  # the test above says which
        except ComposerError as exc:
            text = str(exc)
        named = "requires the gated feature" in text or "proposal must be enabled" in text or \
            "require the" in text or "is not a valid extern name" in text
        if not named:
            unexplained.append(f"{row['file']}: {text}")
    assert len(rows) > 100
    assert unexplained == []


DENY_ALL = CORPUS / "components" / "spin__crates__compose__deny_all.wasm"


def test_the_spin_deny_all_adapter_composes_with_itself(tmp_path):
    # it exports wasi:filesystem/preopens (and more) while importing wasi:filesystem/types
    # from the host: the `descriptor` its export uses is the one its user imports too
    root = tmp_path / "root.wasm"
    dep = tmp_path / "deny-all.wasm"
    shutil.copy(DENY_ALL, root)
    shutil.copy(DENY_ALL, dep)
    out = tmp_path / "out.wasm"
    out.write_bytes(compose(root, [dep]).data)
    proc = wasm_tools("validate", str(out), check=False)
    assert proc.returncode == 0, proc.stderr.decode()


def test_the_spin_deny_all_adapter_composes_with_a_real_component(tmp_path, small_fixtures):
    result = compose(small_fixtures["wasi-0.2.0"], [DENY_ALL])
    out = tmp_path / "out.wasm"
    out.write_bytes(result.data)
    assert wasm_tools("validate", str(out), check=False).returncode == 0
    plugged = {k for _, v, k, d in result.graph.edges(keys=True, data=True) if d["kind"] == "plug"}
    assert plugged == {"wasi:cli/environment@0.2.0", "wasi:filesystem/preopens@0.2.0"}
