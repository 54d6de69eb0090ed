"""`print_wasm`: a component or a core module, told apart by the preamble's layer field, each
printed as `wasm-tools print` prints it; anything else refused with a `BinaryError`."""

from __future__ import annotations

import pytest

from composer.errors import BinaryError
from composer.text.wat import print_wasm
from support.build import wat
from support.watprint import oracle_print

MODULE = wat('(module $m (func (export "f") (result i32) i32.const 1) (memory 1))')
COMPONENT = wat('(component $c (core module $m (func (export "f"))) (type (func)))')


@pytest.mark.parametrize("data", [MODULE, COMPONENT], ids=["core module", "component"])
@pytest.mark.parametrize("skeleton", [False, True])
def test_prints_as_the_oracle(data: bytes, skeleton: bool) -> None:
    text = print_wasm(data, skeleton=skeleton)
    assert text == oracle_print(data, skeleton=skeleton)
    assert text.endswith(")\n")


def test_a_memoryview_prints_as_bytes() -> None:
    assert print_wasm(memoryview(COMPONENT)) == print_wasm(COMPONENT)


@pytest.mark.parametrize("data", [
    b"",
    b"\0as",
    b"not wasm at all",
    b"\0asm\x0d\x00\x02\x00",  # an unknown layer
    b"\0asm\x0c\x00\x01\x00",  # an unknown component version
    b"\0asm\x02\x00\x00\x00",  # an unknown core version
    COMPONENT[:-3],  # truncated
    MODULE[:-3],
], ids=["empty", "short", "no magic", "layer", "version", "core version", "truncated",
        "truncated module"])
def test_refuses_what_is_not_webassembly(data: bytes) -> None:
    with pytest.raises(BinaryError) as err:
        print_wasm(data)
    assert err.value.offset is not None
