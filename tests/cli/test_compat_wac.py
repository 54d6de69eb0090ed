"""docs/cli.md's "Compatibility with wac" table, each row run through the command line: a
test per row, found by the row's first cell (wac's verb or flag), so that a row without a test
fails, and a test whose row is gone too. Each checks the output, the exit status and the
stream, wasm-tools validating what is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest

from support import ROOT
from support.cli import compose_on_terminal, compose_proc
from support.watprint import assert_prints_as_wasm_tools
from support.oracle import top_imports, valid, wasm_tools

SEED_WAC = ROOT / "fixtures" / "wac" / "seed.wac"
NO_REGISTRY = "compose reads no registry"


def table_rows() -> list[str]:
    """The first cell of each row of the section's table."""
    text = (ROOT / "docs" / "cli.md").read_text()
    start = text.index("\n## Compatibility with wac\n")
    end = text.find("\n## ", start + 1)
    rows = []
    for line in text[start:end if end != -1 else None].splitlines():
        if not line.startswith("| ") or line.startswith("| wac |") or line.startswith("| ---"):
            continue
        rows.append(line.split(" | ")[0][2:].strip())
    return rows


class Setup:
    """A folder laid out as a wac user's: the seed document as app.wac, its packages under
    ./deps as wac looks for them, the two components by themselves, a WIT world the string
    operations target."""

    def __init__(self, folder: Path, fixtures: dict[str, Path]) -> None:
        self.dir = folder
        self.app, self.ops = fixtures["seed-app"], fixtures["seed-ops"]
        self.wac = folder / "app.wac"
        shutil.copy(SEED_WAC, self.wac)
        deps = folder / "deps" / "example"
        deps.mkdir(parents=True)
        shutil.copy(self.app, deps / "consumer.wasm")
        shutil.copy(self.ops, deps / "string-operations.wasm")
        self.deps = ("-d", f"example:consumer={self.app}",
                     "-d", f"example:string-operations={self.ops}")
        self.wit = folder / "ops.wit"
        self.wit.write_text("package example:stringoperations@0.1.0;\n\n"
                            "interface operations {\n"
                            "  reverse: func(s: string) -> string;\n"
                            "  word-count: func(s: string) -> u32;\n}\n\n"
                            "world ops {\n  export operations;\n}\n\n"
                            "world other {\n  export run: func();\n}\n")

    def run(self, *args: object, text: bool = True):
        return compose_proc(*args, cwd=self.dir, text=text)

    def out(self, name: str = "out.wasm") -> Path:
        return self.dir / name


@pytest.fixture(scope="module")
def w(tmp_path_factory, small_fixtures) -> Setup:
    return Setup(tmp_path_factory.mktemp("wac-compat"), small_fixtures)


def composes_the_seed(w: Setup, out: Path) -> None:
    """`out` is the seed composition: valid, importing what the consumer leaves for the host,
    exporting wasi:cli/run."""
    valid(out)
    assert "wasi:cli/stdout@0.2.0" in top_imports(out)
    text = wasm_tools("print", str(out)).stdout.decode()
    assert [line.split('"')[1] for line in text.splitlines() if line.startswith("  (export ")] == [
        "wasi:cli/run@0.2.0"]


def ok(proc, stdout: str | None = None) -> None:
    assert proc.returncode == 0, proc.stderr
    if stdout is not None:
        assert proc.stdout == stdout


# -- global ---------------------------------------------------------------------------------------

def help_(w: Setup) -> None:
    for flag in ("-h", "--help"):
        proc = w.run(flag)
        ok(proc)
        assert proc.stdout.startswith("Usage: compose") and "resolve" in proc.stdout
        assert proc.stderr == ""


def version(w: Setup) -> None:
    for flag in ("-V", "--version"):
        proc = w.run(flag)
        ok(proc, "compose, version 0.1.0\n")


