"""`compose audit`: a component read back (composed or not) or a composition planned, as a
table (plain text in a pipe, rich on a terminal) or JSON (validated against its schema), and
checked against a policy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from composer.report.audit import schema

from support import ROOT
from support.cli import compose_on_terminal, invoke
from support.components import counter, write
from support.oracle import valid


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, Path]:
    app = write(tmp_path, "app", counter(1, imports=("example:ops/api@1.0.0", "wasi:cli/environment@0.2.0")))
    ops = write(tmp_path, "ops", counter(2, exports="example:ops/api@1.0.0",
                                         imports=("wasi:sockets/tcp@0.2.0",)))
    return app, ops


def audit_json(*args: object) -> tuple[int, dict, str]:
    result = invoke("audit", *args, "--json")
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, schema())
    return result.exit_code, doc, result.stderr


def test_the_composed_cpy_seed_lists_both_components_with_their_host_imports(composed_cpy_seed,
                                                                            cpy_fixtures):
    """As wasm-tools reads each input (tests/link/test_capabilities.py holds them to
    `wasm-tools component wit`); here the command line's JSON, against its schema."""
    from composer.link.capabilities import of_component

    status, doc, _ = audit_json(composed_cpy_seed)
    assert status == 0 and doc["source"] == "composed" and doc["ok"] is True
    files = {c["file"]: c for c in doc["components"]}
    assert set(files) == {"cpy-seed-app.wasm", "cpy-seed-ops.wasm"}
    for name in ("cpy-seed-app", "cpy-seed-ops"):
        c = files[f"{name}.wasm"]
        assert c["sha256"] == hashlib.sha256(cpy_fixtures[name].read_bytes()).hexdigest()
        # read alone (componentize-py nests shim components: its own core modules hold the
        # imports), what it holds composed is what it imports, but for what the other exports
        alone = of_component(cpy_fixtures[name])
        assert alone.components[0].instance == f"({name}.wasm)"
        assert [d["name"] for d in c["direct"]] == [
            h.name for a in alone.components for h in a.direct
            if h.name != "example:stringoperations/operations@0.1.0"]
    app, ops = files["cpy-seed-app.wasm"], files["cpy-seed-ops.wasm"]
    assert [r["name"] for r in app["reachable"]] == [d["name"] for d in ops["direct"]]
    assert {tuple(r["chain"]) for r in app["reachable"]} == {(app["instance"], ops["instance"])}


def test_the_table_in_a_pipe_is_plain_text(chain, tmp_path):
    app, ops = chain
    result = invoke("audit", app, "-d", ops)
    assert result.exit_code == 0
    digest = hashlib.sha256(app.read_bytes()).hexdigest()
    lines = result.stdout.splitlines()
    assert lines[0] == "app.wasm (plan)"
    assert lines[1] == f"root (app.wasm): {app}, {app.stat().st_size:,} bytes, sha256 {digest}"
    table = lines[lines.index("") + 1:]
    assert [line.split() for line in table] == [
        ["component", "import", "how"],
        ["root", "(app.wasm)", "wasi:cli/environment@0.2.0", "direct"],
        ["wasi:sockets/tcp@0.2.0", "through", "root", "->", "ops"],
        ["ops", "(ops.wasm)", "wasi:sockets/tcp@0.2.0", "direct"],
    ]
    assert "\x1b" not in result.stdout


def test_the_table_on_a_terminal_is_drawn_and_coloured(chain):
    app, ops = chain
    status, shown, _ = compose_on_terminal("audit", str(app), "-d", str(ops), "--deny",
                                           "wasi:sockets/*")
    assert status == 1
    assert "\x1b[" in shown and "─" in shown
    assert "deny (--deny wasi:sockets/*)" in shown and "allow (no rule)" in shown
    # a denied import in bold red, an allowed one plain
    assert "\x1b[1;31mdeny (--deny wasi:sockets/*)" in shown
    assert "\x1b[1;31mallow" not in shown


