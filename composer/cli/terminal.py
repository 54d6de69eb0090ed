"""Colour for a terminal (rich). Imported only when stdout is one: rich costs start-up time."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

_KEYWORDS = re.compile(
    r"\b(import|export|interface|func|static|constructor|resource|record|variant|enum|flags"
    r"|type|use|async|component|core|module|value)\b"
)
_PRIMS = re.compile(
    r"\b(bool|s8|u8|s16|u16|s32|u32|s64|u64|f32|f64|char|string|list|option|result|tuple"
    r"|borrow|stream|future|map)\b"
)


def print_coloured_wit(text: str) -> None:
    # called only when the output is to be coloured (a terminal, or --color always)
    console = Console(highlight=False, force_terminal=True, no_color=False)
    for line in text.rstrip("\n").split("\n"):
        styled = Text(line)
        if line.startswith("//"):
            styled.stylize("dim")
        else:
            styled.highlight_regex(_KEYWORDS, "bold magenta")
            styled.highlight_regex(_PRIMS, "cyan")
            styled.highlight_regex(r"(?<=(import|export) )\S+(?=:)", "bold green")
        console.print(styled, soft_wrap=True)
