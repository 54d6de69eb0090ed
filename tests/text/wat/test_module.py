"""The core module printer (composer/text/wat/module.py) against `wasm-tools print` and
`wasm-tools print --skeleton`: every section, element and data segment form, custom sections
wherever they are, the known custom sections (producers, dylink.0, malformed ones), modules
inside the fixtures' components, and malformed modules."""

from __future__ import annotations

import pytest

from composer.errors import BinaryError
from composer.text.wat.module import print_module
from composer.text.wat.printer import Printer
from support.build import wat
from support.oracle import wasm_tools
from support.watprint import (
    HEADER, core_modules, custom, oracle_print, our_print, section, sections, string, vec,
)

EVERY_SECTION = """
(module $"the module"
  (type $t (func))
  (type $sig (func (param i32 i64) (result i32)))
  (import "env" "f" (func $imported (type $sig)))
  (import "env" "\\u{2603}\\"\\\\" (func (param $named i32) (param f64)))
  (table $tab 10 funcref)
  (table $tab2 10 funcref)
  (table $te 10 externref)
  (table 5 20 (ref null $t) (ref.null $t))
  (memory $mem 1)
  (memory $mem2 1 2)
  (tag $e (param i32))
  (global $g i32 (i32.const 1))
  (global (mut i64) (i64.const -5))
  (global f32 (f32.const 1.5))
  (export "f" (func $f))
  (export "tab" (table $tab))
  (export "mem" (memory 1))
  (export "g" (global $g))
  (export "e" (tag $e))
  (start $f)
  (func $f (type $t))
  (func $f2 (type $sig) (param $a i32) (param i64) (result i32) (local $l f32) (local i32 i32)
    local.get $a
    block (result i32) i32.const 1 end
    i32.add)
  (elem (i32.const 0) $f $f2)
  (elem $e1 (table $tab2) (i32.const 1) func $f)
  (elem funcref (ref.func $f) (ref.null func))
  (elem func $f)
  (elem declare func $f2)
  (elem (table $tab2) (offset (global.get $g)) funcref (item ref.func $f))
  (elem (table $te) (offset (i32.const 1)) externref (ref.null extern))
  (elem (i32.const 3) funcref (ref.func $f) (item i32.const 1 drop ref.func $f))
  (elem (table $tab) (i32.const 3) func $f)
  (elem (offset i32.const 1 i32.const 2 i32.add) func)
  (elem declare funcref (ref.func $f))
  (data (i32.const 0) "hello\\00\\ff\\"\\\\")
  (data $d1 (memory $mem2) (i32.const 8) "x")
  (data "passive")
  (data (memory 0) (offset i32.const 1 i32.const 2 i32.add) "")
  (data (global.get $g) "g")
  (@custom "foo" "bar\\00")
  (@custom "before" (before first) "x")
  (@custom "aftertype" (after type) "x")
  (@producers (language "C" "1.0") (processed-by "clang" "12") (sdk "x" "y"))
)"""


@pytest.mark.parametrize("skeleton", [False, True])
def test_every_section(skeleton: bool):
    data = wat(EVERY_SECTION)
    assert our_print(data, skeleton) == oracle_print(data, skeleton)


@pytest.mark.parametrize("skeleton", [False, True])
def test_custom_sections_after_each_section(skeleton: bool):
    """A custom section after each section says where it is: after the last section that
    printed a line (an empty section, the function and data count sections print none)."""
    data = wat(EVERY_SECTION.replace("(data (global.get $g) \"g\")", "(data (global.get $g) \"g\")"
                                     " (func $h (type $t) (i32.const 0) (drop))"))
    spliced = HEADER
    for sid, whole in sections(data):
        spliced += whole + custom(f"after-{sid}", bytes([sid, 0, 0x7F, 0x22]))
    assert our_print(spliced, skeleton) == oracle_print(spliced, skeleton)
    empty = HEADER + section(1, b"\x00") + custom("c", b"") + section(3, b"\x00") + custom("d", b"")
    assert our_print(empty, skeleton) == oracle_print(empty, skeleton)


def test_dylink():
    data = wat("""(module (@dylink.0 (mem-info (memory 10 2) (table 3 1)) (needed "a" "b")
        (export-info "f" binding-weak tls) (import-info "m" "g" undefined 0x1000)) (func))""")
    assert our_print(data) == oracle_print(data)


