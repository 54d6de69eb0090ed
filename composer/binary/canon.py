"""`canon` definitions and `canonopt` (Binary.md, Canonical Definitions).

Every built-in that wasm-tools 1.262 writes is here, with the opcodes it writes. Where 1.262
departs from the spec snapshot in ../shared/spec (the 🧵② `thread.spawn-ref`,
`thread.spawn-indirect` and `thread.available-parallelism` have no `shared?` byte;
`stream.forward` and `future.forward` exist as 0x2e and 0x2f), we follow what the tool writes,
because those are the bytes our inputs contain.
"""

from __future__ import annotations

from typing import Any

from .codec import BOOL, BYTE, U32, Choice, Production, Vec, field_
from .codec import CodecSpec
from .types import RESULTLIST



def _production(cls_name: str, tag: tuple[int, ...], doc: str, **fields: CodecSpec) -> type[Production]:
    """A frozen Production class with the given prefix bytes and codec-declared fields.

    Binary.md lists the canon built-ins as a table of opcodes and immediates; declaring them
    the same way, one line each, keeps them checkable against it at a glance.
    """
    namespace: dict[str, Any] = {"TAG": tag, "__doc__": doc, "__module__": __name__}
    namespace.update((name, field_(codec)) for name, codec in fields.items())
    return type(Production)(cls_name, (Production,), namespace)


# -- canonopt ----------------------------------------------------------------------------

Utf8 = _production("Utf8", (0x00,), "string-encoding=utf8")
Utf16 = _production("Utf16", (0x01,), "string-encoding=utf16")
Latin1Utf16 = _production("Latin1Utf16", (0x02,), "string-encoding=latin1+utf16")
MemoryOpt = _production("MemoryOpt", (0x03,), "(memory m)", memory=U32)
ReallocOpt = _production("ReallocOpt", (0x04,), "(realloc f)", func=U32)
PostReturnOpt = _production("PostReturnOpt", (0x05,), "(post-return f)", func=U32)
AsyncOpt = _production("AsyncOpt", (0x06,), "async")
CallbackOpt = _production("CallbackOpt", (0x07,), "(callback f)", func=U32)
# The GC ABI options of wasm-tools 1.262 (gated: `cm-gc`), not in the spec snapshot yet.
CoreTypeOpt = _production("CoreTypeOpt", (0x08,), "(core-type t)", type_idx=U32)
GcOpt = _production("GcOpt", (0x09,), "gc")

CANONOPTS = (
    Utf8, Utf16, Latin1Utf16, MemoryOpt, ReallocOpt, PostReturnOpt, AsyncOpt, CallbackOpt,
    CoreTypeOpt, GcOpt,
)
OPTS = Vec(Choice("canonopt", CANONOPTS), "canonopt")


# -- canon -------------------------------------------------------------------------------


class Lift(Production):
    """0x00 0x00 f:<core:funcidx> opts:<opts> ft:<typeidx>   (canon lift ...)"""

    TAG = (0x00, 0x00)
    core_func: int = field_(U32)
    options: tuple = field_(OPTS)
    type_idx: int = field_(U32)


class Lower(Production):
    """0x01 0x00 f:<funcidx> opts:<opts>   (canon lower ...)"""

    TAG = (0x01, 0x00)
    func: int = field_(U32)
    options: tuple = field_(OPTS)


