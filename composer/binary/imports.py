"""`import` and `export` definitions (Binary.md, Import and Export Definitions)."""

from __future__ import annotations


from .codec import Opt, Production, field_
from .nameattributes import NameAttributes
from .sorts import SortIdx
from .types import EXTERNTYPE, ExternType, ImportDecl

# import ::= na:<nameattributes> et:<externtype>, the same production as `importdecl`.
Import = ImportDecl


class Export(Production):
    """export ::= na:<nameattributes> si:<sortidx> et?:<externtype>?"""

    nameattrs: NameAttributes = field_(NameAttributes)
    item: SortIdx = field_(SortIdx)
    type: ExternType | None = field_(Opt(EXTERNTYPE))

    @property
    def name(self) -> str:
        return self.nameattrs.name
