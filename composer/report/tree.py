"""The report as a terminal tree (rich): each component with its imports and what satisfies
them, the host imports by package, unused dependencies and problems."""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import printable
from .model import HOST, Report, size_text


def build_tree(report: Report):  # type: ignore[no-untyped-def]
    from rich.markup import escape as markup
    from rich.tree import Tree

    def escape(text: str) -> str:  # names may hold controls: shown as messages show them
        return markup(printable(text))

    status = "[green]ok[/]" if report.ok else f"[red]{len(report.problems)} problem(s)[/]"
    tree = Tree(f"[bold]{escape(report.title)}[/] — {status}")
    by_source: dict[str, list] = {}
    for e in report.edges:
        by_source.setdefault(e.source, []).append(e)
    for n in sorted(report.nodes, key=lambda n: (n.depth, n.id)):
        style = {"root": "bold cyan", "dependency": "cyan", "unused": "dim", "rejected": "red",
                 "unreadable": "red"}[n.kind]
        head = f"[{style}]{escape(n.id)}[/]  {escape(Path(n.file).name)} ({size_text(n.size)})"
        if n.kind == "unused":
            head += "  [yellow]unused: satisfies nothing[/]"
        elif n.kind == "rejected":
            head += "  [red]rejected: what it offers does not fit[/]"
        elif n.kind == "unreadable":
            head += "  [red]cannot be read[/]"
        branch = tree.add(head)
        for why in n.why:
            branch.add(f"[{'yellow' if n.kind == 'unused' else 'red'}]{escape(why)}[/]")
        for e in by_source.get(n.id, []):
            line = escape(e.import_name)
            if e.problem:
                branch.add(f"[red]✗ {line}: {escape(e.problem)}[/]")
                continue
            if e.target.startswith(HOST):
                target = e.target[len(HOST):]
                line += " [dim]→ host[/]" + (f" [dim]as {escape(target)}[/]" if target != e.import_name else "")
            else:
                line += f" ← [cyan]{escape(e.target)}[/]"
                if e.export_name and e.export_name != e.import_name:
                    line += f" [dim]export[/] {escape(e.export_name)}"
                # a semver bridge is what `how` says; it is marked in yellow, not repeated
                line += f" [yellow]({escape(e.how)})[/]" if e.semver else f" [dim]({escape(e.how)})[/]"
            if e.semver and e.target.startswith(HOST):
                line += " [yellow]semver[/]"
            edge = branch.add(line)
            for why in e.near:
                edge.add(f"[yellow]{escape(why)}[/]")
        if n.kind in ("root", "dependency"):
            exports = branch.add(f"[dim]exports ({len(n.exports)})[/]")
            for i in n.exports:
                exports.add(f"[green]{escape(i.name)}[/] [dim]{escape(i.sort)}[/]")
    if report.host_imports:
        hosts = tree.add(f"[bold]host imports ({len(report.host_imports)})[/]")
        for package, items in report.packages().items():
            pkg = hosts.add(f"[magenta]{escape(package)}[/]")
            for h in items:
                users = ", ".join(h.users)
                pkg.add(f"{escape(h.name)} [dim]used by {escape(users)}[/]"
                        + (" [yellow]semver-merged[/]" if h.semver_bridged else ""))
    loose = [p for p in report.problems if p.import_name is None]
    if loose:
        problems = tree.add("[bold red]problems[/]")
        for p in loose:
            problems.add(f"[red]{escape(p.message)}[/]")
    if report.warnings:
        warnings = tree.add("[bold yellow]warnings[/]")
        for w in report.warnings:
            warnings.add(f"[yellow]{escape(w)}[/]")
    return tree


def render_tree(report: Report) -> str:
    """Plain text (no colours), for files and pipes."""
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=160, no_color=True, highlight=False).print(build_tree(report))
    return buf.getvalue()


def print_tree(report: Report) -> None:
    """To the terminal, in colour."""
    from rich.console import Console

    Console(highlight=False).print(build_tree(report))
