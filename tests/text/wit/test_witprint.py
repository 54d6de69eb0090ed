"""`composer.text.wit.printer.print_resolved` on models built by hand (as the WIT reader builds them): layout,
escaping, type spelling, resources, `use`s, worlds, docs and gates; each output is also read
by `wasm-tools component wit`, which must print it back unchanged."""

from __future__ import annotations

from pathlib import Path

from support.oracle import wasm_tools
from composer.model import types as T
from composer.text.wit.model import (
    FunctionItem, Gate, Interface, InterfaceRef, Package, PackageName, Resolved, TypeItem,
    UseItem, World, WorldItem,
)
from composer.text.wit.printer import print_resolved, type_name

U32, STRING = T.PRIMS["u32"], T.PRIMS["string"]
PKG = PackageName("ex", "demo", "1.0.0")


def read_back(tmp_path: Path, text: str) -> str:
    src = tmp_path / "doc.wit"
    src.write_text(text)
    return wasm_tools("component", "wit", "--all-features", str(src)).stdout.decode()


def test_type_spelling():
    point = T.NamedType("point", T.RecordType((("x", U32),)))
    blob = T.ResourceType("blob")
    assert type_name(T.ResultType(None, None)) == "result"
    assert type_name(T.ResultType(U32, None)) == "result<u32>"
    assert type_name(T.ResultType(None, STRING)) == "result<_, string>"
    assert type_name(T.ResultType(point, STRING)) == "result<point, string>"
    assert type_name(T.BorrowType(blob)) == "borrow<blob>"
    assert type_name(T.OwnType(blob)) == "blob"
    assert type_name(T.ListType(T.PRIMS["u8"], 4)) == "list<u8, 4>"
    assert type_name(T.OptionType(T.TupleType((U32, STRING)))) == "option<tuple<u32, string>>"
    assert type_name(T.MapType(STRING, U32)) == "map<string, u32>"
    assert type_name(T.StreamType(None)) == "stream"
    assert type_name(T.FutureType(U32)) == "future<u32>"
    assert type_name(T.NamedType("type", U32)) == "%type"


def _resource_interface() -> Interface:
    blob = T.ResourceType("blob")
    own, borrow = T.OwnType(blob), T.BorrowType(blob)
    color = T.EnumType(("red", "green"))
    return Interface("types", (
        TypeItem("color", color, docs="A colour.\n\nTwo of them.",
                 member_docs=(("green", "Like grass."),)),
        TypeItem("blob", blob),
        FunctionItem("[constructor]blob", T.FuncType((("n", U32),), own), docs="Makes one."),
        FunctionItem("[method]blob.size", T.FuncType((("self", borrow),), U32),
                     gate=Gate(since="1.0.0", deprecated="1.1.0")),
        FunctionItem("[static]blob.make", T.FuncType((), own)),
        FunctionItem("list", T.FuncType((("from", borrow),), T.ListType(T.NamedType("color", color)))),
        TypeItem("flags", T.FlagsType(("read", "write")), gate=Gate(unstable="fancy")),
    ), docs="Types.", gate=Gate(since="1.0.0"))


def test_interface_layout_and_round_trip(tmp_path):
    point = T.NamedType("point", T.RecordType((("x", U32),)))
    api = Interface("api", (
        UseItem(InterfaceRef(None, "types"), (("color", "color"),)),
        UseItem(InterfaceRef(None, "types"), (("blob", "b"),)),
        TypeItem("point", point.type, member_docs=(("x", "Across.\nIn pixels."),)),
        FunctionItem("move", T.FuncType((("p", point),), T.ResultType(None, STRING))),
    ))
    text = print_resolved(Resolved((Package(PKG, (_resource_interface(), api), ()),), PKG))
    assert text == EXPECTED
    assert read_back(tmp_path, text) == text


EXPECTED = """\
package ex:demo@1.0.0;

/// Types.
@since(version = 1.0.0)
interface types {
  /// A colour.
  ///
  /// Two of them.
  enum color {
    red,
    /// Like grass.
    green,
  }

  resource blob {
    /// Makes one.
    constructor(n: u32);
    @since(version = 1.0.0)
    @deprecated(version = 1.1.0)
    size: func() -> u32;
    make: static func() -> blob;
  }

  @unstable(feature = fancy)
  flags %flags {
    read,
    write,
  }

  %list: func(%from: borrow<blob>) -> list<color>;
}

interface api {
  use types.{color, blob as b};

  record point {
    /// Across.
    /// In pixels.
    x: u32,
  }

  move: func(p: point) -> result<_, string>;
}

"""


def test_world_layout_and_nested_packages(tmp_path):
    """Imported interfaces, then types, then imported functions, then exports; other
    packages nested after the main one."""
    dep = PackageName("ex", "dep")
    counter = T.NamedType("counter", T.PRIMS["u64"])
    world = World("w", (
        WorldItem("import", "log", FunctionItem("log", T.FuncType((("msg", STRING),), None))),
        WorldItem("import", "ex:dep/api", InterfaceRef(dep, "api")),
        WorldItem("import", "point", UseItem(InterfaceRef(dep, "api"), (("point", "point"),))),
        WorldItem("import", "counter", TypeItem("counter", T.PRIMS["u64"], docs="Counts.")),
        WorldItem("import", "other", InterfaceRef(dep, "api")),
        WorldItem("export", "run", FunctionItem("run", T.FuncType((("n", counter),), None))),
        WorldItem("export", "inline", Interface(None, (
            FunctionItem("f", T.FuncType((), T.OptionType(U32))),), docs="Inline.")),
    ), docs="The world.")
    dep_pkg = Package(dep, (Interface("api", (TypeItem("point", T.RecordType((("x", U32),))),)),), ())
    main = Package(PackageName("ex", "main"), (), (world,))
    text = print_resolved(Resolved((dep_pkg, main), main.name))
    assert text == WORLD
    assert read_back(tmp_path, text) == text


WORLD = """\
package ex:main;

/// The world.
world w {
  import ex:dep/api;
  import other: ex:dep/api;
  use ex:dep/api.{point};

  /// Counts.
  type counter = u64;
  import log: func(msg: string);

  export run: func(n: counter);
  /// Inline.
  export inline: interface {
    f: func() -> option<u32>;
  }
}
package ex:dep {
  interface api {
    record point {
      x: u32,
    }
  }
}
"""
