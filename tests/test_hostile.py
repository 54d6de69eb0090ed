"""Hostile inputs (scripts/hostile.py builds them and measures time and memory): each ends
in a clear message and exit 1, or in success where the input is valid, never in a crash, a
hang or a traceback. The time limit here only keeps a hang from stalling the suite."""

from __future__ import annotations

import subprocess

import pytest

import hostile


@pytest.mark.parametrize("key", list(hostile.INPUTS))
def test_hostile_input(tmp_path, key):
    what, build, _, status, message = hostile.INPUTS[key]
    path = tmp_path / f"{key}.wasm"
    path.write_bytes(build())
    proc = subprocess.run(hostile.command(key, path, tmp_path / "out.wasm"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    if status:
        (line,) = proc.stderr.splitlines()
        assert line.startswith("error: ") and message in line
