"""WAVE values: the parser on its own, then every value type of the value-types fixture sent
through a real call (`compose run --invoke` in-process) and printed back."""

from __future__ import annotations

import pytest

from composer.text import wave
from composer.host.execute import Host, HostConfig, RunError, invoke


def test_parse_call_splits_name_and_arguments():
    name, args = wave.parse_call('example:a/b@1.0.0#f("x, y", [1, 2], {a: 1})')
    assert name == "example:a/b@1.0.0#f"
    assert [a.kind for a in args] == ["string", "list", "record"]
    assert args[0].value == "x, y"


@pytest.mark.parametrize("text, kind, value", [
    ('"a\\"b\\\\c\\n\\u{48}"', "string", 'a"b\\c\nH'),
    ("'\\''", "char", "'"),
    ("-12", "number", "-12"),
    ("1.5e3", "number", "1.5e3"),
    ("some(x)", "label", ("some", wave.Node("label", ("x", None), 5))),
    ("{read, write}", "flags", ["read", "write"]),
    ("{}", "record", []),
    ("%true", "label", ("true", None)),
])
def test_parse_value(text, kind, value):
    node = wave.parse_value(text)
    assert node.kind == kind
    assert node.value == value


@pytest.mark.parametrize("text, message", [
    ('"open', "unterminated string at column 1"),
    ("[1, 2", "expected `,` or `]` at column 6"),
    ("{x: 1, y}", "a record field needs a `:` and a value at column 1"),
    ("'ab'", "a char holds exactly one character"),
    ('"\\q"', "unknown escape `\\q`"),
    ("1 2", "unexpected `2` after the value"),
    ("", "expected a value, found the end"),
])
def test_parse_errors_say_where(text, message):
    with pytest.raises(wave.WaveError, match=None) as info:
        wave.parse_value(text)
    assert message in info.value.message


ECHOES = [
    "echo-bool(true)", "echo-bool(false)", "echo-s8(-128)", "echo-u8(255)", "echo-s16(-32768)",
    "echo-u16(65535)", "echo-s32(-2147483648)", "echo-u32(4294967295)",
    "echo-s64(-9223372036854775808)", "echo-u64(18446744073709551615)", "echo-f32(1.5)",
    "echo-f64(-0.25)", "echo-f64(inf)", "echo-f64(nan)", "echo-char('x')", "echo-char('😀')",
    'echo-string("tab\\there \\"quoted\\" \\\\ ünïcode")', "echo-list([1, 2, 3])", "echo-list([])",
    'echo-strings(["a", "", "c"])', "echo-point({x: -1, y: 2})", 'echo-pair((7, "seven"))',
    "echo-tuple((9, true))", "echo-shape(circle(2.5))", "echo-shape(square(4))",
    "echo-shape(empty)", "echo-color(blue)", "echo-perms({read, exec})", "echo-perms({})",
    "echo-option(some(4))", "echo-option(none)",
]


@pytest.fixture(scope="module")
def host():
    return Host(HostConfig())


@pytest.mark.parametrize("expr", ECHOES)
def test_every_value_type_round_trips_through_a_real_call(host, small_fixtures, expr):
    argument = expr[expr.index("(") + 1 : -1]
    assert invoke(host, small_fixtures["value-types"], expr) == argument


@pytest.mark.parametrize("expr, printed", [
    ("check(true)", "ok"), ("check(false)", "err"), ("always-ok(3)", "ok(3)"),
    ('fail("boom")', 'err("boom")'), ("parity(4)", "ok(4)"), ("parity(3)", 'err("odd")'),
    ("sum-many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)", "153"),
])
def test_results_and_many_arguments(host, small_fixtures, expr, printed):
    assert invoke(host, small_fixtures["value-types"], expr) == printed


@pytest.mark.parametrize("expr, message", [
    ("echo-u8(256)", "256 is out of range for u8 (0..255)"),
    ("echo-u8(-1)", "-1 is out of range for u8"),
    ("echo-u8(1.5)", "expected a u8, found `1.5`"),
    ("echo-color(pink)", "expected an enum { red, green, blue }, found `pink`"),
    ("echo-point({x: 1})", "missing field `y` of record { x: s32, y: s32 }"),
    ("echo-point({x: 1, y: 2, z: 3})", "has no field `z`"),
    ("echo-shape(square)", "case `square` of variant"),
    ("echo-option(4)", "expected an option<u32>, found `4`"),
    ("echo-perms({read, fly})", "expected a flags { read, write, exec }"),
    ("echo-tuple((1,))", "expected a tuple<u32, bool>"),
    ("echo-char(\"xy\")", "expected a char"),
])
def test_wrong_arguments_say_what_was_expected(host, small_fixtures, expr, message):
    with pytest.raises(RunError) as info:
        invoke(host, small_fixtures["value-types"], expr)
    assert message in info.value.message
    assert "(expected example:values/all-types@0.1.0#" in info.value.message


def test_a_returned_resource_prints_as_a_handle(host, small_fixtures):
    assert invoke(host, small_fixtures["value-types"], "[constructor]blob([1, 2])") == "<resource handle>"


def test_resources_cannot_be_written_on_the_command_line(host, small_fixtures):
    with pytest.raises(RunError, match="cannot be written on the command line"):
        invoke(host, small_fixtures["value-types"], "consume-blob(1)")
