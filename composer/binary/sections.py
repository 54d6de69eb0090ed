"""The thirteen `section` kinds of a component (Binary.md, Component Definitions).

Core modules and nested components are kept as zero-copy views of the input: they are written
back verbatim and only a nested component is decoded, on request. Every other section is a
vector of the productions of its kind.
"""

from __future__ import annotations

from typing import ClassVar

from .aliases import Alias
from .canon import CANON
from ..record import Record
from .codec import Codec, Vec, codec_of
from .coretypes import CORE_TYPE
from .imports import Export, Import
from .instances import CORE_INSTANCE, INSTANCE
from .reader import Reader
from .start import Start
from .types import DEFTYPE
from .values import Value
from .writer import Writer

CUSTOM, CORE_MODULE, CORE_INSTANCE_ID, CORE_TYPE_ID, COMPONENT, INSTANCE_ID = 0, 1, 2, 3, 4, 5
ALIAS, TYPE, CANON_ID, START, IMPORT, EXPORT, VALUE = 6, 7, 8, 9, 10, 11, 12


class Section(Record):
    """A section: `ID`, how to read its payload, how to write it back."""

    ID: ClassVar[int]
    LABEL: ClassVar[str]

    @classmethod
    def read_payload(cls, r: Reader) -> "Section":
        raise NotImplementedError

    def write_payload(self, w: Writer) -> None:
        raise NotImplementedError


class CustomSection(Section):
    """section_0(core:custom): a name and opaque bytes (`name`, `producers`, ...)."""

    ID = CUSTOM
    LABEL = "custom"
    name: str
    data: memoryview
    offset: int = 0

    @classmethod
    def read_payload(cls, r: Reader) -> "CustomSection":
        offset = r.offset
        name = r.name()
        return cls(name, r.rest(), offset)

    def write_payload(self, w: Writer) -> None:
        w.name(self.name)
        w.bytes(self.data)


class CoreModuleSection(Section):
    """section_1(core:module): a whole core module, kept as bytes."""

    ID = CORE_MODULE
    LABEL = "core module"
    data: memoryview
    offset: int = 0

    @classmethod
    def read_payload(cls, r: Reader) -> "CoreModuleSection":
        offset = r.offset
        return cls(r.rest(), offset)

    def write_payload(self, w: Writer) -> None:
        w.bytes(self.data)


class ComponentSection(Section):
    """section_4(component): a nested component, kept as bytes until decoded
    (`Component.decode_nested`)."""

    ID = COMPONENT
    LABEL = "component"
    data: memoryview
    offset: int = 0

    @classmethod
    def read_payload(cls, r: Reader) -> "ComponentSection":
        offset = r.offset
        return cls(r.rest(), offset)

    def write_payload(self, w: Writer) -> None:
        w.bytes(self.data)


class StartSection(Section):
    """section_9(start)"""

    ID = START
    LABEL = "start"
    start: Start
    offset: int = 0

    @classmethod
    def read_payload(cls, r: Reader) -> "StartSection":
        offset = r.offset
        return cls(Start.read(r), offset)  # type: ignore[arg-type]

    def write_payload(self, w: Writer) -> None:
        self.start.write(w)


class _VecSection(Section):
    """section_N(vec(T)): the definitions of one kind, in order, with where each starts
    (validation errors point at the definition that breaks a rule)."""

    ITEM: ClassVar[Codec]
    items: tuple
    offset: int = 0
    item_offsets: tuple[int, ...] = ()

    @classmethod
    def read_payload(cls, r: Reader) -> "_VecSection":
        offset = r.offset
        items, offsets = _items(cls).read_with_offsets(r)
        return cls(items, offset, offsets)

    def write_payload(self, w: Writer) -> None:
        _items(type(self)).write(w, self.items)


_ITEM_VECS: dict[type, Vec] = {}


def _items(cls: type[_VecSection]) -> Vec:
    vec = _ITEM_VECS.get(cls)
    if vec is None:
        vec = _ITEM_VECS[cls] = Vec(cls.ITEM, cls.LABEL)
    return vec


def _vec_section(name: str, id_: int, label: str, item: object, doc: str) -> type[_VecSection]:
    cls = type(_VecSection)(name, (_VecSection,), {"__doc__": doc, "ID": id_, "LABEL": label})
    cls.ITEM = codec_of(item)  # type: ignore[arg-type]
    return cls


CoreInstanceSection = _vec_section(
    "CoreInstanceSection", CORE_INSTANCE_ID, "core instance", CORE_INSTANCE,
    "section_2(vec(<core:instance>))",
)
CoreTypeSection = _vec_section(
    "CoreTypeSection", CORE_TYPE_ID, "core type", CORE_TYPE, "section_3(vec(<core:type>))"
)
InstanceSection = _vec_section(
    "InstanceSection", INSTANCE_ID, "instance", INSTANCE, "section_5(vec(<instance>))"
)
AliasSection = _vec_section("AliasSection", ALIAS, "alias", Alias, "section_6(vec(<alias>))")
TypeSection = _vec_section("TypeSection", TYPE, "type", DEFTYPE, "section_7(vec(<type>))")
CanonSection = _vec_section("CanonSection", CANON_ID, "canon", CANON, "section_8(vec(<canon>))")
ImportSection = _vec_section("ImportSection", IMPORT, "import", Import, "section_10(vec(<import>))")
ExportSection = _vec_section("ExportSection", EXPORT, "export", Export, "section_11(vec(<export>))")
ValueSection = _vec_section("ValueSection", VALUE, "value", Value, "section_12(vec(<value>))")

SECTION_CLASSES: dict[int, type[Section]] = {
    cls.ID: cls
    for cls in (
        CustomSection, CoreModuleSection, CoreInstanceSection, CoreTypeSection, ComponentSection,
        InstanceSection, AliasSection, TypeSection, CanonSection, StartSection, ImportSection,
        ExportSection, ValueSection,
    )
}