def help_command(w: Setup) -> None:
    whole, one = w.run("help"), w.run("help", "resolve")
    ok(whole)
    assert whole.stdout == w.run("--help").stdout
    ok(one)
    assert one.stdout.startswith("Usage: compose resolve [OPTIONS] FILE")
    for verb in ("compose", "encode"):  # composing's help, by wac's verbs
        proc = w.run("help", verb)
        ok(proc)
        assert "--deps-dir" in proc.stdout and "--import-dependencies" in proc.stdout
    bad = w.run("help", "nope")
    assert bad.returncode == 2 and "no such command `nope`" in bad.stderr and bad.stdout == ""


def command_help(w: Setup) -> None:
    for command in ("parse", "resolve", "plug", "targets"):
        proc = w.run(command, "-h")
        ok(proc)
        assert proc.stdout.startswith(f"Usage: compose {command} ")
    proc = w.run("encode", "-h")  # (the composing command's help)
    ok(proc)
    assert "--deps-dir" in proc.stdout and "--no-validate" in proc.stdout


# -- parse ----------------------------------------------------------------------------------------

def parse(w: Setup) -> None:
    proc = w.run("parse", w.wac)
    ok(proc)
    doc = json.loads(proc.stdout)
    assert doc["directive"]["package"]["name"] == "example:composition"
    assert len(doc["statements"]) == 3 and proc.stderr == ""
    bad = w.dir / "bad.wac"
    bad.write_text("package a:b;\nlet = ;\n")
    proc = w.run("parse", bad)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"error: {bad}:2:5: ")


# -- resolve --------------------------------------------------------------------------------------

def resolved(proc) -> dict:
    ok(proc)
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "composer-report/2" and doc["source"] == "plan" and doc["ok"]
    assert {n["id"] for n in doc["nodes"]} == {"(exports)", "app", "ops"}
    assert [(e["source"], e["target"], e["import"]) for e in doc["edges"] if e["how"] == "wired"] == [
        ("app", "ops", "example:stringoperations/operations@0.1.0"),
        ("(exports)", "app", "wasi:cli/run@0.2.0")]
    return doc


def resolve(w: Setup) -> None:
    import jsonschema

    from composer.report.json_out import schema

    proc = w.run("resolve", w.wac)  # its packages from ./deps
    doc = resolved(proc)
    jsonschema.validate(doc, schema())
    assert proc.stderr == ""
    # an error in the document: at its place, nothing on stdout
    bad = w.dir / "undefined.wac"
    bad.write_text("package a:b;\nexport nothing;\n")
    proc = w.run("resolve", bad)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"error: {bad}:2:8: undefined name `nothing`")
    proc = w.run("resolve", w.app)  # a component is no document
    assert proc.returncode == 2 and "resolve reads a WAC document" in proc.stderr


def resolve_deps_dir(w: Setup) -> None:
    elsewhere = w.dir / "vendor"
    if not elsewhere.exists():
        shutil.copytree(w.dir / "deps", elsewhere)
    resolved(w.run("resolve", "--deps-dir", elsewhere, w.wac, "--deps-dir", elsewhere))
    proc = w.run("resolve", w.wac, "--deps-dir", w.dir / "nowhere")
    assert proc.returncode == 1 and "unknown package `example:string-operations`" in proc.stderr


def resolve_dep(w: Setup) -> None:
    doc = resolved(w.run("resolve", w.wac, "--deps-dir", w.dir / "nowhere", *w.deps))
    assert {n["id"]: n["file"] for n in doc["nodes"]}["ops"] == str(w.ops)
    doc = resolved(w.run("resolve", w.wac, "--deps-dir", w.dir / "nowhere",
                         "--dep", f"example:consumer={w.app}",
                         "--dep", f"example:string-operations={w.ops}"))
    assert {n["id"]: n["file"] for n in doc["nodes"]}["app"] == str(w.app)


