"""A quick run of the mutation fuzzer (`scripts/fuzz.py`): 2,000 damaged copies of the
fixtures through every target, judged against the promise (a valid component written or a
clear error; no crash, hang or invalid output). The long runs are in the README."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import fuzz  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    # a generous deadline: a busy 2-core CI machine must not turn slow inputs into "hangs"
    # (an input that never ends still is one); the long runs use the fuzzer's 2 s
    out = tmp_path_factory.mktemp("fuzz")
    code = fuzz.main(["--inputs", "2000", "--seed", "20261130", "--jobs", "2",
                      "--out", str(out), "--progress", "100000", "--timeout", "30"])
    summary = json.loads((out / "summary.json").read_text())
    summary["exit"] = code
    return summary


def test_quick_run_keeps_the_promise(quick_run: dict) -> None:
    found = "\n".join(f"{f['status']}: {f['detail'][:400]} ({f['file']})" for f in quick_run["found"])
    assert quick_run["exit"] == 0, found
    assert quick_run["inputs"] == 2000
    assert set(quick_run["counts"]) <= {"ok", "error"}, found


def test_quick_run_reaches_every_target_both_ways(quick_run: dict) -> None:
    # a fuzzer that only ever sees errors (or only successes) tests nothing: each target must
    # have had inputs that got through and inputs that were refused
    for target in fuzz.TARGETS:
        counts = quick_run["by_target"][target]
        assert counts.get("ok", 0) > 0 and counts.get("error", 0) > 0, (target, counts)
    # every composition reported as a success was checked with wasm-tools
    composed = sum(quick_run["by_target"][t].get("ok", 0) for t in ("compose-root", "compose-dep", "run"))
    assert quick_run["successes_checked"] == composed


def test_a_crash_is_classified_and_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the harness itself: a target that raises something other than our error type is a crash,
    # bucketed by exception and innermost frame, with a reproducer on disk
    def broken(target: str, path: str, partner: str | None, out: str) -> tuple[str, str]:
        raise KeyError("boom")

    monkeypatch.setattr(fuzz, "run_target", broken)
    # forked workers, so that they see the broken target
    code = fuzz.main(["--inputs", "20", "--jobs", "1", "--out", str(tmp_path), "--targets",
                      "inspect", "--progress", "100000", "--start-method", "fork"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert code == 1
    assert summary["counts"] == {"crash": 20}
    [found] = summary["found"]
    assert found["detail"].startswith("KeyError")
    assert Path(found["file"]).exists()
