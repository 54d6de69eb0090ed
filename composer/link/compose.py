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

The output is kept in pieces, the embedded components' bytes as views of the input files:
written with `Composition.write`, megabytes of inputs go to the output file without being
copied into one buffer first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..binary.component import Component
from .config import Config, load_config
from ..errors import CompositionError, ComposerError
from ..files import write_atomically
from ..record import Record
from .resolve import Plan, Problem, resolve


class Composition(Record, mutable=True):
    """A composed component: its bytes, in pieces (`Component.encode_parts`), and the plan."""

    parts: list
    plan: Plan
    # The check of the output still owed (`validate_output`, given the output's bytes), with
    # `compose(..., check_when_written=True)`: made on the file `write` writes, before it
    # takes its place, or on the bytes when `data` is first asked for.
    owed: Callable[[Any], None] | None = None
    joined: bytes | None = None

    @property
    def data(self) -> bytes:
        """The composed component's bytes, in one piece (checked, if a check is owed)."""
        if self.joined is None:
            data = b"".join(self.parts)
            if self.owed is not None:
                self.owed(data)
                self.owed = None
            self.joined = data
        return self.joined

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.parts)

    def write(self, path: Path | str, check: Callable[[Path], None] | None = None) -> None:
        """Write the component to `path` atomically (`write_atomically`), after the output
        check owed, if any, and `check` passed on the file written."""
        owed = self.owed
        if owed is None:
            write_atomically(path, self.parts, check)
            return

        def checks(tmp: Path) -> None:
            _check_file(tmp, owed)
            if check is not None:
                check(tmp)

        write_atomically(path, self.parts, checks)
        self.owed = None

    @property
    def graph(self) -> Any:
        return self.plan.graph

    @property
    def warnings(self) -> list[str]:
        return self.plan.warnings

    @property
    def explanations(self) -> list[str]:
        return self.plan.explanations

    @property
    def files_read(self) -> list[Path]:
        return self.plan.files_read


class CompositionFailed(CompositionError):
    """The composition has problems; `plan` says what was resolved and what failed."""

    def __init__(self, plan: Plan) -> None:
        lines = [p.message for p in plan.problems]
        message = lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n  " + "\n  ".join(lines)
        super().__init__(message)
        self.plan = plan


def plan_composition(
    root: Path | str,
    dependencies: Sequence[Path | str] = (),
    *,
    search_paths: Sequence[Path | str] = (),
    config: Config | Path | str | None = None,
    no_imports: bool = False,
    validate: bool = True,
    plugs: Mapping[str, Path | str] | None = None,
) -> Plan:
    """Resolve and link without encoding: the plan, problems included (for reports).
    `plugs` maps an import name to the dependency file that must satisfy it (`--plug`)."""
    if config is not None and not isinstance(config, Config):
        config = load_config(config)
    return resolve(root, list(dependencies), list(search_paths), config, no_imports, validate,
                   plugs)


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
) -> Composition:
    """Compose `root` with `dependencies`; raises CompositionFailed naming every problem.

    The output is checked before this returns, unless `check_when_written`: then the check
    is made by `Composition.write` on the file it writes (or when `data` is first asked for),
    which spares joining a large output into one buffer of memory only to check it."""
    if config is not None and not isinstance(config, Config):
        config = load_config(config)
    cfg = config or Config()
    skip = skip_validation or cfg.skip_validation
    plan = plan_composition(root, dependencies, search_paths=search_paths, config=config,
                            no_imports=no_imports, validate=not skip, plugs=plugs)
    if plan.problems:
        raise CompositionFailed(plan)
    return _encoded(plan, validate=not skip, importing=import_components or cfg.import_components,
                    deferred=check_when_written)


def _encoded(plan: Plan, *, validate: bool, importing: bool, deferred: bool) -> Composition:
    """The plan encoded, with the checks of the output: the module and component count
    before (when the components are embedded) and the whole output after (now, or owed
    when `deferred`)."""
    from .encode import encode_plan

    if validate and not importing:
        too_large = size_problem(plan)
        if too_large is not None:  # a failed plan like any other: its report draws it
            plan.problems.append(Problem(too_large))
            raise CompositionFailed(plan)
    parts, embedded = encode_plan(plan, importing)
    result = Composition(parts, plan)
    if validate:
        scopes = [f.loaded.scope for f in embedded]
        result.owed = lambda data: validate_output(data, scopes)
        if not deferred:
            result.data  # noqa: B018 - joined and checked now
    return result


def plan_document(
    path: Path | str,
    *,
    deps_dir: Path | str | None = None,
    dependencies: Mapping[str, Path | str] | None = None,
    validate: bool = True,
    import_dependencies: bool = False,
) -> Plan:
    """The linked plan of the WAC document at `path` (for reports); see `compose_document`."""
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
) -> Composition:
    """Compose what the WAC document at `path` says: packages from `deps_dir` (default
    `deps` in the working directory, as wac) or `dependencies` (`ns:name[@version]` ->
    file). Raises a TextError at the first error in the document. `check_when_written`:
    as for `compose`."""
    plan = plan_document(path, deps_dir=deps_dir, dependencies=dependencies,
                         validate=not skip_validation, import_dependencies=import_dependencies)
    return _encoded(plan, validate=not skip_validation, importing=import_dependencies,
                    deferred=check_when_written)


def size_problem(plan: Plan) -> str | None:
    """Why a composition cannot be encoded when it would hold more core modules and
    components than wasmparser and wasmtime take (1,000, the output itself included)."""
    from ..model.limits import MAX_MODULES_AND_COMPONENTS

    files = {inst.file.name: inst.file for inst in plan.instances.values()}
    total = 1 + sum(f.loaded.scope.tree_size for f in files.values())
    if total > MAX_MODULES_AND_COMPONENTS:
        return (f"the composition would hold {total:,} core modules and components "
                f"({len(files):,} components and what they nest); WebAssembly tools and runtimes "
                f"take at most {MAX_MODULES_AND_COMPONENTS:,} (--skip-validation writes it anyway)")
    return None


def validate_output(data: bytes, embedded: Sequence[Any] = ()) -> None:
    """Check the composed component's layer with our own elaborator.

    `embedded` are the scopes of the components the encoder embedded verbatim, in order:
    they were checked when read, so their types are reused instead of decoding them again.
    """
    from ..model.elaborate import elaborate

    types = iter(embedded)

    def known(section: Any) -> Any:
        return next(types, None)

    try:
        elaborate(Component.decode(data), known=known)
    except ComposerError as exc:
        raise CompositionError(
            f"internal error: the composed component does not validate: {exc} "
            "(use --skip-validation to write it anyway, and please report this)"
        ) from None


def _check_file(path: Path, check: Callable[[Any], None]) -> None:
    """`check` the bytes of the file at `path`, mapped rather than read: the output check
    looks at the component layer, not at the megabytes of the components it embeds."""
    import mmap

    with open(path, "rb") as f:  # never empty: an output starts with the preamble
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        check(mapped)
    finally:
        try:
            mapped.close()
        except BufferError:
            pass  # views of it are still held; it is unmapped when they go


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
