"""`compose graph` and `compose --report`: each format is checked for content (every
component and plugged edge with its labels), JSON against its schema, DOT by Graphviz and
pydot, Mermaid by mermaid's own parser, and the HTML page and the SVG drawing in headless
Chromium: on real compositions (the componentize-py pair with its 25 WASI imports, a
failed one, 200 components) nothing overlaps or is cut off, the page opens readable with
the root in view, and a mismatch shows the expected and the offered WIT side by side."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from composer.link.compose import compose, plan_composition
from composer.report import render
from composer.report.composed import from_composed
from composer.report.compare import marks
from composer.report.json_out import schema
from composer.report.layout import layout
from composer.report.planned import from_plan
from composer.report.picture import picture, short_import, shortened
from composer.report.tree import render_tree

from support import ROOT
from support.build import wat
from support.cli import compose_proc
from support.components import counter, write
from support.oracle import wasm_tools

from support.browser import launched, mermaid_verdict


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
    assert r.summary()["components"] == 4 and r.summary()["rejected_dependencies"] == 0
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
    cluster = graph.get_subgraph('"cluster_host"')[0]
    assert cluster.get("label") == '"host imports"' and cluster.get("style") == "dashed"


def test_dot_keeps_a_problem_of_no_import_as_a_comment(tmp_path, failed_report):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    loose = render(from_plan(plan_composition(root, [])), "dot")  # no dependency: a loose problem
    assert ("  // problem: no dependencies of component `root.wasm` were found (none was given: "
            "-d DEP.wasm, or a config)\n") in loose
    assert "// problem" not in render(failed_report, "dot")  # it is on its link already


def test_mermaid_text_holds_every_component_and_edge(chain_report):
    text = render(chain_report, "mermaid")
    assert text.startswith("flowchart LR\n")
    for label in ('"root<br/>root.wasm', '"a<br/>a.wasm', '"b<br/>b.wasm', "(unused)"):
        assert label in text
    assert '-->|"t:a/a@1.0.0"|' in text
    assert '-.->|"t:c/c@1.0.0<br/><- t:c/c@1.2.0"|' in text
    assert 'subgraph host["host imports"]' in text
    assert '(["t:host<br/>h@1.0.0"])' in text  # a package of one import: the package, then the import


def test_tree_lists_wiring_hosts_and_unused(chain_report):
    text = render(chain_report, "tree")
    assert "t:a/a@1.0.0 ← a (exact name)" in text
    assert "t:c/c@1.0.0 ← c export t:c/c@1.2.0 (semver)\n" in text
    assert "t:host/h@1.0.0 → host" in text
    assert "spare  spare.wasm" in text and "unused: satisfies nothing" in text


def test_failed_composition_is_drawn_with_the_reason(tmp_path):
    import jsonschema

    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp_path, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    out = tmp_path / "report.json"
    proc = compose_proc("graph", root, "-d", dep, "-o", out)
    assert proc.returncode == 1
    assert "func get: result: expected u32, found u64" in proc.stderr
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema())
    assert doc["ok"] is False
    (edge,) = [e for e in doc["edges"] if e["problem"]]
    # drawn to the dependency whose export was rejected: "rejected", not also "unused"
    assert (edge["source"], edge["target"], edge["import"]) == ("root", "rejected:ops", "example:ops/api@0.1.0")
    assert "expected u32, found u64" in edge["problem"]
    (node,) = [n for n in doc["nodes"] if n["id"] == "rejected:ops"]
    assert node["kind"] == "rejected"
    assert node["why"] == ["rejected by root: `example:ops/api@0.1.0` from ops.wasm: func get: result: "
                           "expected u32, found u64"]
    # only what was really instantiated and plugged is counted
    assert {k: doc["summary"][k] for k in ("components", "plugged_imports", "unused_dependencies",
                                           "rejected_dependencies", "problems")} == {
        "components": 1, "plugged_imports": 0, "unused_dependencies": 0, "rejected_dependencies": 1,
        "problems": 1}
    report = from_plan(plan_composition(root, [dep]))
    dot = render(report, "dot")
    assert 'color="red"' in dot and "expected u32, found u64" in dot and "(rejected)" in dot
    assert "unused" not in dot and "satisfies" not in dot
    # the drawing: the red link carries its reason; the box says rejected, nothing says unused
    page = render(report, "html")
    (link,) = re.findall(r'<g class="edge problem".*?</g></g>', page, re.S)
    assert " ".join(re.findall(r'<text[^>]*>([^<]*)</text>', link)) == \
        "api@0.1.0 func get: result: expected u32, found u64"
    box = re.search(r'<g class="node component rejected"[^>]*><title>([^<]*)</title>', page)
    assert box and "\nrejected by root: `example:ops/api@0.1.0` from ops.wasm: func get" in box.group(1)
    drawing = page[page.index("</style>", page.index("<svg")):page.index("</svg>")]  # not its CSS
    assert "unused" not in drawing and "satisfies" not in drawing


def test_compose_report_is_written_even_when_composing_fails(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp_path, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    report = tmp_path / "why.html"
    proc = compose_proc(root, "-d", dep, "-o", tmp_path / "out.wasm", "--report", report)
    assert proc.returncode == 1 and not (tmp_path / "out.wasm").exists()
    assert 'class="edge problem"' in report.read_text()


def test_the_report_is_written_when_an_input_cannot_be_read(tmp_path):
    import jsonschema

    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    missing = tmp_path / "ops.wasm"
    report, out = tmp_path / "why.json", tmp_path / "out.wasm"
    proc = compose_proc(root, "-d", missing, "-o", out, "--report", report)
    assert proc.returncode == 1 and not out.exists()
    assert proc.stderr == f"error: {missing}: component file not found\n"
    doc = json.loads(report.read_text())
    jsonschema.validate(doc, schema())
    assert doc["ok"] is False and doc["problems"] == [
        {"message": f"{missing}: component file not found", "node": None, "import": None}]
    assert [(n["id"], n["kind"], n["file"], n["why"]) for n in doc["nodes"]] == [
        ("unreadable:ops.wasm", "unreadable", str(missing), [f"{missing}: component file not found"])]
    # compose graph -o draws the same, a malformed root too: its box red, saying why
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm\x0d\x00\x01\x00\x07\x40")
    drawing = tmp_path / "why.svg"
    proc = compose_proc("graph", bad, "-d", root, "-o", drawing)
    assert proc.returncode == 1 and proc.stderr.startswith(f"error: {bad}: offset 0xa: ")
    svg = drawing.read_text()
    box = re.search(r'<g class="node component unreadable"[^>]*><title>([^<]*)</title>', svg)
    assert box and "runs past the end" in box.group(1) and ">unreadable</text>" in svg
    assert ".node.unreadable rect.box{fill:#fff4f4;stroke:#d22" in svg
    # and a WAC document that does not parse
    wac = tmp_path / "bad.wac"
    wac.write_text("package a:b;\nlet x = ;\n")
    proc = compose_proc(wac, "-o", out, "--report", report)
    assert proc.returncode == 1 and proc.stderr.startswith(f"error: {wac}:2:9: ")
    (node,) = json.loads(report.read_text())["nodes"]
    assert (node["kind"], node["file"]) == ("unreadable", str(wac)) and node["why"][0].startswith(f"{wac}:2:9: ")


def test_an_unreadable_input_is_drawn_red_in_every_format(tmp_path):
    from composer.errors import ComposerError
    from composer.report.planned import from_error

    report = from_error(tmp_path / "root.wasm", ComposerError("component file not found", file="ops.wasm"))
    assert report.title == "composition of root.wasm" and not report.ok
    (node,) = report.nodes
    assert (node.id, node.kind, node.file, node.size, node.why) == (
        "unreadable:ops.wasm", "unreadable", "ops.wasm", 0, ("ops.wasm: component file not found",))
    dot = render(report, "dot")
    assert ('"unreadable:ops.wasm" [label="ops.wasm\\nops.wasm (0 B)\\n0 exports\\n(unreadable)", '
            'tooltip="ops.wasm: component file not found\\n\\n(no exports)", style="rounded", '
            'color="red", fontcolor="red3"];') in dot
    mermaid = render(report, "mermaid")
    assert '["ops.wasm<br/>ops.wasm (0 B)<br/>(unreadable)"]' in mermaid
    assert "  style n0_unreadable_ops_wasm stroke:red,color:red" in mermaid
    assert render(report, "tree").splitlines()[:3] == [
        "composition of root.wasm — 1 problem",
        "├── ops.wasm  ops.wasm (0 B)  cannot be read",
        "│   └── ops.wasm: component file not found"]
    coloured = render_tree(report, colour=True)
    assert "\x1b[31m  cannot be read\x1b[0m" in coloured and "\x1b[31mops.wasm: component file not found" in coloured
    box = picture(report).boxes[0]
    assert (box.kind, box.lines) == ("unreadable", ("ops.wasm", "0 B", "unreadable"))
    # the size of a file that is there but cannot be read
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm")
    (node,) = from_error(bad, ComposerError("truncated", file=str(bad))).nodes
    assert node.size == 4 and node.id == "unreadable:bad.wasm"


def test_names_with_control_characters_are_escaped_in_every_format(tmp_path):
    pwned = "\n\x1b]0;pwned\x07"
    root = write(tmp_path, f"root{pwned}", counter(1, imports=("t:h/h@1.0.0",)))
    report = from_plan(plan_composition(root, []))
    assert report.nodes[0].file == str(root)  # the model keeps the name as it is
    shown = {  # a line break as each format breaks lines (none in the tree's one line)
        "html": "root\n\\x1b]0;pwned\\x07", "svg": "root\n\\x1b]0;pwned\\x07",
        "dot": "root\\n\\\\x1b]0;pwned\\\\x07",  # DOT's own `\\` for a backslash
        "mermaid": "root<br/>\\x1b]0;pwned\\x07", "tree": "root\\n\\x1b]0;pwned\\x07"}
    for fmt, name in shown.items():
        text = render(report, fmt)
        assert "\x1b" not in text and "\x07" not in text and name in text, fmt
    ET.fromstring(render(report, "svg").encode())  # XML holds no control characters
    from composer.report.layout import CHAR, FONT, PAD_X

    (box,) = [b for b in picture(report).boxes if b.kind == "root"]
    shown = len("root\\n\\x1b]0;pwned\\x07.wasm · 338 B")  # the second line, as drawn
    assert layout(picture(report)).boxes[box.id].w >= shown * CHAR * FONT + 2 * PAD_X
    assert json.loads(render(report, "json"))["nodes"][0]["file"] == str(root)


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


def test_a_host_import_merged_across_versions_is_semver_bridged_when_read_back(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/h@1.0.0", "t:x/x@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:h/h@1.2.0",)))
    out = tmp_path / "out.wasm"
    out.write_bytes(compose(root, [a]).data)
    r = from_composed(out)
    assert {h.name: h.semver_bridged for h in r.host_imports} == {"t:h/h@1.2.0": True,
                                                                 "t:x/x@1.0.0": False}
    assert {(e.source, e.import_name): e.semver for e in r.edges if e.target.startswith("host:")} == {
        ("root", "t:h/h@1.0.0"): True, ("root", "t:x/x@1.0.0"): False, ("a", "t:h/h@1.2.0"): False}


def test_only_a_component_with_an_instance_section_is_read_whole_to_tell_a_composition(
        tmp_path, composed_seed, small_fixtures):
    from composer.link.readback import may_instantiate_components

    assert may_instantiate_components(composed_seed.read_bytes())
    assert may_instantiate_components(small_fixtures["seed-ops"].read_bytes())  # exports an instance
    assert not may_instantiate_components(wat(counter(1, imports=("t:a/a@1.0.0",))))
    assert may_instantiate_components(b"\x00asm\x0d\x00\x01\x00\x07\x40")  # unsound: read it
    # an instance made of exports is no instantiation: the root alone is a plan, failing
    root = tmp_path / "inline.wat"
    root.write_text('(component (import "f" (func $f)) (instance (export "g" (func $f))))')
    proc = compose_proc("graph", root, "-f", "json")
    assert proc.returncode == 1 and json.loads(proc.stdout)["source"] == "plan"


def test_graph_of_something_that_is_not_a_composition(small_fixtures):
    proc = compose_proc("graph", small_fixtures["seed-ops"], "--composed")
    assert proc.returncode == 1
    assert "not a composition: it instantiates no component" in proc.stderr


# -- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    # like graphviz: a missing test tool fails (the set-up installs it)
    yield from launched()


def test_a_failed_host_import_is_drawn_red_not_grey(browser, tmp_path):
    """root and its dependency import `t:h/h@1.0.0` with results u32 and u64: the two cannot
    merge into one import of the output, so the dependency's link to the host fails."""
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/h@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:h/h@1.0.0",),
                                     import_result="u64"))
    report = from_plan(plan_composition(root, [a]))
    failed = [(e.source, e.target) for e in report.edges if e.problem]
    assert failed == [("a", "host:t:h/h@1.0.0")] and "cannot merge the imports" in report.problems[0].message
    red, grey = "rgb(221, 34, 34)", "rgb(154, 163, 178)"
    for fmt in ("svg", "html"):
        (tmp_path / f"report.{fmt}").write_text(render(report, fmt))
        page = browser.new_page()
        page.goto((tmp_path / f"report.{fmt}").as_uri())
        colours = page.evaluate("""() => [...document.querySelectorAll('g.edge')].map(g => [
            g.dataset.source, g.dataset.target, getComputedStyle(g.querySelector('path.line')).stroke,
            g.querySelector('path.line').getAttribute('marker-end')])""")
        assert sorted(colours) == [
            ["a", "host:t:h/h@1.0.0", red, "url(#arrow-problem)"],
            ["root", "a", "rgb(71, 96, 154)", "url(#arrow)"],
            ["root", "host:t:h/h@1.0.0", grey, "url(#arrow-host)"]], fmt
        page.close()
    dot = render(report, "dot")
    assert re.search(r'"a" -> "host:t:h/h@1.0.0" \[label="[^"]*cannot merge[^"]*", color="red"', dot)
    assert re.search(r'"root" -> "host:t:h/h@1.0.0" \[label="t:h/h@1.0.0", color="gray50"\]', dot)
    mermaid = render(report, "mermaid").splitlines()
    links = [line for line in mermaid if " -->" in line]
    (failing,) = [k for k, line in enumerate(links) if line.strip().startswith("n1_a ")]
    assert f"  linkStyle {failing} stroke:red,color:red" in mermaid
    (line,) = [x for x in render_tree(report, colour=True).splitlines() if "cannot merge" in x]
    assert "\x1b[31m✗ t:h/h@1.0.0: cannot merge" in line


