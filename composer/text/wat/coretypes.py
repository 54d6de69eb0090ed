"""Core types as text, as `wasm-tools print` writes them: value, reference and heap types,
function, struct and array types, `sub`/`final`, rec groups, limits and the types of tables,
memories, globals and tags.

Pure functions over composer/binary/coretypes.py's productions (and raw values where the
binary has no production), so the module printer, the instruction printer and the component
printer (core types inside component types) share them. `names` is optional and duck-typed:
anything with `types` (type index -> reference text) and `fields` (type index -> field index
-> reference text), usually a `names.Names`; without it indices print bare.
"""

from __future__ import annotations

from typing import Any, Iterable

from ...binary.coretypes import (
    CoreArrayType, CoreFuncType, CoreRefType, CoreStructType, FieldType, Limits, SharedCompType,
    SubFinalType, SubType,
)

# Nullable references to these abstract heap types have a one-word form.
_SHORTHANDS = {
    "func": "funcref", "extern": "externref", "i31": "i31ref", "any": "anyref",
    "none": "nullref", "noextern": "nullexternref", "nofunc": "nullfuncref", "eq": "eqref",
    "struct": "structref", "array": "arrayref", "exn": "exnref", "noexn": "nullexnref",
}


def type_ref(index: int, names: Any = None) -> str:
    """A type index as a reference: `$t` when named, else the number."""
    if names is not None:
        ref = names.types.get(index)
        if ref is not None:
            return ref  # type: ignore[no-any-return]
    return str(index)


def heap_text(heap: str | int, shared: bool = False, names: Any = None) -> str:
    """heaptype: an abstract heap type's keyword or a type reference; `(shared any)`."""
    text = heap if isinstance(heap, str) else type_ref(heap, names)
    return f"(shared {text})" if shared else text


def ref_text(ref: CoreRefType, names: Any = None) -> str:
    """reftype: `funcref`, `(ref null $t)`, `(ref 3)`, `(ref null (shared any))`."""
    heap = ref.heap
    if ref.nullable:
        if not ref.shared and isinstance(heap, str) and heap in _SHORTHANDS:
            return _SHORTHANDS[heap]
        return f"(ref null {heap_text(heap, ref.shared, names)})"
    return f"(ref {heap_text(heap, ref.shared, names)})"


def val_text(value: str | CoreRefType, names: Any = None) -> str:
    """valtype (and storagetype: `i8`, `i16`)."""
    if isinstance(value, str):
        return value
    return ref_text(value, names)


def func_type_text(func: CoreFuncType, names: Any = None,
                   param_names: dict[int, str] | None = None) -> str:
    """The params and results of a function type, each part after a space:
    ` (param i32 i32) (result i32)`, or `` for `[] -> []`. `param_names` (local index ->
    reference text) puts each named parameter in a `param` of its own, as wasm-tools does
    in a function's header."""
    parts = []
    if func.params:
        parts.append(params_text(func.params, names, param_names))
    if func.results:
        parts.append("(result " + " ".join(val_text(t, names) for t in func.results) + ")")
    return "".join(" " + part for part in parts)


def params_text(params: Iterable[str | CoreRefType], names: Any = None,
                param_names: dict[int, str] | None = None, keyword: str = "param",
                first: int = 0) -> str:
    """Params (or locals, with `keyword="local"`, numbered from `first`): a run of unnamed
    ones shares one group, a named one has its own (`(param $x i32)`)."""
    groups: list[str] = []
    run: list[str] = []
    define = getattr(names, "define", None)
    for i, value in enumerate(params, first):
        text = val_text(value, names)
        ref = param_names.get(i) if param_names else None
        if ref is None:
            run.append(text)
            continue
        if run:
            groups.append(f"({keyword} {' '.join(run)})")
            run = []
        groups.append(f"({keyword} {define(ref) if define else ref} {text})")
    if run:
        groups.append(f"({keyword} {' '.join(run)})")
    return " ".join(groups)


def field_text(field: FieldType, names: Any = None) -> str:
    """fieldtype: `i8`, `(mut i32)`."""
    text = val_text(field.storage, names)
    return f"(mut {text})" if field.mutable else text


