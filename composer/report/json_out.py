"""The report as JSON, following `schema.json` (JSON Schema 2020-12) next to this file."""

from __future__ import annotations

import json
from typing import Any

from .model import Report

SCHEMA_ID = "composer-report/2"


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "title": report.title,
        "source": report.source,
        "ok": report.ok,
        "summary": report.summary(),
        "nodes": [
            {
                "id": n.id, "kind": n.kind, "file": n.file, "size": n.size, "depth": n.depth,
                "exports": [{"name": i.name, "sort": i.sort, "wit": i.wit} for i in n.exports],
                "imports": [{"name": i.name, "sort": i.sort, "wit": i.wit} for i in n.imports],
                "why": list(n.why),
            }
            for n in report.nodes
        ],
        "edges": [
            {
                "source": e.source, "target": e.target, "import": e.import_name,
                "export": e.export_name, "sort": e.sort, "how": e.how, "semver": e.semver,
                "problem": e.problem, "near": list(e.near),
            }
            for e in report.edges
        ],
        "host_imports": [
            {
                "id": h.id, "name": h.name, "sort": h.sort, "package": h.package,
                "users": list(h.users), "semver_bridged": h.semver_bridged, "wit": h.wit,
            }
            for h in report.host_imports
        ],
        "problems": [
            {"message": p.message, "node": p.node, "import": p.import_name} for p in report.problems
        ],
        "warnings": list(report.warnings),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"


def schema() -> dict[str, Any]:
    from importlib.resources import files

    return json.loads(files(__package__).joinpath("schema.json").read_text())  # type: ignore[arg-type]
