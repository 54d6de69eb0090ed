"""Core types inside a component: its core type section (`(core type ...)`, `(core rec ...)`)
and the declarations of module types (`(core type (module ...))`), as `wasm-tools print`
writes them.

The text of one core type (value, reference, func/struct/array/sub types, limits) is the
core module printer's (coretypes.py); the names of a component's core types are kept in
that printer's `Names`, so that both write them alike.
"""

from __future__ import annotations

from typing import Callable

from ...binary import coretypes as ct
from . import coretypes as text
from .names import Names
from .printer import Printer, name_string


class CoreTypeSpace:
    """A core type index space as far as printing needs it: names (as the core printer's
    `Names`), and each type's definition (None for an alias), so that a func import can
    show its signature."""

    def __init__(self, names: Names | None = None) -> None:
        self.names = names if names is not None else Names()
        self.types: list[object | None] = []

    def ref(self, index: int) -> str:
        return text.type_ref(index, self.names)

    def define(self) -> str:
        """The next type where it is defined (`$t (;N;)`), counted as an alias."""
        self.types.append(None)
        return self.names.definition(self.names.types, len(self.types) - 1)


def _plain(t: object) -> object:
    """A component's prefixed sub type (`0x00 0x50`) as the sub type it is."""
    if isinstance(t, ct.PrefixedSubType):
        return ct.SubType(t.supertypes, t.body)
    return t


def externtype_text(t: ct.CoreExternType, space: CoreTypeSpace) -> str:
    names = space.names
    if isinstance(t, ct.CoreFuncExtern):
        return f"(func {text.tag_type_text(t.type_idx, space.types, names)})"
    if isinstance(t, ct.CoreExactFuncExtern):
        return f"(func (exact {text.tag_type_text(t.type_idx, space.types, names)}))"
    if isinstance(t, ct.CoreTagExtern):
        return f"(tag {text.tag_type_text(t.type_idx, space.types, names)})"
    if isinstance(t, ct.CoreTableExtern):
        return f"(table {text.table_type_text(t.element, t.limits, names)})"  # type: ignore[arg-type]
    if isinstance(t, ct.CoreMemoryExtern):
        return f"(memory {text.memory_type_text(t.limits)})"
    return f"(global {text.global_type_text(t.type, t.mutability, names)})"  # type: ignore[union-attr]


# -- type definitions -----------------------------------------------------------------


def print_rec(p: Printer, space: CoreTypeSpace, t: object, keyword: str, rec: str) -> None:
    """A core type definition: `(<keyword> $name (;N;) <type>)`, or a rec group of them
    (`(<rec> (type ...) ...)`); each type is added to `space`."""
    if isinstance(t, ct.RecGroup):
        p.start_group(rec)
        for sub in t.types:
            p.newline()
            _print_one(p, space, sub, "type")
        p.end_group()
    else:
        _print_one(p, space, t, keyword)


def _print_one(p: Printer, space: CoreTypeSpace, t: object, keyword: str) -> None:
    t = _plain(t)
    index = len(space.types)
    names = space.names
    p.write(f"({keyword} {names.definition(names.types, index)} "
            f"{text.sub_text(t, index, names)})")
    space.types.append(t)


def print_module_type(p: Printer, decls: tuple,
                      outer_alias: Callable[[int], tuple[str, str, CoreTypeSpace]]) -> None:
    """`(module ...)` of a module type: its own core type index space, unnamed.
    `outer_alias(count)` is the comment wasm-tools writes
    before an alias of an invalid count, the text naming the outer state and its core type
    space."""
    space = CoreTypeSpace()
    p.newline()
    p.start_group("module")
    for decl in decls:
        p.newline()
        if isinstance(decl, ct.ModuleTypeDecl):
            print_rec(p, space, decl.type, "type", "rec")
        elif isinstance(decl, ct.ModuleAliasDecl):
            a = decl.alias
            # count 0 is the module type itself, which has no name
            comment, label, outer_space = (
                ("", "0", space) if a.count == 0 else outer_alias(a.count))
            p.write(f"{comment}(alias outer {label} {outer_space.ref(a.index)} "
                    f"(type {space.define()}))")
        elif isinstance(decl, ct.ModuleImportDecl):
            i = decl.import_
            p.write(f"(import {name_string(i.module)} {name_string(i.name)} "
                    f"{externtype_text(i.type, space)})")
        else:
            p.write(f"(export {name_string(decl.name)} {externtype_text(decl.type, space)})")
    p.end_group()
