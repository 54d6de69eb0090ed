"""link/capabilities.py and link/policy.py: what each component holds and reaches, planned
and read back, and the policy's patterns, precedence and violations."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.link.capabilities import Held, Reached, check_policy, of_component, of_linked
from composer.link.compose import compose, plan_composition
from composer.link.policy import PatternError, Policy, Verdict, parse_pattern, parse_rule, policy_of

from support.components import capability_chain as chain3, counter, write
from support.oracle import valid, wasm_tools


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_planned_composition_lists_what_each_component_holds_and_reaches(tmp_path):
    app, ops, net = chain3(tmp_path)
    caps = of_linked(plan_composition(app, [ops, net]))
    assert caps.kind == "plan" and caps.title == "app.wasm"
    assert [(c.instance, c.file, c.sha256) for c in caps.components] == [
        ("root", "app.wasm", sha(app)), ("ops", "ops.wasm", sha(ops)), ("net", "net.wasm", sha(net))]
    root, o, n = caps.components
    assert root.direct == (Held("wasi:cli/environment@0.2.0", "wasi:cli/environment@0.2.0", "instance"),)
    assert o.direct == (Held("wasi:filesystem/preopens@0.2.3", "wasi:filesystem/preopens@0.2.3",
                             "instance"),)
    assert root.reachable == (
        Reached("wasi:filesystem/preopens@0.2.3", "wasi:filesystem/preopens@0.2.3", "instance",
                "ops", ("root", "ops")),
        Reached("wasi:sockets/tcp@0.2.0", "wasi:sockets/tcp@0.2.0", "instance", "net",
                ("root", "ops", "net")),
    )
    assert o.reachable == (Reached("wasi:sockets/tcp@0.2.0", "wasi:sockets/tcp@0.2.0", "instance",
                                   "net", ("ops", "net")),)
    assert n.reachable == () and root.calls == ("ops",) and o.calls == ("net",)


def test_a_composed_component_read_back_has_the_same_capabilities(tmp_path):
    app, ops, net = chain3(tmp_path)
    planned = of_linked(plan_composition(app, [ops, net]))
    out = tmp_path / "out.wasm"
    out.write_bytes(compose(app, [ops, net]).data)
    valid(out)
    back = of_component(out)
    assert back.kind == "composed" and back.title == "out.wasm"
    by_instance = {c.instance: c for c in back.components}
    assert set(by_instance) == {"root", "ops", "net"}
    for c in planned.components:
        b = by_instance[c.instance]
        assert (b.file, b.sha256, b.size, b.direct, set(b.reachable), b.calls) == (
            c.file, c.sha256, c.size, c.direct, set(c.reachable), c.calls)
        assert b.path is None


def test_merged_host_imports_name_what_the_output_imports(tmp_path):
    """Two components importing one interface at two versions of a track: each holds its own
    name, given the output's (the newer)."""
    app = write(tmp_path, "app", counter(1, imports=("example:ops/api@1.0.0", "wasi:cli/environment@0.2.0")))
    ops = write(tmp_path, "ops", counter(2, exports="example:ops/api@1.0.0",
                                         imports=("wasi:cli/environment@0.2.3",)))
    root, o = of_linked(plan_composition(app, [ops])).components
    assert root.direct == (Held("wasi:cli/environment@0.2.0", "wasi:cli/environment@0.2.3", "instance"),)
    assert o.direct == (Held("wasi:cli/environment@0.2.3", "wasi:cli/environment@0.2.3", "instance"),)


def test_a_component_that_instantiates_none_holds_all_its_imports(tmp_path):
    app, _, _ = chain3(tmp_path)
    caps = of_component(app)
    assert caps.kind == "component"
    (only,) = caps.components
    assert (only.instance, only.file, only.sha256) == ("app.wasm", "app.wasm", sha(app))
    assert [h.name for h in only.direct] == ["example:ops/api@1.0.0", "wasi:cli/environment@0.2.0"]
    assert only.reachable == ()


