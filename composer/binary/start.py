"""🪙 `start` definitions (Binary.md, Start Definitions)."""

from __future__ import annotations


from .codec import U32, Production, Vec, field_


class Start(Production):
    """start ::= f:<funcidx> arg*:vec(<valueidx>) r:<u32>"""

    func: int = field_(U32)
    args: tuple[int, ...] = field_(Vec(U32, "start argument"))
    results: int = field_(U32)