def registry_warned(proc, url: str) -> None:
    assert (f"warning: --registry {url}: {NO_REGISTRY}; packages come from --deps-dir and --dep"
            in proc.stderr)


def resolve_registry(w: Setup) -> None:
    proc = w.run("resolve", w.wac, "--registry", "https://registry.example")
    resolved(proc)
    registry_warned(proc, "https://registry.example")
    quiet = w.run("resolve", w.wac, "--registry", "https://registry.example", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


# -- compose, encode ------------------------------------------------------------------------------

def compose_document(w: Setup) -> None:
    for verb in (("compose",), ()):
        out = w.out(f"composed{len(verb)}.wasm")
        proc = w.run(*verb, w.wac, "-o", out)
        ok(proc, "")
        composes_the_seed(w, out)
    # and more: run it before writing it
    proc = w.run("compose", w.wac, "-o", w.out("run.wasm"), "--run")
    ok(proc)
    assert "Reversed: ledoM tnenopmoC ylbmessAbeW olleH" in proc.stdout


def encode(w: Setup) -> None:
    out = w.out("encoded.wasm")
    proc = w.run("encode", "-o", out, w.wac)  # the README of wac's own example
    ok(proc, "")
    composes_the_seed(w, out)
    again = w.out("composed-again.wasm")
    ok(w.run("compose", w.wac, "-o", again))
    assert out.read_bytes() == again.read_bytes()


def compose_output(w: Setup) -> None:
    for flag in ("-o", "--output"):
        out = w.out(f"output{flag}.wasm")
        ok(w.run("compose", w.wac, flag, out), "")
        composes_the_seed(w, out)
    proc = w.run("compose", w.wac, text=False)  # no -o: standard output
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == w.out("output-o.wasm").read_bytes()
    status, shown, err = compose_on_terminal("compose", str(w.wac), "--deps-dir",
                                             str(w.dir / "deps"))
    assert status == 2 and shown == ""
    assert "refusing to write a binary component to a terminal" in err


def compose_deps_dir(w: Setup) -> None:
    elsewhere = w.dir / "vendor2"
    if not elsewhere.exists():
        shutil.copytree(w.dir / "deps", elsewhere)
    out = w.out("deps-dir.wasm")
    ok(w.run("compose", w.wac, "--deps-dir", elsewhere, "-o", out))
    composes_the_seed(w, out)


def compose_dep(w: Setup) -> None:
    nowhere = w.dir / "nowhere"
    out = w.out("dep.wasm")
    ok(w.run("compose", w.wac, "--deps-dir", nowhere, *w.deps, "-o", out), "")
    composes_the_seed(w, out)
    proc = w.run("compose", w.wac, "-d", w.app, "-o", w.out("never.wasm"))  # a file: -d's
    assert proc.returncode == 2 and "which -d NS:NAME=PATH is too" in proc.stderr
    long_out = w.out("dep-long.wasm")
    ok(w.run("compose", w.wac, "--deps-dir", nowhere, "--dep", f"example:consumer={w.app}",
             "--dep", f"example:string-operations={w.ops}", "-o", long_out))
    assert long_out.read_bytes() == out.read_bytes()


def compose_import_dependencies(w: Setup) -> None:
    for flag in ("-i", "--import-dependencies"):
        out = w.out(f"imported{flag}.wasm")
        ok(w.run("compose", w.wac, flag, "-o", out), "")
        valid(out)
        imports = top_imports(out)
        assert "example-consumer" in imports and "example-string-operations" in imports


def compose_no_validate(w: Setup) -> None:
    out = w.out("no-validate.wasm")
    ok(w.run("compose", w.wac, "--no-validate", "-o", out), "")
    composes_the_seed(w, out)
    checked = w.out("validated.wasm")
    ok(w.run("compose", w.wac, "-o", checked))
    assert out.read_bytes() == checked.read_bytes()


def text_is_printed(w: Setup, args: tuple, binary_args: tuple) -> None:
    binary = w.out("for-text.wasm")
    ok(w.run(*binary_args, "-o", binary))
    for flag in ("-t", "--wat"):
        proc = w.run(*args, flag)
        ok(proc)
        assert_prints_as_wasm_tools(proc.stdout, binary.read_bytes())


def compose_wat(w: Setup) -> None:
    text_is_printed(w, ("compose", w.wac), ("compose", w.wac))


def compose_registry(w: Setup) -> None:
    out = w.out("registry.wasm")
    proc = w.run("compose", w.wac, "--registry", "https://registry.example", "-o", out)
    ok(proc, "")
    registry_warned(proc, "https://registry.example")
    composes_the_seed(w, out)


def compose_package_not_found(w: Setup) -> None:
    out = w.out("never.wasm")
    proc = w.run("compose", w.wac, "--deps-dir", w.dir / "nowhere",
                 "--dep", f"example:consumer={w.app}", "-o", out)
    assert proc.returncode == 1 and proc.stdout == "" and not out.exists()
    first = proc.stderr.splitlines()[0]
    assert first == (
        f"error: {w.wac}:7:15: unknown package `example:string-operations`: not in "
        f"{w.dir / 'nowhere'}, and {NO_REGISTRY}: give its file with --dep "
        "example:string-operations=PATH, or put it in the deps folder (--deps-dir DIR) as "
        f"{w.dir / 'nowhere' / 'example' / 'string-operations.wasm'}")


# -- plug -----------------------------------------------------------------------------------------

def plug(w: Setup) -> None:
    out = w.out("plugged.wasm")
    ok(w.run("plug", w.app, "--plug", w.ops, "-o", out), "")
    composes_the_seed(w, out)
    # the plug's imports may be plugged by another plug: here none is, and none is needed
    assert "example:stringoperations/operations@0.1.0" not in top_imports(out)


def plug_output(w: Setup) -> None:
    for flag in ("-o", "--output"):
        out = w.out(f"plugged{flag}.wasm")
        ok(w.run("plug", w.app, "--plug", w.ops, flag, out), "")
        valid(out)
    proc = w.run("plug", w.app, "--plug", w.ops, text=False)
    assert proc.returncode == 0 and proc.stdout == w.out("plugged-o.wasm").read_bytes()


def plug_wat(w: Setup) -> None:
    text_is_printed(w, ("plug", w.app, "--plug", w.ops), ("plug", w.app, "--plug", w.ops))


def plug_registry(w: Setup) -> None:
    out = w.out("plug-registry.wasm")
    proc = w.run("plug", w.app, "--plug", w.ops, "--registry", "https://r.example", "-o", out)
    ok(proc, "")
    registry_warned(proc, "https://r.example")
    valid(out)


def plug_package_names(w: Setup) -> None:
    out = w.out("never.wasm")
    proc = w.run("plug", "my-ns:socket", "--plug", "some-ns:plug@1.2.0", "--plug", w.ops,
                 "-o", out)
    assert proc.returncode == 1 and proc.stdout == "" and not out.exists()
    assert proc.stderr == (
        f"error: `my-ns:socket`, `some-ns:plug@1.2.0`: package names with no such file, and "
        f"{NO_REGISTRY}: give each component's file instead (a path: ./pkg.wasm); a WAC "
        "document names its packages' files with --dep NS:PKG=PATH or --deps-dir DIR\n")
    proc = w.run("plug", "ns:socket", "--plug", w.ops)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: `ns:socket`: a package name with no such file, and "
                                  f"{NO_REGISTRY}")


