"""`nameattributes` and `attribute` (Binary.md, Import and Export Definitions).

The three encodings of a name (0x00 and 0x01 are equivalent, 0x02 carries attributes) are
kept apart in `form` so that a decoded name encodes back to the same bytes.
"""

from __future__ import annotations


from ..errors import BinaryError
from .codec import NAME, Choice, Production, Vec, field_
from .reader import Reader
from .writer import Writer


class Implements(Production):
    """attribute ::= 0x00 len:<u32> in:<interfacename>   (implements "in")"""

    TAG = (0x00,)
    interface: str = field_(NAME)


class VersionSuffix(Production):
    """attribute ::= 0x01 len:<u32> vs:<semversuffix>   (versionsuffix "vs")"""

    TAG = (0x01,)
    suffix: str = field_(NAME)


class ExternalId(Production):
    """attribute ::= 0x02 n:<name>   (external-id n)"""

    TAG = (0x02,)
    id: str = field_(NAME)


ATTRIBUTE = Choice("attribute", [Implements, VersionSuffix, ExternalId])
_ATTRIBUTE_NAMES = {Implements: "implements", VersionSuffix: "versionsuffix", ExternalId: "external-id"}
_ATTRIBUTES = Vec(ATTRIBUTE, "attribute")


class NameAttributes(Production):
    """nameattributes ::= 0x00 name | 0x01 name | 0x02 name vec(<attribute>)"""

    name: str = field_(None)
    attributes: tuple[Implements | VersionSuffix | ExternalId, ...] = field_(None, ())
    form: int = field_(None, 0)

    @classmethod
    def read(cls, r: Reader) -> "NameAttributes":
        start = r.offset
        form = r.byte()
        try:
            if form in (0x00, 0x01):
                return cls(r.name(), (), form)
            if form == 0x02:
                name = r.name()
                attributes = _ATTRIBUTES.read(r)
                kinds = [type(a) for a in attributes]
                for kind in set(kinds):
                    if kinds.count(kind) > 1:
                        raise BinaryError(f"name `{name}` has the attribute "
                                          f"`{_ATTRIBUTE_NAMES[kind]}` twice", start)
                return cls(name, attributes, form)
        except BinaryError as exc:
            exc.add_context("nameattributes")
            raise
        raise BinaryError(f"invalid leading byte {form:#04x} for nameattributes", start)

    def write(self, w: Writer) -> None:
        w.byte(self.form)
        w.name(self.name)
        if self.form == 0x02:
            _ATTRIBUTES.write(w, self.attributes)

    def attribute(self, kind: type) -> object | None:
        return next((a for a in self.attributes if isinstance(a, kind)), None)


def plain(name: str) -> NameAttributes:
    """The name as encoders write it when it has no attributes."""
    return NameAttributes(name)
