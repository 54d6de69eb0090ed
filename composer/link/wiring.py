"""What a composition is made of: the component files it reads, the instances made of them,
what each import of an instance is given (another instance or one of its exports, or an
import of the output, which the host provides), what the output exports, and the problems
found. `composition.CompositionGraph` builds these through its checked API; linking, the
encoder and the report read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from ..model import types as T
from ..model.load import LoadedComponent
from ..record import Record, field_
from .reasons import Reason


class ComponentFile(Record):
    """A component the composition reads."""

    name: str  # unique short name: "root", a file stem, a config name, a WAC package's key
    path: Path
    loaded: LoadedComponent
    origin: str  # "root", "dependency" (-d / definitions), "by name", "package" (WAC),
    # "virtualized" (a deny adapter generated for --virtualize)

    @property
    def imports(self) -> dict[str, T.Extern]:
        return self.loaded.scope.imports

    @property
    def exports(self) -> dict[str, T.Extern]:
        return self.loaded.scope.exports

    @property
    def display(self) -> str:
        # a WAC document's package by its key: versions of one package are files of one
        # name (`test/other/1.0.0.wat`, `test/other/2.0.0.wat`)
        # a synthesized adapter by what it stands for (`<deny adapter of wasi:sockets/tcp@0.2.0>`,
        # whose path is one only in form)
        if self.origin == "virtualized":
            return str(self.path)
        return self.name if self.origin == "package" else self.path.name


class Plug(Record):
    """An import satisfied by another instance: by one of its exports, or by the instance
    (`export` None). Also what the output exports of an instance."""

    instance: str
    export: str | None
    reason: Reason  # why this one: the rule, and the export's version when it differs

    @property
    def how(self) -> str:
        """The reason as `-v` says it ("exact name", "semver-compatible `x@1.2.0`", ...)."""
        return self.reason.text


class HostArgument(Record):
    """An import left for the host: an import of the composed component passed as the
    argument (or exported)."""

    name: str  # the imported name; instance imports are merged when linking
    # an export of that import (a WAC document passing `i.f` of its import `i`): the import
    # is one the document declares, with its own type, so nothing is merged into it
    member: str | None = None


class Instance(Record):
    """An instance of a component in the composition, and the argument given for each of its
    imports so far."""

    name: str
    file: ComponentFile
    index: int  # the order of instantiation: a `-d` composition's root is 0
    args: dict[str, Plug | HostArgument] = field_(factory=dict)


class InstanceExport(Record):
    """An export of an instance (`CompositionGraph.alias`), to pass or to export."""

    instance: str
    export: str
    type: T.Extern


class DeclaredImport(Record):
    """An import the composition declares with its own type (a WAC `import` statement),
    to pass or to export."""

    name: str
    type: T.Extern


class ImportExport(Record):
    """An export of a declared import (`CompositionGraph.alias` of one)."""

    name: str  # the import's
    member: str
    type: T.Extern


class TypeDefinition(Record):
    """A type the composition defines itself (a WAC document's type statements: an interface,
    a world, a function or value type), in the context DOCUMENT; exported under a name."""

    type: Any


class Problem(Record):
    """Why the composition cannot be made, with where: the instance and the import it
    concerns, and the dependency whose export was refused for it (`provider`, a
    ComponentFile's name) when there is one; `hint`: what the user may have meant, printed
    after the message."""

    message: str
    instance: str | None = None
    import_name: str | None = None
    provider: str | None = None
    export: str | None = None
    hint: str | None = None
    # the record the message was made from, when there is one (capabilities.Violation)
    detail: Any = None


# The context of the types a composition declares itself (a WAC document's imports and type
# definitions), as an instance name is the context of a component's types.
DOCUMENT = "<document>"


class Explanations(Sequence[str]):
    """What `-v` prints: one line for each matching decision, made into text only when read
    (a composition of 100,000 imports makes as many decisions, which `-v` alone shows)."""

    def __init__(self) -> None:
        self._said: list[tuple[Instance, str, str]] = []  # (instance, import name, text)

    def add(self, inst: Instance, name: str, text: str) -> None:
        self._said.append((inst, name, text))

    def _line(self, said: tuple[Instance, str, str]) -> str:
        inst, name, text = said
        return f"{inst.name} ({inst.file.display}): import `{name}`: {text}"

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        if isinstance(i, slice):
            return [self._line(s) for s in self._said[i]]
        return self._line(self._said[i])

    def __len__(self) -> int:
        return len(self._said)

    def __iter__(self) -> Iterator[str]:
        return map(self._line, self._said)
