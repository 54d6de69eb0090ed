"""diagnose.py: every failure explained. When a dependency the user gave satisfies nothing,
each one that came close says why: the version rule, another package, another sort, a near
spelling; `-v` lists the files looked for; `compose graph` shows the same."""

from __future__ import annotations

import json
import re

import pytest

from composer.model import types as T
from composer.link.diagnose import near_misses

from support.cli import compose_cli, compose_proc
from support.components import counter, write
from support.oracle import valid

GET = T.InstanceType({"get": T.FuncType((), T.PRIMS["u32"])})


@pytest.mark.parametrize("wanted, offered, why", [
    ("t:a/a@1.0.0", "t:a/a@2.0.0",
     "exports `t:a/a@2.0.0`: @2.0.0 is not on the track of @1.0.0: 1.x versions accept only 1.y.z"),
    ("t:a/a@0.1.0", "t:a/a@0.2.0",
     "exports `t:a/a@0.2.0`: @0.2.0 is not on the track of @0.1.0: 0.1.x versions accept only 0.1.z"),
    ("t:a/a@0.0.1", "t:a/a@0.0.2",
     "exports `t:a/a@0.0.2`: @0.0.2 is not on the track of @0.0.1: 0.0.1 accepts only itself"),
    ("t:a/a@0.2.3", "t:a/a@0.2.1",
     "exports `t:a/a@0.2.1`: @0.2.1 is older than the @0.2.3 asked for (a newer version may serve "
     "an older import, not the reverse)"),
    ("t:a/a@1.0.0", "t:a/a@1.0.0-rc.1",
     "exports `t:a/a@1.0.0-rc.1`: a pre-release version matches only itself (@1.0.0 asked, "
     "@1.0.0-rc.1 offered)"),
    ("t:a/a@1.0.0", "t:a/a",
     "exports `t:a/a`: an unversioned name satisfies only the same name (1.0.0 asked)"),
    ("t:a/a@1.0.0", "x:y/a@1.0.0",
     "exports `x:y/a@1.0.0`: the interface `a` of another package (x:y, not t:a)"),
    ("t:a/operations@1.0.0", "t:a/opertions@1.0.0",
     "exports `t:a/opertions@1.0.0`, close to `t:a/operations@1.0.0`: a misspelling?"),
])
def test_near_misses(wanted, offered, why):
    assert near_misses(wanted, GET, {offered: GET, "t:other/z@1.0.0": GET}) == [why]


def test_another_sort_and_nothing_close():
    func = T.FuncType((), None)
    assert near_misses("t:a/a@1.0.0", GET, {"t:a/a@1.0.0": func}) == [
        "exports `t:a/a@1.0.0` as a func, not as an instance"]
    assert near_misses("t:a/a@1.0.0", GET, {"t:zzz/q@9.0.0": GET}) == []


def test_no_dependencies_found_says_why_for_each(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    v2 = write(tmp_path, "v2", counter(10, exports="t:a/a@2.0.0"))
    other = write(tmp_path, "other", counter(10, exports="t:z/z@1.0.0"))
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-d", v2, "-d", other, "-o", out, "-v")
    assert code == 1
    assert err.endswith(
        "error: no dependencies of component `root.wasm` were found: v2.wasm: exports "
        "`t:a/a@2.0.0`: @2.0.0 is not on the track of @1.0.0: 1.x versions accept only 1.y.z; "
        "other.wasm: nothing imports what it exports (`t:z/z@1.0.0`)\n")
    # -v: the same, at the import, and where a file named after it was looked for
    assert "import `t:a/a@1.0.0`:   v2.wasm exports `t:a/a@2.0.0`: @2.0.0 is not on the track" in err
    assert f"looked for a file named after it: {tmp_path / 't:a' / 'a@1.0.wasm'}, " \
           f"{tmp_path / 't:a' / 'a@1.0.0.wasm'} (none is a component)" in err
    assert not out.exists()


def test_an_import_left_for_the_host_and_an_unused_dependency_say_why(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@0.1.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@0.2.0"))
    code, err = compose_cli(root, "-d", a, "-d", b, "-o", tmp_path / "out.wasm")
    assert code == 0
    assert ("warning: `t:b/b@0.1.0` (of root.wasm) is left for the host, though b.wasm exports "
            "`t:b/b@0.2.0`: @0.2.0 is not on the track of @0.1.0") in err
    assert (f"warning: dependency `{b}` satisfies no import; it is left out: exports "
            "`t:b/b@0.2.0`: @0.2.0 is not on the track of @0.1.0") in err


def test_the_graph_shows_the_reasons(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@0.1.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@0.2.0"))
    proc = compose_proc("graph", root, "-d", a, "-d", b, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    host_edge = next(e for e in doc["edges"] if e["import"] == "t:b/b@0.1.0")
    assert host_edge["near"] == [
        "b.wasm exports `t:b/b@0.2.0`: @0.2.0 is not on the track of @0.1.0: 0.1.x versions "
        "accept only 0.1.z"]
    unused = next(n for n in doc["nodes"] if n["kind"] == "unused")
    assert unused["why"] == ["exports `t:b/b@0.2.0`: @0.2.0 is not on the track of @0.1.0: "
                             "0.1.x versions accept only 0.1.z"]
    tree = compose_proc("graph", root, "-d", a, "-d", b).stdout
    assert "t:b/b@0.1.0 → host" in tree and "b.wasm exports `t:b/b@0.2.0`" in tree


def test_the_drawings_mark_a_near_miss(tmp_path):
    # an import left for the host although a dependency came close is not drawn as a plain
    # host import: its own style in HTML, DOT and Mermaid, the reasons where the format has room
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@0.1.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(100, exports="t:b/b@0.2.0"))
    page = compose_proc("graph", root, "-d", a, "-d", b, "-f", "html").stdout
    near_edges = re.findall(r'<g class="edge host near"[^>]*><title>([^<]*)</title>', page)
    assert len(near_edges) == 1 and "not from b.wasm exports `t:b/b@0.2.0`" in near_edges[0]
    dot = compose_proc("graph", root, "-d", a, "-d", b, "-f", "dot").stdout
    [line] = [x for x in dot.splitlines() if x.startswith('  "root" -> "host:t:b/b@0.1.0"')]
    assert "dotted" in line and "not from b.wasm" in line
    assert "unused: exports `t:b/b@0.2.0`" in dot
    mmd = compose_proc("graph", root, "-d", a, "-d", b, "-f", "mermaid").stdout
    links = [x for x in mmd.splitlines() if "-->" in x or "-.->" in x]
    k = next(i for i, x in enumerate(links) if "t:b/b@0.1.0" in x)
    (styled,) = re.findall(r"linkStyle ([0-9,]+) stroke:#c77700", mmd)
    assert str(k) in styled.split(",")


def _mismatch_with_warnings(tmp_path, good: bool):
    """A root whose `t:a/a` dependency returns the wrong type (unless `good`), a near miss of
    its `d:e/f@1.0.0` and two dependencies nothing imports."""
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "d:e/f@1.0.0")))
    a = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0", result="u32" if good else "u64"))
    near = write(tmp_path, "near", counter(10, exports="d:e/f@2.0.0"))
    u1 = write(tmp_path, "u1", counter(10, exports="x:y/u1@1.0.0"))
    u2 = write(tmp_path, "u2", counter(10, exports="x:y/u2@1.0.0"))
    return root, [a, near, u1, u2]


