"""The report as a tree of text: each component with its imports and what satisfies them, the
host imports by package, unused dependencies and problems. On a terminal it is coloured.

Written line by line with SGR codes of its own (no rich): a composition of 100,000 imports is
a tree of 100,000 lines, which rich's tree takes a minute to lay out. Every name is shown as
messages show it (`printable`): one line each, nothing that acts on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator, TextIO

from ..errors import printable
from ..record import Record
from .contents import HOST, CompositionReport, count, shown, size_text

_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "magenta": "35",
        "cyan": "36"}

# A piece of a line: its text (a name from an input, escaped when drawn) and its style
# ("bold cyan", "" for none).
Piece = tuple[str, str]


class Branch(Record, mutable=True):
    line: tuple[Piece, ...]
    children: list


def _branch(*pieces: Piece) -> Branch:
    return Branch(pieces, [])


def build_tree(report: CompositionReport) -> Branch:
    status = ("ok", "green") if report.ok else (count(len(report.problems), "problem"), "red")
    tree = _branch((report.title, "bold"), (" — ", ""), status)
    by_source: dict[str, list] = {}
    for e in report.edges:
        by_source.setdefault(e.source, []).append(e)
    reach = _reach(report)
    for n in sorted(report.nodes, key=lambda n: (n.depth, n.id)):
        style = {"root": "bold cyan", "dependency": "cyan", "unused": "dim", "rejected": "red",
                 "unreadable": "red", "exports": "bold cyan"}[n.kind]
        head = [(shown(n.id), style), (f"  {Path(n.file).name} ({size_text(n.size)})", "")]
        if n.kind == "exports":  # each export's line says what it is an export of
            head = [(f"what {shown(n.id)} exports ({len(n.exports)})", style)]
        if n.kind == "unused":
            head.append(("  unused: satisfies nothing", "yellow"))
        elif n.kind == "rejected":
            head.append(("  rejected: what it offers does not fit", "red"))
        elif n.kind == "unreadable":
            head.append(("  cannot be read", "red"))
        branch = _branch(*head)
        tree.children.append(branch)
        branch.children += [_branch((why, "yellow" if n.kind == "unused" else "red")) for why in n.why]
        for e in by_source.get(n.id, []):
            branch.children.append(_edge(e))
        if n.id in reach:
            branch.children.append(_branch((reach[n.id], "dim")))
        if n.kind in ("root", "dependency"):
            exports = _branch((f"exports ({len(n.exports)})", "dim"))
            exports.children += [_branch((i.name, "green"), (" ", ""), (i.sort, "dim"))
                                 for i in n.exports]
            branch.children.append(exports)
    if report.host_imports:
        hosts = _branch((f"host imports ({len(report.host_imports)})", "bold"))
        tree.children.append(hosts)
        for package, members in report.packages().items():
            pkg = _branch((package, "magenta"))
            hosts.children.append(pkg)
            for h in members:
                line = [(h.name, ""), (" ", ""), (f"used by {', '.join(h.users)}", "dim")]
                if h.semver_bridged:
                    line.append((" semver-merged", "yellow"))
                pkg.children.append(_branch(*line))
    loose = [p for p in report.problems if p.import_name is None]
    if loose:
        problems = _branch(("problems", "bold red"))
        problems.children += [_branch((p.message, "red")) for p in loose]
        tree.children.append(problems)
    if report.warnings:
        warnings = _branch(("warnings", "bold yellow"))
        warnings.children += [_branch((w, "yellow")) for w in report.warnings]
        tree.children.append(warnings)
    return tree


def _reach(report: CompositionReport) -> dict[str, str]:
    """A line per component that calls others: how many host imports it holds and reaches
    (docs/capabilities.md)."""
    caps = report.capabilities
    if caps is None:
        return {}
    out = {}
    for c in caps.components:
        if c.calls:
            reached = {r.host for r in c.reachable} - {h.host for h in c.direct}
            out[c.instance] = (f"capabilities: {count(len(c.direct), 'host import')} held, "
                               f"{len(reached)} more reached through {', '.join(c.calls)}")
    return out


def _edge(e) -> Branch:  # type: ignore[no-untyped-def]
    """An import: what satisfies it, or why nothing does."""
    if e.problem:
        return _branch((f"✗ {e.import_name}: {e.problem}", "red"))
    line: list[Piece] = [(e.import_name, "")]
    if e.target.startswith(HOST):
        target = e.target[len(HOST):]
        line.append((" → host", "dim"))
        if target != e.import_name:
            line.append((f" as {target}", "dim"))
        if e.semver:
            line.append((" semver", "yellow"))
        if e.policy == "deny":
            line.append((f" refused by {e.rule}", "red"))
        elif e.policy == "virtualize":
            line.append((f" virtualized by {e.rule}", "magenta"))
    else:
        line += [(" ← ", ""), (shown(e.target), "cyan")]
        if e.export_name and e.export_name != e.import_name:
            line += [(" export", "dim"), (f" {e.export_name}", "")]
        # a semver bridge is what `how` says; it is marked in yellow, not repeated
        line.append((f" ({e.how})", "yellow" if e.semver else "dim"))
    branch = _branch(*line)
    branch.children += [_branch((why, "yellow")) for why in e.near]
    return branch


def _paint(piece: Piece, colour: bool) -> str:
    text, style = piece
    text = printable(text)
    if not colour or not style or not text:
        return text
    codes = ";".join(_SGR[word] for word in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


def tree_lines(tree: Branch, colour: bool) -> Iterator[str]:
    """The tree's lines, each branch under its parent with the guides rich draws."""
    yield "".join(_paint(p, colour) for p in tree.line)
    stack = [(tree.children, 0, "")]  # (siblings, the next one's index, their guides)
    while stack:
        siblings, i, prefix = stack.pop()
        if i == len(siblings):
            continue
        stack.append((siblings, i + 1, prefix))
        child, last = siblings[i], i == len(siblings) - 1
        yield prefix + ("└── " if last else "├── ") + "".join(_paint(p, colour) for p in child.line)
        if child.children:
            stack.append((child.children, 0, prefix + ("    " if last else "│   ")))


def render_tree(report: CompositionReport, colour: bool = False) -> str:
    """The tree as text: plain for files and pipes, with `colour` for a terminal."""
    return "".join(line + "\n" for line in tree_lines(build_tree(report), colour))


def print_tree(report: CompositionReport, stream: TextIO | None = None) -> None:
    """To the terminal, in colour."""
    out = stream or sys.stdout
    for line in tree_lines(build_tree(report), colour=True):
        out.write(line + "\n")
