"""cli.py: how every command ends. Our errors are one line and exit 1, usage errors exit 2, a
bug of ours exits 70 saying so (a traceback only with COMPOSER_DEBUG=1), Ctrl-C exits 130;
reports are coloured on a terminal only."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import composer.load
from composer.cli import cli

from components import counter, write
from conftest import compose_on_terminal, without_colours


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def failing_load(monkeypatch):
    """Make reading a component raise what the test sets, as a bug or Ctrl-C would."""
    raised: list[BaseException] = []

    def load(*args, **kwargs):
        raise raised[0]

    monkeypatch.setattr(composer.load, "load_component", load)
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
