"""Linking a composition graph: what `CompositionGraph.link()` does once the wiring is decided.

1. the instances are put providers first (a cycle among them is a problem);
2. where each instance's exported resources and type names can be named from is recorded,
   and what the instances leave for the host is merged into the output's imports
   (`merge.py`), uniting the resources they declare with the host's (`unify.py`);
3. every argument is checked again, exactly: resources now compare by what they are, not by
   interface and name as when the wiring was chosen;
4. the merged imports are checked (one type each; none using what the output defines), and
   the root's exports (the output names what their types use);
5. the imports are put in the order the encoder writes them: each after the imports its
   type refers to (imports that use each other's types are a problem).

Problems are collected rather than raised, so that `compose graph` can draw a failed
composition; a graph that arrives with problems is not linked further.
"""

from __future__ import annotations

from typing import Any

from ..model import types as T
from ..model.subtype import check_extern
from .linked import LinkedComposition
from .merge import OutputImport, check_host_imports, merge_host_imports
from .order import first_ready_order
from .unify import UnifiedBindings, Unifier, declared_objects, inst_ident, referenced_by_parts
from .wiring import HostArgument, Plug, Problem


def link(graph: Any) -> LinkedComposition:
    """`graph` (a composition.CompositionGraph) linked (see the module docstring)."""
    problems = list(graph.problems)
    if problems:
        return LinkedComposition(graph, problems)
    order, stuck = graph.providers_first()
    if stuck:
        cycle = graph.instance_cycle()
        shown = " -> ".join(f"{n} ({graph.instances[n].file.display})" for n in reversed(cycle))
        problems.append(Problem(f"instances form a cycle: {shown}"))
        return LinkedComposition(graph, problems)
    u = Unifier()
    # Where each instance's exported resources and type names can be named from.
    for inst in graph.instances.values():
        for export, ext in inst.file.exports.items():
            for member, obj in declared_objects(ext):
                u.set_owner(inst_ident(inst.name, obj), ("export", inst.name, export, member))
            if isinstance(ext, (T.ResourceType, T.NamedType)):
                u.set_owner(inst_ident(inst.name, ext), ("export", inst.name, None, export))
    host_imports, host_of = merge_host_imports(graph, u, problems)
    _check_arguments(graph, order, u, problems)
    check_host_imports(graph, u, host_imports, problems)
    _check_root_exports(graph, problems)
    written: list[OutputImport] = []
    cycle: list[str] = []
    if not problems:
        written, cycle = _written_order(host_imports, u)
        if cycle:
            # told where the first import of the cycle is first used: the report draws it
            # on that import's edge
            first = next(h for h in host_imports if h.name == cycle[0]).members[0]
            shown = " -> ".join(f"`{n}`" for n in cycle)
            problems.append(Problem(f"the imports of the output use each other's types: {shown}",
                                    first.instance, first.import_name))
    return LinkedComposition(graph, problems, order, host_imports, host_of, u, written, cycle)


def _check_arguments(graph: Any, order: list[str], u: Unifier, problems: list[Problem]) -> None:
    """Every argument checked again, with resources united across the wiring."""
    for name in order:
        inst = graph.instances[name]
        for imp, expected in inst.file.imports.items():
            arg = inst.args.get(imp)
            if isinstance(arg, Plug):
                provider = graph.instances[arg.instance]
                actual = (
                    T.InstanceType(dict(provider.file.exports))
                    if arg.export is None
                    else provider.file.exports[arg.export]
                )
                mismatch = check_extern(actual, expected, UnifiedBindings(u, provider.name, inst.name))
                if mismatch:
                    what = f"`{imp}`" if name == "root" else f"`{imp}` (imported by {inst.file.display})"
                    problems.append(
                        Problem(f"{what} from {provider.file.display}: {mismatch}", name, imp)
                    )


def _check_root_exports(graph: Any, problems: list[Problem]) -> None:
    """The output re-exports the root's exports, so the resources, records, variants, enums
    and flags their types use need names in the output too (Explainer.md, External
    Visibility of Types): the output names what the root leaves for the host and what the
    root's exports declare, not what a dependency provides the root."""
    from ..model.visibility import declared_names, visibility_problem

    root = graph.root
    if root is None or not any(isinstance(arg, Plug) for arg in root.args.values()):
        return  # every import stays an import: the root's exports are valid as they are
    named: set[int] = set()
    for imp, ext in root.file.imports.items():
        if isinstance(root.args.get(imp), HostArgument):
            named |= set(declared_names(ext))
    for name, ext in root.file.exports.items():
        declared = declared_names(ext)
        problem = visibility_problem(ext, declared, named, importing=False)
        if problem:
            problems.append(Problem(
                f"the root's export `{name}` cannot be an export of the composed component: "
                f"{problem} (a dependency provides it to the root)", root.name, None,
            ))
        named |= set(declared)


def _written_order(imports: list[OutputImport], u: Unifier) -> tuple[list[OutputImport], list[str]]:
    """(the imports of the output in first-use order, each after the imports its type refers
    to; a cycle of imports that all wait for each other, closed: `a -> b -> a`, [] when there
    is none). Instances follow them all in the output, providers first."""
    needs = {h.name: _needs(h, u) for h in imports}
    if not any(needs.values()):
        return list(imports), []
    by_name = {h.name: h for h in imports}
    order, stuck = first_ready_order([h.name for h in imports], needs)
    if stuck:
        return [], _cycle(stuck, needs)
    return [by_name[name] for name in order], []


def _needs(h: OutputImport, u: Unifier) -> set[str]:
    """The other imports of the output whose types `h`'s type refers to.

    (Type names an instance inside the output exports are written out structurally;
    resources it defines cannot appear in imports at all: merge.py refuses those.)
    """
    needs: set[str] = set()
    for obj, ctx in referenced_by_parts(h.typed_parts()):
        owner = u.owner(inst_ident(ctx, obj))
        if owner is not None and owner[0] == "host" and owner[1] != h.name:
            needs.add(owner[1])
    return needs


def _cycle(stuck: list[str], needs: dict[str, set[str]]) -> list[str]:
    """A cycle among imports that all wait for each other, closed: `a -> b -> a`."""
    path, seen = [stuck[0]], {stuck[0]: 0}
    while True:
        nxt = sorted(n for n in needs[path[-1]] if n in needs and n in stuck)[0]
        if nxt in seen:
            return [*path[seen[nxt]:], nxt]
        seen[nxt] = len(path)
        path.append(nxt)
