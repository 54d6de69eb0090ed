"""The report of an already composed component: its nested components, the instances made of
them and what each instantiation argument is (another instance's export, or an import of the
composed component, which the host provides).

Where each argument comes from is read back by link/readback.py. The `component-name`
section the composer writes names the components and instances; without one (another
tool's output) they are named by index.
"""

from __future__ import annotations

from pathlib import Path

from ..model import types as T
from ..binary import sections as S
from ..errors import ComposerError
from ..link.capabilities import of_component
from ..link.policy import Policy
from ..link.readback import names_section, source_of
from ..model.load import LoadedComponent, load_component
from ..model.names import package_of, versions_differ
from .contents import (HOST, ComponentNode, CompositionReport, Edge, HostImportNode, depths, items,
                       wit_text)
from .capabilities import judged


def from_composed(source: Path | str | LoadedComponent, policy: Policy | None = None
                  ) -> CompositionReport:
    """The report of a composed component (a path, or the component already loaded), with
    what each component it embeds can reach and the verdicts of `policy`."""
    loaded = source if isinstance(source, LoadedComponent) else load_component(source)
    scope = loaded.scope
    made = [(n, o) for n, o in enumerate(scope.instance_origins) if o.kind == "instantiate"]
    if not made:
        raise ComposerError("not a composition: it instantiates no component", file=str(loaded.path))
    names = names_section(loaded)
    component_names = names.names_of("component")
    instance_names = names.names_of("instance")

    def node_id(n: int) -> str:
        return instance_names.get(n, f"instance {n}")

    # the root is the instance whose exports the composed component exports
    exported_from = {
        src[1] for n, o in enumerate(scope.instance_origins) if o.kind == "export"
        for src in [source_of(scope, "instance", n)] if src[0] == "instance"
    } | {
        src[1] for n, o in enumerate(scope.func_origins) if o.kind == "export"
        for src in [source_of(scope, "func", n)] if src[0] == "instance"
    }
    root_n = max(exported_from) if exported_from else made[-1][0]

    nodes: list[ComponentNode] = []
    edges: list[Edge] = []
    users: dict[str, list[str]] = {}
    for n, origin in made:
        comp = origin.component or 0
        # the elaborated outer component knows every component index's type (nested ones
        # may alias types of the outer scope, so they are not elaborated on their own)
        ctype = scope.components[comp]
        where = scope.component_sources[comp]
        label = component_names.get(comp) or (
            where[1] if isinstance(where, tuple) and where[0] == "import" else f"component {comp}"
        )
        size = len(where.data) if isinstance(where, S.ComponentSection) else 0
        nid = node_id(n)
        nodes.append(ComponentNode(nid, "root" if n == root_n else "dependency", label, size,
                          items("export", ctype.exports), items("import", ctype.imports)))
        for arg, (sort, idx) in origin.args.items():
            src = source_of(scope, sort, idx)
            if src[0] == "host":
                target = HOST + src[1]
                users.setdefault(target, []).append(nid)
                edges.append(Edge(nid, target, arg, None, sort, "host", versions_differ(arg, src[1])))
            elif src[0] == "instance":
                export = src[2]
                semver = versions_differ(arg, export)
                how = "exact name" if export == arg else ("semver" if semver else "wired")
                edges.append(Edge(nid, node_id(src[1]), arg, export, sort, how, semver))
            # else: something the composed component defines itself (an inline instance
            # of lifted functions, as wit-component writes for adapters): not an edge
            # between components
    hosts = []
    for name, ext in scope.imports.items():
        if T.sort_of(ext) == "component":
            continue
        hid = HOST + name
        bridged = any(e.target == hid and e.semver for e in edges)
        hosts.append(HostImportNode(hid, name, T.sort_of(ext), package_of(name),
                                tuple(dict.fromkeys(users.get(hid, ()))), bridged,
                                wit_text("import", name, ext)))
    depth = depths([n.id for n in nodes], edges, node_id(root_n))
    nodes = [n.replace(depth=depth[n.id]) for n in nodes]
    report = CompositionReport(f"{loaded.path.name} (composed)", "composed", tuple(nodes),
                               tuple(edges), tuple(hosts))
    return judged(report, of_component(loaded), policy)
