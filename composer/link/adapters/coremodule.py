"""A small core module written byte by byte: the code of a synthesized adapter.

Only what adapters need: function types of number types, function imports, one memory, one
mutable i32 global, function bodies, one active data segment and exports. Each function's
body is a list of instructions already encoded (`Code`).
"""

from __future__ import annotations

import struct

from ...binary.coretypes import CoreFuncType
from ...binary.writer import Writer, encode_s, encode_u
from ...record import Record, field_

PAGE = 1 << 16


class Code:
    """Instructions, encoded as they are added."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def op(self, *codes: int) -> "Code":
        self.buf += bytes(codes)
        return self

    def const(self, valtype: str, value: int) -> "Code":
        if valtype == "i32":
            self.buf += b"\x41" + encode_s(value if value < 1 << 31 else value - (1 << 32))
        elif valtype == "i64":
            self.buf += b"\x42" + encode_s(value if value < 1 << 63 else value - (1 << 64))
        elif valtype == "f32":
            self.buf += b"\x43" + struct.pack("<I", value)
        else:
            self.buf += b"\x44" + struct.pack("<Q", value)
        return self

    def local(self, op: int, idx: int) -> "Code":
        self.buf += bytes((op,)) + encode_u(idx)
        return self

    def call(self, func: int) -> "Code":
        self.buf += b"\x10" + encode_u(func)
        return self


UNREACHABLE, END, IF, LOCAL_GET, LOCAL_TEE, GLOBAL_GET, GLOBAL_SET = 0x00, 0x0B, 0x04, 0x20, 0x22, 0x23, 0x24
I32_EQ, I32_GT_U, I32_ADD, I32_SUB, I32_AND, I32_SHL, I32_SHR_U = 0x46, 0x4B, 0x6A, 0x6B, 0x71, 0x74, 0x76
MEMORY_SIZE, MEMORY_GROW, EMPTY_BLOCK = 0x3F, 0x40, 0x40


class Function(Record):
    params: tuple[str, ...]
    results: tuple[str, ...]
    body: bytes
    locals: tuple[str, ...] = ()


class CoreModule(Record, mutable=True):
    """The module under construction; `encode()` gives its bytes."""

    imports: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = field_(factory=list)
    functions: list[Function] = field_(factory=list)
    exports: list[tuple[str, int, int]] = field_(factory=list)  # name, kind, index
    memory_pages: int | None = None
    heap_global: int | None = None  # the initial value of the one global, if any
    data: bytes = b""  # an active segment at address 0

    def import_func(self, module: str, name: str, params: tuple[str, ...],
                    results: tuple[str, ...] = ()) -> int:
        self.imports.append((module, name, params, results))
        return len(self.imports) - 1

    def add_function(self, f: Function) -> int:
        self.functions.append(f)
        return len(self.imports) + len(self.functions) - 1

    def export(self, name: str, kind: str, idx: int) -> None:
        self.exports.append((name, {"func": 0, "memory": 2, "global": 3}[kind], idx))

    def encode(self) -> bytes:
        types: dict[tuple, int] = {}

        def type_of(params: tuple[str, ...], results: tuple[str, ...]) -> int:
            return types.setdefault((params, results), len(types))

        import_types = [type_of(p, r) for _, _, p, r in self.imports]
        func_types = [type_of(f.params, f.results) for f in self.functions]
        out = bytearray(b"\x00asm\x01\x00\x00\x00")

        def section(sid: int, items: list[bytes]) -> None:
            if items:
                body = encode_u(len(items)) + b"".join(items)
                out.extend(bytes((sid,)) + encode_u(len(body)) + body)

        section(1, [CoreFuncType(p, r).encode() for p, r in types])
        section(2, [_name(m) + _name(n) + b"\x00" + encode_u(t)
                    for (m, n, _, _), t in zip(self.imports, import_types)])
        section(3, [encode_u(t) for t in func_types])
        if self.memory_pages is not None:
            section(5, [b"\x00" + encode_u(self.memory_pages)])
        if self.heap_global is not None:
            section(6, [b"\x7f\x01" + Code().const("i32", self.heap_global).buf + b"\x0b"])
        section(7, [_name(n) + bytes((k,)) + encode_u(i) for n, k, i in self.exports])
        section(10, [_body(f) for f in self.functions])
        if self.data:
            offset = Code().const("i32", 0).buf + b"\x0b"
            section(11, [b"\x00" + offset + encode_u(len(self.data)) + self.data])
        return bytes(out)


def _name(s: str) -> bytes:
    w = Writer()
    w.name(s)
    return w.getvalue()


def _body(f: Function) -> bytes:
    groups: list[tuple[int, str]] = []
    for t in f.locals:
        if groups and groups[-1][1] == t:
            groups[-1] = (groups[-1][0] + 1, t)
        else:
            groups.append((1, t))
    code = encode_u(len(groups)) + b"".join(encode_u(n) + CODES[t] for n, t in groups)
    code += f.body + b"\x0b"
    return encode_u(len(code)) + code


CODES = {"i32": b"\x7f", "i64": b"\x7e", "f32": b"\x7d", "f64": b"\x7c"}


def bump_realloc(heap: int) -> Function:
    """`cabi_realloc` as a bump allocator over the module's one memory, from the global
    `heap`, growing the memory when it runs out (trapping if it cannot); nothing is freed
    (the adapter's functions reset the global on entry: what they were given is not kept).
    """
    c = Code()
    c.local(GLOBAL_GET, heap).local(LOCAL_GET, 2).op(I32_ADD).const("i32", 1).op(I32_SUB)
    c.const("i32", 0).local(LOCAL_GET, 2).op(I32_SUB).op(I32_AND)
    c.local(LOCAL_TEE, 4).local(LOCAL_GET, 3).op(I32_ADD).local(GLOBAL_SET, heap)
    c.local(GLOBAL_GET, heap).op(MEMORY_SIZE, 0).const("i32", 16).op(I32_SHL).op(I32_GT_U)
    c.op(IF, EMPTY_BLOCK)
    c.local(GLOBAL_GET, heap).op(MEMORY_SIZE, 0).const("i32", 16).op(I32_SHL).op(I32_SUB)
    c.const("i32", PAGE - 1).op(I32_ADD).const("i32", 16).op(I32_SHR_U).op(MEMORY_GROW, 0)
    c.const("i32", -1).op(I32_EQ).op(IF, EMPTY_BLOCK, UNREACHABLE, END)
    c.op(END)
    c.local(LOCAL_GET, 4)
    return Function(("i32",) * 4, ("i32",), bytes(c.buf), ("i32",))
