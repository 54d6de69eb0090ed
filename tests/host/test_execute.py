"""`compose run`: the embedded WASI 0.2 host runs real components in a child process (stdio
passes through the real file descriptors), with exit statuses, arguments, environment,
directory grants, limits and `--invoke` calls checked from the outside."""

from __future__ import annotations

import subprocess
import sys

import pytest

import build_fixtures as bf
from composer.host.execute import RunError, find_function, parse_size
from composer.model.load import load_component

from support.cli import compose_proc


def test_composed_seed_prints_the_expected_text_and_exits_0(composed_seed):
    proc = compose_proc("run", composed_seed)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == bf.SEED_STDOUT
    assert proc.stderr == ""


def test_composed_componentize_py_seed_runs(composed_cpy_seed):
    out = composed_cpy_seed
    proc = compose_proc("run", out)
    assert (proc.returncode, proc.stdout) == (0, bf.SEED_STDOUT), proc.stderr


@pytest.mark.parametrize("seed", ["composed_seed", "composed_cpy_seed"])
def test_a_reader_that_went_away_ends_the_run_quietly(request, seed):
    # `compose run app.wasm | head -1`: like `cat`, the writer dies of SIGPIPE, silently;
    # not a guest traceback, a Rust panic and a trap (a pipe whose reader is already closed
    # makes the first write meet it every time)
    import os
    import signal

    reader, writer = os.pipe()
    os.close(reader)
    try:
        proc = subprocess.run([sys.executable, "-m", "composer", "run",
                               str(request.getfixturevalue(seed))],
                              stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)
    assert (proc.returncode, proc.stderr) == (-signal.SIGPIPE, "")


def test_exit_status_of_the_component_is_the_process_status(small_fixtures):
    proc = compose_proc("run", small_fixtures["exit-3"])
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr


def test_a_called_function_that_exits_ends_compose_with_its_status(small_fixtures):
    proc = compose_proc("run", small_fixtures["exit-3"], "--invoke", "run#run()")
    assert proc.returncode == 3
    assert proc.stderr == f"error: {small_fixtures['exit-3']}: exited with status 3\n"


def test_arguments_environment_and_stdin_reach_the_component(small_fixtures):
    proc = compose_proc("run", small_fixtures["echo-env"], "one", "--two", "--env", "K=V",
                        "--", "--timeout", input="typed on stdin\n")
    assert proc.returncode == 0, proc.stderr
    # argv[0] is the file's name; options of `compose run` are taken wherever they stand,
    # unknown ones and everything after `--` go to the component
    assert proc.stdout.splitlines() == ["echo-env.wasm", "one", "--two", "--timeout", "K=V",
                                        "typed on stdin"]


def test_no_environment_is_inherited_unless_asked(small_fixtures):
    env_marker = "COMPOSER_TEST_MARKER=visible"
    import os

    env = {**os.environ, "COMPOSER_TEST_MARKER": "visible"}
    plain = compose_proc("run", small_fixtures["echo-env"], env=env)
    assert plain.stdout.splitlines() == ["echo-env.wasm"]
    inherited = compose_proc("run", "--inherit-env", "--env", "EXTRA=1", small_fixtures["echo-env"],
                             env=env)
    lines = inherited.stdout.splitlines()
    assert env_marker in lines and "EXTRA=1" in lines


def test_host_files_are_reachable_only_through_dir_grants(tmp_path, small_fixtures):
    granted = tmp_path / "granted"
    granted.mkdir()
    (granted / "data.txt").write_text(bf.READ_FILE_DATA)
    denied = compose_proc("run", small_fixtures["read-file"], cwd=granted)
    assert denied.returncode == 1
    assert denied.stdout == ""
    # the guest's own message, then what it was not granted
    assert denied.stderr.splitlines() == [
        "read-file: cannot open data.txt in the first preopened directory",
        "note: the component can read files, but no directory was granted: pass "
        "--dir HOST[::GUEST]",
    ]
    allowed = compose_proc("run", small_fixtures["read-file"], "--dir", f"{granted}::/")
    assert (allowed.returncode, allowed.stdout) == (0, bf.READ_FILE_DATA), allowed.stderr
    same_name = compose_proc("run", "--dir", granted, small_fixtures["read-file"])
    assert same_name.stdout == bf.READ_FILE_DATA


