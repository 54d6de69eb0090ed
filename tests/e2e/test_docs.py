"""docs/: the user documentation keeps up with the code.

* every option of every command (found by walking the click command tree, so an option added
  without documentation fails here) is documented in docs/cli.md, in that command's section;
* every key the config loader accepts (read from composer/link/config.py) is documented in
  docs/config.md, and every ```yaml example there is a config the loader accepts;
* the ```python examples of docs/api.md run;
* relative links between the pages (and their #anchors) lead somewhere, and the index links
  every page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator

import click
import pytest
import yaml

import composer.link.config
from composer.cli import cli
from composer.link.config import ConfigError, load_config

from support import ROOT
from support.components import counter, write

DOCS = ROOT / "docs"
HELP = {"-h", "--help"}


# -- reading Markdown ------------------------------------------------------------------------

_FENCE = re.compile(r"^(```|~~~)")


def prose_lines(text: str) -> list[str]:
    """The lines of a page outside fenced code blocks (code lines are blanked, so that line
    numbers stay the same)."""
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            out.append("")
            continue
        out.append("" if fenced else line)
    return out


class Section:
    def __init__(self, level: int, title: str, body: str) -> None:
        self.level, self.title, self.body = level, title, body


def sections(text: str) -> list[Section]:
    """Each heading with the text under it, up to the next heading of the same or a higher
    level (so a section includes its subsections)."""
    lines = text.splitlines()
    prose = prose_lines(text)
    heads = [(i, len(m.group(1)), m.group(2).strip())
             for i, line in enumerate(prose) if (m := re.match(r"^(#{1,6})\s+(.*)$", line))]
    out = []
    for k, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[k + 1:] if lv <= level), len(lines))
        out.append(Section(level, title, "\n".join(lines[i:end])))
    return out


def slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link: its text
    title = title.strip().lower()
    title = re.sub(r"[^\w\- ]", "", title)
    return title.replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for s in sections(text):
        base = slug(s.title)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def fenced_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}[ \t]*\n(.*?)^```", text, re.M | re.S)


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


# -- the command line: docs/cli.md -----------------------------------------------------------


def commands(group: click.Group, path: str) -> Iterator[tuple[str, click.Command, bool]]:
    """(how the command is typed, the command, whether it is its group's default command) for
    every command below `group`, depth first."""
    default = getattr(group, "default_command", None)
    for name, command in sorted(group.commands.items()):
        is_default = name == default
        if command.hidden and not is_default:
            continue
        typed = path if is_default else f"{path} {name}"
        yield typed, command, is_default
        if isinstance(command, click.Group):
            yield from commands(command, typed)


def option_strings(command: click.Command) -> list[str]:
    out = []
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            out += [o for o in [*param.opts, *param.secondary_opts] if o not in HELP]
    return out


def _names_command(title: str, typed: str, command: click.Command, is_default: bool) -> bool:
    """Whether a heading names the command: `compose graph`, or for the default command (which
    is typed without its name) `compose ROOT...`, after its first argument."""
    title = title.replace("`", "")
    names = [typed] if not is_default else []
    if is_default:
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if arguments:
            names.append(f"{typed} {arguments[0].name.upper()}")
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", title) for n in names)


def command_section(doc: list[Section], typed: str, command: click.Command,
                    is_default: bool) -> Section:
    found = [s for s in doc if _names_command(s.title, typed, command, is_default)]
    assert found, (f"docs/cli.md has no section for `{typed}`"
                   + (" (a heading naming its arguments)" if is_default else ""))
    return min(found, key=lambda s: s.level)  # the command's own section, not a subsection


def documented(option: str, text: str) -> bool:
    """The option is written as code: `--option`, `-o`, `--option VALUE`, `--option=...`."""
    return re.search(rf"`{re.escape(option)}(?=[`\s=,\[])", text) is not None


CLI_DOC = DOCS / "cli.md"


def cli_cases() -> list[tuple[str, click.Command, bool]]:
    return [("compose", cli, False), *commands(cli, "compose")]


def test_the_command_tree_is_walked():
    # the walk finds the commands of composer/cli/, the default (hidden) one included
    typed = [t for t, _, _ in cli_cases()]
    assert {"compose inspect", "compose run", "compose verify", "compose graph"} <= set(typed)
    default = [c for _, c, is_default in cli_cases() if is_default]
    assert default and "--definitions" in option_strings(default[0])


@pytest.mark.parametrize("typed,command,is_default", cli_cases(),
                         ids=[t if not d else f"{t} (composing)" for t, _, d in cli_cases()])
def test_every_option_is_documented_in_its_commands_section(typed, command, is_default):
    doc = sections(CLI_DOC.read_text())
    if command is cli:  # the group's own options: before any command
        found = [s for s in doc if "global options" in s.title.lower()]
        assert found, "docs/cli.md has no `Global options` section"
        section = found[0]
    else:
        section = command_section(doc, typed, command, is_default)
    missing = [o for o in option_strings(command) if not documented(o, section.body)]
    assert not missing, (f"docs/cli.md, section `{section.title}`: options of `{typed}` not "
                         f"documented (written as code, e.g. `{missing[0]}`): {', '.join(missing)}")


def test_an_undocumented_option_is_noticed():
    """The checks above would notice an option nobody documented."""
    command = click.Command("x", params=[click.Option(["-z", "--zzz-not-documented"])])
    doc = sections("# x\n\n## `compose x`\n\n`-y`, `--yyy`\n")
    section = command_section(doc, "compose x", command, False)
    assert [o for o in option_strings(command) if not documented(o, section.body)] == [
        "-z", "--zzz-not-documented"]
    assert not documented("-o", "`--output FILE`")  # a short option is not found in a long one


# -- the config: docs/config.md --------------------------------------------------------------

CONFIG_DOC = DOCS / "config.md"


def config_keys() -> set[str]:
    """Every key config.py accepts: the key sets its loader checks mappings against
    (`_known_keys(mapping, KEYS, where)`), each a set literal or a module-level name."""
    source = Path(composer.link.config.__file__).read_text()
    tree = ast.parse(source)
    constants = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    constants[t.id] = node.value
    keys: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") .endswith("known_keys")):
            continue
        arg = node.args[1]
        if isinstance(arg, ast.Name):
            arg = constants[arg.id]
        keys |= set(ast.literal_eval(arg))
    return keys


def test_the_config_keys_are_found(tmp_path):
    keys = config_keys()
    # the keys of wasm-tools compose's format, at each level
    assert {"search-paths", "dependencies", "instantiations", "path", "arguments", "instance"} <= keys
    # and they are all there is: the loader refuses any other
    path = tmp_path / "c.yml"
    path.write_text("no-such-key: 1\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(path)


def test_every_config_key_is_documented():
    text = CONFIG_DOC.read_text()
    missing = sorted(k for k in config_keys() if f"`{k}`" not in text)
    assert not missing, f"docs/config.md does not document the keys {missing}"


def _paths(data: dict) -> tuple[list[str], list[str]]:
    """(directories, files) a config names, as written."""
    dirs = list(data.get("search-paths") or [])
    files = list(data.get("definitions") or [])
    for value in (data.get("dependencies") or {}).values():
        files.append(value if isinstance(value, str) else value["path"])
    return dirs, files


def yaml_examples() -> list[str]:
    return fenced_blocks(CONFIG_DOC.read_text(), "yaml")


def test_the_config_page_has_examples():
    assert len(yaml_examples()) >= 3


@pytest.mark.parametrize("example", yaml_examples(),
                         ids=[f"yaml-{i}" for i in range(len(yaml_examples()))])
def test_every_config_example_loads(example, tmp_path):
    """Each example, saved as a config file with the files it names created next to it, is
    read by the loader into what it says."""
    data = yaml.safe_load(example) or {}
    here = tmp_path / "project" / "build" / "config"  # room for `../` paths
    here.mkdir(parents=True)
    dirs, files = _paths(data)
    for d in dirs:
        target = (here / d).resolve()
        assert tmp_path in target.parents
        target.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = (here / f).resolve()
        assert tmp_path in target.parents
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"")
    path = here / "compose.yml"
    path.write_text(example)
    config = load_config(path)
    assert [p.resolve() for p in config.search_paths] == [(here / d).resolve() for d in dirs]
    assert [p.resolve() for p in config.definitions] == [
        (here / f).resolve() for f in data.get("definitions") or []]
    assert sorted(config.dependencies) == sorted(data.get("dependencies") or {})
    assert sorted(config.instantiations) == sorted(data.get("instantiations") or {})
    for key in ("skip-validation", "import-components", "disallow-imports"):
        assert getattr(config, key.replace("-", "_")) == data.get(key, False)
    for name, inst in (data.get("instantiations") or {}).items():
        args = (inst or {}).get("arguments") or {}
        assert sorted(config.instantiations[name].arguments) == sorted(args)


# -- the Python API: docs/api.md -------------------------------------------------------------


def _seed_pair(directory: Path, small_fixtures: dict[str, Path]) -> None:
    """The seed pair, as `seed-app.wasm` and `seed-ops.wasm` in `directory`."""
    import shutil

    for name in ("seed-app", "seed-ops"):
        shutil.copy(small_fixtures[name], directory / f"{name}.wasm")


def test_the_api_examples_run(tmp_path, monkeypatch, capsys, small_fixtures):
    """The examples of docs/api.md, run one after the other in a directory holding the
    `app.wasm` and `ops.wasm` they use (app's `run` returns 1 + ops' 41), and the seed pair."""
    write(tmp_path, "app", counter(1, imports=("example:ops/api@1.0.0",)))
    write(tmp_path, "ops", counter(41, exports="example:ops/api@1.0.0"))
    _seed_pair(tmp_path, small_fixtures)
    monkeypatch.chdir(tmp_path)
    blocks = fenced_blocks((DOCS / "api.md").read_text(), "python")
    assert blocks, "docs/api.md has no ```python example"
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/api.md (example {i + 1})", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "run() = 42" in out
    assert (tmp_path / "composed.wasm").exists() and (tmp_path / "report.html").exists()


def test_a_composition_built_through_the_api_is_the_d_composition_of_the_seed(tmp_path,
                                                                          monkeypatch,
                                                                          small_fixtures):
    """docs/api.md's "Building a composition" (the composition graph's API alone: no resolver,
    no command line) writes what `compose seed-app.wasm -d seed-ops.wasm` writes, byte for
    byte, and wasm-tools validates it."""
    import subprocess
    import sys

    from support.oracle import wasm_tools

    (block,) = [b for b in fenced_blocks((DOCS / "api.md").read_text(), "python")
                if "CompositionGraph()" in b]
    _seed_pair(tmp_path, small_fixtures)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "docs/api.md (Building a composition)", "exec"), {"__name__": "__main__"})
    built = (tmp_path / "seed-composed.wasm").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "composer", "seed-app.wasm", "-d", "seed-ops.wasm",
                           "-o", "by-d.wasm"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert built == (tmp_path / "by-d.wasm").read_bytes()
    assert wasm_tools("validate", str(tmp_path / "seed-composed.wasm"), check=False).returncode == 0


@pytest.mark.parametrize("qualified", ["composer.link.composition.CompositionGraph",
                                       "composer.link.linked.LinkedComposition"])
def test_every_public_method_of_the_composition_structure_is_documented(qualified):
    import importlib

    module, _, name = qualified.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    page = (DOCS / "api.md").read_text()
    public = [n for n in vars(cls) if not n.startswith("_")]
    assert public
    missing = [n for n in public if f"`{n}`" not in page and f"`{n}(" not in page]
    assert not missing, f"docs/api.md does not document {name}'s {missing}"


# -- links -----------------------------------------------------------------------------------

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def links(text: str) -> list[str]:
    prose = "\n".join(prose_lines(text))
    prose = re.sub(r"``.*?``|`[^`\n]*`", "", prose)  # code spans are not links
    return _LINK.findall(prose)


def test_the_docs_exist():
    names = {p.name for p in pages()}
    assert {"README.md", "cli.md", "config.md", "matching.md", "api.md"} <= names


@pytest.mark.parametrize("page", pages(), ids=[p.name for p in pages()])
def test_relative_links_resolve(page):
    broken = []
    for target in links(page.read_text()):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, ...
            continue
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest.read_text()):
            broken.append(f"{target} (no heading with that anchor in {dest.name})")
    assert not broken, f"docs/{page.name}: broken links: {'; '.join(broken)}"


def test_the_index_links_every_page():
    linked = {(DOCS / t.partition("#")[0]).resolve() for t in links((DOCS / "README.md").read_text())}
    missing = [p.name for p in pages() if p.name != "README.md" and p.resolve() not in linked]
    assert not missing, f"docs/README.md does not link {missing}"


def test_link_checks_notice_what_is_broken():
    assert links("[a](x.md#y) `[b](code.md)` ![img](pic.png)\n```\n[c](d.md)\n```\n") == ["x.md#y"]
    assert anchors("# Composing: `compose ROOT.wasm`\n## A\n## A\n") == {
        "composing-compose-rootwasm", "a", "a-1"}


# -- docs/architecture.md ----------------------------------------------------------------------

ARCHITECTURE = DOCS / "architecture.md"


def named_modules(text: str) -> set[str]:
    """The package's files and folders the page names: `composer/x/y.py`, `x/y.py` in a table
    row of its folder, `x/` (paths are relative to composer/)."""
    names = set(re.findall(r"`(?:composer/)?((?:[a-z_]+/)*[a-z_]+\.py|(?:[a-z_]+/)+)`", text))
    return {n for n in names if n.endswith(".py") or n.split("/")[0] in _STAGES}


_STAGES = ("binary", "model", "text", "link", "host", "report", "cli")


def test_the_architecture_names_only_modules_that_exist():
    text = ARCHITECTURE.read_text()
    missing = [n for n in sorted(named_modules(text))
               if not (ROOT / "composer" / n).exists() and not (ROOT / n).exists() and not any(
                   (ROOT / "composer" / folder / n).exists() for folder in _FOLDERS)]
    assert not missing, f"docs/architecture.md names modules that are not there: {missing}"


_FOLDERS = ("binary", "model", "text", "text/wit", "text/wit/parse", "text/wac", "link", "host",
            "report", "cli")


def test_the_architecture_places_every_stage_and_every_rule_module():
    """Every folder of the package, and every module of the stages whose rules the page maps
    (binary/, model/, text/wit/, text/wac/, link/), is named: a module added there without a
    line in the page fails here."""
    named = named_modules(ARCHITECTURE.read_text())
    bare = {Path(n).name for n in named}
    unnamed = []
    for folder in ("binary", "model", "text/wit", "text/wit/parse", "text/wac", "link"):
        for module in sorted((ROOT / "composer" / folder).glob("*.py")):
            if module.name != "__init__.py" and module.name not in bare:
                unnamed.append(f"{folder}/{module.name}")
    for folder in _STAGES:
        if not any(n.startswith(folder + "/") for n in named):
            unnamed.append(folder + "/")
    assert not unnamed, f"docs/architecture.md does not place: {unnamed}"


def test_the_architecture_check_notices_a_missing_module():
    named = named_modules("| rule | `binary/sections.py`, `reader.py` |\n`composer/link/` and `cli/`")
    assert named == {"binary/sections.py", "reader.py", "link/", "cli/"}


@pytest.fixture(scope="module")
def browser():
    from support.browser import launched

    yield from launched()


def test_the_architecture_picture_is_mermaid_that_mermaid_reads(browser):
    from support.browser import mermaid_verdict

    (picture,) = fenced_blocks(ARCHITECTURE.read_text(), "mermaid")
    assert mermaid_verdict(browser, picture) == "ok"
    assert mermaid_verdict(browser, picture.replace("-->", "-=>", 1)) != "ok"


def dotted_names(text: str) -> set[str]:
    """The code the page names as `stage.module.name` (below `composer`)."""
    heads = (*_STAGES, "files", "diagnostics", "errors", "record")
    return {n for n in re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", text) if n.split(".")[0] in heads}


def resolves(dotted: str) -> bool:
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("composer." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_the_architecture_names_only_code_that_exists():
    names = dotted_names(ARCHITECTURE.read_text())
    assert len(names) > 20
    assert not [n for n in sorted(names) if not resolves(n)]
    assert not resolves("link.composition.CompositionPlan") and not resolves("model.nothing")
