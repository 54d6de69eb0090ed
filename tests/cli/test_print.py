"""`compose print FILE`: a component or a core module, binary or text, as WebAssembly text
(`wasm-tools print`'s, and its `--skeleton`); errors one line naming the file, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import compose_on_terminal, compose_proc, invoke
from support.oracle import wasm_tools

# a component, a core module, one with every section, one with nested components
PRINTED = ["seed-ops", "core-module", "all-sections", "nested"]


@pytest.mark.parametrize("name", PRINTED)
@pytest.mark.parametrize("skeleton", [[], ["--skeleton"]], ids=["whole", "skeleton"])
def test_print_is_wasm_tools_print(small_fixtures, name, skeleton):
    path = small_fixtures[name]
    result = invoke("print", path, *skeleton)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == wasm_tools("print", str(path), *skeleton).stdout.decode()


def test_text_input_is_read_and_printed_back(tmp_path):
    wat = tmp_path / "m.wat"
    wat.write_text('(module (func $answer (export "f") (result i32) i32.const 42))')
    binary = tmp_path / "m.wasm"
    wasm_tools("parse", str(wat), "-o", str(binary))
    expected = wasm_tools("print", str(binary)).stdout.decode()
    assert invoke("print", wat).stdout == expected
    # standard input, `-`
    proc = compose_proc("print", "-", input=wat.read_text())
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, expected, "")


def test_output_file_and_terminal(small_fixtures, tmp_path):
    path = small_fixtures["seed-ops"]
    expected = wasm_tools("print", str(path)).stdout.decode()
    out = tmp_path / "ops.wat"
    result = invoke("print", path, "-o", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text() == expected
    status, shown, stderr = compose_on_terminal("print", str(path))
    assert (status, stderr) == (0, "")
    assert shown == expected


def bad_inputs(tmp_path: Path, small_fixtures) -> dict[str, tuple[Path, str]]:
    """Inputs print refuses, and what its message says after the file's name."""
    not_wasm = tmp_path / "notes.wasm"
    not_wasm.write_text("hello\n")
    truncated = tmp_path / "truncated.wasm"
    truncated.write_bytes(small_fixtures["seed-ops"].read_bytes()[:100])
    bad_wat = tmp_path / "bad.wat"
    bad_wat.write_text("(module (func i32.cnst 1))\n")
    return {
        "missing": (tmp_path / "missing.wasm", "no such file"),
        "directory": (tmp_path, "expected a WebAssembly file, found a directory"),
        "not wasm": (not_wasm, "not WebAssembly: a binary begins with \\0asm"),
        "truncated": (truncated, "offset 0xb: "),
        "bad text": (bad_wat, ":1:15: unknown operator"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "not wasm", "truncated", "bad text"])
def test_errors_are_one_line_naming_the_file(tmp_path, small_fixtures, case):
    path, said = bad_inputs(tmp_path, small_fixtures)[case]
    out = tmp_path / "out.wat"
    result = invoke("print", path, "-o", out)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {path}") and said in first, result.stderr
    if case != "bad text":  # (a text error shows its line and a caret below)
        assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists() and result.stdout == ""


def test_print_is_a_listed_command_with_help():
    listed = invoke("--help").stdout
    assert "  print    Print a component or a core module as WebAssembly text." in listed
    result = invoke("help", "print")
    assert result.exit_code == 0 and "--skeleton" in result.stdout
    assert result.stdout.startswith("Usage: compose print [OPTIONS] FILE")
