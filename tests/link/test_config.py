"""config.py: the YAML config of `wasm-tools compose -c`. Every mistake in it is one line
naming the file and the key, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.link.config import Argument, Dependency, load_config

from support.cli import compose_cli
from support.components import counter, write

BAD_CONFIGS = {
    "not a mapping": ("- a.wasm\n", "the config must be a mapping, found list"),
    "unknown key": ("definition: [a.wasm]\n", "unknown key `definition` in the config (known "
                    "keys: definitions, dependencies, disallow-imports, import-components, "
                    "instantiations, policy, search-paths, skip-validation)"),
    "search paths not a list": ("search-paths: lib\n", "`search-paths` must be a list"),
    "flag not a bool": ("skip-validation: yes please\n", "`skip-validation` must be true or false"),
    "definition not a string": ("definitions: [1]\n", "definitions entry must be a string"),
    "dependency without path": ("dependencies:\n  a: {import: x}\n",
                                "dependency `a` has no `path`"),
    "dependency key unknown": ("dependencies:\n  a: {path: a.wasm, version: 1}\n",
                               "unknown key `version` in dependency `a` (known keys: import, path)"),
    "instantiation not a mapping": ("instantiations:\n  root: [a]\n",
                                    "instantiation `root` must be a mapping, found list"),
    "argument without instance": (
        "instantiations:\n  root:\n    arguments:\n      t:a/a@1.0.0: {export: x}\n",
        "argument `t:a/a@1.0.0` of instantiation `root` has no `instance`"),
    "argument export not a string": (
        "instantiations:\n  root:\n    arguments:\n      t:a/a@1.0.0: {instance: a, export: [x]}\n",
        "argument `t:a/a@1.0.0` of instantiation `root` export must be a string"),
    "invalid yaml": ("instantiations:\n  root: [unclosed\n",
                     "invalid YAML at line 3, column 1: expected ',' or ']', but got '<stream end>'"),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_config_mistakes_name_the_file_and_the_key(tmp_path, case):
    text, message = BAD_CONFIGS[case]
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    cfg = tmp_path / "compose.yml"
    cfg.write_text(text)
    out = tmp_path / "out.wasm"
    code, err = compose_cli(root, "-c", cfg, "-o", out)
    assert code == 1
    assert err == f"error: {cfg}: {message}\n"
    assert not out.exists()


def test_a_config_that_cannot_be_read(tmp_path):
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    code, err = compose_cli(root, "-c", tmp_path / "missing.yml", "-o", tmp_path / "o.wasm")
    assert (code, err) == (1, f"error: {tmp_path / 'missing.yml'}: config file not found\n")
    latin = tmp_path / "latin.yml"
    latin.write_bytes(b"definitions: [caf\xe9.wasm]\n")
    code, err = compose_cli(root, "-c", latin, "-o", tmp_path / "o.wasm")
    assert code == 1 and err.startswith(f"error: {latin}: cannot read config: ")


def test_every_key_is_read(tmp_path):
    cfg = tmp_path / "conf" / "compose.yml"
    cfg.parent.mkdir()
    cfg.write_text(
        "search-paths: [lib, ../shared]\nskip-validation: true\nimport-components: true\n"
        "disallow-imports: true\ndefinitions: [a.wasm]\n"
        "dependencies:\n  b: b.wasm\n  c: {path: sub/c.wasm, import: my-c}\n"
        "instantiations:\n  root:\n    arguments:\n      x: b\n      y: {instance: c, export: e}\n"
        "  c2: {dependency: c}\n  empty:\n"
    )
    base = cfg.parent
    for name in ("a.wasm", "b.wasm", "sub/c.wasm"):  # the files it names must be there
        (base / name).parent.mkdir(exist_ok=True)
        (base / name).write_bytes(b"")
    c = load_config(cfg)
    assert c.path == cfg and c.dir == base
    assert c.search_paths == (base / "lib", base / "../shared")
    assert (c.skip_validation, c.import_components, c.disallow_imports) == (True, True, True)
    assert c.definitions == (base / "a.wasm",)
    assert c.dependencies == {"b": Dependency("b", base / "b.wasm"),
                              "c": Dependency("c", base / "sub/c.wasm", "my-c")}
    assert c.instantiations["root"].arguments == {"x": Argument("b"), "y": Argument("c", "e")}
    assert c.instantiations["c2"].dependency_name == "c"
    assert c.instantiations["empty"].dependency_name == "empty"
    assert c.instantiations["empty"].arguments == {}


def test_an_empty_config_is_the_defaults(tmp_path):
    cfg = tmp_path / "compose.yml"
    cfg.write_text("# nothing\n")
    c = load_config(cfg)
    assert (c.search_paths, c.definitions, c.dependencies, c.instantiations) == ((), (), {}, {})
    assert not (c.skip_validation or c.import_components or c.disallow_imports)
    cfg.write_text("search-paths:\n")  # a key without a value is an empty list
    assert load_config(Path(cfg)).search_paths == ()


@pytest.mark.parametrize("text, line, message", [
    ("dependencies:\n  a: a.wasm\n  b: {path: gone.wasm}\n", 3,
     "dependency `b` names {dir}/gone.wasm, which does not exist"),
    ("skip-validation: false\ndefinitions: [gone.wasm]\n", 2,
     "`definitions` names {dir}/gone.wasm, which does not exist"),
])
def test_a_file_the_config_names_must_exist(tmp_path, text, line, message):
    (tmp_path / "a.wasm").write_bytes(b"")
    root = write(tmp_path, "root", counter(1, imports=("t:a/a@1.0.0",)))
    cfg = tmp_path / "compose.yml"
    cfg.write_text(text)
    code, err = compose_cli(root, "-c", cfg, "-o", tmp_path / "out.wasm")
    assert (code, err) == (1, f"error: {cfg}:{line}: {message.format(dir=tmp_path)}\n")


def test_entries_know_their_lines(tmp_path):
    cfg = tmp_path / "compose.yml"
    cfg.write_text("# a comment\ninstantiations:\n  root:\n    arguments:\n      x: y\n")
    c = load_config(cfg)
    assert c.where("instantiations", "root", "arguments", "x") == f"{cfg}:5"
    assert c.where("instantiations") == f"{cfg}:2"
    assert c.where("nothing") == str(cfg)
