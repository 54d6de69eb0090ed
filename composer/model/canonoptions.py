"""The canonical options of a `canon lift`, `canon lower` or built-in (Binary.md `canonopt`;
CanonicalABI.md, `canonopt` Validation) as one record, `CanonOptions`, read once with its
checks: each option once, of the right type, where it may be, and the rules between options
(`realloc` needs `memory`, `callback` needs `async`, ...). The rules that then depend on the
options are its methods: what a function's lift or lower needs (`check_abi`, the GC ABI's
core types included) and what a built-in that copies values through memory needs.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from ..binary import canon as C
from ..binary import coretypes as CT
from ..errors import ValidationError
from ..record import Record
from .canonabi import MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, Flattener, Options, contains_list_or_string
from .indexspaces import IndexSpaces, indexed
from .typetext import func_text, type_text


class CanonOptions(Record):
    """The canonical options of one definition, read and checked (`read`), as wasmparser's
    `CanonicalOptions`."""

    memory: T.CoreExtern | None = None
    realloc: T.CoreExtern | None = None
    post_return: T.CoreExtern | None = None
    callback: T.CoreExtern | None = None
    string_encoding: str | None = None  # "utf8", "utf16" or "latin1+utf16"; None: utf8
    is_async: bool = False
    # the GC ABI (gated): values pass as GC references, under rules checked here only for
    # functions of numbers; `core_type` is the core function type a lowering declares
    gc: bool = False
    core_type: object | None = None

    @classmethod
    def read(cls, spaces: IndexSpaces, options: tuple, where: str,
             gate: Callable[[str, str], None]) -> CanonOptions:
        """`canonopt` Validation: each option once, of the right type, where it may be, then
        the rules between them. `where`: "canon lift", "canon lower" or "canon" (a
        built-in); `gate`: the elaborator's check of a gated feature."""
        memory = realloc = post_return = callback = string_encoding = core_type = None
        is_async = gc = False
        seen: set[str] = set()
        for opt in options:
            name = _OPTION_NAMES[type(opt)]
            if name in seen:
                raise ValidationError(f"canonical option `{name}` is specified more than once")
            seen.add(name)
            if isinstance(opt, (C.CoreTypeOpt, C.GcOpt)):
                gate("cm-gc", f"the canonical option `{name}`")
            if isinstance(opt, C.GcOpt):
                gc = True
            elif isinstance(opt, C.CoreTypeOpt):
                if where == "canon lift":
                    raise ValidationError("canonical option `core-type` is not allowed in "
                                          "canon lift (the lifted core function has its type)")
                core_type = indexed(spaces.core_types, opt.type_idx, "core type")
                if not _is_core_func(core_type):
                    raise ValidationError(f"canonical option `core-type`: core type "
                                          f"{opt.type_idx} is not a function type")
            if isinstance(opt, C.MemoryOpt):
                memory = spaces.core_item("memory", opt.memory)
                if isinstance(memory, T.CoreMemory) and memory.memory64:
                    gate("cm64", "a 64-bit memory in canonical options")
            elif isinstance(opt, C.ReallocOpt):
                realloc = spaces.core_item("func", opt.func)
            elif isinstance(opt, C.PostReturnOpt):
                if where != "canon lift":
                    raise ValidationError(f"canonical option `post-return` is only allowed with "
                                          f"canon lift, not {where}")
                post_return = spaces.core_item("func", opt.func)
            elif isinstance(opt, C.CallbackOpt):
                if where != "canon lift":
                    raise ValidationError(f"canonical option `callback` is only allowed with "
                                          f"canon lift, not {where}")
                callback = spaces.core_item("func", opt.func)
            elif isinstance(opt, C.AsyncOpt):
                is_async = True
            elif isinstance(opt, (C.Utf8, C.Utf16, C.Latin1Utf16)):
                string_encoding = _ENCODINGS[type(opt)]
        opts = cls(memory, realloc, post_return, callback, string_encoding, is_async, gc, core_type)
        if opts.realloc is not None:
            if opts.memory is None:
                raise ValidationError("canonical option `realloc` requires the `memory` option")
            addr = "i64" if opts.memory64 else "i32"  # the memory's address type
            check_option_type("realloc", opts.realloc, T.CoreFunc((addr,) * 4, (addr,)))
        if opts.callback is not None:
            if not opts.is_async:
                raise ValidationError("canonical option `callback` requires the `async` option")
            check_option_type("callback", opts.callback, T.CoreFunc(("i32",) * 3, ("i32",)))
        if opts.core_type is not None and not opts.gc:
            raise ValidationError("canonical option `core-type` needs the `gc` option")
        if opts.gc and opts.core_type is None and where == "canon lower":
            raise ValidationError("canonical option `gc` needs a `core-type` in a lowering")
        if opts.is_async and opts.post_return is not None:
            raise ValidationError("canonical options `async` and `post-return` cannot be used together")
        return opts

    @property
    def memory64(self) -> bool:
        return isinstance(self.memory, T.CoreMemory) and self.memory.memory64

    def check_abi(self, ft: T.FuncType, context: str, callee: object = None) -> T.CoreExtern:
        """The core type a lift or lower has, after checking it has the options it needs
        (CanonicalABI.md, `canonopt` Validation); `callee`: a lift's core function."""
        if self.is_async and not ft.is_async:
            raise ValidationError(f"canon {context} of `{func_text(ft)}`: the `async` option "
                                  "needs an async function type")
        if self.gc:
            return _gc_lowered(ft, self.core_type if context == "lower" else callee, context)
        f = Flattener(Options(self.memory64, self.is_async, self.callback is not None))
        params = [t for _, t in ft.params]
        results = [] if ft.result is None else [ft.result]
        # what goes into the callee is lifted (`realloc` to copy lists and strings in), what
        # comes out of it is lowered (`memory` to read them)
        into, out_of = (params, results) if context == "lift" else (results, params)
        needs: list[str] = []
        if any(contains_list_or_string(t) for t in into):
            needs.append("realloc")
        if any(contains_list_or_string(t) for t in out_of):
            needs.append("memory")
        if len(f.types(params)) > MAX_FLAT_PARAMS:
            needs.append("realloc" if context == "lift" else "memory")
        if self.is_async and context == "lower":
            # async lowering passes more than 4 parameters, and any result, through memory
            if len(f.types(params)) > MAX_FLAT_ASYNC_PARAMS or f.types(results):
                needs.append("memory")
        elif len(f.types(results)) > (MAX_FLAT_PARAMS if self.is_async else MAX_FLAT_RESULTS):
            needs.append("memory")
        missing = [o for o in dict.fromkeys(needs) if getattr(self, o) is None]
        if missing:
            listed = " and ".join(f"`{o}`" for o in missing)
            raise ValidationError(f"canon {context} of `{func_text(ft)}` needs the {listed} "
                                  f"option{'s' if len(missing) > 1 else ''}")
        return f.functype(ft, context)

    def check_builtin_needs(self, canon: object, spaces: IndexSpaces) -> None:
        """The options a built-in that copies values through memory must have (wasmparser's
        rules): reading or writing a stream or future that carries values needs `memory`,
        reading one whose values hold lists or strings `realloc` too (the reader allocates
        them); `error-context.new` reads its message from memory, `.debug-message` writes
        one it allocates."""
        name = type(canon).__name__
        label = f"`{(type(canon).__doc__ or name).split(' (')[0]}`"
        needs: list[tuple[str, str]] = []
        if name in ("StreamRead", "StreamWrite", "FutureRead", "FutureWrite"):
            carried = T.unwrap(spaces.types[canon.type_idx]).element  # type: ignore[attr-defined]
            kind = "stream" if name.startswith("Stream") else "future"
            if carried is not None:
                needs.append(("memory", f"its {kind} carries values, copied through memory"))
                if name.endswith("Read") and contains_list_or_string(carried):
                    needs.append(("realloc", f"the values of its {kind} hold lists or strings, "
                                             "which the reader allocates"))
        elif name == "ErrorContextNew":
            needs.append(("memory", "it reads its message from memory"))
        elif name == "ErrorContextDebugMessage":
            needs += [("memory", "it writes the message to memory"),
                      ("realloc", "it allocates the message it writes")]
        for option, why in needs:
            if getattr(self, option) is None:
                raise ValidationError(f"{label} needs the canonical option `{option}`: {why}")


