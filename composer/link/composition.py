"""The composition graph: one structure every front end builds (the `-d` resolver, the YAML
config, `plug`, a WAC document, a program), through one checked API, and links.

    graph = CompositionGraph()
    app = graph.add_component("app.wasm", "root")
    ops = graph.add_component("ops.wasm")
    root = graph.instantiate(app, "root")
    dep = graph.instantiate(ops)
    graph.set_argument(root, "t:ops/strings@1.0.0", graph.alias(dep, "t:ops/strings@1.0.0"))
    graph.leave_to_host(root, "wasi:cli/stdout@0.2.0")
    graph.export_all(root)
    linked = graph.link()          # both orders; problems, if any, drawn by the report
    linked.write("composed.wasm")

The nodes are the components added, their instances, the imports the composition declares
and the types it defines; an edge is an instantiation argument (an instance, an export of one
(an alias), or an import of the output: `wiring.Plug`, `wiring.HostArgument`) or an export.
Each call is checked when it is made: an argument's type against the import's (the subtype
check runs in `set_argument`, as in wac-graph's `set_instantiation_argument`), names against
those taken. A call the graph cannot take (an instance it does not hold, an import the
component does not have, an argument given twice, a name taken) raises `GraphError`; an
argument whose type does not fit is not set, and its mismatch is returned (the path to where
the types differ) for the caller to report as a problem in its own words.

The front ends differ only in how they decide the wiring; they record what they find on the
way in the graph too: `problems`, `warnings`, `explanations` (`-v`), `files_read`, `near`
(dependencies that came close to an import left for the host) and `unused` (dependencies
that satisfy nothing, each with why).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CompositionError
from ..model import types as T
from ..model.load import LoadedComponent, load_component
from ..model.subtype import Mismatch, NameBindings, check_extern
from .linked import LinkedComposition
from .linking import link
from .reasons import API, NearMiss, Reason, Unused
from .wiring import (DOCUMENT, ComponentFile, DeclaredImport, Explanations, HostArgument,
                     ImportExport, Instance, InstanceExport, Plug, Problem, TypeDefinition)

# What an argument or an export may be: an instance, an export of one, an import the
# composition declares or an export of one (and, exported, a type it defines).
Source = Instance | InstanceExport | DeclaredImport | ImportExport


class GraphError(CompositionError):
    """A call the composition graph refuses: it names something the graph does not hold, or
    a name already taken."""


def unique_name(name: str, taken: Any) -> str:
    """`name`, or `name-2`, `name-3`, ... whichever is not taken yet."""
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}-{n}", n + 1
    return unique


class CompositionGraph:
    """A composition under construction (see the module docstring)."""

    def __init__(self) -> None:
        self.files: dict[str, ComponentFile] = {}  # by their unique names, in order added
        self.instances: dict[str, Instance] = {}  # by name, in order of instantiation
        self.root: Instance | None = None  # the instance whose exports the output exports
        self.declared: dict[str, T.Extern] = {}  # imports declared with their own types
        self.exports: dict[str, Plug | HostArgument | TypeDefinition] = {}  # besides the root's
        self.component_imports: dict[str, str] = {}  # file name -> the name it is imported by
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.explanations = Explanations()
        self.files_read: list[Path] = []
        self.near: dict[tuple[str, str], list[NearMiss]] = {}  # (instance, import) -> near misses
        self.unused: list[Unused] = []
        # the last check made (offered, expected, its verdict): `set_argument` after a
        # `check_argument` of the same types does not check them again
        self._checked: tuple[Any, Any, Mismatch | None] = (None, None, None)

    @property
    def ok(self) -> bool:
        return not self.problems

    # -- nodes -----------------------------------------------------------------------------

    def add_component(self, component: LoadedComponent | Path | str, name: str | None = None, *,
                      origin: str = "dependency", validate: bool = True) -> ComponentFile:
        """A component the composition may instantiate: a file, read here (validated unless
        `validate` is False; recorded in `files_read`), or one already loaded
        (`load_component`). `name` (default: the file's stem) is made unique (`name-2`, ...);
        `origin` says where it came from ("root", "dependency", "by name", "package")."""
        if isinstance(component, LoadedComponent):
            loaded = component
        else:
            loaded = load_component(component, validate=validate, types_only=True)
            self.files_read.append(Path(component))
        path = loaded.path
        f = ComponentFile(unique_name(name or path.stem, self.files), path, loaded, origin)
        self.files[f.name] = f
        return f

    def import_component(self, component: ComponentFile, name: str) -> None:
        """The output imports `component` under `name` instead of embedding it (a config
        dependency's `import`, WAC's --import-dependencies)."""
        self._holds_file(component)
        self.component_imports[component.name] = name

    def instantiate(self, component: ComponentFile, name: str | None = None) -> Instance:
        """A new instance of `component`, named `name` (default: the component's name, made
        unique); its imports are given arguments with `set_argument` or `leave_to_host`."""
        self._holds_file(component)
        if name is None:
            name = unique_name(component.name, self.instances)
        elif name in self.instances or name == DOCUMENT:
            raise GraphError(f"the composition has an instance named `{name}` already")
        inst = Instance(name, component, len(self.instances))
        self.instances[name] = inst
        return inst

    def declare_import(self, name: str, type: T.Extern) -> DeclaredImport:
        """An import of the output with the type the composition gives it (a WAC `import`
        statement); instances' imports left for the host under that name join it."""
        if name in self.declared:
            raise GraphError(f"the composition declares an import `{name}` already")
        self.declared[name] = type
        return DeclaredImport(name, type)

    def define_type(self, type: Any) -> TypeDefinition:
        """A type the composition defines itself (an interface, a world, a function or value
        type of a WAC document), to export under a name."""
        return TypeDefinition(type)

    def alias(self, source: Instance | DeclaredImport,
              export: str) -> InstanceExport | ImportExport:
        """The export `export` of an instance, or of a declared import."""
        if isinstance(source, DeclaredImport):
            exports = getattr(source.type, "exports", {})
            if export not in exports:
                raise GraphError(f"the import `{source.name}` has no export named `{export}`")
            return ImportExport(source.name, export, exports[export])
        self._holds(source)
        ext = source.file.exports.get(export)
        if ext is None:
            raise GraphError(f"instance `{source.name}` ({source.file.display}) has no export "
                             f"named `{export}`")
        return InstanceExport(source.name, export, ext)

    # -- edges -----------------------------------------------------------------------------

    def check_argument(self, instance: Instance, import_name: str,
                       offered: T.Extern) -> Mismatch | None:
        """Whether something of type `offered` may be passed for `instance`'s import
        `import_name`: None, or where and why not. What `set_argument` checks, without
        setting anything (to choose among candidates before instantiating one)."""
        expected = self._expected(instance, import_name)
        return self._check(offered, expected)

    def set_argument(self, instance: Instance, import_name: str, source: Source,
                     reason: Reason = API) -> Mismatch | None:
        """Pass `source` (an instance, an export of one, a declared import or an export of
        one) for `instance`'s import `import_name`, after checking that its type fits the
        import's: None when set; else the mismatch, and nothing is set. `reason` says by
        which rule it was chosen (`reasons.Reason`)."""
        expected = self._expected(instance, import_name)
        if import_name in instance.args:
            raise GraphError(f"the import `{import_name}` of instance `{instance.name}` has an "
                             "argument already")
        argument, offered = self._argument(source, reason)
        mismatch = self._check(offered, expected)
        if mismatch is None:
            instance.args[import_name] = argument
        return mismatch

    def leave_to_host(self, instance: Instance, import_name: str) -> None:
        """`instance`'s import `import_name` becomes an import of the output (merged, when
        linking, with those of other instances of that name or semver track)."""
        self._expected(instance, import_name)
        if import_name in instance.args:
            raise GraphError(f"the import `{import_name}` of instance `{instance.name}` has an "
                             "argument already")
        instance.args[import_name] = HostArgument(import_name)

    def export(self, name: str, source: Source | TypeDefinition) -> None:
        """The output exports `source` (an instance, an export of one, a declared import or
        an export of one, a type the composition defines) as `name`."""
        if name in self.exports or (self.root is not None and name in self.root.file.exports):
            raise GraphError(f"the composition exports `{name}` already")
        self.exports[name] = (source if isinstance(source, TypeDefinition)
                              else self._argument(source, API)[0])

    def export_all(self, instance: Instance) -> None:
        """The output exports every export of `instance` under its own name: the instance is
        the composition's root (a `-d` composition's), drawn as such."""
        self._holds(instance)
        if self.root is not None:
            raise GraphError(f"the composition exports all of instance `{self.root.name}` already")
        taken = next((name for name in self.exports if name in instance.file.exports), None)
        if taken is not None:
            raise GraphError(f"the composition exports `{taken}` already")
        self.root = instance

    # -- reading ---------------------------------------------------------------------------

    def unset(self, instance: Instance) -> list[str]:
        """The imports of `instance` given no argument yet, in the order it imports them."""
        return [name for name in instance.file.imports if name not in instance.args]

    def providers_first(self) -> tuple[list[str], list[str]]:
        """(the instances with every provider before its users, the earliest instantiated
        first among those ready; the instances left waiting, on or behind a cycle)."""
        from .order import first_ready_order

        needs = {name: [a.instance for a in inst.args.values() if isinstance(a, Plug)]
                 for name, inst in self.instances.items()}
        return first_ready_order(list(self.instances), needs)

    def instance_cycle(self) -> list[str]:
        """A cycle of instances each providing to the next, closed (`a`, `b`, `a`): rare, so
        networkx, which finds one, is imported only here. [] when there is none."""
        import networkx as nx

        g = nx.DiGraph()
        for inst in self.instances.values():
            g.add_node(inst.name)
            for arg in inst.args.values():
                if isinstance(arg, Plug):
                    g.add_edge(arg.instance, inst.name)
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            return []
        return [a for a, _ in cycle] + [cycle[0][0]]

    def link(self) -> LinkedComposition:
        """The composition linked (`linking.link`): the instances providers first, resource
        identities united across the wiring and every argument checked again exactly, what
        is left for the host merged into the output's imports and put in the order they are
        written. Never raises for a composition that fails: the linked value holds the
        problems (the front end's and linking's), which the report draws."""
        return link(self)

    # -- checks ----------------------------------------------------------------------------

    def _holds(self, instance: Instance) -> None:
        if self.instances.get(instance.name) is not instance:
            raise GraphError(f"instance `{instance.name}` is not part of this composition")

    def _holds_file(self, component: ComponentFile) -> None:
        if self.files.get(component.name) is not component:
            raise GraphError(f"component `{component.name}` is not part of this composition "
                             "(add it with add_component)")

    def _expected(self, instance: Instance, import_name: str) -> T.Extern:
        self._holds(instance)
        expected = instance.file.imports.get(import_name)
        if expected is None:
            raise GraphError(f"component `{instance.file.display}` has no import named "
                             f"`{import_name}`")
        return expected

    def _argument(self, source: Source, reason: Reason) -> tuple[Plug | HostArgument, T.Extern]:
        """What `source` is as an argument, and its type."""
        if isinstance(source, Instance):
            self._holds(source)
            return Plug(source.name, None, reason), T.InstanceType(dict(source.file.exports))
        if isinstance(source, InstanceExport):
            if source.instance not in self.instances:
                raise GraphError(f"the composition has no instance `{source.instance}`")
            return Plug(source.instance, source.export, reason), source.type
        if isinstance(source, DeclaredImport):
            self._declares(source.name)
            return HostArgument(source.name), source.type
        if isinstance(source, ImportExport):
            self._declares(source.name)
            return HostArgument(source.name, source.member), source.type
        raise GraphError(f"{type(source).__name__} cannot be passed or exported")

    def _declares(self, name: str) -> None:
        if name not in self.declared:
            raise GraphError(f"the composition declares no import `{name}`")

    def _check(self, offered: T.Extern, expected: T.Extern) -> Mismatch | None:
        checked = self._checked
        if checked[0] is offered and checked[1] is expected:
            return checked[2]
        mismatch = check_extern(offered, expected, NameBindings())
        self._checked = (offered, expected, mismatch)
        return mismatch
