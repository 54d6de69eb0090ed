"""Bad input: one line naming the file, the byte offset and what is wrong; exit status 1;
no traceback. Usage errors exit 2."""

from __future__ import annotations

import re

import pytest

from composer.binary.writer import encode_u

from support import ROOT
from support.build import wat
from support.cli import compose_cli, compose_proc, invoke
from support.oracle import wasm_tools

SMALL = """(component
  (type (func (param "s" string) (result string)))
  (import "example:demo/api@1.0.0" (instance (export "run" (func (type 0)))))
)"""


def run_inspect(path) -> tuple[int, str]:
    return compose_cli("inspect", path)


def assert_one_line_error(stderr: str, path, *fragments: str, offset: int | None = None) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("error: "), line
    assert str(path) in line
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in line, line
    if offset is not None:
        assert f"offset {offset:#x}" in line, line


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + encode_u(len(payload)) + payload


PREAMBLE = b"\x00asm\x0d\x00\x01\x00"


def test_truncated_file(tmp_path):
    data = wat(SMALL)
    path = tmp_path / "cut.wasm"
    path.write_bytes(data[: len(data) - 5])
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, "runs past the end")
    assert re.search(r"offset 0x[0-9a-f]+", err)


# Malformed bytes: each gets one line naming the file, the offset and what is wrong.
BYTE_CASES = [
    pytest.param(b"\x00asm\x0d", ("truncated",), 5, id="truncated preamble"),
    pytest.param(b"\x00asm\x0c\x00\x01\x00", ("unknown binary version 0x000c",), 4, id="wrong version"),
    pytest.param(b"\x00asm\x0d\x00\x07\x00", ("unknown layer 0x0007",), 6, id="wrong layer"),
    pytest.param(b"hello world, not wasm", ("not a WebAssembly binary",), 0, id="not wasm at all"),
    pytest.param(PREAMBLE + b"\x07" + b"\x80\x80\x80\x80\x80\x00",
                 ("integer representation too long for u32",), 9, id="overlong LEB128 section size"),
    # a type section whose vector count has bits beyond 32
    pytest.param(PREAMBLE + section(7, b"\xff\xff\xff\xff\x7f"),
                 ("integer too large for u32", "type section at 0x8"), 10, id="overflowing LEB128"),
    pytest.param(PREAMBLE + b"\x07\x40\x01", ("size 64 runs past the end",), 10,
                 id="section running past the end"),
    pytest.param(PREAMBLE + section(13, b"\x00"), ("unknown section id 13",), 8, id="unknown section id"),
    pytest.param(PREAMBLE + section(10, encode_u(1_000_000) + b"\x00"),
                 ("count 1000000 is larger than the 1 bytes left",), 10,
                 id="vector count larger than the file"),
]


# The whole message: the path of productions, each named after Binary.md's, down to the field.
PATH_CASES = [
    pytest.param(
        PREAMBLE + section(7, b"\x01" + b"\x42\x01" + b"\x04" + b"\x00\x02a\xff" + b"\x01\x00"),
        "offset 0x11: type section at 0x8 > type[0] > instance-type.decls > instancedecl[0] > "
        "export-declarator.decl > export-decl.nameattrs > nameattributes: invalid UTF-8 in a "
        "name: invalid start byte", id="name in an instance type"),
    pytest.param(
        PREAMBLE + section(7, b"\x01" + b"\x42\x80\x08"),
        "offset 0xc: type section at 0x8 > type[0] > instance-type.decls: instancedecl count 1024 "
        "is larger than the 0 bytes left", id="declarator count"),
    pytest.param(
        PREAMBLE + section(8, b"\x01\x00\x01\x00\x00\x00"),
        "offset 0xc: canon section at 0x8 > canon[0]: expected byte 0x00 in lift, found 0x01",
        id="the second byte of a two-byte tag"),
    pytest.param(
        PREAMBLE + section(11, b"\x01\x00\x01e\x09\x00\x00"),
        "offset 0xe: export section at 0x8 > export[0] > export.item > sort-idx.sort: "
        "invalid sort 0x09", id="a sort byte"),
    pytest.param(
        PREAMBLE + section(6, b"\x01\x00\x99\x01\x00\x01f"),
        "offset 0xb: alias section at 0x8 > alias[0] > alias.sort: invalid sort 0x00 0x99",
        id="a core sort byte"),
    pytest.param(
        PREAMBLE + section(7, b"\x00\x6f\x6f"),
        "offset 0xb: type section at 0x8: 2 unexpected bytes after the end of the type section",
        id="bytes after the items"),
    pytest.param(
        PREAMBLE + section(3, b"\x01" + b"\x5f\x01\x7f\x02"),
        "offset 0xe: core type section at 0x8 > core type[0] > core-struct-type.fields > "
        "field-type[0] > field-type.mutable: expected 0x00 or 0x01, found 0x02",
        id="a flag byte of 2"),
]


