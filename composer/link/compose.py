"""Composing, from Python: `compose(root, dependencies) -> Composition`.

    from composer import compose
    result = compose("consumer.wasm", ["string-operations.wasm"])
    result.data        # the composed component's bytes
    result.graph       # the networkx graph of what was wired to what
    result.warnings    # e.g. a dependency that satisfied nothing
    result.write("composed.wasm")

Every check happens before anything is written: the wiring is type-checked, and the output's
component layer is checked by our own elaborator (the same code that reads inputs) unless
`skip_validation`. `write_atomically` then puts the bytes in place, or nothing at all.

Each front end builds a composition graph (`composition.CompositionGraph`: the `-d` resolver
with a config and `--plug`, `resolve.py`; a WAC document, `wacresolve.py`), which is linked
(`LinkedComposition`, what the `plan_*` functions return, for reports) and encoded
(`encoded.Composition`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

# writing files, and the composed component and the checks of it: documented as parts of this
# module
from ..files import write_atomically
from .config import Config, load_config
from .encoded import Composition, CompositionFailed, size_problem, validate_output
from .linked import LinkedComposition
from .policy import Policy
from .resolve import resolve

__all__ = ["Composition", "CompositionFailed", "LinkedComposition", "Policy", "compose",
           "compose_document", "depfile_text", "enforce", "plan_composition", "plan_document",
           "size_problem", "validate_output", "write_atomically"]


def plan_composition(
    root: Path | str,
    dependencies: Sequence[Path | str] = (),
    *,
    search_paths: Sequence[Path | str] = (),
    config: Config | Path | str | None = None,
    no_imports: bool = False,
    validate: bool = True,
    plugs: Mapping[str, Path | str] | None = None,
    virtualize: Sequence[str] = (),
    policy: Policy | None = None,
) -> LinkedComposition:
    """Resolve and link without encoding: the linked composition, problems included (for
    reports). `plugs` maps an import name to the dependency file that must satisfy it
    (`--plug`); `virtualize`: patterns of the imports left for the host to plug a deny
    adapter into instead (`--virtualize`), weighed with the rules of `policy` (`--deny`,
    `--allow`) and the config's: the most specific rule decides."""
    if config is not None and not isinstance(config, Config):
        config = load_config(config)
    rules = (config.policy if config is not None else Policy()) + (policy or Policy())
    graph = resolve(root, list(dependencies), list(search_paths), config, no_imports, validate,
                    plugs, tuple(virtualize), rules)
    return graph.link()


def compose(
    root: Path | str,
    dependencies: Sequence[Path | str] = (),
    *,
    search_paths: Sequence[Path | str] = (),
    config: Config | Path | str | None = None,
    no_imports: bool = False,
    skip_validation: bool = False,
    import_components: bool = False,
    plugs: Mapping[str, Path | str] | None = None,
    check_when_written: bool = False,
    policy: Policy | None = None,
    virtualize: Sequence[str] = (),
) -> Composition:
    """Compose `root` with `dependencies`; raises CompositionFailed naming every problem.
    `policy`: capability rules (`--deny`, `--allow`), with the config's; an import they deny
    left reachable is a problem (`enforce`).

    The output is checked before this returns, unless `check_when_written`: then the check
    is made by `Composition.write` on the file it writes (or when `data` is first asked for),
    which spares joining a large output into one buffer of memory only to check it."""
    if config is not None and not isinstance(config, Config):
        config = load_config(config)
    cfg = config or Config()
    skip = skip_validation or cfg.skip_validation
    linked = plan_composition(root, dependencies, search_paths=search_paths, config=config,
                              no_imports=no_imports, validate=not skip, plugs=plugs,
                              virtualize=virtualize, policy=policy)
    linked = enforce(linked, cfg.policy + (policy or Policy()))
    return linked.encode(import_components=import_components or cfg.import_components,
                         validate=not skip, check_when_written=check_when_written)


def plan_document(
    path: Path | str,
    *,
    deps_dir: Path | str | None = None,
    dependencies: Mapping[str, Path | str] | None = None,
    validate: bool = True,
    import_dependencies: bool = False,
) -> LinkedComposition:
    """The linked composition of the WAC document at `path` (for reports); see
    `compose_document`."""
    from ..text.wac import read_wac
    from .wacresolve import resolve_document

    doc = read_wac(Path(path))
    return resolve_document(doc, Path(deps_dir) if deps_dir is not None else Path("deps"),
                            {k: Path(v) for k, v in (dependencies or {}).items()},
                            validate=validate, import_dependencies=import_dependencies)


def compose_document(
    path: Path | str,
    *,
    deps_dir: Path | str | None = None,
    dependencies: Mapping[str, Path | str] | None = None,
    skip_validation: bool = False,
    import_dependencies: bool = False,
    check_when_written: bool = False,
    policy: Policy | None = None,
) -> Composition:
    """Compose what the WAC document at `path` says: packages from `deps_dir` (default
    `deps` in the working directory, as wac) or `dependencies` (`ns:name[@version]` ->
    file). Raises a TextError at the first error in the document. `check_when_written`,
    `policy`: as for `compose`."""
    linked = plan_document(path, deps_dir=deps_dir, dependencies=dependencies,
                           validate=not skip_validation, import_dependencies=import_dependencies)
    linked = enforce(linked, policy or Policy())
    return linked.encode(import_components=import_dependencies, validate=not skip_validation,
                         check_when_written=check_when_written)


def enforce(linked: LinkedComposition, policy: Policy) -> LinkedComposition:
    """The linked composition with a problem for each import `policy` denies that is left
    reachable (`capabilities.check_policy`: each problem's `detail` is the violation); as it
    is without a policy, or when it has problems already (what it reaches is not known).
    The policy is recorded (`linked.policy`): the report shows its verdicts."""
    if not policy:
        return linked
    linked = linked.with_policy(policy)
    if linked.problems:
        return linked
    from .capabilities import check_policy, of_linked
    from .wiring import Problem

    for v in check_policy(of_linked(linked), policy).violations:
        linked = linked.with_problem(Problem(v.text, v.holder.instance, v.name, detail=v))
    return linked


def depfile_text(target: Path | str, inputs: Sequence[Path]) -> str:
    """A Make rule naming every file the composition read, as `gcc -MD` writes one."""

    def esc(p: Path | str) -> str:
        # `:` too: files found by an import's name are called `a:b/c@1.0.wasm`, and an
        # unescaped colon reads as a second target separator ("multiple target patterns")
        return (str(p).replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#")
                .replace("$", "$$").replace(":", "\\:"))

    seen: list[str] = []
    for p in inputs:
        s = esc(p)
        if s not in seen:
            seen.append(s)
    return f"{esc(target)}: " + " \\\n  ".join(seen) + "\n" + "".join(f"\n{s}:\n" for s in seen)
