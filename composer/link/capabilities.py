"""What each component of a composition can reach, as data: for every embedded component its
name, file and SHA-256, the host imports it holds directly (its imports given an import of the
output, which the host provides) and those it reaches through the components it calls (the
transitive closure over the instance graph, with the chain of instances to the one holding
each); and a policy (policy.py) checked against it, each violation a record.

Three front ends give the same records (`Capabilities`):

* `of_linked`: a linked composition (`CompositionGraph.link()`, `plan_composition`,
  `plan_document`), before anything is encoded;
* `of_component`: a component read back, composed (its instances and their arguments, named by
  its `component-name` section, readback.py) or not (one component holding all its imports);

and `check_policy` finds, for a policy, every import left reachable that it denies
(docs/capabilities.md says the rules).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable

from ..binary import sections as S
from ..errors import ComposerError
from ..model import types as T
from ..model.load import LoadedComponent
from ..record import Record
from .policy import ALLOWED, Decision, Policy, Rule, Verdict
from .readback import names_section, source_of
from .wiring import Plug


class Held(Record):
    """An import of a component given an import of the output (what the host provides)."""

    name: str  # the component's own import name
    host: str  # the output's import it is given (a newer version on its track, when merged)
    sort: str  # "instance", "func", ...


class Reached(Record):
    """A host import another component holds, which this one reaches by calling it."""

    name: str  # the holder's import name
    host: str
    sort: str
    holder: str  # the instance holding it
    chain: tuple[str, ...]  # the instances from this one to the holder, both included


class ComponentCapabilities(Record):
    """One embedded component (one instance of it) and what it can reach."""

    instance: str
    file: str  # as the composition shows it: the file's name (a WAC package's key)
    path: str | None  # the file read (None: read back from a composed component)
    sha256: str | None  # of the component's bytes (None: a component imported, not embedded)
    size: int
    direct: tuple[Held, ...]
    reachable: tuple[Reached, ...]
    calls: tuple[str, ...]  # the instances it is given exports of, in the order it imports them

    @property
    def names(self) -> tuple[str, ...]:
        """What a policy's SCOPE may call it: its file name, its instance name (and the
        file's own name, for a WAC package)."""
        out = [self.file, self.instance]
        if self.path is not None:
            out.append(Path(self.path).name)
        return tuple(dict.fromkeys(out))

    @property
    def label(self) -> str:
        """`ops (ops.wasm)`, or `ops.wasm` when the instance is named as its file (and
        `(app.wasm)`, the outer component of a composition read back)."""
        if self.instance in (self.file, f"({self.file})"):
            return self.instance
        return f"{self.instance} ({self.file})"


class Capabilities(Record):
    """What every component of a composition holds and reaches (see the module docstring).
    `kind`: "plan" (a composition not yet encoded), "composed" (read back) or "component"
    (a component that instantiates no component)."""

    title: str
    kind: str
    components: tuple[ComponentCapabilities, ...]


# -- the front ends ---------------------------------------------------------------------------

# one instance before the closure: (instance, file, path, bytes or None, its arguments as
# (import name, ("host", host name) | ("instance", instance name), sort))
_Node = tuple[str, str, "str | None", Any, list]


def of_linked(linked: Any, title: str | None = None) -> Capabilities:
    """The capabilities of a linked composition (`linked.LinkedComposition`)."""
    nodes: dict[str, _Node] = {}
    for inst in linked.instances.values():
        f = inst.file
        embedded = f.name not in linked.component_imports
        nodes[inst.name] = (inst.name, f.display, str(f.path), f.loaded.data if embedded else None,
                            [])
    for inst, imp, arg, h in linked.arguments():
        sort = T.sort_of(inst.file.imports[imp])
        if isinstance(arg, Plug):
            nodes[inst.name][4].append((imp, ("instance", arg.instance), sort))
        else:
            nodes[inst.name][4].append((imp, ("host", h.name if h is not None else arg.name), sort))
    root = linked.root
    return _close(title or (root.file.path.name if root is not None else "composition"), "plan",
                  list(nodes.values()))


