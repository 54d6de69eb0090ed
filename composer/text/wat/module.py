"""A core module as text, as `wasm-tools print` writes it: `(module ...)` with every section in
file order (functions where the code section is, their types from the function section),
custom sections as annotations where they are (`(@custom "n" (after code) "...")`,
`(@producers ...)`, `(@dylink.0 ...)`), the name section as the names of everything.

`skeleton=True` is `wasm-tools print --skeleton`: function bodies, element items, data bytes
and the bytes of custom sections become `...`.

Function bodies and constant expressions are instructions.py's; this module reads the
sections around them and gives it a `BodyContext`.
"""

from __future__ import annotations

from typing import Callable

from ...binary.coretypes import (
    CORE_EXTERNTYPE, CORE_REFTYPE, CORE_VALTYPE, SUB_TYPE, CoreExactFuncExtern, CoreFuncExtern,
    CoreGlobalExtern, CoreMemoryExtern, CoreRefType, CoreTableExtern, CoreTagExtern, Limits,
    RecGroup,
)
from ...binary.module import read_table_head
from ...binary.reader import Reader
from ...errors import BinaryError
from . import instructions
from .coretypes import (
    func_of, func_type_text, global_type_text, memory_type_text, ref_text, table_type_text,
    tag_type_text, type_def_text,
)
from .names import Names, read_names
from .printer import Printer, bytes_string, name_string

CUSTOM, TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT = 0, 1, 2, 3, 4, 5, 6, 7
START, ELEMENT, CODE, DATA, DATACOUNT, TAG = 8, 9, 10, 11, 12, 13

# Where a custom section is, said after the section before it (`(after code)`).
_PLACES = {
    TYPE: "type", IMPORT: "import", FUNCTION: "func", TABLE: "table", MEMORY: "memory",
    GLOBAL: "global", EXPORT: "export", START: "start", ELEMENT: "elem", CODE: "code",
    DATA: "data", TAG: "tag",
}
_EXPORT_KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}
_FUNCREF = CoreRefType(True, "func", False, True)


def print_module(p: Printer, data: bytes | memoryview, *, keyword: str = "module",
                 label: str | None = None, skeleton: bool = False, base: int = 0) -> None:
    """`(module ...)` (`keyword` "core module" inside a component, `label` the text after
    it chosen by the component printer; None: the module's own name, as at the top level).
    `base`: where `data` starts in the file, for the offsets of errors."""
    data = bytes(data) if not isinstance(data, bytes) else data
    _ModulePrinter(p, data, skeleton, base).print(keyword, label)


class _Section:
    __slots__ = ("id", "start", "end", "name")

    def __init__(self, id_: int, start: int, end: int, name: str | None) -> None:
        self.id, self.start, self.end, self.name = id_, start, end, name


