"""composer's Bazel rules (bazel/defs.bzl), built and tested by a real Bazel: the example
workspace (bazel/example) composes the seed, in a copy made for this module, with an output
user root of its own in the test's temporary folder, so nothing is left behind. One Bazel
server serves every test; the module's finalizer shuts it down and checks that no process of
it (server, worker, sandbox) is left. What each build ran is read from Bazel's execution log
(`--execution_log_json_file`): one entry per process it spawned, with its mnemonic and runner.

Bazel 4 (Debian's bazel-bootstrap, offline) is installed by `./scripts/setup.sh --test`."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import ROOT
from support.cli import compose_proc
from support.oracle import valid

if shutil.which("bazel") is None:
    pytest.skip("bazel is not installed: ./scripts/setup.sh --test installs it (Debian's bazel-bootstrap)",
                allow_module_level=True)

SEED_APP = "external/fixtures/wat/seed-app.wat"
SEED_OPS = "external/fixtures/wat/seed-ops.wat"


class Workspace:
    """The example workspace's copy and the Bazel server that builds it."""

    def __init__(self, top: Path):
        self.top = top
        self.path = top / "bazel" / "example"
        self.user_root = top / "user-root"
        self.logs = 0
        # the venv's `wasm-composer` first on PATH: compose_tool finds it there
        self.env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    def bazel(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        # --max_idle_secs: a server this module failed to shut down ends by itself
        proc = subprocess.run(
            ["bazel", "--nohome_rc", f"--output_user_root={self.user_root}", "--max_idle_secs=300", *args],
            cwd=self.path, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check:
            assert proc.returncode == 0, f"bazel {' '.join(args)}: exit {proc.returncode}\n{proc.stderr}"
        return proc

    def build(self, *args: str) -> list[dict]:
        """`bazel build ARGS`: the processes it spawned, from its execution log."""
        self.logs += 1
        log = self.top / f"execution-{self.logs}.json"
        self.bazel("build", f"--execution_log_json_file={log}", *args)
        return spawns(log.read_text())

    def output(self, name: str) -> Path:
        return self.path / "bazel-bin" / name

    def inputs_elsewhere(self, folder: Path) -> Path:
        """`folder`, holding the seed's sources at the paths Bazel's actions name them by
        (external/fixtures/...): where `compose` is run by hand on the same inputs as the
        example's outputs, built now."""
        self.bazel("build", "//...")
        execroot = Path(self.bazel("info", "execution_root").stdout.strip())
        shutil.copytree(execroot / "external" / "fixtures", folder / "external" / "fixtures")
        return folder

    def processes(self) -> list[str]:
        """The processes of this module's Bazel: its server (which names the output user
        root), and the workers and sandboxes it started (which run in its execution root)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue  # gone, or not ours to see
            if str(self.user_root) in cmdline or cwd.startswith(str(self.user_root)):
                found.append(f"{pid}: {cmdline}")
        return found

    def workers(self) -> set[int]:
        return {int(line.split(":")[0]) for line in self.processes() if "--persistent_worker" in line}

    def shutdown(self) -> list[str]:
        """`bazel shutdown`; the processes still there after it (waited for a few seconds)."""
        self.bazel("shutdown", check=False)
        deadline = time.monotonic() + 10
        while (left := self.processes()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left


def spawns(log: str) -> list[dict]:
    """The entries of a JSON execution log: JSON objects one after another, no list."""
    decoder, entries, i = json.JSONDecoder(), [], 0
    while rest := log[i:].lstrip():
        entry, end = decoder.raw_decode(rest)
        entries.append(entry)
        i = len(log) - len(rest) + end
    return entries


def composing(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e.get("mnemonic") == "WasmCompose"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    top = tmp_path_factory.mktemp("bazel")
    shutil.copytree(ROOT / "bazel", top / "bazel", ignore=shutil.ignore_patterns("bazel-*"))
    for folder in ("wat", "wac"):  # the seed's sources, where the example's WORKSPACE finds them
        shutil.copytree(ROOT / "fixtures" / folder, top / "fixtures" / folder)
    ws = Workspace(top)
    try:
        ws.bazel("build", "//...")
        yield ws
    finally:
        left = ws.shutdown()
        assert not left, "bazel shutdown left processes:\n" + "\n".join(left)


def touch_seed_ops(ws: Workspace, note: str) -> None:
    """Change seed-ops.wat's bytes (a comment at its end), not what it means."""
    with open(ws.top / "fixtures" / "wat" / "seed-ops.wat", "a") as f:
        f.write(f"\n;; {note}\n")


def test_composed_output_is_the_bytes_compose_writes(workspace, tmp_path):
    elsewhere = workspace.inputs_elsewhere(tmp_path / "by-hand")
    cases = {
        "seed.wasm": [SEED_APP, "-d", SEED_OPS],
        "seed_policy.wasm": [SEED_APP, "--plug", f"example:stringoperations/operations@0.1.0={SEED_OPS}",
                             "--deny", "wasi:sockets/*", "--deny", "wasi:filesystem/*"],
        "seed_wac.wasm": ["external/fixtures/wac/seed.wac", "--dep", f"example:consumer={SEED_APP}",
                          "--dep", f"example:string-operations={SEED_OPS}"],
    }
    for name, args in cases.items():
        expected = tmp_path / name
        proc = compose_proc(*args, "-o", expected, cwd=elsewhere)
        assert proc.returncode == 0, proc.stderr
        built = workspace.output(name)
        assert built.read_bytes() == expected.read_bytes(), name
        valid(built)


def test_reports_are_the_reports_compose_graph_writes(workspace, tmp_path):
    cases = {
        "seed_report.html": [SEED_APP, "-d", SEED_OPS, "-f", "html"],
        "seed_wac_report.json": ["external/fixtures/wac/seed.wac", "--dep", f"example:consumer={SEED_APP}",
                                 "--dep", f"example:string-operations={SEED_OPS}", "-f", "json"],
    }
    elsewhere = workspace.inputs_elsewhere(tmp_path / "by-hand")
    for name, args in cases.items():
        expected = tmp_path / name
        proc = compose_proc("graph", *args, "-o", expected, cwd=elsewhere)
        assert proc.returncode == 0, proc.stderr
        assert workspace.output(name).read_bytes() == expected.read_bytes(), name
    assert json.loads(workspace.output("seed_wac_report.json").read_text())["ok"] is True


def test_actions_run_in_a_persistent_worker_with_a_param_file(workspace):
    touch_seed_ops(workspace, "worker")
    [entry] = composing(workspace.build("//:seed"))
    assert entry["runner"] == "worker"
    assert [arg for arg in entry["commandArgs"] if arg.startswith("@")], entry["commandArgs"]
    inputs = {i["path"] for i in entry["inputs"]}
    assert {SEED_APP, SEED_OPS, "external/compose/bin/version.txt"} <= inputs


def test_one_shot_actions_read_the_param_file(workspace):
    # without the worker, compose runs once per action and expands the @flagfile itself
    workspace.build("//:seed")
    worker_made = workspace.output("seed.wasm").read_bytes()
    touch_seed_ops(workspace, "one-shot")
    [entry] = composing(workspace.build("--strategy=WasmCompose=sandboxed", "//:seed"))
    assert entry["runner"] != "worker", entry
    assert workspace.output("seed.wasm").read_bytes() == worker_made


def test_a_no_op_rebuild_runs_no_action(workspace):
    workspace.build("//...")
    assert workspace.build("//...") == []


def test_changing_one_input_recomposes_once(workspace):
    workspace.build("//:seed")
    touch_seed_ops(workspace, "changed")
    entries = workspace.build("//:seed")
    assert [e["mnemonic"] for e in entries] == ["WasmCompose"]
    valid(workspace.output("seed.wasm"))


def test_the_worker_is_reused_across_builds(workspace):
    touch_seed_ops(workspace, "first")
    assert len(composing(workspace.build("//:seed"))) == 1
    before = workspace.workers()
    assert before, workspace.processes()
    touch_seed_ops(workspace, "second")
    [entry] = composing(workspace.build("//:seed"))
    assert entry["runner"] == "worker"
    assert workspace.workers() == before
    # the example's compose_tool(env = ...) reaches the worker
    for pid in before:
        assert b"COMPOSE_WORKER_CACHE_BYTES=268435456\0" in Path(f"/proc/{pid}/environ").read_bytes()


def test_bazel_test_of_the_verify_target_passes(workspace):
    proc = workspace.bazel("test", "//:seed_verify", "//:seed_run")
    assert "2 tests pass" in proc.stdout, proc.stdout


@contextlib.contextmanager
def package(ws: Workspace, name: str, build: str, files: dict[str, str | Path] = {}):
    """A package of the workspace, there while the block runs, with `files` (a name to its
    text, or to a file to copy)."""
    folder = ws.path / name
    folder.mkdir()
    for file, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / file)
        else:
            (folder / file).write_text(content)
    (folder / "BUILD.bazel").write_text(
        'load("@wasm_composer//:defs.bzl", "wasm_compose", "wasm_compose_test")\n' + build)
    try:
        yield
    finally:
        shutil.rmtree(folder)


def test_bazel_test_fails_for_a_component_a_host_cannot_run(workspace):
    # seed-app alone: its import of the string operations is no host's
    with package(workspace, "broken", 'wasm_compose_test(name = "app_alone", size = "small", '
                                      'component = "@fixtures//:wat/seed-app.wat")\n'):
        proc = workspace.bazel("test", "//broken:app_alone", check=False)
        assert proc.returncode == 3, proc.stderr  # Bazel's "build passed, tests failed"
        log = (workspace.path / "bazel-testlogs" / "broken" / "app_alone" / "test.log").read_text()
        assert "example:stringoperations" in log, log


def test_a_denied_import_fails_the_build_and_not_the_worker(workspace):
    workspace.build("//:seed")
    workers = workspace.workers()
    with package(workspace, "denied", 'wasm_compose(name = "seed", deny = ["wasi:cli/*"], '
                                      'root = "@fixtures//:wat/seed-app.wat", deps = ["@fixtures//:wat/seed-ops.wat"])\n'):
        proc = workspace.bazel("build", "//denied:seed", check=False)
        assert proc.returncode == 1, proc.stderr
        assert "wasi:cli/stdout@0.2.0" in proc.stderr and "wasi:cli/*" in proc.stderr, proc.stderr
        assert not workspace.output("denied/seed.wasm").exists()
    # the worker that refused it composes the next one
    touch_seed_ops(workspace, "after a failure")
    assert [e["runner"] for e in composing(workspace.build("//:seed"))] == ["worker"]
    assert workspace.workers() == workers


def test_an_undeclared_input_is_not_read(workspace):
    # the config names ops.wat, which is not in `data`: the worker's request does not see it
    wat = ROOT / "fixtures" / "wat"
    files = {"app.wat": wat / "seed-app.wat", "ops.wat": wat / "seed-ops.wat",
             "compose.yml": "definitions: [ops.wat]\n"}
    build = 'wasm_compose(name = "seed", root = "app.wat", config = "compose.yml"{})\n'
    with package(workspace, "undeclared", build.format(""), files):
        proc = workspace.bazel("build", "//undeclared:seed", check=False)
        assert proc.returncode == 1, proc.stderr
        assert "`definitions` names undeclared/ops.wat, which does not exist" in proc.stderr, proc.stderr
    with package(workspace, "declared", build.format(', data = ["ops.wat"]'), files):
        [entry] = composing(workspace.build("//declared:seed"))
        assert entry["runner"] == "worker"
        valid(workspace.output("declared/seed.wasm"))


def test_a_disk_cache_serves_a_clean_rebuild(workspace):
    cache = f"--disk_cache={workspace.top / 'disk-cache'}"
    workspace.bazel("clean")
    assert len(composing(workspace.build(cache, "//:seed"))) == 1  # computed, and stored
    workspace.bazel("clean")
    [entry] = composing(workspace.build(cache, "//:seed"))
    assert entry["remoteCacheHit"] and entry["runner"] != "worker", entry
    valid(workspace.output("seed.wasm"))


def test_bazel_shutdown_leaves_no_process(workspace):
    assert workspace.processes()
    assert workspace.shutdown() == []
