"""The composition graph (networkx): what is wired to what.

A `MultiDiGraph` with

* a node per component instance: id = instance name, `kind` "root" or "instance",
  `file` (wiring.ComponentFile);
* a node per import the output keeps for the host: id = "host:" + its name, `kind` "host",
  `host` (merge.OutputImport), `name`, `package` (`wasi:cli`, ...);
* an edge per satisfied import, from the importing instance to what satisfies it, keyed by
  the import's name: `kind` ("plug" or "host"), `import_` (the name imported), `export` (the
  provider's export, None for the provider instance itself or a whole host import), `sort`, `how`
  (why it was chosen) and `semver` (whether the names differ in version).

Graph-level attributes: `unused` (dependencies that satisfied nothing) and `problems`.

`wiring` lists the same edges and host nodes without networkx: the report reads them so, as a
graph of 100,000 host imports costs networkx seconds and hundreds of MB.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..model import types as T
from ..model.names import package_of, versions_differ
from .wiring import HostArgument, Plug

HOST_PREFIX = "host:"


def host_node(name: str) -> str:
    return HOST_PREFIX + name


# Tuples, not records: a composition of 100,000 imports makes 100,000 of them, and a tuple
# is made three times as fast.
class HostNode(NamedTuple):
    id: str  # "host:" + name
    name: str
    package: str
    host: Any  # merge.OutputImport; None when linking did not get as far as merging
    sort: str | None  # of the import, when `host` is None


class Wire(NamedTuple):
    """An import of `source` satisfied by `target`: an instance, or a host node."""

    source: str
    target: str
    import_: str
    export: str | None
    sort: str
    kind: str  # "plug" or "host"
    reason: Any  # reasons.Reason of a plug; None for the host
    semver: bool


def wiring(plan: Any) -> tuple[list[HostNode], list[Wire]]:
    """The host nodes (the merged imports of the output first) and the edges of a linked
    composition (`linked.LinkedComposition`)."""
    hosts = {host_node(h.name): HostNode(host_node(h.name), h.name, package_of(h.name), h, None)
             for h in plan.host_imports}
    wires: list[Wire] = []
    for inst in plan.instances.values():
        for imp, arg in inst.args.items():
            sort = T.sort_of(inst.file.imports[imp])
            if isinstance(arg, Plug):
                offered = arg.export if arg.export is not None else imp
                wires.append(Wire(inst.name, arg.instance, imp, arg.export, sort, "plug",
                                  arg.reason, versions_differ(imp, offered)))
            elif isinstance(arg, HostArgument):
                h = plan.host_of.get((inst.name, imp))
                target = host_node(h.name) if h is not None else host_node(arg.name)
                if target not in hosts:
                    hosts[target] = HostNode(target, arg.name, package_of(arg.name), None, sort)
                wires.append(Wire(inst.name, target, imp, arg.member, sort, "host", None,
                                  h is not None and h.name != arg.name))
    return list(hosts.values()), wires


def build_graph(plan: Any) -> Any:
    import networkx as nx

    g = nx.MultiDiGraph(unused=[u.file for u in plan.unused], problems=list(plan.problems))
    for inst in sorted(plan.instances.values(), key=lambda i: i.index):
        g.add_node(
            inst.name,
            kind="root" if inst is plan.root else "instance",
            file=inst.file,
            index=inst.index,
        )
    hosts, wires = wiring(plan)
    for n in hosts:
        g.add_node(n.id, kind="host", host=n.host, name=n.name, package=n.package)
    for w in wires:
        g.add_edge(w.source, w.target, key=w.import_, kind=w.kind, import_=w.import_,
                   export=w.export, sort=w.sort, how=w.reason.text if w.reason else "host",
                   semver=w.semver)
    return g


def arguments(g: Any, instance: str) -> dict[str, tuple[str, dict]]:
    """import name -> (provider node, edge data) for one instance."""
    return {key: (v, data) for _, v, key, data in g.out_edges(instance, keys=True, data=True)}