def wit_world(path: Path, kind: str) -> list[str]:
    """The instance imports (or exports) of the world `wasm-tools component wit` prints for a
    component."""
    text = wasm_tools("component", "wit", str(path)).stdout.decode()
    world = text[text.index("world root {"):]
    world = world[:world.index("\n}")]
    return re.findall(rf"^  {kind} ([^\s:;]+:[^\s;]+);$", world, re.M)


def test_the_composed_cpy_seed_lists_both_components_with_the_imports_wasm_tools_reads(
        composed_cpy_seed, cpy_fixtures, tmp_path):
    """The oracle: each embedded component's direct host imports are the imports `wasm-tools
    component wit` prints for it (the embedded bytes are the input's: the SHA-256 says so;
    they are also cut out of the composed component and asked about themselves), but for those
    the other component's exports satisfy."""
    from composer.binary import sections as S
    from composer.model.load import load_component

    caps = of_component(composed_cpy_seed)
    files = {c.file: c for c in caps.components}
    assert set(files) == {"cpy-seed-app.wasm", "cpy-seed-ops.wasm"}
    loaded = load_component(composed_cpy_seed)
    nested = [bytes(s.data) for s in loaded.component.sections if isinstance(s, S.ComponentSection)]
    assert len(nested) == 2
    cut = {}
    for name, fixture in (("cpy-seed-app.wasm", "cpy-seed-app"), ("cpy-seed-ops.wasm", "cpy-seed-ops")):
        c = files[name]
        assert c.sha256 == sha(cpy_fixtures[fixture])
        (embedded,) = [b for b in nested if hashlib.sha256(b).hexdigest() == c.sha256]
        cut[name] = tmp_path / name
        cut[name].write_bytes(embedded)
    plugged = set(wit_world(cut["cpy-seed-ops.wasm"], "export"))
    assert plugged == {"example:stringoperations/operations@0.1.0"}
    for name, c in files.items():
        expected = [i for i in wit_world(cut[name], "import") if i not in plugged]
        assert len(expected) > 20 and [h.name for h in c.direct] == expected
    app, ops = files["cpy-seed-app.wasm"], files["cpy-seed-ops.wasm"]
    assert app.calls == (ops.instance,)
    assert {r.name for r in app.reachable} == {h.name for h in ops.direct}
    assert all(r.chain == (app.instance, ops.instance) for r in app.reachable)


# -- patterns and rules -------------------------------------------------------------------------


@pytest.mark.parametrize("pattern,name,matches", [
    ("*", "wasi:cli/stdout@0.2.0", True),
    ("*", "log", True),
    ("wasi:*", "wasi:cli/stdout@0.2.0", True),
    ("wasi:*", "example:cli/stdout@0.2.0", False),
    ("wasi:sockets/*", "wasi:sockets/tcp@0.2.0", True),
    ("wasi:sockets/*", "wasi:socket/tcp@0.2.0", False),
    ("wasi:sockets/*@0.2", "wasi:sockets/tcp@0.2.9", True),
    ("wasi:sockets/*@0.2", "wasi:sockets/tcp@0.3.0", False),
    ("wasi:cli/*@0.2.3", "wasi:cli/stdout@0.2.0", True),  # one track: 0.2.x
    ("wasi:cli/*@0.2.3", "wasi:cli/stdout", False),  # a version never matches none
    ("wasi:http/outgoing-handler@0.2", "wasi:http/outgoing-handler@0.2.4", True),
    ("wasi:http/outgoing-handler@0.2", "wasi:http/outgoing-handler@1.0.0", False),
    ("wasi:http/outgoing-handler", "wasi:http/outgoing-handler@1.0.0", True),
    ("wasi:http/outgoing-handler", "wasi:http/outgoing-handlers@1.0.0", False),
    ("a:b/c@1", "a:b/c@1.7.2", True),
    ("a:b/c@0.0.3", "a:b/c@0.0.4", False),
    ("log", "log", True),
    ("log", "logs", False),
])
def test_a_pattern_matches_names_on_its_versions_track(pattern, name, matches):
    assert parse_pattern(pattern).matches(name) is matches


