"""Core types as text (composer/text/wat/coretypes.py) against `wasm-tools print`: value,
reference and heap types, GC composite types, `sub`/`final`, rec groups, shared types,
limits, and the types of tables, memories, globals and tags; with names and without."""

from __future__ import annotations

import pytest

from composer.binary.coretypes import SUB_TYPE, RecGroup
from composer.binary.reader import Reader
from composer.text.wat.coretypes import type_def_text
from support.build import wat
from support.watprint import HEADER, oracle_print, our_print, section, sections, string, vec

GC_TYPES = """
(module
  (rec (type $a (sub (struct (field $x (mut i32)) (field i8) (field (ref null $b)))))
       (type $b (sub final $a (struct (field $x (mut i32)) (field i8) (field (ref null $b))
                                      (field (mut i16))))))
  (rec)
  (type $arr (array (mut i64)))
  (type $arr2 (sub (array funcref)))
  (type $f (func (param (ref $arr) externref (ref func) (ref null any) (ref null (shared any))
                        (ref (shared eq)) nullref nullfuncref exnref (ref null noexn) (ref 0)
                        (ref null extern) (ref none) (ref null i31) (ref null cont)
                        (ref null nocont))
                 (result i31ref structref arrayref eqref anyref nullexternref v128)))
  (type $s (shared (func)))
  (type $s2 (shared (struct)))
  (type (sub $arr2 (array funcref)))
  (type (func (param i32 i64 f32 f64) (result i32 i32)))
)"""


@pytest.mark.parametrize("skeleton", [False, True])
def test_gc_types(skeleton: bool):
    data = wat(GC_TYPES)
    assert our_print(data, skeleton) == oracle_print(data, skeleton)


def test_gc_types_without_names():
    """type_def_text with no names (as the component printer uses it) is each line
    wasm-tools prints for the module stripped of its name section."""
    data = HEADER + b"".join(whole for sid, whole in sections(wat(GC_TYPES)) if sid != 0)
    expected = [line.strip() for line in oracle_print(data).splitlines()[1:-1]
                if line.strip().startswith("(type")]
    type_section = next(whole for sid, whole in sections(data) if sid == 1)
    r = Reader(type_section, 2)  # (the section is under 128 bytes: a one-byte size)
    ours, index = [], 0
    for _ in range(r.u32()):
        group = RecGroup.read(r).types if r.peek() == 0x4E else (SUB_TYPE.read(r),)
        for sub in group:
            ours.append(type_def_text(sub, index))
            index += 1
    assert ours == expected


IMPORTS = """
(module
  (type $f (func (param i32)))
  (import "a" "t" (table $t 1 funcref))
  (import "a" "t64" (table i64 1 2 (ref null $f)))
  (import "a" "m" (memory $m i64 1 100 shared))
  (import "a" "m2" (memory 0 (pagesize 1)))
  (import "a" "m3" (memory 1 2 shared (pagesize 1)))
  (import "a" "g" (global $g (mut (ref null $f))))
  (import "a" "g2" (global v128))
  (import "a" "tag" (tag $tag (param i32)))
  (memory 1)
  (memory i64 0 65536)
  (table 0 externref)
  (tag (type $f))
)"""


@pytest.mark.parametrize("skeleton", [False, True])
def test_tables_memories_globals_tags(skeleton: bool):
    data = wat(IMPORTS)
    assert our_print(data, skeleton) == oracle_print(data, skeleton)


def _import(kind_and_type: bytes) -> bytes:
    return string("a") + string("b") + kind_and_type


# Encodings the text format cannot all write: shared globals and tables, a 64-bit shared
# table with an initializer, a page size of 64 KiB.
SHARED = HEADER + section(2, vec([
    _import(b"\x03\x7f\x03"),  # (global (shared mut i32))
    _import(b"\x03\x7e\x02"),  # (global (shared i64))
    _import(b"\x02\x0b\x01\x02\x10"),  # memory 1 2 shared (pagesize 0x10000)
    _import(b"\x01\x65\x70\x06\x01"),  # table shared i64 1 (ref null (shared func))
])) + section(4, vec([b"\x40\x00\x70\x07\x01\x02\xd0\x70\x0b"]))


def test_shared_encodings():
    assert our_print(SHARED) == oracle_print(SHARED)
