"""elaborate.py: every import and export gets its full structural type; the component layer
is checked while the index spaces are walked."""

from __future__ import annotations

import pytest

from composer.model import types as T
from composer.binary.component import Component
from composer.model.elaborate import elaborate
from composer.errors import ValidationError
from composer.model.typetext import func_text, type_text

from support.build import wat


def scope_of(text: str):
    return elaborate(Component.decode(wat(text)))


STREAMS = """
  (type $io-error (instance (export "error" (type (sub resource)))))
  (import "wasi:io/error@0.2.0" (instance $err (type $io-error)))
  (alias export $err "error" (type $error))
  (type $io-streams (instance
    (alias outer 1 $error (type $e))
    (export "error" (type $err-t (eq $e)))
    (type $se (variant (case "last-operation-failed" (own $err-t)) (case "closed")))
    (export "stream-error" (type $stream-error (eq $se)))
    (export "output-stream" (type $os (sub resource)))
    (type $bos (borrow $os))
    (type $bytes (list u8))
    (type $r (result (error $stream-error)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" $bos) (param "contents" $bytes) (result $r)))
  ))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $io-streams)))
  (alias export $streams "output-stream" (type $output-stream))
  (type $cli-stdout (instance
    (alias outer 1 $output-stream (type $os))
    (export "output-stream" (type $os2 (eq $os)))
    (type $own (own $os2))
    (export "get-stdout" (func (result $own)))
  ))
  (import "wasi:cli/stdout@0.2.0" (instance (type $cli-stdout)))
"""


def test_imports_have_structural_types_with_resources_shared_across_interfaces():
    scope = scope_of(f"(component {STREAMS})")
    assert list(scope.imports) == ["wasi:io/error@0.2.0", "wasi:io/streams@0.2.0", "wasi:cli/stdout@0.2.0"]
    error_res = scope.imports["wasi:io/error@0.2.0"].exports["error"]
    assert isinstance(error_res, T.ResourceType) and error_res.owner == "wasi:io/error@0.2.0"
    streams = scope.imports["wasi:io/streams@0.2.0"]
    # `use wasi:io/error.{error}`: a name in streams for the very resource error exports
    assert T.resource_of(streams.exports["error"]) is error_res
    write = streams.exports["[method]output-stream.blocking-write-and-flush"]
    assert func_text(write) == (
        "func(self: borrow<output-stream>, contents: list<u8>) -> result<_, stream-error>"
    )
    stdout = scope.imports["wasi:cli/stdout@0.2.0"]
    get_stdout = stdout.exports["get-stdout"]
    own = T.unwrap(get_stdout.result)
    assert isinstance(own, T.OwnType)
    assert T.resource_of(own.resource) is streams.exports["output-stream"]


def test_each_import_of_an_instance_type_has_its_own_resources():
    scope = scope_of("""(component
      (type $t (instance (export "r" (type (sub resource)))))
      (import "a:x/one" (instance (type $t)))
      (import "a:x/two" (instance (type $t)))
    )""")
    one = scope.imports["a:x/one"].exports["r"]
    two = scope.imports["a:x/two"].exports["r"]
    assert isinstance(one, T.ResourceType) and isinstance(two, T.ResourceType)
    assert one is not two


ALL_VALUE_TYPES = """(component
  (import "res" (type $re (sub resource)))
  (type $point (record (field "x" s32) (field "y" s32)))
  (import "point" (type $p (eq $point)))
  (type $shape (variant (case "circle" f64) (case "none")))
  (import "shape" (type $s (eq $shape)))
  (type $color (enum "red" "green"))
  (import "color" (type $c (eq $color)))
  (type $perm (flags "read" "write"))
  (import "perm" (type $pm (eq $perm)))
  (type $f (func
    (param "a" bool) (param "b" s8) (param "c" u8) (param "d" s16) (param "e" u16)
    (param "f" s32) (param "g" u32) (param "h" s64) (param "i" u64) (param "j" f32)
    (param "k" f64) (param "l" char) (param "m" string) (param "n" (list $p))
    (param "o" (tuple u8 $s)) (param "p" (option $c)) (param "q" (result $pm (error string)))
    (param "r" (result)) (param "s" (result u8)) (param "t" (result (error u8)))
    (param "u" (borrow $re)) (param "v" (own $re))
    (result (list (option (tuple u32 string))))
  ))
  (import "take" (func $take (type $f)))
)"""


def test_every_value_type_renders_as_wit():
    scope = scope_of(ALL_VALUE_TYPES)
    take = scope.imports["take"]
    assert func_text(take) == (
        "func(a: bool, b: s8, c: u8, d: s16, e: u16, f: s32, g: u32, h: s64, i: u64, j: f32, "
        "k: f64, l: char, m: string, n: list<point>, o: tuple<u8, shape>, p: option<color>, "
        "q: result<perm, string>, r: result, s: result<u8>, t: result<_, u8>, "
        "u: borrow<res>, v: res) -> list<option<tuple<u32, string>>>"
    )
    point = T.unwrap(scope.imports["point"])
    assert point == T.RecordType((("x", T.PRIMS["s32"]), ("y", T.PRIMS["s32"])))
    assert isinstance(scope.imports["res"], T.ResourceType)
    assert scope.imports["res"].name == "res"


