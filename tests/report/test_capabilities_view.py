"""The capabilities in the report (report/capabilities.py): the HTML page's matrix of components
by host packages, each cell held directly or reached (the chain in its title), refused or
virtualized with the rule that decided; the JSON report's `capabilities` (against both
schemas); a policy's violations in the report of a composition that fails on them; denied
imports drawn refused in every picture; a composed component read back."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema

from composer.link.compose import plan_composition
from composer.link.policy import Policy, Verdict, parse_rule, policy_of
from composer.report import render
from composer.report.audit import schema as capabilities_schema
from composer.report.capabilities import cells
from composer.report.composed import from_composed
from composer.report.json_out import schema
from composer.report.planned import from_plan

from support.cli import invoke
from support.components import counter, write
from support.oracle import valid, wasm_tools


class Cells(HTMLParser):
    """The capabilities matrix of a report page: (row's component, cell's package) -> the
    marks in the cell, each its data attributes, its class and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], list[dict]] = {}
        self.violations: list[dict] = []
        self.row = self.package = None
        self.mark: dict | None = None
        self.in_violations = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "tr" and "data-component" in a:
            self.row = a["data-component"]
        elif tag == "td" and self.row is not None:
            self.package = a["data-package"]
            self.cells[(self.row, self.package)] = []
        elif tag == "span" and "cap" in a.get("class", "").split():
            self.mark = {**a, "text": ""}
            self.cells[(self.row, self.package)].append(self.mark)
        elif tag == "ul" and a.get("class") == "violations":
            self.in_violations = True
        elif tag == "li" and self.in_violations:
            self.violations.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self.mark = None
        elif tag == "tr":
            self.row = None
        elif tag == "ul":
            self.in_violations = False

    def handle_data(self, data: str) -> None:
        if self.mark is not None:
            self.mark["text"] += data

    def marks(self) -> list[dict]:
        return [m for ms in self.cells.values() for m in ms]


