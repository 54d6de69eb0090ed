"""WIT using every kind of item (records, variants, enums, flags, aliases, resources with
constructors, methods and static functions, `use`s across interfaces), and worlds importing,
exporting and defining with it: components built from them (`wit_component(SHAPES +
WORLDS[w], w)`) check the WIT decoder and printer and the round trip through the reader."""

SHAPES = """
package ex:shapes@0.1.0;

interface types {
  record point { x: s32, y: s32 }
  variant shape { circle(f64), square(u32), nothing }
  enum color { red, green, blue }
  flags perms { read, write, exec }
  type id = u32;
  type pair = tuple<u8, string>;
  type maybe = option<point>;
  type outcome = result<_, color>;
  resource file {
    constructor(name: string);
    read: func(n: u32) -> result<list<u8>, color>;
    open: static func(p: string) -> option<file>;
    close: func();
  }
  type file-handle = own<file>;
  type same-point = point;
}

interface api {
  use types.{point, file as f, id};
  record wrapper { inner: point, more: list<option<point>> }
  move: func(p: point, by: tuple<s32, s32>) -> point;
  size: func(x: borrow<f>) -> id;
  all: func() -> result;
  some: func() -> result<u8>;
}

interface top {
  use api.{point};
  use types.{shape, perms};
  draw: func(s: shape, p: point, q: perms);
}
"""

WORLDS = {
    "imports": "world imports { import types; import api; import top; export run: func() -> u32; }",
    "exports": "world exports { import types; export api; export top; }",
    "world-types": """world world-types {
        import types;
        use types.{point, color as c};
        type counter = u64;
        record local { a: u8 }
        import make: func() -> local;
        export run: func(p: point, n: counter) -> result<point, c>;
      }""",
    "inline": """world inline {
        import types;
        import log: func(msg: string);
        import custom: interface { use types.{id}; do: func(i: id) -> result<_, string>; }
        export stuff: interface { use types.{perms}; check: func(p: perms) -> bool; }
      }""",
    "keywords": """world keywords {
        export %type: interface { %record: func(%list: u8, %map: u32) -> u8; }
      }""",
}