def test_mermaid_is_accepted_by_mermaid_itself(browser, chain_report, tmp_path):
    assert mermaid_verdict(browser, render(chain_report, "mermaid")) == "ok"
    # and with an import drawn as a near miss (its own link style)
    root = write(tmp_path, "root", counter(1, imports=("t:b/b@0.1.0",)))
    near = write(tmp_path, "b", counter(100, exports="t:b/b@0.2.0"))
    text = render(from_plan(plan_composition(root, [near])), "mermaid")
    assert "stroke:#c77700" in text and mermaid_verdict(browser, text) == "ok"
    assert mermaid_verdict(browser, "flowchart LR\n a -->|x| ") != "ok"  # the parser does reject


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
    assert page.locator("header .counts").inner_text() == \
        "4 components · 3 plugged imports · 1 host import in 1 package · 1 unused dependency"
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


# -- real compositions: readable, nothing cut off, failures drawn as failures ---------------


@pytest.fixture(scope="module")
def pair_report(cpy_fixtures):
    """The componentize-py seed pair: 25 WASI interfaces imported by both components."""
    return from_plan(plan_composition(cpy_fixtures["cpy-seed-app"], [cpy_fixtures["cpy-seed-ops"]]))


@pytest.fixture(scope="module")
def failed_report(tmp_path_factory):
    """root imports `get: func() -> u32`; the only dependency offers it returning u64."""
    tmp = tmp_path_factory.mktemp("failed")
    root = write(tmp, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    return from_plan(plan_composition(root, [dep]))


@pytest.fixture(scope="module")
def chain30_report(tmp_path_factory):
    """root -> c1 -> ... -> c29: folded in bands, it fits a 1400 x 900 window."""
    import report_screenshots

    return report_screenshots.chain_report(tmp_path_factory.mktemp("chain30"), 30)


@pytest.fixture(scope="module")
def chain50_report(tmp_path_factory):
    import report_screenshots

    return report_screenshots.chain_report(tmp_path_factory.mktemp("chain50"), 50)


@pytest.fixture(scope="module")
def wac_report(small_fixtures):
    """The seed pair in WAC (fixtures/wac/seed.wac): no root, its exports drawn instead."""
    return from_plan(plan_document_of(small_fixtures))


@pytest.fixture(scope="module")
def cycle_report(tmp_path_factory):
    """root -> a -> b -> a: a failed composition with a link back to the left."""
    tmp = tmp_path_factory.mktemp("cycle")
    root = write(tmp, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp, "b", counter(3, exports="t:b/b@1.0.0", imports=("t:a/a@1.0.0",)))
    return from_plan(plan_composition(root, [a, b]))


@pytest.fixture(scope="module")
def bench_report():
    """The 200-component composition of scripts/bench_report.py (cached under fixtures/build)."""
    import bench_report as bench

    paths = bench.generate(200, ROOT / "fixtures" / "build" / "bench-report-200")
    return from_plan(plan_composition(paths[0], paths[1:]))


WASI_PACKAGES = {"wasi:cli": 10, "wasi:clocks": 2, "wasi:filesystem": 2, "wasi:io": 3,
                 "wasi:random": 1, "wasi:sockets": 7}


def test_host_imports_are_one_box_per_package_and_alike_edges_one_link(pair_report):
    pic = picture(pair_report)
    hosts = {b.lines[0]: b for b in pic.boxes if b.kind == "host"}
    assert {p: len(b.members) for p, b in hosts.items()} == WASI_PACKAGES
    assert hosts["wasi:sockets"].lines == ("wasi:sockets", "7 interfaces")
    assert hosts["wasi:random"].lines == ("wasi:random", "random@0.2.9")  # a package of one
    # 2 x 6 host links and the plug, instead of 51 edges
    assert len(pic.links) == 13 and len(pair_report.edges) == 51
    (sockets,) = [k for k in pic.links if (k.source, k.target) == ("root", "package:wasi:sockets")]
    assert sockets.count == 7 and sockets.label == ("×7",) and sockets.classes == ("host",)
    assert sockets.hover.splitlines() == [
        "root imports 7 interfaces of wasi:sockets, left for the host:",
        *(f"  wasi:sockets/{i}@0.2.9" for i in ("network", "instance-network", "udp", "udp-create-socket",
                                                "tcp", "tcp-create-socket", "ip-name-lookup"))]
    (plug,) = [k for k in pic.links if k.target == "cpy-seed-ops"]
    assert plug.label == ("operations@0.1.0",)  # the package is clear from the target
    # root's links pass above and below cpy-seed-ops; 6 crossings are the least possible
    assert layout(pic).crossings == 6
    page = render(pair_report, "html")
    assert page.count('<g class="node hostimport"') == 6
    assert page.count('<g class="members"') == 5  # the expandable packages
    assert ">preopens@0.2.9</text>" in page and ">wasi:filesystem/preopens@0.2.9</title>" in page


def test_labels_are_shortened_only_where_unambiguous():
    imports = shortened(["example:ops/operations@0.1.0", "a:x/api@1.0.0", "run"])
    assert short_import("example:ops/operations@0.1.0", imports) == "operations@0.1.0"
    assert short_import("a:x/api@1.0.0", imports) == "api@1.0.0"
    # the target exports another `api@1.0.0`: that would read alike
    assert short_import("a:x/api@1.0.0", imports, shortened(["b:y/api@1.0.0"])) == "a:x/api@1.0.0"
    assert short_import("a:x/api@1.0.0", imports, shortened(["b:y/api@2.0.0"])) == "api@1.0.0"
    assert short_import("run", imports) == "run"


def test_dot_and_mermaid_group_host_imports_too(pair_report, browser):
    import pydot

    text = render(pair_report, "dot")
    (graph,) = pydot.graph_from_dot_data(text)
    (cluster,) = graph.get_subgraphs()
    assert sorted(n.get("label").strip('"').split("\\n")[0] for n in cluster.get_nodes()) == sorted(WASI_PACKAGES)
    labels = sorted(e.get("label").strip('"') for e in graph.get_edges())
    assert labels.count("×7") == 2 and len(labels) == 13
    proc = subprocess.run([shutil.which("dot") or "dot", "-Tsvg"], input=text, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    width = float(re.search(r'<svg width="([\d.]+)pt"', proc.stdout).group(1))
    assert width < 1500  # it was 7352 pt (9,803 px) with a node per interface
    mmd = render(pair_report, "mermaid")
    assert mmd.count('|"×7"|') == 2 and mmd.count('(["') == 6  # a node per package
    assert len([x for x in mmd.splitlines() if "-->" in x]) == 13
    assert mermaid_verdict(browser, mmd) == "ok"


# Measured in the page: boxes that overlap, text that leaves its box (or list, or label) or
# the drawing, links that leave the drawing, the smallest text as rendered (font size times
# the zoom), and what is inside the visible part of the scrolling pane.
GEOMETRY = """() => {
  const svg = document.getElementById('graph'), vb = svg.viewBox.baseVal;
  const inside = (a, b, slack) => a.x >= b.x - slack && a.y >= b.y - slack &&
      a.x + a.width <= b.x + b.width + slack && a.y + a.height <= b.y + b.height + slack;
  const drawing = {x: 0, y: 0, width: vb.width, height: vb.height};
  const boxes = [...svg.querySelectorAll('g.node')].map(g => [g.dataset.id, g.querySelector('rect.box').getBBox()]);
  boxes.sort((a, b) => a[1].x - b[1].x);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length && boxes[j][1].x < boxes[i][1].x + boxes[i][1].width; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (a.y < b.y + b.height && b.y < a.y + a.height) overlaps.push(boxes[i][0] + ' / ' + boxes[j][0]);
    }
  const shown = t => !t.closest('g.members') || t.closest('g.members').getAttribute('display') !== 'none';
  const texts = [...svg.querySelectorAll('g.node text, g.label text, g.members text')].filter(shown);
  const overflow = [];
  for (const t of texts) {
    const frame = t.closest('g.members') ? t.closest('g.members').querySelector('rect.list')
        : t.closest('g.node, g.label').querySelector('rect');
    const b = t.getBBox();
    if (!inside(b, frame.getBBox(), 0.5) || !inside(b, drawing, 0)) overflow.push(t.textContent);
  }
  const paths = [...svg.querySelectorAll('g.edge path.line')].filter(p => !inside(p.getBBox(), drawing, 0.5));
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  const pane = document.getElementById('scroll'), p = pane.getBoundingClientRect();
  const view = {x: Math.max(p.x, 0), y: Math.max(p.y, 0), width: Math.min(pane.clientWidth, innerWidth - p.x),
                height: Math.min(pane.clientHeight, innerHeight - p.y)};
  const seen = el => inside(el.getBoundingClientRect(), view, 0.5);
  return {overlaps, overflow, paths_out: paths.length, smallest: Math.min(...sizes), texts: texts.length,
          root_seen: seen(svg.querySelector('g.node.root rect.box, g.node.exports rect.box')), all_seen: seen(svg)};
}"""


def open_report(browser, report, tmp_path: Path):
    """The report's page in a 1400 x 900 window, and what its console complains of."""
    page_file = tmp_path / "report.html"
    page_file.write_text(render(report, "html"))
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    return page, errors


@pytest.mark.parametrize("which, fits", [("pair", True), ("failed", True), ("cycle", True), ("wac", True),
                                         ("chain30", True), ("chain50", True), ("bench", False)])
def test_the_page_opens_readable_with_nothing_overlapping_or_cut_off(browser, tmp_path, request, which, fits):
    report = request.getfixturevalue(f"{which}_report")
    page, errors = open_report(browser, report, tmp_path)
    g = page.evaluate(GEOMETRY)
    assert g["texts"] > 0 and g["overlaps"] == [] and g["overflow"] == [] and g["paths_out"] == 0
    assert g["smallest"] >= 10, f"text renders at {g['smallest']:.1f} px"
    assert g["root_seen"]
    assert g["all_seen"] == fits  # the pair and the failed one whole; 200 components cannot be
    if which == "pair":  # each package's list, expanded, stays inside the drawing
        for package, count in WASI_PACKAGES.items():
            if count > 1:
                box = page.locator(f'svg#graph g.node[data-id="package:{package}"]')
                box.click()
                assert page.locator('svg#graph g.members[display="inline"] g.member').count() == count
                g = page.evaluate(GEOMETRY)
                assert g["overflow"] == [] and g["smallest"] >= 10
                box.click()  # and closed again
        assert page.locator('svg#graph g.members[display="inline"]').count() == 0
    assert errors == []
    page.close()


def test_the_standalone_svg_is_the_same_drawing_without_a_script(browser, tmp_path, pair_report, failed_report):
    for report in (pair_report, failed_report):
        text = render(report, "svg")
        doc = ET.fromstring(text.encode())
        ns = "{http://www.w3.org/2000/svg}"
        assert doc.tag == f"{ns}svg" and doc.find(f"{ns}style") is not None
        assert "<script" not in text and "tabindex" not in text and doc.find(f".//{ns}g[@class='members']") is None
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        (tmp_path / "report.svg").write_text(text)
        page.goto((tmp_path / "report.svg").as_uri())
        g = page.evaluate(GEOMETRY.replace("document.getElementById('scroll')", "document.documentElement"))
        assert g["overlaps"] == [] and g["overflow"] == [] and g["paths_out"] == 0
        assert g["smallest"] >= 12 and g["all_seen"]  # at its own size: 12 px text, 1400 x 900 at most
        # styled by its own <style>: the root's frame is thick, links carry no fill
        assert page.evaluate("getComputedStyle(document.querySelector('g.node.root rect.box')).strokeWidth") == "2.5px"
        assert page.evaluate("getComputedStyle(document.querySelector('path.line')).fill") == "none"
        # alone, it says what it is and what its marks mean: a title above, a legend below
        heading = page.locator("text.heading")
        assert heading.text_content() == report.title and heading.evaluate(
            "t => parseFloat(getComputedStyle(t).fontSize)") == 16
        legend = page.locator("g.legend text").all_text_contents()
        assert "root component (its exports are the output's)" in legend
        assert ("dependency whose export was rejected" in legend) == (report is failed_report)
        assert "dependency instance" not in legend or report is pair_report  # only what is drawn
        drawing = page.evaluate("() => document.querySelector('g.boxes').getBoundingClientRect().bottom")
        top = page.evaluate("() => Math.min(...[...document.querySelectorAll('g.legend text')].map(t => t.getBoundingClientRect().top))")
        assert top >= drawing and page.evaluate(
            "() => document.querySelector('text.heading').getBoundingClientRect().bottom") <= page.evaluate(
            "() => document.querySelector('g.boxes').getBoundingClientRect().top")
        page.close()


def test_a_mismatch_shows_expected_and_offered_side_by_side(browser, tmp_path, failed_report):
    page, errors = open_report(browser, failed_report, tmp_path)
    assert page.locator("#panel").is_visible()  # open from the start: there is a problem
    (box,) = page.locator("svg#graph g.node.rejected").all()
    assert box.locator("text").all_text_contents() == ["ops", "181 B", "rejected"]
    page.locator("svg#graph g.edge.problem").click()
    figures = page.locator("#details .compare figure").all()
    assert [f.locator("figcaption").inner_text() for f in figures] == [
        "expected: root imports `example:ops/api@0.1.0`",
        "offered: ops exports `example:ops/api@0.1.0`"]
    assert [f.locator("mark").all_inner_texts() for f in figures] == [
        ["  get: func() -> u32;\n"], ["  get: func() -> u64;\n"]]
    left, right = (f.bounding_box() for f in figures)
    assert right["x"] >= left["x"] + left["width"] and abs(right["y"] - left["y"]) < 20  # side by side
    assert page.locator("#details p").inner_text().endswith(
        "PROBLEM: `example:ops/api@0.1.0` from ops.wasm: func get: result: expected u32, found u64")
    # the problem in the list leads to the same
    page.click("svg#graph")  # let go of the link
    page.locator(".problems li").click()
    assert page.locator("#details .compare figure").count() == 2
    assert page.locator("svg#graph g.edge.problem.selected").count() == 1
    assert errors == []
    page.close()


def test_the_steps_of_a_mismatch_are_the_names_along_its_path():
    from composer.report.compare import _steps

    assert _steps("func get: result: expected u32, found u64") == ["get"]
    assert _steps("instance a: func f: param x: expected u32, found u64") == ["a", "f", "x"]
    assert _steps("record point: missing field y") == ["point", "y"]
    assert _steps("func [method]file.read: result: expected u8") == ["file", "read"]
    assert _steps("func [constructor]file: param n: expected u32") == ["file", "constructor", "n"]
    assert _steps("expected u32, found u64") == []


def test_the_mismatching_line_is_found_by_its_path():
    wit = ("import t:a/a@1.0.0: interface {\n  record point {\n    x: u32,\n    y: u32,\n  }\n"
           "  resource file {\n    read: func(n: u32) -> list<u8>;\n  }\n  get: func(p: point) -> u32;\n}")
    other = wit.replace("y: u32", "y: u64")
    assert marks(wit, other, ["point", "y"]) == (3,)
    assert marks(wit, other, ["file", "read"]) == (6,)
    assert marks(wit, other, ["get", "p"]) == (8,)
    assert marks(wit, other, ["nothing-like-it"]) == (3,)  # not found: the lines the other lacks
    assert marks("export run: func() -> u64;", "", ["run"]) == (0,)
    # the first line after the heading is a line like the others
    two = "import x: interface {\n  get: func();"
    assert marks(two, two, ["get"]) == (1,)
    assert marks("import x: interface {\n  a: u32;\n}", "import x: interface {\n  a: u64;\n}",
                 ["zzz"]) == (1,)


def test_a_large_composition_can_be_navigated(browser, tmp_path, bench_report):
    page, errors = open_report(browser, bench_report, tmp_path)
    visible = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect(),
        p = document.getElementById('scroll'), q = p.getBoundingClientRect();
        return r.left >= q.left && r.top >= q.top && r.right <= q.left + p.clientWidth && r.bottom <= q.top + p.clientHeight; }"""
    text_px = """(sel) => { const t = document.querySelector(sel + ' text');
        return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a; }"""
    far = 'svg#graph g.node[data-id="c150"]'
    assert not page.evaluate(visible, far)
    # find zooms to what it finds
    page.fill("#find", "c150")
    assert page.locator("#found").inner_text() == "1 found"
    assert page.evaluate(visible, far) and page.evaluate(text_px, far) >= 10
    # clicking a link of a selected box goes to its other end: c3 imports a host interface
    link = 'svg#graph g.edge[data-source="c3"][data-target="host:t:host3/log@1.0.0"] path.line'
    point = """([sel, f]) => { const p = document.querySelector(sel), q = p.getPointAtLength(p.getTotalLength() * f),
        m = p.getScreenCTM(); return [q.x * m.a + m.e, q.y * m.d + m.f]; }"""
    page.locator('svg#graph g.node[data-id="c3"]').click()
    page.mouse.click(*page.evaluate(point, [link, 0.01]))  # near c3: the link leaves the window
    assert page.evaluate(visible, 'svg#graph g.node[data-id="host:t:host3/log@1.0.0"]')
    assert not page.evaluate(visible, 'svg#graph g.node[data-id="c3"]')  # far apart: it moved
    assert page.locator("#details h3").inner_text() == "c3 → t:host3/log@1.0.0, left for the host"
    # and back, from the other end
    page.locator('svg#graph g.node[data-id="host:t:host3/log@1.0.0"]').click()
    page.mouse.click(*page.evaluate(point, [link, 0.99]))
    assert page.evaluate(visible, 'svg#graph g.node[data-id="c3"]')
    # double-click zooms to a box
    page.locator('svg#graph g.node[data-id="c3"]').dblclick()
    assert page.evaluate(visible, 'svg#graph g.node[data-id="c3"]')
    assert page.evaluate(text_px, 'svg#graph g.node[data-id="c3"]') >= 15
    page.click("#zoom-root")
    assert page.evaluate(visible, "svg#graph g.node.root")
    assert errors == []
    page.close()


VISIBLE = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect(),
    p = document.getElementById('scroll'), q = p.getBoundingClientRect();
    return r.left >= q.left && r.top >= q.top && r.right <= q.left + p.clientWidth && r.bottom <= q.top + p.clientHeight; }"""


def test_the_panel_never_covers_what_was_clicked(browser, tmp_path, bench_report, failed_report):
    """Opening the panel narrows the drawing's pane: a box clicked at its right edge is kept
    in view; passing over a failed link does not widen the panel (only clicking it does)."""
    page, errors = open_report(browser, bench_report, tmp_path)
    assert not page.locator("#panel").is_visible()  # it opens closed: the graph takes the window
    # a box in full view whose place the panel, opened, would take
    right = page.evaluate("""() => { const p = document.getElementById('scroll'), q = p.getBoundingClientRect();
        const edge = q.left + p.clientWidth;
        const n = [...document.querySelectorAll('svg#graph g.node')].find(n => { const r = n.getBoundingClientRect();
            return r.left > edge - 400 && r.right <= edge && r.top >= q.top && r.bottom <= q.top + p.clientHeight; });
        return n && n.getAttribute('data-id'); }""")
    assert right is not None
    box = f'svg#graph g.node[data-id="{right}"]'
    page.locator(box).click()
    assert page.locator("#panel").is_visible()
    assert page.evaluate(VISIBLE, box)
    page.close()
    page, errors = open_report(browser, failed_report, tmp_path)
    width = "() => document.getElementById('panel').getBoundingClientRect().width"
    assert page.evaluate(width) == 440
    problem = page.locator("svg#graph g.edge.problem .label rect")
    problem.hover()
    assert page.evaluate(width) == 440 and "expected" in page.locator("#details").inner_text()
    problem.click()
    assert page.evaluate(width) == 680
    assert errors == []
    page.close()


@pytest.mark.parametrize("suffix, start", [
    (".html", "<!DOCTYPE html>"), (".dot", "digraph composition {"), (".gv", "digraph"),
    (".mmd", "flowchart LR"), (".json", "{"), (".txt", "composition of root.wasm"),
])
def test_format_follows_the_output_suffix(chain, tmp_path, suffix, start):
    out = tmp_path / f"report{suffix}"
    proc = compose_proc("graph", chain["root"], "-d", chain["a"], "-d", chain["b"], "-d", chain["c"],
                        "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith(start)


@pytest.mark.parametrize("name, fmt, warned", [
    ("r.html", "json", "warning: writing json to r.html (the format -f chose; the file name says html)\n"),
    ("r.txt", "dot", "warning: writing dot to r.txt (the format -f chose; the file name says tree)\n"),
    ("r.json", "json", ""), ("r.htm", "html", ""), ("report", "json", ""), ("-", "json", ""),
])
def test_a_format_the_file_name_contradicts_is_written_with_a_warning(chain, tmp_path, name, fmt, warned):
    """-f wins (the user asked for it), but a file named for another format is worth a word:
    a browser shows r.html's JSON as a page of text."""
    out = tmp_path / name if name != "-" else name
    proc = compose_proc("graph", chain["root"], "-d", chain["a"], "-d", chain["b"], "-d", chain["c"],
                        "-o", out, "-f", fmt)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == warned
    written = proc.stdout if name == "-" else Path(out).read_text()
    assert written.startswith("{" if fmt == "json" else "digraph" if fmt == "dot" else "<!DOCTYPE")


def test_tree_is_the_default_on_stdout(chain):
    proc = compose_proc("graph", chain["root"], "-d", chain["a"], "-d", chain["b"], "-d", chain["c"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("composition of root.wasm — ok")
    assert "t:b/b@1.0.0 ← b (exact name)" in proc.stdout


def test_import_nobody_could_satisfy_is_drawn_to_an_unsatisfied_mark(tmp_path):
    import pydot

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@1.0.0")))
    one = write(tmp_path, "one", counter(2, exports="t:a/a@1.0.0"))
    # nobody offers t:b, and imports may not be left for the host
    report = from_plan(plan_composition(root, [one], no_imports=True))
    (edge,) = [e for e in report.edges if e.problem]
    assert edge.target == "missing:root:t:b/b@1.0.0" and edge.how == "unsatisfied"
    assert "could not be found and instance imports are not allowed" in edge.problem
    assert report.summary()["plugged_imports"] == 1
    page = render(report, "html")
    assert 'class="node missing"' in page and 'class="edge problem"' in page
    # its label: the import, then the reason, wrapped; the mark is one column right of root
    (link,) = re.findall(r'<g class="edge problem".*?</g></g>', page, re.S)
    assert " ".join(re.findall(r'<text[^>]*>([^<]*)</text>', link)) == (
        "t:b/b@1.0.0 a dependency named `t:b/b@1.0.0` could not be found and instance imports "
        "are not allowed")
    (graph,) = pydot.graph_from_dot_data(render(report, "dot"))
    assert any(n.get("shape") == '"octagon"' for n in graph.get_nodes())
    assert '{{"unsatisfied"}}' in render(report, "mermaid")


def page_data(page: str) -> dict:
    """What the page's panel shows for each box and link (its embedded JSON)."""
    return json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))


def test_the_page_holds_the_details_of_every_box_member_and_link(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/x@1.0.0", "t:h/y@1.0.0",
                                                       "t:m/m@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:h/x@1.2.0",)))
    data = page_data(render(from_plan(plan_composition(root, [a])), "html"))
    items, texts = data["items"], data["texts"]

    def shown(item):  # the blocks with their WIT texts
        return [(b["head"], texts[b["wit"]]) for b in item["blocks"]]

    x = "import t:h/x@1.2.0: interface {\n  get: func() -> u32;\n}"
    y = x.replace("x@1.2.0", "y@1.0.0")
    # a package of two imports, used by different components: each says who uses it
    package = items["package:t:h"]
    assert (package["title"], package["text"]) == ("t:h (host imports)", "2 imports left for the host")
    assert shown(package) == [("t:h/x@1.2.0 (used by root, a) (semver-merged)", x),
                              ("t:h/y@1.0.0 (used by root)", y)]
    # each member of it, as its list shows it
    assert (items["host:t:h/x@1.2.0"]["title"], items["host:t:h/x@1.2.0"]["text"]) == (
        "t:h/x@1.2.0", "left for the host; used by root, a (semver-merged)")
    assert items["host:t:h/y@1.0.0"]["text"] == "left for the host; used by root"
    assert shown(items["host:t:h/y@1.0.0"]) == [("", y)]
    # a package of one: who uses it is said once
    one = items["host:t:m/m@1.0.0"]
    assert (one["title"], one["text"]) == ("t:m (host imports)", "1 import left for the host; used by root")
    assert [b["head"] for b in one["blocks"]] == ["t:m/m@1.0.0"]
    assert (items["root"]["title"], items["a"]["title"]) == ("root (root)", "a (dependency)")
    assert items["a"]["text"] == f"{a} (280 B), 1 export, 1 import"
    assert items["link-1"]["text"] == ("root imports t:h/x@1.0.0\nleft for the host as t:h/x@1.2.0\n"
                                       "semver-compatible versions bridged")
    # an import nobody could satisfy: its mark, and its problem leads to its link
    report = from_plan(plan_composition(root, [a], no_imports=True))
    page = render(report, "html")
    mark = page_data(page)["items"]["missing:root:t:m/m@1.0.0"]
    assert mark == {"title": "unsatisfied import", "text": "an import nobody could satisfy", "blocks": []}
    problems = re.findall(r"<li( data-goto=\"[^\"]*\" tabindex=\"0\")?>([^<]*)</li>", page)
    links = {e.import_name: k for k, link in enumerate(picture(report).links) for e in link.edges}
    assert len(problems) == 4 and all(  # a too: its t:h/x@1.2.0
        goto == f' data-goto="link-{links[msg.split("`")[1]]}" tabindex="0"' for goto, msg in problems)
    loose = render(from_plan(plan_composition(root, [])), "html")  # a problem of no import
    assert re.findall(r'<ul class="problems"><li>no dependencies of component', loose)