# -- targets --------------------------------------------------------------------------------------

def targets(w: Setup) -> None:
    for how in (("--wit", w.wit), (w.wit,)):
        proc = w.run("targets", w.ops, *how, "--world", "ops")
        ok(proc, "")
        assert "targets" in proc.stderr
    proc = w.run("targets", w.app, "--wit", w.wit, "--world", "ops")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: ")
    assert (f"error: {w.app}: export `example:stringoperations/operations@0.1.0` of world `ops` "
            "is missing") in proc.stderr.splitlines()
    for how in ((), (w.wit, "--wit", w.wit)):
        proc = w.run("targets", w.ops, *how)
        assert proc.returncode == 2 and "give the WIT package once" in proc.stderr


def targets_world(w: Setup) -> None:
    proc = w.run("targets", w.ops, "--wit", w.wit, "--world", "example:stringoperations/ops")
    ok(proc, "")
    proc = w.run("targets", w.ops, "--wit", w.wit, "--world", "other")
    assert proc.returncode == 1 and "run" in proc.stderr
    assert proc.stderr == f"error: {w.ops}: export `run` of world `other` is missing\n"
    proc = w.run("targets", w.ops, "--wit", w.wit)  # two worlds: which?
    assert proc.returncode == 2 and "--world" in proc.stderr


