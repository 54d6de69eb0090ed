"""`compose plug SOCKET --plug PLUG...`: wac plug's command line on the plugging of `-d`."""

from __future__ import annotations

from support.cli import compose_cli, compose_proc, invoke
from support.oracle import wasm_tools


def plug(*args: object) -> tuple[int, str]:
    return compose_cli("plug", *args)


def test_plug_is_dash_d_on_the_seed(small_fixtures, tmp_path):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    plugged, composed = tmp_path / "plugged.wasm", tmp_path / "composed.wasm"
    assert plug(app, "--plug", ops, "-o", plugged)[0] == 0
    assert invoke(app, "-d", ops, "-o", composed).exit_code == 0
    assert plugged.read_bytes() == composed.read_bytes()
    wasm_tools("validate", str(plugged))


def test_plug_runs_the_seed(small_fixtures, tmp_path):
    # the guest writes to the process's own stdout: run compose as a process
    out = tmp_path / "out.wasm"
    proc = compose_proc("plug", small_fixtures["seed-app"], "--plug", small_fixtures["seed-ops"],
                        "-o", out, "--run")
    assert proc.returncode == 0, proc.stderr
    assert "Reversed: ledoM tnenopmoC ylbmessAbeW olleH" in proc.stdout
    assert out.is_file()


def test_a_plug_that_fits_nothing_writes_nothing(small_fixtures, tmp_path):
    out = tmp_path / "out.wasm"
    code, err = plug(small_fixtures["seed-app"], "--plug", small_fixtures["resources"], "-o", out)
    assert code == 1
    assert "resources.wasm" in err and "nothing imports what it exports" in err
    assert not out.exists()


def test_plug_needs_a_plug(small_fixtures):
    code, err = plug(small_fixtures["seed-app"])
    assert code == 2 and "--plug" in err


def test_plug_writes_a_depfile(small_fixtures, tmp_path):
    out, dep = tmp_path / "out.wasm", tmp_path / "out.d"
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    assert plug(app, "--plug", ops, "-o", out, "--depfile", dep)[0] == 0
    text = dep.read_text()
    assert str(out) in text and str(app) in text and str(ops) in text


def test_a_plug_given_bare_gets_a_hint(small_fixtures):
    # `compose plug a.wasm b.wasm`: the plug without --plug, whether --plug is missing or not
    app, ops, res = small_fixtures["seed-app"], small_fixtures["seed-ops"], small_fixtures["resources"]
    code, err = plug(app, ops)
    assert code == 2
    assert err.endswith(f"Error: Missing option '--plug'.\n"
                        f"hint: give plugs with --plug: compose plug {app} --plug {ops}\n")
    code, err = plug(app, "--plug", ops, res)
    assert code == 2
    assert err.endswith(f"hint: give plugs with --plug: compose plug {app} --plug {res}\n")
    code, err = plug(app)  # no second file: no hint
    assert code == 2 and "hint" not in err