@pytest.mark.parametrize("text,message", [
    ("", "an empty pattern (expected `*`, `ns:*`, `ns:pkg/*` or an interface name such as "
         "`wasi:http/outgoing-handler@0.2`)"),
    ("wasi:sockets", "`wasi:sockets` is no pattern: expected `wasi:PKG/*` or "
                     "`wasi:PKG/INTERFACE` after the namespace"),
    ("wasi:sockets/*@x", "`x` is no version (expected MAJOR[.MINOR[.PATCH]], e.g. `@0.2` or `@0.2.3`)"),
    ("WASI:x/y", "`WASI` is no namespace (lower-case words joined by `-`)"),
    ("wasi:*@0.2", "`wasi:*@0.2`: a version goes with a package (`ns:pkg/*@1.0`) or an interface, "
                   "not with `ns:*`"),
    ("wasi:x/y*", "`y*` is no interface name (a kebab-case label, or `*`)"),
    ("so*", "`so*` is no pattern (expected `*`, `ns:*`, `ns:pkg/*`, `ns:pkg/iface[@VERSION]` or a "
            "plain import name)"),
])
def test_a_bad_pattern_says_what_is_wrong(text, message):
    with pytest.raises(PatternError) as exc:
        parse_pattern(text)
    assert str(exc.value) == message


def test_options_name_themselves_in_errors():
    with pytest.raises(PatternError) as exc:
        policy_of(deny=("wasi:sockets/*",), allow=("=wasi:x/y",))
    assert str(exc.value) == ("--allow =wasi:x/y: nothing before `=`: expected SCOPE=PATTERN, "
                              "SCOPE a component's file or instance name")


def test_a_scope_is_what_comes_before_the_equals_sign():
    rule = parse_rule(Verdict.DENY, "ops.wasm=wasi:filesystem/*")
    assert (rule.scope, rule.pattern.text, rule.given) == (
        "ops.wasm", "wasi:filesystem/*", "--deny ops.wasm=wasi:filesystem/*")


@pytest.mark.parametrize("deny,allow,names,expected,by", [
    # no rule: allowed
    ((), (), ("ops.wasm",), Verdict.ALLOW, None),
    # an allow narrower than the deny wins
    (("wasi:*",), ("wasi:sockets/*",), (), Verdict.ALLOW, "wasi:sockets/*"),
    # a deny narrower than the allow wins
    (("wasi:sockets/tcp",), ("wasi:sockets/*",), (), Verdict.DENY, "wasi:sockets/tcp"),
    # a version is narrower than none
    (("wasi:sockets/tcp@0.2",), ("wasi:sockets/tcp",), (), Verdict.DENY, "wasi:sockets/tcp@0.2"),
    # equally specific: allow wins
    (("wasi:sockets/*",), ("wasi:sockets/*",), (), Verdict.ALLOW, "wasi:sockets/*"),
    # a scoped rule beats any unscoped one, however narrow
    (("ops.wasm=*",), ("wasi:sockets/tcp@0.2.0",), ("ops.wasm", "ops"), Verdict.DENY, "ops.wasm=*"),
    (("wasi:sockets/tcp@0.2.0",), ("ops=*",), ("ops.wasm", "ops"), Verdict.ALLOW, "ops=*"),
    # a rule scoped to another component does not apply
    (("app.wasm=*",), (), ("ops.wasm", "ops"), Verdict.ALLOW, None),
])
def test_the_most_specific_rule_decides(deny, allow, names, expected, by):
    decision = policy_of(deny, allow).decide("wasi:sockets/tcp@0.2.0", names)
    assert decision.verdict is expected
    assert (decision.rule.text if decision.rule else None) == by


