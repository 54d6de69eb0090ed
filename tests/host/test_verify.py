"""`compose verify` and `compose ... --verify/--run`: every import is checked against the host
world, the limits wasmtime enforces, then instantiation in the embedded host."""

from __future__ import annotations

import pytest

import build_fixtures as bf
from composer.link.compose import compose
from composer.errors import ComposerError
from composer.host.verify import verify

from support.build import wat
from support.cli import compose_proc

OPS = "example:stringoperations/operations@0.1.0"


def test_composed_wat_seed_passes_with_the_world_inferred(composed_seed):
    proc = compose_proc("verify", composed_seed)
    assert proc.returncode == 0, proc.stderr
    assert "checked against wasi:cli/command (inferred from its exports)" in proc.stdout
    for name in ("wasi:io/error@0.2.0", "wasi:io/streams@0.2.0", "wasi:cli/stdout@0.2.0"):
        assert f"ok      import {name} (instance)" in proc.stdout
    assert proc.stdout.rstrip().endswith("ok: instantiates in the embedded host; 3 imports, all provided")


def test_composed_componentize_py_seed_passes(composed_cpy_seed):
    out = composed_cpy_seed
    report = verify(out)
    assert report.ok, report.problems
    assert report.instantiated and report.world.name == "wasi:cli/command"


def test_unplugged_import_fails_naming_it(small_fixtures):
    proc = compose_proc("verify", small_fixtures["seed-app"])
    assert proc.returncode == 1
    assert (f"MISSING import {OPS} (instance): not provided by wasi:cli/command: "
            "a dependency must provide it") in proc.stderr
    assert "failed: 1 problem" in proc.stderr


def test_a_library_component_is_reported_as_one_and_passes_on_its_imports(small_fixtures):
    ops = small_fixtures["seed-ops"]
    proc = compose_proc("verify", ops)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"{ops}: a library component (it exports {OPS}): not a command nor an HTTP handler; "
        "its imports checked against wasi:cli/command",
        "ok as a library: instantiates in the embedded host; 0 imports, all provided; "
        "not runnable by itself",
    ]
    assert proc.stderr == ""


@pytest.mark.parametrize("world, what, entry", [
    ("wasi:cli/command", "a command", "wasi:cli/run"),
    ("proxy", "an HTTP handler", "wasi:http/incoming-handler"),
])
def test_a_library_component_fails_a_world_named_for_running(small_fixtures, world, what, entry):
    proc = compose_proc("verify", small_fixtures["seed-ops"], "--world", world)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert (f"FAILED  not {what}: it does not export {entry} (it exports {OPS}); a library "
            "component: compose it into one that does") in proc.stderr
    assert proc.stderr.rstrip().endswith("failed: 1 problem")


def test_an_http_handler_checked_as_a_command_is_told_its_world(small_fixtures):
    proc = compose_proc("verify", small_fixtures["http-proxy"], "--world", "command")
    assert proc.returncode == 1
    assert ("not provided by wasi:cli/command: only the wasi:http/proxy world has it"
            in proc.stderr)
    assert ("FAILED  not a command: it does not export wasi:cli/run (it exports "
            "wasi:http/incoming-handler@0.2.12); it runs in wasi:http/proxy "
            "(--world wasi:http/proxy)") in proc.stderr


@pytest.mark.parametrize("body, line", [
    # a run export on another track than the host's
    ('(instance $r) (export "wasi:cli/run@0.3.0" (instance $r))',
     "FAILED  exports wasi:cli/run@0.3.0, but the host runs wasi:cli/run@0.2.x "
     "(it implements 0.2.12)"),
    # a close spelling of what the world has is suggested
    ('(import "wasi:cli/stdot@0.2.0" (instance))',
     "MISSING import wasi:cli/stdot@0.2.0 (instance): not provided by wasi:cli/command: "
     "did you mean wasi:cli/stdout@0.2.12?"),
])
def test_what_the_host_cannot_take_is_said_precisely(tmp_path, body, line):
    path = tmp_path / "component.wasm"
    path.write_bytes(wat(f"(component {body})"))
    proc = compose_proc("verify", path)
    assert proc.returncode == 1
    assert line in proc.stderr


def test_proxy_world_passes_an_http_handler(small_fixtures):
    for args in (["--world", "wasi:http/proxy"], []):
        proc = compose_proc("verify", small_fixtures["http-proxy"], *args)
        assert proc.returncode == 0, proc.stderr
        assert "checked against wasi:http/proxy" in proc.stdout


