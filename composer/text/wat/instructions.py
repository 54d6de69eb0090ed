"""Function bodies and constant expressions as text, as `wasm-tools print` writes them: one
instruction a line, blocks indented, `;; label = @N` after an unnamed block, branch targets by
name or as `N (;@M;)`.

Every instruction of the proposals wasm-tools 1.262 decodes by default is in `_OPCODES`, one
table: the opcode (a prefix byte and its u32 sub-opcode for the 0xFB, 0xFC, 0xFD and 0xFE
families), the mnemonic, the kind of its immediates and, for memory accesses, the natural
alignment (log2) that wasm-tools leaves unwritten.

The body printer is the hot loop of the whole text printer (millions of instructions in the
large components): it reads immediates straight from the bytes with one-byte fast paths,
keeps each nesting level's line prefixes in tables, and appends one string per line to the
Printer's parts. Anything malformed raises `BinaryError` at its absolute offset.
"""

from __future__ import annotations

from typing import Any, Callable

from ...binary.coretypes import ABSTRACT_HEAP_TYPES, CORE_VALTYPE, SHARED, CoreRefType
from ...binary.reader import Reader
from ...errors import BinaryError
from .coretypes import heap_text, type_ref, val_text
from .numbers import f32_text, f64_text
from .printer import Printer

# wasm-tools indents at most this many levels (deeper code is printed at this depth).
_MAX_INDENT = 50

