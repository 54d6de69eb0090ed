"""Short fixed-seed runs of the fuzzer (`scripts/fuzz.py`, `scripts/fuzz_text.py`), one a
mode, judged against the promise (no crash, hang or invalid output) and against wasm-tools'
verdicts (differential, wit); and the harness itself: a crash is classified and saved, and a
validation rule turned off shows up as false acceptances. The long runs are campaigns, not
tests (scripts/fuzz.py --seconds)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import fuzz  # noqa: E402

# What a quick run must never find: wrong verdicts, and messages that break the rules (more
# than one line, a raw control character, a text refusal without FILE:LINE:COL).
FAILING = {"crash", "hang", "invalid", "false-refusal", "false-acceptance", "wit-meaning",
           "multi-line", "control-characters", "no-location"}


def quick(tmp_path_factory: pytest.TempPathFactory, *args: str) -> dict:
    # a generous deadline: a busy 2-core CI machine must not turn slow inputs into "hangs"
    # (an input that never ends still is one); the campaigns use the fuzzer's 2 s
    out = tmp_path_factory.mktemp("fuzz")
    code = fuzz.main([*args, "--seed", "20261130", "--jobs", "2", "--out", str(out),
                      "--progress", "1000000", "--timeout", "30"])
    summary = json.loads((out / "summary.json").read_text())
    summary["exit"] = code
    return summary


def failures(summary: dict) -> list[str]:
    return [f"{k['class']} [{k['target']}, {k['features']}] {k['key']}: {k['file']}\n"
            f"  ours: {k['ours'][:300]}\n  theirs: {k['theirs'][:300]}"
            for k in summary["kinds"]
            if k["class"] in FAILING]


@pytest.fixture(scope="module")
def binary_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return quick(tmp_path_factory, "--mode", "binary", "--inputs", "2000")


def test_binary_run_keeps_the_promise(binary_run: dict) -> None:
    assert binary_run["inputs"] == 2000
    assert not failures(binary_run), "\n".join(failures(binary_run))


def test_binary_run_reaches_every_target_both_ways(binary_run: dict) -> None:
    # a fuzzer that only ever sees errors (or only successes) tests nothing: each target must
    # have had inputs that got through and inputs that were refused
    for target in fuzz.TARGETS:
        counts = binary_run["runs_by_target"][target]
        assert counts.get("ok", 0) > 0 and counts.get("error", 0) > 0, (target, counts)
    # every composition reported as a success was checked with wasm-tools
    composed = sum(binary_run["runs_by_target"][t].get("ok", 0) for t in ("compose-root", "compose-dep", "run"))
    assert sum(binary_run["tally"]["outputs checked"].values()) == composed


def test_differential_run_agrees_with_wasm_tools(tmp_path_factory: pytest.TempPathFactory) -> None:
    run = quick(tmp_path_factory, "--mode", "differential", "--inputs", "400")
    assert not failures(run), "\n".join(failures(run))
    # the one refusal allowed against wasm-tools' acceptance: a core module using
    # shared-everything-threads, which wasmtime's validator cannot enable (docs/limits.md)
    limits = [k for k in run["kinds"] if k["class"] == "limitation"]
    assert all(k["features"] == "all" and fuzz.KNOWN_LIMITATION in k["ours"] for k in limits), limits
    assert run["features"] == ["default", "all"]
    # both verdicts met under each feature set, each compared with wasm-tools
    for fs in ("default", "all"):
        verdicts = run["tally"][f"verdicts {fs}"]
        assert verdicts.get("accept/accept", 0) > 10 and verdicts.get("refuse/refuse", 0) > 100, verdicts


def test_wit_run_agrees_with_wasm_tools(tmp_path_factory: pytest.TempPathFactory) -> None:
    run = quick(tmp_path_factory, "--mode", "wit", "--inputs", "300")
    assert not failures(run), "\n".join(failures(run))
    for fs in ("default", "all"):
        assert run["tally"][f"verdicts {fs}"].get("accept/accept", 0) > 10, run["tally"]
        # accepted WIT printed back and read by wasm-tools to the same meaning
        assert run["tally"][f"read back {fs}"].get("same", 0) > 10, run["tally"]
    assert run["runs_by_target"]["wit-targets"].get("targets", 0) > 0
    assert run["runs_by_target"]["wit-targets"].get("differs", 0) > 0


def test_wac_run_keeps_the_promise(tmp_path_factory: pytest.TempPathFactory) -> None:
    run = quick(tmp_path_factory, "--mode", "wac", "--inputs", "400")
    assert not failures(run), "\n".join(failures(run))
    assert run["runs_by_target"]["wac-parse"].get("ok", 0) > 20
    # compositions written and every one of them valid
    assert run["tally"]["outputs checked"].get("valid", 0) > 5
    assert "invalid" not in run["tally"]["outputs checked"]


def test_a_crash_is_classified_and_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the harness itself: a target that raises something other than our error type is a crash,
    # bucketed by exception and innermost frame, with a reproducer on disk
    def broken(target: str, path: str, ctx: dict) -> dict:
        return {"default": fuzz.outcome(lambda: {}["boom"])}

    monkeypatch.setattr(fuzz, "run_target", broken)
    # in this process, where the broken target is
    code = fuzz.main(["--inputs", "20", "--jobs", "0", "--out", str(tmp_path), "--targets",
                      "inspect", "--progress", "100000"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert code == 1
    assert summary["runs_by_target"]["inspect"] == {"crash": 20}
    [found] = summary["kinds"]
    assert found["class"] == "crash" and found["key"].startswith("KeyError at")
    assert Path(found["file"]).exists()


def test_differential_mode_reports_a_validation_rule_turned_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the differential mode proven on a known mistake: with the rule on extern names off
    # (in this process: --jobs 0), compose accepts names wasm-tools refuses, and the run
    # says so with wasm-tools' reason
    from composer.model import namerules

    monkeypatch.setattr(namerules, "is_extern_name", lambda name: True)
    code = fuzz.main(["--mode", "differential", "--inputs", "150", "--jobs", "0", "--no-corpus",
                      "--features", "default", "--out", str(tmp_path), "--progress", "100000"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert code == 1
    accepted = [k for k in summary["kinds"] if k["class"] == "false-acceptance"]
    assert any("name" in k["key"] for k in accepted), summary["kinds"]
    for k in accepted:  # each saved, and wasm-tools refuses what was saved
        ok, _ = fuzz.Oracle().validate(k["file"])
        assert not ok
    # and made smaller (in this process, where the rule is still off) with the same finding
    saved = Path(accepted[0]["file"])
    assert fuzz.main(["--replay", str(saved), "--minimize", "150"]) == 1
    smaller = saved.with_name(saved.stem + ".min.wasm")
    assert len(smaller.read_bytes()) < len(saved.read_bytes())
    assert not fuzz.Oracle().validate(str(smaller))[0]
    assert fuzz.main(["--replay", str(smaller), "--features", "default"]) == 1


def test_message_checks_name_each_broken_rule() -> None:
    # what the CLI prints after `error: `: one line, or a located text error's source line and
    # caret, or one problem a line; no raw control characters; FILE:LINE:COL for text
    check = fuzz.message_findings
    assert check("a.wasm: offset 0x1: import name `a` is not valid") == []
    assert check("a.wit:1:2: expected `;`\n  |\n1 | package a:b\n  |            ^", text_input=True) == []
    assert check("2 problems:\n  a.wasm: one\n  b.wasm: two") == []
    assert check("d.wac:2:3: failed to parse package `a:b`:\na.wit:1:2: expected `;`\n  |\n"
                 "1 | package a:b\n  |            ^", text_input=True) == []
    # two snippets, or a located line over one, are not one error shown once
    assert [c for c, _ in check("d.wac:2:3: failed to parse package `a:b`: a.wit:1:2: bad\n"
                                "  |\n1 | a\n  | ^\n  |\n2 | new a:b\n  |     ^")] == ["multi-line"]
    assert [c for c, _ in check("d.wac:2:3: failed to parse package `a:b`:\na.wit:1:2: bad\n"
                                "  |\n1 | a\n  | ^\n  |")] == ["multi-line"]
    assert [c for c, _ in check("import name `a\nb` is not valid")] == ["multi-line"]
    assert check("name `a\x1b]0;x\x07` is not valid") == [
        ("control-characters", "in the message: \\x07 \\x1b")]
    assert check("a.wit:1:2: bad\n  |\n1 | a\rb\n  | ^") == [
        ("control-characters", "in the source line shown: \\x0d")]
    assert check("a.wit: not valid UTF-8 at byte 3", text_input=True) == [
        ("no-location", "no FILE:LINE:COL")]


def test_sizes_are_repaired_around_a_change() -> None:
    # the structure-aware mutations keep every enclosing section's size right, so that
    # wasm-tools still reads the sections (and refuses, if at all, for another reason)
    data = (ROOT / "fixtures" / "build" / "nested.wasm").read_bytes()
    regions = fuzz._regions(data)
    inner = max(regions, key=lambda r: r[1])  # the deepest-lying section
    changed = fuzz.replace_fixed(bytearray(data), inner[2], inner[2], b"\x00" * 200)
    assert len(fuzz._regions(changed)) == len(regions)
    ok, text = fuzz.Oracle().call("print", "-", stdin=bytes(fuzz.replace_fixed(
        bytearray(data), inner[3], inner[3], data[inner[0]:inner[3]])))
    assert "unexpected end" not in text and "out of bounds" not in text, text