_OPTION_NAMES = {
    C.Utf8: "string-encoding", C.Utf16: "string-encoding", C.Latin1Utf16: "string-encoding",
    C.MemoryOpt: "memory", C.ReallocOpt: "realloc", C.PostReturnOpt: "post-return",
    C.AsyncOpt: "async", C.CallbackOpt: "callback", C.CoreTypeOpt: "core-type", C.GcOpt: "gc",
}
_ENCODINGS = {C.Utf8: "utf8", C.Utf16: "utf16", C.Latin1Utf16: "latin1+utf16"}


def check_option_type(name: str, have: T.CoreExtern, want: T.CoreFunc) -> None:
    """The core function an option names (`realloc`, `callback`, `post-return`) has the type
    the option needs (if its type is known)."""
    if T.core_kind(have) != "func":
        raise ValidationError(f"canonical option `{name}` is a core {T.core_kind(have)}, not a function")
    if isinstance(have, T.CoreFunc) and have != want:
        raise ValidationError(f"canonical option `{name}` has type {have}, expected {want}")


def _is_core_func(t: object) -> bool:
    """A core type that is a function type (also inside a subtype of a rec group)."""
    return isinstance(t, (T.CoreFunc, CT.CoreFuncType)) or \
        isinstance(getattr(t, "body", None), CT.CoreFuncType)


