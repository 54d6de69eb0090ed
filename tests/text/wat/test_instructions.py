"""The instruction printer against the oracle: WAT covering every instruction of the opcode
table (and the label, block type, memarg, local and constant forms), compiled by
`wasm-tools parse`, printed by `wasm-tools print` and by composer; the texts must be equal."""

from __future__ import annotations

import difflib

import pytest

from composer.errors import BinaryError
from composer.text.wat import instructions
from composer.text.wat.module import print_module
from composer.text.wat.printer import Printer
from tests.support.oracle import wasm_tools

# The definitions every generated instruction may refer to.
_PRELUDE = """
  (type $t (func (param i32) (result i32)))
  (type $s (struct (field $f0 i32) (field $f1 (mut i64)) (field i8)))
  (type $arr (array (mut i32)))
  (type $v (func))
  (memory $m0 1)
  (memory $m1 i64 1 2 shared)
  (table $tab 1 funcref)
  (table $tab2 1 funcref)
  (global $g (mut i32) (i32.const 0))
  (global (mut i64) (i64.const 0))
  (tag $e (param i32))
  (tag $e2)
  (data $d "abc")
  (data "xyz")
  (elem $el func $f)
  (elem funcref (ref.func $f))
"""

# Immediates for each kind of the opcode table (several variants where the printing differs).
_IMMEDIATES: dict[int, list[str]] = {
    instructions.NONE: [""],
    instructions.LOCAL: ["0", "$x", "2"],
    instructions.I32: ["0", "-1", "63", "64", "-65", "2147483647", "-2147483648"],
    instructions.I64: ["0", "-1", "9223372036854775807", "-9223372036854775808", "4294967296"],
    instructions.F32: ["0.1", "-0", "inf", "-nan", "nan:0x1", "0x1p-149", "1e30"],
    instructions.F64: ["0.1", "-0", "-inf", "nan", "nan:0x8000000000001", "1e-300", "123456789"],
    instructions.MEMARG: ["", "offset=8", "align=1", "$m1", "$m1 offset=4294967296 align=2"],
    instructions.MEMARG_LANE: ["0", "offset=3 1", "align=1 0", "$m1 1"],
    instructions.LABEL: ["0", "1", "$outer"],
    instructions.FUNC: ["$f", "1"],
    instructions.GLOBAL: ["$g", "1"],
    instructions.BR_TABLE: ["0", "0 1 $outer 0"],
    instructions.CALL_INDIRECT: ["(type $t)", "$tab2 (type 3)"],
    instructions.TYPE: ["$t", "3"],
    instructions.SELECT_T: ["(result i32)", "(result funcref)", "(result (ref null $t))"],
    instructions.HEAP: ["func", "extern", "none", "$t", "exn", "any", "3"],
    instructions.TABLE: ["$tab", "1"],
    instructions.MEMORY: ["", "$m1"],
    instructions.TAG: ["$e", "1"],
    instructions.TYPE_FIELD: ["$s $f0", "$s 2", "1 1"],
    instructions.TYPE_SIZE: ["$arr 3"],
    instructions.TYPE_DATA: ["$arr $d", "$arr 1"],
    instructions.TYPE_ELEM: ["$arr $el", "$arr 1"],
    instructions.TYPE_TYPE: ["$arr $arr"],
    instructions.REF_TEST: ["$s", "i31", "any", "none"],
    instructions.BR_ON_CAST: ["0 anyref (ref $s)", "1 (ref any) (ref i31)", "$outer anyref eqref"],
    instructions.MEMORY_INIT: ["$d", "$m1 1"],
    instructions.MEMORY_COPY: ["", "$m1 $m0", "$m0 $m0"],
    instructions.TABLE_INIT: ["$el", "$tab2 1"],
    instructions.TABLE_COPY: ["", "$tab2 $tab", "$tab $tab"],
    instructions.DATA: ["$d", "1"],
    instructions.ELEM: ["$el", "1"],
    instructions.V128: ["i32x4 1 2 3 -1", "i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 255",
                        "f64x2 0.5 -1", "i64x2 -1 0"],
    instructions.SHUFFLE: ["0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31"],
    instructions.LANE: ["0", "1"],
    instructions.FENCE: [""],
}


def _instruction_lines() -> list[str]:
    """Every mnemonic of the table with each of its immediates' variants (control flow
    instructions and `ref.test`/`ref.cast`'s nullable forms are covered elsewhere)."""
    rows = [(name, kind, arg) for name, kind, arg in zip(instructions._NAMES, instructions._KINDS,
                                                         instructions._ARGS) if name]
    for table in instructions._PREFIXED.values():
        rows.extend(table.values())
    skipped = {instructions.BLOCK, instructions.END, instructions.ELSE, instructions.CATCH,
               instructions.CATCH_ALL, instructions.DELEGATE, instructions.TRY_TABLE}
    lines = []
    for name, kind, arg in rows:
        if kind in skipped:
            continue
        for imm in _IMMEDIATES[kind]:
            if kind == instructions.REF_TEST:
                imm = f"(ref {'null ' if arg else ''}{imm})"
            lines.append(f"{name} {imm}".rstrip())
    return lines


def _module(body: str, prelude: str = _PRELUDE, locals_: str = "(param $x i32) (local i64 f32)") -> str:
    return f"(module {prelude}\n  (func $f {locals_}\n{body}\n  )\n)"


def _compare(wat: str) -> None:
    binary = wasm_tools("parse", "-", "-o", "/dev/stdout", input=wat.encode()).stdout
    want = wasm_tools("print", "-", input=binary).stdout.decode()
    p = Printer()
    print_module(p, binary)
    got = p.text() + "\n"
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                 "wasm-tools", "composer", n=1))[:80])
        pytest.fail("the printed texts differ:\n" + diff)


def test_every_instruction_of_the_table() -> None:
    body = "\n".join("    block $outer\n      " + line + "\n    end" for line in _instruction_lines())
    _compare(_module(body))