def test_the_directory_note_follows_only_a_failure_with_no_directory_granted(tmp_path,
                                                                             small_fixtures):
    note = "note: the component can read files"
    # granted, and still failing (no data.txt there): no note
    proc = compose_proc("run", small_fixtures["read-file"], "--dir", f"{tmp_path}::/")
    assert proc.returncode == 1 and "cannot open data.txt" in proc.stderr
    assert note not in proc.stderr
    # failing, but it does not import wasi:filesystem/preopens
    proc = compose_proc("run", small_fixtures["exit-3"])
    assert proc.returncode == 3 and note not in proc.stderr


def test_a_trap_of_a_component_that_can_read_files_gets_the_note_after_its_error(tmp_path):
    from support.components import write

    path = write(tmp_path, "trap", """(component
      (import "wasi:filesystem/preopens@0.2.0" (instance))
      (core module $m (func (export "run") (result i32) unreachable))
      (core instance $i (instantiate $m))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.0" (instance $r)))""")
    proc = compose_proc("run", path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"error: {path}: trapped: ")
    assert lines[1:] == ["note: the component can read files, but no directory was granted: "
                         "pass --dir HOST[::GUEST]"]


def test_granting_a_missing_directory_is_an_error(tmp_path, small_fixtures):
    proc = compose_proc("run", small_fixtures["read-file"], "--dir", tmp_path / "nope")
    assert proc.returncode == 1
    assert "nope: not a directory" in proc.stderr


def test_timeout_stops_a_component_that_loops_forever(small_fixtures):
    proc = compose_proc("run", small_fixtures["loop-forever"], "--timeout", "2", timeout=60)
    assert proc.returncode == 1
    assert "stopped: --timeout of 2 s reached" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_max_memory_is_enforced_with_a_clear_message(small_fixtures):
    # echo-env's memory starts at 3 pages (192 KiB)
    small = compose_proc("run", small_fixtures["echo-env"], "--max-memory", "64K")
    assert small.returncode == 1
    assert "exceeds memory limits" in small.stderr and "--max-memory" in small.stderr
    enough = compose_proc("run", small_fixtures["echo-env"], "--max-memory", "1M")
    assert enough.returncode == 0, enough.stderr


@pytest.mark.parametrize("args, message", [
    (["--max-memory", "lots"], "not a size"),
    (["--timeout", "0"], "--timeout must be more than 0"),
    (["--env", "NOEQUALS"], "expected KEY=VALUE"),
])
def test_bad_limits_are_usage_errors(small_fixtures, args, message):
    proc = compose_proc("run", small_fixtures["echo-env"], *args)
    assert proc.returncode == 2
    assert message in proc.stderr


@pytest.mark.parametrize("name, message", [
    ("core-module", "offset 0x6: this is a core WebAssembly module, not a component"),
    ("value-types", "not a command: it does not export wasi:cli/run"),
])
def test_what_cannot_run_is_named(small_fixtures, name, message):
    proc = compose_proc("run", small_fixtures[name])
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {small_fixtures[name]}: {message}")
    assert proc.stderr.count("\n") == 1


def test_missing_file(tmp_path):
    proc = compose_proc("run", tmp_path / "absent.wasm")
    assert proc.returncode == 1
    assert "absent.wasm: component file not found" in proc.stderr


# -- --invoke ------------------------------------------------------------------------------


@pytest.mark.parametrize("expr, result", [
    ('reverse("hello")', '"olleh"'),
    ('word-count("one two  three")', "3"),
    ('example:stringoperations/operations@0.1.0#reverse("hi")', '"ih"'),
    ('stringoperations/operations#reverse("ab")', '"ba"'),
    ('operations#word-count("")', "0"),
])
def test_invoke_calls_exported_functions(small_fixtures, expr, result):
    proc = compose_proc("run", small_fixtures["seed-ops"], "--invoke", expr)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, result + "\n", "")


def test_invoke_on_the_componentize_py_string_operations(cpy_fixtures):
    ops = cpy_fixtures["cpy-seed-ops"]
    assert compose_proc("run", ops, "--invoke", 'reverse("WebAssembly")').stdout == '"ylbmessAbeW"\n'
    assert compose_proc("run", ops, "--invoke", 'word-count("a b c d")').stdout == "4\n"


SIGNATURE = "example:stringoperations/operations@0.1.0#reverse: func(s: string) -> string"


