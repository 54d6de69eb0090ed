"""The report of a composition planned from its inputs: read from the linked composition
(`compose.plan_composition`, `plan_document`, `CompositionGraph.link()`), failed or not, or
of the input it stopped at (`from_error`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ComposerError
from ..link.capabilities import of_linked
from ..link.policy import Policy
from ..link.wiring import HostArgument, Plug
from ..model import types as T
from ..model.names import package_of, versions_differ
from .contents import (EXPORTS, HOST, ComponentNode, CompositionReport, Edge, HostImportNode,
                       ReportedProblem, depths, items, wit_text)
from .capabilities import judged


def from_plan(plan: Any, title: str | None = None, policy: Policy | None = None
              ) -> CompositionReport:
    """The report of a linked composition (`linked.LinkedComposition`), failed or not, with
    what each component can reach and the verdicts of `policy` (default: the policy the
    composition was checked against, `compose.enforce`)."""
    nodes: list[ComponentNode] = []
    node_of_file = {i.file.name: i.name for i in plan.instances.values()}
    for inst in plan.instances.values():  # in the order of instantiation
        f = inst.file
        nodes.append(ComponentNode(
            inst.name, "root" if inst is plan.root else "dependency", str(f.path),
            len(f.loaded.data), items("export", f.exports), items("import", f.imports),
        ))
    # a dependency left out because the export it offered was refused is "rejected", not
    # "unused": the reasons are the refusals, not "nothing imports what it exports"
    rejected: dict[str, list[str]] = {}
    for p in plan.problems:
        if p.provider:
            rejected.setdefault(p.provider, []).append(f"rejected by {p.instance}: {p.message}")
    for u in plan.unused:
        f = u.file
        kind = "rejected" if f.name in rejected else "unused"
        why = rejected.get(f.name) or u.reasons
        node_of_file[f.name] = f"{kind}:{f.name}"
        nodes.append(ComponentNode(node_of_file[f.name], kind, str(f.path), len(f.loaded.data),
                                   items("export", f.exports), items("import", f.imports),
                                   why=tuple(why)))
    problem_of = {(p.instance, p.import_name): p for p in plan.problems if p.import_name}
    edges: list[Edge] = []
    users: dict[str, list[str]] = {}
    # the merged imports of the output, then what instances leave for the host when linking
    # stopped before merging it: (name, sort)
    merged = {HOST + h.name: h for h in plan.host_imports}
    unmerged: dict[str, tuple[str, str]] = {}
    for inst, imp, arg, h in plan.arguments():  # each instance's in the order it imports them
        sort = T.sort_of(inst.file.imports[imp])
        found = problem_of.pop((inst.name, imp), None)
        problem = found.message if found else None
        if isinstance(arg, Plug):
            offered = arg.export if arg.export is not None else imp
            edges.append(Edge(inst.name, arg.instance, imp, arg.export, sort, arg.reason.word,
                              versions_differ(imp, offered), problem))
            continue
        target = HOST + (h.name if h is not None else arg.name)
        if target not in merged:
            unmerged.setdefault(target, (arg.name, sort))
        users.setdefault(target, []).append(inst.name)
        misses = plan.near.get((inst.name, imp), ())
        edges.append(Edge(inst.name, target, imp, None, sort, "host",
                          h is not None and h.name != arg.name, problem,
                          tuple(m.text for m in misses),
                          tuple(node_of_file.get(m.file.name, "") for m in misses)))
    # imports that failed before they were wired: an edge to the dependency whose export was
    # rejected, or a dangling one to a "missing" target
    for (inst_name, imp), p in problem_of.items():
        inst = plan.instances.get(inst_name)
        sort = T.sort_of(inst.file.imports[imp]) if inst and imp in inst.file.imports else "instance"
        target = node_of_file.get(p.provider or "", f"missing:{inst_name}:{imp}")
        edges.append(Edge(inst_name, target, imp, p.export, sort, "unsatisfied",
                          versions_differ(imp, p.export), p.message))
    hosts: list[HostImportNode] = []
    for hid, h in merged.items():
        ext = (T.InstanceType({k: t for k, (t, _) in h.exports.items()})
               if h.sort == "instance" else h.representative.type)
        hosts.append(HostImportNode(hid, h.name, h.sort, package_of(h.name),
                                    tuple(dict.fromkeys(users.get(hid, ()))), h.semver_bridged,
                                    wit_text("import", h.name, ext)))
    for hid, (name, sort) in unmerged.items():
        hosts.append(HostImportNode(hid, name, sort, package_of(name),
                                    tuple(dict.fromkeys(users.get(hid, ()))), False, ""))
    if plan.root is None and plan.exports:
        _exports(plan, nodes, edges, {h.id for h in hosts})
    problems = tuple(ReportedProblem(p.message, p.instance, p.import_name) for p in plan.problems)
    root = plan.root.name if plan.root else EXPORTS if plan.exports else None
    depth = depths([n.id for n in nodes], edges, root)
    nodes = [n.replace(depth=depth[n.id]) for n in nodes]
    shown = plan.root.file.display if plan.root else Path(plan.files_read[0]).name
    report = CompositionReport(title or f"composition of {shown}", "plan", tuple(nodes),
                               tuple(edges), tuple(hosts), problems, tuple(plan.warnings))
    return judged(report, of_linked(plan), policy if policy is not None else plan.policy)


def _exports(plan: Any, nodes: list[ComponentNode], edges: list[Edge], hosts: set[str]) -> None:
    """A composition of no root (a WAC document's): its exports, one node where a root would
    be drawn, with an edge to the instance (or host import) each is an export of. (A type
    the document defines and exports is not drawn: it is no instance's.)"""
    types: dict[str, T.Extern] = {}
    for name, source in plan.exports.items():
        if isinstance(source, Plug) and source.instance in plan.instances:
            file = plan.instances[source.instance].file
            ext = (file.exports[source.export] if source.export is not None
                   else T.InstanceType(dict(file.exports)))
            edges.append(Edge(EXPORTS, source.instance, name, source.export, T.sort_of(ext),
                              source.reason.word, versions_differ(name, source.export or name)))
            types[name] = ext
        elif isinstance(source, HostArgument) and HOST + source.name in hosts:
            ext = plan.declared.get(source.name) if source.member is None else None
            edges.append(Edge(EXPORTS, HOST + source.name, name, source.member,
                              T.sort_of(ext) if ext is not None else "instance", "host", False))
            if ext is not None:
                types[name] = ext
    nodes.insert(0, ComponentNode(EXPORTS, "exports", "", 0, items("export", types), ()))


def from_error(root: Path, error: ComposerError) -> CompositionReport:
    """The report of a composition that stopped at an input it cannot read (a file missing,
    malformed or invalid; a WAC document in error): that input, drawn as unreadable with
    the reason, and the error as the problem."""
    file = Path(error.file) if error.file else root
    try:
        size = file.stat().st_size if file.is_file() else 0
    except OSError:  # a name no file system can hold
        size = 0
    node = ComponentNode(f"unreadable:{file.name}", "unreadable", str(file), size, (), (),
                         why=(error.headline(),))
    return CompositionReport(f"composition of {root.name}", "plan", (node,), (), (),
                             (ReportedProblem(error.headline()),))
