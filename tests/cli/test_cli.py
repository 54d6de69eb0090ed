"""composer/cli/: how every command ends. Our errors are one line and exit 1, usage errors exit 2, a
bug of ours exits 70 saying so (a traceback only with COMPOSER_DEBUG=1), Ctrl-C exits 130;
reports are coloured on a terminal only."""

from __future__ import annotations

from pathlib import Path

import pytest

import composer.model.load
from composer.cli import cli

from support.cli import compose_on_terminal, invoke, without_colours
from support.components import counter, write


@pytest.fixture
def failing_load(monkeypatch):
    """Make reading a component raise what the test sets, as a bug or Ctrl-C would."""
    raised: list[BaseException] = []

    def load(*args, **kwargs):
        raise raised[0]

    monkeypatch.setattr(composer.model.load, "load_component", load)
    return raised


def test_a_bug_of_ours_is_an_internal_error_with_exit_70(failing_load, tmp_path):
    failing_load.append(RuntimeError("boom"))
    result = invoke("inspect", str(tmp_path / "x.wasm"), env={"COMPOSER_DEBUG": ""})
    assert result.exit_code == 70
    assert result.stderr == (
        "internal error: RuntimeError: boom (rerun with COMPOSER_DEBUG=1 for a traceback, "
        "and please report it)\n"
    )


def test_composer_debug_shows_the_traceback(failing_load, tmp_path):
    failing_load.append(RuntimeError("boom"))
    result = invoke("inspect", str(tmp_path / "x.wasm"), env={"COMPOSER_DEBUG": "1"})
    assert isinstance(result.exception, RuntimeError) and result.exit_code == 1
    assert "internal error" not in result.stderr


def test_ctrl_c_exits_130(failing_load, tmp_path):
    failing_load.append(KeyboardInterrupt())
    result = invoke("inspect", str(tmp_path / "x.wasm"))
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")


