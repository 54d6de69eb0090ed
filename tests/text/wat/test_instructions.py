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
    parsed = wasm_tools("parse", "-", "-o", "/dev/stdout", input=wat.encode(), check=False)
    assert parsed.returncode == 0, parsed.stderr.decode()
    compare_binary(parsed.stdout)


def _leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | 0x80 if n else byte)
        if not n:
            return bytes(out)


def body_module(body: bytes) -> bytes:
    """A module of one function `[] -> []` whose code entry is `body` (locals included)."""
    def section(sid: int, content: bytes) -> bytes:
        return bytes([sid]) + _leb(len(content)) + content
    return (b"\0asm\1\0\0\0" + section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00")
            + section(10, b"\x01" + _leb(len(body)) + body))


def compare_binary(binary: bytes) -> None:
    """composer's text of `binary` must be wasm-tools'."""
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


_DEEP = "\n".join(["block"] * 55 + ["br 3", "br 54", "br 55", "br 56"] + ["end"] * 55)


def test_labels_blocks_and_legacy_exceptions() -> None:
    """Labels named and unnamed, shadowed names, branches to the function and past it,
    indentation clamped at 50 levels, try/catch/catch_all/delegate/rethrow."""
    body = _DEEP + """
    try $t
      i32.const 1
      throw $e
    catch $e
      drop
      rethrow 0
    catch_all
      rethrow $t
    end
    try
      try (result i32)
        i32.const 0
      delegate 0
      drop
      block
        br 0
        br 1
        br 2
      end
    catch_all
    end
    try
    delegate 0
    block $a
      block $b
        loop $a
          br_table $a $b 2 3
          br_if $a
          br_on_null $b
          br_on_non_null 1
        end
      end
    end
    i32.const 0
    if $x (result i32)
      i32.const 1
    else
      br $x
    end
    drop
    block $a (result i32)
      try_table $tt (result i32) (catch $e $a) (catch_all 0) (catch_ref $e 1) (catch_all_ref 2)
        i32.const 0
        br $tt
      end
    end
    block $a
      try_table (catch $e2 $a) (catch_all_ref 0)
        try_table $a (catch $e 0) (catch_all $a)
        end
      end
    end
    block $a
      block $b
        block $a
          br 2
          br 1
        end
      end
    end"""
    _compare(_module(body))


def test_block_types() -> None:
    body = """
    block (type $t)
    end
    loop (param i32) (result i32 i64)
      unreachable
    end
    if (result (ref null $s))
      unreachable
    else
      unreachable
    end
    block (result funcref)
      unreachable
    end
    block $named (type $v)
    end
    try (param i32)
    catch_all
    end
    try_table (type $t)
    end"""
    _compare(_module(body))


def test_locals_named_unnamed_and_renamed() -> None:
    locals_ = ('(param $x i32) (param i64) (local $a i32) (local $"b c" i64) (local i32 i32) '
               '(local $"#x" f32) (local v128 (ref null $s)) (local $last externref)')
    body = "\n".join(f"    local.get {i}" for i in range(10)) + "\n    local.tee $a\n    local.set $last"
    _compare(_module(body, locals_=locals_))


def test_constant_expressions() -> None:
    """Global initializers (extended const), element items and data and element offsets."""
    prelude = _PRELUDE + """
  (global $c1 i32 (i32.const -7))
  (global i64 (i64.add (i64.const 1) (i64.mul (i64.const 2) (i64.const 3))))
  (global i32 (i32.sub (global.get $c1) (i32.const 1)))
  (global f32 (f32.const -0x1p-149))
  (global f64 (f64.const 1e300))
  (global v128 (v128.const i16x8 1 2 3 4 5 6 7 -1))
  (global funcref (ref.func $f))
  (global (ref null $s) (ref.null $s))
  (global (ref $s) (struct.new $s (i32.const 1) (i64.const 2) (i32.const 3)))
  (global (ref $arr) (array.new_fixed $arr 2 (i32.const 1) (i32.const 2)))
  (global (ref i31) (ref.i31 (i32.const 5)))
  (global externref (extern.convert_any (ref.null any)))
  (elem (table $tab2) (offset (i32.add (i32.const 1) (i32.const 2))) funcref (ref.func $f) (ref.null func))
  (data (memory $m1) (i64.const 65536) "hi")
"""
    _compare(_module("    nop", prelude=prelude))


# Malformed bodies (locals included) by what is wrong with them. wasm-tools reports some at
# the same offset as composer; an overlong LEB128 it reports at its last byte (composer at its
# first), too many locals at no offset.
_MALFORMED = {
    "unknown opcode": "00ff0b",
    "unknown 0xfc sub-opcode": "00fc200b",
    "unknown 0xfd sub-opcode": "00fd8f0b",
    "truncated immediate": "004180",
    "immediate over the end": "00200b",
    "no final end": "0001",
    "empty body": "",
    "frames left open": "0002400b",
    "operators after the end": "000b010b",
    "memarg alignment too large": "0028800100000b",
}
_MALFORMED_ELSEWHERE = {
    "overlong LEB128": "0041808080808000" + "0b",
    "too many locals": "01ffffffff0f7f0b",
}


@pytest.mark.parametrize("body", _MALFORMED.values(), ids=_MALFORMED.keys())
def test_malformed_bodies_raise_at_the_offset_wasm_tools_reports(body: str) -> None:
    binary = body_module(bytes.fromhex(body))
    oracle = wasm_tools("print", "-", input=binary, check=False)
    assert oracle.returncode != 0
    with pytest.raises(BinaryError) as error:
        print_module(Printer(), binary)
    reported = int(oracle.stderr.decode().rsplit("at offset ", 1)[1].split(")")[0], 16)
    assert error.value.offset == reported, oracle.stderr.decode()


@pytest.mark.parametrize("body", _MALFORMED_ELSEWHERE.values(), ids=_MALFORMED_ELSEWHERE.keys())
def test_malformed_bodies_raise(body: str) -> None:
    binary = body_module(bytes.fromhex(body))
    assert wasm_tools("print", "-", input=binary, check=False).returncode != 0
    with pytest.raises(BinaryError):
        print_module(Printer(), binary)


def test_renamed_labels_keep_their_real_name_at_each_branch() -> None:
    body = """
    block $"#x"
      br $"#x"
      block $"#x"
        br 1
        br 0
      end
    end"""
    _compare(_module(body))


@pytest.mark.parametrize("types", ["027f7e", "00"], ids=["two", "none"])
def test_select_with_other_than_one_type(types: str) -> None:
    """`select (result i32 i64)` and `select (result)`, which WAT cannot say."""
    compare_binary(body_module(bytes.fromhex("00" + "4100" * 3 + "1c" + types + "1a0b")))
