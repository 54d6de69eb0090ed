"""The composition graph (networkx): what is wired to what.

A `MultiDiGraph` with

* a node per component instance: id = instance name, `kind` "root" or "instance",
  `file` (resolve.ComponentFile);
* a node per import the output keeps for the host: id = "host:" + its name, `kind` "host",
  `host` (merge.HostImport), `name`, `package` (`wasi:cli`, ...);
* an edge per satisfied import, from the importing instance to what satisfies it, keyed by
  the import's name: `kind` ("plug" or "host"), `import_` (the name imported), `export` (the
  provider's export, None for the provider instance itself or a whole host import), `sort`, `how`
  (why it was chosen) and `semver` (whether the names differ in version).

Graph-level attributes: `unused` (dependencies that satisfied nothing) and `problems`.
The encoder takes its instantiation arguments and its order from here; the report draws it.
"""

from __future__ import annotations

from typing import Any

from ..model import types as T
from ..model.names import package_of, versions_differ
from .resolve import Host, Plan, Plug

HOST_PREFIX = "host:"


def host_node(name: str) -> str:
    return HOST_PREFIX + name


def build_graph(plan: Plan) -> Any:
    import networkx as nx

    g = nx.MultiDiGraph(unused=list(plan.unused), problems=list(plan.problems))
    for inst in sorted(plan.instances.values(), key=lambda i: i.index):
        g.add_node(
            inst.name,
            kind="root" if inst is plan.root else "instance",
            file=inst.file,
            index=inst.index,
        )
    for h in plan.host_imports:
        g.add_node(host_node(h.name), kind="host", host=h, name=h.name, package=package_of(h.name))
    for inst in plan.instances.values():
        for imp, arg in inst.args.items():
            sort = T.sort_of(inst.file.imports[imp])
            if isinstance(arg, Plug):
                export = arg.export
                offered = export if export is not None else imp
                g.add_edge(
                    inst.name, arg.instance, key=imp, kind="plug", import_=imp, export=export,
                    sort=sort, how=arg.how, semver=versions_differ(imp, offered),
                )
            elif isinstance(arg, Host):
                h = plan.host_of.get((inst.name, imp))
                target = host_node(h.name) if h is not None else host_node(arg.name)
                if target not in g:
                    g.add_node(target, kind="host", host=None, name=arg.name,
                               package=package_of(arg.name))
                g.add_edge(
                    inst.name, target, key=imp, kind="host", import_=imp, export=arg.member,
                    sort=sort, how="host", semver=h is not None and h.name != arg.name,
                )
    return g


def arguments(g: Any, instance: str) -> dict[str, tuple[str, dict]]:
    """import name -> (provider node, edge data) for one instance."""
    return {key: (v, data) for _, v, key, data in g.out_edges(instance, keys=True, data=True)}
