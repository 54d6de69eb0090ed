"""What the drawings show, whatever their format: a box per component, one box per package
of host imports (25 WASI interfaces are 6 boxes, not 25; imports with plain names, which have
no package, share one box when there are several), and one link per pair of boxes and kind of
edge (root -> wasi:sockets "×7", not seven parallel lines: 100,000 imports of functions are
one link). Labels are as short as
their context allows (`preopens@0.2.0` inside the `wasi:filesystem` box); the full names go
to the hover text and the details."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Iterable

from ..link.reasons import VIRTUALIZE
from ..model.names import package_of
from ..record import Record
from .contents import EXPORTS, HOST, ComponentNode, CompositionReport, Edge, HostImportNode, count, shown, size_text

LABELS_UP_TO = 100  # links; past that, the names on plain links are noise (hover has them)
REASON_WIDTH = 48  # characters per line of a failure's reason on its link
REASON_LINES = 4


class Box(Record):
    """A component, a package of host imports, or the mark of an import nobody satisfies."""

    id: str
    kind: str  # "root", "dependency", "unused", "rejected", "unreadable", "host", "missing"
    lines: tuple[str, ...]  # drawn, the name first
    hover: str  # the whole story, for a tooltip
    members: tuple[HostImportNode, ...] = ()  # a package: its imports, in name order
    search: str = ""  # what `find` matches, lower case
    depth: int | None = None  # a component's dependency depth; the layout places the others


class Link(Record):
    """The edges from one box to another that look alike, drawn as one line."""

    source: str
    target: str
    # of "host", "denied", "virtualized" (the capability policy's verdicts), "semver",
    # "problem", "near"
    classes: tuple[str, ...]
    edges: tuple[Edge, ...]
    label: tuple[str, ...]  # drawn lines; () for none
    hover: str

    @property
    def count(self) -> int:
        return len(self.edges)


class Picture(Record):
    title: str
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]


def picture(report: CompositionReport) -> Picture:
    nodes = {n.id: n for n in report.nodes}
    # the names around each link that a short label could be confused with
    context = {n.id: (shortened(i.name for i in n.imports), shortened(i.name for i in n.exports))
               for n in report.nodes}
    boxes = [_component_box(n) for n in report.nodes]
    box_of: dict[str, str] = {}
    for package, hosts in _packages(report).items():
        box = _package_box(package, hosts)
        boxes.append(box)
        box_of.update((h.id, box.id) for h in hosts)
    boxes += [Box(t, "missing", ("unsatisfied",), "an import nobody could satisfy", search="unsatisfied")
              for t in report.unsatisfied_targets()]
    groups: dict[tuple, list[Edge]] = {}
    for e in report.edges:
        groups.setdefault(_bundle_key(e, box_of), []).append(e)
    sizes = {b.id: len(b.members) for b in boxes}
    labels = len(groups) <= LABELS_UP_TO
    links = []
    for (source, target, classes, _), edges in groups.items():
        link = Link(source, target, classes, tuple(edges), (), _link_hover(edges, target, nodes))
        links.append(link.replace(label=_label(link, context, sizes[target], labels)))
    links += _near_links(report.edges, sizes, labels)
    return Picture(report.title, tuple(boxes), tuple(links))


def _near_links(edges: Iterable[Edge], boxes: dict[str, int], labels: bool) -> list[Link]:
    """A dotted link from an importer to each dependency that came close to an import it
    leaves for the host: the near miss drawn where it happened, besides its host link."""
    out = []
    for e in edges:
        for node, why in zip(e.near_from, e.near):
            if node in boxes:
                hover = f"{shown(e.source)} imports {e.import_name}, left for the host: not from {why}"
                out.append(Link(e.source, node, ("near",), (e,), ("came close",) if labels else (), hover))
    return out


PLAIN = "plain names"  # the box of host imports that have no package


def _packages(report: CompositionReport) -> dict[str, list[HostImportNode]]:
    """Host imports by the box they are drawn in: by package, the plain names together
    when there are several."""
    packages = report.packages()
    plain = [p for p, hosts in packages.items() if ":" not in p and hosts[0].name == p]
    if len(plain) > 1:
        packages[PLAIN] = [h for p in plain for h in packages.pop(p)]
    return packages


def _bundle_key(e: Edge, box_of: dict[str, str]) -> tuple:
    """Edges between the same boxes that look alike share a link; a failure never shares one
    (each has its own reason)."""
    classes = []
    if e.target.startswith(HOST):
        classes.append("host")
    if e.policy == "deny":  # refused by the capability policy: the rule on its own link
        classes.append("denied")
    elif e.policy == "virtualize" or e.how == VIRTUALIZE.word:  # plugged by a synthesized adapter
        classes.append("virtualized")
    if e.semver:
        classes.append("semver")
    if e.problem:
        classes.append("problem")
    elif e.near:  # left for the host although a dependency came close: worth a look
        classes.append("near")
    alone = e.problem or e.policy
    return (e.source, box_of.get(e.target, e.target), tuple(classes), e.import_name if alone else "")


def _component_box(n: ComponentNode) -> Box:
    if n.kind == "exports":
        hover = f"what {shown(n.id)} exports\n\n" + ("\n\n".join(i.wit for i in n.exports) or "(nothing)")
        return Box(n.id, n.kind, ("exports", count(len(n.exports), "export")), hover,
                   search="exports", depth=n.depth)
    file = Path(n.file).name
    name = shown(n.id)  # a left-out dependency's box says unused or rejected: its id need not
    # `ops` from ops.wasm needs no file name: the size is the news
    second = size_text(n.size) if file in (name, name + ".wasm") else f"{file} · {size_text(n.size)}"
    lines = (name, second) + ((n.kind,) if n.kind in ("unused", "rejected", "unreadable") else ())
    hover = f"{shown(n.id)}: {n.file} ({size_text(n.size)}), {count(len(n.exports), 'export')}, {count(len(n.imports), 'import')}"
    if n.why:
        hover += "\n" + why_text(n, "; ")
    hover += "\n\n" + ("\n\n".join(i.wit for i in n.exports) or "(no exports)")
    return Box(n.id, n.kind, lines, hover, search=f"{n.id} {n.file}".lower(), depth=n.depth)


def why_text(n: ComponentNode, sep: str) -> str:
    """Why a dependency was left out; the reasons of a rejected one say "rejected" already."""
    return ("unused: " if n.kind == "unused" else "") + sep.join(n.why)


def member_name(h: HostImportNode) -> str:
    """The name of a host import inside its package's box: `preopens@0.2.0`."""
    return h.name[len(h.package) + 1:] if h.name.startswith(h.package + "/") else h.name