# -- the opcode table ---------------------------------------------------------------------
# A line of the table: the opcode (a prefixed one as the prefix byte and the sub-opcode in
# hex: `fd10a`), the mnemonic, the kind of its immediates (default `none`: see _KIND_NAMES),
# and the kind's argument: a memory access's natural alignment (log2), ref.test's and
# ref.cast's nullability. Besides the default proposals wasm-tools prints memory-control's
# memory.discard and wide-arithmetic's instructions; not stack switching's, shared
# everything's or custom descriptors'.
_OPCODES = """
00 unreachable
01 nop
02 block block
03 loop block
04 if block
05 else else
06 try block
07 catch catch
08 throw tag
09 rethrow label
0a throw_ref
0b end end
0c br label
0d br_if label
0e br_table br_table
0f return
10 call func
11 call_indirect call_indirect
12 return_call func
13 return_call_indirect call_indirect
14 call_ref type
15 return_call_ref type
18 delegate delegate
19 catch_all catch_all
1a drop
1b select
1c select select_t
1f try_table try_table
20 local.get local
21 local.set local
22 local.tee local
23 global.get global
24 global.set global
25 table.get table
26 table.set table
28 i32.load memarg 2
29 i64.load memarg 3
2a f32.load memarg 2
2b f64.load memarg 3
2c i32.load8_s memarg 0
2d i32.load8_u memarg 0
2e i32.load16_s memarg 1
2f i32.load16_u memarg 1
30 i64.load8_s memarg 0
31 i64.load8_u memarg 0
32 i64.load16_s memarg 1
33 i64.load16_u memarg 1
34 i64.load32_s memarg 2
35 i64.load32_u memarg 2
36 i32.store memarg 2
37 i64.store memarg 3
38 f32.store memarg 2
39 f64.store memarg 3
3a i32.store8 memarg 0
3b i32.store16 memarg 1
3c i64.store8 memarg 0
3d i64.store16 memarg 1
3e i64.store32 memarg 2
3f memory.size memory
40 memory.grow memory
41 i32.const i32
42 i64.const i64
43 f32.const f32
44 f64.const f64
45 i32.eqz
46 i32.eq
47 i32.ne
48 i32.lt_s
49 i32.lt_u
4a i32.gt_s
4b i32.gt_u
4c i32.le_s
4d i32.le_u
4e i32.ge_s
4f i32.ge_u
50 i64.eqz
51 i64.eq
52 i64.ne
53 i64.lt_s
54 i64.lt_u
55 i64.gt_s
56 i64.gt_u
57 i64.le_s
58 i64.le_u
59 i64.ge_s
5a i64.ge_u
5b f32.eq
5c f32.ne
5d f32.lt
5e f32.gt
5f f32.le
60 f32.ge
61 f64.eq
62 f64.ne
63 f64.lt
64 f64.gt
65 f64.le
66 f64.ge
67 i32.clz
68 i32.ctz
69 i32.popcnt
6a i32.add
6b i32.sub
6c i32.mul
6d i32.div_s
6e i32.div_u
6f i32.rem_s
70 i32.rem_u
71 i32.and
72 i32.or
73 i32.xor
74 i32.shl
75 i32.shr_s
76 i32.shr_u
77 i32.rotl
78 i32.rotr
79 i64.clz
7a i64.ctz
7b i64.popcnt
7c i64.add
7d i64.sub
7e i64.mul
7f i64.div_s
80 i64.div_u
81 i64.rem_s
82 i64.rem_u
83 i64.and
84 i64.or
85 i64.xor
86 i64.shl
87 i64.shr_s
88 i64.shr_u
89 i64.rotl
8a i64.rotr
8b f32.abs
8c f32.neg
8d f32.ceil
8e f32.floor
8f f32.trunc
90 f32.nearest
91 f32.sqrt
92 f32.add
93 f32.sub
94 f32.mul
95 f32.div
96 f32.min
97 f32.max
98 f32.copysign
99 f64.abs
9a f64.neg
9b f64.ceil
9c f64.floor
9d f64.trunc
9e f64.nearest
9f f64.sqrt
a0 f64.add
a1 f64.sub
a2 f64.mul
a3 f64.div
a4 f64.min
a5 f64.max
a6 f64.copysign
a7 i32.wrap_i64
a8 i32.trunc_f32_s
a9 i32.trunc_f32_u
aa i32.trunc_f64_s
ab i32.trunc_f64_u
ac i64.extend_i32_s
ad i64.extend_i32_u
ae i64.trunc_f32_s
af i64.trunc_f32_u
b0 i64.trunc_f64_s
b1 i64.trunc_f64_u
b2 f32.convert_i32_s
b3 f32.convert_i32_u
b4 f32.convert_i64_s
b5 f32.convert_i64_u
b6 f32.demote_f64
b7 f64.convert_i32_s
b8 f64.convert_i32_u
b9 f64.convert_i64_s
ba f64.convert_i64_u
bb f64.promote_f32
bc i32.reinterpret_f32
bd i64.reinterpret_f64
be f32.reinterpret_i32
bf f64.reinterpret_i64
c0 i32.extend8_s
c1 i32.extend16_s
c2 i64.extend8_s
c3 i64.extend16_s
c4 i64.extend32_s
d0 ref.null heap
d1 ref.is_null
d2 ref.func func
d3 ref.eq
d4 ref.as_non_null
d5 br_on_null label
d6 br_on_non_null label
fb00 struct.new type
fb01 struct.new_default type
fb02 struct.get type_field
fb03 struct.get_s type_field
fb04 struct.get_u type_field
fb05 struct.set type_field
fb06 array.new type
fb07 array.new_default type
fb08 array.new_fixed type_size
fb09 array.new_data type_data
fb0a array.new_elem type_elem
fb0b array.get type
fb0c array.get_s type
fb0d array.get_u type
fb0e array.set type
fb0f array.len
fb10 array.fill type
fb11 array.copy type_type
fb12 array.init_data type_data
fb13 array.init_elem type_elem
fb14 ref.test ref_test 0
fb15 ref.test ref_test 1
fb16 ref.cast ref_test 0
fb17 ref.cast ref_test 1
fb18 br_on_cast br_on_cast
fb19 br_on_cast_fail br_on_cast
fb1a any.convert_extern
fb1b extern.convert_any
fb1c ref.i31
fb1d i31.get_s
fb1e i31.get_u
fc00 i32.trunc_sat_f32_s
fc01 i32.trunc_sat_f32_u
fc02 i32.trunc_sat_f64_s
fc03 i32.trunc_sat_f64_u
fc04 i64.trunc_sat_f32_s
fc05 i64.trunc_sat_f32_u
fc06 i64.trunc_sat_f64_s
fc07 i64.trunc_sat_f64_u
fc08 memory.init memory_init
fc09 data.drop data
fc0a memory.copy memory_copy
fc0b memory.fill memory
fc0c table.init table_init
fc0d elem.drop elem
fc0e table.copy table_copy
fc0f table.grow table
fc10 table.size table
fc11 table.fill table
fc12 memory.discard memory
fc13 i64.add128
fc14 i64.sub128
fc15 i64.mul_wide_s
fc16 i64.mul_wide_u
fd00 v128.load memarg 4
fd01 v128.load8x8_s memarg 3
fd02 v128.load8x8_u memarg 3
fd03 v128.load16x4_s memarg 3
fd04 v128.load16x4_u memarg 3
fd05 v128.load32x2_s memarg 3
fd06 v128.load32x2_u memarg 3
fd07 v128.load8_splat memarg 0
fd08 v128.load16_splat memarg 1
fd09 v128.load32_splat memarg 2
fd0a v128.load64_splat memarg 3
fd0b v128.store memarg 4
fd0c v128.const v128
fd0d i8x16.shuffle shuffle
fd0e i8x16.swizzle
fd0f i8x16.splat
fd10 i16x8.splat
fd11 i32x4.splat
fd12 i64x2.splat
fd13 f32x4.splat
fd14 f64x2.splat
fd15 i8x16.extract_lane_s lane
fd16 i8x16.extract_lane_u lane
fd17 i8x16.replace_lane lane
fd18 i16x8.extract_lane_s lane
fd19 i16x8.extract_lane_u lane
fd1a i16x8.replace_lane lane
fd1b i32x4.extract_lane lane
fd1c i32x4.replace_lane lane
fd1d i64x2.extract_lane lane
fd1e i64x2.replace_lane lane
fd1f f32x4.extract_lane lane
fd20 f32x4.replace_lane lane
fd21 f64x2.extract_lane lane
fd22 f64x2.replace_lane lane
fd23 i8x16.eq
fd24 i8x16.ne
fd25 i8x16.lt_s
fd26 i8x16.lt_u
fd27 i8x16.gt_s
fd28 i8x16.gt_u
fd29 i8x16.le_s
fd2a i8x16.le_u
fd2b i8x16.ge_s
fd2c i8x16.ge_u
fd2d i16x8.eq
fd2e i16x8.ne
fd2f i16x8.lt_s
fd30 i16x8.lt_u
fd31 i16x8.gt_s
fd32 i16x8.gt_u
fd33 i16x8.le_s
fd34 i16x8.le_u
fd35 i16x8.ge_s
fd36 i16x8.ge_u
fd37 i32x4.eq
fd38 i32x4.ne
fd39 i32x4.lt_s
fd3a i32x4.lt_u
fd3b i32x4.gt_s
fd3c i32x4.gt_u
fd3d i32x4.le_s
fd3e i32x4.le_u
fd3f i32x4.ge_s
fd40 i32x4.ge_u
fd41 f32x4.eq
fd42 f32x4.ne
fd43 f32x4.lt
fd44 f32x4.gt
fd45 f32x4.le
fd46 f32x4.ge
fd47 f64x2.eq
fd48 f64x2.ne
fd49 f64x2.lt
fd4a f64x2.gt
fd4b f64x2.le
fd4c f64x2.ge
fd4d v128.not
fd4e v128.and
fd4f v128.andnot
fd50 v128.or
fd51 v128.xor
fd52 v128.bitselect
fd53 v128.any_true
fd54 v128.load8_lane memarg_lane 0
fd55 v128.load16_lane memarg_lane 1
fd56 v128.load32_lane memarg_lane 2
fd57 v128.load64_lane memarg_lane 3
fd58 v128.store8_lane memarg_lane 0
fd59 v128.store16_lane memarg_lane 1
fd5a v128.store32_lane memarg_lane 2
fd5b v128.store64_lane memarg_lane 3
fd5c v128.load32_zero memarg 2
fd5d v128.load64_zero memarg 3
fd5e f32x4.demote_f64x2_zero
fd5f f64x2.promote_low_f32x4
fd60 i8x16.abs
fd61 i8x16.neg
fd62 i8x16.popcnt
fd63 i8x16.all_true
fd64 i8x16.bitmask
fd65 i8x16.narrow_i16x8_s
fd66 i8x16.narrow_i16x8_u
fd67 f32x4.ceil
fd68 f32x4.floor
fd69 f32x4.trunc
fd6a f32x4.nearest
fd6b i8x16.shl
fd6c i8x16.shr_s
fd6d i8x16.shr_u
fd6e i8x16.add
fd6f i8x16.add_sat_s
fd70 i8x16.add_sat_u
fd71 i8x16.sub
fd72 i8x16.sub_sat_s
fd73 i8x16.sub_sat_u
fd74 f64x2.ceil
fd75 f64x2.floor
fd76 i8x16.min_s
fd77 i8x16.min_u
fd78 i8x16.max_s
fd79 i8x16.max_u
fd7a f64x2.trunc
fd7b i8x16.avgr_u
fd7c i16x8.extadd_pairwise_i8x16_s
fd7d i16x8.extadd_pairwise_i8x16_u
fd7e i32x4.extadd_pairwise_i16x8_s
fd7f i32x4.extadd_pairwise_i16x8_u
fd80 i16x8.abs
fd81 i16x8.neg
fd82 i16x8.q15mulr_sat_s
fd83 i16x8.all_true
fd84 i16x8.bitmask
fd85 i16x8.narrow_i32x4_s
fd86 i16x8.narrow_i32x4_u
fd87 i16x8.extend_low_i8x16_s
fd88 i16x8.extend_high_i8x16_s
fd89 i16x8.extend_low_i8x16_u
fd8a i16x8.extend_high_i8x16_u
fd8b i16x8.shl
fd8c i16x8.shr_s
fd8d i16x8.shr_u
fd8e i16x8.add
fd8f i16x8.add_sat_s
fd90 i16x8.add_sat_u
fd91 i16x8.sub
fd92 i16x8.sub_sat_s
fd93 i16x8.sub_sat_u
fd94 f64x2.nearest
fd95 i16x8.mul
fd96 i16x8.min_s
fd97 i16x8.min_u
fd98 i16x8.max_s
fd99 i16x8.max_u
fd9b i16x8.avgr_u
fd9c i16x8.extmul_low_i8x16_s
fd9d i16x8.extmul_high_i8x16_s
fd9e i16x8.extmul_low_i8x16_u
fd9f i16x8.extmul_high_i8x16_u
fda0 i32x4.abs
fda1 i32x4.neg
fda3 i32x4.all_true
fda4 i32x4.bitmask
fda7 i32x4.extend_low_i16x8_s
fda8 i32x4.extend_high_i16x8_s
fda9 i32x4.extend_low_i16x8_u
fdaa i32x4.extend_high_i16x8_u
fdab i32x4.shl
fdac i32x4.shr_s
fdad i32x4.shr_u
fdae i32x4.add
fdb1 i32x4.sub
fdb5 i32x4.mul
fdb6 i32x4.min_s
fdb7 i32x4.min_u
fdb8 i32x4.max_s
fdb9 i32x4.max_u
fdba i32x4.dot_i16x8_s
fdbc i32x4.extmul_low_i16x8_s
fdbd i32x4.extmul_high_i16x8_s
fdbe i32x4.extmul_low_i16x8_u
fdbf i32x4.extmul_high_i16x8_u
fdc0 i64x2.abs
fdc1 i64x2.neg
fdc3 i64x2.all_true
fdc4 i64x2.bitmask
fdc7 i64x2.extend_low_i32x4_s
fdc8 i64x2.extend_high_i32x4_s
fdc9 i64x2.extend_low_i32x4_u
fdca i64x2.extend_high_i32x4_u
fdcb i64x2.shl
fdcc i64x2.shr_s
fdcd i64x2.shr_u
fdce i64x2.add
fdd1 i64x2.sub
fdd5 i64x2.mul
fdd6 i64x2.eq
fdd7 i64x2.ne
fdd8 i64x2.lt_s
fdd9 i64x2.gt_s
fdda i64x2.le_s
fddb i64x2.ge_s
fddc i64x2.extmul_low_i32x4_s
fddd i64x2.extmul_high_i32x4_s
fdde i64x2.extmul_low_i32x4_u
fddf i64x2.extmul_high_i32x4_u
fde0 f32x4.abs
fde1 f32x4.neg
fde3 f32x4.sqrt
fde4 f32x4.add
fde5 f32x4.sub
fde6 f32x4.mul
fde7 f32x4.div
fde8 f32x4.min
fde9 f32x4.max
fdea f32x4.pmin
fdeb f32x4.pmax
fdec f64x2.abs
fded f64x2.neg
fdef f64x2.sqrt
fdf0 f64x2.add
fdf1 f64x2.sub
fdf2 f64x2.mul
fdf3 f64x2.div
fdf4 f64x2.min
fdf5 f64x2.max
fdf6 f64x2.pmin
fdf7 f64x2.pmax
fdf8 i32x4.trunc_sat_f32x4_s
fdf9 i32x4.trunc_sat_f32x4_u
fdfa f32x4.convert_i32x4_s
fdfb f32x4.convert_i32x4_u
fdfc i32x4.trunc_sat_f64x2_s_zero
fdfd i32x4.trunc_sat_f64x2_u_zero
fdfe f64x2.convert_low_i32x4_s
fdff f64x2.convert_low_i32x4_u
fd100 i8x16.relaxed_swizzle
fd101 i32x4.relaxed_trunc_f32x4_s
fd102 i32x4.relaxed_trunc_f32x4_u
fd103 i32x4.relaxed_trunc_f64x2_s_zero
fd104 i32x4.relaxed_trunc_f64x2_u_zero
fd105 f32x4.relaxed_madd
fd106 f32x4.relaxed_nmadd
fd107 f64x2.relaxed_madd
fd108 f64x2.relaxed_nmadd
fd109 i8x16.relaxed_laneselect
fd10a i16x8.relaxed_laneselect
fd10b i32x4.relaxed_laneselect
fd10c i64x2.relaxed_laneselect
fd10d f32x4.relaxed_min
fd10e f32x4.relaxed_max
fd10f f64x2.relaxed_min
fd110 f64x2.relaxed_max
fd111 i16x8.relaxed_q15mulr_s
fd112 i16x8.relaxed_dot_i8x16_i7x16_s
fd113 i32x4.relaxed_dot_i8x16_i7x16_add_s
fe00 memory.atomic.notify memarg 2
fe01 memory.atomic.wait32 memarg 2
fe02 memory.atomic.wait64 memarg 3
fe03 atomic.fence fence
fe10 i32.atomic.load memarg 2
fe11 i64.atomic.load memarg 3
fe12 i32.atomic.load8_u memarg 0
fe13 i32.atomic.load16_u memarg 1
fe14 i64.atomic.load8_u memarg 0
fe15 i64.atomic.load16_u memarg 1
fe16 i64.atomic.load32_u memarg 2
fe17 i32.atomic.store memarg 2
fe18 i64.atomic.store memarg 3
fe19 i32.atomic.store8 memarg 0
fe1a i32.atomic.store16 memarg 1
fe1b i64.atomic.store8 memarg 0
fe1c i64.atomic.store16 memarg 1
fe1d i64.atomic.store32 memarg 2
"""

