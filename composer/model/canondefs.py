"""The definitions of a component's canon section (Binary.md `canon`; CanonicalABI.md):
lifts and lowers, whose core function types must agree with the Canonical ABI, and the
built-ins (resources, tasks, streams and futures, waitable sets, threads, error contexts),
each given the core function type it has, with the gated features it needs.

`CanonDefinitions` is a part of `Elaborator` (elaborate.py), which inherits it: the
definitions are read with its lookups (`valtype`, `_resource`) and its `gate`.
"""

from __future__ import annotations

from typing import Callable

from . import types as T
from ..binary import canon as C
from ..binary import coretypes as CT
from ..errors import ValidationError
from .canonoptions import CanonOptions, check_option_type
from .indexspaces import IndexSpaces, Origin, indexed
from .typetext import func_text


class CanonDefinitions:
    """The canon section's definitions, elaborated into the index spaces: a part of
    `Elaborator`, which provides these."""

    gate: Callable[[str, str], None]
    valtype: Callable[[IndexSpaces, object], T.ValType]
    _resource: Callable[[IndexSpaces, int], object]

    def _canon(self, scope: IndexSpaces, canon: object) -> None:
        if isinstance(canon, C.Lift):
            self._lift(scope, canon)
            return
        if isinstance(canon, C.Lower):
            ft = indexed(scope.funcs, canon.func, "function")
            opts = CanonOptions.read(scope, canon.options, "canon lower", self.gate)
            flat = opts.check_abi(ft, "lower")  # type: ignore[arg-type]
            scope.core["func"].append(flat)
            return
        if isinstance(canon, (C.ResourceNew, C.ResourceRep)):
            what = "resource.new" if isinstance(canon, C.ResourceNew) else "resource.rep"
            res = T.resource_of(self._resource(scope, canon.resource))
            if res is None or res.rep is None:
                raise ValidationError(f"`{what}` needs a resource this component defines; "
                                      f"type {canon.resource} is imported")
            rep = "i64" if res.rep == 0x7E else "i32"  # the representation; handles are i32
            new = isinstance(canon, C.ResourceNew)
            scope.core["func"].append(T.CoreFunc((rep,), ("i32",)) if new else T.CoreFunc(("i32",), (rep,)))
            return
        if isinstance(canon, C.ResourceDrop):
            self._resource(scope, canon.resource)
            scope.core["func"].append(T.CoreFunc(("i32",), ()))
            return
        if getattr(canon, "cancellable", False):
            # the byte is still there, but only 0x00 is read since component-model#716
            label = (type(canon).__doc__ or "").split(" (")[0]
            raise ValidationError(f"`{label}` has the `cancellable` flag (0x01), which was "
                                  "removed (component-model#716): the byte must be 0x00")
        self._gated_builtin(canon)
        self._builtin_indices(scope, canon)
        opts = CanonOptions.read(scope, getattr(canon, "options", ()), "canon", self.gate)
        opts.check_builtin_needs(canon, scope)
        scope.core["func"].append(self._builtin_type(scope, canon, opts))

    def _lift(self, scope: IndexSpaces, canon: C.Lift) -> None:
        callee = scope.core_item("func", canon.core_func)
        ft = T.unwrap(indexed(scope.types, canon.type_idx, "type"))  # type: ignore[arg-type]
        if not isinstance(ft, T.FuncType):
            raise ValidationError(f"canon lift: type index {canon.type_idx} is not a function type")
        opts = CanonOptions.read(scope, canon.options, "canon lift", self.gate)
        if opts.is_async and opts.callback is None:
            self.gate("cm-async-stackful", "an async lift without a callback")
        flat = opts.check_abi(ft, "lift", callee)
        if isinstance(callee, T.CoreFunc) and isinstance(flat, T.CoreFunc) and callee != flat:
            raise ValidationError(f"canon lift of `{func_text(ft)}`: the core function has type "
                                  f"{callee}, the Canonical ABI needs {flat}")
        if opts.post_return is not None and isinstance(flat, T.CoreFunc):
            want = T.CoreFunc(flat.results, ())
            check_option_type("post-return", opts.post_return, want)
        scope.funcs.append(ft)
        scope.func_origins.append(Origin("lift"))

    def _builtin_indices(self, scope: IndexSpaces, canon: object) -> None:
        """Every index a built-in names must be in bounds and of the kind it needs."""
        name = type(canon).__name__
        type_idx = getattr(canon, "type_idx", None)
        if type_idx is not None and name.startswith(("Stream", "Future")):
            t = T.unwrap(indexed(scope.types, type_idx, "type"))  # type: ignore[arg-type]
            want = T.StreamType if name.startswith("Stream") else T.FutureType
            if not isinstance(t, want):
                kind = want.__name__.removesuffix("Type").lower()
                raise ValidationError(f"type index {type_idx} is not a {kind} type")
        elif type_idx is not None:  # the thread built-ins name a core function type
            indexed(scope.core_types, type_idx, "core type")
        if isinstance(canon, C.TaskReturn) and canon.result is not None:
            self.valtype(scope, canon.result)
        if getattr(canon, "memory", None) is not None:
            scope.core_item("memory", canon.memory)  # type: ignore[attr-defined]
        if getattr(canon, "table", None) is not None:
            scope.core_item("table", canon.table)  # type: ignore[attr-defined]

    def _builtin_type(self, scope: IndexSpaces, canon: object, opts: CanonOptions) -> T.CoreExtern:
        """The core function type a built-in is given (CanonicalABI.md, each built-in's
        "validation specifies"), so that what it is passed to is checked against it."""
        if isinstance(canon, C.TaskReturn):
            result = None if canon.result is None else self.valtype(scope, canon.result)
            ft = T.FuncType((("result", result),) if result is not None else (), None)
            return opts.check_abi(ft, "lower")
        memory = getattr(canon, "memory", None)
        if memory is not None:  # waitable-set.wait/poll name their memory directly
            mem = scope.core_item("memory", memory)
            wide = isinstance(mem, T.CoreMemory) and mem.memory64
        else:
            wide = opts.memory64
        ptr = "i64" if wide else "i32"  # `T`: the address type of the memory used
        if isinstance(canon, (C.ContextGet, C.ContextSet)):
            if scope.context_type is None:
                scope.context_type = canon.valtype
            elif canon.valtype != scope.context_type:
                raise ValidationError("the context slots of a component hold one type: this "
                                      "`context.get` or `context.set` uses another")
            valtype = {0x7F: "i32", 0x7E: "i64"}[canon.valtype]
            get = isinstance(canon, C.ContextGet)
            return T.CoreFunc((), (valtype,)) if get else T.CoreFunc((valtype,), ())
        if isinstance(canon, (C.ThreadNewIndirect, C.ThreadSpawnIndirect, C.ThreadSpawnRef)):
            return self._thread_start(scope, canon)
        signature = _BUILTIN_SIGNATURES.get(type(canon).__name__)
        if signature is None:
            return "func"
        params, results = signature
        return T.CoreFunc(tuple(ptr if t == "T" else t for t in params),
                          tuple(ptr if t == "T" else t for t in results))

    def _thread_start(self, scope: IndexSpaces, canon: object) -> T.CoreExtern:
        """🧵 `thread.new-indirect`, `thread.spawn-indirect`, `thread.spawn-ref`: the function
        a thread starts with takes one i32 or i64 (its closure) and returns nothing (shared,
        for the spawning ones); the table holds function references."""
        entry = indexed(scope.core_types, canon.type_idx, "core type")  # type: ignore[attr-defined]
        shared = isinstance(entry, CT.SharedCompType)
        body = entry.body if shared else entry  # type: ignore[attr-defined]
        if isinstance(body, CT.CoreFuncType):
            body = T.CoreFunc(tuple(map(str, body.params)), tuple(map(str, body.results)))
        label = (type(canon).__doc__ or "").split(" (")[0]
        if not isinstance(body, T.CoreFunc) or len(body.params) != 1 or \
                body.params[0] not in ("i32", "i64") or body.results:
            raise ValidationError(f"`{label}`: the function a thread starts with takes one i32 "
                                  "or i64 and returns nothing")
        if not shared and not isinstance(canon, C.ThreadNewIndirect):
            raise ValidationError(f"`{label}`: the function a thread starts with is shared")
        if isinstance(canon, C.ThreadSpawnRef):
            return "func"  # its first parameter is a reference to the function type
        table = scope.core_item("table", canon.table)  # type: ignore[attr-defined]
        spawn = isinstance(canon, C.ThreadSpawnIndirect)  # from a shared table
        want = _SHARED_FUNCREFS if spawn else _FUNCREFS
        if isinstance(table, T.CoreTable) and table.element not in want:
            raise ValidationError(f"`{label}`: the table holds {table.element}, not "
                                  f"{want[0]}")
        index = "i64" if isinstance(table, T.CoreTable) and table.table64 else "i32"
        return T.CoreFunc((index, body.params[0]), ("i32",))

    def _gated_builtin(self, canon: object) -> None:
        name = type(canon).__name__
        label = f"`{(type(canon).__doc__ or name).split(' (')[0]}`"
        if name in _THREADING:
            self.gate("cm-threading", label)
        elif name in _ERROR_CONTEXT:
            self.gate("cm-error-context", label)
        elif name in ("ContextGet", "ContextSet"):
            if canon.valtype not in (0x7F, 0x7E):  # type: ignore[attr-defined]
                raise ValidationError(f"{label} holds an i32 or an i64, not the value type "
                                      f"{canon.valtype:#04x}")  # type: ignore[attr-defined]
            if canon.index > 1:  # type: ignore[attr-defined]
                raise ValidationError(f"{label} of slot {canon.index}: there are two slots, "  # type: ignore[attr-defined]
                                      "0 and 1")
            if canon.valtype != 0x7F:  # type: ignore[attr-defined]
                self.gate("cm64", f"a 64-bit {label}")
            if canon.index != 0:  # type: ignore[attr-defined]
                self.gate("cm-threading", f"{label} of slot {canon.index} (only slot 0 is "  # type: ignore[attr-defined]
                          "there by default)")
        elif name in ("StreamForward", "FutureForward"):
            self.gate("cm-forward", label)
        elif name in ("StreamRead", "StreamWrite", "FutureRead", "FutureWrite"):
            if not any(isinstance(o, C.AsyncOpt) for o in canon.options):  # type: ignore[attr-defined]
                self.gate("cm-more-async-builtins", f"a synchronous {label}")
        if getattr(canon, "async_", False):
            self.gate("cm-more-async-builtins", f"an async {label}")


