"""Composing the project's real fixtures: every root with every dependency set the fixture
registry records is composed by `compose`, checked by `wasm-tools validate` and run with
wasmtime-py (commands print what they must, calls return what they must). The seed example
is among them, built from WAT, through wit-component and by componentize-py, and mixed."""

from __future__ import annotations

from pathlib import Path

import pytest

import build_fixtures as bf
from composer.link.compose import compose

from support.oracle import wasm_tools

CASES = [
    pytest.param(fx.name, deps, id=f"{fx.name}+{'+'.join(deps)}")
    for fx in bf.FIXTURES
    if fx.runnable
    for deps in (fx.deps, *fx.also_runs_with)
    if deps
]
CPY = {fx.name for fx in bf.FIXTURES if fx.recipe == "componentize-py"}


def paths_for(names, small_fixtures, request) -> list[Path]:
    if CPY & set(names):
        built = {**small_fixtures, **request.getfixturevalue("cpy_fixtures")}
    else:
        built = small_fixtures
    return [built[n] for n in names]


def top_imports(path: Path) -> list[str]:
    text = wasm_tools("print", "--skeleton", str(path)).stdout.decode()
    return [line.split('"')[1] for line in text.splitlines() if line.startswith("  (import ")]


def compose_and_check(tmp_path: Path, root: Path, deps: list[Path]) -> Path:
    result = compose(root, deps)
    out = tmp_path / "composed.wasm"
    out.write_bytes(result.data)
    proc = wasm_tools("validate", str(out), check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert not result.warnings
    return out


def run_fixture(fx: bf.Fixture, out: Path) -> None:
    host = fx.host or ("wasip2",)
    if fx.runnable == "command":
        run = bf.run_command(out, fx.preopen_files, host=host)
        assert run.stdout == fx.expected_stdout
        assert run.exit == fx.expected_exit
        if fx.expected_stderr is not None:
            assert run.stderr == fx.expected_stderr
    else:
        calls = list(fx.runnable)  # type: ignore[arg-type]
        results = bf.run_calls(out, calls, host=host)
        assert results == [c.expected for c in calls]


@pytest.mark.parametrize("root, deps", CASES)
def test_compose_and_run_registry_compositions(tmp_path, small_fixtures, request, root, deps):
    root_path, *dep_paths = paths_for([root, *deps], small_fixtures, request)
    out = compose_and_check(tmp_path, root_path, dep_paths)
    run_fixture(bf.fixture(root), out)


def test_wasi_020_root_with_029_dependency_merges_each_interface_once(
    tmp_path, small_fixtures, cpy_fixtures
):
    # seed-app imports wasi:io/error, io/streams and cli/stdout at 0.2.0; the componentize-py
    # dependency imports 25 interfaces at 0.2.9, those three among them
    out = compose_and_check(tmp_path, small_fixtures["seed-app"], [cpy_fixtures["cpy-seed-ops"]])
    imports = top_imports(out)
    assert len(imports) == len(set(imports)) == 25
    for iface in ("wasi:io/error", "wasi:io/streams", "wasi:cli/stdout"):
        assert [i for i in imports if i.startswith(iface + "@")] == [f"{iface}@0.2.9"]
    run_fixture(bf.fixture("seed-app"), out)


def test_compositions_are_deterministic(small_fixtures):
    root, dep = small_fixtures["use-types-consumer"], small_fixtures["use-types-provider"]
    assert compose(root, [dep]).data == compose(root, [dep]).data


def test_wasi_020_root_with_0212_dependency_shares_one_output_stream(tmp_path, small_fixtures):
    # seed-app writes to stdout@0.2.0, seed-ops-logging to stderr@0.2.12: both through the
    # `output-stream` of ONE merged wasi:io/streams@0.2.12 import
    out = compose_and_check(tmp_path, small_fixtures["seed-app"], [small_fixtures["seed-ops-logging"]])
    assert sorted(top_imports(out)) == [
        "wasi:cli/stderr@0.2.12", "wasi:cli/stdout@0.2.0", "wasi:io/error@0.2.12",
        "wasi:io/streams@0.2.12",
    ]
    run = bf.run_command(out)
    assert run.stdout == bf.fixture("seed-app").expected_stdout
    assert run.stderr == "reverse called\nword-count called\n"
    assert run.exit == 0
