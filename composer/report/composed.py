"""The report of an already composed component: its nested components, the instances made of
them and what each instantiation argument is (another instance's export, or an import of the
composed component, which the host provides).

Only the outermost component's sections are walked, tracking where each component, instance
and function index comes from; the types of the nested components come from the elaborated
outer component. The `component-name` section the composer writes names the components and
instances; without one (another tool's output) they are named by index.
"""

from __future__ import annotations

from pathlib import Path

from .. import types as T
from ..binary import aliases as A
from ..binary import instances as I
from ..binary import sections as S
from ..binary.namesec import SECTION_NAME, ComponentNames
from ..errors import ComposerError
from ..load import Loaded, load_component
from .model import HOST, Edge, HostImport, Node, Report, depths, items, package_of, versions_differ

# where an index of the instance or func space comes from
#   ("host", import name)       an import of the composed component
#   ("instance", n)             instance n made by `instantiate`
#   ("export", n, name)         export `name` of instance n
#   ("local",)                  anything else (inline exports, canon lift, ...)
Origin = tuple


class _Spaces:
    def __init__(self) -> None:
        self.components: list[tuple[str | None, object]] = []  # (import name, nested section)
        self.instances: list[Origin] = []
        self.funcs: list[Origin] = []
        self.instantiations: list[tuple[int, int, tuple[I.InstantiateArg, ...]]] = []

    def space(self, sort: str) -> list | None:
        return {"instance": self.instances, "func": self.funcs}.get(sort)

    def add(self, sort: str, origin: Origin) -> None:
        space = self.space(sort)
        if space is not None:
            space.append(origin)
        elif sort == "component":
            self.components.append((None, None))

    def origin(self, sort: str, idx: int) -> Origin:
        space = self.space(sort)
        if space is None or idx >= len(space):
            return ("local",)
        return space[idx]


def _walk(loaded: Loaded) -> tuple[_Spaces, ComponentNames]:
    spaces = _Spaces()
    names = ComponentNames()
    for section in loaded.component.sections:
        if isinstance(section, S.ComponentSection):
            spaces.components.append((None, section))
        elif isinstance(section, S.ImportSection):
            for imp in section.items:
                sort = T.sort_of(loaded.scope.imports[imp.name])
                if sort == "component":
                    spaces.components.append((imp.name, None))
                else:
                    spaces.add(sort, ("host", imp.name))
        elif isinstance(section, S.InstanceSection):
            for inst in section.items:
                if isinstance(inst, I.Instantiate):
                    n = len(spaces.instances)
                    spaces.instantiations.append((n, inst.component, inst.args))
                    spaces.instances.append(("instance", n))
                else:
                    spaces.instances.append(("local",))
        elif isinstance(section, S.AliasSection):
            for alias in section.items:
                if isinstance(alias.target, A.AliasExport):
                    base = spaces.origin("instance", alias.target.instance)
                    origin = ("export", base[1], alias.target.name) if base[0] == "instance" else base
                    spaces.add(alias.sort, origin)
                elif not alias.sort.startswith("core"):
                    spaces.add(alias.sort, ("local",))
        elif isinstance(section, S.CanonSection):
            for canon in section.items:
                if type(canon).__name__ == "Lift":
                    spaces.funcs.append(("local",))
        elif isinstance(section, S.ExportSection):
            for exp in section.items:
                spaces.add(exp.item.sort, spaces.origin(exp.item.sort, exp.item.idx))
        elif isinstance(section, S.CustomSection) and section.name == SECTION_NAME:
            try:
                names = ComponentNames.decode(section.data)
            except ComposerError:
                names = ComponentNames()  # a damaged name section only costs the names
    return spaces, names


def from_composed(path: Path | str) -> Report:
    """The report of a composed component read from `path`."""
    loaded = load_component(path)
    spaces, names = _walk(loaded)
    if not spaces.instantiations:
        raise ComposerError("not a composition: it instantiates no component", file=str(path))
    component_names = names.names_of("component")
    instance_names = names.names_of("instance")

    def node_id(n: int) -> str:
        return instance_names.get(n, f"instance {n}")

    # the root is the instance whose exports the composed component exports
    exported_from = {
        spaces.origin(e.item.sort, e.item.idx)[1]
        for s in loaded.component.sections if isinstance(s, S.ExportSection)
        for e in s.items
        if spaces.origin(e.item.sort, e.item.idx)[0] in ("export", "instance")
    }
    root_n = max(exported_from) if exported_from else spaces.instantiations[-1][0]

    nodes: list[Node] = []
    edges: list[Edge] = []
    users: dict[str, list[str]] = {}
    for n, comp_idx, args in spaces.instantiations:
        imported, section = spaces.components[comp_idx] if comp_idx < len(spaces.components) else (None, None)
        label = component_names.get(comp_idx) or imported or f"component {comp_idx}"
        # the elaborated outer component knows every component index's type (nested ones
        # may alias types of the outer scope, so they are not elaborated on their own)
        ctype = loaded.scope.components[comp_idx]
        exports, imports = dict(ctype.exports), dict(ctype.imports)
        size = len(section.data) if isinstance(section, S.ComponentSection) else 0
        nid = node_id(n)
        nodes.append(Node(nid, "root" if n == root_n else "dependency", label, size,
                          items("export", exports), items("import", imports)))
        for arg in args:
            origin = spaces.origin(arg.item.sort, arg.item.idx)
            if origin[0] == "host":
                target = HOST + origin[1]
                users.setdefault(target, []).append(nid)
                edges.append(Edge(nid, target, arg.name, None, arg.item.sort, "host",
                                  versions_differ(arg.name, origin[1])))
            elif origin[0] in ("instance", "export"):
                export = origin[2] if origin[0] == "export" else None
                semver = versions_differ(arg.name, export)
                how = "exact name" if export == arg.name else ("semver" if semver else "wired")
                edges.append(Edge(nid, node_id(origin[1]), arg.name, export, arg.item.sort, how,
                                  semver))
            else:
                edges.append(Edge(nid, f"local:{arg.name}", arg.name, None, arg.item.sort,
                                  "wired", False))
    hosts = []
    for name, ext in loaded.scope.imports.items():
        if T.sort_of(ext) == "component":
            continue
        hid = HOST + name
        bridged = any(e.target == hid and e.semver for e in edges)
        hosts.append(HostImport(hid, name, T.sort_of(ext), package_of(name),
                                tuple(dict.fromkeys(users.get(hid, ()))), bridged,
                                "\n".join(_lines(name, ext))))
    depth = depths([n.id for n in nodes], edges, node_id(root_n))
    nodes = [n.replace(depth=depth[n.id]) for n in nodes]
    return Report(f"{Path(path).name} (composed)", "composed", tuple(nodes), tuple(edges),
                  tuple(hosts))


def _lines(name: str, ext: T.Extern) -> list[str]:
    from ..wit import extern_lines

    return extern_lines("import", name, ext)