class _ModulePrinter:
    """The state of one module's printing: its names, its types so far and the number of
    items of each index space so far (definitions are numbered after the imports)."""

    def __init__(self, p: Printer, data: bytes, skeleton: bool, base: int) -> None:
        self.p = p
        self.data = data
        self.skeleton = skeleton
        self.base = base
        self.names = Names()
        self.types: list[object] = []  # each type index's sub type
        self.funcs = self.tables = self.memories = self.globals = self.tags = 0
        self.func_types: list[int] = []  # the type index of each defined function
        # what a custom section says of its place, and the line count when it was last
        # changed: a section that prints no line leaves it as it was (as wasm-tools)
        self.place = "before first"
        self.place_line = p.line
        self._ctx: instructions.BodyContext | None = None

    @property
    def ctx(self) -> instructions.BodyContext:
        """What the instructions refer to (made when the first instruction is printed)."""
        if self._ctx is None:
            self._ctx = instructions.BodyContext(names=self.names,
                                                 block_type_text=self.block_type_text)
        return self._ctx

    # -- the whole module ----------------------------------------------------------------

    def print(self, keyword: str, label: str | None) -> None:
        sections = self.scan()
        p = self.p
        p.start_group(keyword)
        if label is not None:
            p.write(" " + label)
        elif self.names.module is not None:
            p.write(" " + self.names.module)
        for section in sections:
            r = Reader(self.data, section.start, section.end, self.base)
            try:
                self.print_section(section, r)
            except BinaryError as exc:
                exc.add_context(f"core module section {section.id} at {self.base + section.start:#x}")
                raise
        if self.func_types and not any(s.id == CODE for s in sections):
            raise BinaryError("function section has non-zero count but code section is absent",
                              self.base + len(self.data))
        p.end_group()

    def scan(self) -> list[_Section]:
        """The sections, after the header; the name sections read into `self.names` (as
        wasm-tools reads them first, wherever they are)."""
        data = self.data
        if data[:4] != b"\0asm":
            raise BinaryError("core module does not start with the \\0asm magic", self.base)
        if data[4:8] != b"\x01\x00\x00\x00":
            raise BinaryError(f"core module has version {data[4:8].hex(' ')}, expected 01 00 00 00",
                              self.base + 4)
        r = Reader(data, 8, base=self.base)
        sections = []
        while not r.at_end():
            at = r.offset
            sid = r.byte()
            payload = r.sub(r.u32())
            name = None
            if sid == CUSTOM:
                name = payload.name()
                if name == "name":
                    read_names(data, payload.pos, payload.end, self.base, self.names)
            elif sid not in _PLACES and sid != DATACOUNT:
                raise BinaryError(f"malformed section id: {sid}", at)
            sections.append(_Section(sid, payload.pos, payload.end, name))
        return sections

    def print_section(self, section: _Section, r: Reader) -> None:
        sid = section.id
        if sid == CUSTOM:
            self.print_custom(section.name or "", r)
            self.place_line = self.p.line
            return
        _PRINTERS[sid](self, r)
        if sid != CODE:
            r.expect_end(f"section {sid}")
        # (a function section with functions moves it too, though they print later)
        moved = self.p.line != self.place_line or (sid == FUNCTION and self.func_types)
        if sid in _PLACES and moved:
            self.place = "after " + _PLACES[sid]
            self.place_line = self.p.line

    def block_type_text(self, index: int) -> str:
        """What follows a block's `(type N)`: the params and results of type N."""
        func = func_of(self.types[index]) if index < len(self.types) else None
        return func_type_text(func, self.names) if func is not None else ""

    def item(self, keyword: str) -> None:
        """A new line and the start of an item's group."""
        self.p.newline()
        self.p.start_group(keyword)

    def const_expr(self, r: Reader) -> list[str]:
        ops, end = instructions.const_expr_text(self.data, r.pos, self.ctx, self.base)
        if end > r.end:
            raise BinaryError("constant expression runs past the end of its section", r.offset)
        r.pos = end
        return ops

    def sugar(self, r: Reader, explicit: str) -> str:
        """A constant expression in parentheses, `(i32.const 0)`, or with its keyword when
        it is not a single instruction: `(offset global.get 0 i32.const 1 i32.add)`."""
        ops = self.const_expr(r)
        if len(ops) == 1:
            return f"({ops[0]})"
        return f"({explicit} {' '.join(ops)})"

    # -- sections ------------------------------------------------------------------------

    def print_types(self, r: Reader) -> None:
        p = self.p
        for _ in range(r.count("type")):
            p.newline()
            if r.peek() == RecGroup.TAG[0]:
                group = RecGroup.read(r)
                p.start_group("rec")
                for sub in group.types:  # type: ignore[attr-defined]
                    p.newline()
                    self.print_type(sub)
                p.end_group()
            else:
                self.print_type(SUB_TYPE.read(r))

    def print_type(self, sub: object) -> None:
        self.p.write(type_def_text(sub, len(self.types), self.names))
        self.types.append(sub)

    def print_imports(self, r: Reader) -> None:
        """Each import, or each group of imports of one module name in a compact encoding
        (an empty item name then 0x7F or 0x7E), printed as a group the way wasm-tools does."""
        for _ in range(r.count("import", 3)):
            module, name = r.name(), r.name()
            marker = r.data[r.pos] if r.pos < r.end else None
            if name == "" and marker in (0x7F, 0x7E):
                r.pos += 1
                self.item(f"import {name_string(module)}")
                if marker == 0x7F:
                    self.print_compact_items(r)
                else:
                    self.print_compact_names(r)
            else:
                self.item(f"import {name_string(module)} {name_string(name)} ")
                self.p.write(self.import_type_text(self.import_desc(r)))
            self.p.end_group()

    def print_compact_items(self, r: Reader) -> None:
        """0x7F: `(item "name" (func $f (;0;) ...))` for each (name, type) pair."""
        for _ in range(r.count("import", 2)):
            name = r.name()
            self.item(f"item {name_string(name)} ")
            self.p.write(self.import_type_text(self.import_desc(r)))
            self.p.end_group()

    def print_compact_names(self, r: Reader) -> None:
        """0x7E: one type, then the names that import it: `(item "name")` each, then the
        type alone on a line, with no name or index. wasm-tools prints it after counting
        the items, so a function type's params take the local names of the function just
        after the group (index + count): we do the same."""
        desc = self.import_desc(r)
        for _ in range(r.count("import", 1)):
            self.item(f"item {name_string(r.name())}")
            self.p.end_group()
            self.count_import(desc)
        self.p.newline()
        self.p.write(self.import_type_text(desc, indexed=False))

    def import_desc(self, r: Reader) -> object:
        if r.pos < r.end and r.data[r.pos] == 0x00:
            r.pos += 1
            return CoreFuncExtern(r.u32())
        return CORE_EXTERNTYPE.read(r)

    def count_import(self, desc: object) -> None:
        """One more item in the index space `desc` imports into."""
        if isinstance(desc, (CoreFuncExtern, CoreExactFuncExtern)):
            self.funcs += 1
        elif isinstance(desc, CoreTableExtern):
            self.tables += 1
        elif isinstance(desc, CoreMemoryExtern):
            self.memories += 1
        elif isinstance(desc, CoreGlobalExtern):
            self.globals += 1
        elif isinstance(desc, CoreTagExtern):
            self.tags += 1

    def import_type_text(self, desc: object, indexed: bool = True) -> str:
        """`(func $f (;0;) (type 0))`: what an import imports; `indexed`: the item's name
        and index printed (and counted), otherwise only its type (a compact group's)."""
        if isinstance(desc, CoreFuncExtern):
            if not indexed:
                return f"(func {self.func_sig(self.funcs, desc.type_idx)})"
            text = self.func_text(self.funcs, desc.type_idx)
        elif isinstance(desc, CoreExactFuncExtern):
            label = self.label(self.names.funcs, self.funcs, indexed)
            text = f"(func {label}(exact {self.func_sig(self.funcs, desc.type_idx)}))"
        elif isinstance(desc, CoreTableExtern):
            return self.table_text(desc.element, desc.limits, indexed) + ")"
        elif isinstance(desc, CoreMemoryExtern):
            return self.memory_text(desc.limits, indexed) + ")"
        elif isinstance(desc, CoreGlobalExtern):
            return self.global_text(desc.type, desc.mutability, indexed) + ")"
        elif isinstance(desc, CoreTagExtern):
            return self.tag_text(desc.type_idx, indexed) + ")"
        else:
            raise AssertionError(f"unexpected import type {desc!r}")
        if indexed:
            self.funcs += 1
        return text

    def func_sig(self, func_index: int, type_index: int) -> str:
        """`(type $t) (param $x i32) (result i32)`: a function's type and, when it is a
        function type, its params (named by the function's local names) and results."""
        names = self.names
        text = "(type " + (names.types.get(type_index) or str(type_index)) + ")"
        func = func_of(self.types[type_index]) if type_index < len(self.types) else None
        if func is None:
            return text
        return text + func_type_text(func, names, names.locals.get(func_index))

    def func_text(self, func_index: int, type_index: int) -> str:
        return ("(func " + self.names.definition(self.names.funcs, func_index) + " "
                + self.func_sig(func_index, type_index) + ")")

    def label(self, space: dict[int, str], index: int, indexed: bool) -> str:
        """`$name (;3;) ` where an item is defined; nothing for a compact import group's
        shared type."""
        return self.names.definition(space, index) + " " if indexed else ""

    def table_text(self, element: CoreRefType, limits: Limits, indexed: bool = True) -> str:
        text = (f"(table {self.label(self.names.tables, self.tables, indexed)}"
                + table_type_text(element, limits, self.names))
        self.tables += indexed
        return text

    def memory_text(self, limits: Limits, indexed: bool = True) -> str:
        text = (f"(memory {self.label(self.names.memories, self.memories, indexed)}"
                + memory_type_text(limits))
        self.memories += indexed
        return text

    def global_text(self, value: object, mutability: int, indexed: bool = True) -> str:
        text = (f"(global {self.label(self.names.globals, self.globals, indexed)}"
                + global_type_text(value, mutability, self.names))  # type: ignore[arg-type]
        self.globals += indexed
        return text

    def tag_text(self, type_index: int, indexed: bool = True) -> str:
        text = (f"(tag {self.label(self.names.tags, self.tags, indexed)}"
                + tag_type_text(type_index, self.types, self.names))
        self.tags += indexed
        return text

    def print_functions(self, r: Reader) -> None:
        self.func_types = [r.u32() for _ in range(r.count("function"))]

    def print_tables(self, r: Reader) -> None:
        for _ in range(r.count("table")):
            element, limits, with_init = read_table_head(r)
            self.p.newline()
            self.p.write(self.table_text(element, limits))  # type: ignore[arg-type]
            if with_init:
                self.p.write(" " + " ".join(self.const_expr(r)))
            self.p.write(")")

    def print_memories(self, r: Reader) -> None:
        for _ in range(r.count("memory")):
            self.p.newline()
            self.p.write(self.memory_text(Limits.read(r)) + ")")

    def print_tags(self, r: Reader) -> None:
        for _ in range(r.count("tag", 2)):
            at = r.offset
            if r.byte() != 0x00:
                raise BinaryError("invalid tag attribute", at)
            self.p.newline()
            self.p.write(self.tag_text(r.u32()) + ")")

    def print_globals(self, r: Reader) -> None:
        for _ in range(r.count("global", 3)):
            value = CORE_VALTYPE.read(r)
            at = r.offset
            mutability = r.byte()
            if mutability > 3:
                raise BinaryError(f"invalid global mutability {mutability:#04x}", at)
            self.p.newline()
            self.p.write(self.global_text(value, mutability) + " " + " ".join(self.const_expr(r)) + ")")

    def print_exports(self, r: Reader) -> None:
        names = self.names
        spaces = {"func": names.funcs, "table": names.tables, "memory": names.memories,
                  "global": names.globals}
        for _ in range(r.count("export", 3)):
            name = r.name()
            at = r.offset
            kind = _EXPORT_KINDS.get(r.byte())
            if kind is None:
                raise BinaryError("invalid external kind", at)
            index = r.u32()
            space = spaces.get(kind)  # a tag prints by number, named or not (as wasm-tools)
            ref = space.get(index) if space is not None else None
            self.p.newline()
            self.p.write(f"(export {name_string(name)} ({kind} {ref or index}))")

    def print_start(self, r: Reader) -> None:
        index = r.u32()
        self.p.newline()
        self.p.write(f"(start {self.names.funcs.get(index) or index})")

    def print_elements(self, r: Reader) -> None:
        names, p = self.names, self.p
        for i in range(r.count("element")):
            at = r.offset
            flags = r.u32()
            if flags > 7:
                raise BinaryError(f"invalid flags byte in element segment: {flags:#x}", at)
            head = "(elem " + names.definition(names.elems, i)
            if flags & 0x03 == 0x03:
                head += " declare"
            elif not flags & 0x01:  # active
                if flags & 0x02:  # an explicit table index prints, even 0 (as wasm-tools)
                    table = r.u32()
                    head += f" (table {names.tables.get(table) or table})"
                head += " " + self.sugar(r, "offset")
            exprs = bool(flags & 0x04)
            if flags & 0x03:  # an element kind or a reference type
                if exprs:
                    element = CORE_REFTYPE.read(r)
                else:
                    at = r.offset
                    if r.byte() != 0x00:
                        raise BinaryError("invalid element kind", at)
            else:
                element = _FUNCREF
            p.newline()
            if exprs:
                items = [self.sugar(r, "item") for _ in range(r.count("element expression"))]
                text = ref_text(element, names) + "".join(" " + t for t in items)  # type: ignore[arg-type]
            else:
                funcs = names.funcs
                items = [funcs.get(f) or str(f) for f in (r.u32() for _ in range(r.count("element")))]
                text = "func" + "".join(" " + t for t in items)
            p.write(head + " " + ("..." if self.skeleton else text) + ")")

    def print_datacount(self, r: Reader) -> None:
        r.u32()  # not part of the text format

    def print_code(self, r: Reader) -> None:
        count = r.count("code")
        if count != len(self.func_types):
            raise BinaryError(f"the code section has {count} bodies for {len(self.func_types)} "
                              "functions", r.offset)
        names, p, data, base = self.names, self.p, self.data, self.base
        first = self.funcs
        for i, type_index in enumerate(self.func_types):
            size = r.u32()
            start = r.pos
            if size > r.end - start:
                raise BinaryError(f"function body of {size} bytes runs past the end of the code section",
                                  r.offset)
            r.pos = start + size
            index = first + i
            p.newline()
            p.start_group("func " + names.definition(names.funcs, index) + " "
                          + self.func_sig(index, type_index))
            if self.skeleton:
                p.write(" ...")
            else:
                func = func_of(self.types[type_index]) if type_index < len(self.types) else None
                params = len(func.params) if func is not None else 0
                instructions.print_body(p, data, start, start + size, index, params, self.ctx, base)
            p.end_group()
        self.funcs += count
        r.expect_end("the code section")

    def print_data(self, r: Reader) -> None:
        names, p = self.names, self.p
        for i in range(r.count("data")):
            at = r.offset
            flags = r.u32()
            if flags > 2:
                raise BinaryError(f"invalid flags byte in data segment: {flags:#x}", at)
            head = "(data " + names.definition(names.datas, i) + " "
            if flags != 1:  # active
                memory = r.u32() if flags == 2 else 0
                if memory:
                    head += f"(memory {names.memories.get(memory) or memory}) "
                head += self.sugar(r, "offset") + " "
            size = r.u32()
            if size > r.end - r.pos:
                raise BinaryError(f"data segment of {size} bytes runs past the end of the section",
                                  r.offset)
            p.newline()
            if self.skeleton:
                p.write(head + "...)")
            else:
                p.write(head + bytes_string(r.data[r.pos:r.pos + size]) + ")")
            r.pos += size

    # -- custom sections -----------------------------------------------------------------

    def print_custom(self, name: str, r: Reader) -> None:
        printer = _CUSTOM.get(name)
        if printer is None:
            self.print_raw_custom(name, r)
            return
        if printer is _skip_custom:
            return
        p = self.p
        scratch = Printer()  # printed aside first: a malformed section prints raw instead
        scratch.nesting = p.nesting
        start = r.pos
        try:
            printer(scratch, r)
        except _Malformed as exc:
            p.newline()
            p.write(f";; failed to parse custom section `{name}`: {exc.message} (at offset {exc.offset:#x})")
            r.pos = start
            self.print_raw_custom(name, r)
            return
        p.parts.extend(scratch.parts)
        p.line += scratch.line

    def print_raw_custom(self, name: str, r: Reader) -> None:
        contents = "..." if self.skeleton else bytes_string(r.rest())
        self.p.newline()
        self.p.write(f"(@custom {name_string(name)} ({self.place}) {contents})")

    @staticmethod
    def print_producers(p: Printer, r: Reader) -> None:
        p.newline()
        p.start_group("@producers")
        try:
            for _ in range(r.count("producers field")):
                field = r.name()
                for _ in range(r.count("producers value")):
                    value, version = r.name(), r.name()
                    p.newline()
                    p.write(f"({field} {name_string(value)} {name_string(version)})")
            r.expect_end("the producers section")
        except BinaryError as exc:
            raise _Malformed.of(exc) from None
        p.end_group()

    @staticmethod
    def print_dylink(p: Printer, r: Reader) -> None:
        p.newline()
        p.start_group("@dylink.0")
        while not r.at_end():
            try:
                kind = r.byte()
                sub = r.sub(r.u32())
                if kind in _DYLINK:
                    _DYLINK[kind](p, sub)
                    sub.expect_end("a dylink.0 subsection")
            except BinaryError as exc:
                raise _Malformed.of(exc) from None
            if kind not in _DYLINK:  # not a fault of the bytes: wasm-tools fails the print
                raise BinaryError(f"don't know how to print dylink.0 subsection id {kind}", sub.offset)
        p.end_group()


