"""The `name` section as the printer writes names: every kind of name, wasm-tools' renaming of
empty, `#`-prefixed and repeated names, and name sections malformed in many ways (read up to
the fault). Each module is printed by the oracle and by us (as a skeleton: no function body
is needed to show the names of everything else)."""

from __future__ import annotations

import pytest

from composer.binary.writer import encode_u
from composer.text.wat.names import read_names
from support.build import wat
from support.watprint import custom, oracle_print, our_print, string, vec

# Every index space a name section names, without a name section of its own (no `$ids`):
# names are added by hand below.
BASE = wat("""
(module
  (type (struct (field i32) (field (mut i64)) (field f32)))
  (type (func (param i32 i64 f32) (result i32)))
  (type (func))
  (import "m" "f" (func (type 1)))
  (import "m" "t" (table 1 funcref))
  (import "m" "mem" (memory 1))
  (import "m" "g" (global i32))
  (import "m" "tag" (tag (type 2)))
  (func (type 1) (local i32 i64) i32.const 0)
  (func (type 2))
  (func (type 1) i32.const 1)
  (elem func 0 1)
  (elem func 2)
  (data "a")
  (data "b")
)""")


def subsection(sub_id: int, payload: bytes) -> bytes:
    return bytes([sub_id]) + encode_u(len(payload)) + payload


def name_map(names: dict[int, str | bytes]) -> bytes:
    return vec([encode_u(i) + string(n) for i, n in names.items()])


def indirect(maps: dict[int, dict[int, str | bytes]]) -> bytes:
    return vec([encode_u(i) + name_map(m) for i, m in maps.items()])


def with_names(*subsections: bytes, base: bytes = BASE) -> bytes:
    return base + custom("name", b"".join(subsections))


def same(data: bytes) -> None:
    assert our_print(data, skeleton=True) == oracle_print(data, skeleton=True)


PLAIN_KINDS = [(1, "funcs"), (4, "types"), (5, "tables"), (6, "memories"), (7, "globals"),
               (8, "elems"), (9, "datas"), (11, "tags")]


@pytest.mark.parametrize("sub_id", [k for k, _ in PLAIN_KINDS])
def test_each_kind_of_name(sub_id: int):
    # plain, quoted, repeated, empty and #-prefixed names of one index space
    same(with_names(subsection(sub_id, name_map({0: "a", 1: "a b\u2603\"\\\t", 2: "a"}))))
    same(with_names(subsection(sub_id, name_map({0: "", 1: "#x", 2: "ok"}))))


def test_module_names():
    for name in ("m", "my mod", "", "#m", "a\u00e9\x7f"):
        same(with_names(subsection(0, string(name))))


def test_locals_and_fields():
    # the params of funcs 0 and 1 (one imported) print in their headers; names repeat only
    # within one function (or one struct type)
    locals_ = indirect({0: {0: "x", 1: "x", 2: ""}, 1: {1: "#p", 2: "x"}, 3: {0: "q"}})
    fields = indirect({0: {0: "f", 1: "f", 2: "g h"}})
    same(with_names(subsection(2, locals_), subsection(10, fields)))


def test_a_named_param_alone_in_its_group():
    for names in ({1: "b"}, {0: "a"}, {2: "c"}, {0: "a", 2: "c"}, {0: "a", 1: "b", 2: "c"}):
        same(with_names(subsection(2, indirect({0: names}))))


def test_later_names_replace_earlier_ones():
    # the same index twice in one map, and a second name section
    data = with_names(subsection(1, name_map({0: "a", 0: "b", 1: "c"})))  # noqa: F601
    data = data + custom("name", subsection(1, name_map({1: "d"})) + subsection(0, string("m2")))
    same(data)


MALFORMED = {
    "truncated map": subsection(1, name_map({0: "a", 1: "b"}))[:-1],
    "size past the end": bytes([1, 50]) + name_map({0: "a"}),
    "bad UTF-8 midway": subsection(1, name_map({0: "a", 1: b"\xff", 2: "c"})),
    "trailing map bytes": subsection(1, name_map({0: "a"}) + b"\x00"),
    "trailing module bytes": subsection(0, string("m") + b"x"),
    "bad local UTF-8": subsection(2, indirect({0: {0: "a", 1: b"\xc3"}})),
    "truncated indirect": subsection(2, indirect({0: {0: "a"}, 1: {0: "b"}})[:-2]),
    "count too large": subsection(1, encode_u(5) + encode_u(0) + string("a")),
    "overlong index": subsection(1, b"\x01\x80\x80\x80\x80\x80\x00" + string("a")),
}


@pytest.mark.parametrize("fault", list(MALFORMED))
def test_malformed_name_sections_keep_what_came_before(fault: str):
    before = subsection(0, string("m"))
    after = subsection(6, name_map({0: "mem"}))
    same(with_names(before, MALFORMED[fault], after))
    same(with_names(MALFORMED[fault]))


def test_unknown_subsections_are_skipped():
    same(with_names(subsection(1, name_map({0: "a"})), subsection(42, b"\x01\x02"),
                    subsection(7, name_map({0: "g"}))))


def test_names_object():
    payload = (subsection(1, name_map({0: "a", 1: "a"})) + subsection(3, indirect({1: {0: "l", 1: "l"}})))
    names = read_names(payload, 0, len(payload))
    assert names.funcs[0] == "$a"
    # labels may shadow each other: a repeated label keeps its name
    assert names.labels[1] == {0: "$l", 1: "$l"}
    assert names.define(names.funcs[1]).endswith('(@name "a")')
    assert names.definition(names.funcs, 0) == "$a (;0;)"
    assert names.definition(names.funcs, 7) == "(;7;)"


def raw_map(pairs: list[tuple[int, str | bytes]]) -> bytes:
    """A name map with its entries as given (in any order, repeated)."""
    return vec([encode_u(i) + string(n) for i, n in pairs])


ORDER = {
    "subsection ids down": [subsection(7, name_map({0: "g"})), subsection(1, name_map({0: "a"}))],
    "subsection id twice": [subsection(1, name_map({0: "a"})), subsection(1, name_map({1: "b"}))],
    "unknown id before a known one": [subsection(12, b""), subsection(11, name_map({0: "t"}))],
    "module name last": [subsection(1, name_map({0: "a"})), subsection(0, string("m"))],
    "indices down": [subsection(1, raw_map([(1, "x"), (0, "y")])), subsection(7, name_map({0: "g"}))],
    "index twice": [subsection(1, raw_map([(0, "x"), (0, "y"), (1, "z")]))],
    "functions down": [subsection(2, vec([encode_u(1) + raw_map([(1, "x")]),
                                          encode_u(0) + raw_map([(0, "y")])]))],
    "locals down": [subsection(2, vec([encode_u(0) + raw_map([(1, "x"), (0, "y")]),
                                       encode_u(1) + raw_map([(0, "z")])]))],
    "second function's map malformed": [
        subsection(2, vec([encode_u(0) + raw_map([(1, "x")]), encode_u(1) + raw_map([(0, b"\xff")])])),
        subsection(7, name_map({0: "g"}))],
}


@pytest.mark.parametrize("case", list(ORDER))
def test_names_out_of_order_end_the_section(case: str):
    same(with_names(*ORDER[case]))
