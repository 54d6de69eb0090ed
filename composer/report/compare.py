"""A type mismatch side by side: the WIT the importer expects and the WIT the dependency
offers, with the line where they differ marked on both sides.

The resolver names where two types differ as a path (`func get: result: expected u32,
found u64`); each named step (`func get`, `field x`, `[method]file.read`) is looked up in
the WIT text below the previous one, and the deepest step found is the line to mark.
"""

from __future__ import annotations

import re

from ..record import Record
from .contents import Edge, shown
from .picture import reason

_ANNOTATED = re.compile(r"^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$")


class Side(Record):
    head: str  # "expected: root imports `x`"
    wit: str
    marks: tuple[int, ...]  # line numbers (from 0) to highlight


def sides(e: Edge, expected: str, offered: str) -> tuple[Side, Side]:
    """A failed edge's expected (the import's WIT) and offered (the export's), marked."""
    steps = _steps(reason(e))
    return (Side(f"expected: {shown(e.source)} imports `{e.import_name}`", expected,
                 marks(expected, offered, steps)),
            Side(f"offered: {shown(e.target)} exports `{e.export_name or '(the instance)'}`", offered,
                 marks(offered, expected, steps)))


def _steps(text: str) -> list[str]:
    """The named steps of a mismatch path: `func get: result: expected ...` -> [get]; a
    missing member is a step too (the expected side has it)."""
    parts = text.split(": ")
    path, last = parts[:-1], parts[-1]
    if last.startswith("missing "):
        path.append(last.removeprefix("missing "))
    names: list[str] = []
    for part in path:
        _, _, name = part.partition(" ")
        m = _ANNOTATED.match(name)
        if m:  # a resource's function is written inside the resource's block
            kind, resource, member = m.groups()
            names += [resource, "constructor" if kind == "constructor" else member]
        elif name:
            names.append(name)
    return names


def marks(wit: str, other: str, steps: list[str]) -> tuple[int, ...]:
    """The line of the deepest step found; failing that, the lines the other side lacks."""
    lines = wit.splitlines()
    if len(lines) <= 1:
        return (0,) if lines else ()
    at, found = 1, None  # line 0 is the `import x: interface {` heading
    for name in steps:
        pattern = re.compile(r"(?:^|[\s(<,{])" + re.escape(name) + r"(?=[\s:;,(<{]|$)")
        hit = next((k for k in range(at, len(lines)) if pattern.search(lines[k])), None)
        if hit is not None:
            at = found = hit
    if found is not None:
        return (found,)
    theirs = {line.strip() for line in other.splitlines()}
    return tuple(k for k in range(1, len(lines)) if lines[k].strip() not in theirs)
