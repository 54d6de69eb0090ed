"""The top-level production: `component ::= preamble section*` (Binary.md).

`Component.decode` turns bytes into sections; `Component.encode` writes them back. For every
component the toolchains emit, `Component.decode(b).encode() == b`.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import BinaryError
from ..record import Record
from .reader import Reader
from .sections import SECTION_CLASSES, ComponentSection, CoreModuleSection, Section
from .writer import Writer, encode_u

MAGIC = b"\x00asm"
COMPONENT_VERSION = 0x0D  # pre-standard; bumped as the proposal changes
COMPONENT_LAYER = 0x01
CORE_LAYER = 0x00


def check_preamble(data: bytes | memoryview, base: int = 0) -> None:
    """Refuse anything that is not a component, saying what it is instead."""
    head = bytes(data[:8])
    if len(head) < 8:
        if MAGIC.startswith(head[:4]) and len(head) >= 1:
            raise BinaryError(
                f"truncated: {len(data)} bytes, shorter than the 8-byte WebAssembly preamble",
                base + len(data),
            )
        raise BinaryError("not a WebAssembly binary (too short, no \\0asm magic)", base)
    if head[:4] != MAGIC:
        raise BinaryError(
            f"not a WebAssembly binary (starts with {head[:4].hex(' ')}, not 00 61 73 6d)", base
        )
    version = int.from_bytes(head[4:6], "little")
    layer = int.from_bytes(head[6:8], "little")
    if layer == CORE_LAYER:
        raise BinaryError(
            "this is a core WebAssembly module, not a component "
            "(wrap it with `wasm-tools component new`)",
            base + 6,
        )
    if layer != COMPONENT_LAYER:
        raise BinaryError(f"unknown layer {layer:#06x} (expected 0x0001, a component)", base + 6)
    if version != COMPONENT_VERSION:
        raise BinaryError(
            f"unknown binary version {version:#06x} of the component layer "
            f"(expected {COMPONENT_VERSION:#06x})",
            base + 4,
        )


class Framing:
    """The section framing of a component arriving in pieces (a stream): `stops(data)`,
    given all bytes so far, says whether they cannot begin a component whatever follows (a
    wrong preamble, an unknown section id, a size that is no u32), so that reading can stop
    there and decoding what was read say why. Each call walks on from where the last one
    stopped: the headers of complete sections, their payloads skipped (`ids` their ids)."""

    def __init__(self) -> None:
        self.at = 0  # the next section's start; 0 until the preamble is checked
        self.ids: list[int] = []

    def stops(self, data: bytearray) -> bool:
        if self.at == 0:
            if len(data) < 8:
                return False
            try:
                check_preamble(data)
            except BinaryError:
                return True
            self.at = 8
        while self.at < len(data):
            if data[self.at] not in SECTION_CLASSES:
                return True
            size, shift, i = 0, 0, self.at + 1
            while True:
                if i == len(data):
                    return False  # the size is not all here yet
                byte = data[i]
                size |= (byte & 0x7F) << shift
                shift, i = shift + 7, i + 1
                if not byte & 0x80:
                    break
                if shift == 35:
                    return True  # a u32 has at most 5 bytes
            if size >= 1 << 32:
                return True
            if i + size > len(data):
                return False  # the payload is still coming
            self.ids.append(data[self.at])
            self.at = i + size
        return False


class Component(Record):
    """A decoded component: its sections in order, and the bytes they came from."""

    sections: tuple[Section, ...]
    data: memoryview | bytes = b""
    offset: int = 0

    @classmethod
    def decode(cls, data: bytes | memoryview, base: int = 0) -> "Component":
        """The sections of a component. Its nested components stay bytes until decoded in
        turn; how many there may be is a rule of validation (`model/limits.py`)."""
        check_preamble(data, base)
        r = Reader(data, 8, base=base)
        sections: list[Section] = []
        while not r.at_end():
            start = r.offset
            sid = r.byte()
            kind = SECTION_CLASSES.get(sid)
            try:
                size = r.u32()
                if kind is None:
                    raise BinaryError(f"unknown section id {sid}", start)
                payload = r.sub(size)
                section = kind.read_payload(payload)
                payload.expect_end(f"the {kind.LABEL} section")
            except BinaryError as exc:
                label = kind.LABEL if kind else f"id {sid}"
                exc.add_context(f"{label} section at {start:#x}")
                raise
            sections.append(section)
        return cls(tuple(sections), data, base)

    @classmethod
    def decode_nested(cls, section: ComponentSection) -> "Component":
        """The component a component section holds, its offsets those of the file."""
        return cls.decode(section.data, base=section.offset)

    def encode(self) -> bytes:
        return b"".join(self.encode_parts())

    def encode_parts(self) -> list[bytes | memoryview]:
        """The encoding in pieces, embedded modules and components as the views they are
        kept as: joined once at the end (`encode`), or written piece by piece to a file,
        their megabytes are copied once, not once per enclosing buffer."""
        parts: list[bytes | memoryview] = [
            MAGIC, COMPONENT_VERSION.to_bytes(2, "little"), COMPONENT_LAYER.to_bytes(2, "little")
        ]
        for section in self.sections:
            if isinstance(section, (CoreModuleSection, ComponentSection)):
                raw = section.data
                parts.append(bytes((section.ID,)) + encode_u(len(raw)))
                parts.append(raw)
            else:
                w = Writer()
                w.byte(section.ID)
                w.sized(section.write_payload)
                parts.append(w.buf)
        return parts

    def of_kind(self, kind: type[Section]) -> Iterator[Section]:
        return (s for s in self.sections if isinstance(s, kind))


def section_sizes(data: bytes | memoryview) -> Iterator[tuple[int, int]]:
    """(id, payload size) of each section of a component that decodes, its payloads skipped:
    enough to size a component without decoding it."""
    r = Reader(data, 8)
    while not r.at_end():
        sid = r.byte()
        size = r.u32()
        r.bytes(size)
        yield sid, size


def is_component(data: bytes | memoryview) -> bool:
    head = bytes(data[:8])
    return (
        head[:4] == MAGIC
        and int.from_bytes(head[6:8], "little") == COMPONENT_LAYER
    )
