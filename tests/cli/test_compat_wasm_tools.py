"""docs/cli.md's "Compatibility with wasm-tools compose" table, each row run through the command
line: a test per row, found by the row's first cell (wasm-tools compose's flag), so that a row
without a test fails, and a test whose row is gone too. Each runs `compose` (output, exit
status, stream) and, where the two can be compared, the same command line through
`wasm-tools compose` 1.262: the same exit status, both outputs valid, with the same imports
and exports (`wasm-tools component wit`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from support import ROOT
from support.cli import compose_proc, on_terminal
from support.watprint import assert_prints_as_wasm_tools
from support.oracle import WASM_TOOLS, valid, wasm_tools

SECTION = "Compatibility with wasm-tools compose"
SAID = "satisfied by `example:stringoperations/operations@0.1.0` of seed-ops"


def table_rows() -> list[str]:
    """The first cell of each row of the section's table."""
    text = (ROOT / "docs" / "cli.md").read_text()
    start = text.index(f"\n## {SECTION}\n")
    end = text.find("\n## ", start + 1)
    rows = []
    for line in text[start:end if end != -1 else None].splitlines():
        if line.startswith("| ") and not line.startswith(("| wasm-tools compose |", "| ---")):
            rows.append(line.split(" | ")[0][2:].strip())
    return rows


