"""`compose graph` and `compose --report`: each format is checked for content (every
component and plugged edge with its labels), JSON against its schema, DOT by Graphviz and
pydot, Mermaid by mermaid's own parser and the HTML page in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from composer.compose import compose, plan_composition
from composer.report import render
from composer.report.composed import from_composed
from composer.report.json_out import schema
from composer.report.model import from_plan

from components import counter, write
from conftest import ROOT
from test_execute import compose_proc

MERMAID_JS = ROOT / ".venv" / "node" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> dict[str, Path]:
    """root -> a -> b (exact names), root -> c across semver (1.0.0 ~ 1.2.0), a host import,
    and an unused dependency."""
    tmp = tmp_path_factory.mktemp("chain")
    return {
        "root": write(tmp, "root", counter(1, imports=("t:a/a@1.0.0", "t:c/c@1.0.0", "t:host/h@1.0.0"))),
        "a": write(tmp, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",))),
        "b": write(tmp, "b", counter(100, exports="t:b/b@1.0.0")),
        "c": write(tmp, "c", counter(1000, exports="t:c/c@1.2.0")),
        "spare": write(tmp, "spare", counter(5, exports="t:spare/s@1.0.0")),
    }


@pytest.fixture(scope="module")
def chain_report(chain):
    deps = [chain[n] for n in ("a", "b", "c", "spare")]
    return from_plan(plan_composition(chain["root"], deps))


PLUGS = {  # (source, target, import, export)
    ("root", "a", "t:a/a@1.0.0", "t:a/a@1.0.0"),
    ("a", "b", "t:b/b@1.0.0", "t:b/b@1.0.0"),
    ("root", "c", "t:c/c@1.0.0", "t:c/c@1.2.0"),
}


def test_model_of_a_plan(chain_report):
    r = chain_report
    assert {(n.id, n.kind) for n in r.nodes} == {
        ("root", "root"), ("a", "dependency"), ("b", "dependency"), ("c", "dependency"),
        ("unused:spare", "unused"),
    }
    plugged = {(e.source, e.target, e.import_name, e.export_name) for e in r.edges
               if not e.target.startswith("host:")}
    assert plugged == PLUGS
    semver = [e for e in r.edges if e.semver]
    assert [(e.source, e.target, e.how) for e in semver] == [("root", "c", "semver")]
    assert [(h.name, h.package, h.users) for h in r.host_imports] == [("t:host/h@1.0.0", "t:host", ("root",))]
    assert {n.id: n.depth for n in r.nodes if n.kind != "unused"} == {"root": 0, "a": 1, "c": 1, "b": 2}
    assert r.summary()["plugged_imports"] == 3 and r.summary()["unused_dependencies"] == 1
    assert "satisfies no import" in r.warnings[0]


def test_json_matches_its_schema_and_content(chain_report):
    import jsonschema

    doc = json.loads(render(chain_report, "json"))
    jsonschema.validate(doc, schema())
    edges = {(e["source"], e["target"], e["import"], e["export"]) for e in doc["edges"]}
    assert PLUGS <= edges
    node = next(n for n in doc["nodes"] if n["id"] == "b")
    assert node["exports"] == [{"name": "t:b/b@1.0.0", "sort": "instance",
                                "wit": "export t:b/b@1.0.0: interface {\n  get: func() -> u32;\n}"}]


def test_dot_is_accepted_by_graphviz_and_holds_every_component_and_edge(chain_report, tmp_path):
    import pydot

    text = render(chain_report, "dot")
    (graph,) = pydot.graph_from_dot_data(text)
    nodes = {n.get_name().strip('"') for n in graph.get_nodes()} | {
        n.get_name().strip('"') for g in graph.get_subgraphs() for n in g.get_nodes()
    }
    assert {"root", "a", "b", "c", "unused:spare", "host:t:host/h@1.0.0"} <= nodes
    edges = {(e.get_source().strip('"'), e.get_destination().strip('"'), e.get("label").strip('"'))
             for e in graph.get_edges()}
    assert ("root", "a", "t:a/a@1.0.0") in edges
    assert ("root", "c", "t:c/c@1.0.0\\n<- t:c/c@1.2.0 (semver)") in edges
    dot = shutil.which("dot")
    assert dot, "Graphviz `dot` is missing: ./scripts/setup.sh --test installs it"
    proc = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.count('class="node"') == 6  # 5 components + 1 host import


def test_mermaid_text_holds_every_component_and_edge(chain_report):
    text = render(chain_report, "mermaid")
    assert text.startswith("flowchart TB\n")
    for label in ('"root<br/>root.wasm', '"a<br/>a.wasm', '"b<br/>b.wasm', "(unused)"):
        assert label in text
    assert '-->|"t:a/a@1.0.0"|' in text
    assert '-.->|"t:c/c@1.0.0<br/><- t:c/c@1.2.0"|' in text
    assert 'subgraph host_0["host: t:host"]' in text


def test_tree_lists_wiring_hosts_and_unused(chain_report):
    text = render(chain_report, "tree")
    assert "t:a/a@1.0.0 ← a (exact name)" in text
    assert "t:c/c@1.0.0 ← c export t:c/c@1.2.0 (semver)\n" in text
    assert "t:host/h@1.0.0 → host" in text
    assert "unused:spare  spare.wasm" in text and "unused: satisfies nothing" in text


def test_failed_composition_is_drawn_with_the_reason(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp_path, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    out = tmp_path / "report.json"
    proc = compose_proc("graph", root, "-d", dep, "-o", out)
    assert proc.returncode == 1
    assert "func get: result: expected u32, found u64" in proc.stderr
    doc = json.loads(out.read_text())
    assert doc["ok"] is False
    (edge,) = [e for e in doc["edges"] if e["problem"]]
    # drawn to the dependency whose export was rejected (which is left unused)
    assert (edge["source"], edge["target"], edge["import"]) == ("root", "unused:ops", "example:ops/api@0.1.0")
    assert "expected u32, found u64" in edge["problem"]
    dot = render(from_plan(plan_composition(root, [dep])), "dot")
    assert 'color="red"' in dot and "expected u32, found u64" in dot


def test_compose_report_is_written_even_when_composing_fails(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp_path, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    report = tmp_path / "why.html"
    proc = compose_proc(root, "-d", dep, "-o", tmp_path / "out.wasm", "--report", report)
    assert proc.returncode == 1 and not (tmp_path / "out.wasm").exists()
    assert 'class="edge problem"' in report.read_text()


def test_composed_seed_shows_the_same_components_and_edges_as_its_inputs(tmp_path, small_fixtures):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    out = tmp_path / "composed.wasm"
    proc = compose_proc(app, "-d", ops, "-o", out, "--report", tmp_path / "plan.json")
    assert proc.returncode == 0, proc.stderr
    proc = compose_proc("graph", out, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    before, after = json.loads((tmp_path / "plan.json").read_text()), json.loads(proc.stdout)

    def picture(doc):
        nodes = {(n["id"], n["kind"], Path(n["file"]).name, n["size"],
                  tuple(e["name"] for e in n["exports"])) for n in doc["nodes"]}
        edges = {(e["source"], e["target"], e["import"], e["export"]) for e in doc["edges"]}
        hosts = {(h["name"], tuple(h["users"])) for h in doc["host_imports"]}
        return nodes, edges, hosts

    assert picture(before) == picture(after)
    assert after["source"] == "composed" and before["source"] == "plan"


def test_graph_of_a_semver_bridged_composition_read_back(tmp_path, chain):
    out = tmp_path / "chain.wasm"
    out.write_bytes(compose(chain["root"], [chain["a"], chain["b"], chain["c"]]).data)
    r = from_composed(out)
    assert {(e.source, e.target, e.import_name, e.export_name) for e in r.edges
            if not e.target.startswith("host:")} == PLUGS
    assert [e.how for e in r.edges if e.target == "c"] == ["semver"]


def test_graph_of_something_that_is_not_a_composition(small_fixtures):
    proc = compose_proc("graph", small_fixtures["seed-ops"], "--composed")
    assert proc.returncode == 1
    assert "not a composition: it instantiates no component" in proc.stderr


# -- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    # like chromium, graphviz and mermaid: a missing test tool fails (the set-up installs it)
    from playwright import sync_api as playwright
    assert Path(CHROMIUM).exists(), "chromium is missing: ./scripts/setup.sh --test installs it"
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def test_mermaid_is_accepted_by_mermaid_itself(browser, chain_report, tmp_path):
    assert MERMAID_JS.exists(), "mermaid is missing: ./scripts/setup.sh --test installs it"
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(path=str(MERMAID_JS))
    parse = "async (t) => { try { await mermaid.parse(t); return 'ok' } catch (e) { return String(e.message) } }"
    assert page.evaluate(parse, render(chain_report, "mermaid")) == "ok"
    assert page.evaluate(parse, "flowchart TB\n a -->|x| ") != "ok"  # the parser does reject
    page.close()


def test_html_page_in_headless_chromium(browser, chain_report, tmp_path):
    page_file = tmp_path / "report.html"
    page_file.write_text(render(chain_report, "html"))
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    assert page.locator("svg#graph g.node.component").count() == len(chain_report.nodes) == 5
    assert page.locator("svg#graph g.edge").count() == len(chain_report.edges)
    assert page.locator("svg#graph g.edge.semver").count() == 1
    # clicking a component shows its exports as WIT-like text
    page.locator('svg#graph g.node[data-id="b"]').click()
    assert "get: func() -> u32;" in page.locator("#details pre").inner_text()
    page.locator("svg#graph g.edge.semver").click()
    assert "semver-compatible versions bridged" in page.locator("#details").inner_text()
    assert page.locator("table.summary").inner_text().split()[:2] == ["components", "4"]
    # clicking a component fades everything but its own edges and neighbours
    page.locator('svg#graph g.node[data-id="a"]').click()
    assert page.locator("svg#graph g.edge:not(.dim)").count() == 2  # root -> a, a -> b
    assert page.locator("svg#graph g.node.component:not(.dim)").count() == 3
    # find, zoom
    page.fill("#find", "spare")
    assert page.locator("svg#graph g.node.match").count() == 1
    assert page.locator("#found").inner_text() == "1 found"
    width = float(page.locator("svg#graph").get_attribute("width"))
    page.click("#zoom-in")
    assert float(page.locator("svg#graph").get_attribute("width")) == pytest.approx(width * 1.25, abs=1)
    page.click("#zoom-reset")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert problems == []
    assert requests == [page_file.as_uri()]  # nothing fetched from anywhere else
    page.close()


@pytest.mark.parametrize("suffix, start", [
    (".html", "<!DOCTYPE html>"), (".dot", "digraph composition {"), (".gv", "digraph"),
    (".mmd", "flowchart TB"), (".json", "{"), (".txt", "composition of root.wasm"),
])
def test_format_follows_the_output_suffix(chain, tmp_path, suffix, start):
    out = tmp_path / f"report{suffix}"
    proc = compose_proc("graph", chain["root"], "-d", chain["a"], "-d", chain["b"], "-d", chain["c"],
                        "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith(start)


def test_tree_is_the_default_on_stdout(chain):
    proc = compose_proc("graph", chain["root"], "-d", chain["a"], "-d", chain["b"], "-d", chain["c"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("composition of root.wasm — ok")
    assert "t:b/b@1.0.0 ← b (exact name)" in proc.stdout


def test_import_nobody_could_satisfy_is_drawn_to_an_unsatisfied_mark(tmp_path):
    import pydot

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    one = write(tmp_path, "one", counter(2, exports="t:a/a@1.0.0"))
    two = write(tmp_path, "two", counter(3, exports="t:a/a@1.0.0"))
    report = from_plan(plan_composition(root, [one, two]))  # ambiguous: both offer it
    (edge,) = [e for e in report.edges if e.problem]
    assert edge.target == "missing:root:t:a/a@1.0.0" and edge.how == "unsatisfied"
    assert "more than one dependency" in edge.problem
    page = render(report, "html")
    assert 'class="node missing"' in page and 'class="edge problem"' in page
    (graph,) = pydot.graph_from_dot_data(render(report, "dot"))
    assert any(n.get("shape") == '"octagon"' for n in graph.get_nodes())
    assert '{{"unsatisfied"}}' in render(report, "mermaid")