class _Malformed(BinaryError):
    """A known custom section's bytes are malformed: it prints as raw bytes after a comment
    saying why, in wasmparser's words where ours differ."""

    @classmethod
    def of(cls, exc: BinaryError) -> "_Malformed":
        message = exc.message
        if message.startswith(("unexpected end", "needed ", "size ")):
            message = "unexpected end-of-file"
        elif "unexpected bytes after the end" in message:
            message = "section size mismatch: unexpected data at the end of the section"
        return cls(message, exc.offset)


def _skip_custom(p: Printer, r: Reader) -> None:
    """The name section (read first, as the names of everything) and branch hints (printed
    in the function bodies) are not printed as sections."""


def _dylink_mem_info(p: Printer, r: Reader) -> None:
    memory_size, memory_align, table_size, table_align = r.u32(), r.u32(), r.u32(), r.u32()
    text = "(mem-info"
    if memory_size or memory_align:
        text += f" (memory {memory_size} {memory_align})"
    if table_size or table_align:
        text += f" (table {table_size} {table_align})"
    p.newline()
    p.write(text + ")")


def _dylink_needed(p: Printer, r: Reader) -> None:
    needed = [name_string(r.name()) for _ in range(r.count("needed"))]
    p.newline()
    p.write("(needed" + "".join(" " + n for n in needed) + ")")