# The atomic read-modify-write family (0xFE 0x1E..0x4E): seven accesses of each operation.
_RMW_OPS = ("add", "sub", "and", "or", "xor", "xchg", "cmpxchg")
_RMW_ACCESSES = (("i32", "rmw", "", 2), ("i64", "rmw", "", 3), ("i32", "rmw8", "_u", 0),
                 ("i32", "rmw16", "_u", 1), ("i64", "rmw8", "_u", 0), ("i64", "rmw16", "_u", 1),
                 ("i64", "rmw32", "_u", 2))

_PREFIXES = (0xFB, 0xFC, 0xFD, 0xFE)

# The kinds of immediates (the body loop tests the common ones first).
(NONE, LOCAL, I32, MEMARG, LABEL, FUNC, GLOBAL, BLOCK, END, ELSE, PREFIX, I64, F32, F64,
 BR_TABLE, CALL_INDIRECT, TYPE, SELECT_T, HEAP, TABLE, MEMORY, TAG, CATCH, CATCH_ALL,
 DELEGATE, TRY_TABLE, TYPE_FIELD, TYPE_SIZE, TYPE_DATA, TYPE_ELEM, TYPE_TYPE, REF_TEST,
 BR_ON_CAST, MEMORY_INIT, MEMORY_COPY, TABLE_INIT, TABLE_COPY, DATA, ELEM, V128, SHUFFLE,
 LANE, MEMARG_LANE, FENCE, UNKNOWN) = range(45)