# Element types of a table of function references (what `thread.new-indirect` reads).
_FUNCREFS = ("funcref", "(ref null func)", "(ref func)")
_SHARED_FUNCREFS = ("(ref null (shared func))", "(ref (shared func))")

# (params, results) of the built-ins with a fixed core type; `T` is the address type of the
# memory they use (i32, or i64 for a 64-bit memory).
_BUILTIN_SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "TaskCancel": ((), ()),
    "BackpressureInc": ((), ()),
    "BackpressureDec": ((), ()),
    "SubtaskCancel": (("i32",), ("i32",)),
    "SubtaskDrop": (("i32",), ()),
    "ThreadYield": ((), ("i32",)),
    "StreamNew": ((), ("i64",)),
    "FutureNew": ((), ("i64",)),
    "StreamRead": (("i32", "T", "T"), ("T",)),
    "StreamWrite": (("i32", "T", "T"), ("T",)),
    "FutureRead": (("i32", "T"), ("i32",)),
    "FutureWrite": (("i32", "T"), ("i32",)),
    "StreamCancelRead": (("i32",), ("i32",)),
    "StreamCancelWrite": (("i32",), ("i32",)),
    "FutureCancelRead": (("i32",), ("i32",)),
    "FutureCancelWrite": (("i32",), ("i32",)),
    "StreamDropReadable": (("i32",), ()),
    "StreamDropWritable": (("i32",), ()),
    "FutureDropReadable": (("i32",), ()),
    "FutureDropWritable": (("i32",), ()),
    "ErrorContextNew": (("T", "T"), ("i32",)),
    "ErrorContextDebugMessage": (("i32", "T"), ()),
    "ErrorContextDrop": (("i32",), ()),
    "WaitableSetNew": ((), ("i32",)),
    "WaitableSetWait": (("i32", "T"), ("i32",)),
    "WaitableSetPoll": (("i32", "T"), ("i32",)),
    "WaitableSetDrop": (("i32",), ()),
    "WaitableJoin": (("i32", "i32"), ()),
    "ThreadIndex": ((), ("i32",)),
    "ThreadResumeLater": (("i32",), ()),
    "ThreadSuspend": ((), ("i32",)),
    "ThreadSuspendThenResume": (("i32",), ("i32",)),
    "ThreadYieldThenResume": (("i32",), ("i32",)),
    "ThreadSuspendThenPromote": (("i32",), ("i32",)),
    "ThreadYieldThenPromote": (("i32",), ("i32",)),
    "ThreadAvailableParallelism": ((), ("i32",)),
}

# Built-ins wasm-tools 1.262 does not enable by default, and the feature each needs.
_THREADING = ("ThreadIndex", "ThreadNewIndirect", "ThreadResumeLater", "ThreadSuspend",
              "ThreadSuspendThenResume", "ThreadYieldThenResume", "ThreadSuspendThenPromote",
              "ThreadYieldThenPromote", "ThreadSpawnRef", "ThreadSpawnIndirect",
              "ThreadAvailableParallelism")
_ERROR_CONTEXT = ("ErrorContextNew", "ErrorContextDebugMessage", "ErrorContextDrop")
