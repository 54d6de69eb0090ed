"""What a composition report holds: components, edges, host imports, unused dependencies and
problems, with the WIT-like text shown when a user asks "what is in this?". It is made from a
linked composition (`planned.py`) or read back from a composed component (`composed.py`);
every format renders it, so they all show the same thing."""

from __future__ import annotations

from typing import Any, Iterable

from ..model import types as T
from ..record import Record, field_
from ..model.typetext import extern_lines, func_text


class WitItem(Record):
    """An export or import of a component, with its type as WIT-like text."""

    name: str
    sort: str
    wit: str


class ComponentNode(Record):
    """A component instance of the composition (or an unused dependency)."""

    id: str
    # "root", "dependency", "unused", "rejected" (its export did not fit an import),
    # "unreadable" (an input the composition stopped at: missing, malformed or invalid),
    # "exports" (what a composition of no root exports: a WAC document's `export`s, drawn
    # where a root would be, its edges to what each is an export of)
    kind: str
    file: str  # what the user gave (or the name recorded in a composed component)
    size: int  # bytes
    exports: tuple[WitItem, ...]
    imports: tuple[WitItem, ...]
    depth: int = 0  # 0 for the root, providers deeper
    # an unused dependency: why it satisfies nothing; a rejected one: why not; an
    # unreadable input: what is wrong with it
    why: tuple[str, ...] = ()


class Edge(Record):
    """An import of `source` satisfied by `target` (a node, or a host import)."""

    source: str
    target: str
    import_name: str
    export_name: str | None  # None: the target instance itself, or the host import
    sort: str
    how: str  # "exact name", "semver", "by name", "config", "--plug", "--virtualize", "host", "wired"
    semver: bool  # the names differ in version: bridged by semver compatibility
    problem: str | None = None
    near: tuple[str, ...] = ()  # left for the host: why the dependencies that came close did not serve
    near_from: tuple[str, ...] = ()  # and which node each of them is ("" when none is drawn)
    # a host import a capability rule decided: its verdict ("deny": refused, "virtualize":
    # plugged by a synthesized adapter) and the rule, as given (`--deny wasi:sockets/*`)
    policy: str | None = None
    rule: str | None = None

    @property
    def label(self) -> str:
        """The import, and on a second line the export when its name differs."""
        if self.export_name is None or self.export_name == self.import_name:
            return self.import_name
        return f"{self.import_name}\n<- {self.export_name}"


class HostImportNode(Record):
    id: str  # "host:" + name
    name: str
    sort: str
    package: str  # "wasi:cli", or the name for plain names
    users: tuple[str, ...]  # node ids importing it
    semver_bridged: bool
    wit: str


class ReportedProblem(Record):
    message: str
    node: str | None = None
    import_name: str | None = None


class CompositionReport(Record):
    title: str
    source: str  # "plan" (inputs) or "composed" (a composed component)
    nodes: tuple[ComponentNode, ...]
    edges: tuple[Edge, ...]
    host_imports: tuple[HostImportNode, ...]
    problems: tuple[ReportedProblem, ...] = ()
    warnings: tuple[str, ...] = field_(default=())
    # what each component holds and reaches (link.capabilities.Capabilities), the policy
    # given (link.policy.Policy) and its verdicts (link.capabilities.Judgement); None: not
    # known (an input that cannot be read), no policy (capabilities.py puts them in)
    capabilities: Any = None
    policy: Any = None
    judgement: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def unsatisfied_targets(self) -> list[str]:
        """Edge targets that are neither a component nor a host import (imports nobody could
        satisfy: `missing:...`), in edge order, each once; drawn as an "unsatisfied" mark."""
        drawn = {n.id for n in self.nodes} | {h.id for h in self.host_imports}
        return list(dict.fromkeys(e.target for e in self.edges if e.target not in drawn))

    def packages(self) -> dict[str, list[HostImportNode]]:
        """Host imports grouped by package, packages and imports in name order."""
        groups: dict[str, list[HostImportNode]] = {}
        for h in sorted(self.host_imports, key=lambda h: (h.package, h.name)):
            groups.setdefault(h.package, []).append(h)
        return groups

    def summary(self) -> dict[str, int]:
        """What the composition is made of: only what was really instantiated and plugged."""
        kinds = [n.kind for n in self.nodes]
        return {
            "components": kinds.count("root") + kinds.count("dependency"),
            "plugged_imports": sum(1 for e in self.edges if not e.problem and e.source != EXPORTS
                                   and not e.target.startswith(HOST)),
            "host_imports": len(self.host_imports),
            "unused_dependencies": kinds.count("unused"),
            "rejected_dependencies": kinds.count("rejected"),
            "semver_bridged": sum(1 for e in self.edges if e.semver),
            "problems": len(self.problems),
            "warnings": len(self.warnings),
        }