_KIND_NAMES = {
    "none": NONE, "local": LOCAL, "i32": I32, "memarg": MEMARG, "label": LABEL, "func": FUNC,
    "global": GLOBAL, "block": BLOCK, "end": END, "else": ELSE, "i64": I64, "f32": F32,
    "f64": F64, "br_table": BR_TABLE, "call_indirect": CALL_INDIRECT, "type": TYPE,
    "select_t": SELECT_T, "heap": HEAP, "table": TABLE, "memory": MEMORY, "tag": TAG,
    "catch": CATCH, "catch_all": CATCH_ALL, "delegate": DELEGATE, "try_table": TRY_TABLE,
    "type_field": TYPE_FIELD, "type_size": TYPE_SIZE, "type_data": TYPE_DATA,
    "type_elem": TYPE_ELEM, "type_type": TYPE_TYPE, "ref_test": REF_TEST,
    "br_on_cast": BR_ON_CAST, "memory_init": MEMORY_INIT, "memory_copy": MEMORY_COPY,
    "table_init": TABLE_INIT, "table_copy": TABLE_COPY, "data": DATA, "elem": ELEM,
    "v128": V128, "shuffle": SHUFFLE, "lane": LANE, "memarg_lane": MEMARG_LANE,
    "fence": FENCE,
}


def _build_tables() -> tuple[list[str | None], list[int], list[int], dict[int, dict[int, tuple[str, int, int]]]]:
    """`_OPCODES` as lookup tables: mnemonic, kind and argument by single-byte opcode, and
    by sub-opcode for each prefix."""
    names: list[str | None] = [None] * 256
    kinds = [UNKNOWN] * 256
    args = [0] * 256
    prefixed: dict[int, dict[int, tuple[str, int, int]]] = {p: {} for p in _PREFIXES}
    for prefix in _PREFIXES:
        kinds[prefix] = PREFIX
    rows = [line.split() for line in _OPCODES.strip().splitlines()]
    for i, op in enumerate(_RMW_OPS):
        for j, (ty, width, suffix, align) in enumerate(_RMW_ACCESSES):
            rows.append([f"fe{0x1E + 7 * i + j:02x}", f"{ty}.atomic.{width}.{op}{suffix}",
                         "memarg", str(align)])
    for code, name, *rest in rows:
        kind = _KIND_NAMES[rest[0]] if rest else NONE
        arg = int(rest[1]) if len(rest) > 1 else 0
        if len(code) == 2:
            names[int(code, 16)], kinds[int(code, 16)], args[int(code, 16)] = name, kind, arg
        else:
            prefixed[int(code[:2], 16)][int(code[2:], 16)] = (name, kind, arg)
    return names, kinds, args, prefixed


_NAMES, _KINDS, _ARGS, _PREFIXED = _build_tables()

# Numbers as the text after an instruction's keyword (" 12"), for the common small values.
_INTS = [" " + str(i) for i in range(1 << 14)]
# A one-byte signed LEB128 (i32.const / i64.const -64..63) as text.
_SLEB1 = [" " + str(b - 128 if b & 0x40 else b) for b in range(128)]
_SIMPLE_BLOCK_TYPES = {0x40: "", 0x7F: " (result i32)", 0x7E: " (result i64)",
                       0x7D: " (result f32)", 0x7C: " (result f64)", 0x7B: " (result v128)"}