def _package_box(package: str, hosts: list[HostImportNode]) -> Box:
    """One box per package; a package of one import keeps that import's id, so a link to it
    reads as before."""
    users = sorted({u for h in hosts for u in h.users})
    listing = "\n".join(f"  {h.name}" + (" (semver-merged)" if h.semver_bridged else "") for h in hosts)
    hover = (f"{package}: {count(len(hosts), 'import')} left for the host, used by "
             f"{', '.join(users)}\n{listing}")
    search = " ".join([package, *(h.name for h in hosts)]).lower()
    if len(hosts) == 1:
        h = hosts[0]
        second = member_name(h) if h.name != package else h.sort
        return Box(h.id, "host", (package, second), hover + "\n\n" + h.wit, tuple(hosts), search)
    many = f"{len(hosts)} imports" if package == PLAIN else f"{len(hosts)} interfaces"
    return Box(f"package:{package}", "host", (package, many), hover, tuple(hosts), search)


def _short(name: str) -> str:
    return name.split("/", 1)[1] if "/" in name and package_of(name) != name else name


def shortened(names: Iterable[str]) -> dict[str, set[str]]:
    """Names by their short form, to tell which short forms are ambiguous."""
    out: dict[str, set[str]] = {}
    for name in names:
        out.setdefault(_short(name), set()).add(name)
    return out


