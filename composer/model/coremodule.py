"""A core module's interface in the component model's terms: its imports and exports with
their types (`types.CoreModuleType`), from the sections `binary/module.py` reads.

This is what the component layer needs of a nested module: to check how it is instantiated
and what its functions are lifted as. A type this reader cannot state is left as its kind
alone ("func", "global"): a function whose signature refers to the module's own GC types,
a table or global of a reference to one, a global after an initializer expression with an
instruction the reader does not know. Checks against such a type only compare kinds.
"""

from __future__ import annotations

from typing import Callable

from ..binary.coretypes import (
    CoreExactFuncExtern, CoreFuncExtern, CoreFuncType, CoreGlobalExtern, CoreMemoryExtern, CoreRefType,
    CoreTableExtern, CoreTagExtern, Limits, SubFinalType, SubType,
)
from ..binary.module import ModulePrefix, read_prefix
from .types import CoreExtern, CoreFunc, CoreGlobal, CoreMemory, CoreModuleType, CoreTable, CoreTag


def module_interface(data: bytes | memoryview, base: int = 0) -> CoreModuleType:
    """Imports ((module, name) -> type) and exports (name -> type) of a core module."""
    prefix = read_prefix(data, base)
    func_type = _func_types(prefix.types).__getitem__  # (the reader checked every index)
    imports = {key: core_extern(ext, func_type) for key, ext in prefix.imports.items()}
    exports = {name: _exported(prefix, kind, idx, func_type)
               for name, (kind, idx) in prefix.exports.items()}
    return CoreModuleType(imports, exports)


def _func_types(types: list[object]) -> list[CoreFunc | None]:
    """The function type at each type index, or None where the index holds another type or
    one this reader cannot state; one CoreFunc for each type the reader shares."""
    made: dict[int, CoreFunc | None] = {}
    out = []
    for t in types:
        func = made.get(id(t), made)
        if func is made:
            if isinstance(t, (SubType, SubFinalType)):
                # a function type that is part of a subtyping hierarchy is not portable either
                func = _comp_func(t.body) if not t.supertypes else None
            else:
                func = _comp_func(t)
            made[id(t)] = func  # type: ignore[assignment]
        out.append(func)
    return out  # type: ignore[return-value]


def _portable(valtypes: tuple) -> tuple[str, ...] | None:
    """Value types as text, or None if one refers to a type index of this module (it would
    mean another type in another module)."""
    out = []
    for t in valtypes:
        if isinstance(t, CoreRefType) and isinstance(t.heap, int):
            return None
        out.append(str(t))
    return tuple(out)


def _comp_func(body: object) -> CoreFunc | None:
    if isinstance(body, CoreFuncType):
        params, results = _portable(body.params), _portable(body.results)
        if params is not None and results is not None:
            return CoreFunc(params, results)
    return None


def _exported(prefix: ModulePrefix, kind: str, idx: int,
              func_type: Callable[[int], CoreFunc | None]) -> CoreExtern:
    """The type of the export of `kind` `idx`. An index past what was read (a definition
    after an initializer the reader does not know) keeps only its kind; wasmtime's
    validator checks the bounds."""
    if kind == "func":
        return (func_type(prefix.funcs[idx]) or "func") if idx < len(prefix.funcs) else kind
    space: list = {"table": prefix.tables, "memory": prefix.memories, "global": prefix.globals,
                   "tag": prefix.tags}[kind]
    return core_extern(space[idx], func_type) if idx < len(space) else kind


def core_extern(ext: object, func_type: Callable[[int], CoreFunc | None]) -> CoreExtern:
    """What a `core:externtype` describes; `func_type(i)` is the function type at type
    index i (None if it is not one this reader can state)."""
    if isinstance(ext, (CoreFuncExtern, CoreExactFuncExtern)):  # (exact: no subtype taken)
        return func_type(ext.type_idx) or "func"
    if isinstance(ext, CoreTagExtern):
        func = func_type(ext.type_idx)
        return CoreTag(func) if func is not None else "tag"
    if isinstance(ext, CoreMemoryExtern):
        return _memory(ext.limits)
    if isinstance(ext, CoreTableExtern):
        return _table(ext.element, ext.limits)
    assert isinstance(ext, CoreGlobalExtern)
    return _global(ext.type, ext.mutability)


def _memory(limits: Limits) -> CoreMemory:
    # a page size of 64 KiB written out is the default page size
    page = None if limits.page_size_log2 == 16 else limits.page_size_log2
    return CoreMemory(limits.min, limits.max, bool(limits.flags & 0x04), bool(limits.flags & 0x02),
                      page)


def _table(element: object, limits: Limits) -> CoreExtern:
    if isinstance(element, CoreRefType) and isinstance(element.heap, int):
        return "table"
    return CoreTable(str(element), limits.min, limits.max, bool(limits.flags & 0x04))


def _global(valtype: object, mutability: int) -> CoreExtern:
    if isinstance(valtype, CoreRefType) and isinstance(valtype.heap, int):
        return "global"
    return CoreGlobal(str(valtype), bool(mutability & 1), bool(mutability & 2))