def matrix(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    return parser


def wit_imports(path: Path) -> list[str]:
    """The instance imports of the world `wasm-tools component wit` prints for a component."""
    text = wasm_tools("component", "wit", str(path)).stdout.decode()
    world = text[text.index("world root {"):]
    world = world[:world.index("\n}")]
    return re.findall(r"^  import ([^\s:;]+:[^\s;]+);$", world, re.M)


DENY = ("wasi:sockets/*", "wasi:filesystem/preopens")


def test_the_cpy_seed_failing_on_its_policy_writes_a_report_with_the_matrix_and_violations(
        cpy_fixtures, tmp_path):
    """`compose app -d ops --deny ... --report r.html` fails (nothing written) and its report
    shows, for each component, the host imports it holds (as `wasm-tools component wit`
    prints them, but for what the other exports) and reaches, the denied refused with
    their rule, and the violations with holder, chain and rule."""
    app, ops = cpy_fixtures["cpy-seed-app"], cpy_fixtures["cpy-seed-ops"]
    report, out = tmp_path / "r.html", tmp_path / "out.wasm"
    args = [a for d in DENY for a in ("--deny", d)]
    result = invoke(app, "-d", ops, "-o", out, "--report", report, *args,
                    "--allow", "cpy-seed-app.wasm=wasi:filesystem/preopens")
    assert result.exit_code == 1 and not out.exists()
    page = matrix(report.read_text())
    plugged = "example:stringoperations/operations@0.1.0"
    for instance, file in (("root", app), ("cpy-seed-ops", ops)):
        direct = [m for (row, _), ms in page.cells.items() if row == instance for m in ms
                  if m["data-how"] == "direct"]
        expected = [i for i in wit_imports(file) if i != plugged]
        assert len(expected) > 20
        assert sorted(m["data-name"] for m in direct) == sorted(expected)
    reached = [m for (row, _), ms in page.cells.items() if row == "root" for m in ms
               if m["data-how"] == "reachable"]
    # what ops holds and the root does not: the root reaches it through ops
    root_holds = {m["data-import"] for (row, _), ms in page.cells.items() if row == "root"
                  for m in ms if m["data-how"] == "direct"}
    ops_holds = {m["data-import"] for (row, _), ms in page.cells.items() if row == "cpy-seed-ops"
                 for m in ms if m["data-how"] == "direct"}
    assert {m["data-import"] for m in reached} == ops_holds - root_holds
    assert all("through root -> cpy-seed-ops" in m["title"] for m in reached)
    by = {(row, m["data-import"]): m for (row, _), ms in page.cells.items() for m in ms}
    tcp = by[("cpy-seed-ops", "wasi:sockets/tcp@0.2.9")]
    assert (tcp["data-verdict"], tcp["data-rule"]) == ("deny", "--deny wasi:sockets/*")
    assert "deny" in tcp["class"].split() and tcp["text"].endswith("tcp@0.2.9 refused")
    assert "refused: denied by --deny wasi:sockets/*" in tcp["title"]
    # the root's scoped allow wins over the wider deny; a cell no rule decided is allowed
    preopens = by[("root", "wasi:filesystem/preopens@0.2.9")]
    assert (preopens["data-verdict"], preopens["data-rule"]) == (
        "allow", "--allow cpy-seed-app.wasm=wasi:filesystem/preopens")
    stdout = by[("root", "wasi:cli/stdout@0.2.9")]
    assert (stdout["data-verdict"], stdout["data-rule"]) == ("allow", "")
    denied = {(v["data-holder"], v["data-import"]) for v in page.violations}
    assert ("cpy-seed-ops", "wasi:filesystem/preopens@0.2.9") in denied
    assert ("root", "wasi:filesystem/preopens@0.2.9") not in denied
    assert {i for h, i in denied} == {m["data-import"] for m in page.marks()
                                      if m["data-verdict"] == "deny"}
    assert all(v["data-rule"].startswith("--deny ") for v in page.violations)


def chain(tmp_path: Path) -> tuple[Path, Path]:
    app = write(tmp_path, "app", counter(1, imports=("example:ops/api@1.0.0",
                                                     "wasi:cli/environment@0.2.0")))
    ops = write(tmp_path, "ops", counter(2, exports="example:ops/api@1.0.0",
                                         imports=("wasi:sockets/tcp@0.2.0",)))
    return app, ops


VIOLATION = ("`wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*: ops (ops.wasm) "
             "imports it, reached through root -> ops")


def test_the_json_report_holds_the_capabilities_and_the_violations(tmp_path):
    app, ops = chain(tmp_path)
    report = tmp_path / "r.json"
    result = invoke(app, "-d", ops, "-o", tmp_path / "out.wasm", "--report", report,
                    "--deny", "wasi:sockets/*")
    assert result.exit_code == 1
    doc = json.loads(report.read_text())
    jsonschema.validate(doc, schema())
    caps = doc["capabilities"]
    jsonschema.validate(caps, capabilities_schema())
    assert doc["ok"] is False and caps["ok"] is False
    assert [p["message"] for p in doc["problems"]] == [VIOLATION]
    assert [(v["holder"], v["chain"], v["rule"]["given"]) for v in caps["violations"]] == [
        ("ops", ["root", "ops"], "--deny wasi:sockets/*")]
    by = {c["instance"]: c for c in caps["components"]}
    assert [d["name"] for d in by["root"]["direct"]] == ["wasi:cli/environment@0.2.0"]
    assert [(r["name"], r["chain"], r["policy"]["verdict"]) for r in by["root"]["reachable"]] == [
        ("wasi:sockets/tcp@0.2.0", ["root", "ops"], "deny")]
    # without a policy: the capabilities, no verdicts
    plain = json.loads(render(from_plan(plan_composition(app, [ops])), "json"))
    jsonschema.validate(plain, schema())
    assert plain["capabilities"]["policy"] == [] and plain["capabilities"]["ok"] is True
    assert plain["capabilities"]["components"][1]["direct"][0]["policy"] is None


def test_a_denied_import_is_drawn_refused_with_its_rule_in_every_picture(tmp_path):
    app, ops = chain(tmp_path)
    r = from_plan(plan_composition(app, [ops]),
                  policy=policy_of(deny=("wasi:sockets/*",), allow=("wasi:cli/*",)))
    (edge,) = [e for e in r.edges if e.policy is not None]  # allowed: drawn as ever
    assert (edge.source, edge.import_name, edge.policy, edge.rule) == (
        "ops", "wasi:sockets/tcp@0.2.0", "deny", "--deny wasi:sockets/*")
    assert [p.message for p in r.problems] == [VIOLATION]
    svg = render(r, "svg")
    (g,) = re.findall(r'<g class="edge host denied[^"]*" [^>]*data-source="ops"', svg)
    assert 'marker-end="url(#arrow-denied)"' in svg
    dot = render(r, "dot")
    line = next(x for x in dot.splitlines() if x.startswith('  "ops" -> '))
    assert 'style="bold,dashed"' in line and "--deny wasi:sockets/*" in line
    mermaid = render(r, "mermaid")
    assert "stroke-dasharray:2 4" in mermaid and "--deny wasi:sockets/*" in mermaid
    tree = render(r, "tree")
    assert "capabilities: 1 host import held, 1 more reached through ops" in tree
    # allowed, the same import is a plain host link
    allowed = from_plan(plan_composition(app, [ops]))
    assert all(e.policy is None for e in allowed.edges)
    assert "denied" not in render(allowed, "svg").split("<style>")[0]


def test_a_virtualized_import_is_drawn_plugged_by_a_synthesized_adapter(tmp_path):
    app, ops = chain(tmp_path)
    policy = Policy((parse_rule(Verdict.VIRTUALIZE, "wasi:sockets/*", "--virtualize wasi:sockets/*"),))
    r = from_plan(plan_composition(app, [ops]), policy=policy)
    assert r.ok
    (cell,) = [c for c in cells(r) if c.component == "ops"]
    assert (cell.how, cell.verdict) == ("direct", "virtualize")
    page = matrix(render(r, "html"))
    mark = page.cells[("ops", "wasi:sockets")][0]
    assert mark["data-verdict"] == "virtualize" and mark["text"].endswith("virtualized")
    assert "plugged by a synthesized adapter" in mark["title"]
    assert re.search(r'<g class="edge host virtualized', render(r, "svg"))
    assert "virtualized by --virtualize wasi:sockets/*" in render(r, "dot")
    mermaid = render(r, "mermaid")
    assert "virtualized by --virtualize wasi:sockets/*" in mermaid
    assert "stroke:#7a4fb5" in mermaid  # its link's style, as the page's legend draws it
    assert ("wasi:sockets/tcp@0.2.0 → host virtualized by --virtualize wasi:sockets/*"
            in render(r, "tree"))
    # composed so, the import goes to the deny adapter, drawn as the synthesized plug it is
    plugged = from_plan(plan_composition(app, [ops], virtualize=("wasi:sockets/*",)))
    (edge,) = [e for e in plugged.edges if e.source == "ops"]
    assert (edge.import_name, edge.target) == ("wasi:sockets/tcp@0.2.0", "deny-tcp")
    assert re.search(r'<g class="edge virtualized"[^>]* data-source="ops" data-target="deny-tcp"',
                     render(plugged, "svg"))


def test_a_composed_component_read_back_shows_its_capabilities_and_violations(tmp_path):
    app, ops = chain(tmp_path)
    out = tmp_path / "out.wasm"
    assert invoke(app, "-d", ops, "-o", out).exit_code == 0
    valid(out)
    r = from_composed(out, policy_of(deny=("wasi:sockets/*",)))
    assert not r.ok and [p.message for p in r.problems] == [VIOLATION]
    page = matrix(render(r, "html"))
    assert {(row, m["data-import"], m["data-how"], m["data-verdict"])
            for (row, _), ms in page.cells.items() for m in ms} == {
        ("root", "wasi:cli/environment@0.2.0", "direct", "allow"),
        ("root", "wasi:sockets/tcp@0.2.0", "reachable", "deny"),
        ("ops", "wasi:sockets/tcp@0.2.0", "direct", "deny"),
    }
    (denied,) = [e for e in r.edges if e.policy == "deny"]
    assert denied.source == "ops" and "refused by --deny wasi:sockets/*" in render(r, "svg")
    doc = json.loads(render(r, "json"))
    jsonschema.validate(doc, schema())
    assert doc["capabilities"]["source"] == "composed"
    # no policy: the cells, without verdicts
    bare = matrix(render(from_composed(out), "html"))
    assert {m["data-verdict"] for m in bare.marks()} == {""}