def test_a_component_alone_holds_its_imports(chain):
    app, _ = chain
    status, doc, _ = audit_json(app)
    assert status == 0 and doc["source"] == "component"
    (only,) = doc["components"]
    assert [d["name"] for d in only["direct"]] == ["example:ops/api@1.0.0", "wasi:cli/environment@0.2.0"]
    assert only["reachable"] == [] and only["path"] == str(app)


def test_audit_deny_checks_an_existing_component_for_ci(chain, tmp_path):
    app, ops = chain
    out = tmp_path / "out.wasm"
    assert invoke(app, "-d", ops, "-o", out).exit_code == 0
    valid(out)
    status, doc, err = audit_json(out, "--deny", "wasi:sockets/*", "--allow", "root=*")
    assert status == 1 and doc["ok"] is False
    message = ("`wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*: ops (ops.wasm) "
               "imports it, reached through root -> ops")
    assert err == f"error: {message}\n"
    assert doc["violations"] == [{
        "name": "wasi:sockets/tcp@0.2.0", "holder": "ops",
        "rule": {"verdict": "deny", "pattern": "wasi:sockets/*", "scope": None,
                 "given": "--deny wasi:sockets/*"},
        "scope": None, "chain": ["root", "ops"], "message": message}]
    root = next(c for c in doc["components"] if c["instance"] == "root")
    # what the root holds, and reaches, is decided by its scoped allow; what ops holds, by the
    # unscoped deny
    assert [(d["policy"]["verdict"], d["policy"]["rule"]["scope"])
            for d in (root["direct"][0], root["reachable"][0])] == [("allow", "root")] * 2
    ops = next(c for c in doc["components"] if c["instance"] == "ops")
    assert ops["direct"][0]["policy"] == {"verdict": "deny", "rule": doc["policy"][0]}
    assert invoke("audit", out, "--deny", "wasi:http/*").exit_code == 0


def test_audit_of_a_plan_takes_the_configs_policy(chain, tmp_path):
    app, ops = chain
    config = tmp_path / "compose.yml"
    config.write_text("policy:\n  deny: [\"app.wasm=wasi:sockets/*\"]\n")
    status, doc, err = audit_json(app, "-d", ops, "-c", config)
    assert status == 1 and doc["source"] == "plan"
    assert err == (f"error: `wasi:sockets/tcp@0.2.0` is denied to root (app.wasm) by policy "
                   f"`deny: app.wasm=wasi:sockets/*` ({config}:2): ops (ops.wasm) imports it, "
                   "reached through root -> ops\n")
    assert doc["violations"][0]["scope"] == "root"
    # `compose graph` plans the same composition, held to the same policy (the config's)
    report = tmp_path / "report.json"
    drawn = invoke("graph", app, "-d", ops, "-c", config, "-o", report)
    assert drawn.exit_code == 1
    assert [p["message"] for p in json.loads(report.read_text())["problems"]] == [
        v["message"] for v in doc["violations"]]


def test_audit_of_a_wac_document(small_fixtures):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    status, doc, _ = audit_json(ROOT / "fixtures" / "wac" / "seed.wac",
                                "--dep", f"example:consumer={app}",
                                "--dep", f"example:string-operations={ops}")
    assert status == 0 and doc["source"] == "plan"
    by = {c["instance"]: c for c in doc["components"]}
    assert by["app"]["file"] == "example:consumer" and by["app"]["calls"] == ["ops"]
    assert [d["name"] for d in by["app"]["direct"]] == [
        "wasi:io/error@0.2.0", "wasi:io/streams@0.2.0", "wasi:cli/stdout@0.2.0"]
    assert by["ops"]["direct"] == [] and by["ops"]["reachable"] == []


def test_audit_of_a_failing_plan_names_its_problems(chain, tmp_path):
    app, _ = chain
    other = write(tmp_path, "other", counter(2, exports="example:ops/api@1.0.0", result="u64"))
    result = invoke("audit", app, "-d", other)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: `example:ops/api@1.0.0` from other.wasm")


def test_the_schema_refuses_what_it_does_not_describe(chain):
    app, _ = chain
    _, doc, _ = audit_json(app)
    doc["components"][0]["direct"][0]["policy"] = {"verdict": "maybe", "rule": None}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema())