def test_the_warnings_are_printed_and_reported_when_the_composition_fails(tmp_path):
    for good in (True, False):  # the same warnings, whether the composition fails or not
        root, deps = _mismatch_with_warnings(tmp_path, good)
        warnings = [
            "warning: `d:e/f@1.0.0` (of root.wasm) is left for the host, though near.wasm "
            "exports `d:e/f@2.0.0`: @2.0.0 is not on the track of @1.0.0",
            f"warning: dependency `{deps[1]}` satisfies no import; it is left out: exports "
            "`d:e/f@2.0.0`: @2.0.0 is not on the track",
            f"warning: dependency `{deps[2]}` satisfies no import; it is left out: nothing "
            "imports what it exports (`x:y/u1@1.0.0`)",
            f"warning: dependency `{deps[3]}` satisfies no import; it is left out: nothing "
            "imports what it exports (`x:y/u2@1.0.0`)"]
        out = tmp_path / "out.wasm"
        out.unlink(missing_ok=True)
        args = [a for d in deps for a in ("-d", d)]
        code, err = compose_cli(root, *args, "-o", out)
        lines = err.splitlines()
        assert len(lines) == 4 + (not good), err
        for line, expected in zip(lines, warnings):
            assert line.startswith(expected), (line, expected)
        if good:
            assert code == 0
            valid(out)
            continue
        # the warnings before the error, and the refused dependency is not called unused
        assert code == 1 and not out.exists()
        assert lines[4] == "error: `t:a/a@1.0.0` from a.wasm: func get: result: expected u32, found u64"
        assert "a.wasm` satisfies no import" not in err
        code, quiet = compose_cli(root, *args, "-o", out, "-q")
        assert code == 1 and quiet == lines[4] + "\n"
        proc = compose_proc("graph", root, *args, "-f", "json")
        assert proc.returncode == 1
        doc = json.loads(proc.stdout)
        assert doc["summary"]["warnings"] == 4 and len(doc["warnings"]) == 4
        assert doc["warnings"][0].startswith(warnings[0].removeprefix("warning: "))


def test_graph_prints_the_warnings_and_takes_q_and_v(tmp_path):
    # as composing does: the warnings on stderr, none with -q, the explanations with -v
    root, deps = _mismatch_with_warnings(tmp_path, good=True)
    args = [a for d in deps for a in ("-d", d)]
    out = tmp_path / "g.json"
    code, err = compose_cli("graph", root, *args, "-o", out)
    assert code == 0 and json.loads(out.read_text())["summary"]["warnings"] == 4
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("warning: ") for line in lines), err
    code, err = compose_cli("graph", root, *args, "-o", out, "-q")
    assert code == 0 and err == ""
    code, err = compose_cli("graph", root, *args, "-o", out, "-v")
    assert code == 0
    assert ("  root (root.wasm): import `t:a/a@1.0.0`: satisfied by `t:a/a@1.0.0` of a (a.wasm), "
            "exact name\n") in err
    assert err.endswith("\n".join(lines) + "\n")
    # failing: the warnings, then the errors; with -q the errors alone
    root, deps = _mismatch_with_warnings(tmp_path, good=False)
    code, err = compose_cli("graph", root, *args, "-o", out)
    assert code == 1 and err == "\n".join(lines) + (
        "\nerror: `t:a/a@1.0.0` from a.wasm: func get: result: expected u32, found u64\n")
    code, err = compose_cli("graph", root, *args, "-o", out, "-q")
    assert code == 1 and err == "error: `t:a/a@1.0.0` from a.wasm: func get: result: expected u32, found u64\n"
