"""Hostile inputs (scripts/hostile.py builds them): each ends in exit 1 and one line naming what
is wrong (the limit, where one applies), with nothing raw that acts on a terminal, or in
success where the input is valid (which wasm-tools confirms, and validates what was written);
never in a crash, a hang or a traceback; and within the bounds of hostile.py, measured on the
`compose` process alone (its CPU time and peak memory), with a margin for a busy machine."""

from __future__ import annotations

import json
import os

import pytest

import hostile
from support.oracle import wasm_tools

CPU_MARGIN = 1.5  # CPU time is counted only while compose runs, but a busy machine slows it
MEMORY_MARGIN = 1.25


# Over hostile.py's bounds still (issue 19, item 5): each held to what it takes now (CPU
# seconds, MB), so that it cannot grow while it is worked on.
OVER = {"graph-imports-100000": (3.5, 200), "imports-exports-100000": (3.5, 220),
        "compose-100000": (6.5, 300), "graph-100000": (5.0, 260)}



@pytest.mark.parametrize("key", list(hostile.INPUTS))
def test_hostile_input_ends_within_its_bounds(tmp_path, key):
    h = hostile.INPUTS[key]
    run = hostile.measure(*hostile.command(key, tmp_path), timeout=120)
    assert run.status == h.status, run.stderr
    assert "Traceback" not in run.stderr and "\x1b" not in run.stderr and "\x07" not in run.stderr
    if h.status:
        (line,) = run.stderr.splitlines()
        assert line.startswith("error: ") and h.message in line, line
    else:
        assert run.stderr == ""
        _check_what_was_written(tmp_path, key, run.stdout)
    seconds, megabytes = OVER.get(key, (hostile.SECONDS, hostile.MEGABYTES))
    # under coverage (scripts/coverage.sh, the map of scripts/mutate.py) compose runs several
    # times slower: the bounds are not measured there
    if not any(v in os.environ for v in ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")):
        assert run.cpu <= seconds * CPU_MARGIN, f"{run.cpu:.2f} s of CPU"
        assert run.peak <= megabytes * MEMORY_MARGIN, f"{run.peak:.0f} MB at the peak"


def _check_what_was_written(tmp_path, key: str, stdout: str) -> None:
    """A valid input is valid for wasm-tools too; a composition it validates; a report parses
    and says the composition is ok."""
    verb = hostile.INPUTS[key].verb
    given = tmp_path / f"{key}.wasm"
    assert wasm_tools("validate", str(given), check=False).returncode == 0
    if verb == "compose-dep":
        proc = wasm_tools("validate", str(tmp_path / f"{key}.out.wasm"), check=False)
        assert proc.returncode == 0, proc.stderr
    elif verb == "graph":
        report = json.loads((tmp_path / f"{key}.out.json").read_text())
        assert report["ok"] and report["summary"]["plugged_imports"] == 1
    elif verb == "inspect":
        assert stdout.startswith("package root:component;")
