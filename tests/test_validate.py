"""Every input is validated before it is used: a component built to break each rule of the
component layer, and core modules wasmtime's validator refuses, are refused with the file,
the byte offset, the path to the definition and the rule, exit 1, nothing written; and
wasm-tools refuses each of them too."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from components import counter, write
from conftest import wasm_tools, wat

LIBC = """
  (core module $libc
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
    (func (export "bad-realloc") (param i32) (result i32) (i32.const 0)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (alias core export $libc "bad-realloc" (core func $bad-realloc))
"""

# id -> (component text, what the message says)
BROKEN = {
    "core module": (
        '(component (core module (func (result i32) (i64.const 0))))',
        "core module[0]: invalid core module: type mismatch: expected i32, found i64"),
    "core module in a nested component": (
        '(component (component (core module (func (result i32) (i64.const 0)))))',
        "component[0] > core module[0]: invalid core module: type mismatch"),
    "alias of a missing core export": (
        '(component (core module $m (func (export "f"))) (core instance $i (instantiate $m))'
        ' (alias core export $i "g" (core func)))',
        "core instance 0 has no export named `g`"),
    "alias of a core export of another kind": (
        '(component (core module $m (func (export "f"))) (core instance $i (instantiate $m))'
        ' (alias core export $i "f" (core memory)))',
        "export `f` of core instance 0 is a func, not a memory"),
    "instantiate without an argument": (
        '(component (core module $m (import "env" "f" (func)))'
        ' (core instance (instantiate $m)))',
        "missing module instantiation argument named `env`"),
    "instantiate with an argument lacking an import": (
        '(component (core module $m (import "env" "f" (func)))'
        ' (core instance $e) (core instance (instantiate $m (with "env" (instance $e)))))',
        "module instantiation argument `env` does not export an item named `f`"),
    "instantiate with a function of another type": (
        '(component (core module $p (func (export "f")))'
        ' (core instance $pi (instantiate $p))'
        ' (core module $m (import "env" "f" (func (param i32))))'
        ' (core instance (instantiate $m (with "env" (instance $pi)))))',
        "module instantiation argument `env` exports `f` of the wrong type: expected "
        "(func (param i32)), found (func)"),
    "instantiate with a memory too small": (
        '(component (core module $p (memory (export "m") 1))'
        ' (core instance $pi (instantiate $p))'
        ' (core module $m (import "env" "m" (memory 2)))'
        ' (core instance (instantiate $m (with "env" (instance $pi)))))',
        "expected (memory 2), found (memory 1): the minimum is smaller"),
    "a lowered function imported with another type": (
        '(component (import "f" (func $f (param "x" u32)))'
        ' (core func $lf (canon lower (func $f)))'
        ' (core module $m (import "env" "f" (func (param i64))))'
        ' (core instance $e (export "f" (func $lf)))'
        ' (core instance (instantiate $m (with "env" (instance $e)))))',
        "expected (func (param i64)), found (func (param i32))"),
    "lift of a core function of another type": (
        '(component (core module $m (func (export "f") (param i64) (result i32) (i32.const 0)))'
        ' (core instance $i (instantiate $m))'
        ' (func (param "x" u32) (result u32) (canon lift (core func $i "f"))))',
        "canon lift of `func(x: u32) -> u32`: the core function has type "
        "(func (param i64) (result i32)), the Canonical ABI needs (func (param i32) (result i32))"),
    "lift of strings without realloc": (
        '(component' + LIBC +
        ' (core module $m (func (export "f") (param i32 i32)))'
        ' (core instance $i (instantiate $m))'
        ' (func (param "s" string) (canon lift (core func $i "f") (memory $mem))))',
        "canon lift of `func(s: string)` needs the `realloc` option"),
    "realloc of the wrong type": (
        '(component' + LIBC +
        ' (core module $m (func (export "f") (param i32 i32)))'
        ' (core instance $i (instantiate $m))'
        ' (func (param "s" string) (canon lift (core func $i "f") (memory $mem)'
        ' (realloc $bad-realloc))))',
        "canonical option `realloc` has type (func (param i32) (result i32)), expected "
        "(func (param i32 i32 i32 i32) (result i32))"),
    "an option twice": (
        '(component' + LIBC +
        ' (import "f" (func $f))'
        ' (core func (canon lower (func $f) (memory $mem) (memory $mem))))',
        "canonical option `memory` is specified more than once"),
    "lower of a function returning a string without memory": (
        '(component (import "f" (func $f (result string))) (core func (canon lower (func $f))))',
        "canon lower of `func() -> string` needs the `realloc` and `memory` options"),
    "post-return of the wrong type": (
        '(component (core module $m (func (export "f") (result i32) (i32.const 0))'
        ' (func (export "pr")))'
        ' (core instance $i (instantiate $m))'
        ' (alias core export $i "pr" (core func $pr))'
        ' (func (result u32) (canon lift (core func $i "f") (post-return $pr))))',
        "canonical option `post-return` has type (func), expected (func (param i32))"),
    "resource.new of an imported resource": (
        '(component (import "r" (type $r (sub resource))) (core func (canon resource.new $r)))',
        "`resource.new` needs a resource this component defines"),
    "a parameter name not in kebab case": (
        '(component (type (func (param "someName" u32))))',
        "parameter name `someName` is not in kebab case"),
    "a case name not in kebab case": (
        '(component (type (variant (case "a--b"))))', "variant case name `a--b` is not in kebab case"),
    "a borrow returned": (
        '(component (type $r (resource (rep i32))) (type (func (result (borrow $r)))))',
        "function result cannot contain a `borrow` type"),
    "an import using a resource the component defines": (
        '(component (type $r (resource (rep i32))) (import "f" (func (param "x" (own $r)))))',
        "func `f` is not valid to be used as an import: it uses a resource the component "
        "defines, which is not imported"),
    "an import using a record without a name": (
        '(component (type $p (record (field "a" u32))) (import "f" (func (result $p))))',
        "func `f` is not valid to be used as an import: it uses the record "
        "`record { a: u32 }` without a name"),
    "an export using a resource it does not export": (
        '(component (type $r (resource (rep i32)))'
        ' (core module $m (func (export "f") (result i32) (i32.const 0)))'
        ' (core instance $i (instantiate $m))'
        ' (func $f (result (own $r)) (canon lift (core func $i "f")))'
        ' (export "f" (func $f)))',
        "func `f` is not valid to be used as an export: it uses a resource the component "
        "defines, which this component neither imports nor exports"),
    "a value (a gated feature)": (
        '(component (import "v" (value string)))',
        "a value import or export requires the gated feature `cm-values`, which is not enabled "
        "(`--features cm-values` enables it)"),
    "fixed-length lists (a gated feature)": (
        '(component (type (list u8 4)))',
        "a fixed-length list requires the gated feature `cm-fixed-length-lists`"),
    "a type import bound to an exported type": (
        '(component (type $t u32) (export $e "e" (type $t)) (import "i" (type (eq $e))))',
        "type `i` is not valid to be used as an import: it is bound to `e`, a type this "
        "component exports"),
    "types nested too deep": (
        "(component (type $t0 u8) " + " ".join(f"(type $t{i} (list $t{i - 1}))" for i in range(1, 101))
        + ")", "type nesting is too deep"),
    "a type too large expanded": (
        "(component (type $t0 u8) " + " ".join(
            f'(type $t{i} (record (field "a" $t{i - 1}) (field "b" $t{i - 1})))'
            for i in range(1, 20)) + ")",
        "effective type size exceeds the limit of 1000000"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_rule_is_one_line_with_file_offset_path_and_rule(tmp_path, case):
    text, message = BROKEN[case]
    data = wat(text)
    path = tmp_path / "broken.wasm"
    path.write_bytes(data)
    assert wasm_tools("validate", str(path), check=False).returncode != 0  # the oracle agrees
    proc = subprocess.run([sys.executable, "-m", "composer", "inspect", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"error: {path}: offset 0x"), line
    assert message in line
    offset = int(re.search(r"offset (0x[0-9a-f]+)", line).group(1), 16)
    assert 8 <= offset < len(data)


def test_a_broken_dependency_is_refused_before_anything_is_written(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "a", counter(10, exports="t:a/a@1.0.0").replace(
        "(i32.const 10)", "(i64.const 10)"))  # its core module no longer validates
    out = tmp_path / "out.wasm"
    proc = subprocess.run([sys.executable, "-m", "composer", str(root), "-d", str(dep), "-o",
                           str(out)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {dep}: offset 0x")
    assert "core module[0]: invalid core module: type mismatch" in proc.stderr
    assert not out.exists()
    # --skip-validation reads it as it is, as wasm-tools compose does
    proc = subprocess.run([sys.executable, "-m", "composer", str(root), "-d", str(dep), "-o",
                           str(out), "--skip-validation"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_validated_modules_are_remembered(tmp_path, small_fixtures, monkeypatch):
    from composer.model import corevalidate
    from composer.model.load import load_component

    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = corevalidate._validate
    monkeypatch.setattr(corevalidate, "_validate", lambda e, m: calls.append(m.path) or real(e, m))
    load_component(small_fixtures["echo-env"])
    assert calls  # its modules were validated ...
    calls.clear()
    load_component(small_fixtures["echo-env"])
    assert calls == []  # ... once
    monkeypatch.setenv("COMPOSER_CACHE_DIR", "")
    load_component(small_fixtures["echo-env"])
    assert calls  # no cache: validated every time


def test_module_interfaces_are_remembered_exactly(tmp_path, small_fixtures, monkeypatch):
    # the second reading takes every module's imports and exports from the cache: the same
    # component model as reading the modules, and a damaged cache entry is read around
    from composer.model import corevalidate
    from composer.binary import module
    from composer.model.load import load_component

    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("composer.model.elaborate._REMEMBERED", 0)  # the seed's are small
    parsed = []
    real = module.module_interface
    monkeypatch.setattr("composer.model.elaborate.module_interface",
                        lambda data, offset: parsed.append(offset) or real(data, offset))
    first = load_component(small_fixtures["seed-app"])
    assert parsed
    parsed.clear()
    second = load_component(small_fixtures["seed-app"])
    assert parsed == []
    def interfaces(scope):
        return [(m.imports, m.exports) for m in scope.core_modules if not hasattr(m, "data")]
    assert interfaces(first.scope) == interfaces(second.scope) != []
    for entry in (tmp_path / "cache").glob("module-interfaces-*/*"):
        entry.write_bytes(b"not marshal")
    third = load_component(small_fixtures["seed-app"])
    assert parsed and interfaces(third.scope) == interfaces(first.scope)
    assert corevalidate.cached_interface("0" * 64) is None


def test_small_modules_are_read_not_remembered(tmp_path, small_fixtures, monkeypatch):
    # below 16 KiB a module's interface is read each time: quicker than opening a cache file
    from composer.binary import module
    from composer.model.load import load_component

    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(tmp_path / "cache"))
    parsed = []
    real = module.module_interface
    monkeypatch.setattr("composer.model.elaborate.module_interface",
                        lambda data, offset: parsed.append(offset) or real(data, offset))
    load_component(small_fixtures["seed-app"])
    first = list(parsed)
    load_component(small_fixtures["seed-app"])
    assert first and parsed == first * 2
    assert not list((tmp_path / "cache").glob("module-interfaces-*/*"))


# A built-in's core function type (CanonicalABI.md, "validation specifies") is checked where
# the function is passed: each with the type it is given (accepted) and with another (refused).
BUILTINS = {
    "task.cancel": ("(canon task.cancel (core func $f))", "(func)"),
    "backpressure.inc": ("(canon backpressure.inc (core func $f))", "(func)"),
    "subtask.cancel": ("(canon subtask.cancel (core func $f))", "(func (param i32) (result i32))"),
    "subtask.drop": ("(canon subtask.drop (core func $f))", "(func (param i32))"),
    "thread.yield": ("(canon thread.yield (core func $f))", "(func (result i32))"),
    "stream.new": ("(canon stream.new $s (core func $f))", "(func (result i64))"),
    "stream.read": ('(canon stream.read $s (memory (core memory $m "mem")) (core func $f))',
                    "(func (param i32 i32 i32) (result i32))"),
    "future.write": ('(canon future.write $fu (memory (core memory $m "mem")) (core func $f))',
                     "(func (param i32 i32) (result i32))"),
    "stream.cancel-read": ("(canon stream.cancel-read $s (core func $f))", "(func (param i32) (result i32))"),
    "future.drop-writable": ("(canon future.drop-writable $fu (core func $f))", "(func (param i32))"),
    "waitable-set.new": ("(canon waitable-set.new (core func $f))", "(func (result i32))"),
    "waitable-set.wait": ('(canon waitable-set.wait (memory (core memory $m "mem")) (core func $f))',
                          "(func (param i32 i32) (result i32))"),
    "waitable.join": ("(canon waitable.join (core func $f))", "(func (param i32 i32))"),
    "context.get": ("(canon context.get i32 0 (core func $f))", "(func (result i32))"),
    "context.set": ("(canon context.set i32 0 (core func $f))", "(func (param i32))"),
    "task.return": ("(canon task.return (core func $f))", "(func)"),
    "task.return u64": ("(canon task.return (result u64) (core func $f))", "(func (param i64))"),
    "task.return string": ('(canon task.return (result string) (memory (core memory $m "mem")) '
                           "(core func $f))", "(func (param i32 i32))"),
    "error-context.new": ('(canon error-context.new (memory (core memory $m "mem")) (core func $f))',
                          "(func (param i32 i32) (result i32))"),
    "error-context.drop": ("(canon error-context.drop (core func $f))", "(func (param i32))"),
}


@pytest.mark.parametrize("builtin", BUILTINS)
@pytest.mark.parametrize("given", ["its type", "another type"])
def test_a_builtin_has_the_core_type_the_canonical_abi_gives_it(tmp_path, builtin, given):
    canon, functype = BUILTINS[builtin]
    signature = functype if given == "its type" else "(func (param f64))"
    path = tmp_path / "builtin.wasm"
    path.write_bytes(wat(f"""(component
      (type $s (stream u8)) (type $fu (future u8))
      (core module $mm (memory (export "mem") 1)) (core instance $m (instantiate $mm))
      {canon}
      (core module $use (import "x" "f" {signature}))
      (core instance (instantiate $use (with "x" (instance (export "f" (func $f)))))))"""))
    valid = wasm_tools("validate", "--features", "all", str(path), check=False).returncode == 0
    assert valid == (given == "its type")  # the oracle agrees
    proc = subprocess.run([sys.executable, "-m", "composer", "inspect", "--features", "all", str(path)],
                          capture_output=True, text=True)
    if valid:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 1
        assert f"of the wrong type: expected (func (param f64)), found {functype}" in proc.stderr


def test_nested_names_are_the_gated_nested_names_feature(tmp_path):
    # `a:b:c/d` and `a:b/c/d`: refused naming the feature, as wasm-tools does, read with it
    path = tmp_path / "nested.wasm"
    path.write_bytes(wat('(component (import "a:b:c/d" (func)) (import "x:y/z/w@1.0.0" (func)))'))
    assert wasm_tools("validate", str(path), check=False).returncode != 0
    assert wasm_tools("validate", "--features", "cm-nested-names", str(path), check=False).returncode == 0
    refused = subprocess.run([sys.executable, "-m", "composer", "inspect", str(path)],
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert ("the nested import name `a:b:c/d` requires the gated feature `cm-nested-names`"
            in refused.stderr)
    read = subprocess.run([sys.executable, "-m", "composer", "inspect", "--json", "--features",
                           "cm-nested-names", str(path)], capture_output=True, text=True)
    assert read.returncode == 0, read.stderr
    assert '"name": "x:y/z/w@1.0.0"' in read.stdout
    # still not every name: a nested name needs kebab-case parts
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(wat('(component (import "a:B_c/d" (func)))'))
    proc = subprocess.run([sys.executable, "-m", "composer", "inspect", "--features", "all", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "is not a valid extern name" in proc.stderr


def _lists(k: int) -> str:
    """WAT: types $t0..$t{k-1}, each a list of the one before (a list of u32 first)."""
    return "(type $t0 (list u32)) " + " ".join(f"(type $t{i} (list $t{i - 1}))" for i in range(1, k))


# shape -> WAT of a component using a list nested k deep; the last valid k differs by shape
NESTING = {
    "a type": lambda k: f"(component {_lists(k)})",
    "an exported type": lambda k: f'(component {_lists(k)} (export "a" (type $t{k - 1})))',
    "a type imported equal to one": lambda k: f'(component {_lists(k)} (import "a" (type (eq $t{k - 1}))))',
    "a function parameter": lambda k: f'(component {_lists(k)} (type (func (param "x" $t{k - 1}))))',
    "an imported function": lambda k: (f'(component {_lists(k)} (type $f (func (param "x" $t{k - 1})))'
                                       ' (import "f" (func (type $f))))'),
    "a list of handles": lambda k: ('(component (type (instance (export "r" (type (sub resource)))'
                                    ' (type (own 0)) ' + " ".join(f"(type (list {i + 1}))" for i in range(k))
                                    + ")))"),
    "an exported instance type": lambda k: (f'(component (type $i (instance {_lists(k)}'
                                            f' (export "a" (type (eq $t{k - 1}))))) (export "i" (type $i)))'),
    "an imported instance with a function": lambda k: (
        f'(component (type $i (instance {_lists(k)} (type $f (func (param "x" $t{k - 1})))'
        ' (export "f" (func (type $f))))) (import "i" (instance (type $i))))'),
}


def _verdicts_agree(tmp_path, build, ks: range, message: str) -> None:
    """`compose` accepts each `build(k)` exactly when wasm-tools does (refusing it with
    `message`), and the range crosses the limit (wasm-tools accepts some and not all)."""
    from composer.errors import ComposerError
    from composer.model.load import load_component

    verdicts = []
    for k in ks:
        path = tmp_path / f"k{k}.wasm"
        path.write_bytes(wat(build(k)))
        valid = wasm_tools("validate", str(path), check=False).returncode == 0
        try:
            load_component(path, validate=True)
            accepted = True
        except ComposerError as e:
            accepted = False
            assert message in str(e)
        assert accepted == valid, (k, valid)
        verdicts.append(valid)
    assert True in verdicts and False in verdicts  # the limit is within the range tried


@pytest.mark.parametrize("shape", NESTING)
def test_type_nesting_is_counted_as_wasmparser_counts_it(tmp_path, shape):
    # each level wasmparser counts (a function type, an instance type, an import or export
    # of a type or function; not a handle's resource) moves the last valid depth
    _verdicts_agree(tmp_path, NESTING[shape], range(95, 101), "type nesting is too deep")


def _doubling(k: int, exported: bool) -> str:
    """WAT: records r0..rk, each with two fields of the one before (sizes 3, 7, 15, ...),
    each exported (and the next made of the export) or not."""
    out = []
    for i in range(k + 1):
        fields = "u8" if i == 0 else f"$r{i - 1}"
        name = f"$t{i}" if exported else f"$r{i}"
        out.append(f'(type {name} (record (field "a" {fields}) (field "b" {fields})))')
        if exported:
            out.append(f'(export $r{i} "r{i}" (type $t{i}))')
    return "(component " + " ".join(out) + ")"


SIZES = {
    # one type: its fully expanded size must stay below 1,000,000
    "a record of records": lambda k: _doubling(k, exported=False),
    # a component's imports and exports are one type: their sizes add up
    "records each exported": lambda k: _doubling(k, exported=True),
}


@pytest.mark.parametrize("shape", SIZES)
def test_type_size_is_counted_as_wasmparser_counts_it(tmp_path, shape):
    _verdicts_agree(tmp_path, SIZES[shape], range(15, 19),
                    "effective type size exceeds the limit of 1000000")
