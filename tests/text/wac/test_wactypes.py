"""A WAC document's type declarations in the type model (composer/text/wac/declarations.py): what
interfaces, worlds, records, variants, flags, enums, resources, aliases and `use`s become,
checked on the plan's exported types; and each rule they break, with its message and place.
Packages come from a deps/ folder with a WIT package (test:types) and a component (test:leaf)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.components import counter
from composer.link.compose import plan_document
from composer.link.wiring import TypeDefinition
from composer.model import types as T
from composer.diagnostics import TextError

TYPES_WIT = """package test:types@1.0.0;

interface shapes {
  record point { x: u32, y: u32 }
  resource canvas { draw: func(p: point); }
  area: func(p: point) -> u64;
}

interface uses-shapes {
  use shapes.{point};
  origin: func() -> point;
}

world painter {
  import shapes;
  export run: func();
}
"""


def plan(tmp: Path, text: str):
    deps = tmp / "deps"
    (deps / "test" / "types").mkdir(parents=True, exist_ok=True)
    (deps / "test" / "types" / "types.wit").write_text(TYPES_WIT)
    (deps / "test" / "leaf.wat").write_text(counter(2, exports="test:api/get"))
    doc = tmp / "doc.wac"
    doc.write_text(text)
    return plan_document(doc, deps_dir=deps)


def exported(tmp: Path, text: str) -> dict[str, object]:
    return {name: t.type for name, t in plan(tmp, "package test:comp@1.0.0;\n" + text).exports.items()
            if isinstance(t, TypeDefinition)}


# -- what declarations become ---------------------------------------------------------------


def test_value_types(tmp_path):
    t = exported(tmp_path, """record r { a: u8, b: list<string>, c: option<tuple<s32, bool>> }
variant v { none, some(r), err(result<u32, string>) }
flags f { read, write }
enum e { one, two }
type alias = r;
type prim = f64;
""")
    r = t["r"]
    assert isinstance(r, T.NamedType) and r.name == "r"
    assert [n for n, _ in r.type.fields] == ["a", "b", "c"]
    assert r.type.fields[1][1] == T.ListType(T.PRIMS["string"])
    assert r.type.fields[2][1] == T.OptionType(T.TupleType((T.PRIMS["s32"], T.PRIMS["bool"])))
    v = t["v"].type
    assert v.cases[0] == ("none", None) and v.cases[1][1] is r
    assert v.cases[2][1] == T.ResultType(T.PRIMS["u32"], T.PRIMS["string"])
    assert t["f"].type == T.FlagsType(("read", "write"))
    assert t["e"].type == T.EnumType(("one", "two"))
    assert t["alias"].name == "alias" and t["alias"].type is r
    assert t["prim"].type is T.PRIMS["f64"]


def test_function_types_and_aliases_of_them(tmp_path):
    t = exported(tmp_path, """type f = func(a: u32, b: string) -> bool;
type g = f;
""")
    assert t["f"] == T.FuncType((("a", T.PRIMS["u32"]), ("b", T.PRIMS["string"])), T.PRIMS["bool"])
    assert t["g"] == t["f"]


def test_interface_with_resource_and_use(tmp_path):
    t = exported(tmp_path, """interface base { record p { x: u32 } resource r { constructor(n: u32); get: func() -> u32; make: static func() -> r; } }
interface user {
  use base.{p, r as res};
  take: func(x: p, y: borrow<res>) -> own<res>;
}
""".replace("own<res>", "res"))
    base, user = t["base"].exports, t["user"].exports
    r = base["r"]
    assert isinstance(r, T.ResourceType)
    assert base["[constructor]r"] == T.FuncType((("n", T.PRIMS["u32"]),), T.OwnType(r))
    assert base["[method]r.get"].params[0] == ("self", T.BorrowType(r))
    assert base["[static]r.make"].result == T.OwnType(r)
    assert user["p"] is base["p"] and user["res"] is r  # used, not copied
    take = user["take"]
    assert take.params == (("x", base["p"]), ("y", T.BorrowType(r))) and take.result == T.OwnType(r)


def test_a_resource_alias_is_another_name_for_it(tmp_path):
    t = exported(tmp_path, "interface i { resource r; type r2 = r; f: func(a: r2); }\n")
    r, r2 = t["i"].exports["r"], t["i"].exports["r2"]
    assert isinstance(r2, T.NamedType) and r2.type is r
    assert t["i"].exports["f"].params[0][1] == T.OwnType(r2)


def test_world_items_include_and_uses(tmp_path):
    t = exported(tmp_path, """interface a { type t = u32; }
interface b { use a.{t}; f: func() -> t; }
world base { import x: func(); export y: func(); }
world w {
  import b;
  import test:types/shapes;
  export e: interface { g: func(); };
  include base with { x as x2 };
  include test:types/painter;
}
""")
    w = t["w"]
    # `b` uses `a`: the world imports `a` too, before `b`
    assert list(w.imports)[:2] == ["test:comp/a@1.0.0", "test:comp/b@1.0.0"]
    assert "test:types/shapes@1.0.0" in w.imports and "x2" in w.imports and "x" not in w.imports
    assert set(w.exports) == {"e", "y", "run"}


def test_world_names_their_own_types_and_the_document_interfaces(tmp_path):
    t = exported(tmp_path, """interface i { f: func(); }
interface a { type t = u32; }
interface b { use a.{t}; use a.{t as u}; }
interface c { use b.{t}; }
world w {
  type cb = func(x: u32);
  import x: cb;
  import y: i;
  import c;
}
""")
    w = t["w"]
    assert w.imports["x"] == T.FuncType((("x", T.PRIMS["u32"]),), None)
    assert w.imports["y"] is t["i"]
    # c uses b, which uses a (twice): each imported once, before its user
    assert [n for n in w.imports if n.startswith("test:")] == [
        "test:comp/a@1.0.0", "test:comp/b@1.0.0", "test:comp/c@1.0.0"]


def test_package_paths_reach_definitions_and_exports(tmp_path):
    p = plan(tmp_path, """package test:comp;
