"""`--virtualize PATTERN`: host imports the pattern matches are plugged with generated deny
adapters (docs/capabilities.md, Virtualize)."""

from __future__ import annotations

from pathlib import Path

from support.cli import compose_proc
from support.oracle import valid, wasm_tools


def test_the_seed_without_network_and_preopens_still_runs(tmp_path, cpy_fixtures):
    out = tmp_path / "out.wasm"
    made = compose_proc(cpy_fixtures["cpy-seed-app"], "-d", cpy_fixtures["cpy-seed-ops"],
                        "--virtualize", "wasi:sockets/*", "--virtualize",
                        "wasi:filesystem/preopens", "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    imports = [line.split()[1] for line in wit.splitlines() if line.strip().startswith("import ")]
    assert imports and not [i for i in imports if i.startswith("wasi:sockets/")
                            or i.startswith("wasi:filesystem/preopens")]
    assert "wasi:filesystem/types@" in wit  # what the preopens adapter uses is the host's
    ran = compose_proc("run", out)
    plain = compose_proc("run", _composed(tmp_path, cpy_fixtures))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == plain.stdout and "Reversed:" in ran.stdout


def _composed(tmp_path: Path, cpy: dict[str, Path]) -> Path:
    out = tmp_path / "plain.wasm"
    made = compose_proc(cpy["cpy-seed-app"], "-d", cpy["cpy-seed-ops"], "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    return out


def test_virtualize_is_explained_and_a_wildcard_keeps_stdio(tmp_path, cpy_fixtures):
    out = tmp_path / "out.wasm"
    made = compose_proc(cpy_fixtures["cpy-seed-app"], "-d", cpy_fixtures["cpy-seed-ops"],
                        "--virtualize", "*", "-v", "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    assert "a deny adapter, as --virtualize * asks" in made.stdout + made.stderr
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert "wasi:cli/stdout@" in wit and "wasi:cli/environment@" not in wit
    ran = compose_proc("run", out)
    assert ran.returncode == 0 and "Reversed:" in ran.stdout, ran.stderr


def test_a_bad_pattern_is_refused(tmp_path, cpy_fixtures):
    made = compose_proc(cpy_fixtures["cpy-seed-app"], "-d", cpy_fixtures["cpy-seed-ops"],
                        "--virtualize", "wasi:sockets/*@x", "-o", tmp_path / "o.wasm")
    # a usage error naming the option, as for --deny and --allow (the same grammar)
    assert made.returncode == 2 and not (tmp_path / "o.wasm").exists()
    assert made.stderr.splitlines()[-1] == (
        "Error: --virtualize wasi:sockets/*@x: `x` is no version (expected "
        "MAJOR[.MINOR[.PATCH]], e.g. `@0.2` or `@0.2.3`)")


def test_a_program_opening_a_socket_and_listing_preopens_is_denied(tmp_path, small_fixtures):
    probe = small_fixtures["net-probe"]
    granted = tmp_path / "data"
    granted.mkdir()
    out = tmp_path / "denied.wasm"
    made = compose_proc(probe, "--virtualize", "wasi:sockets/*",
                        "--virtualize", "wasi:filesystem/preopens", "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    assert "import wasi:sockets/tcp-create-socket" not in wit
    assert "import wasi:filesystem/preopens" not in wit
    run = ("run", "--dir", f"{granted}::/data")
    denied = compose_proc(*run, out)
    assert denied.returncode == 0, denied.stderr
    assert denied.stdout == "socket: access-denied\npreopens: 0\n"
    # without --virtualize the host answers: the directory granted; wasmtime-py's WASI grants
    # no network, so its own answer to the socket is access-denied too
    host = compose_proc(*run, probe)
    assert host.returncode == 0, host.stderr
    assert host.stdout == "socket: access-denied\npreopens: 1\n"


def test_denied_then_virtualized_the_seed_passes_and_audit_names_the_adapters(tmp_path, cpy_fixtures):
    """docs/capabilities.md's worked example: denied, the seed fails (nothing written);
    denied and virtualized, nothing denied reaches the host, and the audit of the output names
    each adapter by the interface it stands for."""
    app, ops = str(cpy_fixtures["cpy-seed-app"]), str(cpy_fixtures["cpy-seed-ops"])
    out = tmp_path / "out.wasm"
    deny = ["--deny", "wasi:sockets/*", "--deny", "wasi:filesystem/preopens"]
    refused = compose_proc(app, "-d", ops, *deny, "-o", out)
    assert refused.returncode == 1 and not out.exists()
    assert ("error: `wasi:filesystem/preopens@0.2.9` is denied by --deny "
            "wasi:filesystem/preopens: root (cpy-seed-app.wasm) imports it\n") in refused.stderr
    made = compose_proc(app, "-d", ops, *deny, "--virtualize", "wasi:sockets/*",
                        "--virtualize", "wasi:filesystem/preopens", "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    audit = compose_proc("audit", out, *deny)
    assert audit.returncode == 0, audit.stderr
    assert ("deny-preopens (<deny adapter of wasi:filesystem/preopens@0.2.9>)"
            in audit.stdout)


def test_a_wac_document_refuses_virtualize_and_says_how_to_plug_an_adapter(tmp_path):
    out = tmp_path / "out.wasm"
    proc = compose_proc("app.wac", "--virtualize", "wasi:sockets/*", "-o", out, cwd=tmp_path)
    assert proc.returncode == 2 and not out.exists()
    assert proc.stderr.splitlines()[-1] == (
        "Error: --virtualize is for compositions of components; in a WAC document, write the "
        "deny adapter with `compose stub WIT --interface NAME -o FILE` and give it as a package "
        "(--dep NS:NAME=FILE) instantiated with `new`")


def test_a_scoped_pattern_virtualizes_that_components_imports_alone(tmp_path, cpy_fixtures):
    """`--virtualize SCOPE=PATTERN`, as `--deny` takes it: the scoped component's imports get
    deny adapters (and so do the adapters' own imports of what it virtualizes, which share its
    types), another component's imports of the same interfaces stay with the host; a scope
    naming no component is one line, nothing written."""
    app, ops = cpy_fixtures["cpy-seed-app"], cpy_fixtures["cpy-seed-ops"]
    out = tmp_path / "out.wasm"
    made = compose_proc(app, "-d", ops, "--virtualize", "cpy-seed-ops.wasm=wasi:sockets/*",
                        "--virtualize", "root=wasi:filesystem/preopens", "-o", out)
    assert made.returncode == 0, made.stderr
    valid(out)
    wit = wasm_tools("component", "wit", str(out)).stdout.decode()
    # the app's sockets and the ops' preopens are the host's
    assert "import wasi:sockets/tcp@0.2.9;" in wit and "import wasi:filesystem/preopens@0.2.9;" in wit
    audit = compose_proc("audit", out)
    assert audit.returncode == 0, audit.stderr
    assert "deny-tcp (<deny adapter of wasi:sockets/tcp@0.2.9>)" in audit.stdout
    assert "deny-preopens (<deny adapter of wasi:filesystem/preopens@0.2.9>)" in audit.stdout
    out.unlink()
    refused = compose_proc(app, "-d", ops, "--virtualize", "nope.wasm=wasi:sockets/*", "-o", out)
    assert refused.returncode == 1 and not out.exists()
    assert refused.stderr == (
        "error: --virtualize nope.wasm=wasi:sockets/*: no component of the composition is called "
        "`nope.wasm` (a SCOPE is a component's file or instance name: root (cpy-seed-app.wasm), "
        "cpy-seed-ops (cpy-seed-ops.wasm))\n")
