"""The `component-name` custom section: decode/encode symmetry, and the names the composer
writes into its output, read back by wasm-tools (the oracle) and by our own reader."""

from __future__ import annotations

import pytest

from composer.binary import sections as S
from composer.binary.component import Component
from composer.binary.namesec import SECTION_NAME, ComponentNames
from composer.link.compose import compose
from composer.errors import BinaryError

from support.build import wat
from support.oracle import wasm_tools


def test_round_trip_of_every_subsection_kind():
    names = ComponentNames.build("outer", component={1: "b", 0: "a"}, instance={0: "x"},
                                 core_module={2: "m"})
    names = names.replace(unknown=((7, b"\x01\x02"),))
    data = names.encode()
    again = ComponentNames.decode(data)
    assert again == names and again.encode() == data
    assert again.names_of("component") == {0: "a", 1: "b"}
    assert again.names_of("core module") == {2: "m"}


def test_reads_what_wasm_tools_writes():
    binary = wat('(component $outer (component $inner) (instance $made (instantiate $inner)))')
    (section,) = [s for s in Component.decode(binary).sections
                  if isinstance(s, S.CustomSection) and s.name == SECTION_NAME]
    names = ComponentNames.decode(section.data)
    assert names.component == "outer"
    assert names.names_of("component") == {0: "inner"}
    assert names.names_of("instance") == {0: "made"}
    assert names.encode() == bytes(section.data)  # byte for byte


def test_damaged_subsection_reports_its_offset():
    with pytest.raises(BinaryError) as info:
        ComponentNames.decode(b"\x01\x10\x05", base=100)
    assert "runs past the end" in str(info.value) and "0x" in str(info.value)


def test_composed_output_names_its_components_and_instances(small_fixtures):
    data = compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data
    printed = wasm_tools("print", "--skeleton", "-", input=data).stdout.decode()
    assert "(component $seed-app.wasm" in printed and "(component $seed-ops.wasm" in printed
    assert "(instance $root" in printed and "(instance $seed-ops" in printed
