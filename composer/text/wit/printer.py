"""WIT text from a `model.Resolved`, laid out as `wasm-tools component wit` lays it out.

The main package comes first (`package ns:name;`, its interfaces each followed by a blank
line, then its worlds), then every other package as a nested `package ns:name { .. }` block.
Inside an interface: the `use`s, then the types (a resource with its constructor, methods and
static functions), then the free functions, a blank line between items but not between
`use`s. Inside a world: imported interfaces, then types, then imported functions, then the
exports. Names that are WIT keywords are written with a `%`.

Type references print by name: a `NamedType` or `ResourceType` by its own `name`, which is
the name the type has where it is used; only anonymous types (`list<..>`, `tuple<..>`,
`option<..>`, `result<..>`, handles) print structurally.
"""

from __future__ import annotations

from typing import Iterable

from ...model import types as T
from ...model.typetext import compound_text
from .model import (
    RESOURCE_FUNC, FunctionItem, Gate, Interface, InterfaceRef, Package, PackageName, Resolved,
    TypeItem, UseItem, World, WorldItem, plain_name, resource_functions, structural_names,
    use_statements,
)

# wit-parser's keywords (its lexer), which a name must escape with `%`.
KEYWORDS = frozenset("""
    use type func u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 float32 float64 char resource record
    flags variant enum bool string option result future stream list own borrow _ as from static
    interface tuple world import export package with include constructor error-context async
    map
""".split())

Names = dict[int, str]  # id(a structural type) -> the name it is declared under in a scope


def escape(name: str) -> str:
    return f"%{name}" if name in KEYWORDS else name


def print_resolved(resolved: Resolved) -> str:
    """The whole document: the main package, then the others nested."""
    main = resolved.package(resolved.main)
    if main is None:
        raise ValueError(f"package {resolved.main} is not among the resolved packages")
    out = _Out()
    _package(out, main, is_main=True)
    for i, pkg in enumerate(p for p in resolved.packages if p is not main):
        if i:
            out.newline()
            out.newline()
        _package(out, pkg, is_main=False)
    return out.text()