def of_component(source: Path | str | LoadedComponent) -> Capabilities:
    """The capabilities of a component read back: of each component it instantiates when it
    is a composition (a composed component; imports of its own that no instance is given are
    held by the outer component itself), else of the component alone, holding every import."""
    from ..model.load import load_component

    loaded = source if isinstance(source, LoadedComponent) else load_component(source)
    scope = loaded.scope
    name = loaded.path.name
    made = [(n, o) for n, o in enumerate(scope.instance_origins) if o.kind == "instantiate"]
    outer = [(imp, ("host", imp), T.sort_of(ext)) for imp, ext in scope.imports.items()
             if T.sort_of(ext) != "component"]
    if not made:
        return _close(name, "component", [(name, name, str(loaded.path), loaded.data, outer)])
    names = names_section(loaded)
    component_label = names.names_of("component")
    instance_label = names.names_of("instance")

    def node_id(n: int) -> str:
        return instance_label.get(n, f"instance {n}")

    nodes: list[_Node] = []
    given: set[str] = set()
    for n, origin in made:
        comp = origin.component or 0
        where = scope.component_sources[comp]
        label = component_label.get(comp) or (
            where[1] if isinstance(where, tuple) and where[0] == "import" else f"component {comp}")
        data = where.data if isinstance(where, S.ComponentSection) else None
        args = []
        for arg, (sort, idx) in origin.args.items():
            src = source_of(scope, sort, idx)
            if src[0] == "host":
                given.add(src[1])
                args.append((arg, ("host", src[1]), sort))
            elif src[0] == "instance":
                args.append((arg, ("instance", node_id(src[1])), sort))
        nodes.append((node_id(n), label, None, data, args))
    kept = [a for a in outer if a[0] not in given]
    if kept:  # what the outer component uses itself (its own core modules' imports)
        nodes.insert(0, (f"({name})", name, str(loaded.path), loaded.data, kept))
    return _close(name, "composed", nodes)


def _close(title: str, kind: str, nodes: list[_Node]) -> Capabilities:
    """The records of the instances `nodes`, with the transitive closure of what each calls."""
    # the instance graph, by hand: importing networkx would cost every report a fifth of a
    # second, and this needs only breadth-first search
    calls_of: dict[str, dict[str, None]] = {name: {} for name, *_ in nodes}
    direct: dict[str, tuple[Held, ...]] = {}
    for name, _f, _p, _d, args in nodes:
        direct[name] = tuple(Held(imp, src[1], sort) for imp, src, sort in args
                             if src[0] == "host")
        for _imp, src, _sort in args:
            if src[0] == "instance" and src[1] != name:
                calls_of.setdefault(src[1], {})
                calls_of[name][src[1]] = None
    out = []
    for name, file, path, data, args in nodes:
        chains = _shortest_chains(calls_of, name)
        reached = tuple(
            Reached(h.name, h.host, h.sort, holder, chains[holder])
            for holder in calls_of if holder != name and holder in chains
            for h in direct.get(holder, ())
        )
        calls = tuple(dict.fromkeys(src[1] for _i, src, _s in args if src[0] == "instance"))
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        out.append(ComponentCapabilities(name, file, path, digest,
                                         len(data) if data is not None else 0, direct[name],
                                         reached, calls))
    return Capabilities(title, kind, tuple(out))


def _shortest_chains(calls_of: dict[str, dict[str, None]], start: str
                     ) -> dict[str, tuple[str, ...]]:
    """A shortest chain of instances from `start` to each instance it reaches (breadth first,
    each instance's calls in the order it imports them)."""
    chains = {start: (start,)}
    frontier = [start]
    while frontier:
        following = []
        for n in frontier:
            for m in calls_of[n]:
                if m not in chains:
                    chains[m] = chains[n] + (m,)
                    following.append(m)
        frontier = following
    return chains


# -- a policy checked -------------------------------------------------------------------------


class Violation(Record):
    """An import a policy denies, left reachable: the component that imports it (`holder`),
    the rule that denied it, the component that rule is scoped to (`scope`; None: unscoped)
    and the chain of instances through which it is reached (from the component the rule is
    scoped to, or, for the holder's own rules, from a component nothing calls, to the holder)."""

    name: str  # the holder's import
    holder: ComponentCapabilities
    rule: Rule
    scope: ComponentCapabilities | None
    chain: tuple[str, ...]
    # a `virtualize` rule that matched it and yet left it with the host (a wildcard, and
    # an interface that passes through): said, since the user asked for it to be virtualized
    passed_over: Rule | None = None

    @property
    def text(self) -> str:
        to = f" to {self.scope.label}" if self.scope is not None else ""
        through = f", reached through {' -> '.join(self.chain)}" if len(self.chain) > 1 else ""
        over = ""
        if self.passed_over is not None:
            over = (f" ({self.passed_over.given} leaves it with the host: a wildcard does not "
                    "virtualize interfaces that pass through; allow it, or name it to virtualize it)")
        return (f"`{self.name}` is denied{to} by {self.rule.given}: {self.holder.label} imports "
                f"it{through}{over}")


