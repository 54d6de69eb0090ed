"""`compose --persistent_worker` (Bazel's persistent worker, both protocols) and `@flagfile`
in one-shot mode. The requests are encoded by the tests' own encoder (support.worker)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.oracle import valid
from support.worker import ask, ends_cleanly, proto_request, read_proto_response, worker_process


def one_shot(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "composer", *args], capture_output=True, text=True)


def one_shot_merged(args: list[str]) -> tuple[int, str]:
    """A one-shot run's exit status and its stdout and stderr as one stream, in the order
    written (unbuffered, as a worker's response holds them)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    run = subprocess.run([sys.executable, "-m", "composer", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env)
    return run.returncode, run.stdout.decode("utf-8", "replace")


def test_proto_worker_composes_as_one_shot_does(small_fixtures, tmp_path):
    app, ops = str(small_fixtures["seed-app"]), str(small_fixtures["seed-ops"])
    expected = tmp_path / "one-shot.wasm"
    assert one_shot([app, "-d", ops, "-o", str(expected)]).returncode == 0
    valid(expected)
    with worker_process() as worker:
        outs = [tmp_path / f"worker{i}.wasm" for i in range(2)]
        missing = str(tmp_path / "missing.wasm")
        worker.stdin.write(proto_request([app, "-d", ops, "-o", str(outs[0])], 1))
        worker.stdin.write(proto_request([missing, "-d", ops, "-o", str(outs[1])], 2))
        worker.stdin.write(proto_request([app, "-d", ops, "-o", str(outs[1])], 3))
        worker.stdin.flush()
        first, failed, second = (read_proto_response(worker.stdout) for _ in range(3))
        assert first["exit_code"] == 0 and first["request_id"] == 1
        wanted = one_shot([missing, "-d", ops, "-o", str(outs[1])])
        assert failed == {"exit_code": 1, "output": wanted.stdout + wanted.stderr,
                          "request_id": 2, "was_cancelled": False}
        assert second["exit_code"] == 0 and second["request_id"] == 3
        for out in outs:
            assert out.read_bytes() == expected.read_bytes()
        # a request and its cancel, read together: answered cancelled, nothing written
        cancelled = tmp_path / "cancelled.wasm"
        worker.stdin.write(proto_request([app, "-d", ops, "-o", str(cancelled)], 4)
                           + proto_request([], 4, cancel=True))
        worker.stdin.write(proto_request([], 1, cancel=True))  # one answered: ignored
        worker.stdin.write(proto_request(["--version"], 5))
        worker.stdin.flush()
        answer = read_proto_response(worker.stdout)
        assert answer["request_id"] == 4 and answer["was_cancelled"]
        assert not cancelled.exists()
        version = read_proto_response(worker.stdout)
        assert version["request_id"] == 5 and version["exit_code"] == 0 and version["output"]
        ends_cleanly(worker)


def test_json_worker_reads_requests_without_newlines(small_fixtures, tmp_path):
    app, ops = str(small_fixtures["seed-app"]), str(small_fixtures["seed-ops"])
    expected = tmp_path / "one-shot.wasm"
    assert one_shot([app, "-d", ops, "-o", str(expected)]).returncode == 0
    valid(expected)
    missing = one_shot([str(tmp_path / "missing.wasm")])
    for startup in ((), ("--worker_protocol=json",)):
        with worker_process(*startup) as worker:
            out = tmp_path / "worker.wasm"
            # Bazel's JSON: compact, no newline after a request, requestId left out when 0
            requests = [{"arguments": [app, "-d", ops, "-o", str(out)],
                         "inputs": [{"path": app, "digest": "abcd"}]},
                        {"arguments": [str(tmp_path / "missing.wasm")], "requestId": 7},
                        {"arguments": ["inspect", app], "requestId": 8}]
            worker.stdin.write(b"".join(json.dumps(r, separators=(",", ":")).encode()
                                        for r in requests))
            worker.stdin.flush()
            answers = [json.loads(worker.stdout.readline()) for _ in requests]
            assert [a["requestId"] for a in answers] == [0, 7, 8]
            assert [a["exitCode"] for a in answers] == [0, missing.returncode, 0]
            assert answers[1]["output"] == missing.stdout + missing.stderr
            assert "not found" in answers[1]["output"]
            assert answers[2]["output"] == one_shot(["inspect", app]).stdout
            assert out.read_bytes() == expected.read_bytes()
            ends_cleanly(worker)


def test_flagfile_in_one_shot_mode(small_fixtures, tmp_path):
    app, ops = str(small_fixtures["seed-app"]), str(small_fixtures["seed-ops"])
    out, direct = tmp_path / "out put.wasm", tmp_path / "direct.wasm"
    params = tmp_path / "params"
    params.write_text(f"-d\n{ops}\n-o\n{out}\n")  # Bazel's param file: a line an argument
    assert one_shot([app, f"@{params}"]).returncode == 0
    assert one_shot([app, "-d", ops, "-o", str(direct)]).returncode == 0
    assert out.read_bytes() == direct.read_bytes()
    valid(out)
    (tmp_path / "inspect").write_text(f"inspect\n{app}\n")
    assert one_shot([f"@{tmp_path / 'inspect'}"]).stdout == one_shot(["inspect", app]).stdout
    missing = one_shot([app, f"@{tmp_path / 'nope'}"])
    assert missing.returncode == 2
    assert "cannot read the flag file" in missing.stderr
    # after `--`, `@NAME` is a file's name, not a flag file
    (tmp_path / "@app.wasm").write_bytes(Path(app).read_bytes())
    after = subprocess.run([sys.executable, "-m", "composer", "-d", ops, "-o", "after.wasm",
                            "--", "@app.wasm"], cwd=tmp_path, capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    named = tmp_path / "named.wasm"  # the same file named by its absolute path
    assert one_shot([str(tmp_path / "@app.wasm"), "-d", ops, "-o", str(named)]).returncode == 0
    assert (tmp_path / "after.wasm").read_bytes() == named.read_bytes()
    valid(named)


def copied_seed(small_fixtures, tmp_path: Path) -> tuple[Path, Path]:
    """The seed pair copied, so that a test may replace a file under a digest."""
    app, ops = tmp_path / "app.wasm", tmp_path / "ops.wasm"
    app.write_bytes(small_fixtures["seed-app"].read_bytes())
    ops.write_bytes(small_fixtures["seed-ops"].read_bytes())
    return app, ops


def test_worker_remembers_inputs_by_declared_digest(small_fixtures, tmp_path):
    """An input loaded before under the digest a request declares is not read again: the
    file replaced by garbage, the same digest still composes; a new digest reads the new
    bytes and fails as a one-shot run does."""
    app, ops = copied_seed(small_fixtures, tmp_path)
    expected = tmp_path / "one-shot.wasm"
    assert one_shot([str(app), "-d", str(ops), "-o", str(expected)]).returncode == 0
    valid(expected)
    with worker_process() as worker:
        digests = {str(app): b"app-1", str(ops): b"ops-1"}
        outs = [tmp_path / f"out{i}.wasm" for i in range(3)]
        first = ask(worker, proto_request([str(app), "-d", str(ops), "-o", str(outs[0])], 1,
                                          inputs=digests))
        assert first["exit_code"] == 0, first
        ops.write_bytes(b"\0asm garbage")
        second = ask(worker, proto_request([str(app), "-d", str(ops), "-o", str(outs[1])], 2,
                                           inputs=digests))
        assert second["exit_code"] == 0, second
        assert outs[1].read_bytes() == expected.read_bytes()
        changed = {**digests, str(ops): b"ops-2"}
        third = ask(worker, proto_request([str(app), "-d", str(ops), "-o", str(outs[2])], 3,
                                          inputs=changed))
        wanted = one_shot([str(app), "-d", str(ops), "-o", str(outs[2])])
        assert wanted.returncode != 0
        assert third["exit_code"] == wanted.returncode
        assert third["output"] == wanted.stdout + wanted.stderr


def test_worker_cache_limit_lets_inputs_go(small_fixtures, tmp_path):
    """With a limit smaller than any input (`COMPOSE_WORKER_CACHE_BYTES`), nothing is kept:
    the garbage that replaced an input is read again under the same digest."""
    app, ops = copied_seed(small_fixtures, tmp_path)
    with worker_process(env=dict(os.environ, COMPOSE_WORKER_CACHE_BYTES="16")) as worker:
        digests = {str(app): b"app-1", str(ops): b"ops-1"}
        args = [str(app), "-d", str(ops), "-o", str(tmp_path / "out.wasm")]
        assert ask(worker, proto_request(args, 1, inputs=digests))["exit_code"] == 0
        ops.write_bytes(b"\0asm garbage")
        assert ask(worker, proto_request(args, 2, inputs=digests))["exit_code"] == 1


def test_load_cache_evicts_least_recently_used():
    from composer.model.loadcache import LoadCache

    cache = LoadCache(limit=10)
    cache.keep("a", "A", 4)
    cache.keep("b", "B", 4)
    assert cache.recall("a") == "A"  # now b is the least recently used
    cache.keep("c", "C", 4)
    assert cache.recall("b") is None and cache.recall("a") == "A" and cache.recall("c") == "C"
    assert cache.held == 8
    cache.keep("big", "X", 11)  # larger than the limit: not kept
    assert cache.recall("big") is None and len(cache) == 2
    assert cache.digest("x") is None  # nothing declared: a one-shot run
    cache.declare({"x": b"d", "y": b""})
    assert cache.digest("x") == b"d" and cache.digest("y") is None
    cache.withdraw()
    assert cache.digest("x") is None


def test_worker_requests_answer_as_one_shot_runs_whatever_ran_before(small_fixtures, tmp_path):
    """Settings one request makes (verbosity, colour, a policy, a failure, a component run
    through the host's own file descriptors) do not reach the next: a sequence of different
    commands, in one order then the reverse, each answered as a one-shot run prints it."""
    app, ops = str(small_fixtures["seed-app"]), str(small_fixtures["seed-ops"])
    composed = str(tmp_path / "composed.wasm")
    assert one_shot([app, "-d", ops, "-o", composed]).returncode == 0
    verbose_out = tmp_path / "verbose.wasm"
    wac = str(Path(__file__).resolve().parents[2] / "fixtures" / "wac" / "seed.wac")
    commands = [
        [app, "-d", ops, "-o", str(verbose_out), "-vv"],
        ["--color", "always", "graph", app, "-d", ops],
        ["graph", app, "-d", ops],
        ["run", composed],  # the guest writes through fd 1, not sys.stdout
        ["audit", composed, "--deny", "wasi:cli/*"],
        ["audit", composed],
        ["verify", composed],
        ["inspect", ops, "--json"],
        [str(tmp_path / "missing.wasm"), "-d", ops],
        ["plug", app, "--plug", ops, "-o", str(tmp_path / "plugged.wasm"), "--report",
         str(tmp_path / "plugged.json")],
        [wac, "--dep", f"example:consumer={app}", "--dep", f"example:string-operations={ops}",
         "-o", str(tmp_path / "wac.wasm"), "-v"],
    ]
    expected = {tuple(args): one_shot_merged(args) for args in commands}
    written = {f.name: f.read_bytes() for f in tmp_path.iterdir() if f.name != "composed.wasm"}
    assert set(written) == {"verbose.wasm", "plugged.wasm", "plugged.json", "wac.wasm"}
    assert expected[("run", composed)][1].startswith("Original: Hello")
    assert "\x1b[" in expected[tuple(commands[1])][1] and "\x1b[" not in expected[tuple(commands[2])][1]
    assert {code for code, _ in expected.values()} == {0, 1}
    with worker_process() as worker:
        sequence = commands + commands[::-1]
        for i, args in enumerate(sequence, 1):
            worker.stdin.write(proto_request(args, i))
        worker.stdin.flush()
        for i, args in enumerate(sequence, 1):
            answer = read_proto_response(worker.stdout)
            assert answer["request_id"] == i
            assert (answer["exit_code"], answer["output"]) == expected[tuple(args)], args
        assert {f: (tmp_path / f).read_bytes() for f in written} == written
        for f in written:
            if f.endswith(".wasm"):
                valid(tmp_path / f)
        ends_cleanly(worker)


def test_cancel_stops_the_request_running(small_fixtures):
    """A cancel for the request running (a component looping for ever, so that it runs
    until stopped) stops it and answers it cancelled; the worker serves the next one."""
    with worker_process(limit=60) as worker:  # not stopped: killed, and the test fails
        worker.stdin.write(proto_request(["run", str(small_fixtures["loop-forever"])], 1))
        worker.stdin.flush()
        time.sleep(1.5)  # compiled and looping
        worker.stdin.write(proto_request([], 1, cancel=True))
        worker.stdin.write(proto_request(["--version"], 2))
        worker.stdin.flush()
        answer = read_proto_response(worker.stdout)
        assert answer["request_id"] == 1 and answer["was_cancelled"]
        version = read_proto_response(worker.stdout)
        assert version["request_id"] == 2 and version["exit_code"] == 0
        assert version["output"] == one_shot(["--version"]).stdout
        ends_cleanly(worker)


def test_ctrl_c_ends_an_idle_worker_quietly():
    """A worker started by hand and interrupted while waiting: exit 130, no traceback."""
    with worker_process() as worker:
        assert ask(worker, proto_request(["--version"], 1))["exit_code"] == 0  # up and waiting
        time.sleep(0.2)
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=30) == 130
        assert worker.stderr.read() == b""


def test_a_worker_refuses_an_unknown_protocol_and_ends_on_an_unreadable_request():
    """`--worker_protocol` other than json or proto: a usage error (exit 2), one line, no
    traceback; a request that cannot be decoded ends the worker with status 1, saying so."""
    with worker_process("--worker_protocol=xml") as worker:
        assert worker.wait(timeout=30) == 2
        assert worker.stderr.read().decode() == (
            "compose: --worker_protocol xml: expected json or proto\n")
    with worker_process("--worker_protocol=proto") as worker:
        # a request of 3 bytes whose field claims 9: truncated
        worker.stdin.write(b"\x03\x0a\x09a")
        worker.stdin.close()
        assert worker.wait(timeout=30) == 1
        assert worker.stdout.read() == b""
        assert worker.stderr.read().decode().startswith("compose worker: unreadable request:")