# Built-ins that define one core function each: opcode, text name, immediates.
ResourceNew = _production("ResourceNew", (0x02,), "resource.new", resource=U32)
ResourceDrop = _production("ResourceDrop", (0x03,), "resource.drop", resource=U32)
ResourceRep = _production("ResourceRep", (0x04,), "resource.rep", resource=U32)
TaskCancel = _production("TaskCancel", (0x05,), "task.cancel")
SubtaskCancel = _production("SubtaskCancel", (0x06,), "subtask.cancel", async_=BOOL)
TaskReturn = _production("TaskReturn", (0x09,), "task.return", result=RESULTLIST, options=OPTS)
ContextGet = _production("ContextGet", (0x0A,), "context.get", valtype=BYTE, index=U32)
ContextSet = _production("ContextSet", (0x0B,), "context.set", valtype=BYTE, index=U32)
ThreadYield = _production("ThreadYield", (0x0C,), "thread.yield", cancellable=BOOL)
SubtaskDrop = _production("SubtaskDrop", (0x0D,), "subtask.drop")
StreamNew = _production("StreamNew", (0x0E,), "stream.new", type_idx=U32)
StreamRead = _production("StreamRead", (0x0F,), "stream.read", type_idx=U32, options=OPTS)
StreamWrite = _production("StreamWrite", (0x10,), "stream.write", type_idx=U32, options=OPTS)
StreamCancelRead = _production("StreamCancelRead", (0x11,), "stream.cancel-read", type_idx=U32, async_=BOOL)
StreamCancelWrite = _production("StreamCancelWrite", (0x12,), "stream.cancel-write", type_idx=U32, async_=BOOL)
StreamDropReadable = _production("StreamDropReadable", (0x13,), "stream.drop-readable", type_idx=U32)
StreamDropWritable = _production("StreamDropWritable", (0x14,), "stream.drop-writable", type_idx=U32)
FutureNew = _production("FutureNew", (0x15,), "future.new", type_idx=U32)
FutureRead = _production("FutureRead", (0x16,), "future.read", type_idx=U32, options=OPTS)
FutureWrite = _production("FutureWrite", (0x17,), "future.write", type_idx=U32, options=OPTS)
FutureCancelRead = _production("FutureCancelRead", (0x18,), "future.cancel-read", type_idx=U32, async_=BOOL)
FutureCancelWrite = _production("FutureCancelWrite", (0x19,), "future.cancel-write", type_idx=U32, async_=BOOL)
FutureDropReadable = _production("FutureDropReadable", (0x1A,), "future.drop-readable", type_idx=U32)
FutureDropWritable = _production("FutureDropWritable", (0x1B,), "future.drop-writable", type_idx=U32)
ErrorContextNew = _production("ErrorContextNew", (0x1C,), "error-context.new", options=OPTS)
ErrorContextDebugMessage = _production(
    "ErrorContextDebugMessage", (0x1D,), "error-context.debug-message", options=OPTS
)
ErrorContextDrop = _production("ErrorContextDrop", (0x1E,), "error-context.drop")
WaitableSetNew = _production("WaitableSetNew", (0x1F,), "waitable-set.new")
WaitableSetWait = _production("WaitableSetWait", (0x20,), "waitable-set.wait", cancellable=BOOL, memory=U32)
WaitableSetPoll = _production("WaitableSetPoll", (0x21,), "waitable-set.poll", cancellable=BOOL, memory=U32)
WaitableSetDrop = _production("WaitableSetDrop", (0x22,), "waitable-set.drop")
WaitableJoin = _production("WaitableJoin", (0x23,), "waitable.join")
BackpressureInc = _production("BackpressureInc", (0x24,), "backpressure.inc")
BackpressureDec = _production("BackpressureDec", (0x25,), "backpressure.dec")
ThreadIndex = _production("ThreadIndex", (0x26,), "thread.index")
ThreadNewIndirect = _production("ThreadNewIndirect", (0x27,), "thread.new-indirect", type_idx=U32, table=U32)
ThreadResumeLater = _production("ThreadResumeLater", (0x28,), "thread.resume-later")
ThreadSuspend = _production("ThreadSuspend", (0x29,), "thread.suspend", cancellable=BOOL)
ThreadSuspendThenResume = _production(
    "ThreadSuspendThenResume", (0x2A,), "thread.suspend-then-resume", cancellable=BOOL
)
ThreadYieldThenResume = _production(
    "ThreadYieldThenResume", (0x2B,), "thread.yield-then-resume", cancellable=BOOL
)
ThreadSuspendThenPromote = _production(
    "ThreadSuspendThenPromote", (0x2C,), "thread.suspend-then-promote", cancellable=BOOL
)
ThreadYieldThenPromote = _production(
    "ThreadYieldThenPromote", (0x2D,), "thread.yield-then-promote", cancellable=BOOL
)
StreamForward = _production("StreamForward", (0x2E,), "stream.forward (wasm-tools 1.262)", type_idx=U32)
FutureForward = _production("FutureForward", (0x2F,), "future.forward (wasm-tools 1.262)", type_idx=U32)
ThreadSpawnRef = _production("ThreadSpawnRef", (0x40,), "thread.spawn-ref", type_idx=U32)
ThreadSpawnIndirect = _production("ThreadSpawnIndirect", (0x41,), "thread.spawn-indirect", type_idx=U32, table=U32)
ThreadAvailableParallelism = _production("ThreadAvailableParallelism", (0x42,), "thread.available-parallelism")

BUILTINS: tuple[type[Production], ...] = (
    ResourceNew, ResourceDrop, ResourceRep, TaskCancel, SubtaskCancel, TaskReturn,
    ContextGet, ContextSet, ThreadYield, SubtaskDrop,
    StreamNew, StreamRead, StreamWrite, StreamCancelRead, StreamCancelWrite,
    StreamDropReadable, StreamDropWritable,
    FutureNew, FutureRead, FutureWrite, FutureCancelRead, FutureCancelWrite,
    FutureDropReadable, FutureDropWritable,
    ErrorContextNew, ErrorContextDebugMessage, ErrorContextDrop,
    WaitableSetNew, WaitableSetWait, WaitableSetPoll, WaitableSetDrop, WaitableJoin,
    BackpressureInc, BackpressureDec, ThreadIndex, ThreadNewIndirect, ThreadResumeLater,
    ThreadSuspend, ThreadSuspendThenResume, ThreadYieldThenResume, ThreadSuspendThenPromote,
    ThreadYieldThenPromote, StreamForward, FutureForward,
    ThreadSpawnRef, ThreadSpawnIndirect, ThreadAvailableParallelism,
)

CANON = Choice("canon", [Lift, Lower, *BUILTINS])
Canon = Production  # any of the above