# -- context ------------------------------------------------------------------------------


class BodyContext:
    """What a body's instructions refer to, built once per module by module.py.

    names: a `names.Names` (duck-typed: `funcs`, `types`, `tables`, `memories`, `globals`,
        `elems`, `datas`, `tags` index -> reference text; `locals`, `labels` by function
        index and `fields` by type index; `define(ref)`, the text defining a renamed item).
    block_type_text: type index -> what follows a block's `(type N)`
        (` (param i32) (result i32)`), as wasm-tools prints block types.
    """

    __slots__ = ("names", "block_type_text", "_space_texts")

    def __init__(self, names: Any, block_type_text: Callable[[int], str] = lambda index: "") -> None:
        self.names = names
        self.block_type_text = block_type_text
        self._space_texts: dict[str, list[str]] = {}

    def index_texts(self, space: str) -> list[str]:
        """An index space's references after a space (" $f", " 3") by index, for the indices
        up to the last named one and at least the first 16384 (past its end, the number)."""
        texts = self._space_texts.get(space)
        if texts is None:
            named: dict[int, str] = getattr(self.names, space)
            size = max(len(_INTS), max(named, default=-1) + 1)
            texts = _INTS[:] if size == len(_INTS) else [" " + str(i) for i in range(size)]
            for index, ref in named.items():
                texts[index] = " " + ref
            self._space_texts[space] = texts
        return texts

    def ref(self, space: str, index: int) -> str:
        """An index's reference, after a space: " $name" or " 12"."""
        texts = self.index_texts(space)
        return texts[index] if index < len(texts) else " " + str(index)


# -- reading ------------------------------------------------------------------------------


