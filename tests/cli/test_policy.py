"""`--deny` and `--allow` on the composing commands, and the config's `policy:`: a composition
leaving a denied import reachable fails (exit 1, nothing written), each violation one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import compose_cli, invoke
from support.components import capability_chain
from support.oracle import valid


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, Path, Path]:
    return capability_chain(tmp_path)


def composing(chain, tmp_path, *policy: str) -> tuple[int, str, Path]:
    app, ops, net = chain
    out = tmp_path / "out.wasm"
    result = invoke(app, "-d", ops, "-d", net, "-o", out, *policy)
    return result.exit_code, result.stderr, out


def refused(chain, tmp_path, *policy: str) -> str:
    """What composing the chain under `policy` says: it must fail (exit 1), writing nothing."""
    status, err, out = composing(chain, tmp_path, *policy)
    assert status == 1 and not out.exists(), (status, err)
    return err


def accepted(chain, tmp_path, *policy: str) -> None:
    """Composing the chain under `policy` succeeds silently; wasm-tools validates the output."""
    status, err, out = composing(chain, tmp_path, *policy)
    assert (status, err) == (0, "")
    valid(out)


def test_a_denied_direct_import_fails_naming_the_component(chain, tmp_path):
    assert refused(chain, tmp_path, "--deny", "wasi:cli/*") == (
        "error: `wasi:cli/environment@0.2.0` is denied by --deny wasi:cli/*: root (app.wasm) "
        "imports it\n")


def test_an_import_reached_through_a_dependency_names_the_chain(chain, tmp_path):
    assert refused(chain, tmp_path, "--deny", "wasi:sockets/*@0.2") == (
        "error: `wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*@0.2: net (net.wasm) "
        "imports it, reached through root -> ops -> net\n")


def test_a_rule_scoped_to_one_dependency(chain, tmp_path):
    assert refused(chain, tmp_path, "--deny", "ops.wasm=wasi:filesystem/*",
                   "--deny", "ops=wasi:sockets/tcp") == (
        "error: `wasi:filesystem/preopens@0.2.3` is denied to ops (ops.wasm) by --deny "
        "ops.wasm=wasi:filesystem/*: ops (ops.wasm) imports it, reached through root -> ops\n"
        "error: `wasi:sockets/tcp@0.2.0` is denied to ops (ops.wasm) by --deny "
        "ops=wasi:sockets/tcp: net (net.wasm) imports it, reached through ops -> net\n")
    # scoped to net, the same patterns leave ops' own filesystem alone
    accepted(chain, tmp_path, "--deny", "net.wasm=wasi:filesystem/*")


def test_allow_overrides_a_wider_deny(chain, tmp_path):
    assert refused(chain, tmp_path, "--deny", "wasi:*", "--allow", "wasi:cli/*",
                   "--allow", "wasi:filesystem/preopens@0.2") == (
        "error: `wasi:sockets/tcp@0.2.0` is denied by --deny wasi:*: net (net.wasm) imports it, "
        "reached through root -> ops -> net\n")
    accepted(chain, tmp_path, "--deny", "wasi:*", "--allow", "wasi:cli/*",
             "--allow", "wasi:filesystem/preopens@0.2", "--allow", "net.wasm=wasi:sockets/*")


def test_a_narrower_deny_overrides_a_wider_allow(chain, tmp_path):
    err = refused(chain, tmp_path, "--allow", "*", "--deny", "wasi:cli/environment")
    assert err.startswith("error: `wasi:cli/environment@0.2.0` is denied by --deny "
                          "wasi:cli/environment: root (app.wasm)")


def test_the_config_policy(chain, tmp_path):
    app, ops, net = chain
    config = tmp_path / "compose.yml"
    config.write_text("policy:\n  allow:\n    - wasi:cli/*\n  deny:\n    - \"*\"\n")
    out = tmp_path / "out.wasm"
    result = invoke(app, "-d", ops, "-d", net, "-c", config, "-o", out)
    assert (result.exit_code, result.stderr) == (1, (
        f"error: `wasi:filesystem/preopens@0.2.3` is denied by policy `deny: *` ({config}:4): ops "
        "(ops.wasm) imports it, reached through root -> ops\n"
        f"error: `wasi:sockets/tcp@0.2.0` is denied by policy `deny: *` ({config}:4): net "
        "(net.wasm) imports it, reached through root -> ops -> net\n"))
    assert not out.exists()
    # the options' rules are weighed with the config's
    result = invoke(app, "-d", ops, "-d", net, "-c", config, "-o", out, "--allow", "wasi:sockets/*",
                    "--allow", "ops=wasi:filesystem/*")
    assert (result.exit_code, result.stderr) == (0, "")
    valid(out)


@pytest.mark.parametrize("text,message", [
    ("policy: [x]\n", "`policy` must be a mapping, found list"),
    ("policy:\n  refuse: [x]\n", "unknown key `refuse` in `policy` (known keys: allow, deny)"),
    ("policy:\n  deny: wasi:x/*\n", "`policy.deny` must be a list"),
    ("policy:\n  deny: [wasi:x]\n", "`policy.deny` entry `wasi:x`: `wasi:x` is no pattern: "
                                    "expected `wasi:PKG/*` or `wasi:PKG/INTERFACE` after the namespace"),
    ("policy:\n  allow: [3]\n", "`policy.allow` entry must be a string"),
])
def test_a_bad_config_policy_is_one_line_naming_the_key(chain, tmp_path, text, message):
    app, ops, net = chain
    config = tmp_path / "compose.yml"
    config.write_text(text)
    result = invoke(app, "-d", ops, "-c", config, "-o", tmp_path / "out.wasm")
    assert (result.exit_code, result.stderr) == (1, f"error: {config}: {message}\n")


@pytest.mark.parametrize("option,value,message", [
    ("--deny", "wasi:sockets", "--deny wasi:sockets: `wasi:sockets` is no pattern: expected "
                               "`wasi:PKG/*` or `wasi:PKG/INTERFACE` after the namespace"),
    ("--allow", "wasi:x/y@latest", "--allow wasi:x/y@latest: `latest` is no version (expected "
                                   "MAJOR[.MINOR[.PATCH]], e.g. `@0.2` or `@0.2.3`)"),
])
def test_a_bad_pattern_is_a_usage_error_naming_the_option(chain, tmp_path, option, value, message):
    status, err, out = composing(chain, tmp_path, option, value)
    assert status == 2 and err.splitlines()[-1] == f"Error: {message}"
    assert not out.exists()


def test_a_scope_naming_no_component(chain, tmp_path):
    assert refused(chain, tmp_path, "--deny", "opz.wasm=*") == (
        "error: --deny opz.wasm=*: no component of the composition is called `opz.wasm` (a "
        "SCOPE is a component's file or instance name: root (app.wasm), ops (ops.wasm), net "
        "(net.wasm))\n")


def test_plug_and_a_wac_document_take_the_policy(small_fixtures, tmp_path):
    from support import ROOT

    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    out = tmp_path / "out.wasm"
    expected = "error: `wasi:cli/stdout@0.2.0` is denied by --deny wasi:cli/stdout: {} imports it\n"
    result = invoke("plug", app, "--plug", ops, "-o", out, "--deny", "wasi:cli/stdout")
    assert (result.exit_code, result.stderr) == (1, expected.format("root (seed-app.wasm)"))
    result = invoke(ROOT / "fixtures" / "wac" / "seed.wac", "--dep", f"example:consumer={app}",
                    "--dep", f"example:string-operations={ops}", "-o", out,
                    "--deny", "wasi:cli/stdout")
    assert (result.exit_code, result.stderr) == (1, expected.format("app (example:consumer)"))
    assert not out.exists()
    result = invoke("plug", app, "--plug", ops, "-o", out, "--deny", "wasi:sockets/*")
    assert result.exit_code == 0
    valid(out)


def test_a_report_of_a_refused_composition_draws_the_violation(chain, tmp_path):
    import json

    report = tmp_path / "report.json"
    status, _, out = composing(chain, tmp_path, "--deny", "wasi:sockets/*", "--report", report)
    assert status == 1 and not out.exists()
    doc = json.loads(report.read_text())
    assert [p["message"] for p in doc["problems"]] == [
        "`wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*: net (net.wasm) imports it, "
        "reached through root -> ops -> net"]


def test_graph_draws_the_plan_or_a_composed_component_against_the_policy(chain, tmp_path):
    """`compose graph --deny/--allow`: what composing would refuse is a problem of the drawing
    (exit 1, the violation among the report's problems), of a plan and of a composed
    component read back alike; an `--allow` overriding the `--deny` draws it clean."""
    import json

    app, ops, net = chain
    composed = tmp_path / "composed.wasm"
    assert invoke(app, "-d", ops, "-d", net, "-o", composed).exit_code == 0
    message = ("`wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*: net (net.wasm) "
               "imports it, reached through root -> ops -> net")
    for drawn in ((app, "-d", ops, "-d", net), (composed,)):
        report = tmp_path / "report.json"
        result = invoke("graph", *drawn, "--deny", "wasi:sockets/*", "-o", report)
        assert result.exit_code == 1
        problems = [p["message"] for p in json.loads(report.read_text())["problems"]]
        assert message in problems
        allowed = invoke("graph", *drawn, "--deny", "wasi:sockets/*", "--allow",
                         "wasi:sockets/tcp", "-o", report)
        assert allowed.exit_code == 0, allowed.stderr
        assert not json.loads(report.read_text())["problems"]


def test_a_wildcard_virtualize_leaves_pass_through_imports_to_the_other_rules(small_fixtures, tmp_path):
    """`--deny '*' --virtualize '*'`: the entry points are plugged with deny adapters, and
    stdio, which a wildcard leaves with the host, is denied (not shown virtualized while it
    reaches the host), saying why; allowed, the composition validates and stdout is the
    host's."""
    import json

    from support.oracle import valid, wasm_tools

    probe = str(small_fixtures["net-probe"])
    out = tmp_path / "out.wasm"
    code, text = compose_cli(probe, "--deny", "*", "--virtualize", "*", "-o", out)
    assert code == 1 and not out.exists()
    assert ("`wasi:cli/stdout@0.2.12` is denied by --deny *: root (net-probe.wasm) imports it "
            "(--virtualize * leaves it with the host") in text
    report = tmp_path / "report.json"
    code, text = compose_cli(probe, "--deny", "*", "--virtualize", "*", "--allow", "wasi:io/*",
                             "--allow", "wasi:cli/stdout", "-o", out, "--report", report)
    assert code == 0, text
    valid(out)
    world = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert "import wasi:cli/stdout@0.2.12;" in world and "wasi:sockets" not in world
    root = next(c for c in json.loads(report.read_text())["capabilities"]["components"]
                if c["instance"] == "root")
    verdicts = {h["name"]: h["policy"]["verdict"] for h in root["direct"]}
    assert verdicts["wasi:cli/stdout@0.2.12"] == "allow"


def test_virtualize_is_weighed_with_allow_and_deny(small_fixtures, tmp_path):
    """A `--virtualize` pattern decides, as every rule, only where no more specific rule
    does: a narrower --allow keeps its import with the host (no adapter), a narrower --deny
    refuses it rather than plug an adapter the user did not ask for there."""
    from support.oracle import valid, wasm_tools

    probe = str(small_fixtures["net-probe"])
    out = tmp_path / "out.wasm"
    code, text = compose_cli(probe, "--virtualize", "*", "--allow", "wasi:filesystem/*",
                             "-o", out)
    assert code == 0, text
    valid(out)
    world = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert "import wasi:filesystem/preopens@0.2.12;" in world  # allowed: the host's
    assert "wasi:sockets" not in world  # still virtualized
    # allowing an interface whose resources a virtualized one defines cannot be: said
    code, text = compose_cli(probe, "--virtualize", "wasi:sockets/*",
                             "--allow", "wasi:sockets/tcp-create-socket", "-o", out)
    assert code == 1
    assert ("`wasi:sockets/tcp-create-socket@0.2.12` cannot be left for the host: it uses the "
            "resource `tcp-socket`") in text
    code, text = compose_cli(probe, "--virtualize", "*", "--deny", "wasi:filesystem/*",
                             "-o", tmp_path / "no.wasm")
    assert code == 1 and not (tmp_path / "no.wasm").exists()
    assert ("`wasi:filesystem/preopens@0.2.12` is denied by --deny wasi:filesystem/*: root "
            "(net-probe.wasm) imports it") in text