def test_depfile_without_output_is_a_usage_error(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    result = invoke(str(root), "--depfile", str(tmp_path / "x.d"))
    assert result.exit_code == 2
    assert "--depfile needs -o" in result.stderr
    assert not (tmp_path / "x.d").exists()


def test_graph_tree_is_coloured_on_a_terminal(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    status, shown, stderr = compose_on_terminal("graph", str(root), "-d", str(dep))
    assert status == 0, stderr
    assert "\x1b[" in shown
    plain = without_colours(shown)
    assert "t:a/a@1.0.0 ← a (exact name)" in plain
    piped = invoke("graph", str(root), "-d", str(dep))
    assert "\x1b[" not in piped.stdout and "t:a/a@1.0.0 ← a (exact name)" in piped.stdout


# -- conventions ---------------------------------------------------------------------------


def test_help_shows_composing_first_then_the_commands():
    for args in (["--help"], ["-h"], ["help"]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        text = result.stdout
        assert text.startswith("Usage: compose ROOT.wasm [-d DEP.wasm]... [-o OUT.wasm] [OPTIONS]\n"
                               "       compose FILE.wac [--deps-dir DIR] [-o OUT.wasm] [OPTIONS]\n"
                               "       compose COMMAND [ARGS]...\n")
        composing, rest = text.index("Composing options:"), text.index("Commands:")
        assert composing < text.index("\nOptions:") < rest
        for option in ("-d, --definitions DEP.wasm", "-o, --output FILE", "--plug IMPORT=DEP.wasm",
                       "--skip-validation", "--no-imports"):
            assert option in text[composing:rest]
        for line in ("  graph    Draw what", "  inspect  Show a component or a WIT package as WIT",
                     "  run      Run a component", "  targets  Check that a component targets",
                     "  verify   Check that a WASI 0.2 host"):
            assert line in text[rest:]
        assert "..." not in text[rest:]  # each command's line is whole
        assert "compose compose" not in text
    assert invoke("help", "run").stdout.startswith("Usage: compose run [OPTIONS] COMPONENT [ARGS]...")
    bad = invoke("help", "nope")
    assert bad.exit_code == 2 and "no such command `nope`" in bad.stderr


def test_usage_errors_name_the_command_as_typed(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    for args in ([str(root), "-d"], [str(root), "--bogus"], [str(root), "extra", "args"]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "compose compose" not in result.stderr
        if args[-1] != "-d":  # click prints no usage for a missing option value
            assert "Usage: compose [OPTIONS] ROOT" in result.stderr
            assert "Try 'compose --help' for help." in result.stderr


def test_a_misspelt_command_suggests_the_nearest(tmp_path):
    result = invoke("inpsect", "x.wasm")
    assert result.exit_code == 2
    assert "no such command `inpsect` (and no such file); did you mean `inspect`?" in result.stderr
    # a file of that name is a root component, as before
    (tmp_path / "inpsect").write_bytes(b"")
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("inpsect")
    finally:
        os.chdir(here)
    assert result.exit_code == 1 and "inpsect" in result.stderr and "did you mean" not in result.stderr


def test_version_short_and_long():
    from importlib.metadata import version

    for flag in ("-V", "--version"):
        result = invoke(flag)
        assert result.exit_code == 0 and result.stdout == f"compose, version {version('wasm-composer')}\n"


def test_color_always_never_and_no_color(tmp_path):
    missing = str(tmp_path / "missing.wasm")
    assert invoke(missing).stderr.startswith("error: ")  # piped: plain
    for args in (["--color", "always", missing], [missing, "--color=always"]):
        result = invoke(*args, env={"NO_COLOR": "1"})  # the option wins over the variable
        assert result.stderr.startswith("\x1b[31m\x1b[1merror:\x1b[0m "), result.stderr
    assert invoke("--color", "never", missing).stderr.startswith("error: ")
    # on a terminal: coloured unless NO_COLOR or --color never
    status, shown, stderr = compose_on_terminal("inspect", missing)
    assert status == 1 and stderr.startswith("error: ")  # stderr is piped here
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    status, shown, _ = compose_on_terminal("inspect", str(root))
    assert "\x1b[" in shown
    status, shown, _ = compose_on_terminal("--color", "never", "inspect", str(root))
    assert "\x1b[" not in shown and "t:a/a@1.0.0" in shown
    piped = invoke("inspect", str(root), "--color", "always")
    assert "\x1b[" in piped.stdout
    assert invoke("--color", "sometimes", missing).exit_code == 2


def test_quiet_prints_only_errors(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    spare = write(tmp_path, "spare", counter(5, exports="t:s/s@1.0.0"))
    out = tmp_path / "out.wasm"
    loud = invoke(str(root), "-d", str(dep), "-d", str(spare), "-o", str(out))
    assert loud.exit_code == 0 and "warning: dependency" in loud.stderr
    quiet = invoke(str(root), "-d", str(dep), "-d", str(spare), "-o", str(out), "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_output_dash_is_stdout_never_a_terminal(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    result = invoke(str(root), "-d", str(dep), "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\x00asm") and not (tmp_path / "-").exists()
    from composer.link.compose import compose

    assert result.stdout_bytes == compose(root, [dep]).data
    status, shown, stderr = compose_on_terminal(str(root), "-d", str(dep), "-o", "-")
    assert status == 2 and "refusing to write a binary component to a terminal" in stderr
    graph = invoke("graph", str(root), "-d", str(dep), "-o", "-", "-f", "json")
    assert graph.exit_code == 0 and graph.stdout.startswith("{")


def test_graph_output_suffix_chooses_the_format(tmp_path, monkeypatch):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    svg = tmp_path / "r.svg"
    assert invoke("graph", str(root), "-d", str(dep), "-o", str(svg)).exit_code == 0
    assert svg.read_text().lstrip().startswith(("<svg", "<?xml")) and "<html" not in svg.read_text()
    png = tmp_path / "r.png"
    assert invoke("graph", str(root), "-d", str(dep), "-o", str(png)).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # without librsvg's rasterizer, PNG is a clear error and nothing is written
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    png.unlink()
    result = invoke("graph", str(root), "-d", str(dep), "-o", str(png))
    assert result.exit_code == 1 and not png.exists()
    assert "librsvg's `rsvg-convert`, which is not installed (apt-get install librsvg2-bin" in result.stderr
    # an unknown suffix without -f is a usage error, with -f it is the file's name
    odd = tmp_path / "r.picture"
    result = invoke("graph", str(root), "-d", str(dep), "-o", str(odd))
    assert result.exit_code == 2 and "no report format has the suffix `.picture`" in result.stderr
    assert not odd.exists()
    assert invoke("graph", str(root), "-d", str(dep), "-o", str(odd), "-f", "json").exit_code == 0
    assert odd.read_text().startswith("{")
    result = invoke(str(root), "-d", str(dep), "-o", str(tmp_path / "o.wasm"), "--report", str(odd))
    assert result.exit_code == 2 and "--report" in result.stderr and not (tmp_path / "o.wasm").exists()


def test_extra_arguments_after_invoke_are_a_usage_error(tmp_path):
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    result = invoke("run", str(dep), "--invoke", "t:a/a#get()", "extra")
    assert result.exit_code == 2 and "unexpected: extra" in result.stderr


def test_wasm_composer_is_the_same_program():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "wasm-composer"
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "Composing options:" in proc.stdout


def test_run_after_composing_names_the_output_not_a_temporary_file(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    out = tmp_path / "out.wasm"
    result = invoke(str(root), "-d", str(dep), "-o", str(out), "--run")
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr == f"error: {out}: not a command: it does not export wasi:cli/run\n"


def test_short_options_are_spelt_long_for_click():
    """`-d` is given to click as `--definitions` (click builds a whole error per `-x`
    before trying it as a short option); values are left alone, even ones like `-d`."""
    from composer.cli.group import long_options

    command = cli.commands["compose"]
    assert long_options(command, ["a.wasm", "-d", "b.wasm", "-o", "-d", "-q"]) == [
        "a.wasm", "--definitions", "b.wasm", "--output", "-d", "--quiet"]
    assert long_options(command, ["a.wasm", "-d"]) == ["a.wasm", "-d"]
    assert long_options(command, ["a.wasm", "--", "-d"]) == ["a.wasm", "--", "-d"]


def test_the_composing_commands_options_are_one_record(tmp_path, monkeypatch):
    """compose, plug and graph receive their options as one `ComposingOptions`: every option
    they have is a field of it, and what was typed arrives there (the others at defaults)."""
    import click

    from composer.cli import composing
    from composer.cli.composing_options import ComposingOptions

    for name in ("compose", "plug", "graph"):
        options = {p.name for p in cli.commands[name].params
                   if isinstance(p, click.Option) and p.expose_value}
        assert not options - set(ComposingOptions._NAMES), name
    given = []
    monkeypatch.setattr(composing, "_deliver",
                        lambda make, root, options, host_config: given.append(options))
    out = tmp_path / "out.wasm"
    result = invoke("root.wasm", "-d", "a.wasm", "-d", "b.wasm", "--plug", "x=a.wasm", "-o",
                    str(out), "-v", "--features", "all")
    assert result.exit_code == 0, result.output
    assert given == [ComposingOptions(dependencies=(Path("a.wasm"), Path("b.wasm")),
                                      plugs=("x=a.wasm",), output=out, verbose=True,
                                      features=("all",))]


def completions(line: str, cwd: Path) -> list[tuple[str, str]]:
    """What `compose` offers to complete the last word of `line` (empty after a final
    space), asked as click's bash script asks: (type, value) pairs."""
    import os

    from support.cli import compose_proc

    env = dict(os.environ, _COMPOSE_COMPLETE="bash_complete", COMP_WORDS=line,
               COMP_CWORD=str(len(line.split(" ")) - 1))
    proc = compose_proc(cwd=cwd, env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return [tuple(item.split(",", 1)) for item in proc.stdout.splitlines()]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder where components and a command's name begin alike (`gr`: `graph`)."""
    for name in ("greet.wasm", "graph-app.wasm", "ops.wasm", ".greet.wasm"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "greetings").mkdir()
    return tmp_path


def test_the_first_word_completes_to_commands_and_files(folder):
    assert completions("compose gr", folder) == [
        ("plain", "graph"), ("plain", "graph-app.wasm"), ("plain", "greet.wasm"),
        ("plain", "greetings/"),
    ]
    assert completions("compose pl", folder) == [("plain", "plug")]  # no file begins so


def test_a_first_word_no_command_begins_with_is_completed_as_a_file(folder):
    # "file": the shell completes it (folders, quoting), as it does the files of -d
    assert completions("compose gree", folder) == [("file", "gree")]
    assert completions("compose --color never gree", folder) == [("file", "gree")]
    assert completions("compose greet.wasm -d o", folder) == [("file", "o")]
    assert completions("compose greet.wasm --skip-v", folder) == [("plain", "--skip-validation")]


def test_bash_offers_the_commands_and_the_files_for_the_first_word(folder):
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("bash") is None:
        pytest.skip("no bash")
    script = """
        eval "$(_COMPOSE_COMPLETE=bash_source compose)"
        COMP_WORDS=(compose gr); COMP_CWORD=1
        _compose_completion compose
        printf '%s\\n' "${COMPREPLY[@]}"
    """
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.split() == ["graph", "graph-app.wasm", "greet.wasm", "greetings/"]


def test_a_reader_of_the_output_that_went_away_ends_the_command_quietly(tmp_path):
    # `compose parse big.wac | head -1`: the output pipe closes under compose; it ends as a
    # Unix tool killed by SIGPIPE ends (status 141 here, as its own exit), not as a bug
    import os
    import subprocess
    import sys

    doc = tmp_path / "big.wac"
    doc.write_text("package a:b;\n" + "".join(f"let x{i} = new a:c {{}};\n" for i in range(3000)))
    reader, writer = os.pipe()
    os.close(reader)
    try:
        proc = subprocess.run([sys.executable, "-m", "composer", "parse", str(doc)], stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(writer)
    assert (proc.returncode, proc.stderr) == (141, "")
