"""The report as a Mermaid flowchart: components as boxes, host imports in a subgraph per
package, edges labelled with the import (and the export when the names differ); semver
bridges dotted, failures red."""

from __future__ import annotations

import re
from pathlib import Path

from .model import Report, size_text


def label(text: str) -> str:
    """A Mermaid quoted label: `"` becomes #quot; and line breaks <br/>."""
    return '"' + text.replace('"', "#quot;").replace("\n", "<br/>") + '"'


def ident(text: str, ids: dict[str, str]) -> str:
    """A Mermaid node id for `text`: letters, digits and `_` only, unique."""
    if text not in ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", text)
        ids[text] = f"n{len(ids)}_{base}"[:60]
    return ids[text]


def render_mermaid(report: Report) -> str:
    ids: dict[str, str] = {}
    out = ["flowchart TB"]
    for n in report.nodes:
        text = f"{n.id}\n{Path(n.file).name} ({size_text(n.size)})"
        if n.kind == "unused":
            text += "\n(unused)"
        out.append(f"  {ident(n.id, ids)}[{label(text)}]")
    for i, (package, hosts) in enumerate(report.packages().items()):
        out.append(f"  subgraph host_{i}[{label('host: ' + package)}]")
        for h in hosts:
            out.append(f"    {ident(h.id, ids)}([{label(h.name)}])")
        out.append("  end")
    for target in report.unsatisfied_targets():
        out.append(f"  {ident(target, ids)}{{{{{label('unsatisfied')}}}}}")
    red: list[int] = []
    semver: list[int] = []
    for k, e in enumerate(report.edges):
        text = e.label
        if e.problem:
            text += f"\n{e.problem}"
            red.append(k)
        arrow = "-.->" if e.semver else "-->"
        if e.semver:
            semver.append(k)
        out.append(f"  {ident(e.source, ids)} {arrow}|{label(text)}| {ident(e.target, ids)}")
    for n in report.nodes:
        if n.kind == "root":
            out.append(f"  style {ident(n.id, ids)} stroke-width:3px")
    if red:
        out.append(f"  linkStyle {','.join(map(str, red))} stroke:red,color:red")
    if semver:
        out.append(f"  linkStyle {','.join(map(str, semver))} stroke:darkorange")
    return "\n".join(out) + "\n"