def short_import(name: str, *contexts: dict[str, set[str]]) -> str:
    """`operations@0.1.0` for `example:ops/operations@0.1.0` when no other name of its
    contexts (the importer's imports, the target's exports: `shortened`) shortens alike;
    else the name."""
    short = _short(name)
    if short == name or any(c.get(short, {name}) - {name} for c in contexts):
        return name
    return short


def reason(e: Edge) -> str:
    """A failure's reason without what the link already says (which import, from which
    file): `func get: result: expected u32, found u64`."""
    text = e.problem or ""
    m = re.match(r"`[^`]*`(?: \(imported by [^)]*\))? from .*?: ", text)
    return text[m.end():] if m else text


def _label(link: Link, context: dict[str, tuple[dict[str, set[str]], ...]], members: int,
           labels: bool) -> tuple[str, ...]:
    if link.count > 1:
        return (f"×{link.count}",)
    e = link.edges[0]
    # a name is shortened only next to a component whose exports make it unambiguous
    around = (context[e.source][0], context[e.target][1]) if e.target in context else None
    name = short_import(e.import_name, *around) if around else e.import_name
    if e.problem:
        lines = textwrap.wrap(reason(e), REASON_WIDTH, break_long_words=False) or [""]
        if len(lines) > REASON_LINES:
            lines = lines[:REASON_LINES - 1] + [lines[REASON_LINES - 1] + " …"]
        return (name, *lines)
    if e.policy is not None:  # a verdict of the policy, with the rule that decided
        word = "refused" if e.policy == "deny" else "virtualized"
        return (name, f"{word} by {e.rule}")
    if not labels:
        return ()
    if "host" in link.classes:
        # the box of a package of one names the import; in a larger one, which member
        return (e.target[len(HOST):].split("/", 1)[-1],) if members > 1 else ()
    if around and e.export_name and e.export_name != e.import_name:
        return (name, "<- " + short_import(e.export_name, *around))
    return (name,)


def _edge_text(e: Edge, nodes: dict[str, ComponentNode]) -> str:
    """One edge in words: what is imported, what satisfies it or why nothing does; or what
    the composition exports, and what it is."""
    if e.source == EXPORTS:
        what = f"export {e.export_name}" if e.export_name else "the instance"
        return f"the composition exports {e.import_name}\nwhich is {shown(e.target)}'s {what}"
    text = f"{shown(e.source)} imports {e.import_name}\n"
    if e.target.startswith(HOST):
        text += f"left for the host as {e.target[len(HOST):]}"
    elif e.target in nodes:
        text += ("offered by " if e.problem else "satisfied by ") + shown(e.target)
        text += f" export {e.export_name}" if e.export_name else " (the instance)"
        text += f" ({e.how})"
    if e.policy == "deny":
        text += f"\nREFUSED: denied by {e.rule}"
    elif e.policy == "virtualize":
        text += f"\nplugged by a synthesized adapter: virtualized by {e.rule}"
    if e.semver:
        text += "\nsemver-compatible versions bridged"
    if e.problem:
        text += f"\nPROBLEM: {e.problem}"
    for why in e.near:
        text += f"\nnot from {why}"
    return text


def _link_hover(edges: list[Edge], target: str, nodes: dict[str, ComponentNode]) -> str:
    if len(edges) == 1:
        return _edge_text(edges[0], nodes)
    e = edges[0]
    if e.source == EXPORTS:
        head = f"the composition exports {len(edges)} exports of {shown(target)}"
    elif e.target.startswith(HOST):
        head = f"{shown(e.source)} imports {len(edges)} interfaces of {shown(target)}, left for the host"
    else:
        head = f"{shown(e.source)} imports {len(edges)} exports of {shown(target)}"
    lines = [head + ":"]
    for x in edges:
        line = f"  {x.import_name}"
        if x.export_name and x.export_name != x.import_name:
            line += f" <- {x.export_name}"
        lines.append(line)
        lines += [f"    not from {why}" for why in x.near]
    return "\n".join(lines)
