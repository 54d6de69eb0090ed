"""A composition encoded: the composed component's bytes (`Composition`), the checks made of
it (the count of modules and components it holds, then the whole output by our own
elaborator) and `CompositionFailed`, raised for a composition with problems.

The output is kept in pieces, the embedded components' bytes as views of the input files:
written with `Composition.write`, megabytes of inputs go to the output file without being
copied into one buffer first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

from ..binary.component import Component
from ..errors import ComposerError, CompositionError
from ..files import write_atomically
from ..record import Record
from .wiring import Problem


class Composition(Record, mutable=True):
    """A composed component: its bytes, in pieces (`Component.encode_parts`), and the linked
    composition it was encoded from (`plan`)."""

    parts: list
    plan: Any  # linked.LinkedComposition
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
    """The composition has problems; `linked` (the linked composition) says what was resolved
    and what failed. (`plan` is the same object, under the name it had before compositions
    were built as a graph, for programs written then.)"""

    def __init__(self, linked: Any) -> None:
        lines = [p.message for p in linked.problems]
        message = lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n  " + "\n  ".join(lines)
        super().__init__(message)
        self.linked = self.plan = linked


def encoded(linked: Any, *, import_components: bool, validate: bool, deferred: bool) -> Composition:
    """A linked composition encoded (`LinkedComposition.encode`), with the checks of the
    output: the module and component count before (when the components are embedded) and
    the whole output after (now, or owed when `deferred`). CompositionFailed for a
    composition with problems."""
    from . import encode

    if linked.problems:
        raise CompositionFailed(linked)
    if validate and not import_components:
        too_large = size_problem(linked)
        if too_large is not None:  # a failed composition like any other: its report draws it
            raise CompositionFailed(linked.with_problem(Problem(too_large)))
    parts, embedded = encode.encode_composition(linked, import_components)
    result = Composition(parts, linked)
    if validate:
        scopes = [f.loaded.scope for f in embedded]
        result.owed = lambda data: validate_output(data, scopes)
        if not deferred:
            result.data  # noqa: B018 - joined and checked now
    return result


def size_problem(linked: Any) -> str | None:
    """Why a composition cannot be encoded when it would hold more core modules and
    components than wasmparser and wasmtime take (1,000, the output itself included)."""
    from ..model.limits import MAX_MODULES_AND_COMPONENTS

    files = {inst.file.name: inst.file for inst in linked.instances.values()}
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
