"""The report as JSON, following `schema.json` (JSON Schema 2020-12) next to this file."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from .capabilities import capabilities_dict
from .contents import CompositionReport

SCHEMA_ID = "composer-report/2"


def report_dict(report: CompositionReport) -> dict[str, Any]:
    """The report's JSON document, its arrays of nodes, edges, host imports and problems as
    iterators: each element is made when it is written, not all of them first."""
    return {
        "schema": SCHEMA_ID,
        "title": report.title,
        "source": report.source,
        "ok": report.ok,
        "summary": report.summary(),
        "nodes": (
            {
                "id": n.id, "kind": n.kind, "file": n.file, "size": n.size, "depth": n.depth,
                "exports": [{"name": i.name, "sort": i.sort, "wit": i.wit} for i in n.exports],
                "imports": [{"name": i.name, "sort": i.sort, "wit": i.wit} for i in n.imports],
                "why": list(n.why),
            }
            for n in report.nodes
        ),
        "edges": (
            {
                "source": e.source, "target": e.target, "import": e.import_name,
                "export": e.export_name, "sort": e.sort, "how": e.how, "semver": e.semver,
                "problem": e.problem, "near": list(e.near), "near_from": list(e.near_from),
            }
            for e in report.edges
        ),
        "host_imports": (
            {
                "id": h.id, "name": h.name, "sort": h.sort, "package": h.package,
                "users": list(h.users), "semver_bridged": h.semver_bridged, "wit": h.wit,
            }
            for h in report.host_imports
        ),
        "problems": (
            {"message": p.message, "node": p.node, "import": p.import_name} for p in report.problems
        ),
        "warnings": list(report.warnings),
        "capabilities": capabilities_dict(report),
    }


def _one_line() -> Callable[[Any], str]:
    """A value as JSON in one line, by json's C encoder, made once: `json.dumps` makes one per
    call, which costs more than encoding a small value."""
    from json import encoder

    if encoder.c_make_encoder is None:  # a Python without the accelerator
        return json.JSONEncoder(separators=(", ", ": ")).encode
    make = encoder.c_make_encoder(None, None, encoder.encode_basestring_ascii, None, ": ", ", ",
                                  False, False, True)
    return lambda value: "".join(make(value, 0))


def json_pieces(report: CompositionReport) -> Iterator[str]:
    """The JSON text in pieces, made as they are written (a composition of 100,000 imports
    is tens of MB of it). One key of the report a line, and each node, edge, host import and
    problem on a line of its own: readable, and written by json's C encoder (an indented
    dump is written by its Python one, 10 times slower)."""
    one = _one_line()
    yield "{"
    for k, (key, value) in enumerate(report_dict(report).items()):
        yield f"{',' if k else ''}\n  {one(key)}: "
        if not isinstance(value, Iterator):
            yield one(value)
            continue
        empty = True
        for element in value:
            yield ("[\n    " if empty else ",\n    ") + one(element)
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}\n"


def schema() -> dict[str, Any]:
    from importlib.resources import files

    return json.loads(files(__package__).joinpath("schema.json").read_text())  # type: ignore[arg-type]
