"""The report as a Mermaid flowchart, left to right like the HTML drawing: components as
boxes, one box per package of host imports in a "host imports" subgraph, one edge per pair
of boxes and kind of edge (`×7` when it stands for seven imports), labelled with the import
(and the export when the names differ); semver bridges dotted, failures red."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import printable
from .contents import CompositionReport, shown, size_text
from .picture import picture


def label(text: str) -> str:
    """A Mermaid quoted label: `"` becomes #quot; and line breaks <br/>; the rest of what
    a name may hold escaped as messages are (`printable`)."""
    return '"' + "<br/>".join(printable(line) for line in text.split("\n")).replace('"', "#quot;") + '"'


def ident(text: str, ids: dict[str, str]) -> str:
    """A Mermaid node id for `text`: letters, digits and `_` only, unique."""
    if text not in ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", text)
        ids[text] = f"n{len(ids)}_{base}"[:60]
    return ids[text]


def render_mermaid(report: CompositionReport) -> str:
    pic = picture(report)
    nodes = {n.id: n for n in report.nodes}
    ids: dict[str, str] = {}
    out = ["flowchart LR"]
    for box in pic.boxes:
        n = nodes.get(box.id)
        if n is not None:
            text = f"{shown(n.id)}\n{Path(n.file).name} ({size_text(n.size)})"
            if n.kind == "exports":
                text = f"exports\n({len(n.exports)})"
            elif n.kind in ("unused", "rejected", "unreadable"):
                text += f"\n({n.kind})"
            out.append(f"  {ident(n.id, ids)}[{label(text)}]")
        elif box.kind == "missing":
            out.append(f"  {ident(box.id, ids)}{{{{{label('unsatisfied')}}}}}")
    hosts = [b for b in pic.boxes if b.kind == "host"]
    if hosts:
        out.append(f"  subgraph host[{label('host imports')}]")
        out += [f"    {ident(b.id, ids)}([{label(chr(10).join(b.lines))}])" for b in hosts]
        out.append("  end")
    styles: dict[str, list[int]] = {"problem": [], "semver": [], "near": [], "denied": [],
                                    "virtualized": []}
    for k, link in enumerate(pic.links):
        e = link.edges[0]
        text = f"×{link.count}" if link.count > 1 else e.label
        if e.problem:
            text += f"\n{e.problem}"
        elif "denied" in link.classes or "virtualized" in link.classes:
            text = "\n".join(link.label)  # the import, refused or virtualized by the rule
        elif "near" in link.classes and "host" not in link.classes:  # to the dependency that came close
            text = f"came close: {e.import_name}"
        for kind, ks in styles.items():
            if kind in link.classes:
                ks.append(k)
        arrow = "-.->" if "semver" in link.classes else "-->"
        out.append(f"  {ident(link.source, ids)} {arrow}|{label(text)}| {ident(link.target, ids)}")
    for n in report.nodes:
        if n.kind in ("root", "exports"):
            out.append(f"  style {ident(n.id, ids)} stroke-width:3px")
        elif n.kind == "rejected":
            out.append(f"  style {ident(n.id, ids)} stroke:red,stroke-dasharray:5 3")
        elif n.kind == "unreadable":
            out.append(f"  style {ident(n.id, ids)} stroke:red,color:red")
    looks = {"problem": "stroke:red,color:red", "semver": "stroke:darkorange",
             "near": "stroke:#c77700,stroke-dasharray:2 3",  # left for the host though a dependency came close
             "denied": "stroke:red,color:red,stroke-width:3px,stroke-dasharray:2 4",
             "virtualized": "stroke:#7a4fb5,color:#5b3591,stroke-dasharray:6 3"}
    for kind, ks in styles.items():
        if ks:
            out.append(f"  linkStyle {','.join(map(str, ks))} {looks[kind]}")
    return "\n".join(out) + "\n"
