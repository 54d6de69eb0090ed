"""The report as Graphviz DOT, left to right like the HTML drawing: components as boxes
(the root bold, a rejected dependency red and dashed), one box per package of host imports
in a "host" cluster, and one edge per pair of boxes and kind of edge (`×7` when it stands
for seven imports, the list in its tooltip); plugged edges labelled with the import and
the export that satisfies it (semver-bridged ones dashed), failures in red with their
reason."""

from __future__ import annotations

from pathlib import Path

from ..errors import printable
from .contents import CompositionReport, count, shown, size_text
from .picture import Box, Link, picture, why_text


def q(text: str) -> str:
    """A DOT double-quoted string: each line (a label's, or one a name holds) escaped as
    messages are (`printable`), then for DOT, lines joined by DOT's `\\n`."""
    lines = (printable(line).replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n"))
    return '"' + "\\n".join(lines) + '"'


def render_dot(report: CompositionReport) -> str:
    pic = picture(report)
    nodes = {n.id: n for n in report.nodes}
    out = [
        "digraph composition {",
        f"  label={q(report.title)}; labelloc=t; rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    hosts = [b for b in pic.boxes if b.kind == "host"]
    for box in pic.boxes:
        if box.kind in ("root", "exports", "dependency", "unused", "rejected", "unreadable"):
            out.append(f"  {q(box.id)} [{_attrs(_component(nodes[box.id]))}];")
        elif box.kind == "missing":
            out.append(f"  {q(box.id)} [{_attrs({'label': 'unsatisfied', 'shape': 'octagon', 'color': 'red', 'fontcolor': 'red', 'style': 'solid'})}];")
    if hosts:
        out.append('  subgraph "cluster_host" {')
        out.append(f"    label={q('host imports')}; style=dashed; color=gray50;")
        out += [f"    {q(b.id)} [{_attrs(_package(b))}];" for b in hosts]
        out.append("  }")
    for link in pic.links:
        out.append(f"  {q(link.source)} -> {q(link.target)} [{_attrs(_edge(link))}];")
    for p in report.problems:
        if p.import_name is None:
            out.append(f"  // problem: {printable(p.message)}")
    out.append("}")
    return "\n".join(out) + "\n"


def _component(n) -> dict[str, str]:  # type: ignore[no-untyped-def]
    attrs = {
        "label": f"{shown(n.id)}\n{Path(n.file).name} ({size_text(n.size)})\n{count(len(n.exports), 'export')}",
        "tooltip": "\n".join(i.wit for i in n.exports) or "(no exports)",
    }
    if n.kind == "exports":
        attrs["label"] = f"exports\n{count(len(n.exports), 'export')}"
    if n.kind in ("root", "exports"):
        attrs["penwidth"] = "2"
        attrs["fillcolor"] = "#dbe8ff"
    if n.kind in ("unused", "rejected", "unreadable"):
        attrs["style"] = "rounded,dashed" if n.kind != "unreadable" else "rounded"
        attrs["label"] += f"\n({n.kind})"
        if n.why:
            attrs["tooltip"] = why_text(n, "\n") + "\n\n" + attrs["tooltip"]
    if n.kind in ("rejected", "unreadable"):
        attrs["color"] = "red"
        attrs["fontcolor"] = "red3"
    return attrs


def _package(box: Box) -> dict[str, str]:
    return {"label": "\n".join(box.lines), "fillcolor": "#f4f4f4", "tooltip": box.hover}


def _edge(link: Link) -> dict[str, str]:
    e = link.edges[0]
    if link.count > 1:
        attrs = {"label": f"×{link.count}", "tooltip": link.hover}
    else:
        attrs = {"label": e.label + (" (semver)" if e.semver else "")}
    if "semver" in link.classes:
        attrs["style"] = "dashed"
        attrs["color"] = "darkorange"
    if "host" in link.classes:
        attrs["color"] = "gray50"
    if "problem" in link.classes:
        attrs["color"] = "red"
        attrs["fontcolor"] = "red"
        attrs["label"] += f"\n{e.problem}"
    elif "denied" in link.classes or "virtualized" in link.classes:
        attrs["label"] = "\n".join(link.label) or attrs["label"]
    elif "near" in link.classes:
        if "host" not in link.classes:  # to the dependency that came close
            attrs["label"] = f"came close: {e.import_name}"
        attrs["color"] = "darkorange3"
        attrs["style"] = "dotted"
        attrs["tooltip"] = "\n".join(f"not from {why}" for x in link.edges for why in x.near)
    if "denied" in link.classes:  # refused by the capability policy
        attrs.update(color="red", fontcolor="red", style="bold,dashed")
    elif "virtualized" in link.classes:  # plugged by a synthesized adapter
        attrs.update(color="purple", fontcolor="purple4", style="dashed")
    return attrs


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={q(v)}" for k, v in attrs.items())
