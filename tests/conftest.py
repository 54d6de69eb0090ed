"""The suite's pytest fixtures: the wasm-tools oracle's WAT compiler, the project's built
fixtures, the seed example composed. What tests share besides fixtures is in support/ (tests
import it from there, not from here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# tests/ on the path, so that every test module, in whatever folder, imports `support` (pytest's
# default import mode puts it there already; --import-mode=importlib does not)
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from support import ROOT  # noqa: E402
from support.build import wat  # noqa: E402


@pytest.fixture(scope="session")
def wat_compiler():
    return wat


@pytest.fixture(scope="session")
def small_fixtures() -> dict[str, Path]:
    """Every fixture but the componentize-py ones, built (incrementally) by the project's script."""
    import build_fixtures

    return build_fixtures.build_all(ROOT / "fixtures" / "build")


@pytest.fixture(scope="session")
def cpy_fixtures() -> dict[str, Path]:
    """The ~18 MB componentize-py components: built once, then cached under fixtures/build."""
    import build_fixtures

    names = [f.name for f in build_fixtures.FIXTURES if f.recipe == "componentize-py"]
    return build_fixtures.build_all(ROOT / "fixtures" / "build", names, componentize_py=True)


@pytest.fixture(scope="session")
def composed_seed(tmp_path_factory, small_fixtures) -> Path:
    """The seed example (WAT-built app + string operations) composed by `compose()`."""
    from composer.link.compose import compose

    out = tmp_path_factory.mktemp("seed") / "composed.wasm"
    out.write_bytes(compose(small_fixtures["seed-app"], [small_fixtures["seed-ops"]]).data)
    return out


@pytest.fixture(scope="session")
def composed_cpy_seed(tmp_path_factory, cpy_fixtures) -> Path:
    """The seed example built by componentize-py, composed (~36 MB)."""
    from composer.link.compose import compose

    out = tmp_path_factory.mktemp("cpy-seed") / "composed.wasm"
    out.write_bytes(compose(cpy_fixtures["cpy-seed-app"], [cpy_fixtures["cpy-seed-ops"]]).data)
    return out


def pytest_sessionfinish(session):
    """A whole run fails when fewer than 95% of the components it validated print as
    `wasm-tools print` does (support/oracle.py; each must also read back, or its test fails)."""
    from support.oracle import PRINTING

    if PRINTING.below_bar():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    from support.oracle import PRINTING

    if PRINTING.whole or PRINTING.skeletons:
        terminalreporter.write_line(PRINTING.summary())
        if PRINTING.below_bar():
            terminalreporter.write_line("FAILED: under 95% identical; the differences:", red=True)
            for line in sorted(set(PRINTING.differences)):
                terminalreporter.write_line(f"  {line}")
