"""Colour for a terminal (rich). Imported only when stdout is one: rich costs start-up time."""

from __future__ import annotations

import re
from typing import Any

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


def print_audit_table(caps: Any, judgement: Any, policy: Any) -> None:
    """`compose audit`'s table (report/audit.py's rows) for a terminal (or --color always):
    a denied import red, a virtualized one yellow."""
    from rich import box  # here: coloured WIT, this module's other use, needs no table
    from rich.table import Table

    from ..errors import printable
    from ..report.audit import header, rows

    console = Console(highlight=False, force_terminal=True, no_color=False, soft_wrap=False)
    console.print(Text(f"{printable(caps.title)} ({caps.kind})", style="bold"))
    for line in header(caps):
        console.print(Text(line, style="dim"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("component", style="bold")
    table.add_column("import", style="green")
    table.add_column("how")
    if policy:
        table.add_column("policy")
    for row in rows(caps, judgement, policy):
        cells = [Text(printable(x)) for x in (row.component, row.name, row.how)]
        if policy:
            verdict = row.decision.verdict.value if row.decision else ""
            style = {"deny": "bold red", "virtualize": "yellow"}.get(verdict, "")
            cells.append(Text(printable(row.verdict), style=style))
        table.add_row(*cells)
    console.print(table)
