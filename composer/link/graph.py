"""The composition graph as networkx sees it (`LinkedComposition.graph`): what is wired to what.

A `MultiDiGraph` with

* a node per component instance: id = instance name, `kind` "root" or "instance",
  `file` (wiring.ComponentFile), `index` (the order of instantiation);
* a node per import the output keeps for the host: id = "host:" + its name, `kind` "host",
  `host` (merge.OutputImport; None when linking stopped before merging), `name`, `package`
  (`wasi:cli`, ...);
* an edge per satisfied import, from the importing instance to what satisfies it, keyed by
  the import's name: `kind` ("plug" or "host"), `import_` (the name imported), `export` (the
  provider's export, None for the provider instance itself or a whole host import), `sort`,
  `how` (why it was chosen, as `-v` says it) and `semver` (whether the names differ in
  version).

Graph-level attributes: `unused` (the files of dependencies that satisfied nothing) and
`problems`.

Built only when asked for: composing and the report read the linked composition itself
(a graph of 100,000 host imports costs networkx seconds and hundreds of MB).
"""

from __future__ import annotations

from typing import Any

from ..model import types as T
from ..model.names import package_of, versions_differ
from .wiring import Plug

HOST_PREFIX = "host:"


def host_node(name: str) -> str:
    return HOST_PREFIX + name


def build_graph(linked: Any) -> Any:
    """The networkx graph of a linked composition (`linked.LinkedComposition`)."""
    import networkx as nx

    g = nx.MultiDiGraph(unused=[u.file for u in linked.unused], problems=list(linked.problems))
    for inst in linked.instances.values():  # in the order of instantiation
        g.add_node(
            inst.name,
            kind="root" if inst is linked.root else "instance",
            file=inst.file,
            index=inst.index,
        )
    # the merged imports of the output first, then what instances leave for the host when
    # linking stopped before merging it
    hosts = {host_node(h.name): (h.name, h) for h in linked.host_imports}
    edges = []
    for inst, imp, arg, h in linked.arguments():
        sort = T.sort_of(inst.file.imports[imp])
        if isinstance(arg, Plug):
            offered = arg.export if arg.export is not None else imp
            edges.append((inst.name, arg.instance, imp, arg.export, sort, "plug", arg.reason.text,
                          versions_differ(imp, offered)))
            continue
        target = host_node(h.name if h is not None else arg.name)
        hosts.setdefault(target, (arg.name, None))
        edges.append((inst.name, target, imp, arg.member, sort, "host", "host",
                      h is not None and h.name != arg.name))
    for node, (name, h) in hosts.items():
        g.add_node(node, kind="host", host=h, name=name, package=package_of(name))
    for source, target, imp, export, sort, kind, how, semver in edges:
        g.add_edge(source, target, key=imp, kind=kind, import_=imp, export=export, sort=sort,
                   how=how, semver=semver)
    return g