@pytest.mark.parametrize("skeleton", [False, True])
def test_malformed_known_custom_sections_print_raw(skeleton: bool):
    data = (HEADER + custom("producers", b"\x01\x08language\x02\x01C\x031.0")
            + section(1, b"\x01\x60\x00\x00")
            + custom("producers", b"\x01\x08language\x01\x01C\x031.0\x00")
            + custom("dylink.0", b"\x01\x04\x01\x02\x03"))
    assert our_print(data, skeleton) == oracle_print(data, skeleton)


def test_empty_module():
    for text in ("(module)", "(module $m)", "(module (type (func)))"):
        assert our_print(wat(text)) == oracle_print(wat(text))


def test_nested_keyword_and_label():
    p = Printer()
    print_module(p, wat("(module $m (func))"), keyword="core module", label="$impl (;0;)")
    assert p.text().startswith("(core module $impl (;0;)\n  (type (;0;) (func))")


@pytest.mark.parametrize("name", ["seed-app", "seed-ops", "all-sections", "http-proxy", "nested",
                                  "resources", "read-file"])
def test_modules_of_the_fixtures(small_fixtures, name: str):
    for module in core_modules(small_fixtures[name].read_bytes()):
        assert our_print(module) == oracle_print(module)
        assert our_print(module, True) == oracle_print(module, True)


@pytest.mark.parametrize("cut", [9, 12, 30, -1])
def test_truncated_modules_fail_at_their_offset(cut: int):
    data = wat(EVERY_SECTION)[:cut]
    with pytest.raises(BinaryError) as caught:
        print_module(Printer(), data, base=1000)
    assert caught.value.offset is not None and 1000 <= caught.value.offset <= 1000 + len(data)


def test_not_a_module():
    with pytest.raises(BinaryError):
        print_module(Printer(), b"\0asm\x0d\x00\x01\x00")
    with pytest.raises(BinaryError):
        print_module(Printer(), HEADER + section(3, b"\x01\x00"))  # a function with no body


# The import section's compact encodings: an empty item name then 0x7F (one module name,
# (name, type) pairs) or 0x7E (one module name and type, then names). Every kind of import
# in each, named and unnamed items, exact function types, and a function type whose params
# print the local names of the function after the group (wasm-tools' rule).
COMPACT_IMPORTS = """
(module $m
  (type $t (func (param i32) (result i64)))
  (type $u (func (param i32)))
  (import "m" (item "a" (func $fa (type $t))) (item "b" (global $g i32))
    (item "t" (table $tt 1 funcref)) (item "mm" (memory $mem 1)) (item "tg" (tag $tg (type $u)))
    (item "x" (func $x (exact (type $u)))) (item "y" (func (param $p i32))))
  (import "n" (item "c") (item "d") (func (type $t)))
  (import "n2" (item "c") (item "d") (global (mut i32)))
  (import "n3" (item "c") (item "d") (memory 1 2))
  (import "n4" (item "\\u{2603}") (item "d") (table 1 funcref))
  (import "n5" (item "c") (tag (type $u)))
  (import "n6" (item "c") (item "d") (func (exact (type $u))))
  (import "o" "e" (func $fe (type $t)))
  (import "n7" (item "c") (func (type $u)))
  (func (param $q i32) (result i64) i64.const 0)
  (export "t" (table $tt))
)"""


@pytest.mark.parametrize("skeleton", [False, True])
def test_compact_imports(skeleton: bool):
    data = wat(COMPACT_IMPORTS)
    assert b"\x00\x7f" in data and b"\x00\x7e" in data  # the compact encodings were made
    assert our_print(data, skeleton) == oracle_print(data, skeleton)


def test_compact_imports_of_no_items():
    """Groups of no item (valid): `(import "e" (func (type 0)))` and `(import "f")`."""
    imports = vec([string("e") + string("") + b"\x7e\x00\x00" + vec([]),
                   string("f") + string("") + b"\x7f" + vec([]),
                   string("g") + string("") + b"\x7e\x03\x7f\x00" + vec([string("h")])])
    data = HEADER + section(1, b"\x01\x60\x00\x00") + section(2, imports)
    wasm_tools("validate", "-", input=data)
    assert our_print(data) == oracle_print(data)


def test_compact_imports_read_back():
    """The text of compact groups parses back to the same print (when no function type of a
    0x7E group shows local names: wasm-tools' own text of those does not read back, its
    params being the names of the function after the group)."""
    data = wat(COMPACT_IMPORTS.replace("(param $p i32)", "(param i32)"))
    text = our_print(data)
    back = wasm_tools("parse", "-", input=text.encode()).stdout
    assert oracle_print(back) == text