@pytest.mark.parametrize("data, message", PATH_CASES)
def test_errors_name_the_path_to_the_field(tmp_path, data, message):
    path = tmp_path / "bad.wasm"
    path.write_bytes(data)
    code, err = run_inspect(path)
    assert (code, err) == (1, f"error: {path}: {message}\n")


def test_only_type_scopes_count_as_nesting(tmp_path):
    # 200 instance types side by side, and one nested 90 deep: both within the limit of 100
    flat = b"".join(b"\x42\x00" for _ in range(200))
    deep = b"\x42\x00"
    for _ in range(90):
        deep = b"\x42\x01\x01" + deep
    for name, types in (("flat", encode_u(200) + flat), ("deep", b"\x01" + deep)):
        path = tmp_path / f"{name}.wasm"
        path.write_bytes(PREAMBLE + section(7, types))
        code, err = run_inspect(path)
        assert (code, err) == (0, ""), name


@pytest.mark.parametrize("data, fragments, offset", BYTE_CASES)
def test_malformed_bytes(tmp_path, data, fragments, offset):
    path = tmp_path / "bad.wasm"
    path.write_bytes(data)
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, *fragments, offset=offset)


def test_core_module_is_not_a_component(tmp_path):
    path = tmp_path / "module.wasm"
    path.write_bytes(wat("(module (func (export \"f\")))"))
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, "core WebAssembly module, not a component", offset=6)


def test_wat_text_is_read_and_its_errors_are_located(tmp_path):
    from support.components import counter

    source = counter(1, imports=("t:a/a@1.0.0",))
    text = tmp_path / "root.wat"
    text.write_text(source)
    binary = tmp_path / "root.wasm"
    binary.write_bytes(wat(source))
    read = invoke("inspect", text)
    assert read.exit_code == 0, read.stderr
    assert read.stdout.splitlines()[1:] == invoke("inspect", binary).stdout.splitlines()[1:]
    bad = tmp_path / "bad.wat"
    bad.write_text("(component\n  (core module (func (result i32) i32.conts 1)))\n")
    code, err = run_inspect(bad)
    assert code == 1
    assert err.splitlines() == [
        f"error: {bad}:2:35: unknown operator or unexpected token",
        "  |",
        "2 |   (core module (func (result i32) i32.conts 1)))",
        "  |                                   ^",
    ]


def test_invalid_utf8_in_a_name(tmp_path):
    # import section: one import, plain name of 3 bytes with an invalid one, a func type
    payload = b"\x01" + b"\x00\x03a\xffb" + b"\x01\x00"
    data = PREAMBLE + section(7, b"\x01\x40\x00\x01\x00") + section(10, payload)
    path = tmp_path / "utf8.wasm"
    path.write_bytes(data)
    code, err = run_inspect(path)
    assert code == 1
    bad = data.index(b"\xff")
    assert_one_line_error(err, path, "invalid UTF-8", "import section", offset=bad)


def test_types_nested_absurdly_deep(tmp_path):
    # (type (instance (type (instance ... )))) two hundred levels deep
    inner = b"\x42\x00"
    for _ in range(200):
        inner = b"\x42\x01\x01" + inner
    path = tmp_path / "deep.wasm"
    path.write_bytes(PREAMBLE + section(7, b"\x01" + inner))
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, "nesting deeper than 100 levels")


def nested_components(depth: int) -> bytes:
    data = PREAMBLE
    for _ in range(depth):
        data = PREAMBLE + section(4, data)
    return data