import s: test:types/shapes;
import area as "area": test:types/shapes/area;
""")
    # an interface imported by path is named by its path; a function of it by its `as` name
    assert set(p.declared) == {"test:types/shapes", "area"}
    shapes = p.declared["test:types/shapes"]
    assert isinstance(shapes, T.InstanceType) and p.declared["area"] is shapes.exports["area"]


# -- refused, at the place -----------------------------------------------------------------

ERRORS = [
    ("record r { a: u8, a: u8 }", "duplicate field `a` for record type `r`", (2, 19)),
    ("variant v { a, a(u8) }", "duplicate case `a` for variant type `v`", (2, 16)),
    ("flags f { a, a }", "duplicate flag `a` for flags type `f`", (2, 14)),
    ("enum e { a, a }", "duplicate case `a` for enum type `e`", (2, 13)),
    ("type f = func(a: u8, a: u8);", "duplicate function parameter `a`", (2, 22)),
    ("interface i { resource r { constructor(); constructor(); } }",
     "duplicate constructor for resource `r`", (2, 43)),
    ("interface i { resource r { m: func(); m: func(); } }",
     "duplicate method `m` for resource `r`", (2, 39)),
    ("interface i { resource r { constructor(a: u8, a: u8); } }",
     "duplicate constructor parameter `a`", (2, 47)),
    ("interface i { resource r; f: func() -> borrow<r>; }",
     "function result cannot recursively contain a borrow type", (2, 40)),
    ("interface i { f: func(); f: func(); }", "duplicate interface export `f` for interface `i`",
     (2, 26)),
    ("type x = u32;\ninterface i { f: func(a: x); }", "undefined name `x`", (3, 26)),
    ("interface i { type t = u32; f: func(a: borrow<t>); }", "`t` (u32) is not a resource type",
     (2, 47)),
    ("interface i { type f = func(); g: func(a: f); }", "`f` (function type) cannot be used as a value type",
     (2, 43)),
    ("interface i { type t = u32; f: t; }", "`t` (u32) is not a function type", (2, 32)),
    ("interface i { resource r; type a = r; } interface j { resource q; type b = q; }\n"
     "interface k { type e = func(); type z = e; type y = y; }", "undefined name `y`", (3, 53)),
    ("world w { import x: func(); import x: func(); }",
     "import `x` conflicts with existing import of the same name in world `w`", (2, 36)),
    ("interface i {}\nworld w { import i; export i; import i; }",
     "import `test:comp/i` conflicts with existing import", (3, 38)),
    ("type t = u32;\nworld w { import t; }", "`t` (u32) is not an interface", (3, 18)),
    ("type t = u32;\nworld w { import x: t; }", "`t` (u32) is not a function type or interface",
     (3, 21)),
    ("world a { import x: func(); }\nworld w { import x: func(); include a; }",
     "import `x` from world `a` conflicts with import of the same name in world `w`", (3, 37)),
    ("world a { import x: func(); }\nworld w { include a with { y as z }; }",
     "world `a` does not have an import or export named `y`", (3, 28)),
    ("world a { import x: func(); }\nworld w { include a with { x as y, x as z }; }",
     "duplicate `x` in world include `with` clause", (3, 36)),
    ("interface i {}\nworld w { include i; }", "`i` (interface) is not a world", (3, 19)),
    ("interface i { type t = u32; }\ninterface j { use i.{nope}; }",
     "a type named `nope` is not defined in interface `i`", (3, 22)),
    ("interface i { f: func(); }\ninterface j { use i.{f}; }",
     "`f` (function) is not a value type in interface `i`", (3, 22)),
    ("interface i { type t = u32; }\ninterface j { type t = u8; use i.{t}; }",
     "use of type `t` conflicts with an export of the same name", (3, 35)),
    ("world w { use nope.{a}; }", "undefined name `nope`", (2, 15)),
    ("type t = u32;\ninterface j { use t.{a}; }", "`t` (u32) is not an interface", (3, 19)),
    ("interface j { use test:types/nope.{a}; }",
     "package `test:types` has no export named `nope`", (2, 30)),
    ("interface j { use test:types/shapes/nope.{a}; }",
     "has no export named `nope`", (2, 37)),
    ("import x: test:nowhere/i;", "unknown package `test:nowhere`", (2, 11)),
    ("interface i { f: func(); }\ntype t = i;", "`i` (interface) cannot be used in a type alias",
     (3, 10)),
    ("type t = u32;\nimport x: t;", "`x`: a u32 cannot be imported", (3, 8)),
    ("record r { x: u32 }\nimport x: r;", "`x`: a record cannot be imported", (3, 8)),
    ("interface i { type t = u32; }\nworld w { import t: func(); use i.{t}; }",
     "use of type `t` conflicts with an import of the same name", (3, 36)),
    ("record r { x: u32 }\nrecord r { y: u32 }",
     "type declaration `r` conflicts with a previous export of the same name", (3, 8)),
    ("import r: func();\nimport s as \"t\": func();\nimport r as \"q\": func();",
     "`r` is already defined (first at line 2)", (4, 8)),
]


@pytest.mark.parametrize("body,message,where", ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_declaration_errors(tmp_path, body, message, where):
    with pytest.raises(TextError) as info:
        plan(tmp_path, "package test:comp;\n" + body + "\n")
    err = info.value
    assert message in err.message, err.message
    assert (err.line, err.column) == where, str(err)