# The GC ABI's core type of each number type (and char, bool) of the component model.
_GC_NUMBERS = {"bool": "i32", "s8": "i32", "u8": "i32", "s16": "i32", "u16": "i32",
               "s32": "i32", "u32": "i32", "char": "i32", "s64": "i64", "u64": "i64",
               "f32": "f32", "f64": "f64"}


def _gc_lowered(ft: T.FuncType, declared: object, context: str = "lower") -> T.CoreExtern:
    """The core type a lowering with the GC ABI has: the one it declares (`core-type`),
    which must be what the ABI gives a function of numbers (others are taken as declared)."""
    if not isinstance(declared, T.CoreFunc):
        return "func"
    params = [T.unwrap(t) for _, t in ft.params]
    results = [] if ft.result is None else [T.unwrap(ft.result)]
    for given, wanted, what in ((declared.params, params, "parameters"),
                                (declared.results, results, "results")):
        if len(given) != len(wanted):  # one core value a component value
            core = "core type" if context == "lower" else "core function"
            raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: the "
                                  f"{core} has {len(given)} {what}, the function "
                                  f"{len(wanted)}")
    if all(isinstance(t, T.PrimType) and t.name in _GC_NUMBERS for t in params + results):
        want = T.CoreFunc(tuple(_GC_NUMBERS[t.name] for t in params),  # type: ignore[union-attr]
                          tuple(_GC_NUMBERS[t.name] for t in results))  # type: ignore[union-attr]
        if want != declared:
            raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: the "
                                  f"core type is {declared}, the ABI gives {want}")
        return declared
    # each value one core value (the GC ABI does not flatten): a number where the ABI gives
    # one, a reference for what it gives a struct or an array (which struct or array is not
    # checked here)
    for given, wanted, what in ((declared.params, params, "parameter"),
                                (declared.results, results, "result")):
        if len(given) != len(wanted):
            continue
        for core, t in zip(given, wanted):
            number = _gc_number(t)
            if number is not None and core != number:
                raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: a "
                                      f"{what} of type `{type_text(t)}` is `{number}` in core, "
                                      f"not `{core}`")
            if number is None and core in _CORE_NUMBERS:
                raise ValidationError(f"canon {context} of `{func_text(ft)}` with the GC ABI: a "
                                      f"{what} of type `{type_text(t)}` is a reference in "
                                      f"core, not `{core}`")
    return declared


_CORE_NUMBERS = frozenset({"i32", "i64", "f32", "f64", "v128"})


def _gc_number(t: object) -> str | None:
    """The core number the GC ABI gives a value of type `t`, or None for one it gives a
    reference (strings, lists and the compound types)."""
    if isinstance(t, T.PrimType):
        return _GC_NUMBERS.get(t.name)  # (an error-context is an `externref`, as a handle)
    if isinstance(t, (T.EnumType, T.FlagsType)):
        return "i32"
    return None
