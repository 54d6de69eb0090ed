"""`-t/--wat` on the composing commands: the composed component as WebAssembly text, equal
to `wasm-tools print` of the binary the same command line writes without it; written as the
binary is (atomically, nothing when anything fails), and to a terminal too."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import ROOT
from support.cli import compose_on_terminal, compose_proc, invoke
from support.components import counter, write
from support.watprint import assert_prints_as_wasm_tools
from support.oracle import wasm_tools

SEED_WAC = ROOT / "fixtures" / "wac" / "seed.wac"


def printed(path: Path) -> str:
    """`wasm-tools print` of a binary: the text -t must equal."""
    return wasm_tools("print", str(path)).stdout.decode()


def seed_lines(fixtures: dict[str, Path], how: str) -> list[str]:
    """The seed pair composed `how`: with -d, with plug, or as the seed's WAC document."""
    app, ops = fixtures["seed-app"], fixtures["seed-ops"]
    if how == "-d":
        return [str(app), "-d", str(ops)]
    if how == "plug":
        return ["plug", str(app), "--plug", str(ops)]
    return [str(SEED_WAC), "--dep", f"example:consumer={app}",
            "--dep", f"example:string-operations={ops}"]


@pytest.mark.parametrize("how", ["-d", "plug", "wac"])
def test_text_is_wasm_tools_print_of_the_binary(small_fixtures, tmp_path, how):
    args = seed_lines(small_fixtures, how)
    binary, text = tmp_path / "out.wasm", tmp_path / "out.wat"
    assert invoke(*args, "-o", binary).exit_code == 0
    for flag in ("-t", "--wat"):
        result = invoke(*args, flag, "-o", text)
        assert result.exit_code == 0, result.stderr
        assert_prints_as_wasm_tools(text.read_text(), binary.read_bytes())
    # to stdout (no -o, and -o -) the same text
    assert invoke(*args, "-t").stdout == text.read_text()
    assert invoke(*args, "-o", "-", "-t").stdout == text.read_text()


@pytest.mark.parametrize("root,dep", [("resources-user", "resources"),
                                      ("use-types-consumer", "use-types-provider"),
                                      ("embed-seed-app", "embed-seed-ops"),
                                      ("seed-app", "seed-ops-logging")])
def test_text_of_other_pairs(small_fixtures, tmp_path, root, dep):
    binary, text = tmp_path / "out.wasm", tmp_path / "out.wat"
    args = (small_fixtures[root], "-d", small_fixtures[dep])
    assert invoke(*args, "-o", binary).exit_code == 0
    assert invoke(*args, "-t", "-o", text).exit_code == 0
    assert_prints_as_wasm_tools(text.read_text(), binary.read_bytes())


def test_text_of_the_componentize_py_pair(cpy_fixtures, composed_cpy_seed, tmp_path):
    # two 18 MB components: the printer's hot loops, through the command line (the binary
    # the suite composed of them once; compose's output is the same every time)
    text = tmp_path / "out.wat"
    proc = compose_proc(cpy_fixtures["cpy-seed-app"], "-d", cpy_fixtures["cpy-seed-ops"], "-t",
                        "-o", text)
    assert proc.returncode == 0, proc.stderr
    assert text.read_bytes() == wasm_tools("print", str(composed_cpy_seed)).stdout


def test_text_goes_to_a_terminal_and_binary_does_not(small_fixtures):
    args = seed_lines(small_fixtures, "-d")
    status, shown, stderr = compose_on_terminal(*args, "-t")
    assert status == 0, stderr
    assert shown.startswith("(component\n") and '"example:stringoperations/operations@0.1.0"' in shown
    status, shown, stderr = compose_on_terminal(*args)
    assert (status, shown) == (2, "")
    assert "refusing to write a binary component to a terminal" in stderr and "-t" in stderr


def test_a_failed_composition_writes_no_text(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "dep", counter(10, exports="t:a/a@2.0.0"))  # fits nothing
    out = tmp_path / "out.wat"
    out.write_text("old\n")
    result = invoke(root, "-d", dep, "-t", "-o", out, "--no-imports")
    assert result.exit_code == 1
    assert out.read_text() == "old\n"
    assert list(tmp_path.glob(".out.wat.*")) == []  # no temporary file left
    assert invoke(root, "-d", dep, "-t", "--no-imports").stdout == ""


def test_text_with_depfile_and_verbose(small_fixtures, tmp_path):
    args = seed_lines(small_fixtures, "-d")
    out, rule = tmp_path / "out.wat", tmp_path / "out.d"
    result = invoke(*args, "-t", "-o", out, "--depfile", rule, "-v")
    assert result.exit_code == 0, result.stderr
    assert rule.read_text().startswith(f"{out}:")
    assert f"wrote {out} ({out.stat().st_size:,} bytes)" in result.stderr


def test_text_of_a_run_composition_is_written_after_the_run(small_fixtures, tmp_path):
    # --run runs the binary, then the text is written; the guest writes to the real stdout
    out = tmp_path / "out.wat"
    proc = compose_proc(*seed_lines(small_fixtures, "-d"), "-t", "-o", out, "--run")
    assert proc.returncode == 0, proc.stderr
    assert "Reversed: ledoM tnenopmoC ylbmessAbeW olleH" in proc.stdout
    assert out.read_text().startswith("(component\n")


def test_text_that_cannot_be_printed_is_not_written(small_fixtures, tmp_path, monkeypatch):
    import composer.text.wat
    from composer.errors import BinaryError

    def fails(data, *, skeleton=False):
        raise BinaryError("cannot print this", 12)

    monkeypatch.setattr(composer.text.wat, "print_wasm", fails)
    args = seed_lines(small_fixtures, "-d")
    out = tmp_path / "out.wat"
    out.write_text("old\n")
    for where in (["-o", str(out)], []):
        result = invoke(*args, "-t", *where)
        assert (result.exit_code, result.stdout) == (1, "")
        assert "cannot print this" in result.stderr
    assert out.read_text() == "old\n" and list(tmp_path.glob(".out.wat.*")) == []


def test_text_of_a_composition_failing_verify_is_not_written(small_fixtures, tmp_path):
    # a library (no wasi:cli/run) fails --verify: nothing reaches the file or stdout
    args = (small_fixtures["resources-user"], "-d", small_fixtures["resources"])
    out = tmp_path / "out.wat"
    proc = compose_proc(*args, "-t", "-o", out, "--verify")
    assert proc.returncode == 1 and not out.exists()
    assert "fails verification; not written" in proc.stderr
    proc = compose_proc(*args, "-t", "--verify")
    assert (proc.returncode, proc.stdout) == (1, "")