def test_components_may_nest_as_deep_as_the_count_limit_allows(tmp_path):
    # wasmparser limits how many core modules and components a tree holds (1,000), not how
    # deep they nest: 200 deep is valid, 1,001 components are one too many
    path = tmp_path / "deep-components.wasm"
    path.write_bytes(nested_components(200))
    assert run_inspect(path) == (0, "")
    path.write_bytes(nested_components(1000))
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, "modules and components count exceeds limit of 1000")
    assert ": component[0] > component[0] > component[0] > ... 993 more ... > component[0] > " in err


def test_invalid_index_is_a_validation_error(tmp_path):
    path = tmp_path / "invalid.wasm"
    path.write_bytes(wat('(component (core module $m (func (export "f"))) (func (canon lift (core func 0))))'))
    code, err = run_inspect(path)
    assert code == 1
    assert_one_line_error(err, path, "offset 0x3e: canon section > canon[0]: core func index 0 "
                                     "out of bounds (0 defined)")


def test_missing_file(tmp_path):
    code, err = run_inspect(tmp_path / "nope.wasm")
    assert code == 1
    assert_one_line_error(err, tmp_path / "nope.wasm", "not found")


def test_usage_error_exits_2():
    result = invoke("inspect")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_real_process_exit_status_and_no_traceback(tmp_path):
    path = tmp_path / "module.wasm"
    path.write_bytes(wat("(module)"))
    proc = compose_proc("inspect", path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert_one_line_error(proc.stderr, path, "not a component")


# Names taken from inputs may hold what acts on a terminal: a newline would split the one-line
# error, and an OSC sequence (ESC ] 0 ; ... BEL) sets the terminal's title. Every message
# shows them escaped, as `\n`, `\x1b`, `\x07`.
PWNED = "\n\x1b]0;pwned\x07"
SHOWN = "\\n\\x1b]0;pwned\\x07"


def assert_escaped_line(stderr: str, *fragments: str) -> None:
    """One `error:` line holding `fragments`, and nothing raw that acts on a terminal."""
    assert stderr.endswith("\n") and "\x1b" not in stderr and "\x07" not in stderr, repr(stderr)
    (line,) = stderr.splitlines()
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, line


def name_bytes(text: str) -> bytes:
    raw = text.encode()
    return b"\x00" + encode_u(len(raw)) + raw


def test_control_characters_of_an_import_name_are_escaped_in_the_error(tmp_path):
    path = tmp_path / "named.wasm"
    path.write_bytes(PREAMBLE + section(7, b"\x01\x42\x00")
                     + section(10, b"\x01" + name_bytes("a" + PWNED) + b"\x05\x00"))
    assert wasm_tools("validate", str(path), check=False).returncode != 0  # refused there too
    proc = compose_proc("inspect", str(path))
    assert proc.returncode == 1 and proc.stdout == ""
    assert_escaped_line(proc.stderr, str(path), f"import name `a{SHOWN}` is not a valid extern name")


def test_control_characters_of_a_core_import_are_escaped_where_it_is_missing(tmp_path):
    path = tmp_path / "core.wat"
    path.write_text('(component (core module $m (import "\\0a\\1b]0;pwned\\07" "f" (func)))'
                    " (core instance (instantiate $m)))")
    assert wasm_tools("validate", str(path), check=False).returncode != 0
    proc = compose_proc("inspect", str(path))
    assert proc.returncode == 1
    assert_escaped_line(proc.stderr, f"missing module instantiation argument named `{SHOWN}`")


def test_core_names_with_control_characters_are_valid_as_wasm_tools_says(tmp_path):
    path = tmp_path / "core.wat"
    path.write_text('(component (core module $m (import "\\0a\\1b]0;pwned\\07" "f" (func))))')
    assert wasm_tools("validate", str(path), check=False).returncode == 0
    proc = compose_proc("inspect", str(path))
    assert (proc.returncode, proc.stderr) == (0, "")


def test_file_names_with_control_characters_are_escaped_in_messages(tmp_path):
    missing = f"missing{PWNED}.wasm"
    proc = compose_proc(missing, "-o", "out.wasm", cwd=tmp_path)
    assert proc.returncode == 1
    assert_escaped_line(proc.stderr, f"missing{SHOWN}.wasm: component file not found")
    root = tmp_path / f"root{PWNED}.wasm"
    root.write_bytes(PREAMBLE + section(7, b"\x01\x40\x00\x01\x00")
                     + section(10, b"\x01" + name_bytes("f") + b"\x01\x00"))
    proc = compose_proc(root.name, "-o", "out.wasm", cwd=tmp_path)
    assert proc.returncode == 1 and not (tmp_path / "out.wasm").exists()
    assert_escaped_line(proc.stderr, f"no dependencies of component `root{SHOWN}.wasm` were found")
    # the report, a tree on stdout, shows the name escaped too
    proc = compose_proc("graph", root.name, cwd=tmp_path)
    assert proc.returncode == 1 and f"root{SHOWN}.wasm" in proc.stdout
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr


def test_a_usage_error_quoting_what_was_typed_escapes_it(tmp_path):
    proc = compose_proc("inspec\x1b", "x")  # close enough to a command to be read as one
    assert proc.returncode == 2 and "\x1b" not in proc.stderr
    assert "Error: no such command `inspec\\x1b` (and no such file); did you mean `inspect`?" \
        in proc.stderr.splitlines()


def test_a_text_error_shows_its_line_escaped_with_the_caret_under_the_escape(tmp_path):
    path = tmp_path / "bad.wit"
    path.write_text("package a:b;\ninterface i\x1b]0;pwned\x07 {}\n")
    proc = compose_proc("inspect", str(path))
    assert proc.returncode == 1 and "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    head, gutter, line, caret = proc.stderr.splitlines()
    assert head.startswith(f"error: {path}:2:12: ") and gutter == "  |"
    assert line == "2 | interface i\\x1b]0;pwned\\x07 {}"
    assert caret == "  | " + " " * len("interface i") + "^^^^"  # under all of `\x1b`


def test_each_problem_of_a_failed_composition_is_one_error_line(tmp_path):
    from support.components import counter, write

    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0", "t:b/b@1.0.0"), import_result="u64"))
    a = write(tmp_path, "a", counter(2, exports="t:a/a@1.0.0"))
    b = write(tmp_path, "b", counter(3, exports="t:b/b@1.0.0"))
    proc = compose_proc(str(root), "-d", str(a), "-d", str(b), "-o", str(tmp_path / "out.wasm"))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), lines
    assert "`t:a/a@1.0.0` from a.wasm" in lines[0] and "`t:b/b@1.0.0` from b.wasm" in lines[1]
    assert all("expected u64, found u32" in line for line in lines)