class Judgement(Record):
    """A policy applied to a composition's capabilities: the decision on each import each
    component holds (`held`, by (instance, import)), the decisions of the rules scoped to a
    component on what it reaches (`reached`, by (instance, holder, import); only where such a
    rule matched), and the violations."""

    held: dict
    reached: dict
    violations: tuple[Violation, ...]

    def decision(self, instance: str, name: str, holder: str | None = None) -> Decision:
        """The decision shown for an import `instance` holds (`holder` None) or reaches
        through `holder`: its scoped rules' when one matched, else the holder's."""
        if holder is None:
            return self.held.get((instance, name), ALLOWED)
        return self.reached.get((instance, holder, name)) or self.held.get((holder, name), ALLOWED)


def check_policy(caps: Capabilities, policy: Policy) -> Judgement:
    """Judge every import the components hold, and what each reaches, by `policy`.

    An import a component holds is decided by the unscoped rules and those scoped to it; what
    a component reaches through others is decided again by the rules scoped to it (an
    unscoped rule is for the holder: `--deny '*' --allow ops.wasm='wasi:sockets/*'` lets the
    root call `ops`, which uses sockets). A verdict `deny` is a violation; `virtualize` is not
    (the import is served by a synthesized adapter). A pass-through interface (such as
    wasi:cli/stdout) that a wildcard `virtualize` rule decides is not plugged by one (see
    `adapters.entrypoints`), so the other rules decide it: `--deny '*' --virtualize '*'`
    refuses stdout reaching the host rather than show it virtualized. A rule scoped to no
    component of the composition is an error."""
    by_instance = {c.instance: c for c in caps.components}
    _check_scopes(caps, policy)
    tops = _tops(caps)
    held: dict[tuple[str, str], Decision] = {}
    reached: dict[tuple[str, str, str], Decision] = {}
    violations: list[Violation] = []
    # here, not at the top: a run without a policy has no need of the adapters' package
    from .adapters.entrypoints import leaves_with_host

    unvirtualized = policy.without(Verdict.VIRTUALIZE)

    def decide(name: str, names: tuple[str, ...], scoped_only: bool = False
               ) -> tuple[Decision, Rule | None]:
        """The decision, and the virtualize rule passed over for it (if any)."""
        decision = policy.decide(name, names, scoped_only=scoped_only)
        rule = decision.rule
        if (decision.verdict is Verdict.VIRTUALIZE and rule is not None
                and leaves_with_host(rule.pattern, name)):
            # as `virtualizing` has it: no wildcard plugs it, so the host keeps it
            return unvirtualized.decide(name, names, scoped_only=scoped_only), rule
        return decision, None

    for c in caps.components:
        for h in c.direct:
            decision, over = decide(h.name, c.names)
            held[(c.instance, h.name)] = decision
            if decision.verdict is Verdict.DENY:
                assert decision.rule is not None
                scope = c if decision.rule.scope is not None else None
                violations.append(Violation(h.name, c, decision.rule, scope,
                                            _chain_to(c.instance, tops), over))
    for c in caps.components:
        for r in c.reachable:
            decision, over = decide(r.name, c.names, scoped_only=True)
            if decision.rule is None:
                continue
            reached[(c.instance, r.holder, r.name)] = decision
            if decision.verdict is Verdict.DENY:
                violations.append(Violation(r.name, by_instance[r.holder], decision.rule, c,
                                            r.chain, over))
    return Judgement(held, reached, tuple(violations))


def _check_scopes(caps: Capabilities, policy: Policy) -> None:
    known = {n for c in caps.components for n in c.names}
    for rule in policy.rules:
        if rule.scope is not None and rule.scope not in known:
            listed = ", ".join(c.label for c in caps.components)
            raise ComposerError(f"{rule.given}: no component of the composition is called "
                                f"`{rule.scope}` (a SCOPE is a component's file or instance "
                                f"name: {listed})")


def _tops(caps: Capabilities) -> list[ComponentCapabilities]:
    """The components nothing calls (the root of a `-d` composition), in order, then the
    others: where the chain to a holder starts."""
    called = {i for c in caps.components for i in c.calls}
    return ([c for c in caps.components if c.instance not in called]
            + [c for c in caps.components if c.instance in called])


def _chain_to(instance: str, tops: Iterable[ComponentCapabilities]) -> tuple[str, ...]:
    """The chain from the first component nothing calls that reaches `instance` to it."""
    for top in tops:
        if top.instance == instance:
            return (instance,)
        for r in top.reachable:
            if r.holder == instance:
                return r.chain
    return (instance,)
