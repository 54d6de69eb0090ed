"""The options of the composing commands (`compose`, `plug`, `graph`), each declared once, and
what they were given as one record, `ComposingOptions`, that the commands receive.

`@composing_options(DEFINITIONS, SEARCH_PATH, ...)` adds the options listed to a command, in
the order its `--help` lists them, and calls it with their values as a `ComposingOptions` (its
arguments passed on as they are). An option several commands have is written once, with
`compose`'s help, and a shorter one for the commands that list it briefly (`plug`, `graph`,
whose help points to compose's). The usage checks every composing command makes before
reading anything are the record's methods; so is the composition they plan (`planned`).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any, Callable

import click

from ..record import Record
from ..report.output import REPORT_FORMATS, format_for, suffix_disagrees
from .console import error_line
from .host_options import host_config
from .running import gated_features


class ComposingOptions(Record):
    """What a composing command was given, a field per option, named as click names its
    value; an option the command does not have is at its default."""

    dependencies: tuple[Path, ...] = ()  # -d (plug: its --plug PLUG.wasm)
    search_paths: tuple[Path, ...] = ()  # -p
    plugs: tuple[str, ...] = ()  # --plug IMPORT=DEP.wasm
    virtualize: tuple[str, ...] = ()  # --virtualize PATTERN
    config: Path | None = None  # -c
    fmt: str | None = None  # graph -f
    output: Path | None = None  # -o
    wat: bool = False  # -t: the output as WebAssembly text
    no_imports: bool = False
    skip_validation: bool = False
    import_components: bool = False
    composed: bool = False  # graph --composed
    depfile: Path | None = None
    quiet: bool = False
    verbose: int = 0  # -v, counted (-vv, -vvv: wasm-tools' more detail; the same here)
    verify_after: bool = False  # --verify
    world: str | None = None
    report_path: Path | None = None  # --report
    run_after: bool = False  # --run
    deps_dir: Path | None = None
    deps: tuple[str, ...] = ()  # --dep NS:NAME=PATH
    import_dependencies: bool = False
    registry: str | None = None  # wac's --registry URL: not read
    # the embedded host's, for --run (host_options.py)
    env: tuple[str, ...] = ()
    inherit_env: bool = False
    dirs: tuple[str, ...] = ()
    timeout: float | None = None
    max_memory: str | None = None
    no_cache: bool = False
    features: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()  # --deny PATTERN
    allow: tuple[str, ...] = ()  # --allow PATTERN
    json_out: bool = False  # audit --json

    @property
    def to_stdout(self) -> bool:
        return self.output is None or str(self.output) == "-"

    @property
    def reads_root_alone(self) -> bool:
        """No dependency, search path, config or plug: ROOT is read as it is (a composed
        component read back, or any component), not composed."""
        return not (self.dependencies or self.search_paths or self.config or self.plugs)

    def gated_features(self) -> frozenset[str]:
        return gated_features(self.features)

    def as_wac_gives_them(self, wac: bool) -> ComposingOptions:
        """The options as wac means them: for a WAC document, `-d NS:NAME=PATH` is wac's `-d`,
        its `--dep` (for components, `-d` is wasm-tools compose's dependency); `--registry`
        said to be read no further (a warning, unless -q)."""
        if self.registry is not None and not self.quiet:
            from ..link.packages import NO_REGISTRY

            error_line(f"--registry {self.registry}: {NO_REGISTRY}; packages come from "
                       "--deps-dir and --dep", "warning")
        if not wac:
            return self
        moved = tuple(str(d) for d in self.dependencies if _PACKAGE_FILE.match(str(d)))
        if not moved:
            return self
        return self.replace(deps=self.deps + moved, dependencies=tuple(
            d for d in self.dependencies if str(d) not in moved))

    def check_wac_options(self, wac: bool) -> None:
        """The options of `-d` compositions and those of WAC documents do not mix."""
        wac_only = ("deps_dir", "deps", "import_dependencies")
        for name in _MIXED:
            value = getattr(self, name)
            if value in (None, False, ()) or (name in wac_only) == wac:
                continue
            flag = "--" + name.replace("_", "-")
            flag = {"--dependencies": "-d", "--search-paths": "-p", "--plugs": "--plug",
                    "--deps": "--dep"}.get(flag, flag)
            if wac and name == "virtualize":
                # a document says which component each import gets: an adapter is one of them
                raise click.UsageError(
                    "--virtualize is for compositions of components; in a WAC document, "
                    "write the deny adapter with `compose stub WIT --interface NAME -o FILE` "
                    "and give it as a package (--dep NS:NAME=FILE) instantiated with `new`")
            if wac:
                raise click.UsageError(f"{flag} is for compositions of components; a WAC "
                                       "document names its packages (use --deps-dir, or "
                                       "--dep NS:NAME=PATH, which -d NS:NAME=PATH is too)")
            raise click.UsageError(f"{flag} is for WAC documents (ROOT.wac)")

    def for_root(self, root: Path) -> tuple[ComposingOptions, bool, dict[str, Path],
                                              dict[str, Path]]:
        """The options as a command composing (or planning) `root` takes them: as wac means
        them for a WAC document, checked not to mix; whether `root` is a WAC document; its
        `--dep` package files; its `--plug` files."""
        wac = root.suffix == ".wac"
        options = self.as_wac_gives_them(wac)
        options.check_wac_options(wac)
        return options, wac, options.package_files(), options.plug_files()

    def package_files(self) -> dict[str, Path]:
        """`--dep ns:name=PATH` options as {package: file}."""
        out: dict[str, Path] = {}
        for item in self.deps:
            name, eq, path = item.partition("=")
            if not eq or ":" not in name or not path:
                raise click.UsageError(f"--dep {item}: expected NS:NAME=PATH "
                                       "(e.g. --dep example:greeter=greeter.wasm)")
            out[name] = Path(path)
        return out

    def planned(self, root: Path, policy: Any) -> tuple[Any, Any]:
        """The composition of `root` (a WAC document with its --dep packages, or a component
        with the dependencies, search paths, config and --plug files) planned, not written,
        and the policy it is held to: the config's rules, then `policy` (the options')."""
        if root.suffix == ".wac":
            from ..link.compose import plan_document

            return (plan_document(root, deps_dir=self.deps_dir, dependencies=self.package_files()),
                    policy)
        from ..link.compose import plan_composition
        from ..link.config import Config, load_config

        config = load_config(self.config) if self.config else Config()
        return (plan_composition(root, list(self.dependencies),
                                 search_paths=list(self.search_paths), config=config,
                                 plugs=self.plug_files()),
                config.policy + policy)

    def policy(self) -> Any:
        """`--deny`, `--allow` and `--virtualize` as a `link.policy.Policy`; a pattern that
        does not parse is a usage error naming the option."""
        from ..link.policy import PatternError, policy_of

        try:
            return policy_of(self.deny, self.allow, self.virtualize)
        except PatternError as exc:
            raise click.UsageError(str(exc)) from None

    def plug_files(self) -> dict[str, Path]:
        """`--plug IMPORT=DEP.wasm` options as {import: file}."""
        out: dict[str, Path] = {}
        for item in self.plugs:
            name, eq, path = item.partition("=")
            if not eq or not name or not path:
                raise click.UsageError(f"--plug {item}: expected IMPORT=DEP.wasm "
                                       "(e.g. --plug wasi:cli/stdout@0.2.0=stdout.wasm)")
            if name in out and out[name] != Path(path):
                raise click.UsageError(f"--plug {name}: given twice ({out[name]}, {path})")
            out[name] = Path(path)
        return out

    def output_checks(self) -> Any:
        """The usage checks every command writing a component makes before reading anything;
        the host configuration for --run (None without it)."""
        if self.run_after and self.to_stdout:
            raise click.UsageError("--run needs -o FILE: the program's own output goes to stdout")
        config = None
        if self.run_after:
            config = host_config(self.env, self.inherit_env, self.dirs, self.timeout,
                                 self.max_memory, self.no_cache,
                                 program=self.output.name if self.output else "component",
                                 progress=not self.quiet)
        elif (self.env or self.inherit_env or self.dirs or self.timeout is not None
              or self.max_memory is not None):
            raise click.UsageError("--env, --inherit-env, --dir, --timeout and --max-memory go "
                                   "with --run")
        if self.to_stdout and not self.wat and sys.stdout.isatty():
            raise click.UsageError("refusing to write a binary component to a terminal; use "
                                   "-o OUT.wasm, redirect, or -t for the text")
        if self.depfile is not None and self.to_stdout:
            raise click.UsageError("--depfile needs -o FILE: a Make rule needs a target file")
        if self.report_path is not None:  # an unknown suffix is a usage error now
            report_format(self.report_path, None, "--report")
        return config


def report_format(path: Path | None, given: str | None, option: str = "-o") -> str:
    """The format of the report written to `path` (`option`'s value): as given (-f), else
    from the suffix, else (stdout) a tree; a suffix no format has is a usage error."""
    if given:
        disagreement = suffix_disagrees(path, given)
        if disagreement:
            error_line(disagreement, "warning")
    try:
        return format_for(path, given)
    except ValueError as exc:
        how = "choose one with -f" if option == "-o" else "use one of those"
        raise click.UsageError(f"{option} {path}: {exc}; {how}") from None


# `-d NS:NAME[@VERSION]=PATH`: wac's -d, its --dep
_PACKAGE_FILE = re.compile(r"[^=/]+:[^=/]+=.")

# the options that belong to `-d` compositions or to WAC documents only, in the order a
# command given several is told about them
_MIXED = ("dependencies", "search_paths", "config", "plugs", "virtualize", "no_imports", "import_components",
          "composed", "deps_dir", "deps", "import_dependencies")


class Shared:
    """An option of the composing commands, declared once: `compose`'s help, and `brief`, a
    shorter one, for the commands that list their options briefly."""

    def __init__(self, *decls: str, brief: str | None = None, **attrs: Any) -> None:
        self.decls, self.brief, self.attrs = decls, brief, attrs

    def option(self, brief: bool) -> Callable[[Callable], Callable]:
        attrs = {**self.attrs, "help": self.brief} if brief and self.brief else self.attrs
        return click.option(*self.decls, **attrs)


def composing_options(*options: Shared | Callable[[Callable], Callable],
                      brief: bool = False) -> Callable[[Callable], Callable]:
    """A composing command's options (`Shared` ones, and click option decorators such as the
    host's), in the order its --help lists them, and the command called with their values
    as one `ComposingOptions`, its other parameters (arguments) by name. `brief`: the
    options' brief help."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_options(**given: Any) -> Any:
            values = {name: given.pop(name) for name in ComposingOptions._NAMES if name in given}
            return command(ComposingOptions(**values), **given)

        decorated: Callable[..., Any] = with_options
        for option in reversed(options):  # as stacked decorators: the first added last
            add = option.option(brief) if isinstance(option, Shared) else option
            decorated = add(decorated)
        return decorated

    return decorate


DEFINITIONS = Shared(
    "-d", "--definitions", "dependencies", multiple=True, metavar="DEP.wasm",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A dependency whose exports satisfy imports of the root or of other dependencies "
         "(repeatable).",
    brief="A dependency (repeatable).")
SEARCH_PATH = Shared(
    "-p", "--search-path", "search_paths", multiple=True, metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also look here for dependencies named after an import (repeatable).")
PLUG = Shared(
    "--plug", "plugs", multiple=True, metavar="IMPORT=DEP.wasm",
    help="Satisfy IMPORT with DEP.wasm's export of it (or of a semver-compatible version), "
         "whatever else offers it; DEP.wasm is a dependency (repeatable).")
VIRTUALIZE = Shared(
    "--virtualize", multiple=True, metavar="PATTERN",
    help="Plug each import left for the host that PATTERN matches (wasi:sockets/*, "
         "wasi:http/outgoing-handler@0.2, *) with a generated deny adapter: its functions "
         "return the interface's access-denied error, an empty list or none, or trap "
         "(repeatable; wildcards skip pass-through interfaces such as wasi:io/*; see "
         "docs/capabilities.md).",
    brief="Plug the host imports PATTERN matches with a generated deny adapter (repeatable).")
CONFIG = Shared(
    "-c", "--config", type=click.Path(dir_okay=False, path_type=Path),
    help="A composition config (the YAML format of wasm-tools compose).")
OUTPUT = Shared(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write the composed component (`-` or none: stdout; binary never to a "
         "terminal).")
WAT = Shared(
    "-t", "--wat", is_flag=True,
    help="Write the composed component as WebAssembly text (as `wasm-tools print` prints it) "
         "instead of the binary.",
    brief="Write the composed component as WebAssembly text.")
NO_IMPORTS = Shared(
    "--no-imports", is_flag=True, help="Fail if an instance import is left for the host.")
SKIP_VALIDATION = Shared(
    "--skip-validation", is_flag=True, help="Do not check the composed component.")
IMPORT_COMPONENTS = Shared(
    "--import-components", is_flag=True,
    help="Import the components instead of embedding them.")
DEPFILE = Shared(
    "--depfile", type=click.Path(dir_okay=False, path_type=Path),
    help="Write a Make rule naming every file the composition read.")
QUIET = Shared(
    "-q", "--quiet", is_flag=True,
    help="Print nothing but errors: no warnings, no --verify report, no progress.",
    brief="Print nothing but errors.")
VERBOSE = Shared(
    "-v", "--verbose", count=True,
    help="Explain every matching decision (-vv, -vvv: the same, for wasm-tools' scripts).")
VERIFY = Shared(
    "--verify", "verify_after", is_flag=True,
    help="Check the output as `compose verify` does before writing it.")
WORLD = Shared(
    "--world", metavar="WORLD",
    help="With --verify: wasi:cli/command or wasi:http/proxy (default: inferred).")
REPORT = Shared(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Also write the composition report (format from the suffix: .html, .svg, .png, "
         ".dot, .mmd, .json, .txt), even when the composition fails.",
    brief="Also write the composition report (format from the suffix).")
RUN = Shared(
    "--run", "run_after", is_flag=True,
    help="Run the output (wasi:cli/run) before writing it; its exit status is compose's, and "
         "the output is written only if it exits 0.",
    brief="Run the output (wasi:cli/run) before writing it.")
DEPS_DIR = Shared(
    "--deps-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="For a .wac ROOT: where packages are found (ns/name.wasm, .wat, a WIT folder "
         "ns/name/, ns/name.wit; default: ./deps).",
    brief="For a .wac ROOT: where packages are found (default: ./deps).")
DEP = Shared(
    "--dep", "deps", multiple=True, metavar="NS:NAME=PATH",
    help="For a .wac ROOT: the file of a package (repeatable).")
IMPORT_DEPENDENCIES = Shared(
    "-i", "--import-dependencies", is_flag=True,
    help="For a .wac ROOT: import the packages instead of embedding them.")
# `compose ROOT -V`: wasm-tools compose takes -V after its command name too
VERSION_OPTION = click.version_option(None, "-V", "--version", package_name="wasm-composer",
                                      prog_name="compose")
# wac's spellings: compose's --skip-validation, resolve's -d (wac's: --dep), --registry
WAC_SKIP_VALIDATION = Shared(
    "--skip-validation", "--no-validate", "skip_validation", is_flag=True,
    help="Do not check the composed component (--no-validate: wac's name).",
    brief="Do not check the composed component.")
WAC_DEP = Shared(
    "-d", "--dep", "deps", multiple=True, metavar="NS:NAME=PATH",
    help="The file of a package (repeatable).")
REGISTRY = Shared(
    "--registry", metavar="URL",
    help="wac's registry: accepted, not read (a warning says so); packages come from "
         "--deps-dir and --dep.",
    brief="wac's registry: accepted, not read.")
# capability rules (link/policy.py; docs/capabilities.md)
DENY = Shared(
    "--deny", multiple=True, metavar="PATTERN",
    help="Fail if an import matching PATTERN ([SCOPE=]NAME: `wasi:sockets/*`, "
         "`wasi:http/outgoing-handler@0.2`, `*`, `ops.wasm=wasi:filesystem/*`) is left "
         "reachable (repeatable).",
    brief="Deny imports matching PATTERN (repeatable).")
ALLOW = Shared(
    "--allow", multiple=True, metavar="PATTERN",
    help="Allow imports matching PATTERN, overriding a wider --deny (repeatable).",
    brief="Allow imports matching PATTERN, over a wider --deny (repeatable).")
# plug's: the plugs are its dependencies
PLUGS = Shared(
    "--plug", "dependencies", multiple=True, required=True, metavar="PLUG.wasm",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A component whose exports satisfy the socket's imports of the same names "
         "(repeatable; a plug's own imports may be plugged by another plug).")
# graph's: what it draws, and where
FORMAT = Shared(
    "-f", "--format", "fmt", type=click.Choice(REPORT_FORMATS),
    help="Output format (default: from the -o suffix, else a tree).")
REPORT_OUTPUT = Shared(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the report here (default or `-`: stdout).")
COMPOSED = Shared(
    "--composed", is_flag=True,
    help="ROOT is an already composed component: draw its wiring (the default when no "
         "dependency, search path or config is given and ROOT instantiates components).")