def test_every_character_a_name_may_hold_is_shown_in_one_line_that_acts_on_nothing():
    from composer.errors import printable

    text = "".join(map(chr, range(0x110000)))  # every code point, lone surrogates too
    shown = printable(text)
    assert len(shown.splitlines()) == 1  # none of the line breaks str.splitlines knows
    assert not any(0x80 <= ord(c) < 0xA0 or ord(c) < 0x20 or ord(c) == 0x7F for c in shown)
    assert not any(c in shown for c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert not any(0xD800 <= ord(c) < 0xE000 for c in shown)
    shown.encode("utf-8")  # any stream can write it
    assert printable("é 日本 😀 a\\b") == "é 日本 😀 a\\b"  # what shows as itself is left alone


# Mistakes a new user makes, each with what to do instead.

def test_root_and_dependency_swapped(small_fixtures, tmp_path):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    out = tmp_path / "out.wasm"
    code, err = compose_cli(ops, "-d", app, "-o", out)
    assert code == 1 and not out.exists()
    assert err == ("error: component `seed-ops.wasm` does not import any instances\n"
                   "hint: seed-app.wasm imports what seed-ops.wasm exports: did you mean "
                   f"compose {app} -d {ops}?\n")
    # a root importing nothing, and no dependency importing what it exports: no hint
    code, err = compose_cli(ops, "-d", small_fixtures["resources"], "-o", out)
    assert code == 1 and "hint" not in err and "does not import any instances" in err


def test_two_positionals(small_fixtures, tmp_path):
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    code, err = compose_cli(app, ops)
    assert code == 2
    assert err.endswith(f"Error: Got unexpected extra argument ({ops})\n"
                        f"hint: give dependencies with -d: compose {app} -d {ops}\n")
    code, err = compose_cli("graph", app, ops, tmp_path / "a b.wasm")
    assert code == 2
    assert err.endswith(f"hint: give dependencies with -d: compose graph {app} -d {ops} "
                        f"-d '{tmp_path / 'a b.wasm'}'\n")
    code, err = compose_cli(app, "--no-such-option", ops)  # its own error, no hint
    assert code == 2 and "hint" not in err
    code, err = compose_cli(tmp_path / "c.wac", ops)  # a WAC document's packages are not -d
    assert code == 2 and "unexpected extra argument" in err and "hint" not in err


def test_the_root_given_as_its_own_dependency(small_fixtures, tmp_path):
    app = small_fixtures["seed-app"]
    code, err = compose_cli(app, "-d", app, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert err == ("error: no dependencies of component `seed-app.wasm` were found: it was "
                   f"given as a dependency too ({app}), and a component cannot satisfy its own "
                   "imports; give the components that export what it imports with -d DEP.wasm\n")
    # with the dependency it needs as well, the repeated root is left out without a word
    code, err = compose_cli(app, "-d", app, "-d", small_fixtures["seed-ops"], "-o",
                            tmp_path / "out.wasm")
    assert code == 0 and err == ""


def test_a_wit_file_given_as_a_dependency(small_fixtures, tmp_path):
    wit = ROOT / "fixtures" / "wit" / "stringoperations" / "operations.wit"
    code, err = compose_cli(small_fixtures["seed-app"], "-d", wit, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert err == (f"error: {wit}: WIT text, not a component: a dependency must be a component "
                   "(a WIT package is given to `compose verify --world` or `compose targets`, "
                   "or built into a component with `wasm-tools component embed` and "
                   "`wasm-tools component new`)\n")
    code, err = compose_cli(wit, "-d", small_fixtures["seed-ops"], "-o", tmp_path / "out.wasm")
    assert code == 1 and "WIT text, not a component: the root must be a component" in err


def test_a_binary_wit_package_given_as_a_dependency(small_fixtures, tmp_path):
    package = tmp_path / "ops-wit.wasm"
    wasm_tools("component", "wit", str(ROOT / "fixtures" / "wit" / "stringoperations"),
               "--wasm", "-o", str(package))
    app, ops = small_fixtures["seed-app"], small_fixtures["seed-ops"]
    why = "it is a WIT package (types only, no implementation), not a component that can satisfy imports"
    code, err = compose_cli(app, "-d", package, "-o", tmp_path / "out.wasm")
    assert code == 1
    assert err == f"error: no dependencies of component `seed-app.wasm` were found: ops-wit.wasm: {why}\n"
    code, err = compose_cli(app, "-d", package, "-d", ops, "-o", tmp_path / "out.wasm")
    assert code == 0
    assert err == f"warning: dependency `{package}` satisfies no import; it is left out: {why}\n"


def test_registry_package_names_as_root_or_dependency_say_no_registry_is_read(tmp_path, monkeypatch):
    """`compose ns:pkg -d ns:dep@1.0.0` (wac's registry references, not files): refused with
    the reason and the way to give files, exit 1, nothing written; wasm-tools compose refuses
    them too (as missing files)."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.wasm"
    proc = compose_proc("my-ns:app", "-d", "ns:dep@1.0.0", "-o", out)
    assert proc.returncode == 1 and proc.stdout == "" and not out.exists()
    assert proc.stderr == (
        "error: `my-ns:app`, `ns:dep@1.0.0`: package names with no such file, and compose reads "
        "no registry: give each component's file instead (a path: ./pkg.wasm); a WAC document "
        "names its packages' files with --dep NS:PKG=PATH or --deps-dir DIR\n")
    peer = wasm_tools("compose", "my-ns:app", "-d", "ns:dep@1.0.0", "-o", str(out), check=False)
    assert peer.returncode != 0 and not out.exists()