def struct_text(struct: CoreStructType, type_index: int | None = None, names: Any = None) -> str:
    """`(struct (field $x (mut i32)) (field i8))`: field names are those of `type_index`."""
    fields = names.fields.get(type_index, {}) if names is not None and type_index is not None else {}
    parts = ["(struct"]
    for i, field in enumerate(struct.fields):
        ref = fields.get(i)
        named = f"{ref} " if ref is not None else ""  # (a renamed field has no `(@name)`)
        parts.append(f" (field {named}{field_text(field, names)})")
    return "".join(parts) + ")"


def comp_text(comp: object, type_index: int | None = None, names: Any = None) -> str:
    """comptype: `(func ...)`, `(struct ...)`, `(array ...)`, `(shared (func ...))`."""
    if isinstance(comp, CoreFuncType):
        return "(func" + func_type_text(comp, names) + ")"
    if isinstance(comp, CoreStructType):
        return struct_text(comp, type_index, names)
    if isinstance(comp, CoreArrayType):
        return f"(array {field_text(comp.element, names)})"
    if isinstance(comp, SharedCompType):
        return f"(shared {comp_text(comp.body, type_index, names)})"
    raise TypeError(f"not a composite type: {comp!r}")


def sub_text(sub: object, type_index: int | None = None, names: Any = None) -> str:
    """subtype: the composite type alone when final with no supertype, else
    `(sub final? $super? comptype)`."""
    if isinstance(sub, (SubType, SubFinalType)):
        final = isinstance(sub, SubFinalType)
        if final and not sub.supertypes:
            return comp_text(sub.body, type_index, names)
        head = "(sub final " if final else "(sub "
        supers = "".join(type_ref(s, names) + " " for s in sub.supertypes)
        return head + supers + comp_text(sub.body, type_index, names) + ")"
    return comp_text(sub, type_index, names)


def composite(sub: object) -> object:
    """The composite type of a sub type (or of a bare composite type)."""
    return sub.body if isinstance(sub, (SubType, SubFinalType)) else sub


def func_of(sub: object) -> CoreFuncType | None:
    """The function type a (sub) type is, or None for a struct, an array or a shared type."""
    comp = composite(sub)
    return comp if isinstance(comp, CoreFuncType) else None


def type_def_text(sub: object, index: int, names: Any = None) -> str:
    """A type definition: `(type $t (;3;) (func (param i32)))`."""
    if names is not None:
        head = names.definition(names.types, index)
    else:
        head = f"(;{index};)"
    return f"(type {head} {sub_text(sub, index, names)})"


# -- limits and the types of imports and definitions -------------------------------------


def limits_text(limits: Limits) -> str:
    """`min max?`, with `i64 ` before it for a 64-bit table or memory."""
    text = str(limits.min) if limits.max is None else f"{limits.min} {limits.max}"
    return "i64 " + text if limits.flags & 0x04 else text


def table_type_text(element: CoreRefType, limits: Limits, names: Any = None) -> str:
    """tabletype: `shared? i64? min max? reftype`."""
    shared = "shared " if limits.flags & 0x02 else ""
    return f"{shared}{limits_text(limits)} {ref_text(element, names)}"


def memory_type_text(limits: Limits) -> str:
    """memtype: `i64? min max? shared? (pagesize 0x..)?`."""
    text = limits_text(limits)
    if limits.flags & 0x02:
        text += " shared"
    if limits.page_size_log2 is not None:
        text += f" (pagesize {1 << limits.page_size_log2:#x})"
    return text


def global_type_text(value: str | CoreRefType, mutability: int, names: Any = None) -> str:
    """globaltype: `i32`, `(mut i32)`, `(shared mut i32)`, `(shared i32)` (mutability:
    bit 0 mutable, bit 1 shared)."""
    text = val_text(value, names)
    if not mutability:
        return text
    prefix = ("shared " if mutability & 2 else "") + ("mut " if mutability & 1 else "")
    return f"({prefix}{text})"


def tag_type_text(type_index: int, types: list, names: Any = None) -> str:
    """tagtype: `(type $t)` and, when the type is a function type, its params and results
    (as wasm-tools prints a tag or a function import). `types`: the module's types so far,
    each a sub type or None (not known here)."""
    text = f"(type {type_ref(type_index, names)})"
    sub = types[type_index] if type_index < len(types) else None
    func = func_of(sub) if sub is not None else None
    return text + func_type_text(func, names) if func is not None else text
