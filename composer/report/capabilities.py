"""The capabilities in the report: what each component holds directly and reaches through the
components it calls (link/capabilities.py), with the policy's verdict on each
(docs/capabilities.md), as the report's formats show them.

`judged` puts the records into a `CompositionReport` and marks each edge to the host with
its verdict when a rule decided it (the drawings show a denied import as refused, a
virtualized one as plugged by a synthesized adapter); `cells` is the matrix the HTML page
shows (components by host imports, grouped by package); `capabilities_dict` is the JSON
report's `capabilities` (the document `compose audit --json` writes).
"""

from __future__ import annotations

from typing import Any

from ..errors import ComposerError
from ..link.capabilities import Capabilities, Judgement, check_policy
from ..link.policy import Decision, Policy, Verdict
from ..model.names import package_of
from ..record import Record
from .audit import audit_dict, decision_on
from .contents import HOST, CompositionReport, ReportedProblem


def judged(report: CompositionReport, caps: Capabilities, policy: Policy | None
           ) -> CompositionReport:
    """`report` with the capabilities `caps` and, with a policy, its judgement; each edge to
    the host that a rule decided marked with the verdict and the rule. A policy that cannot
    be judged (a rule scoped to no component of a composition that failed before) is shown
    as given, with no verdicts."""
    policy = policy or Policy()
    judgement = None
    if policy:
        try:
            judgement = check_policy(caps, policy)
        except ComposerError:
            judgement = None
    report = report.replace(capabilities=caps, policy=policy, judgement=judgement)
    if judgement is None:
        return report
    # each violation is a problem (a composition enforced has them already)
    known = {p.message for p in report.problems}
    problems = report.problems + tuple(ReportedProblem(v.text, v.holder.instance, v.name)
                                       for v in judgement.violations if v.text not in known)
    edges = []
    for e in report.edges:
        if e.target.startswith(HOST):
            d = judgement.held.get((e.source, e.import_name))
            if d is not None and d.rule is not None and d.verdict is not Verdict.ALLOW:
                e = e.replace(policy=d.verdict.value, rule=d.rule.given)
        edges.append(e)
    return report.replace(edges=tuple(edges), problems=problems)


class Cell(Record):
    """One host import a component holds (`how` "direct") or reaches ("reachable", through
    `chain`), and the verdict on it ("allow", "deny", "virtualize"; "" without a policy) with
    the rule that decided (None: none matched)."""

    component: str  # the instance
    host: str  # the output's import (the column)
    package: str
    name: str  # the import of the component holding it
    how: str
    chain: tuple[str, ...]
    verdict: str
    rule: str | None

    @property
    def title(self) -> str:
        """The cell in words, for its hover text."""
        if self.how == "direct":
            text = f"{self.component} imports {self.name} (held directly)"
        else:
            text = (f"{self.component} reaches {self.name} through {' -> '.join(self.chain)}")
        if self.host != self.name:
            text += f", the host's {self.host}"
        if self.verdict == "deny":
            text += f"\nrefused: denied by {self.rule}"
        elif self.verdict == "virtualize":
            text += f"\nplugged by a synthesized adapter: virtualized by {self.rule}"
        elif self.rule is not None:
            text += f"\nallowed by {self.rule}"
        return text


def _verdict(decision: Decision | None) -> tuple[str, str | None]:
    if decision is None:
        return "", None
    return decision.verdict.value, decision.rule.given if decision.rule is not None else None


def cells(report: CompositionReport) -> list[Cell]:
    """Every host import each component holds or reaches, components in the report's order,
    what each holds before what it reaches; an import held and also reached is shown held."""
    caps, judgement = report.capabilities, report.judgement
    if caps is None:
        return []
    out = []
    for c in caps.components:
        seen = set()
        for h in c.direct:
            seen.add(h.host)
            v, rule = _verdict(decision_on(judgement, c.instance, h))
            out.append(Cell(c.instance, h.host, package_of(h.host), h.name, "direct",
                            (c.instance,), v, rule))
        for r in c.reachable:
            if r.host in seen:
                continue
            seen.add(r.host)
            v, rule = _verdict(decision_on(judgement, c.instance, r))
            out.append(Cell(c.instance, r.host, package_of(r.host), r.name, "reachable",
                            r.chain, v, rule))
    return out


def capabilities_dict(report: CompositionReport) -> dict[str, Any] | None:
    """The report's JSON `capabilities`: the document of `compose audit --json`
    (capabilities.schema.json); None when the report has none (an input that cannot be
    read)."""
    if report.capabilities is None:
        return None
    return audit_dict(report.capabilities, report.judgement, report.policy or Policy())


def violations_of(report: CompositionReport) -> tuple[Any, ...]:
    """The policy's violations (link.capabilities.Violation records)."""
    judgement: Judgement | None = report.judgement
    return judgement.violations if judgement is not None else ()