@pytest.mark.parametrize("expr, message", [
    ("reverse(42)", f"argument 1 (`s`) of `example:stringoperations/operations@0.1.0#reverse`: "
                    f"expected a string, found `42` (expected {SIGNATURE})"),
    ('reverse("a", "b")', f"takes 1 argument, 2 given (expected {SIGNATURE})"),
    ("reverse()", "takes 1 argument, 0 given"),
    ('shout("x")', "no exported function matches `shout` (exported functions: "
                   "example:stringoperations/operations@0.1.0#reverse, "
                   "example:stringoperations/operations@0.1.0#word-count)"),
    ('reverse("unterminated)', "unterminated string at column 9"),
    ("reverse", "expected `function(arguments)`"),
])
def test_bad_invocations_name_the_expected_signature(small_fixtures, expr, message):
    proc = compose_proc("run", small_fixtures["seed-ops"], "--invoke", expr)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_find_function_forms(small_fixtures):
    exports = load_component(small_fixtures["value-types"]).scope.exports
    iface, func, ftype = find_function(exports, "all-types#echo-u8")
    assert (iface, func, len(ftype.params)) == ("example:values/all-types@0.1.0", "echo-u8", 1)
    with pytest.raises(RunError, match="no exported function matches `other#echo-u8`"):
        find_function(exports, "other#echo-u8")


def test_find_function_names_every_candidate_when_ambiguous(tmp_path):
    from support.components import counter, write

    path = write(tmp_path, "two", counter(7, exports="t:a/a@1.0.0", extra_exports=("t:b/b@1.0.0",)))
    exports = load_component(path).scope.exports
    with pytest.raises(RunError, match="`get` is ambiguous: t:a/a@1.0.0#get, t:b/b@1.0.0#get"):
        find_function(exports, "get")
    assert find_function(exports, "b#get")[0] == "t:b/b@1.0.0"
    proc = compose_proc("run", path, "--invoke", "t:b/b@1.0.0#get()")
    assert (proc.returncode, proc.stdout) == (0, "7\n")


@pytest.mark.parametrize("text, size", [
    ("65536", 65536), ("64K", 65536), ("64KiB", 65536), ("64KB", 64000), ("2M", 2 << 20),
    ("1G", 1 << 30), ("1.5M", 3 << 19),
])
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_parse_size_rejects_nonsense():
    with pytest.raises(ValueError):
        parse_size("12 parsecs")


# `get` both top-level (41) and in the interface t:a/a (41 too, via the same core function),
# plus `get` in an instance with a plain name.
TOP_AND_INTERFACE = """(component
  (core module $m (func (export "f") (result i32) (i32.const 41))
                  (func (export "g") (result i32) (i32.const 7)))
  (core instance $i (instantiate $m))
  (func $get (result u32) (canon lift (core func $i "f")))
  (func $other (result u32) (canon lift (core func $i "g")))
  (export "get" (func $get))
  (instance $a (export "get" (func $get)))
  (export "t:a/a@1.0.0" (instance $a))
  (instance $p (export "get" (func $other)))
  (export "plain" (instance $p)))"""


def test_invoke_of_a_top_level_function(tmp_path):
    from support.components import write

    path = write(tmp_path, "top", TOP_AND_INTERFACE)
    for expr, out in (("get()", "41\n"), ("a#get()", "41\n"), ("plain#get()", "7\n")):
        proc = compose_proc("run", path, "--invoke", expr)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, out, ""), expr
    proc = compose_proc("run", path, "--invoke", "other#get()")
    assert proc.returncode == 1
    assert "no exported function matches `other#get` (exported functions: get, " in proc.stderr


@pytest.mark.parametrize("carried, said", [("(future u32)", "a future"), ("(stream u8)", "a stream"),
                                          ("(list (future u32))", "a future")])
def test_invoking_a_function_of_futures_or_streams_is_refused_not_a_crash(tmp_path, carried, said):
    # wasmtime's C API panics converting such a value, which ends the process (the fuzz
    # campaign's one crash): refused before calling, in one line
    from support.build import wat
    from support.oracle import wasm_tools

    path = tmp_path / "fut.wasm"
    path.write_bytes(wat(f"""(component
  (core module $m (memory (export "mem") 1) (func (export "f") (result i32) (i32.const 0)))
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (type $c {carried})
  (type $ft (func (result $c)))
  (func $f (type $ft) (canon lift (core func $i "f") (memory $mem)))
  (export "f" (func $f)))"""))
    assert wasm_tools("validate", str(path), check=False).returncode == 0
    proc = compose_proc("run", path, "--invoke", "f()")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"error: `f` takes or returns {said}, which the embedded host")
    assert proc.stderr.count("\n") == 1 and "panicked" not in proc.stderr


