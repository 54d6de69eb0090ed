"""🪙 `value` definitions (Binary.md, Value Definitions).

The value's bytes (`val(t)`) are kept undecoded: composing never needs to look inside them.
"""

from __future__ import annotations


from .codec import SIZED_BYTES, Production, field_
from .types import VALTYPE, ValTypeRef


class Value(Production):
    """value ::= t:<valtype> len:<core:u32> v:<val(t)>"""

    type: ValTypeRef = field_(VALTYPE)
    data: memoryview = field_(SIZED_BYTES)