HOST = "host:"
EXPORTS = "(exports)"  # the id of the node of a composition's exports: no instance is named so
# what a node id starts with besides the name it shows: the kind of a left-out dependency or
# an unreadable input (said by its box, its tag or its line), a host import (said by where
# it is drawn), a package of them
_ID_PREFIXES = ("unused:", "rejected:", "unreadable:", HOST, "package:")


def shown(node_id: str) -> str:
    """A node as a reader knows it: `ops` for `rejected:ops`, `d:e/f@1.0.0` for
    `host:d:e/f@1.0.0`; a mark of an import nobody satisfies is "nothing". Ids stay in the
    data (JSON, the page's attributes); text shows names."""
    if node_id.startswith("missing:"):
        return "nothing"
    if node_id == EXPORTS:
        return "the composition"
    for prefix in _ID_PREFIXES:
        if node_id.startswith(prefix):
            return node_id[len(prefix):]
    return node_id


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 problem`, `2 problems`: never `1 problem(s)`."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def size_text(n: int) -> str:
    for unit, div in (("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


def wit_text(kind: str, name: str, ext: T.Extern) -> str:
    """`import x: interface { ... }` as the report shows it."""
    return "\n".join(extern_lines(kind, name, ext))


def items(kind: str, entries: dict[str, T.Extern]) -> tuple[WitItem, ...]:
    out = []
    funcs: dict[int, str] = {}  # id(a function type) -> its text: imports of one type share it
    for name, ext in entries.items():
        if isinstance(ext, T.FuncType):
            text = funcs.get(id(ext))
            if text is None:
                text = funcs[id(ext)] = func_text(ext)
            out.append(WitItem(name, "func", f"{kind} {name}: {text};"))
        else:
            out.append(WitItem(name, T.sort_of(ext), wit_text(kind, name, ext)))
    return tuple(out)


def depths(node_ids: Iterable[str], edges: Iterable[Edge], root: str | None) -> dict[str, int]:
    """Dependency depth: the root 0, each provider one deeper than its deepest user (so
    every edge points down); nodes not reached (unused) one deeper than all. Without a root
    (a WAC document's composition), every instance nothing uses is at depth 0. (Edges to
    the host do not count; their targets are drawn apart.)"""
    from ..link.order import first_ready_order

    users: dict[str, set[str]] = {n: set() for n in node_ids}
    providers: dict[str, list[str]] = {n: [] for n in users}
    for e in edges:
        if not e.target.startswith(HOST):
            for n in (e.source, e.target):
                if n not in users:
                    users[n], providers[n] = set(), []
            if e.source not in users[e.target]:
                users[e.target].add(e.source)
                providers[e.source].append(e.target)
    if root is None:
        tops = [n for n, u in users.items() if not u]  # nothing uses them
    else:
        tops = [root] if root in users else []
    reached = _distances(tops, providers)
    order, cycle = first_ready_order(list(users), users)  # users before providers
    if cycle:  # fall back to the shortest distance
        out = reached
    else:
        out = dict.fromkeys(tops, 0)
        for n in order:
            if n in reached and n not in out:
                out[n] = max((out[u] + 1 for u in users[n] if u in reached), default=1)
    deepest = max(out.values(), default=0)
    return {n: out.get(n, deepest + 1) for n in users}


def _distances(tops: list[str], providers: dict[str, list[str]]) -> dict[str, int]:
    """The fewest edges from any of `tops` to each node reached (breadth first)."""
    out = dict.fromkeys(tops, 0)
    frontier = list(tops)
    while frontier:
        following = []
        for n in frontier:
            for p in providers[n]:
                if p not in out:
                    out[p] = out[n] + 1
                    following.append(p)
        frontier = following
    return out