def test_proxy_world_rejects_a_command_importing_the_filesystem(small_fixtures):
    proc = compose_proc("verify", small_fixtures["wasi-0.2.0"], "--world", "proxy")
    assert proc.returncode == 1
    assert ("MISSING import wasi:filesystem/types@0.2.0 (instance): not provided by "
            "wasi:http/proxy: only the wasi:cli/command world has it") in proc.stderr
    # never another interface of the package as a suggestion (`exit` is not `stdin`)
    assert ("MISSING import wasi:cli/environment@0.2.0 (instance): not provided by "
            "wasi:http/proxy: only the wasi:cli/command world has it") in proc.stderr
    assert "wasi:cli/stdin@0.2.12" not in proc.stderr
    assert ("FAILED  not an HTTP handler: it does not export wasi:http/incoming-handler "
            "(it exports wasi:cli/run@0.2.0); it runs in wasi:cli/command "
            "(--world wasi:cli/command)") in proc.stderr
    # the same component is fine as a command
    assert compose_proc("verify", small_fixtures["wasi-0.2.0"]).returncode == 0


def test_imports_on_another_track_are_refused_with_the_version_the_host_has(tmp_path):
    path = tmp_path / "next.wasm"
    path.write_bytes(wat('(component (import "wasi:cli/stdout@0.3.0" (instance)) '
                         '(import "wasi:cli/stderr@0.2.3" (instance)))'))
    report = verify(path)  # a library: only its imports are checked
    assert [(c.name, c.problem) for c in report.imports] == [
        ("wasi:cli/stdout@0.3.0",
         "not provided by wasi:cli/command: the host has wasi:cli/stdout@0.2.12"),
        ("wasi:cli/stderr@0.2.3", None),
    ]
    assert not report.ok and report.problems == [] and report.library


def test_unknown_world_is_a_usage_error(composed_seed):
    proc = compose_proc("verify", composed_seed, "--world", "wasi:keyvalue/imports")
    assert proc.returncode == 2
    assert "unknown world `wasi:keyvalue/imports`" in proc.stderr


def test_more_than_1000_modules_and_components_is_reported(tmp_path):
    path = tmp_path / "many.wasm"
    nested = "(component " + " ".join(["(core module)"] * 10) + ")"
    path.write_bytes(wat("(component " + " ".join(["(core module)"] * 991) + nested + ")"))
    # 1 + 991 + 1 + 10 = 1003 core modules and components: the limit is a rule of validation: the component is refused as it is read
    with pytest.raises(ComposerError, match="modules and components count exceeds limit of 1000"):
        verify(path)


def test_what_the_host_refuses_is_reported(tmp_path):
    # the world check looks at names only: an interface the host has, asking for a function
    # it lacks, is caught by instantiation, the real check
    path = tmp_path / "odd.wasm"
    path.write_bytes(wat('(component (import "wasi:cli/stdout@0.2.0" (instance '
                         '(export "no-such-func" (func)))))'))
    report = verify(path)
    assert not report.ok and not report.instantiated
    assert report.problems[0].startswith("the embedded host refuses it: cannot instantiate it:")


# -- compose ... --verify / --run ---------------------------------------------------------


def test_compose_verify_and_run_check_then_write(tmp_path, small_fixtures):
    out = tmp_path / "out.wasm"
    proc = compose_proc(small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", out,
                        "--verify", "--run")
    assert proc.returncode == 0, proc.stderr
    # the run instantiates it, so --verify does not compile it a second time; the report
    # goes to stderr: stdout is the program's own
    assert "ok: 3 imports, all provided; running it is the last check" in proc.stderr
    assert proc.stdout == bf.SEED_STDOUT
    assert out.read_bytes() == compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data


def command_root(extra_import: str = "", status: int = 0) -> bytes:
    """A command that imports the string operations (and `extra_import`) and whose run
    returns `status` (0 ok, else err: exit status 1)."""
    return wat(f"""
(component
  (import "{OPS}" (instance (export "reverse" (func (param "s" string) (result string)))))
  {extra_import}
  (core module $m (func (export "run") (result i32) i32.const {status}))
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $r (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $r)))
""")


def test_compose_verify_failure_writes_nothing(tmp_path, small_fixtures):
    root = tmp_path / "root.wasm"
    root.write_bytes(command_root('(import "example:missing/thing@0.1.0" (instance (export "f" (func))))'))
    out = tmp_path / "out.wasm"
    proc = compose_proc(root, "-d", small_fixtures["seed-ops"], "-o", out, "--verify")
    assert proc.returncode == 1
    assert "MISSING import example:missing/thing@0.1.0 (instance)" in proc.stderr
    assert f"error: {out}: fails verification; not written" in proc.stderr
    assert list(tmp_path.iterdir()) == [root]