class _Out:
    """Lines with wasm-tools' indentation: two spaces a level, none on blank lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.indent = 0
        self.pad = ""  # the indentation of a line at this level
        self.at_line_start = True
        self.any_items = False  # whether the current block has items: blank line before next

    def write(self, text: str) -> None:
        if self.at_line_start:
            self.parts.append(self.pad)
            self.at_line_start = False
        self.parts.append(text)

    def newline(self) -> None:
        self.parts.append("\n")
        self.at_line_start = True

    def line(self, text: str) -> None:
        # (written out: a large package prints hundreds of thousands of lines)
        if self.at_line_start:
            self.parts.append(f"{self.pad}{text}\n")
        else:
            self.parts.append(f"{text}\n")
            self.at_line_start = True

    def open(self, head: str) -> None:
        self.write(head + " {")
        self.indent += 1
        self.pad = "  " * self.indent
        self.newline()

    def close(self) -> None:
        self.indent -= 1
        self.pad = "  " * self.indent
        self.line("}")

    def new_item(self) -> None:
        if self.any_items:
            self.newline()
        self.any_items = True

    def docs(self, docs: str | None) -> None:
        """`/// ` before each line (lines as wasm-tools splits them: at `\\n` only)."""
        if docs is None:
            return
        if not self.at_line_start:
            self.newline()
        pad = self.pad
        self.parts.append("".join([f"{pad}/// {line}\n" if line else f"{pad}///\n"
                                   for line in docs.split("\n")]))

    def gate(self, gate: Gate | None) -> None:
        if gate is None:
            return
        if gate.since is not None:
            self.line(f"@since(version = {gate.since})")
        if gate.unstable is not None:
            self.line(f"@unstable(feature = {escape(gate.unstable)})")  # `%world`
        if gate.deprecated is not None:
            self.line(f"@deprecated(version = {gate.deprecated})")

    def text(self) -> str:
        return "".join(self.parts)


def _package_name(name: PackageName) -> str:
    text = f"{escape(name.namespace)}:{escape(name.name)}"
    return text + (f"@{name.version}" if name.version else "")


def _package(out: _Out, pkg: Package, is_main: bool) -> None:
    out.docs(pkg.docs)
    if is_main:
        out.line(f"package {_package_name(pkg.name)};")
        out.newline()
    else:
        out.open(f"package {_package_name(pkg.name)}")
    for iface in pkg.interfaces:
        out.docs(iface.docs)
        out.gate(iface.gate)
        out.open(f"interface {escape(iface.name or '')}")
        _interface_body(out, iface.items, pkg.name)
        out.close()
        if is_main:
            out.newline()
    for world in pkg.worlds:
        out.docs(world.docs)
        out.gate(world.gate)
        out.open(f"world {escape(world.name)}")
        _world_body(out, world, pkg.name)
        out.close()
    if not is_main:
        out.close()


# -- interfaces -------------------------------------------------------------------------------


def _interface_body(out: _Out, items: Iterable[object], here: PackageName) -> None:
    saved, out.any_items = out.any_items, False
    items = list(items)
    funcs = [i for i in items if isinstance(i, FunctionItem)]
    members, claimed = resource_functions(items)
    names = structural_names(items)
    _types(out, [i for i in items if isinstance(i, (TypeItem, UseItem))], members, here, names)
    for f in funcs:
        if id(f) in claimed:
            continue
        out.new_item()
        out.docs(f.docs)
        out.gate(f.gate)
        out.write(f"{escape(plain_name(f.name))}: ")
        out.write(_function(f.type, names))
        out.line(";")
    out.any_items = saved


def _types(out: _Out, items: list[TypeItem | UseItem], members: dict, here: PackageName,
           names: Names) -> None:
    """`use`s first (consecutive ones from one interface with one gate merged), then the
    types declared here."""
    for source, gate, names in use_statements(i for i in items if isinstance(i, UseItem)):
        out.any_items = True
        out.gate(gate)
        listed = ", ".join(escape(a) if a == b else f"{escape(a)} as {escape(b)}" for a, b in names)
        out.line(f"use {_path(source, here)}.{{{listed}}};")
    for item in items:
        if isinstance(item, TypeItem):
            out.new_item()
            out.docs(item.docs)
            out.gate(item.gate)
            _declare(out, item, members.get(item.name, []), names)


def _path(ref: InterfaceRef, here: PackageName) -> str:
    """How an interface is named from package `here`: bare within it, else in full."""
    if ref.package is None or str(ref.package) == str(here):
        return escape(ref.interface)
    pkg = ref.package
    text = f"{escape(pkg.namespace)}:{escape(pkg.name)}/{escape(ref.interface)}"
    return text + (f"@{pkg.version}" if pkg.version else "")


def _declare(out: _Out, item: TypeItem, funcs: list[FunctionItem], names: Names) -> None:
    name, t = escape(item.name), item.type

    def type_name(x: object) -> str:
        return _type_name(x, names)

    if isinstance(t, T.ResourceType) and t.name not in (None, item.name):
        # another name for a resource declared elsewhere: `type t1 = a;`
        out.line(f"type {name} = {escape(t.name)};")
    elif isinstance(t, T.ResourceType):
        _resource(out, name, funcs, names)
    elif isinstance(t, T.RecordType):
        _block(out, f"record {name}", [(n, f"{escape(n)}: {type_name(v)},") for n, v in t.fields],
               item.member_docs)
    elif isinstance(t, T.VariantType):
        cases = [(n, f"{escape(n)}({type_name(v)}),") if v is not None else (n, f"{escape(n)},")
                 for n, v in t.cases]
        _block(out, f"variant {name}", cases, item.member_docs)
    elif isinstance(t, T.EnumType):
        _block(out, f"enum {name}", [(n, f"{escape(n)},") for n in t.names], item.member_docs)
    elif isinstance(t, T.FlagsType):
        _block(out, f"flags {name}", [(n, f"{escape(n)},") for n in t.names], item.member_docs)
    elif isinstance(t, T.OwnType):
        # `type a = own<r>` is not `type a = r` (an alias of the resource itself)
        out.line(f"type {name} = own<{type_name(t.resource)}>;")
    else:
        out.line(f"type {name} = {_type_name(t, names, define=True)};")


def _block(out: _Out, head: str, members: list[tuple[str, str]],
           member_docs: tuple[tuple[str, str], ...]) -> None:
    """A record, variant, enum or flags: each member (name, line) after its docs."""
    docs = dict(member_docs)
    out.open(head)
    for name, line in members:
        out.docs(docs.get(name))
        out.line(line)
    out.close()


def _resource(out: _Out, name: str, funcs: list[FunctionItem], names: Names) -> None:
    if not funcs:
        out.line(f"resource {name};")
        return
    out.open(f"resource {name}")
    for f in funcs:
        out.docs(f.docs)
        out.gate(f.gate)
        kind, _, member = RESOURCE_FUNC.match(f.name).groups()  # type: ignore[union-attr]
        if kind == "method":
            out.write(f"{escape(member)}: ")
        elif kind == "static":
            out.write(f"{escape(member)}: static ")
        out.line(_function(f.type, names, kind) + ";")
    out.close()


def _function(f: T.FuncType, names: Names, kind: str = "func") -> str:
    """`func(a: u32) -> string`; a method without its `self`, a constructor returning its
    own resource without the result."""
    params = f.params[1:] if kind == "method" else f.params
    text = ("async " if f.is_async else "") + ("constructor(" if kind == "constructor" else "func(")
    text += ", ".join(f"{escape(n)}: {_type_name(t, names)}" for n, t in params) + ")"
    shorthand = kind == "constructor" and isinstance(f.result, T.OwnType)
    if f.result is not None and not shorthand:
        text += f" -> {_type_name(f.result, names)}"
    return text


# -- worlds -----------------------------------------------------------------------------------


def _world_body(out: _Out, world: World, here: PackageName) -> None:
    """Imported interfaces, then types (with the resources' functions), then imported
    functions, then exports: the order wasm-tools prints and encodes worlds in."""
    saved, out.any_items = out.any_items, False
    imports = [i for i in world.items if i.direction == "import"]
    exports = [i for i in world.items if i.direction == "export"]
    types = [i.target for i in imports if isinstance(i.target, (TypeItem, UseItem))]
    funcs = [i.target for i in imports if isinstance(i.target, FunctionItem)]
    members, claimed = resource_functions([*types, *funcs])
    names = structural_names(types)
    for item in imports:
        if isinstance(item.target, (InterfaceRef, Interface)):
            _world_item(out, item, here, names)
            out.any_items = True
    _types(out, types, members, here, names)  # type: ignore[arg-type]
    for item in imports:
        if isinstance(item.target, FunctionItem) and id(item.target) not in claimed:
            _world_item(out, item, here, names)
            out.any_items = True
    if exports:
        out.new_item()
    for item in exports:
        _world_item(out, item, here, names)
    out.any_items = saved


def _world_item(out: _Out, item: WorldItem, here: PackageName, names: Names) -> None:
    target = item.target
    if isinstance(target, (Interface, FunctionItem)):
        out.docs(item.docs or target.docs)
    elif isinstance(target, InterfaceRef):
        out.docs(item.docs)
    out.gate(item.gate or getattr(target, "gate", None))
    if isinstance(target, InterfaceRef):
        if target.package is None:
            # a reference written inside another package (a world included from there) is
            # relative to that package: its extern name says which
            from ...model.names import InterfaceName

            named = InterfaceName.parse(item.name)
            if named is not None and named.interface == target.interface:
                target = InterfaceRef(PackageName(named.namespace, named.package, named.raw_version),
                                      target.interface)
        path = _path(target, here)
        # named after the interface itself (its extern name, whichever package it is in):
        # `import iface;`, else `import name: iface;`
        own_name = item.name == (target.package or here).interface(target.interface)
        # (a plain name that happens to be the path of a local interface, `import store:
        # store;`, is not the interface's own name: written out in full)
        out.line(f"{item.direction} {path};" if own_name or (item.name == path and ":" in path)
                 else f"{item.direction} {escape(item.name)}: {path};")
    elif isinstance(target, Interface):
        out.open(f"{item.direction} {escape(item.name)}: interface")
        _interface_body(out, target.items, here)
        out.close()
    elif isinstance(target, FunctionItem):
        out.line(f"{item.direction} {escape(plain_name(item.name))}: {_function(target.type, names)};")
    else:
        raise ValueError(f"world {item.direction} `{item.name}` cannot be printed here")


# -- type references --------------------------------------------------------------------------


def type_name(t: object) -> str:
    """A type where it is used: named types by name, anonymous ones spelled out."""
    return _type_name(t, {})


def _type_name(t: object, names: Names, define: bool = False) -> str:
    """`type_name` in a scope where the structures in `names` have names (unless `define`:
    the declaration of that name itself)."""
    cls = type(t)
    if cls is T.PrimType:  # (never named: shared by all)
        return t.name  # type: ignore[attr-defined]
    if names and not define and id(t) in names:
        return escape(names[id(t)])
    if cls is T.NamedType or cls is T.ResourceType:
        name = t.name or "?"  # type: ignore[attr-defined]
        return f"%{name}" if name in KEYWORDS else name

    def type_name(x: object) -> str:
        return _type_name(x, names)

    compound = compound_text(t, type_name)
    if compound is not None:
        return compound
    raise ValueError(f"a {type(t).__name__} has no name to be referred to by in WIT")
