"""The report as Graphviz DOT: components as boxes (the root bold), host imports grouped in a
cluster per package, plugged edges labelled with the import and the export that satisfies it
(semver-bridged ones dashed), failures in red with their reason."""

from __future__ import annotations

from pathlib import Path

from .model import HOST, Report, size_text


def q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(report: Report) -> str:
    out = [
        "digraph composition {",
        f"  label={q(report.title)}; labelloc=t; rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for n in report.nodes:
        attrs = {
            "label": f"{n.id}\n{Path(n.file).name} ({size_text(n.size)})\n{len(n.exports)} exports",
            "tooltip": "\n".join(i.wit for i in n.exports) or "(no exports)",
        }
        if n.kind == "root":
            attrs["penwidth"] = "2"
            attrs["fillcolor"] = "#dbe8ff"
        if n.kind == "unused":
            attrs["style"] = "rounded,dashed"
            attrs["label"] += "\n(unused)"
        out.append(f"  {q(n.id)} [{_attrs(attrs)}];")
    for i, (package, hosts) in enumerate(report.packages().items()):
        out.append(f"  subgraph {q('cluster_host_' + str(i))} {{")
        out.append(f"    label={q('host: ' + package)}; style=dashed; color=gray50;")
        for h in hosts:
            out.append(f"    {q(h.id)} [{_attrs({'label': h.name, 'shape': 'ellipse', 'fillcolor': '#f4f4f4', 'tooltip': h.wit})}];")
        out.append("  }")
    for target in report.unsatisfied_targets():
        out.append(f"  {q(target)} [{_attrs({'label': 'unsatisfied', 'shape': 'octagon', 'color': 'red', 'fontcolor': 'red', 'style': 'solid'})}];")
    for e in report.edges:
        attrs = {"label": e.label + (" (semver)" if e.semver else "")}
        if e.semver:
            attrs["style"] = "dashed"
            attrs["color"] = "darkorange"
        if e.target.startswith(HOST):
            attrs["color"] = "gray50"
        if e.problem:
            attrs["color"] = "red"
            attrs["fontcolor"] = "red"
            attrs["label"] += f"\n{e.problem}"
        out.append(f"  {q(e.source)} -> {q(e.target)} [{_attrs(attrs)}];")
    for p in report.problems:
        if p.import_name is None:
            out.append(f"  // problem: {p.message}")
    out.append("}")
    return "\n".join(out) + "\n"


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={q(v)}" for k, v in attrs.items())