def test_compose_verify_refuses_a_library_output(tmp_path, small_fixtures):
    # a composition whose root exports no wasi:cli/run: verifying it as a library would let
    # an unrunnable output through a Makefile's --verify
    out = tmp_path / "out.wasm"
    proc = compose_proc(small_fixtures["resources-user"], "-d", small_fixtures["resources"],
                        "-o", out, "--verify")
    assert proc.returncode == 1
    assert f"{out}: checked against wasi:cli/command (the default)" in proc.stderr
    assert ("FAILED  not a command: it does not export wasi:cli/run (it exports run-count); "
            "a library component: compose it into one that does") in proc.stderr
    assert f"error: {out}: fails verification; not written" in proc.stderr
    assert not out.exists()


def test_compose_run_failure_is_the_exit_status_and_writes_nothing(tmp_path, small_fixtures):
    root = tmp_path / "root.wasm"
    root.write_bytes(command_root(status=1))
    out = tmp_path / "out.wasm"
    proc = compose_proc(root, "-d", small_fixtures["seed-ops"], "-o", out, "--run")
    assert proc.returncode == 1
    assert f"error: {out}: the composed component exited with status 1; not written" in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [root]


def test_compose_verify_alone_instantiates(tmp_path, small_fixtures):
    out = tmp_path / "out.wasm"
    proc = compose_proc(small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", out,
                        "--verify", "--world", "command")
    assert proc.returncode == 0, proc.stderr
    assert "ok: instantiates in the embedded host; 3 imports, all provided" in proc.stderr
    assert proc.stdout == ""
    assert out.exists()
    # -q: nothing but errors
    proc = compose_proc(small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", out,
                        "--verify", "-q")
    assert proc.returncode == 0 and proc.stdout == proc.stderr == ""


def test_compose_verify_to_stdout_checks_before_writing(tmp_path, small_fixtures):
    proc = compose_proc(small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", "-",
                        "--verify", text=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data
    assert b"(stdout): checked against wasi:cli/command" in proc.stderr
    # a failing check: nothing on stdout
    root = tmp_path / "root.wasm"
    root.write_bytes(command_root('(import "example:missing/thing@0.1.0" (instance (export "f" (func))))'))
    proc = compose_proc(root, "-d", small_fixtures["seed-ops"], "-o", "-", "--verify", text=False)
    assert proc.returncode == 1 and proc.stdout == b""
    assert b"error: (stdout): fails verification; not written" in proc.stderr


def test_world_without_verify_and_verify_without_output_are_usage_errors(tmp_path, small_fixtures):
    base = [small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"]]
    assert compose_proc(*base, "-o", "x.wasm", "--world", "proxy").returncode == 2
    # an unknown world is refused before anything is composed
    proc = compose_proc(*base, "-o", tmp_path / "x.wasm", "--verify", "--world", "wasi:nope/nope")
    assert proc.returncode == 2 and "unknown world `wasi:nope/nope`" in proc.stderr
    assert not (tmp_path / "x.wasm").exists()
    # host options without --run would be ignored: refused instead
    proc = compose_proc(*base, "-o", tmp_path / "x.wasm", "--dir", tmp_path)
    assert proc.returncode == 2 and "go with --run" in proc.stderr
    proc = compose_proc(*base, "--run")
    assert proc.returncode == 2 and "--run needs -o FILE: the program's own output goes to stdout" in proc.stderr


def test_compose_verify_that_passes_says_so_in_two_lines_and_names_the_output(tmp_path, small_fixtures):
    # a Makefile's --verify runs on every build: a pass is what was checked and the verdict
    # (each import with -v); the progress line names the output, not the temporary file
    # checked before it takes its place
    out = tmp_path / "out.wasm"
    base = (small_fixtures["seed-app"], "-d", small_fixtures["seed-ops"], "-o", out, "--verify")
    proc = compose_proc(*base)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"{out}: checked against wasi:cli/command (inferred from its exports)",
        "ok: instantiates in the embedded host; 3 imports, all provided"]
    verbose = compose_proc(*base, "-v").stderr.splitlines()
    assert all(line in verbose for line in proc.stderr.splitlines())
    assert sum(line.split()[:2] == ["ok", "import"] for line in verbose) == 3


def test_the_progress_line_names_the_file_as_shown(tmp_path, small_fixtures, monkeypatch):
    # `compose --verify` checks a temporary file (`.out.wasm.d190b8eadac8.tmp`) that becomes
    # the output: the "compiling ..." line names the output
    from composer.host import execute

    said = []
    real = execute.Host.in_background
    monkeypatch.setattr(execute.Host, "in_background",
                        lambda self, work, status=None: said.append(status) or real(self, work))
    temporary = tmp_path / ".out.wasm.d190b8eadac8.tmp"
    temporary.write_bytes(compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data)
    assert verify(temporary, cache=False, shown_as="out.wasm").ok
    assert said[0].startswith("compiling out.wasm (")
