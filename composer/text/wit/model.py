"""WIT documents as a structure: packages, their interfaces and worlds, in declaration order,
with doc comments and feature gates.

Three parts of the program meet here. The WIT reader (`parse/`) builds it from text; the
component decoder builds it from a component's types (what `wasm-tools component wit` prints
for a binary); the printer writes it out as WIT. The types inside are the component model's
own (`composer.model.types`), so a world read from WIT and a component read from bytes are
compared by the same subtype code (`World.component_type`).

Resource functions stay where the binary puts them: `FunctionItem`s named
`[constructor]r`, `[method]r.f` and `[static]r.f` next to the `TypeItem` of `r`; the printer
gathers them into the resource's block.
"""

from __future__ import annotations

import re
from typing import Iterable, Union

from ...model import types as T
from ...record import Record


class PackageName(Record):
    namespace: str
    name: str
    version: str | None = None  # semver text, without the `@`

    def __str__(self) -> str:
        return f"{self.namespace}:{self.name}" + (f"@{self.version}" if self.version else "")

    def interface(self, name: str) -> str:
        """The extern name of an interface of this package: `ns:pkg/name@1.0.0`."""
        return f"{self.namespace}:{self.name}/{name}" + (f"@{self.version}" if self.version else "")


class Gate(Record):
    """`@since(version = ..)`, `@unstable(feature = ..)`, `@deprecated(version = ..)`."""

    since: str | None = None
    unstable: str | None = None  # the feature's name
    deprecated: str | None = None


class InterfaceRef(Record):
    """An interface named from elsewhere: `pkg` None means the package being read."""

    package: PackageName | None
    interface: str


class TypeItem(Record):
    """`record r {..}`, `variant`, `enum`, `flags`, `resource r`, `type t = ..`: `type` is the
    model's type (a `ResourceType` for a resource, the aliased value type for `type t = ..`)."""

    name: str
    type: object
    docs: str | None = None
    gate: Gate | None = None
    # docs of the record's fields, the variant's or enum's cases, the flags: (name, docs)
    member_docs: tuple[tuple[str, str], ...] = ()


class UseItem(Record):
    """`use source.{a, b as c};`: (original name, local name) pairs."""

    source: InterfaceRef
    names: tuple[tuple[str, str], ...]
    gate: Gate | None = None


class FunctionItem(Record):
    name: str
    type: T.FuncType
    docs: str | None = None
    gate: Gate | None = None


InterfaceItem = Union[TypeItem, UseItem, FunctionItem]


class Interface(Record):
    """An interface; `name` None for one written inline in a world (`import x: interface {..}`).
    `instance_type` is what it is to the component model (set by whoever builds it)."""

    name: str | None
    items: tuple[InterfaceItem, ...]
    docs: str | None = None
    gate: Gate | None = None
    instance_type: T.InstanceType | None = None


class WorldItem(Record):
    """One import or export of a world. `target` is a named interface, an inline one, a
    function, a type (imports only) or a `use` (imports of types from interfaces)."""

    direction: str  # "import" or "export"
    name: str  # the extern name: `ns:pkg/iface@v` for a named interface, else the kebab name
    target: Union[InterfaceRef, Interface, FunctionItem, TypeItem, UseItem]
    docs: str | None = None
    gate: Gate | None = None


class World(Record):
    """A world with its `include`s applied. `component_type` is the component type it
    describes: every import and export with its full type."""

    name: str
    items: tuple[WorldItem, ...]
    docs: str | None = None
    gate: Gate | None = None
    component_type: T.ComponentType | None = None


class Package(Record):
    name: PackageName
    interfaces: tuple[Interface, ...]
    worlds: tuple[World, ...]
    docs: str | None = None

    def world(self, name: str) -> World | None:
        return next((w for w in self.worlds if w.name == name), None)


class Resolved(Record):
    """What a WIT path (a file, a folder with `deps/`, a component) reads to: every package,
    dependencies before their users; `main` is the package the path itself holds."""

    packages: tuple[Package, ...]
    main: PackageName

    def package(self, name: PackageName | str) -> Package | None:
        return next((p for p in self.packages if str(p.name) == str(name)), None)


# -- how WIT text lays items out --------------------------------------------------------------
# (what the printer writes, and what a package decoded from binary form is resolved as:
# `parse/decoded.py` takes the items in the order their text would have)

# `[constructor]r`, `[method]r.f`, `[static]r.f` (and their `[async ..]` forms): functions
# that belong in the block of resource `r`.
RESOURCE_FUNC = re.compile(r"^\[(?:async )?(constructor|method|static)\]([^.]+)(?:\.(.+))?$")


def plain_name(name: str) -> str:
    """A freestanding function's name without the `[async]` mark its extern name carries."""
    return name.removeprefix("[async]")


def resource_functions(items: Iterable[object]) -> tuple[dict[str, list[FunctionItem]], set[int]]:
    """Resource name -> its functions in order (written in the resource's block), and the
    ids of the functions so claimed; functions of a resource not declared among `items`
    stay freestanding."""
    items = list(items)
    resources = {i.name for i in items
                 if isinstance(i, TypeItem) and isinstance(i.type, T.ResourceType)}
    members: dict[str, list[FunctionItem]] = {}
    claimed: set[int] = set()
    for f in items:
        if isinstance(f, FunctionItem):
            m = RESOURCE_FUNC.match(f.name)
            if m and m.group(2) in resources:
                members.setdefault(m.group(2), []).append(f)
                claimed.add(id(f))
    return members, claimed


def structural_names(items: Iterable[object]) -> dict[int, str]:
    """id(type) -> name for types declared among `items` as a structure (`type bytes4 =
    list<u8, 4>`, a record): a function that refers to that very structure refers to it by
    the name, as with wasmparser's type ids. Primitive types are shared by all and never
    named so."""
    return {id(i.type): i.name for i in items
            if isinstance(i, TypeItem) and isinstance(i.type, T.VALUE_TYPES)
            and not isinstance(i.type, T.PrimType)}


def use_statements(uses: Iterable[UseItem]) -> list[tuple[InterfaceRef, Gate | None, list]]:
    """`use` items as text writes them: consecutive ones from one interface with one gate
    in one statement, (source, gate, [(name, local name), ..]) each."""
    merged: list[tuple[InterfaceRef, Gate | None, list]] = []
    for use in uses:
        for pair in use.names:
            if merged and merged[-1][0] == use.source and merged[-1][1] == use.gate:
                merged[-1][2].append(pair)
            else:
                merged.append((use.source, use.gate, [pair]))
    return merged
