"""Compositions of thousands: a chain of 10,000 components (each importing the next)
composes with --skip-validation, and is refused without it, naming the limit of 1,000
modules and components that wasmparser and wasmtime enforce. (Speed is measured by
scripts/bench.py, not here.)"""

from __future__ import annotations

from click.testing import CliRunner

from components import chain
from composer.binary.component import Component
from composer.binary.sections import ComponentSection
from composer.cli import cli
from conftest import ROOT

N = 10_000


def test_a_chain_of_ten_thousand(tmp_path):
    # the same components scripts/bench.py builds, kept under fixtures/build
    root, links = chain(ROOT / "fixtures" / "build" / "bench" / f"chain-{N}", N)
    args = [str(root), *[x for link in links for x in ("-d", str(link))]]
    out = tmp_path / "out.wasm"
    result = CliRunner().invoke(cli, [*args, "-o", str(out), "--skip-validation"])
    assert result.exit_code == 0, result.stderr
    comp = Component.decode(out.read_bytes())
    assert len(list(comp.of_kind(ComponentSection))) == N + 1  # every component embedded, once
    refused = tmp_path / "refused.wasm"
    result = CliRunner().invoke(cli, [*args, "-o", str(refused)])
    assert result.exit_code == 1
    assert "20,003 core modules and components" in result.stderr
    assert "at most 1,000" in result.stderr and "--skip-validation" in result.stderr
    assert not refused.exists()
