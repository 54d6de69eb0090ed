"""The package as a user installs it (the README's Install section): the wheel built from this
tree, installed into a fresh virtual environment, composes, runs and reports the seed example
from there. A module or a data file left out of the package, or a dependency left out of
pyproject.toml, fails here, not on a user's machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

import build_fixtures as bf
from support import ROOT
from support.oracle import valid


def run(*args: str | Path, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    """A process, its output as text, in `cwd` (not this tree, which `python -c` would put on
    its path) and without PYTHONPATH: nothing is imported from this tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300, input=input)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"{proc.args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `bin` folder of a fresh virtual environment where the wheel is installed, with its
    dependencies from the package index pip uses here."""
    work = tmp_path_factory.mktemp("install")
    # built from a copy of what goes into the package: a build in the tree leaves build/lib
    # behind, whose stale modules would hide one deleted from composer/
    source = work / "source"
    shutil.copytree(ROOT / "composer", source / "composer",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ok(run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source,
           cwd=work))
    wheels = list((work / "dist").glob("wasm_composer-*.whl"))
    assert len(wheels) == 1, wheels
    venv = work / "venv"
    # without a pip of its own (ensurepip takes longer than the rest): this environment's
    # pip installs into it
    ok(run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work))
    ok(run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q",
           wheels[0], cwd=work))
    return venv / "bin"


def test_the_installed_package_is_imported_from_the_new_environment(installed, tmp_path):
    found = ok(run(installed / "python", "-c", "import composer; print(composer.__file__)",
                   cwd=tmp_path))
    assert Path(found.stdout.strip()).is_relative_to(installed.parent)


def test_every_module_of_the_tree_is_in_the_installed_package(installed, tmp_path):
    tree = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                  for p in (ROOT / "composer").rglob("*.py") if p.name != "__main__.py")
    tree = [name.removesuffix(".__init__") for name in tree]
    imported = ok(run(installed / "python", "-c",
                      "import importlib, sys\n"
                      "for name in sys.stdin.read().split(): importlib.import_module(name)",
                      cwd=tmp_path, input="\n".join(tree)))
    assert imported.stderr == ""


def test_compose_version_names_the_version_of_pyproject(installed, tmp_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name in ("compose", "wasm-composer"):  # both commands are installed
        assert ok(run(installed / name, "--version", cwd=tmp_path)).stdout == f"compose, version {version}\n"


def test_the_installed_compose_composes_runs_and_reports_the_seed(installed, small_fixtures,
                                                                  tmp_path):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    compose = installed / "compose"
    ok(run(compose, app, "-d", ops, "-o", "seed.wasm", "--verify", "-q", cwd=tmp_path))
    valid(tmp_path / "seed.wasm")
    ran = ok(run(compose, "run", "seed.wasm", cwd=tmp_path))
    assert ran.stdout == bf.fixture("seed-app").expected_stdout

    ok(run(compose, "graph", app, "-d", ops, "-o", "r.html", cwd=tmp_path))
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" in page and "seed-ops" in page

    # the report's JSON follows the schema the package ships (package data)
    ok(run(compose, "graph", app, "-d", ops, "-o", "r.json", cwd=tmp_path))
    shipped = ok(run(installed / "python", "-c",
                     "import json; from composer.report.json_out import schema; "
                     "print(json.dumps(schema()))", cwd=tmp_path))
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text()),
                        json.loads(shipped.stdout))
