"""Float constants against the oracle: bit patterns of every class (zeros, subnormals,
normals at every exponent, infinities, canonical and other NaNs of both signs, decimal ties)
in `f32.const`/`f64.const` instructions, printed by wasm-tools and by composer."""

from __future__ import annotations

import random
import struct

from tests.text.wat.test_instructions import body_module, compare_binary


def _f32_patterns(rnd: random.Random) -> list[int]:
    special = [0, 1, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FA00000,
               0xFF800001, 0x3DCCCCCD, 0x007FFFFF, 0x00400000, 0x7F7FFFFF, 0x3F800000,
               0x469a8a20, 0x4a2e3844, 0x39800000]  # the last three: decimal ties
    exponents = [e << 23 for e in range(256)] + [(e << 23) | 1 for e in range(256)]
    decimals = [struct.unpack("<I", struct.pack("<f", float(f"{rnd.randint(1, 999)}e{rnd.randint(-45, 35)}")))[0]
                for _ in range(500)]
    return special + exponents + decimals + [rnd.getrandbits(32) for _ in range(1000)]


def _f64_patterns(rnd: random.Random) -> list[int]:
    special = [0, 1, 1 << 63, 0x7FF0000000000000, 0x7FF8000000000000, 0xFFF8000000000001,
               0x3FB999999999999A, 0x000FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF,
               0x43124AE377EC76D0, 0x3E60000000000000]  # the last two: decimal ties
    exponents = [e << 52 for e in range(2048)]
    decimals = [struct.unpack("<Q", struct.pack("<d", float(f"{rnd.randint(1, 999)}e{rnd.randint(-320, 305)}")))[0]
                for _ in range(500)]
    return special + exponents + decimals + [rnd.getrandbits(64) for _ in range(1000)]


def test_float_constants_as_wasm_tools_prints_them() -> None:
    rnd = random.Random(22)
    body = b"".join(b"\x43" + struct.pack("<I", bits) + b"\x1a" for bits in _f32_patterns(rnd))
    body += b"".join(b"\x44" + struct.pack("<Q", bits) + b"\x1a" for bits in _f64_patterns(rnd))
    compare_binary(body_module(b"\x00" + body + b"\x0b"))