class Setup:
    """A folder with the seed pair (app.wasm, whose import of the string operations ops.wasm
    serves), a config and a search path that name ops.wasm, and a component that serves
    nothing (unused.wasm)."""

    def __init__(self, folder: Path, fixtures: dict[str, Path]) -> None:
        self.dir = folder
        shutil.copy(fixtures["seed-app"], folder / "app.wasm")
        shutil.copy(fixtures["seed-ops"], folder / "seed-ops.wasm")
        shutil.copy(fixtures["resources"], folder / "unused.wasm")
        (folder / "compose.yml").write_text(
            "dependencies:\n  example:stringoperations/operations@0.1.0: seed-ops.wasm\n")
        found = folder / "search" / "example:stringoperations"
        found.mkdir(parents=True)
        shutil.copy(fixtures["seed-ops"], found / "operations@0.1.wasm")

    def compose(self, *args: str, text: bool = True) -> subprocess.CompletedProcess:
        return compose_proc(*args, cwd=self.dir, text=text)

    def peer(self, *args: str, text: bool = True) -> subprocess.CompletedProcess:
        """The same command line through `wasm-tools compose`."""
        return subprocess.run([WASM_TOOLS, "compose", *args], cwd=self.dir, capture_output=True,
                              text=text, timeout=120)

    def both(self, *args: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
        """`args` run by compose writing `ours.wasm` and by wasm-tools writing `theirs.wasm`
        (for `{out}`), after removing both."""
        for name in ("ours.wasm", "theirs.wasm"):
            (self.dir / name).unlink(missing_ok=True)
        ours = self.compose(*[a.replace("{out}", "ours.wasm") for a in args])
        theirs = self.peer(*[a.replace("{out}", "theirs.wasm") for a in args])
        return ours, theirs

    def same_outputs(self) -> None:
        """Both outputs valid, with the same imports and exports."""
        ours, theirs = self.dir / "ours.wasm", self.dir / "theirs.wasm"
        valid(ours)
        valid(theirs)
        assert wit(ours) == wit(theirs)


def wit(path: Path) -> str:
    return wasm_tools("component", "wit", str(path)).stdout.decode()


@pytest.fixture(scope="module")
def s(tmp_path_factory, small_fixtures) -> Setup:
    return Setup(tmp_path_factory.mktemp("wasm-tools-compat"), small_fixtures)


def composes_alike(s: Setup, *args: str) -> subprocess.CompletedProcess:
    """`args` (with `-o {out}`) compose alike: exit 0 both, compose silent on stdout, the
    outputs valid and alike. compose's run."""
    ours, theirs = s.both(*args, "-o", "{out}")
    assert (ours.returncode, theirs.returncode) == (0, 0), ours.stderr + theirs.stderr
    assert ours.stdout == ""
    s.same_outputs()
    return ours


# -- the rows ---------------------------------------------------------------------------------


def component(s: Setup) -> None:
    composes_alike(s, "app.wasm", "-d", "seed-ops.wasm")
    # the command's own name typed, as wasm-tools' verb is
    ours = s.compose("compose", "app.wasm", "-d", "seed-ops.wasm", "-o", "named.wasm")
    assert ours.returncode == 0, ours.stderr
    assert (s.dir / "named.wasm").read_bytes() == (s.dir / "ours.wasm").read_bytes()


def definitions(s: Setup) -> None:
    for flag in ("-d", "--definitions"):
        composes_alike(s, "app.wasm", flag, "seed-ops.wasm")


def search_path(s: Setup) -> None:
    for flag in ("-p", "--search-path"):
        composes_alike(s, "app.wasm", flag, "search")


def config(s: Setup) -> None:
    for flag in ("-c", "--config"):
        composes_alike(s, "app.wasm", flag, "compose.yml")


def output(s: Setup) -> None:
    for flag in ("-o", "--output"):
        ours, theirs = s.both("app.wasm", "-d", "seed-ops.wasm", flag, "{out}")
        assert (ours.returncode, theirs.returncode) == (0, 0)
        assert (ours.stdout, theirs.stdout) == ("", "composed component `theirs.wasm`\n")
        s.same_outputs()
    ours = s.compose("app.wasm", "-d", "seed-ops.wasm", "-o", "ours.wasm", "-v")
    assert f"wrote ours.wasm ({(s.dir / 'ours.wasm').stat().st_size:,} bytes)" in ours.stderr
    # -o -: standard output here, a file called `-` there
    dash = s.dir / "-"
    dash.unlink(missing_ok=True)
    ours = s.compose("app.wasm", "-d", "seed-ops.wasm", "-o", "-", text=False)
    assert ours.returncode == 0 and not dash.exists()
    assert ours.stdout == (s.dir / "ours.wasm").read_bytes()
    theirs = s.peer("app.wasm", "-d", "seed-ops.wasm", "-o", "-")
    assert theirs.returncode == 0 and dash.is_file()
    dash.unlink()


def standard_output(s: Setup) -> None:
    args = ("app.wasm", "-d", "seed-ops.wasm")
    ours, theirs = s.compose(*args, text=False), s.peer(*args, text=False)
    assert (ours.returncode, theirs.returncode) == (0, 0)
    (s.dir / "ours.wasm").write_bytes(ours.stdout)
    (s.dir / "theirs.wasm").write_bytes(theirs.stdout)
    s.same_outputs()
    # a terminal: refused by both, a usage error here (2), an error there (1)
    ours_t = on_terminal([*compose_argv(), *args], cwd=s.dir)
    theirs_t = on_terminal([WASM_TOOLS, "compose", *args], cwd=s.dir)
    assert (ours_t[0], ours_t[1], theirs_t[0], theirs_t[1]) == (2, "", 1, "")
    assert "refusing to write a binary component to a terminal" in ours_t[2]
    assert "-o OUT.wasm" in ours_t[2] and "-t" in ours_t[2]
    assert "cannot print binary wasm output to a terminal" in theirs_t[2]


def compose_argv() -> list[str]:
    import sys

    return [sys.executable, "-m", "composer"]


def wat(s: Setup) -> None:
    args = ("app.wasm", "-d", "seed-ops.wasm")
    s.both(*args, "-o", "{out}")
    binary = (s.dir / "ours.wasm").read_bytes()
    for flag in ("-t", "--wat"):
        ours, theirs = s.both(*args, flag, "-o", "{out}")  # (text in .wasm files, as typed)
        assert (ours.returncode, theirs.returncode) == (0, 0), ours.stderr
        printed = (s.dir / "ours.wasm").read_text()
        assert_prints_as_wasm_tools(printed, binary)
        # (wasm-tools' text does not parse back: its parser finds no outer component
        # `$seed-app` for the `alias outer $seed-app ...` print writes in a nested component;
        # ours names the component as its header does, and parses back)
        assert (s.dir / "theirs.wasm").read_text().startswith("(component\n")
    ours = s.compose(*args, "-t")
    assert (ours.returncode, ours.stdout, ours.stderr) == (0, printed, "")
    # on a terminal, as it is (wasm-tools colours it)
    ours_t = on_terminal([*compose_argv(), *args, "-t"], cwd=s.dir)
    theirs_t = on_terminal([WASM_TOOLS, "compose", *args, "-t"], cwd=s.dir)
    assert (ours_t[0], ours_t[1]) == (0, printed)
    assert theirs_t[0] == 0 and "\x1b[" in theirs_t[1]


def skip_validation(s: Setup) -> None:
    composes_alike(s, "app.wasm", "-d", "seed-ops.wasm", "--skip-validation")


def no_imports(s: Setup) -> None:
    ours, theirs = s.both("app.wasm", "-d", "seed-ops.wasm", "--no-imports", "-o", "{out}")
    assert (ours.returncode, theirs.returncode) == (1, 1)
    assert "wasi:io/error@0.2.0" in ours.stderr and "wasi:io/error@0.2.0" in theirs.stderr
    assert ours.stdout == ""
    assert not (s.dir / "ours.wasm").exists() and not (s.dir / "theirs.wasm").exists()


def quiet(s: Setup) -> None:
    loud = s.compose("app.wasm", "-d", "seed-ops.wasm", "-d", "unused.wasm", "-o", "ours.wasm")
    assert loud.returncode == 0 and loud.stderr.startswith("warning: dependency `unused.wasm`")
    for flag in ("-q", "--quiet"):
        ours, theirs = s.both("app.wasm", "-d", "seed-ops.wasm", "-d", "unused.wasm", flag,
                              "-o", "{out}")
        assert (ours.returncode, ours.stderr, theirs.returncode, theirs.stderr) == (0, "", 0, "")
        s.same_outputs()


def verbose(s: Setup) -> None:
    told = []
    for flag in ("-v", "--verbose", "-vv", "-vvv", "-v -v"):
        ours, theirs = s.both("app.wasm", "-d", "seed-ops.wasm", *flag.split(), "-o", "{out}")
        assert (ours.returncode, theirs.returncode) == (0, 0)
        assert ours.stdout == ""
        assert SAID in ours.stderr and "INFO" in theirs.stderr
        told.append(ours.stderr)
    assert len(set(told)) == 1  # more -v says the same


def color(s: Setup) -> None:
    for value in ("auto", "never", "always", "always-ansi"):
        coloured = value.startswith("always")
        for args in (["missing.wasm", "--color", value], ["--color", value, "missing.wasm"]):
            ours = s.compose(*args)
            assert ours.returncode == 1
            assert ("\x1b[" in ours.stderr) == coloured and "missing.wasm" in ours.stderr
        theirs = s.peer("missing.wasm", "--color", value)
        assert theirs.returncode == 1
    composes_alike(s, "app.wasm", "-d", "seed-ops.wasm", "--color", "always-ansi")


def help_(s: Setup) -> None:
    for args in (["-h"], ["--help"], ["app.wasm", "-h"], ["app.wasm", "--help"]):
        ours, theirs = s.compose(*args), s.peer(*args)
        assert (ours.returncode, theirs.returncode) == (0, 0)
        assert ours.stdout.startswith("Usage: compose") and ours.stderr == ""
        assert "-t, --wat" in ours.stdout and "--skip-validation" in ours.stdout
        assert theirs.stdout.startswith("WebAssembly component composer")


def version(s: Setup) -> None:
    for args in (["-V"], ["--version"], ["app.wasm", "-V"], ["app.wasm", "--version"]):
        ours, theirs = s.compose(*args), s.peer(*args)
        assert (ours.returncode, ours.stdout, ours.stderr) == (0, "compose, version 0.1.0\n", "")
        assert (theirs.returncode, theirs.stdout) == (0, "wasm-tools-compose 1.262.0\n")


def usage_errors(s: Setup) -> None:
    for args in ([], ["app.wasm", "--nope"]):
        ours, theirs = s.compose(*args), s.peer(*args)
        assert (ours.returncode, theirs.returncode) == (2, 2)
        assert ours.stdout == "" and ours.stderr.startswith("Usage: compose")


def missing_component(s: Setup) -> None:
    ours, theirs = s.both("missing.wasm", "-o", "{out}")
    assert (ours.returncode, theirs.returncode) == (1, 1)
    assert ours.stderr == "error: missing.wasm: component file not found\n"
    assert "missing.wasm" in theirs.stderr
    assert not (s.dir / "ours.wasm").exists()


ROWS: dict[str, Callable[[Setup], None]] = {
    "`wasm-tools compose COMPONENT`": component,
    "`-d DEFS`, `--definitions DEFS`": definitions,
    "`-p PATH`, `--search-path PATH`": search_path,
    "`-c CONFIG`, `--config CONFIG`": config,
    "`-o OUTPUT`, `--output OUTPUT`": output,
    "no `-o` (standard output)": standard_output,
    "`-t`, `--wat`": wat,
    "`--skip-validation`": skip_validation,
    "`--no-imports`": no_imports,
    "`-q`, `--quiet`": quiet,
    "`-v`, `--verbose` (`-vv`, `-vvv`)": verbose,
    "`--color COLOR` (`auto`, `never`, `always`, `always-ansi`)": color,
    "`-h`, `--help`": help_,
    "`-V`, `--version`": version,
    "usage errors: no `COMPONENT`, an unknown flag": usage_errors,
    "a `COMPONENT` that is not there": missing_component,
}


def test_the_table_is_read():
    rows = table_rows()
    assert len(rows) == len(set(rows)) >= 16 and "`-t`, `--wat`" in rows


@pytest.mark.parametrize("row", sorted(set(table_rows()) | set(ROWS)))
def test_row(row, s):
    assert row in table_rows(), f"a test without a row in docs/cli.md's {SECTION!r}: {row}"
    assert row in ROWS, f"a row of docs/cli.md's {SECTION!r} without a test: {row}"
    ROWS[row](s)
