"""Compositions of thousands: a chain of 10,000 components (each importing the next)
composes with --skip-validation, and is refused without it, naming the limit of 1,000
modules and components that wasmparser and wasmtime enforce; a WAC document importing an
interface whose types are a chain of 10,000 aliases composes in linear time. (Speed is
measured by scripts/bench.py and scripts/bench_wac.py, not here: the bounds below are
generous, for "not quadratic".)"""

from __future__ import annotations

import time

from composer.binary.component import Component
from composer.binary.sections import ComponentSection

from support import ROOT
from support.cli import invoke
from support.components import chain
from support.oracle import wasm_tools

N = 10_000


def test_a_chain_of_ten_thousand(tmp_path):
    # the same components scripts/bench.py builds, kept under fixtures/build
    root, links = chain(ROOT / "fixtures" / "build" / "bench" / f"chain-{N}", N)
    args = [str(root), *[x for link in links for x in ("-d", str(link))]]
    out = tmp_path / "out.wasm"
    result = invoke(*args, "-o", out, "--skip-validation")
    assert result.exit_code == 0, result.stderr
    comp = Component.decode(out.read_bytes())
    assert len(list(comp.of_kind(ComponentSection))) == N + 1  # every component embedded, once
    # wasm-tools refuses what --skip-validation wrote, for the limit compose names
    oracle = wasm_tools("validate", str(out), check=False)
    assert "modules and components count exceeds limit of 1000" in oracle.stderr.decode()
    refused = tmp_path / "refused.wasm"
    result = invoke(*args, "-o", refused)
    assert result.exit_code == 1
    assert "20,003 core modules and components" in result.stderr
    assert "at most 1,000" in result.stderr and "--skip-validation" in result.stderr
    assert not refused.exists()
    # the first 300 links: the last one's import is left for the host, and the output is
    # valid to wasm-tools
    part = tmp_path / "part.wasm"
    result = invoke(*args[:1 + 2 * 300], "-o", part)
    assert result.exit_code == 0, result.stderr
    wasm_tools("validate", str(part))
    assert '(import "test:chain/link301"' in wasm_tools("print", str(part)).stdout.decode()


def test_an_alias_chain_of_ten_thousand_imported_by_a_document(tmp_path):
    # each alias is exported by the interface, and each names the one before: walking the
    # types of every export on its own met the chain again each time (quadratic: 2,000
    # aliases took 3.9 s, 10,000 more than 120 s)
    pkg = tmp_path / "deps" / "test" / "deep"
    pkg.mkdir(parents=True)
    aliases = "".join(f"  type t{k} = t{k - 1};\n" for k in range(1, N))
    (pkg / "deep.wit").write_text(f"package test:deep;\ninterface i {{\n  type t0 = u32;\n"
                                  f"{aliases}  f: func(x: t{N - 1});\n}}\n")
    doc = tmp_path / "doc.wac"
    doc.write_text("package test:comp;\nimport x: test:deep/i;\nexport x;\n")
    out = tmp_path / "out.wasm"
    start = time.perf_counter()
    result = invoke(doc, "--deps-dir", tmp_path / "deps", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - start < 30
    wasm_tools("validate", str(out))
    text = wasm_tools("print", str(out)).stdout.decode()
    assert f'"t{N - 1}" (type (eq {N - 1})))' in text  # each names the one before
