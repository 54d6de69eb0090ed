"""The interface of a nested core module: its imports and exports, nothing else.

Only the import and export sections are decoded; the sections before them are skipped by
their sizes and decoding stops at the export section, so the code and data that make up
almost all of a module's bytes are never touched.
"""

from __future__ import annotations

from ..errors import BinaryError
from ..types import CoreModuleType
from .coretypes import CORE_EXTERNTYPE, CoreFuncExtern, CoreGlobalExtern, CoreMemoryExtern
from .coretypes import CoreTableExtern, CoreTagExtern
from .reader import Reader

CORE_VERSION = b"\x01\x00\x00\x00"
_EXPORT_KINDS = {0x00: "func", 0x01: "table", 0x02: "memory", 0x03: "global", 0x04: "tag"}
_IMPORT_KINDS = {
    CoreFuncExtern: "func",
    CoreTableExtern: "table",
    CoreMemoryExtern: "memory",
    CoreGlobalExtern: "global",
    CoreTagExtern: "tag",
}


def module_interface(data: bytes | memoryview, base: int = 0) -> CoreModuleType:
    """Imports ((module, name) -> kind) and exports (name -> kind) of a core module."""
    if bytes(data[:4]) != b"\x00asm":
        raise BinaryError("nested core module does not start with the \\0asm magic", base)
    if bytes(data[4:8]) != CORE_VERSION:
        raise BinaryError(
            f"nested core module has version {bytes(data[4:8]).hex(' ')}, expected 01 00 00 00",
            base + 4,
        )
    r = Reader(data, 8, base=base)
    imports: dict[tuple[str, str], object] = {}
    exports: dict[str, object] = {}
    while not r.at_end():
        start = r.offset
        sid = r.byte()
        payload = r.sub(r.u32())
        try:
            if sid == 2:
                for _ in range(payload.count("import", 3)):
                    module, name = payload.name(), payload.name()
                    ext = CORE_EXTERNTYPE.read(payload)
                    imports[(module, name)] = _IMPORT_KINDS[type(ext)]
            elif sid == 7:
                for _ in range(payload.count("export", 3)):
                    name = payload.name()
                    kind_at = payload.offset
                    kind = _EXPORT_KINDS.get(payload.byte())
                    if kind is None:
                        raise BinaryError("invalid export kind", kind_at)
                    payload.u32()
                    exports[name] = kind
                break  # nothing after the export section matters here
        except BinaryError as exc:
            exc.add_context(f"core module section {sid} at {start:#x}")
            raise
    return CoreModuleType(imports, exports)
