"""binary/component.py and sections.py: the preamble, section framing, lazy nested
components, and sections wasm-tools cannot write (the 🪙 value section)."""

from __future__ import annotations

import pytest

from composer.binary import sections as S
from composer.model import types as T
from composer.binary.component import Component, is_component
from composer.binary.writer import encode_u
from composer.errors import ValidationError
from composer.model.elaborate import FEATURES, elaborate

from support.build import wat

PREAMBLE = b"\x00asm\x0d\x00\x01\x00"


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + encode_u(len(payload)) + payload


def test_value_section_round_trips_and_feeds_the_value_index_space():
    values = b"\x02" + b"\x79\x01\x05" + b"\x73\x03\x02hi"  # u32 5, string "hi"
    exports = b"\x01" + b"\x00\x01v" + b"\x02\x01" + b"\x00"  # export "v" (value 1)
    data = PREAMBLE + section(12, values) + section(11, exports)
    comp = Component.decode(data)
    assert comp.encode() == data
    (value_section, export_section) = comp.sections
    assert isinstance(value_section, S.ValueSection)
    assert [bytes(v.data) for v in value_section.items] == [b"\x05", b"\x02hi"]
    # read back, but not valid: wasm-tools 1.262 has no value section, whatever features
    with pytest.raises(ValidationError, match="a value section"):
        elaborate(comp, features=FEATURES)


def test_nested_components_stay_bytes_until_decoded():
    data = wat("""(component
      (component $inner (import "f" (func)) (export "g" (func 0)))
      (core module $m)
    )""")
    comp = Component.decode(data)
    nested = next(comp.of_kind(S.ComponentSection))
    module = next(comp.of_kind(S.CoreModuleSection))
    assert isinstance(nested.data, memoryview) and isinstance(module.data, memoryview)
    # views into the input itself, at the offsets the sections were read from
    assert nested.data.obj is data and module.data.obj is data
    assert bytes(nested.data) == data[nested.offset : nested.offset + len(nested.data)]
    assert bytes(module.data) == data[module.offset : module.offset + len(module.data)]
    inner = Component.decode_nested(nested)
    assert inner.offset == nested.offset  # offsets stay file-absolute
    assert [s.LABEL for s in inner.sections][:2] == ["type", "import"]
    assert inner.encode() == bytes(nested.data)


def test_custom_sections_are_kept_verbatim():
    data = PREAMBLE + section(0, b"\x04note" + b"\xff\x00payload")
    comp = Component.decode(data)
    (custom,) = comp.sections
    assert custom.name == "note" and bytes(custom.data) == b"\xff\x00payload"
    assert comp.encode() == data


def test_is_component():
    assert is_component(PREAMBLE)
    assert not is_component(b"\x00asm\x01\x00\x00\x00")
    assert not is_component(b"junk")


def test_start_section():
    data = wat("""(component
      (import "f" (func $f (param "x" u32) (result u32)))
      (import "v" (value $v u32))
      (start $f (value $v) (result (value $r)))
      (export "r" (value $r))
    )""")
    comp = Component.decode(data)
    start = next(comp.of_kind(S.StartSection))
    assert (start.start.func, start.start.args, start.start.results) == (0, (0,), 1)
    assert comp.encode() == data
    assert elaborate(comp, features=FEATURES).exports["r"] == T.ValueExtern(T.PRIMS["u32"])


@pytest.mark.parametrize("name", ["nested", "seed-app", "all-sections"])
def test_section_sizes_are_the_sizes_wasm_tools_objdump_gives(small_fixtures, name):
    # section_sizes sizes a component without decoding it (the worker's load cache charges
    # what a kept component holds by it): the payload sizes of its top-level core modules
    # and components are those wasm-tools objdump prints, and the sections tile the file
    import re

    from composer.binary.component import section_sizes
    from support.oracle import wasm_tools

    data = small_fixtures[name].read_bytes()
    sizes = list(section_sizes(data))
    assert 8 + sum(1 + len(encode_u(size)) + size for _, size in sizes) == len(data)
    dumped = wasm_tools("objdump", str(small_fixtures[name])).stdout.decode()
    top = [m.groups() for m in re.finditer(r"^  (module|component)\s+\|.*\|\s+(\d+) bytes",
                                          dumped, re.M)]
    assert top  # every one of these fixtures embeds some
    ours = [("module" if sid == S.CORE_MODULE else "component", str(size))
            for sid, size in sizes if sid in (S.CORE_MODULE, S.COMPONENT)]
    assert ours == top
