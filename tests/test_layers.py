"""Imports run down the pipeline only: the layers contracts in pyproject.toml
(`[tool.importlinter]`), checked by import-linter, and every part of the package in a layer."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "composer"


def test_every_import_runs_down_the_layers():
    # the executable the test extras install beside this Python (`pip install -e .[test]`)
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _layer_names(layer: str) -> set[str]:
    """The modules a layer of a contract names: `a | b` (independent) or `a : b`, each
    maybe in parentheses (optional)."""
    return {name.strip().strip("()") for part in layer.split("|") for name in part.split(":")}


def test_every_module_of_the_package_is_in_a_layer():
    # import-linter's `exhaustive` checks the same; this says which module, and holds even
    # if the option were dropped from the contract
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    top = next(c for c in config["contracts"] if c.get("containers") == ["composer"])
    assert top["type"] == "layers" and top.get("exhaustive")
    named = set().union(*map(_layer_names, top["layers"]))
    parts = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    parts |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(parts - named) == []
