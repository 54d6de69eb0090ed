"""Running a command measured alone: its wall time, CPU time and peak memory.

The peak resident set the kernel reports for a child is at least its parent's size when it
was spawned (the child starts as a copy of it), and the scripts that measure hold tens of MB
once they have built their inputs. So each command is spawned, timed and measured by a fresh,
small Python (~10 MiB) that reports the command's own resource usage (wait4).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from typing import IO, Any, NamedTuple

_MEASURER = """
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    f.write(f"{time.perf_counter() - started} {usage.ru_utime + usage.ru_stime} "
            f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


class Measured(NamedTuple):
    status: int  # the exit status (negative: killed by that signal)
    wall: float  # seconds
    cpu: float  # seconds, user and system
    peak: float  # MiB, the largest resident set


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL,
                 stdout: IO | int = subprocess.DEVNULL, stderr: IO | int = subprocess.DEVNULL,
                 timeout: float | None = None) -> Measured:
    """Run `cmd` with these streams; killed (with what it started) after `timeout` seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".measured") as report:
        proc = subprocess.Popen([sys.executable, "-S", "-c", _MEASURER, report.name, *cmd], env=env,
                                stdin=stdin, stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall, cpu, peak, status = report.read().split()
    return Measured(int(status), float(wall), float(cpu), int(peak) / 1024)