def _u32(r: Reader, pos: int) -> tuple[int, int]:
    """A u32 LEB128 at `pos`: up to four bytes (always valid) read here, longer ones by the
    Reader, which checks them."""
    data = r.data
    if pos + 3 < r.end:
        value = 0
        for shift in (0, 7, 14, 21):
            b = data[pos + shift // 7]
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value, pos + shift // 7 + 1
    r.pos = pos
    return r.u32(), r.pos


def _s32(r: Reader, pos: int) -> tuple[int, int]:
    """An s32 LEB128 at `pos`, as `_u32` reads a u32."""
    data = r.data
    if pos + 3 < r.end:
        value = 0
        for shift in (0, 7, 14, 21):
            b = data[pos + shift // 7]
            value |= (b & 0x7F) << shift
            if b < 0x80:
                if b & 0x40:
                    value -= 1 << (shift + 7)
                return value, pos + shift // 7 + 1
    r.pos = pos
    return r.s32(), r.pos


def _heap_type(r: Reader) -> tuple[str | int, bool]:
    """heaptype: an abstract heap type (shared or not) or a type index (s33 >= 0)."""
    start = r.offset
    b = r.peek()
    shared = b == SHARED
    if shared:
        r.byte()
        b = r.peek()
    if b in ABSTRACT_HEAP_TYPES:
        r.byte()
        return ABSTRACT_HEAP_TYPES[b], shared
    index = r.s33()
    if index < 0 or shared:
        raise BinaryError(f"invalid heap type {b:#04x}", start)
    return index, False


def _memarg(r: Reader, pos: int, natural: int, ctx: BodyContext) -> tuple[str, int]:
    """memarg ::= flags:u32 (memidx:u32 if flags & 0x40) offset:u64, as wasm-tools writes it:
    the memory when not 0, `offset=` when not 0, `align=` when not the natural one."""
    r.pos = pos
    start = r.offset
    flags = r.u32()
    memory = 0
    if flags & 0x40:
        flags ^= 0x40
        memory = r.u32()
    if flags >= 0x40:
        raise BinaryError("malformed memop alignment: alignment too large", start)
    offset = r.u64()
    text = ctx.ref("memories", memory) if memory else ""
    if offset:
        text += " offset=" + str(offset)
    if flags != natural:
        text += " align=" + str(1 << flags)
    return text, r.pos


class _Labels:
    """The labels of the blocks open in a function, for branch targets: wasm-tools' stack of
    label numbers (pushed at each block, popped at each `end`) and the function's label
    names."""

    __slots__ = ("stack", "names", "count", "define")

    def __init__(self, names: dict[int, str] | None, define: Callable[[str], str] | None = None) -> None:
        self.stack: list[int] = []
        self.names = names or {}
        self.count = 0
        self.define = define

    def target(self, depth: int, relative: int) -> str:
        """A branch to `relative` from `depth` open blocks: the label's name, or the number
        with the block's `@N` (nothing for the function itself, `(; INVALID ;)` past it).
        A name shadowed by a deeper label of the same name is written as the number."""
        i = depth - relative
        if i < 0:
            return " " + str(relative) + " (; INVALID ;)"
        if i > 0 and self.names and i - 1 < len(self.stack):
            name = self.names.get(self.stack[i - 1])
            if name is not None:
                real = self._real_name(name)
                if any(self._real_name(self.names.get(other)) == real for other in self.stack[i:]):
                    return " " + str(relative)
                # wasm-tools writes a renamed label's real name at each branch too
                return " " + (self.define(name) if self.define else name)
        if i == 0:
            return " " + str(relative)
        return " " + str(relative) + " (;@" + str(i) + ";)"

    def _real_name(self, ref: str | None) -> str | None:
        """What identifies a label's name in the name section: its reference text, or for
        a renamed label (`$"#label3 #x"`) the real name its definition adds."""
        if ref is None or self.define is None:
            return ref
        definition = self.define(ref)
        return ref if definition == ref else definition[len(ref):]

    def open(self, depth: int, block_type: str, suppress_comment: bool = False) -> str:
        """What follows `block`/`loop`/`if`/`try`: the label name and the block type, or the
        block type and the `;; label = @depth` comment."""
        label = self.count
        self.count += 1
        name = self.names.get(label) if self.names else None
        if name is not None:
            return " " + (self.define(name) if self.define else name) + block_type
        if suppress_comment:
            return block_type
        return block_type + " ;; label = @" + str(depth)


def _block_type(r: Reader, pos: int, ctx: BodyContext) -> tuple[str, int]:
    """blocktype ::= 0x40 | valtype | typeidx:s33, as its text after the block's keyword."""
    data = r.data
    b = data[pos]
    simple = _SIMPLE_BLOCK_TYPES.get(b)
    if simple is not None:
        return simple, pos + 1
    r.pos = pos
    if b & 0xC0 == 0x40:  # a negative s33: a value type
        value = CORE_VALTYPE.read(r)
        return " (result " + val_text(value, ctx.names) + ")", r.pos
    index = r.s33()
    return " (type " + type_ref(index, ctx.names) + ")" + ctx.block_type_text(index), r.pos


# -- the body loop ------------------------------------------------------------------------


def print_body(p: Printer, data: bytes, start: int, end: int, func_index: int,
               param_count: int, ctx: BodyContext, base: int = 0) -> None:
    """Print a code-section entry `data[start:end]` (after its size): its `(local ...)` line
    and its instructions, one a line at `p.nesting` and deeper, up to the final `end`."""
    r = Reader(data, start, end, base)
    local_texts = _print_locals(p, r, func_index, param_count, ctx)
    _print_instructions(p, r, r.pos, end, func_index, local_texts, ctx)


def _print_locals(p: Printer, r: Reader, func_index: int, param_count: int,
                  ctx: BodyContext) -> list[str]:
    """locals ::= vec(n:u32 t:valtype), printed as wasm-tools groups them: unnamed locals
    share a `(local ...)` group, a named one has its own; all on one line. Returns the
    function's local references by index (" $x", " 3")."""
    names = ctx.names.locals.get(func_index) or {}
    groups: list[str] = []
    run: list[str] = []
    index = param_count
    define = getattr(ctx.names, "define", None)
    for _ in range(r.count("local declaration", 2)):
        count = r.u32()
        at = r.offset
        text = val_text(CORE_VALTYPE.read(r), ctx.names)
        if index - param_count + count > 50_000:
            raise BinaryError("function exceeds the maximum number of locals that can be printed", at)
        for i in range(index, index + count):
            ref = names.get(i)
            if ref is None:
                run.append(text)
                continue
            if run:
                groups.append("(local " + " ".join(run) + ")")
                run = []
            groups.append("(local " + (define(ref) if define else ref) + " " + text + ")")
        index += count
    if run:
        groups.append("(local " + " ".join(run) + ")")
    if groups:
        p.parts.append(p.indent() + " ".join(groups))
        p.line += 1
    if not names:
        return _INTS
    # At least the 128 indices the body loop reads without a bounds check.
    size = max(128, index, max(names) + 1)
    texts = _INTS[:size] if size <= len(_INTS) else _INTS + [
        " " + str(i) for i in range(len(_INTS), size)]
    for i, ref in names.items():
        texts[i] = " " + ref
    return texts


def _prefixes_at(level: int) -> list[str]:
    """Each single-byte opcode's mnemonic after a line break and `level` indentation."""
    indent = "\n" + "  " * min(level, _MAX_INDENT)
    return [indent + name if name else indent for name in _NAMES]


# The line prefixes by nesting level; every level past the deepest indentation shares one.
_LEVELS = [_prefixes_at(level) for level in range(_MAX_INDENT + 1)]


def _line_prefixes(level: int) -> list[str]:
    while level >= len(_LEVELS):
        _LEVELS.append(_LEVELS[_MAX_INDENT])
    return _LEVELS[level]


# " (;@N;)" and " ;; label = @N", the comments naming a block by its depth.
_AT = [" (;@" + str(i) + ";)" for i in range(1024)]
_LABEL_AT = [" ;; label = @" + str(i) for i in range(1024)]


def _print_instructions(p: Printer, r: Reader, pos: int, end: int, func_index: int,
                        local_texts: list[str], ctx: BodyContext) -> None:
    data = r.data
    base = r.base
    parts = p.parts
    append = parts.append
    first_part = len(parts)
    level0 = p.nesting
    depth = 0
    label_names = ctx.names.labels.get(func_index)
    # Without label names the label stack and numbering only matter to _rare's instructions.
    labels = _Labels(label_names, getattr(ctx.names, "define", None))
    label_stack = labels.stack
    func_texts = ctx.index_texts("funcs")
    global_texts = ctx.index_texts("globals")
    nfuncs = len(func_texts)
    nglobals = len(global_texts)
    kinds = _KINDS
    args = _ARGS
    ints = _INTS
    sleb1 = _SLEB1
    at_depth = _AT
    label_at = _LABEL_AT
    simple_block_types = _SIMPLE_BLOCK_TYPES
    nlocals = len(local_texts)
    levels = _LEVELS
    _line_prefixes(level0 + 1000)  # levels to index without a check up to 1000 deep
    pre = levels[level0]
    last = end - 1
    if last < pos or data[last] != 0x0B:
        raise BinaryError("function body does not end with `end`", base + end)
    try:
        while pos < last:
            op = data[pos]
            pos += 1
            kind = kinds[op]
            if kind == NONE:
                append(pre[op])
            elif kind == LOCAL:
                b = data[pos]
                if b < 0x80:
                    pos += 1
                    append(pre[op] + local_texts[b])
                else:
                    b, pos = _u32(r, pos)
                    append(pre[op] + (local_texts[b] if b < nlocals else " " + str(b)))
            elif kind == I32:
                b = data[pos]
                if b < 0x80:
                    pos += 1
                    append(pre[op] + sleb1[b])
                else:
                    c = data[pos + 1]
                    if c < 0x80:
                        pos += 2
                        b = (b & 0x7F) | (c << 7)
                        append(pre[op] + " " + str(b - 0x4000 if c & 0x40 else b))
                    else:
                        b, pos = _s32(r, pos)
                        append(pre[op] + " " + str(b))
            elif kind == MEMARG:
                a = data[pos]
                o = data[pos + 1]
                if a < 0x40 and o < 0x80:
                    pos += 2
                    if a == args[op]:
                        append(pre[op] + " offset=" + str(o) if o else pre[op])
                    else:
                        append(pre[op] + (" offset=" + str(o) if o else "") + " align=" + str(1 << a))
                elif a < 0x40 and data[pos + 2] < 0x80:  # a two-byte offset
                    o = (o & 0x7F) | (data[pos + 2] << 7)
                    pos += 3
                    append(pre[op] + " offset=" + str(o) + ("" if a == args[op] else " align=" + str(1 << a)))
                else:
                    text, pos = _memarg(r, pos, args[op], ctx)
                    append(pre[op] + text)
            elif kind == LABEL:
                b = data[pos]
                if b < 0x80:
                    pos += 1
                else:
                    b, pos = _u32(r, pos)
                i = depth - b
                if label_names is None and 0 < i < 1024:
                    append(pre[op] + ints[b] + at_depth[i])
                else:
                    append(pre[op] + labels.target(depth, b))
            elif kind == END:
                if not depth:  # the function's own `end`, before the last byte
                    raise BinaryError("operators remaining after end of function body", base + pos)
                depth -= 1
                pre = levels[level0 + depth]
                if label_stack:
                    label_stack.pop()
                append(pre[op])
            elif kind == BLOCK:
                depth += 1
                bt = simple_block_types.get(data[pos])
                if label_names is None and bt is not None and depth < 1000:
                    pos += 1
                    labels.count += 1
                    append(pre[op] + bt + label_at[depth])
                else:
                    label_stack.append(labels.count)
                    bt, pos = _block_type(r, pos, ctx)
                    append(pre[op] + labels.open(depth, bt))
                pre = _line_prefixes(level0 + depth) if depth >= 1000 else levels[level0 + depth]
            elif kind == GLOBAL:
                b = data[pos]
                if b < 0x80:
                    pos += 1
                else:
                    b, pos = _u32(r, pos)
                append(pre[op] + (global_texts[b] if b < nglobals else " " + str(b)))
            elif kind == FUNC:
                b = data[pos]
                if b < 0x80:
                    pos += 1
                else:
                    c = data[pos + 1]
                    if c < 0x80:
                        pos += 2
                        b = (b & 0x7F) | (c << 7)
                    else:
                        b, pos = _u32(r, pos)
                append(pre[op] + (func_texts[b] if b < nfuncs else " " + str(b)))
            elif kind == ELSE or kind == CATCH_ALL:
                append(levels[level0 + depth - 1][op] if depth else pre[op])
            else:
                pos, depth = _rare(op, kind, r, pos, depth, labels, ctx, level0, append)
                pre = _line_prefixes(level0 + depth)
                if pos > last:
                    break
    except IndexError:
        raise BinaryError("function body runs past its end", base + end) from None
    if pos != last:
        raise BinaryError("function body runs past its end", base + end)
    if depth:
        raise BinaryError("control frames remain at end of function body", base + end)
    p.line += len(parts) - first_part


def _rare(op: int, kind: int, r: Reader, pos: int, depth: int, labels: _Labels,
          ctx: BodyContext, level0: int, append: Callable[[str], None]) -> tuple[int, int]:
    """The less common instructions (the body loop's slow path): appends the line, returns
    the position after the instruction and the new depth."""
    name = _NAMES[op]
    if kind == UNKNOWN:
        raise BinaryError(f"unknown opcode 0x{op:02x}", r.base + pos - 1)
    if kind == PREFIX:
        at = r.base + pos - 1
        sub, pos = _u32(r, pos)
        entry = _PREFIXED[op].get(sub)
        if entry is None:
            raise BinaryError(f"unknown opcode 0x{op:02x} 0x{sub:x}", at)
        name, kind, arg = entry
    else:
        arg = _ARGS[op]
    if kind == CATCH:
        text, pos = _operands(kind, arg, r, pos, ctx, labels, depth)
        append(_line_prefixes(level0 + depth - 1)[op] + text if depth else
               _line_prefixes(level0)[op] + text)
        return pos, depth
    if kind == DELEGATE:
        if not depth:
            raise BinaryError("delegate outside of a try block", r.base + pos - 1)
        depth -= 1
        text, pos = _operands(LABEL, arg, r, pos, ctx, labels, depth)
        append(_line_prefixes(level0 + depth)[op] + text)
        return pos, depth
    if kind == TRY_TABLE:
        labels.stack.append(labels.count)
        text, pos = _try_table(r, pos, ctx, labels, depth)
        append(_line_prefixes(level0 + depth)[op] + text)
        return pos, depth + 1
    text, pos = _operands(kind, arg, r, pos, ctx, labels, depth)
    append("\n" + "  " * min(level0 + depth, _MAX_INDENT) + name + text)
    return pos, depth


def _try_table(r: Reader, pos: int, ctx: BodyContext, labels: _Labels, depth: int) -> tuple[str, int]:
    """try_table ::= blocktype vec(catch): the label and block type, then each catch clause,
    its label counted from outside the try_table, then the label comment."""
    bt, pos = _block_type(r, pos, ctx)
    label = labels.stack.pop()
    r.pos = pos
    clauses = []
    for _ in range(r.count("catch clause", 2)):
        at = r.offset
        kind = r.byte()
        if kind > 3:
            raise BinaryError(f"invalid catch kind {kind:#04x}", at)
        tag = ctx.ref("tags", r.u32()) if kind < 2 else ""
        target = labels.target(depth, r.u32())
        clauses.append(" (" + ("catch", "catch_ref", "catch_all", "catch_all_ref")[kind] + tag + target + ")")
    labels.stack.append(label)
    head = labels.open(depth + 1, "", suppress_comment=True)
    named = head != ""
    text = head + bt + "".join(clauses)
    if not named:
        text += " ;; label = @" + str(depth + 1)
    return text, r.pos


def _operands(kind: int, arg: int, r: Reader, pos: int, ctx: BodyContext, labels: _Labels,
              depth: int) -> tuple[str, int]:
    """The text of an instruction's immediates (each after a space), and the position after
    them."""
    r.pos = pos
    names = ctx.names
    if kind == NONE:
        text = ""
    elif kind in (LOCAL, GLOBAL, FUNC, TABLE, TAG, DATA, ELEM, TYPE):
        space = _SPACES[kind]
        index = r.u32()
        text = " " + str(index) if space == "locals" else ctx.ref(space, index)
    elif kind == I32:
        text = " " + str(r.s32())
    elif kind == I64:
        text = " " + str(r.s64())
    elif kind == F32:
        text = " " + f32_text(int.from_bytes(r.bytes(4), "little"))
    elif kind == F64:
        text = " " + f64_text(int.from_bytes(r.bytes(8), "little"))
    elif kind in (MEMARG, MEMARG_LANE):
        text, pos = _memarg(r, pos, arg, ctx)
        r.pos = pos
        if kind == MEMARG_LANE:
            text += " " + str(r.byte())
    elif kind == LABEL:
        text = labels.target(depth, r.u32())
    elif kind == BR_TABLE:
        targets = [r.u32() for _ in range(r.count("br_table target", 1))]
        targets.append(r.u32())
        text = "".join(labels.target(depth, t) for t in targets)
    elif kind == CALL_INDIRECT:
        type_index = r.u32()
        table = r.u32()
        text = (ctx.ref("tables", table) if table else "") + " (type " + type_ref(type_index, names) + ")"
    elif kind == SELECT_T:
        types = [val_text(CORE_VALTYPE.read(r), names) for _ in range(r.count("select type", 1))]
        text = " (result" + "".join(" " + t for t in types) + ")"
    elif kind == HEAP:
        text = " " + heap_text(*_heap_type(r), names=names)
    elif kind == MEMORY:
        index = r.u32()
        text = ctx.ref("memories", index) if index else ""
    elif kind in (CATCH_ALL, ELSE, END):  # only in constant expressions
        text = ""
    elif kind == BLOCK:  # only in constant expressions
        text, pos = _block_type(r, pos, ctx)
        r.pos = pos
    elif kind == CATCH:
        text = ctx.ref("tags", r.u32())
    elif kind == TYPE_FIELD:
        type_index = r.u32()
        field = r.u32()
        fields = names.fields.get(type_index) or {}
        ref = fields.get(field)
        text = ctx.ref("types", type_index) + " " + (ref if ref is not None else str(field))
    elif kind == TYPE_SIZE:
        text = ctx.ref("types", r.u32()) + " " + str(r.u32())
    elif kind in (TYPE_DATA, TYPE_ELEM):
        text = ctx.ref("types", r.u32()) + ctx.ref("datas" if kind == TYPE_DATA else "elems", r.u32())
    elif kind == TYPE_TYPE:
        text = ctx.ref("types", r.u32()) + ctx.ref("types", r.u32())
    elif kind == REF_TEST:
        heap, shared = _heap_type(r)
        text = " " + val_text(CoreRefType(bool(arg), heap, shared), names)
    elif kind == BR_ON_CAST:
        at = r.offset
        flags = r.byte()
        if flags > 3:
            raise BinaryError(f"invalid br_on_cast flags {flags:#04x}", at)
        target = labels.target(depth, r.u32())
        from_ref = CoreRefType(bool(flags & 1), *_heap_type(r))
        to_ref = CoreRefType(bool(flags & 2), *_heap_type(r))
        text = target + " " + val_text(from_ref, names) + " " + val_text(to_ref, names)
    elif kind == MEMORY_INIT:
        data = r.u32()
        memory = r.u32()
        text = (ctx.ref("memories", memory) if memory else "") + ctx.ref("datas", data)
    elif kind == TABLE_INIT:
        elem = r.u32()
        table = r.u32()
        text = (ctx.ref("tables", table) if table else "") + ctx.ref("elems", elem)
    elif kind in (MEMORY_COPY, TABLE_COPY):
        space = "memories" if kind == MEMORY_COPY else "tables"
        dst = r.u32()
        src = r.u32()
        text = ctx.ref(space, dst) + ctx.ref(space, src) if dst or src else ""
    elif kind == V128:
        raw = r.bytes(16)
        text = " i32x4" + "".join(
            f" 0x{int.from_bytes(raw[i:i + 4], 'little'):08x}" for i in range(0, 16, 4))
    elif kind == SHUFFLE:
        text = "".join(" " + str(b) for b in r.bytes(16))
    elif kind == LANE:
        text = " " + str(r.byte())
    elif kind == FENCE:
        at = r.offset
        if r.byte() != 0:
            raise BinaryError("invalid atomic.fence flags", at)
        text = ""
    else:  # pragma: no cover - every kind of the table is handled above
        raise AssertionError(f"no immediates reader for kind {kind}")
    return text, r.pos


_SPACES = {LOCAL: "locals", GLOBAL: "globals", FUNC: "funcs", TABLE: "tables", TAG: "tags",
           DATA: "datas", ELEM: "elems", TYPE: "types"}


# -- constant expressions -----------------------------------------------------------------


def const_expr_text(data: bytes, start: int, ctx: BodyContext, base: int = 0) -> tuple[list[str], int]:
    """The instructions of a constant expression at `data[start:]` as texts (`i32.const 0`,
    `global.get $g`), and the offset just after its `end`."""
    r = Reader(data, start, len(data), base)
    texts: list[str] = []
    labels = _Labels(None)  # a constant expression has no blocks of its own
    pos = start
    while True:
        if pos >= len(data):
            raise BinaryError("constant expression has no `end`", base + pos)
        op = data[pos]
        at = pos
        pos += 1
        if op == 0x0B:
            return texts, pos
        kind = _KINDS[op]
        name = _NAMES[op]
        arg = _ARGS[op]
        if kind == PREFIX:
            sub, pos = _u32(r, pos)
            entry = _PREFIXED[op].get(sub)
            if entry is None:
                raise BinaryError(f"unknown opcode 0x{op:02x} 0x{sub:x}", base + at)
            name, kind, arg = entry
        elif name is None:
            raise BinaryError(f"unknown opcode 0x{op:02x}", base + at)
        text, pos = _operands(kind, arg, r, pos, ctx, labels, 0)
        texts.append(name + text)
