"""The component printer against the oracle: components written in WAT per feature (every
section kind, every type, alias and canon form), components made by hand through the binary
layer (name sections, name attributes, every canon built-in), and the fixtures; each printed
by `wasm-tools print` and by us, whole and as a skeleton."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from composer.binary import canon as c
from composer.binary.component import Component
from composer.binary.coretypes import CoreFuncType
from composer.binary.nameattributes import ExternalId, Implements, NameAttributes, VersionSuffix
from composer.binary.sections import (
    CanonSection, ComponentSection, CoreTypeSection, ImportSection, TypeSection, ValueSection,
)
from composer.binary.types import ExternFunc, FuncType, ImportDecl, Stream
from composer.binary.values import Value
from composer.binary.writer import encode_u
from composer.errors import BinaryError
from composer.text.wat import print_wasm
from support.build import wat
from support.oracle import wasm_tools
from support.watprint import custom, oracle_print, string, vec



def same(data: bytes) -> None:
    assert print_wasm(data) == oracle_print(data)
    assert print_wasm(data, skeleton=True) == oracle_print(data, skeleton=True)


# -- per feature, in WAT --------------------------------------------------------------

FEATURES = {
    "empty": "(component)",
    "named": "(component $c (type $t (func)) (type (func (param \"x\" $t))))",
    "value types": """(component
      (type $r (resource (rep i32)))
      (type (list u8 4)) (type (map string u32)) (type error-context)
      (type (stream)) (type (stream u8)) (type (future)) (type (future string))
      (type (variant (case "a") (case "b" u32))) (type (flags "x" "y")) (type (enum "p" "q"))
      (type (tuple u8 string)) (type (result)) (type (result u8)) (type (result (error u8)))
      (type (result u8 (error string))) (type (option (own $r))) (type (borrow $r))
      (type (record (field "a" bool) (field "b" s8) (field "c" u64) (field "d" f32)
                    (field "e" f64) (field "f" char) (field "g" s16) (field "h" u16)))
      (type (func async (param "a" u32) (param "b" string) (result (list u8)))))""",
    "component and instance types": """(component $c
      (type $t (func))
      (type (component
        (import "a" (func (type 0)))
        (core type (module (import "m" "f" (func)) (export "g" (global i32))))
        (import "m" (core module (type 0)))
        (import "v" (value string))
        (import "r" (type (sub resource)))
        (import "e" (type (eq 2)))
        (alias outer $c $t (type))
        (type (instance (export "x" (func))))
        (export "i" (instance (type 6)))
        (export "c" (component))))
      (import "i" (instance (export "f" (func (param "a" u32)))
                            (export "t" (type (sub resource)))
                            (export "u" (type (eq 0))))))""",
    "core types": """(component $c
      (core type $t (func (param i32 i64) (result f32 f64)))
      (core type (struct (field (ref $t)) (field (ref null $t)) (field funcref) (field i8)
                         (field (mut i16)) (field externref) (field (ref any))))
      (core type (array (mut i8)))
      (core type (sub (func)))
      (core type (shared (func (param i32))))
      (core rec (type $a (sub (func))) (type (sub final $a (func (param (ref $a))))))
      (core type (module
        (type (func (param i32) (result i64)))
        (alias outer $c $t (type))
        (import "a" "b" (func (type 0)))
        (import "a" "c" (memory i64 1 (pagesize 1)))
        (import "a" "d" (table 1 2 funcref))
        (import "a" "e" (tag (type 0)))
        (import "a" "f" (global (mut (ref null 0))))
        (rec (type (struct)) (type (array i32)))
        (export "g" (func (type 1))))))""",
    "instances and aliases": """(component $top
      (core module $m (func (export "f")) (memory (export "mem") 1)
                      (table (export "t") 1 funcref) (global (export "g") i32 (i32.const 0))
                      (tag (export "e")))
      (core instance $i (instantiate $m))
      (alias core export $i "f" (core func $f))
      (alias core export $i "mem" (core memory $mem))
      (alias core export $i "t" (core table $tab))
      (alias core export $i "g" (core global $g))
      (alias core export $i "e" (core tag $tag))
      (core instance $j (export "f" (func $f)) (export "m" (memory $mem)) (export "e" (tag $tag))
                        (export "t" (table $tab)) (export "g" (global $g)))
      (core instance (instantiate $m (with "a" (instance $j)) (with "b" (instance $i))))
      (type $t (func))
      (component $inner
        (import "f" (func $f (type 0)))
        (alias outer $top $t (type $tt))
        (alias outer $top $m (core module))
        (export "g" (func $f)))
      (import "f" (func $imp (type $t)))
      (instance $a (instantiate $inner (with "f" (func $imp))))
      (alias export $a "g" (func $g))
      (instance (export "x" (func $g)) (export "t" (type $t)) (export "c" (component $inner))
                (export "i" (instance $a)) (export "m" (core module $m)))
      (export "g" (func $g))
      (export $e "h" (func $g) (func (type $t)))
      (export "c" (component $inner))
      (export "m" (core module $m)))""",
    "nested names": """(component $top
      (component $inner
        (component $deeper
          (alias outer $top $t (type $tt))
          (alias outer 2 0 (type))
          (core type (module (alias outer $top $ct (type))))))
      (type $t (func))
      (core type $ct (func)))""",
    "outer aliases by count": """(component
      (core type $t (func (param i32)))
      (component
        (alias outer 1 $t (core type $t2))
        (core type (module (alias outer 1 $t2 (type)) (import "a" "b" (func (type 0)))))
        (type (component (core type (module (alias outer 2 0 (type))))))
        (type (instance (alias outer 1 0 (core type))))))""",
    "canon": """(component
      (core module $m
        (memory (export "mem") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
        (func (export "f") (param i32 i32) (result i32) i32.const 0)
        (func (export "post") (param i32))
        (func (export "cb") (param i32 i32 i32) (result i32) i32.const 0)
        (func (export "dtor") (param i32)))
      (core instance $i (instantiate $m))
      (alias core export $i "mem" (core memory $mem))
      (alias core export $i "realloc" (core func $realloc))
      (alias core export $i "f" (core func $f))
      (alias core export $i "post" (core func $post))
      (alias core export $i "cb" (core func $cb))
      (alias core export $i "dtor" (core func $dtor))
      (type $ft (func (param "s" string) (result string)))
      (func $lifted (type $ft) (canon lift (core func $f) (memory $mem) (realloc $realloc)
                                           string-encoding=utf16 (post-return $post)))
      (func (type $ft) (canon lift (core func $f) (memory $mem) string-encoding=latin1+utf16))
      (type $aft (func async (param "s" string) (result string)))
      (func (type $aft) (canon lift (core func $f) async (callback $cb) (memory $mem)
                                    (realloc $realloc)))
      (core func (canon lower (func $lifted) (memory $mem) (realloc $realloc)))
      (core func (canon lower (func $lifted) async (memory $mem) (realloc $realloc)))
      (type $r (resource (rep i32) (dtor (core func $dtor))))
      (type $r2 (resource (rep i32)))
      (core func (canon resource.new $r))
      (core func (canon resource.drop $r))
      (core func (canon resource.rep $r))
      (core func (canon task.return (result string) (memory $mem) string-encoding=utf8))
      (core func (canon task.return))
      (core func (canon context.get i32 0))
      (core func (canon context.set i32 1)))""",
    "start and values": """(component
      (import "v" (value $v u32))
      (import "f" (func $f (param "x" u32)))
      (start $f (value $v))
      (export "w" (value $v)))""",
    "custom sections": """(component
      (@producers (language "Rust" "1.2") (processed-by "a" "b") (processed-by "c" "d")
                  (sdk "x" "y"))
      (@custom "hello" "w\\00rld\\ff\\"\\\\")
      (type (func))
      (@custom "after" "")
      (core module (@custom "inner" "x")))""",
    "weird names": """(component $"my comp"
      (type $"a b" (func))
      (type $"x\\"y" (func))
      (import "\\u{e9}" (func $"\\u{e9}" (type 0)))
      (export "d" (func 0)))""",
}


@pytest.mark.parametrize("name", FEATURES)
def test_feature_prints_as_the_oracle(name: str) -> None:
    same(wat(FEATURES[name]))


# -- made by hand through the binary layer ----------------------------------------------

BASE = Component.decode(wat("""(component
  (type (func)) (type (func (param "a" u32))) (type (func (param "b" u32)))
  (type (func (param "c" u32))) (type (func (param "d" u32))) (type (func (param "e" u32)))
  (import "f" (func (type 0))) (import "g" (func (type 0))) (import "h" (func (type 0))))"""))


def name_map(sort: bytes, names: dict[int, str] | list[tuple[int, str]]) -> bytes:
    pairs = names.items() if isinstance(names, dict) else names
    return sort + vec([encode_u(i) + string(n) for i, n in pairs])


def subsection(sub_id: int, payload: bytes) -> bytes:
    return bytes([sub_id]) + encode_u(len(payload)) + payload


def with_names(*sections: bytes) -> bytes:
    return BASE.encode() + b"".join(custom("component-name", s) for s in sections)


TYPE, FUNC = b"\x03", b"\x01"

NAME_SECTIONS = {
    "renamed": [subsection(1, name_map(TYPE, {0: "dup", 1: "dup", 2: "", 3: "#type2",
                                              4: "a b", 5: "x\"y"}))],
    "component name": [subsection(0, string("c"))],
    "empty component name": [subsection(0, string(""))],
    "indices out of order": [subsection(1, name_map(TYPE, {0: "a", 3: "b", 2: "c", 5: "d"}))
                             + subsection(1, name_map(FUNC, {0: "f"}))],
    "repeated index": [subsection(1, name_map(TYPE, [(0, "a"), (0, "b")]))],
    "repeated subsection": [subsection(1, name_map(TYPE, {0: "a"}))
                            + subsection(1, name_map(TYPE, {1: "a", 0: "z"}))],
    "subsections in any order": [subsection(1, name_map(FUNC, {1: "g"}))
                                 + subsection(0, string("late"))],
    "two sections": [subsection(1, name_map(TYPE, {0: "a", 1: "b"})),
                     subsection(1, name_map(TYPE, {1: "c"})) + subsection(0, string("n"))],
    "malformed": [subsection(1, name_map(FUNC, {0: "f"})) + b"\x01\x7f"],
    "unknown subsection": [subsection(7, b"abc") + subsection(1, name_map(FUNC, {2: "h"}))],
}


@pytest.mark.parametrize("name", NAME_SECTIONS)
def test_names_as_the_oracle_reads_them(name: str) -> None:
    same(with_names(*NAME_SECTIONS[name]))


def test_name_attributes_in_the_oracles_order() -> None:
    attrs = (ExternalId("id"), VersionSuffix("-rc1"), Implements("a:b/c"))
    imports = ImportSection(tuple(
        ImportDecl(NameAttributes(f"i{n}", combo, 2), ExternFunc(0))
        for n, combo in enumerate(itertools.permutations(attrs, 2))
    ))
    same(Component((TypeSection((FuncType("sync", (), None),)), imports)).encode())


def _canon_values(field: str) -> list:
    if field in ("async_",):
        return [False, True]
    if field == "options":
        return [(), (c.MemoryOpt(0),), (c.AsyncOpt(), c.ReallocOpt(1), c.Utf8())]
    if field == "result":
        return [None, "u32", 0]
    if field == "valtype":
        return [0x7F, 0x7E]
    return [0]


CANONS = [
    kind(*combo)
    for kind in (c.Lower, *c.BUILTINS)
    for combo in itertools.product(*map(_canon_values, kind._NAMES))
]


@pytest.mark.parametrize("canon", CANONS, ids=lambda x: type(x).__name__)
def test_every_canon_builtin(canon: object) -> None:
    types = TypeSection((Stream("u8"),))
    core_types = CoreTypeSection((CoreFuncType(("i32",), ()),))
    same(Component((types, core_types, CanonSection((canon,)))).encode())


# -- fixtures -----------------------------------------------------------------------------

def test_every_small_fixture(small_fixtures: dict[str, Path]) -> None:
    # built by the session's fixture (a clean clone has none before it runs), so one test
    # over them all rather than a parameter each, which would be collected from an empty dir
    small = {n: p for n, p in small_fixtures.items() if p.stat().st_size < 1 << 20}
    assert len(small) >= 20
    for path in small.values():
        same(path.read_bytes())


# -- what the oracle refuses -------------------------------------------------------------


def test_value_section_is_refused_at_its_offset() -> None:
    data = Component((ValueSection((Value("u32", memoryview(b"\x05")),)),)).encode()
    with pytest.raises(BinaryError) as err:
        print_wasm(data)
    assert err.value.offset == 10  # the section's payload, after its id and size


def test_cancellable_is_refused() -> None:
    data = Component((CanonSection((c.ThreadYield(True),)),)).encode()
    with pytest.raises(BinaryError):
        print_wasm(data)


def test_malformed_nested_component_says_where() -> None:
    inner = memoryview(wat("(component (type (func)))")[:-2])
    data = Component((ComponentSection(inner),)).encode()
    with pytest.raises(BinaryError) as err:
        print_wasm(data)
    assert err.value.offset > 10  # inside the nested component, in the file's offsets


# -- outer aliases wasm-tools' own text does not read back ------------------------------
# wasm-tools names the component an outer alias refers to by its own name (its own
# component-name section's), but `wasm-tools parse` looks the identifier up among the
# components' headers, where a nested component carries the name its parent gives it. Where
# that does not find the same component, we write the header's identifier or the count
# (component_types.py `_outer_label`); everything else is wasm-tools' text.


def reads_back(data: bytes) -> tuple[str, str, str]:
    """Our text of `data`, wasm-tools' own, and `wasm-tools print` of what `wasm-tools parse`
    makes of ours (which must read)."""
    ours = print_wasm(data)
    back = wasm_tools("parse", "-", input=ours.encode()).stdout
    return ours, oracle_print(data), oracle_print(back)


def differences(ours: str, theirs: str) -> list[tuple[str, str]]:
    """The lines that differ, (theirs, ours), the texts having the same lines otherwise."""
    ours_lines, their_lines = ours.splitlines(), theirs.splitlines()
    assert len(ours_lines) == len(their_lines)
    return [(t.strip(), o.strip()) for t, o in zip(their_lines, ours_lines) if t != o]


def test_outer_alias_names_a_renamed_component_by_its_identifier() -> None:
    """A top-level component renamed (`$"#component0 " (@name "")`): wasm-tools writes the
    `(@name "")` in the alias too, which parse refuses; we write the identifier only."""
    nested = Component.decode(wat(FEATURES["nested names"]))
    unnamed = tuple(s for s in nested.sections if getattr(s, "name", None) != "component-name")
    renamed = Component(unnamed).encode() + custom("component-name", subsection(0, string("")))
    ours, theirs, back = reads_back(renamed)
    assert back == theirs
    renamed_aliases = [t.strip() for t in theirs.splitlines() if '(alias outer $"#component0 " (@name' in t]
    assert renamed_aliases
    assert differences(ours, theirs) == [(t, t.replace(' (@name "")', "")) for t in renamed_aliases]


def nested_with_own_name(parent_name: str | None) -> bytes:
    """A component holding one whose own component-name section calls it `own` and whose
    outer aliases name it so, the parent naming it `parent_name`."""
    inner = wat("""(component $own (type $t u8)
        (type (component (alias outer $own $t (type))))
        (type (instance (alias outer $own $t (type)))))""")
    names = b"" if parent_name is None else custom(
        "component-name", subsection(1, b"\x04" + vec([b"\x00" + string(parent_name)])))
    return wat("(component)") + b"\x04" + encode_u(len(inner)) + inner + names


def test_outer_alias_names_a_nested_component_as_its_header_does() -> None:
    """`(component $parent (;0;)` then `(alias outer $own ...)`: wasm-tools' text is refused
    ("outer component `own` not found"); ours names it `$parent`. The text cannot give a
    nested component two names: read back, it is named `parent` in both places."""
    data = nested_with_own_name("parent")
    with pytest.raises(subprocess.CalledProcessError):
        wasm_tools("parse", "-", input=oracle_print(data).encode())
    ours, theirs, back = reads_back(data)
    assert back == ours
    assert "(component $parent (;0;)" in theirs
    assert differences(ours, theirs) == [
        ("(alias outer $own $t (type (;0;)))", "(alias outer $parent $t (type (;0;)))")] * 2


def test_outer_alias_names_a_component_its_parent_does_not_name_by_count() -> None:
    data = nested_with_own_name(None)
    ours, theirs, back = reads_back(data)
    assert back == ours  # the nested component has no name any more
    assert "(component (;0;)" in theirs
    assert differences(ours, theirs) == [
        ("(alias outer $own $t (type (;0;)))", "(alias outer 1 $t (type (;0;)))")] * 2


def test_outer_alias_to_a_shadowed_identifier_is_by_count() -> None:
    """Two components named `$a`, an alias to the outer one: `$a` would find the inner one."""
    data = wat("(component $a (type $t u8) (component $a (type (component (alias outer 2 $t (type))))))")
    ours, theirs, back = reads_back(data)
    assert back == theirs
    assert differences(ours, theirs) == [
        ("(alias outer $a $t (type (;0;)))", "(alias outer 2 $t (type (;0;)))")]


def test_seed_composition_reads_back(composed_seed: Path) -> None:
    """The composition names its nested components after their files (`$seed-app.wasm`),
    which call themselves `seed-app`: wasm-tools' text of it is refused. Ours reads back;
    what it reads back to prints as our text, which is wasm-tools' but for the aliases (not
    as the original: the text gives a nested component one name, the one its header
    carries, so read back it calls itself `seed-app.wasm`)."""
    data = composed_seed.read_bytes()
    ours, theirs, back = reads_back(data)
    assert back == ours
    found = differences(ours, theirs)
    assert found and all(t.startswith("(alias outer $seed-app ")
                         and o == t.replace("$seed-app ", "$seed-app.wasm ", 1) for t, o in found)
    assert (skeleton := print_wasm(data, skeleton=True)) != oracle_print(data, skeleton=True)
    assert skeleton.count("$seed-app.wasm $") == len(found)


def test_outer_alias_past_the_outermost_component_is_a_comment() -> None:
    aliases = vec([b"\x03\x02" + encode_u(5) + b"\x00"])  # (alias outer 5 0 (type))
    module_type = vec([b"\x50" + vec([b"\x02\x10\x01" + encode_u(3) + b"\x00"])])
    same(wat("(component)") + b"\x06" + encode_u(len(aliases)) + aliases
         + b"\x03" + encode_u(len(module_type)) + module_type)


def test_components_nested_a_thousand_deep() -> None:
    data = wat("(component)")
    for _ in range(1000):
        data = Component((ComponentSection(memoryview(data)),)).encode()
    same(data)