# Symbol flags of dylink.0's export and import infos, in the order wasm-tools names them.
_SYMBOL_FLAGS = (
    (0x01, "binding-weak"), (0x02, "binding-local"), (0x04, "visibility-hidden"),
    (0x10, "undefined"), (0x20, "exported"), (0x40, "explicit-name"), (0x80, "no-strip"),
    (0x100, "tls"), (0x200, "absolute"),
)


def _symbol_flags(flags: int) -> str:
    text = ""
    for bit, word in _SYMBOL_FLAGS:
        if flags & bit:
            flags &= ~bit
            text += " " + word
    return text + (f" {flags:#x}" if flags else "")


def _dylink_export_info(p: Printer, r: Reader) -> None:
    for _ in range(r.count("export info")):
        name = r.name()
        p.newline()
        p.write(f"(export-info {name_string(name)}{_symbol_flags(r.u32())})")


def _dylink_import_info(p: Printer, r: Reader) -> None:
    for _ in range(r.count("import info")):
        module, field = r.name(), r.name()
        p.newline()
        p.write(f"(import-info {name_string(module)} {name_string(field)}{_symbol_flags(r.u32())})")


_DYLINK: dict[int, Callable[[Printer, Reader], None]] = {
    1: _dylink_mem_info, 2: _dylink_needed, 3: _dylink_export_info, 4: _dylink_import_info,
}

_PRINTERS: dict[int, Callable[[_ModulePrinter, Reader], None]] = {
    TYPE: _ModulePrinter.print_types, IMPORT: _ModulePrinter.print_imports,
    FUNCTION: _ModulePrinter.print_functions, TABLE: _ModulePrinter.print_tables,
    MEMORY: _ModulePrinter.print_memories, GLOBAL: _ModulePrinter.print_globals,
    EXPORT: _ModulePrinter.print_exports, START: _ModulePrinter.print_start,
    ELEMENT: _ModulePrinter.print_elements, CODE: _ModulePrinter.print_code,
    DATA: _ModulePrinter.print_data, DATACOUNT: _ModulePrinter.print_datacount,
    TAG: _ModulePrinter.print_tags,
}

_CUSTOM: dict[str, Callable[[Printer, Reader], None]] = {
    "name": _skip_custom, "metadata.code.branch_hint": _skip_custom,
    "producers": _ModulePrinter.print_producers, "dylink.0": _ModulePrinter.print_dylink,
}