def test_virtualize_is_a_verdict_between_allow_and_deny():
    from composer.link.policy import Rule

    deny, virt, allow = (Rule(v, parse_pattern("wasi:sockets/*")) for v in
                         (Verdict.DENY, Verdict.VIRTUALIZE, Verdict.ALLOW))
    assert Policy((deny, virt)).decide("wasi:sockets/tcp").verdict is Verdict.VIRTUALIZE
    assert Policy((virt, allow)).decide("wasi:sockets/tcp").verdict is Verdict.ALLOW


# -- violations ---------------------------------------------------------------------------------


def violations(tmp_path: Path, deny: tuple[str, ...] = (), allow: tuple[str, ...] = ()) -> list[str]:
    app, ops, net = chain3(tmp_path)
    caps = of_linked(plan_composition(app, [ops, net]))
    return [v.text for v in check_policy(caps, policy_of(deny, allow)).violations]


def test_a_denied_import_is_named_with_its_holder_and_chain(tmp_path):
    assert violations(tmp_path, ("wasi:sockets/*", "wasi:cli/*")) == [
        "`wasi:cli/environment@0.2.0` is denied by --deny wasi:cli/*: root (app.wasm) imports it",
        "`wasi:sockets/tcp@0.2.0` is denied by --deny wasi:sockets/*: net (net.wasm) imports it, "
        "reached through root -> ops -> net",
    ]


def test_a_rule_scoped_to_a_component_covers_what_it_reaches(tmp_path):
    assert violations(tmp_path, ("ops.wasm=wasi:sockets/*", "ops=wasi:filesystem/*")) == [
        "`wasi:filesystem/preopens@0.2.3` is denied to ops (ops.wasm) by --deny "
        "ops=wasi:filesystem/*: ops (ops.wasm) imports it, reached through root -> ops",
        "`wasi:sockets/tcp@0.2.0` is denied to ops (ops.wasm) by --deny ops.wasm=wasi:sockets/*: "
        "net (net.wasm) imports it, reached through ops -> net",
    ]


def test_an_unscoped_rule_is_for_the_holder(tmp_path):
    # net alone may use sockets: the root and ops reach them through it, and that is allowed
    assert violations(tmp_path, ("*",), ("net.wasm=wasi:sockets/*", "wasi:cli/*",
                                        "wasi:filesystem/*")) == []
    assert violations(tmp_path, ("*",), ("wasi:cli/*", "wasi:filesystem/*")) == [
        "`wasi:sockets/tcp@0.2.0` is denied by --deny *: net (net.wasm) imports it, reached "
        "through root -> ops -> net"]


def test_a_scope_naming_no_component_is_an_error(tmp_path):
    with pytest.raises(ComposerError) as exc:
        violations(tmp_path, ("nope.wasm=*",))
    assert str(exc.value) == (
        "--deny nope.wasm=*: no component of the composition is called `nope.wasm` (a SCOPE is a "
        "component's file or instance name: root (app.wasm), ops (ops.wasm), net (net.wasm))")


def test_a_composition_with_a_violation_fails_with_the_violation_as_its_problem(tmp_path):
    from composer.link.compose import CompositionFailed

    app, ops, net = chain3(tmp_path)
    with pytest.raises(CompositionFailed) as exc:
        compose(app, [ops, net], policy=policy_of(("wasi:sockets/tcp@0.2",)))
    (problem,) = exc.value.linked.problems
    assert (problem.instance, problem.import_name) == ("net", "wasi:sockets/tcp@0.2.0")
    assert problem.detail.rule.text == "wasi:sockets/tcp@0.2" and problem.detail.chain == (
        "root", "ops", "net")
    # a rule on another track denies nothing
    out = tmp_path / "out.wasm"
    out.write_bytes(compose(app, [ops, net], policy=policy_of(("wasi:sockets/tcp@0.3",))).data)
    valid(out)
