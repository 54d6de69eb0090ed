"""`compose audit`'s output, made from the capabilities records (link/capabilities.py): the
rows of its table (one per import a component holds or reaches), the same as plain text for a
pipe, and the JSON document of `--json`, which follows `capabilities.schema.json` next to this
file (docs/capabilities.md, "Audit").
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from ..errors import printable
from ..link.capabilities import Capabilities, Held, Judgement, Reached
from ..link.policy import Decision, Policy
from ..record import Record

SCHEMA_ID = "composer-capabilities/1"


class Row(Record):
    """One line of the table: a component (its label on its first row only), an import it
    holds (`how` "direct") or reaches (`how` "through A -> B"), and the policy's verdict
    (`verdict`, as shown: empty without a policy; `decision`, the policy's record of it)."""

    component: str
    name: str
    how: str
    verdict: str
    decision: Decision | None = None


def decision_on(judgement: Judgement | None, instance: str, item: Held | Reached
                ) -> Decision | None:
    """The decision shown on an import `instance` holds (`Held`) or reaches (`Reached`,
    through its holder); None without a judgement."""
    if judgement is None:
        return None
    return judgement.decision(instance, item.name,
                              item.holder if isinstance(item, Reached) else None)


def _verdict(decision: Decision, policy: Policy) -> str:
    if not policy:
        return ""
    if decision.rule is None:
        return "allow (no rule)"
    return f"{decision.verdict.value} ({decision.rule.given})"


def rows(caps: Capabilities, judgement: Judgement | None, policy: Policy) -> list[Row]:
    out = []
    for c in caps.components:
        label = c.label
        for h in c.direct:
            decision = decision_on(judgement, c.instance, h)
            out.append(Row(label, h.name, "direct", _verdict(decision, policy) if decision else "",
                           decision))
            label = ""
        for r in c.reachable:
            decision = decision_on(judgement, c.instance, r)
            out.append(Row(label, r.name, "through " + " -> ".join(r.chain),
                           _verdict(decision, policy) if decision else "", decision))
            label = ""
        if label:  # a component that reaches nothing
            out.append(Row(label, "(nothing)", "", ""))
    return out


def header(caps: Capabilities) -> list[str]:
    """A line per component: its label, file, SHA-256 and size."""
    out = []
    for c in caps.components:
        digest = c.sha256 or "(imported, not embedded)"
        path = c.path or c.file
        out.append(f"{c.label}: {path}, {c.size:,} bytes, sha256 {digest}")
    return [printable(line) for line in out]


def plain_text(caps: Capabilities, judgement: Judgement | None, policy: Policy) -> str:
    """The table as plain text (for a pipe or a file): the components' lines, then the rows in
    columns separated by two spaces."""
    table = rows(caps, judgement, policy)
    columns = ["component", "import", "how", *(["policy"] if policy else [])]
    cells = [[printable(x) for x in (r.component, r.name, r.how, *([r.verdict] if policy else []))]
             for r in table]
    widths = [max([len(columns[i])] + [len(row[i]) for row in cells]) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    title = f"{printable(caps.title)} ({caps.kind})"
    return "\n".join([title, *header(caps), "", line(columns), *map(line, cells)]) + "\n"


def audit_dict(caps: Capabilities, judgement: Judgement | None, policy: Policy) -> dict[str, Any]:
    """The JSON document of `compose audit --json`."""

    def decided(d: Decision | None) -> Any:
        if d is None or not policy:
            return None
        return {"verdict": d.verdict.value, "rule": _rule(d.rule) if d.rule else None}

    return {
        "schema": SCHEMA_ID,
        "title": caps.title,
        "source": caps.kind,
        "ok": judgement is None or not judgement.violations,
        "components": [
            {
                "instance": c.instance, "file": c.file, "path": c.path, "sha256": c.sha256,
                "size": c.size, "calls": list(c.calls),
                "direct": [
                    {"name": h.name, "host": h.host, "sort": h.sort,
                     "policy": decided(decision_on(judgement, c.instance, h))}
                    for h in c.direct],
                "reachable": [
                    {"name": r.name, "host": r.host, "sort": r.sort, "holder": r.holder,
                     "chain": list(r.chain),
                     "policy": decided(decision_on(judgement, c.instance, r))}
                    for r in c.reachable],
            }
            for c in caps.components
        ],
        "policy": [_rule(r) for r in policy.rules],
        "violations": [
            {"name": v.name, "holder": v.holder.instance, "rule": _rule(v.rule),
             "scope": v.scope.instance if v.scope is not None else None,
             "chain": list(v.chain), "message": v.text}
            for v in (judgement.violations if judgement else ())
        ],
    }


def _rule(rule: Any) -> dict[str, Any]:
    return {"verdict": rule.verdict.value, "pattern": rule.pattern.text, "scope": rule.scope,
            "given": rule.given}


def audit_json(caps: Capabilities, judgement: Judgement | None, policy: Policy) -> str:
    return json.dumps(audit_dict(caps, judgement, policy), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of `audit_dict`'s documents."""
    return json.loads(files(__package__).joinpath("capabilities.schema.json").read_text())  # type: ignore[arg-type]


__all__ = ["Row", "SCHEMA_ID", "audit_dict", "audit_json", "decision_on", "header",
           "plain_text", "rows", "schema"]
