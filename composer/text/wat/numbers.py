"""The text of floating-point constants as `wasm-tools print` writes them: the exact value as a
hexadecimal float (`0x1.99999ap-4`), `inf`, `nan` or `nan:0x...` for a payload other than the
canonical one, each signed with `-`, followed by a comment with the shortest decimal that
reads back to the same value (`(;=0.1;)`), in the form Rust's `Display` gives it: never an
exponent (`100000000000000000000`, `0.0000001`), `-0`, `inf`, `-inf`, and `NaN` for every NaN.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from functools import lru_cache


class _Format:
    """The layout of an IEEE 754 binary format: `width` bits, `exp_bits` of exponent."""

    __slots__ = ("width", "mantissa", "bias", "sign", "exp_mask", "frac_mask", "quiet")

    def __init__(self, width: int, exp_bits: int) -> None:
        self.width = width
        self.mantissa = width - 1 - exp_bits
        self.bias = (1 << (exp_bits - 1)) - 1
        self.sign = 1 << (width - 1)
        self.exp_mask = ((1 << exp_bits) - 1) << self.mantissa
        self.frac_mask = (1 << self.mantissa) - 1
        self.quiet = 1 << (self.mantissa - 1)  # the canonical NaN's payload


_F32 = _Format(32, 8)
_F64 = _Format(64, 11)


def _hex_float(fmt: _Format, bits: int) -> str:
    """The unsigned value of `bits` (sign removed) as the hex float wasm-tools writes: `0x0p+0`,
    `0x1p+0`, `0x1.8p+1`; a subnormal normalised to a leading 1 (`0x1.p-149` when nothing
    is left after that 1: the point is written whenever the stored fraction is not zero)."""
    if bits == 0:
        return "0x0p+0"
    biased = bits >> fmt.mantissa
    fraction = bits & fmt.frac_mask
    exponent = biased - fmt.bias
    if fraction == 0:
        return f"0x1p{exponent:+d}"
    if biased == 0:  # subnormal: shift the first set bit out as the implicit 1
        leading = fmt.mantissa - fraction.bit_length()
        fraction = (fraction << (leading + 1)) & fmt.frac_mask
        exponent -= leading
    # The fraction's nibbles from the top, trailing zero nibbles dropped.
    digits = fmt.mantissa + (-fmt.mantissa) % 4
    text = f"{fraction << (digits - fmt.mantissa):0{digits // 4}x}".rstrip("0")
    return f"0x1.{text}p{exponent:+d}"


def _plain_decimal(digits: str, exponent: int) -> str:
    """`0.digits * 10**exponent` in positional notation (no exponent), as Rust prints floats."""
    if exponent <= 0:
        return "0." + "0" * -exponent + digits
    if exponent >= len(digits):
        return digits + "0" * (exponent - len(digits))
    return digits[:exponent] + "." + digits[exponent:]


def _f64_decimal(value: float) -> str:
    """The shortest round-trip decimal of a finite non-negative double in positional
    notation. Python's repr finds the same digits as Rust's but for a tie between two closest
    decimals, which Python breaks to even and Rust upwards."""
    if value == 0:
        return "0"
    mantissa, _, exp = repr(value).partition("e")
    whole, _, frac = mantissa.partition(".")
    scaled = int(whole + frac)
    exponent = int(exp or 0) - len(frac)
    up = scaled + 1
    if float(f"{up}e{exponent}") == value:
        exact = Fraction(value)
        ten = Fraction(10) ** exponent
        if abs(up * ten - exact) == abs(scaled * ten - exact):
            scaled = up
    digits = str(scaled)
    stripped = digits.rstrip("0")
    return _plain_decimal(stripped, len(digits) + exponent)


def _f32_round_trips(text: str, bits: int) -> bool:
    try:
        return struct.unpack("<I", struct.pack("<f", float(text)))[0] == bits
    except OverflowError:
        return False


def _f32_decimal(bits: int) -> str:
    """The shortest decimal that reads back as the single-precision `bits` (finite,
    non-negative), the closest to the exact value among those of that length."""
    value = struct.unpack("<f", struct.pack("<I", bits))[0]
    if value == 0:
        return "0"
    exact = Fraction(value)
    for precision in range(1, 10):
        nearest = f"{value:.{precision - 1}e}"
        mantissa, exp = nearest.split("e")
        scaled = int(mantissa.replace(".", ""))
        exponent = int(exp) - (precision - 1)
        # The neighbours of the nearest decimal may round-trip when it does not (at a power
        # of two the interval that reads back to `bits` is not centred on the value).
        found = []
        for candidate in (scaled, scaled - 1, scaled + 1):
            if candidate > 0 and _f32_round_trips(f"{candidate}e{exponent}", bits):
                found.append(candidate)
        if found:
            # Rust breaks a tie between two closest decimals upwards (Python's `e` format
            # rounds half to even).
            best = min(found, key=lambda c: (abs(Fraction(c) * Fraction(10) ** exponent - exact), -c))
            digits = str(best)
            stripped = digits.rstrip("0")
            return _plain_decimal(stripped, len(digits) + exponent)
    raise AssertionError("no round-trip decimal within 9 digits")  # 9 always suffice


def _float_text(fmt: _Format, bits: int, decimal: str) -> str:
    sign = "-" if bits & fmt.sign else ""
    bits &= ~fmt.sign
    if bits & fmt.exp_mask == fmt.exp_mask:
        payload = bits & fmt.frac_mask
        if payload == 0:
            return f"{sign}inf (;={sign}inf;)"
        if payload == fmt.quiet:
            return f"{sign}nan (;=NaN;)"
        return f"{sign}nan:{payload:#x} (;=NaN;)"
    return f"{sign}{_hex_float(fmt, bits)} (;={sign}{decimal};)"


@lru_cache(maxsize=4096)
def f32_text(bits: int) -> str:
    """The text of an `f32.const` immediate (its raw bits), with its decimal comment."""
    bits &= 0xFFFFFFFF
    magnitude = bits & 0x7FFFFFFF
    decimal = _f32_decimal(magnitude) if magnitude < 0x7F800000 else ""
    return _float_text(_F32, bits, decimal)


@lru_cache(maxsize=4096)
def f64_text(bits: int) -> str:
    """The text of an `f64.const` immediate (its raw bits), with its decimal comment."""
    bits &= 0xFFFFFFFFFFFFFFFF
    magnitude = bits & 0x7FFFFFFFFFFFFFFF
    value = struct.unpack("<d", struct.pack("<Q", magnitude))[0]
    decimal = _f64_decimal(value) if math.isfinite(value) else ""
    return _float_text(_F64, bits, decimal)
