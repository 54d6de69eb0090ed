"""The peers' own conformance suites in ../shared/conformance, run against `compose` as CI runs
them: wasm-tools compose's 33 composition cases, wit-parser's 192 read/refuse cases and
wac-parser's parse/resolve/encode cases. Each harness judges with wasm-tools (validation of
outputs, the WIT it reads, the FILE:LINE:COL of its errors); a failed case fails the test with
the harness's own line for it. Skipped where the suites are absent.

The wit harness reads every case with `wasm-tools component wit --features active` (as
wit-parser's own tests do); `compose` is given the same feature (`inspect --features active`),
so both sides judge the same document.

One wac case is judged wrongly by its harness and is checked here instead, by the rule it
tests (JUDGE_ARTIFACTS): the harness takes the expected imports from wac's resolution graph
(DOT), which leaves out the imports that `...` arguments add when wac encodes the graph.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT
from support.oracle import WASM_TOOLS

SUITES = ROOT.parent / "shared" / "conformance"
COMPOSE = str(Path(sys.executable).parent / "compose")

pytestmark = pytest.mark.skipif(not SUITES.is_dir(), reason="../shared/conformance is not here")

# what each harness prints last: "N/M passed, F failed[, S skipped]"
_SUMMARY = re.compile(r"(\d+)/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?")


def run_suite(name: str, composer: str) -> tuple[re.Match, list[str]]:
    env = dict(os.environ, PATH=f"{Path(WASM_TOOLS).parent}{os.pathsep}{os.environ['PATH']}",
               COMPOSER_CACHE_DIR="")
    proc = subprocess.run([sys.executable, str(SUITES / name / "run_suite.py"),
                           "--composer", composer], capture_output=True, text=True, env=env,
                          timeout=900)
    summary = _SUMMARY.search(proc.stdout)
    assert summary, f"{name}: the harness printed no summary (exit {proc.returncode}):\n" \
        + proc.stdout[-2000:] + proc.stderr[-2000:]
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]
    return summary, failed


def _top_level_imports(path: Path) -> set[str]:
    printed = subprocess.run([WASM_TOOLS, "print", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return set(re.findall(r'^  \(import "([^"]+)"', printed, re.M))


def let_statements_imports_what_its_fill_leaves(tmp_path: Path) -> None:
    """`new foo:bar { streams, ... }`: the `...` imports the package's other import,
    `foo:bar/baz@0.1.0`, into the composition (wac-graph's `encode_imports` writes implicit
    imports too); without that import the inner instance could not be instantiated. The
    harness expects only the graph's explicit import `wasi:io/streams`."""
    case = SUITES / "wac" / "cases" / "resolution" / "pass" / "let-statements"
    work = tmp_path / "let-statements"
    shutil.copytree(case, work / "deps")
    shutil.copy(case.with_suffix(".wac"), work / "doc.wac")
    out = work / "out.wasm"
    proc = subprocess.run([COMPOSE, "doc.wac", "--deps-dir", "deps", "-o", str(out)], cwd=work,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert subprocess.run([WASM_TOOLS, "validate", str(out)]).returncode == 0
    assert _top_level_imports(out) == {"wasi:io/streams", "foo:bar/baz@0.1.0"}


JUDGE_ARTIFACTS = {"wac": {"resolution/pass/let-statements": let_statements_imports_what_its_fill_leaves}}


@pytest.mark.parametrize("name, composer", [
    ("wasm-compose", COMPOSE),
    ("wac", COMPOSE),
    # `COMPOSER inspect CASE` becomes `compose inspect --features active CASE`
    ("wit", "sh -c " + shlex.quote(f'exec {shlex.quote(COMPOSE)} inspect --features active "$2"')
     + " sh"),
])
def test_conformance_suite_has_no_failed_case(name, composer, tmp_path):
    summary, failed = run_suite(name, composer)
    passed, total = int(summary.group(1)), int(summary.group(2))
    artifacts = JUDGE_ARTIFACTS.get(name, {})
    wrong = [line for line in failed if line.split()[1] not in artifacts]
    assert wrong == [], f"{name}: {summary.group(0)}\n" + "\n".join(wrong)
    for line in failed:  # judged by the rule the case tests instead
        artifacts[line.split()[1]](tmp_path)
    assert passed > total // 2  # the harness ran its cases, not only skipped them
