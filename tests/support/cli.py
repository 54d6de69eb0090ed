"""Running `compose`, one way each: in this process with click's runner (`invoke`, and
`compose_cli` for its exit status and stderr), as a child process (`compose_proc`: real file
descriptors, the real exit status, what the host's guests write), and with a pseudo-terminal
as its output (`compose_on_terminal`: colours, refusals to write binary to a terminal)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from composer.cli import cli


def invoke(*args: str | Path, env: dict[str, str] | None = None, prog_name: str = "compose") -> Result:
    """`compose ARGS` run in this process; its usage messages name the program `prog_name`."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name=prog_name)


def compose_cli(*args: str | Path) -> tuple[int, str]:
    """`compose ARGS` run in this process: (exit status, stderr)."""
    result = invoke(*args)
    return result.exit_code, result.stderr


def compose_proc(*args: str | Path, input: str = "", cwd: Path | None = None,
                 env: dict[str, str] | None = None, timeout: float = 120,
                 text: bool = True) -> subprocess.CompletedProcess:
    """`compose ARGS` run as a process, `input` its stdin (never the terminal's), its output
    captured as text (bytes unless `text`)."""
    return subprocess.run(
        [sys.executable, "-m", "composer", *map(str, args)],
        input=input if text else input.encode(), capture_output=True, text=text, cwd=cwd,
        env=env, timeout=timeout,
    )


def compose_on_terminal(*args: str, timeout: float = 60) -> tuple[int, str, str]:
    """Run `compose ARGS` with a pseudo-terminal as stdout: (status, what the terminal
    showed, stderr)."""
    return on_terminal([sys.executable, "-m", "composer", *args], timeout=timeout)


def on_terminal(argv: list[str], cwd: Path | None = None,
                timeout: float = 60) -> tuple[int, str, str]:
    """Run the program `argv` with a pseudo-terminal as stdout: (status, what the terminal
    showed, stderr). The terminal is read while the program runs: it holds only a few
    kilobytes, and a program writing more would wait for a reader."""
    import pty
    import threading

    leader, follower = pty.openpty()
    env = dict(os.environ, COLUMNS="200", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal is closed and everything was read
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc = subprocess.run(argv, stdout=follower, stderr=subprocess.PIPE, env=env, cwd=cwd,
                              timeout=timeout, text=True)
        os.close(follower)
        reader.join(timeout)
    finally:
        os.close(leader)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), proc.stderr


def without_colours(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