def test_what_wasmtime_cannot_compile_is_one_line_naming_the_file(tmp_path):
    from support.build import wat

    path = tmp_path / "bad.wasm"
    # decodes as a component; its core function returns an i64 where it declares an i32
    path.write_bytes(wat("(component (core module (func (result i32) (i64.const 0))))"))
    proc = compose_proc("run", path)
    assert proc.returncode == 1
    assert proc.stderr == (f"error: {path}: wasmtime cannot compile it: failed to compile: "
                           "wasm[0]::function[0]: Invalid input WebAssembly code at offset 36: "
                           "type mismatch: expected i32, found i64\n")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("returned, status", [(0, 0), (1, 1)])
def test_a_run_returning_err_exits_1(tmp_path, returned, status):
    from support.components import write

    path = write(tmp_path, f"run-{returned}", f"""(component
      (core module $m (func (export "run") (result i32) (i32.const {returned})))
      (core instance $i (instantiate $m))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.0" (instance $r)))""")
    proc = compose_proc("run", path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (status, "", "")


def test_compiling_shows_progress_on_a_terminal_and_ctrl_c_stops_it_at_once(composed_cpy_seed):
    """Compiling the 36 MB composed seed without the cache takes seconds: a terminal sees
    what is happening, and Ctrl-C ends it within a second, exit status 130."""
    import os
    import pty
    import select
    import signal
    import time

    leader, follower = pty.openpty()

    def as_from_a_shell() -> None:
        # Ctrl-C as a terminal delivers it: SIGINT with its default action and not blocked in
        # compose, whatever the test process inherited or a library in it set (a child takes
        # both over, and Python leaves an inherited SIG_IGN in place)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])

    inherited = (signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, []))
    proc = subprocess.Popen(
        [sys.executable, "-m", "composer", "run", "--no-cache", str(composed_cpy_seed)],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
        env=dict(os.environ, TERM="xterm-256color", COLUMNS="120"), preexec_fn=as_from_a_shell,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"compiling composed.wasm" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                seen += os.read(leader, 4096)
        assert b"compiling composed.wasm (36." in seen, seen
        time.sleep(0.5)  # well inside the compile
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"Ctrl-C not acted on in 10 s; the test process's SIGINT "
                                 f"handler and mask: {inherited}; seen: {seen!r}") from None
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert status == 130
    assert took < 1.0, f"Ctrl-C took {took:.2f} s"


def test_no_progress_when_stderr_is_not_a_terminal(small_fixtures):
    proc = compose_proc("run", "--no-cache", small_fixtures["exit-3"])
    assert proc.returncode == 3 and proc.stderr == ""


def test_the_seed_pair_from_webassembly_text(tmp_path, small_fixtures):
    # every command takes `.wat` where it takes `.wasm`: compose, run, verify, graph, inspect
    from support.oracle import wasm_tools

    texts = {}
    for name in ("seed-app", "seed-ops"):
        texts[name] = tmp_path / f"{name}.wat"
        texts[name].write_bytes(wasm_tools("print", str(small_fixtures[name])).stdout)
    out = tmp_path / "composed.wasm"
    proc = compose_proc(texts["seed-app"], "-d", texts["seed-ops"], "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert compose_proc("run", out).stdout == bf.SEED_STDOUT
    assert compose_proc("verify", out).returncode == 0
    # (the composed binary is not printed and read back: wasm-tools' printer names a nested
    # component's outer aliases after the component itself, which its parser then refuses)
    graph = compose_proc("graph", texts["seed-app"], "-d", texts["seed-ops"], "-f", "json")
    assert graph.returncode == 0 and '"plugged_imports": 1' in graph.stdout
    ops = compose_proc("run", texts["seed-ops"], "--invoke", "reverse(\"abc\")")
    assert ops.stdout.strip() == '"cba"', ops.stderr


@pytest.mark.parametrize("command, run, check", [
    ([], "With --run: s", "With --run or --verify: d"),
    (["plug"], "With --run: s", "With --run or --verify: d"),
    (["run"], "S", "D"),  # `compose run` is all about them
])
def test_the_help_says_when_the_host_options_apply(command, run, check):
    proc = compose_proc(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())  # the help's lines unwrapped
    assert f"--env K=V {run}et an environment variable for the component (repeatable)." in text
    assert f"--timeout SECONDS {run}top the component after this long." in text
    assert f"--no-cache {check}o not use wasmtime's compilation cache." in text