CASES: dict[str, Callable[[Setup], None]] = {
    "`wac -h`, `wac --help`": help_,
    "`wac -V`, `wac --version`": version,
    "`wac help [COMMAND]`": help_command,
    "`wac COMMAND -h`": command_help,
    "`wac parse FILE.wac`": parse,
    "`wac resolve FILE.wac`": resolve,
    "`wac resolve --deps-dir DIR`": resolve_deps_dir,
    "`wac resolve -d PKG=PATH`, `--dep PKG=PATH`": resolve_dep,
    "`wac resolve --registry URL`": resolve_registry,
    "`wac compose FILE.wac`": compose_document,
    "`wac encode FILE.wac`": encode,
    "`wac compose -o FILE`, `--output FILE`": compose_output,
    "`wac compose --deps-dir DIR`": compose_deps_dir,
    "`wac compose -d PKG=PATH`, `--dep PKG=PATH`": compose_dep,
    "`wac compose -i`, `--import-dependencies`": compose_import_dependencies,
    "`wac compose --no-validate`": compose_no_validate,
    "`wac compose -t`, `--wat`": compose_wat,
    "`wac compose --registry URL`": compose_registry,
    "a package of the document not found locally (wac asks its registry)": compose_package_not_found,
    "`wac plug SOCKET --plug PLUG`": plug,
    "`wac plug -o FILE`, `--output FILE`": plug_output,
    "`wac plug -t`, `--wat`": plug_wat,
    "`wac plug --registry URL`": plug_registry,
    "`wac plug ns:socket --plug ns:plug` (registry package names)": plug_package_names,
    "`wac targets COMPONENT --wit WIT`": targets,
    "`wac targets --world NAME`": targets_world,
}


def _params() -> list:
    rows = table_rows()
    out = []
    for row in [*rows, *(k for k in CASES if k not in rows)]:
        case = CASES.get(row)
        marks = getattr(case, "pytestmark", [])
        out.append(pytest.param(row, marks=marks, id=row.replace("`", "")))
    return out


@pytest.mark.parametrize("row", _params())
def test_row(row: str, w: Setup) -> None:
    assert row in table_rows(), f"a test for `{row}`, which docs/cli.md's table no longer has"
    assert row in CASES, f"docs/cli.md's row `{row}` has no test in CASES"
    CASES[row](w)


def test_the_table_is_read():
    rows = table_rows()
    assert len(rows) == len(set(rows)) >= 20
    assert rows[0] == "`wac -h`, `wac --help`"


def test_graph_takes_wacs_dash_d_for_a_document(w: Setup) -> None:
    """`-d NS:NAME=PATH` is wac's --dep wherever a document is read: graph draws it too."""
    proc = w.run("graph", w.wac, "--deps-dir", w.dir / "nowhere", *w.deps, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(
        w.run("resolve", w.wac, "--deps-dir", w.dir / "nowhere", *w.deps).stdout)