def test_nested_component_instantiation_gives_export_types():
    scope = scope_of("""(component
      (import "f" (func $f (param "x" u32) (result u32)))
      (component $shim
        (import "g" (func $g (param "x" u32) (result u32)))
        (export "h" (func $g))
      )
      (instance $i (instantiate $shim (with "g" (func $f))))
      (export "api" (instance $i))
    )""")
    api = scope.exports["api"]
    assert isinstance(api, T.InstanceType)
    assert func_text(api.exports["h"]) == "func(x: u32) -> u32"
    origin = scope.instance_origins[0]
    assert origin.kind == "instantiate" and origin.args == {"g": ("func", 0)}


def test_instantiation_argument_of_the_wrong_type_is_refused():
    with pytest.raises(ValidationError) as e:
        scope_of("""(component
          (import "f" (func $f (param "x" u32) (result u64)))
          (component $c (import "g" (func (param "x" u32) (result u32))))
          (instance (instantiate $c (with "g" (func $f))))
        )""")
    assert "instantiation argument `g` does not fit: result: expected u32, found u64" in str(e.value)
    assert str(e.value).startswith("offset 0x4e: instance section > instance[0]: ")


def test_missing_instantiation_argument():
    with pytest.raises(ValidationError) as e:
        scope_of("""(component
          (component $c (import "g" (func)))
          (instance (instantiate $c))
        )""")
    assert "missing instantiation argument for import `g`" in str(e.value)


def test_resources_defined_by_a_component_are_fresh_per_instance():
    scope = scope_of("""(component
      (component $c
        (type $r (resource (rep i32)))
        (export "r" (type $r))
      )
      (instance $a (instantiate $c))
      (instance $b (instantiate $c))
      (export "a" (instance $a))
      (export "b" (instance $b))
    )""")
    ra, rb = scope.exports["a"].exports["r"], scope.exports["b"].exports["r"]
    assert isinstance(ra, T.ResourceType) and isinstance(rb, T.ResourceType) and ra is not rb


def test_alias_of_a_missing_export_is_refused():
    # wasm-tools refuses to write such an alias, so change the name in the bytes
    base = wat('(component (import "i" (instance $i (export "f" (func)))) (alias export $i "f" (func)))')
    bad = base.replace(b"\x01\x00\x00\x01f", b"\x01\x00\x00\x01g")
    with pytest.raises(ValidationError) as e:
        elaborate(Component.decode(bad))
    assert "instance 0 has no export named `g`" in str(e.value)


def test_duplicate_import_names_are_refused():
    base = wat('(component (import "a" (func)) (import "b" (func)))')
    bad = base.replace(b"\x00\x01b", b"\x00\x01A")  # `A` is not strongly unique from `a`
    with pytest.raises(ValidationError) as e:
        elaborate(Component.decode(bad))
    assert "import name `A` conflicts with `a`" in str(e.value)


def test_outer_alias_and_component_types():
    scope = scope_of("""(component
      (type $t (list string))
      (type $ct (component
        (alias outer 1 $t (type $l))
        (import "in" (func (param "x" $l)))
        (export "out" (func (result $l)))
      ))
      (import "c" (component (type $ct)))
    )""")
    ct = scope.imports["c"]
    assert isinstance(ct, T.ComponentType)
    assert func_text(ct.imports["in"]) == "func(x: list<string>)"
    assert type_text(ct.exports["out"].result) == "list<string>"


def test_nested_components_keep_their_sections_for_the_graph():
    # `compose graph` of a composed component follows each instance back to the nested
    # component section it instantiates
    from composer.binary import sections as S

    scope = scope_of("(component (component) (component (import \"f\" (func))))")
    assert len(scope.components) == len(scope.component_sources) == 2
    assert all(isinstance(s, S.ComponentSection) for s in scope.component_sources)
    # an outer alias of a component says where it came from
    inner = scope_of("(component (component $c) (component (alias outer 1 $c (component))"
                     " (export \"c\" (component 0))))")
    assert inner.components[1].exports["c"] is inner.components[0]


def test_lifted_functions_say_they_were_lifted():
    # `compose graph` of a composed component draws where each function came from
    scope = scope_of('(component (core module $m (func (export "f"))) (core instance $i (instantiate $m))'
                     ' (import "g" (func)) (func (canon lift (core func $i "f"))))')
    assert [o.kind for o in scope.func_origins] == ["import", "lift"]


def test_an_instance_has_the_resources_it_was_given_and_fresh_ones_it_declares():
    # an imported resource passed in is the instance's; an imported component's declared
    # resources are new in each of its instances
    scope = scope_of("""(component
      (import "r" (type $r (sub resource)))
      (component $pass (import "x" (type (sub resource))) (export "y" (type 0)))
      (instance $p (instantiate $pass (with "x" (type $r))))
      (import "c" (component $c (export "z" (type (sub resource)))))
      (instance $c1 (instantiate $c)) (instance $c2 (instantiate $c)))""")
    passed, first, second = scope.instances
    assert T.resource_of(passed.exports["y"]) is scope.imports["r"]
    assert T.resource_of(first.exports["z"]) is not T.resource_of(second.exports["z"])