def test_the_page_opens_at_a_zoom_that_keeps_its_text_at_10_px(chain_report):
    from composer.report.layout import FONT

    (zoom,) = re.findall(r"var READ = ([0-9.]+);", render(chain_report, "html"))
    assert 10 <= float(zoom) * FONT < 10.2


def _points(d: str) -> list[tuple[float, float]]:
    """The points an SVG path of M, L and C commands passes through (not its curves'
    control points)."""
    out = []
    for command, args in re.findall(r"([MLC])([^MLC]*)", d):
        x, y = re.findall(r"(-?[0-9.]+),(-?[0-9.]+)", args)[-1]
        out.append((float(x), float(y)))
    return out


def _overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@pytest.fixture(scope="module")
def cycle_host_report(tmp_path_factory):
    """root -> a -> b -> a, and b imports from the host after its import of a: a link drawn
    after the link back."""
    tmp = tmp_path_factory.mktemp("cycle-host")
    root = write(tmp, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:b/b@1.0.0",)))
    b = write(tmp, "b", counter(3, exports="t:b/b@1.0.0", imports=("t:a/a@1.0.0", "t:h/h@1.0.0")))
    return from_plan(plan_composition(root, [a, b]))


@pytest.mark.parametrize("which", ["chain", "failed", "cycle", "cycle_host"])
def test_the_layout_puts_boxes_in_depth_columns_apart_and_links_from_side_to_side(request, which):
    """What the drawing promises, checked on the layout itself (the page's own check, in a
    browser, measures the text drawn): boxes as large as their text, none over another or a
    label, the root left of its providers and the host right of all, every link from its
    source's right side to its target's left side, within the drawing."""
    from composer.report.layout import LINE, MARGIN, PAD_X, PAD_Y, box_size, text_width

    report = request.getfixturevalue(f"{which}_report")
    pic = picture(report)
    lay = layout(pic)
    places = lay.boxes
    labels = [r.label for r in lay.routes if r.label is not None]
    for b in pic.boxes:
        p = places[b.id]
        assert (p.w, p.h) >= box_size(b) and p.h >= len(b.lines) * LINE + 2 * PAD_Y
        assert p.w >= max(text_width(line) for line in b.lines) + 2 * PAD_X
        assert MARGIN <= p.x and p.x + p.w <= lay.width - MARGIN + 0.01
        assert MARGIN - 0.01 <= p.y and p.y + p.h <= lay.height - MARGIN + 0.01
    frames = [places[b.id] for b in pic.boxes] + labels
    assert not [(a, b) for i, a in enumerate(frames) for b in frames[i + 1:] if _overlap(a, b)]
    depth = {n.id: n.depth for n in report.nodes}
    for a in pic.boxes:
        for b in pic.boxes:
            placed_by_depth = {"root", "dependency"} >= {a.kind, b.kind}  # (unused: beside rank 1)
            if placed_by_depth and a.depth < b.depth:
                assert places[a.id].x + places[a.id].w < places[b.id].x  # columns by depth
            if b.kind == "host" and a.kind != "host":
                assert places[a.id].x + places[a.id].w < places[b.id].x  # the host last
    assert depth.get("root") == 0
    assert len(lay.routes) == len(pic.links)
    for link, route in zip(pic.links, lay.routes):
        s, t = places[link.source], places[link.target]
        points = _points(route.d)
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert abs(x0 - (s.x + s.w)) < 0.06 and s.y < y0 < s.y + s.h
        assert abs(x1 - t.x) < 0.06 and t.y < y1 < t.y + t.h
        assert all(0 <= x <= lay.width and 0 <= y <= lay.height for x, y in points)
        if route.label is not None:  # in the column of links just left of the target
            assert route.label.x + route.label.w < t.x and route.label.x > s.x + s.w
    back = [r for link, r in zip(pic.links, lay.routes) if places[link.target].x <= places[link.source].x]
    bottom = max(p.y + p.h for p in places.values())
    for link, r in zip(pic.links, lay.routes):  # a link back runs in a lane below every box
        if places[link.target].x <= places[link.source].x:
            assert_back_link(r.d, places[link.source], places[link.target], bottom)
    assert bool(back) == which.startswith("cycle")


def test_a_package_list_opens_below_its_box_or_above_when_it_would_stick_out():
    from composer.report.layout import LINE, MARGIN, PAD_X, PAD_Y, Place, _lists, list_size, text_width
    from composer.report.contents import HostImportNode
    from composer.report.picture import Box, Picture

    members = tuple(HostImportNode(f"host:t:p/{n}@1.0.0", f"t:p/{n}@1.0.0", "instance", "t:p", ("root",),
                               False, "") for n in ("a", "bb", "a-much-longer-name"))
    box = Box("package:t:p", "host", ("t:p", "3 interfaces"), "", members)
    w, h = list_size(box)
    assert (w, h) == (text_width("a-much-longer-name@1.0.0") + 2 * PAD_X, 3 * LINE + 2 * PAD_Y)
    narrow = box.replace(members=members[:2], lines=("t:p", "2 interfaces, and a long line"))
    assert list_size(narrow)[0] == layout_box_width(narrow)  # never narrower than its box
    pic = Picture("t", (box,), ())
    place = Place(100, 100, 80, 40)
    fits = 100 + 40 + 2 + h + MARGIN / 2  # the drawing's height that the list fits in below
    assert _lists(pic, {box.id: place}, fits)[box.id] == Place(100, 142, w, h)  # below
    assert _lists(pic, {box.id: place}, fits - 1)[box.id] == Place(100, 100 - h - 2, w, h)  # above
    low = Place(100, h + 1, 80, 40)  # no room above either: below, the drawing grows
    assert _lists(pic, {box.id: low}, 10)[box.id] == Place(100, h + 1 + 40 + 2, w, h)
    assert _lists(pic, {box.id: Place(100, h + 2, 80, 40)}, 10)[box.id].y == 0  # just fits above


def layout_box_width(box) -> float:
    from composer.report.layout import box_size

    return box_size(box)[0]


def test_an_unsatisfied_mark_stands_one_column_right_of_its_importer(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@1.0.0")))
    one = write(tmp_path, "one", counter(2, exports="t:a/a@1.0.0"))
    pic = picture(from_plan(plan_composition(root, [one], no_imports=True)))
    places = layout(pic).boxes
    assert places["missing:root:t:b/b@1.0.0"].x == places["one"].x > places["root"].x


def test_sizes_are_shown_in_bytes_kilobytes_and_megabytes():
    from composer.report.contents import size_text

    assert [size_text(n) for n in (0, 999, 1000, 1500, 999_999, 1_000_000, 36_400_000)] == [
        "0 B", "999 B", "1.0 kB", "1.5 kB", "1000.0 kB", "1.0 MB", "36.4 MB"]


def test_host_imports_of_a_plan_say_their_sort_and_type(tmp_path):
    root = tmp_path / "root.wat"
    root.write_text("""(component
  (import "t:a/a@1.0.0" (instance (export "get" (func (result u32)))))
  (import "f" (func))
  (import "t:h/h@1.0.0" (instance (export "get" (func (result u32))))))""")
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0"))
    hosts = {h.name: h for h in from_plan(plan_composition(root, [a])).host_imports}
    assert (hosts["f"].sort, hosts["f"].wit) == ("func", "import f: func();")
    assert (hosts["t:h/h@1.0.0"].sort, hosts["t:h/h@1.0.0"].wit) == (
        "instance", "import t:h/h@1.0.0: interface {\n  get: func() -> u32;\n}")
    # a plan that stopped before merging: what is known of each (nothing is bridged)
    failed = from_plan(plan_composition(root, []))
    assert [(h.name, h.sort, h.semver_bridged, h.wit) for h in failed.host_imports] == [
        ("t:a/a@1.0.0", "instance", False, ""), ("f", "func", False, ""),
        ("t:h/h@1.0.0", "instance", False, "")]
    # an import that failed before it was wired keeps its sort: a function --plug cannot serve
    plugged = from_plan(plan_composition(root, [a], plugs={"f": a}))
    (edge,) = [e for e in plugged.edges if e.problem]
    assert (edge.target, edge.sort, edge.how) == ("missing:root:f", "func", "unsatisfied")


def test_how_a_plug_was_chosen_is_one_of_the_schema_words():
    from composer.link.reasons import Reason, Rule

    reasons = [Reason(Rule.EXACT_NAME), Reason(Rule.SEMVER, "a@1.2.0"), Reason(Rule.BY_NAME),
               Reason(Rule.CONFIG), Reason(Rule.PLUG), Reason(Rule.PLUG, "a@1.2"),
               Reason(Rule.WAC), Reason(Rule.API)]
    assert [r.word for r in reasons] == [
        "exact name", "semver", "by name", "config", "--plug", "--plug", "wired", "wired"]
    assert [r.text for r in reasons] == [
        "exact name", "semver-compatible `a@1.2.0`", "by name", "config", "--plug",
        "--plug, semver-compatible `a@1.2`", "wac", "api"]


def _link_labels(edges):
    """The labels picture() gives the links along `edges` (Edge records) between `root` and
    the components they name."""
    from composer.report.contents import ComponentNode, CompositionReport

    ids = dict.fromkeys(x for e in edges for x in (e.source, e.target))
    nodes = tuple(ComponentNode(i, "root" if i == "root" else "dependency", f"{i}.wasm", 1, (), ()) for i in ids)
    return [link.label for link in picture(CompositionReport("t", "plan", nodes, tuple(edges), ())).links]


def test_a_failure_is_labelled_with_its_reason_wrapped_in_at_most_four_lines():
    from composer.report.contents import Edge

    def label(reason):
        return _link_labels([Edge("root", "dep", "t:a/a@1.0.0", "t:a/a@1.0.0", "instance", "exact name",
                                  False, f"`t:a/a@1.0.0` from dep.wasm: {reason}")])[0]

    long_word = "x" * 60  # longer than a line: kept whole
    assert label(f"func {long_word}: expected u32") == ("a@1.0.0", "func", f"{long_word}:", "expected u32")
    words = [f"wo{k:02}" for k in range(40)]  # 4 lines of 48 characters at the most: 9 words each
    lines = tuple(" ".join(words[9 * n:9 * n + 9]) for n in range(4))
    assert label(" ".join(words[:36]))[1:] == lines
    assert label(" ".join(words))[1:] == lines[:3] + (lines[3] + " …",)


def test_labels_name_the_member_of_a_package_and_go_past_100_links(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/x@1.0.0", "t:m/m@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:h/y@1.0.0",)))
    pic = picture(from_plan(plan_composition(root, [a])))
    labels = {(link.source, link.target): link.label for link in pic.links}
    assert labels[("root", "package:t:h")] == ("x@1.0.0",)  # which member of the package
    assert labels[("a", "package:t:h")] == ("y@1.0.0",)
    assert labels[("root", "host:t:m/m@1.0.0")] == ()  # the box of one names it already
    from composer.report.contents import Edge

    many = [Edge("root", f"d{i}", f"e{i}", f"e{i}", "func", "exact name", False) for i in range(101)]
    assert _link_labels(many[:100]) == [(f"e{i}",) for i in range(100)]
    failed = Edge("root", "d0", "f", "f", "func", "exact name", False, "`f` from d0.wasm: no")
    assert _link_labels([*many, failed]) == [()] * 101 + [("f", "no")]  # only failures keep theirs


COMPOSED_BY_HAND = """(component
  (import "t:c/c" (component $imported
    (import "f" (func (result u32)))))
  (import "t:h/h@1.0.0" (instance $h (export "get" (func (result u32)))))
  (component $inner
    (import "i" (instance (export "get" (func (result u32)))))
    (import "g" (func (result u32)))
    (import "l" (func (result u32)))
    (export "x" (func 0)))
  (alias export $h "get" (func $hget))
  (core module $m (func (export "k") (result i32) (i32.const 7)))
  (core instance $mi (instantiate $m))
  (func $local (result u32) (canon lift (core func $mi "k")))
  (instance $made (instantiate $inner
    (with "i" (instance $h)) (with "g" (func $hget)) (with "l" (func $local))))
  (instance (instantiate $imported (with "f" (func $hget))))
  (alias export $made "x" (func $x))
  (export "x" (func $x)))
"""


def test_a_composed_component_is_read_back_through_aliases_and_locals(tmp_path):
    """An argument aliased from an imported instance comes from the host; one the component
    defines itself (a lifted function) is no edge; an imported component is no host import;
    the instances and components are named from the name section, or by index without it."""
    path = tmp_path / "by-hand.wasm"
    path.write_bytes(wat(COMPOSED_BY_HAND))
    assert wasm_tools("validate", str(path), check=False).returncode == 0
    r = from_composed(path)
    assert [(n.id, n.kind, n.file) for n in r.nodes] == [("made", "root", "inner"),
                                                         ("instance 2", "dependency", "imported")]
    assert [(e.source, e.target, e.import_name, e.sort) for e in r.edges] == [
        ("made", "host:t:h/h@1.0.0", "i", "instance"), ("made", "host:t:h/h@1.0.0", "g", "func"),
        ("instance 2", "host:t:h/h@1.0.0", "f", "func")]
    assert [(h.name, h.users) for h in r.host_imports] == [("t:h/h@1.0.0", ("made", "instance 2"))]
    # a damaged name section costs the names, nothing else
    data = bytearray(path.read_bytes())
    at = data.rindex(b"component-name") + len(b"component-name")  # the outer one: its first subsection
    data[at + 1] = 0x7F  # a size past the section's end
    path.write_bytes(bytes(data))
    r = from_composed(path)
    assert [(n.id, n.file) for n in r.nodes] == [("instance 1", "component 1"),
                                                 ("instance 2", "t:c/c")]
    stripped = tmp_path / "stripped.wasm"  # another tool's output: no name section at all
    wasm_tools("strip", "--all", str(path), "-o", str(stripped))
    assert [(n.id, n.file) for n in from_composed(stripped).nodes] == [("instance 1", "component 1"),
                                                                      ("instance 2", "t:c/c")]


def test_an_unknown_format_is_refused(chain_report):
    with pytest.raises(ValueError, match="unknown format `nope` \\(known: html, svg, dot, mermaid, json, tree\\)"):
        render(chain_report, "nope")


def test_json_is_the_same_without_the_c_encoder(chain_report, monkeypatch):
    from json import encoder

    fast = render(chain_report, "json")
    monkeypatch.setattr(encoder, "c_make_encoder", None)
    assert render(chain_report, "json") == fast


def test_stacked_slots_keep_their_gaps_and_links_bend_between_columns():
    from composer.report.layout import GAP_BOX, GAP_THIN, _offsets, _path, _Slots

    slots = _Slots()
    for h, box in ((40, True), (20, True), (0, False), (30, True)):
        slots.add(0, 10, h, box)
    # centres apart by half of each height and a gap: wide between boxes, thin next to a link
    assert _offsets([0, 1, 2, 3], slots) == [0, 30 + GAP_BOX, 40 + GAP_BOX + GAP_THIN,
                                             40 + GAP_BOX + 2 * GAP_THIN + 15]
    # straight out of a box and through a column, a curve with level tangents between columns
    assert _path([(0, 0), (10, 0), (20, 10), (30, 10), (40, 30)]) == (
        "M0.0,0.0 L10.0,0.0 C15.0,0.0 15.0,10.0 20.0,10.0 L30.0,10.0 C35.0,10.0 35.0,30.0 40.0,30.0")
    assert _path([(0, 0), (10, 0), (10, 0), (20, 0)]) == "M0.0,0.0 L10.0,0.0 L20.0,0.0"  # a box as wide as its column


def test_mermaid_marks_a_rejected_dependency_red_and_dashed(failed_report):
    text = render(failed_report, "mermaid")
    assert "  style n1_rejected_ops stroke:red,stroke-dasharray:5 3" in text.splitlines()


def test_an_input_named_past_what_a_file_system_takes_is_drawn_with_no_size(tmp_path):
    from composer.errors import ComposerError
    from composer.report.planned import from_error

    long = tmp_path / ("x" * 300 + ".wasm")
    (node,) = from_error(long, ComposerError("cannot read component: File name too long", file=str(long))).nodes
    assert (node.size, node.kind) == (0, "unreadable")


def test_a_link_of_several_imports_lists_them_with_their_exports_when_named_otherwise():
    from composer.report.contents import ComponentNode, CompositionReport, Edge

    nodes = (ComponentNode("root", "root", "root.wasm", 1, (), ()), ComponentNode("dep", "dependency", "dep.wasm", 1, (), ()))
    edges = (Edge("root", "dep", "t:a/a@1.0.0", "t:a/a@1.2.0", "instance", "semver", True),
             Edge("root", "dep", "t:b/b@1.0.0", "t:b/b@1.1.0", "instance", "semver", True))
    (link,) = picture(CompositionReport("t", "plan", nodes, edges, ())).links
    assert link.hover == ("root imports 2 exports of dep:\n  t:a/a@1.0.0 <- t:a/a@1.2.0\n"
                          "  t:b/b@1.0.0 <- t:b/b@1.1.0")
    plain = tuple(e.replace(export_name=e.import_name, semver=False, how="exact name") for e in edges)
    (link,) = picture(CompositionReport("t", "plan", nodes, plain, ())).links
    assert link.hover == "root imports 2 exports of dep:\n  t:a/a@1.0.0\n  t:b/b@1.0.0"


def test_a_failing_rasterizer_is_an_error_naming_it(chain_report, tmp_path, monkeypatch):
    from composer.errors import ComposerError
    from composer.report.png import render_png

    fake = tmp_path / "rsvg-convert"
    fake.write_text("#!/bin/sh\necho 'Error reading SVG' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ComposerError, match="^`rsvg-convert` failed: Error reading SVG$"):
        render_png(chain_report)


def test_the_png_is_the_svg_drawing_rasterized(chain_report):
    # one drawing for HTML, SVG and PNG: the PNG has the standalone SVG's size (not a
    # Graphviz layout of its own), and its pixels are not blank
    import struct
    import zlib

    from composer.report.png import render_png
    from composer.report.svg import render_svg

    png = render_png(chain_report)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    svg = render_svg(chain_report)
    svg_width = float(re.search(r'<svg[^>]* width="([\d.]+)', svg).group(1))
    svg_height = float(re.search(r'<svg[^>]* height="([\d.]+)', svg).group(1))
    assert (width, height) == (pytest.approx(svg_width, abs=1), pytest.approx(svg_height, abs=1))
    assert len(zlib.compress(png)) > 2_000


def test_a_package_box_shows_its_expand_mark_and_its_list_rows_line_by_line(tmp_path):
    from composer.report.layout import LINE, PAD_X, PAD_Y, TOGGLE, text_width
    from composer.report.svg import draw

    root = write(tmp_path, "root", counter(1, imports=("t:h/x@1.0.0", "t:h/y@1.0.0", "t:a/a@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0"))
    pic = picture(from_plan(plan_composition(root, [a])))
    lay = layout(pic)
    svg = draw(pic, lay, interactive=True)
    p = lay.boxes["package:t:h"]
    (mark,) = re.findall(r'<path class="toggle" d="M([0-9.]+),([0-9.]+) h8 l-4,6 z"/>', svg)  # 6 px high
    x, y = float(mark[0]), float(mark[1])
    widest = max(text_width(line) for line in pic.boxes[-1].lines)
    assert p.x + PAD_X + widest <= x and x + 8 <= p.x + p.w - PAD_X  # right of the text, inside
    assert abs(x + 4 - (p.x + p.w - PAD_X - TOGGLE / 2)) < 0.06  # centred in its room
    assert abs(y - (p.y + PAD_Y + LINE + (LINE - 6) / 2)) < 0.06  # centred on the second line
    listing = lay.lists["package:t:h"]
    rows = re.findall(r'<g class="member" data-id="([^"]*)"><title>[^<]*</title><rect class="row" '
                      r'x="[0-9.]+" y="([0-9.]+)" width="[0-9.]+" height="16"/><text x="[0-9.]+" '
                      r'y="([0-9.]+)">([^<]*)</text></g>', svg)
    assert [(r[0], r[3]) for r in rows] == [("host:t:h/x@1.0.0", "x@1.0.0"), ("host:t:h/y@1.0.0", "y@1.0.0")]
    for i, (_, top, baseline, _) in enumerate(rows):
        assert abs(float(top) - (listing.y + PAD_Y + i * LINE)) < 0.06
        assert float(top) < float(baseline) < float(top) + LINE


def test_the_tree_lists_host_imports_by_package_problems_and_warnings(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:h/x@1.0.0", "t:h/y@1.0.0")))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0", imports=("t:h/x@1.2.0",)))
    spare = write(tmp_path, "spare", counter(5, exports="t:s/s@1.0.0"))
    text = render(from_plan(plan_composition(root, [a, spare])), "tree")
    lines = text.splitlines()
    start = lines.index("├── host imports (2)")
    assert lines[start:start + 4] == [
        "├── host imports (2)", "│   └── t:h", "│       ├── t:h/x@1.2.0 used by root, a semver-merged",
        "│       └── t:h/y@1.0.0 used by root"]
    assert "│   ├── t:h/x@1.0.0 → host as t:h/x@1.2.0 semver" in lines
    assert "│   ├── t:h/y@1.0.0 → host" in lines
    assert lines[-2:] == ["└── warnings", f"    └── dependency `{spare}` satisfies no import; it is left "
                          "out: nothing imports what it exports (`t:s/s@1.0.0`)"]
    failed = render(from_plan(plan_composition(root, [])), "tree").splitlines()
    assert failed[-2:] == ["└── problems", "    └── no dependencies of component `root.wasm` were found "
                           "(none was given: -d DEP.wasm, or a config)"]
    rejected = render(from_plan(plan_composition(root, [write(tmp_path, "ops", counter(
        2, exports="t:a/a@1.0.0", result="u64"))])), "tree")
    assert "├── ops  ops.wasm (171 B)  rejected: what it offers does not fit" in rejected


def assert_back_link(d: str, s, t, bottom: float) -> None:
    """A link to the left: out of its source to the edge of the source's column, down into a
    lane below every box (turning in the gap), back along the lane, and up into its target
    (turning in the gap before it)."""
    from composer.report.layout import COLUMN_GAP

    start, out, down, back, end = _points(d)
    assert start[0] == pytest.approx(s.x + s.w, abs=0.06) and out[1] == start[1]
    assert s.x + s.w <= out[0] < s.x + s.w + COLUMN_GAP and down[0] == out[0]
    assert down[1] > bottom and back[1] == down[1]
    assert back[0] == end[0] == pytest.approx(t.x, abs=0.06) and t.y < end[1] < t.y + t.h
    first, second = (re.findall(r"(-?[0-9.]+),(-?[0-9.]+)", c)[:2] for c in re.findall(r"C([^LC]*)", d))
    assert all(out[0] < float(x) <= out[0] + COLUMN_GAP for x, _ in first)  # turning in the gaps
    assert all(t.x - COLUMN_GAP <= float(x) < t.x for x, _ in second)
    assert [float(y) for _, y in first] == [start[1], down[1]] and [float(y) for _, y in second] == [back[1], end[1]]


def test_an_import_named_by_the_config_but_not_imported_keeps_a_sort_in_the_drawing(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0"))
    config = tmp_path / "compose.yml"
    config.write_text("instantiations:\n  root:\n    arguments:\n      t:nope/n@1.0.0: a\n")
    report = from_plan(plan_composition(root, [a], config=config))
    (edge,) = [e for e in report.edges if e.problem]
    assert (edge.import_name, edge.sort, edge.target) == ("t:nope/n@1.0.0", "instance", "missing:root:t:nope/n@1.0.0")
    assert "has no import named `t:nope/n@1.0.0`" in edge.problem


def test_a_link_to_the_plain_names_box_names_its_member(tmp_path):
    root = tmp_path / "root.wat"
    root.write_text('(component (import "t:a/a@1.0.0" (instance (export "get" (func (result u32)))))'
                    ' (import "f" (func)))')
    a = tmp_path / "a.wat"
    a.write_text('(component (import "g" (func (result u32))) (import "h" (func))'
                 ' (instance (export "get" (func 0))) (export "t:a/a@1.0.0" (instance 0)))')
    pic = picture(from_plan(plan_composition(root, [a])))
    (box,) = [b for b in pic.boxes if b.kind == "host"]
    assert (box.id, box.lines, [h.name for h in box.members]) == (
        "package:plain names", ("plain names", "3 imports"), ["f", "g", "h"])
    labels = {(link.source, link.count): link.label for link in pic.links if link.target == box.id}
    assert labels == {("root", 1): ("f",), ("a", 2): ("×2",)}


def visible_text(report, fmt: str) -> str:
    """What a reader of `report` in `fmt` reads: a drawing's labels, titles and tooltips, the
    page's panel texts, the JSON's messages; not ids kept as data (JSON ids, attributes)."""
    out = render(report, fmt)
    if fmt == "tree":
        return out
    if fmt == "dot":
        labels = re.findall(r'(?:label|tooltip)="((?:[^"\\]|\\.)*)"', out)
        return "\n".join(labels).replace("\\n", "\n")
    if fmt == "mermaid":
        return "\n".join(re.findall(r'"([^"]*)"', out))
    if fmt == "json":
        doc = json.loads(out)
        return "\n".join([doc["title"], *doc["warnings"], *(p["message"] for p in doc["problems"]),
                          *(w for n in doc["nodes"] for w in n["why"]),
                          *(e["problem"] or "" for e in doc["edges"])])
    text = re.sub(r"<(style|script)\b.*?</\1>", "", out, flags=re.S)
    texts = re.findall(r">([^<]+)<", text)
    if fmt == "html":
        data = page_data(out)
        texts += [str(v) for item in data["items"].values() for k, v in item.items() if k in ("title", "text")]
        texts += [b["head"] for item in data["items"].values() for b in item["blocks"]]
    return "\n".join(texts)


INTERNAL = re.compile(r"\b(?:rejected|unused|unreadable|host|package|missing):\S|\(s\)")  # an id, a lazy plural


def test_no_format_shows_an_internal_id(tmp_path, small_fixtures):
    """A failed composition (a rejected, an unused dependency, a host import, an import nobody
    satisfies) and a WAC one: every format names things as their reader knows them."""
    root = write(tmp_path, "root", counter(1, imports=("example:ops/api@0.1.0", "d:e/f@1.0.0", "t:n/n@1.0.0")))
    ops = write(tmp_path, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    spare = write(tmp_path, "spare", counter(3, exports="t:s/s@1.0.0"))
    failed = from_plan(plan_composition(root, [ops, spare], no_imports=True))
    assert {n.kind for n in failed.nodes} == {"root", "rejected", "unused"}
    assert any(e.target.startswith("missing:") for e in failed.edges)
    wac = from_plan(plan_document_of(small_fixtures))
    for report in (failed, wac):
        for fmt in ("tree", "dot", "mermaid", "json", "svg", "html"):
            text = visible_text(report, fmt)
            assert "ops" in text or report is wac, fmt  # the text was found (JSON: its messages)
            assert not INTERNAL.findall(text), (fmt, INTERNAL.findall(text), text)
    assert "3 problems" in visible_text(failed, "tree") and "1 problem," not in visible_text(failed, "html")


def test_a_wac_composition_draws_its_exports_where_a_root_would_be(small_fixtures, tmp_path):
    """A WAC document has no root: what it exports is one box at the left, linked to the
    instance each export is; no format speaks of a root."""
    import jsonschema

    out = tmp_path / "wac.json"
    proc = compose_proc("graph", ROOT / "fixtures" / "wac" / "seed.wac", "-o", out,
                        "--dep", f"example:consumer={small_fixtures['seed-app']}",
                        "--dep", f"example:string-operations={small_fixtures['seed-ops']}")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema())
    exports = doc["nodes"][0]
    assert (exports["id"], exports["kind"], exports["depth"]) == ("(exports)", "exports", 0)
    assert [i["name"] for i in exports["exports"]] == ["wasi:cli/run@0.2.0"]
    assert [(e["target"], e["import"], e["export"]) for e in doc["edges"] if e["source"] == "(exports)"] == [
        ("app", "wasi:cli/run@0.2.0", "wasi:cli/run@0.2.0")]
    assert {n["id"]: n["depth"] for n in doc["nodes"]} == {"(exports)": 0, "app": 1, "ops": 2}
    assert doc["summary"]["plugged_imports"] == 1  # an export plugs nothing
    report = from_plan(plan_document_of(small_fixtures))
    assert render(report, "tree").splitlines()[1:3] == [
        "├── what the composition exports (1)", "│   └── wasi:cli/run@0.2.0 ← app (wired)"]
    page = render(report, "html")
    assert re.search(r'<g class="node component exports" data-id="\(exports\)"', page)
    assert '<button type="button" id="zoom-root" title="go to the composition\'s exports">exports</button>' in page
    (k,) = [k for k, link in enumerate(picture(report).links) if link.source == "(exports)"]
    link = page_data(page)["items"][f"link-{k}"]
    assert (link["title"], link["text"]) == ("the composition → app", "the composition exports "
                                             "wasi:cli/run@0.2.0\nwhich is app's export wasi:cli/run@0.2.0")
    assert '"(exports)" -> "app"' in render(report, "dot")
    for fmt in ("tree", "dot", "mermaid", "svg", "html"):
        assert not re.search(r"\broot\b", visible_text(report, fmt)), fmt
    # a -d composition keeps its root
    assert "root component" in render(from_plan(plan_composition(
        small_fixtures["seed-app"], [small_fixtures["seed-ops"]])), "html")


def plan_document_of(small_fixtures):
    from composer.link.compose import plan_document

    return plan_document(ROOT / "fixtures" / "wac" / "seed.wac", dependencies={
        "example:consumer": small_fixtures["seed-app"], "example:string-operations": small_fixtures["seed-ops"]})


def test_a_near_miss_is_drawn_from_the_importer_to_the_dependency_that_came_close(browser, tmp_path):
    """An import left for the host although a dependency came close: besides its host link,
    a dotted link to that dependency, saying why it did not serve, in every drawing."""
    import jsonschema

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@0.1.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", imports=("t:c/c@0.1.0",)))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@0.2.0"))
    c = write(tmp_path, "c", counter(1000, exports="t:c/c@0.3.0"))
    proc = compose_proc("graph", root, "-d", a, "-d", b, "-d", c, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, schema())
    assert {(e["source"], e["import"], tuple(e["near_from"])) for e in doc["edges"] if e["near"]} == {
        ("root", "t:b/b@0.1.0", ("unused:b",)), ("a", "t:c/c@0.1.0", ("unused:c",))}
    report = from_plan(plan_composition(root, [a, b, c]))
    near = {(x.source, x.target): x for x in picture(report).links if x.classes == ("near",)}
    assert set(near) == {("root", "unused:b"), ("a", "unused:c")}  # a's: back to the left
    assert near[("root", "unused:b")].label == ("came close",)
    assert near[("root", "unused:b")].hover == ("root imports t:b/b@0.1.0, left for the host: not from "
                                                "b.wasm exports `t:b/b@0.2.0`: @0.2.0 is not on the track "
                                                "of @0.1.0: 0.1.x versions accept only 0.1.z")
    assert re.search(r'"root" -> "unused:b" \[label="came close: t:b/b@0.1.0", color="darkorange3", '
                     r'style="dotted"', render(report, "dot"))
    assert '-->|"came close: t:c/c@0.1.0"| n' in render(report, "mermaid")
    page, errors = open_report(browser, report, tmp_path)
    assert page.locator('svg#graph g.edge.near[data-target="unused:b"]').count() == 1
    g = page.evaluate(GEOMETRY)
    assert g["overlaps"] == [] and g["overflow"] == [] and g["paths_out"] == 0
    assert errors == []
    page.close()


def test_many_unused_dependencies_are_packed_in_a_grid_below_the_drawing(browser, tmp_path):
    """20 dependencies nothing imports: rows under the drawing, not a column 20 boxes tall
    that would make "fit" a hairline; a few stay in the column beside the root."""
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0"))
    spares = [write(tmp_path, f"spare{k}", counter(k, exports=f"t:s{k}/s@1.0.0")) for k in range(20)]
    report = from_plan(plan_composition(root, [a, *spares]))
    lay = layout(picture(report))
    used = [lay.boxes[i] for i in ("root", "a")]
    grid = [lay.boxes[f"unused:spare{k}"] for k in range(20)]
    assert all(p.y >= max(u.y + u.h for u in used) for p in grid)  # below what is wired
    rows = sorted({p.y for p in grid})
    assert 1 < len(rows) <= 4 and len({p.x for p in grid}) >= 5
    assert lay.height < 20 * 30  # a column of them is taller
    page, errors = open_report(browser, report, tmp_path)
    g = page.evaluate(GEOMETRY)
    assert g["overlaps"] == [] and g["overflow"] == [] and g["all_seen"] and g["smallest"] >= 10
    assert errors == []
    page.close()
    few = layout(picture(from_plan(plan_composition(root, [a, *spares[:3]]))))
    assert len({few.boxes[f"unused:spare{k}"].x for k in range(3)}) == 1  # a column of 3


def test_a_long_chain_is_folded_in_bands_like_a_line_of_text(chain30_report):
    """30 columns in one row would be 4,000 px wide: bands of columns one under the other,
    each link between two bands one path leaving the first at its right and entering the
    second at its left."""
    pic = picture(chain30_report)
    lay = layout(pic)
    assert lay.width <= 1400 and lay.height <= 900
    rows = sorted({lay.boxes[f"c{i}"].y for i in range(1, 30)} | {lay.boxes["root"].y})
    assert len(rows) >= 4  # bands
    order = ["root", *(f"c{i}" for i in range(1, 30))]
    ys = [lay.boxes[b].y for b in order]
    assert ys == sorted(ys)  # read left to right, then down
    across = [(link, route) for link, route in zip(pic.links, lay.routes)
              if lay.boxes[link.source].y != lay.boxes[link.target].y]
    assert len(across) == len(rows) - 1
    for link, route in across:
        assert route.d.count("M") == 2  # two pieces
        first, second = route.d.split(" M")
        s, t = lay.boxes[link.source], lay.boxes[link.target]
        assert _points(first)[0][0] == pytest.approx(s.x + s.w, abs=0.1) and _points(first)[-1][0] > s.x + s.w
        assert _points("M" + second)[0][0] < t.x and _points("M" + second)[-1][0] == pytest.approx(t.x, abs=0.1)
        assert route.label is not None and route.label.y > s.y + s.h  # beside the target, in its band
