"""`alias` and its three targets (Binary.md, Alias Definitions)."""

from __future__ import annotations


from .codec import NAME, U32, Choice, Production, field_
from .sorts import SORT


class AliasExport(Production):
    """0x00 i:<instanceidx> n:<name>   (alias export i n)"""

    TAG = (0x00,)
    instance: int = field_(U32)
    name: str = field_(NAME)


class AliasCoreExport(Production):
    """0x01 i:<core:instanceidx> n:<core:name>   (alias core export i n)"""

    TAG = (0x01,)
    instance: int = field_(U32)
    name: str = field_(NAME)


class AliasOuter(Production):
    """0x02 ct:<u32> idx:<u32>   (alias outer ct idx)"""

    TAG = (0x02,)
    count: int = field_(U32)
    index: int = field_(U32)


ALIAS_TARGET = Choice("alias target", [AliasExport, AliasCoreExport, AliasOuter])


class Alias(Production):
    """alias ::= s:<sort> target   — the sort comes first, then which kind of target."""

    sort: str = field_(SORT)
    target: AliasExport | AliasCoreExport | AliasOuter = field_(ALIAS_TARGET)
