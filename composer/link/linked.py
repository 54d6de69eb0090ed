"""A linked composition: what `CompositionGraph.link()` returns, read-only. It holds the graph
it was linked from and both orders the output is written in (the instances providers first,
the imports of the output each after those its type refers to), the imports merged and the
resources united; or, when the composition fails, its problems (which the report draws).

Only a linked composition is encoded: `encode()` returns the composed component
(`encoded.Composition`), `write(path)` writes it; both raise `CompositionFailed` for a
composition with problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .wiring import HostArgument


def _of_graph(name: str, doc: str) -> Any:
    """A property reading the graph's attribute `name`."""
    return property(lambda self: getattr(self.composition, name), doc=doc)


class LinkedComposition:
    """A composition linked (see the module docstring). `composition` is the graph it was
    linked from (a composition.CompositionGraph); what the graph holds is read through it
    (`root`, `instances`, `files`, ...)."""

    __slots__ = ("composition", "problems", "order", "host_imports", "host_of", "unifier",
                 "import_order", "import_cycle", "policy", "_networkx")

    def __init__(self, composition: Any, problems: Iterable[Any], order: Iterable[str] = (),
                 host_imports: Iterable[Any] = (), host_of: dict | None = None,
                 unifier: Any = None, import_order: Iterable[Any] = (),
                 import_cycle: Iterable[str] = (), policy: Any = None) -> None:
        setter = object.__setattr__
        setter(self, "composition", composition)
        setter(self, "problems", tuple(problems))  # the graph's, then linking's
        setter(self, "order", tuple(order))  # instance names, providers first
        # the imports of the output (merge.OutputImport), in the order first used...
        setter(self, "host_imports", tuple(host_imports))
        # ...which import each (instance, import name) left for the host is part of...
        setter(self, "host_of", host_of if host_of is not None else {})
        # ...and in the order they are written: each after those its type refers to
        setter(self, "import_order", tuple(import_order))
        # imports that use each other's types (closed: a, b, a), when they do
        setter(self, "import_cycle", tuple(import_cycle))
        setter(self, "unifier", unifier)  # unify.Unifier: which resources are one
        # the capability policy it was checked against (link.policy.Policy; None: none)
        setter(self, "policy", policy)
        setter(self, "_networkx", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a linked composition is read-only (setting `{name}`)")

    @property
    def ok(self) -> bool:
        return not self.problems

    # what the graph holds, read through
    root = _of_graph("root", "the instance whose exports the output exports, if any")
    instances = _of_graph("instances", "instance name -> wiring.Instance, in order made")
    files = _of_graph("files", "name -> wiring.ComponentFile, every component read")
    declared = _of_graph("declared", "import name -> type, for the imports declared")
    exports = _of_graph("exports", "export name -> what the output exports (besides the root's)")
    component_imports = _of_graph("component_imports", "components imported, not embedded")
    unused = _of_graph("unused", "reasons.Unused: dependencies that satisfy nothing, and why")
    near = _of_graph("near", "(instance, import) -> reasons.NearMiss: who came close")
    warnings = _of_graph("warnings", "what the command prints as `warning: ...`")
    explanations = _of_graph("explanations", "what `-v` prints: one line for each decision")
    files_read = _of_graph("files_read", "the paths of every file read, in order")

    @property
    def graph(self) -> Any:
        """The networkx graph of the wiring (graph.build_graph), built when first asked
        for: composing itself does not need it, and importing networkx costs a plain
        compose run a third of its time."""
        if self._networkx is None:
            from .graph import build_graph

            object.__setattr__(self, "_networkx", build_graph(self))
        return self._networkx

    def arguments(self) -> Iterator[tuple[Any, str, Any, Any]]:
        """Every argument given, instances in the order made, each's in the order it imports
        them: (the wiring.Instance, the import's name, its argument (a wiring.Plug or
        wiring.HostArgument), and for one left to the host the import of the output it is
        part of (a merge.OutputImport; None when linking stopped before merging, and for an
        export of a declared import))."""
        host_of = self.host_of
        for inst in self.composition.instances.values():
            args = inst.args
            for name in inst.file.imports:
                arg = args.get(name)
                if arg is not None:
                    output = host_of.get((inst.name, name)) if type(arg) is HostArgument else None
                    yield inst, name, arg, output

    def with_problem(self, problem: Any) -> "LinkedComposition":
        """This composition with one more problem (found when it was to be encoded)."""
        return self._with(problems=(*self.problems, problem))

    def with_policy(self, policy: Any) -> "LinkedComposition":
        """This composition, checked against the capability policy `policy` (which the
        report shows the verdicts of)."""
        return self._with(policy=policy)

    def _with(self, **changes: Any) -> "LinkedComposition":
        """A copy with `changes` (the constructor's parameters, which are its slots)."""
        kept = {name: getattr(self, name) for name in self.__slots__ if name != "_networkx"}
        return LinkedComposition(**(kept | changes))

    def encode(self, *, import_components: bool = False, validate: bool = True,
               check_when_written: bool = False) -> Any:
        """The composed component (`encoded.Composition`); raises CompositionFailed for a
        composition with problems. `import_components`: import the components instead of
        embedding them; `validate`: check the output (now, or, with `check_when_written`,
        when it is written or its bytes first asked for)."""
        from .encoded import encoded

        return encoded(self, import_components=import_components, validate=validate,
                       deferred=check_when_written)

    def write(self, path: Path | str, *, import_components: bool = False, validate: bool = True,
              check: Callable[[Path], None] | None = None) -> Any:
        """Encode and write the composed component to `path` atomically (nothing is written
        when a check fails); returns the `encoded.Composition`."""
        result = self.encode(import_components=import_components, validate=validate,
                             check_when_written=True)
        result.write(path, check)
        return result
