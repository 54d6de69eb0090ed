"""`core:instance` and `instance` definitions (Binary.md, Instance Definitions)."""

from __future__ import annotations


from .codec import NAME, U32, Choice, Production, Vec, field_
from .nameattributes import NameAttributes
from .sorts import CORE_SORT, CoreSortIdx, SortIdx


class CoreInstantiateArg(Production):
    """core:instantiatearg ::= n:<core:name> 0x12 i:<instanceidx>

    The 0x12 is the `instance` core sort; it is kept as a sort so other sorts round-trip.
    """

    name: str = field_(NAME)
    sort: str = field_(CORE_SORT)
    instance: int = field_(U32)


class CoreInstantiate(Production):
    """core:instanceexpr ::= 0x00 m:<moduleidx> arg*:vec(<core:instantiatearg>)"""

    TAG = (0x00,)
    module: int = field_(U32)
    args: tuple[CoreInstantiateArg, ...] = field_(Vec(CoreInstantiateArg))


class CoreInlineExport(Production):
    """core:inlineexport ::= n:<core:name> si:<core:sortidx>"""

    name: str = field_(NAME)
    item: CoreSortIdx = field_(CoreSortIdx)


class CoreInlineExports(Production):
    """core:instanceexpr ::= 0x01 e*:vec(<core:inlineexport>)"""

    TAG = (0x01,)
    exports: tuple[CoreInlineExport, ...] = field_(Vec(CoreInlineExport))


CORE_INSTANCE = Choice("core:instanceexpr", [CoreInstantiate, CoreInlineExports])
CoreInstance = CoreInstantiate | CoreInlineExports


class InstantiateArg(Production):
    """instantiatearg ::= n:<name> si:<sortidx>"""

    name: str = field_(NAME)
    item: SortIdx = field_(SortIdx)


class Instantiate(Production):
    """instanceexpr ::= 0x00 c:<componentidx> arg*:vec(<instantiatearg>)"""

    TAG = (0x00,)
    component: int = field_(U32)
    args: tuple[InstantiateArg, ...] = field_(Vec(InstantiateArg))


class InlineExport(Production):
    """inlineexport ::= na:<nameattributes> si:<sortidx>"""

    nameattrs: NameAttributes = field_(NameAttributes)
    item: SortIdx = field_(SortIdx)

    @property
    def name(self) -> str:
        return self.nameattrs.name


class InlineExports(Production):
    """instanceexpr ::= 0x01 e*:vec(<inlineexport>)"""

    TAG = (0x01,)
    exports: tuple[InlineExport, ...] = field_(Vec(InlineExport))


INSTANCE = Choice("instanceexpr", [Instantiate, InlineExports])
Instance = Instantiate | InlineExports
