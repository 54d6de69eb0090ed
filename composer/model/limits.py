"""The limits wasmparser puts on a component (measured with wasm-tools 1.262), which keep
every walk over a component and its types bounded in time and stack, whatever the input:
how many core modules and components a tree holds, how many instances a component, how many
arguments an instantiation; how deep a type nests, how large it is fully expanded, and how
many parts each kind of type has.
"""

from __future__ import annotations

from . import types as T
from ..binary import types as B
from ..errors import ValidationError
from .indexspaces import IndexSpaces

MAX_MODULES_AND_COMPONENTS = 1000
MAX_INSTANCES = 4096  # core and component instances of one component, together
MAX_INSTANTIATION_ARGS = 100_000
# wasmparser's limits on a type: how deep it nests, how large it is fully expanded, and how
# many parts each kind of type has at most
MAX_TYPE_DEPTH = 100
MAX_TYPE_SIZE = 1_000_000
MAX_PARTS = {B.Tuple: ("types", "tuple types", 10_000),
             B.Record: ("fields", "record fields", 10_000),
             B.Variant: ("cases", "variant cases", 10_000),
             B.Enum: ("names", "enum cases", 10_000),
             B.Flags: ("names", "flags", 32),
             B.FuncType: ("params", "function parameters", 1_000)}


def check_counts(ty: object) -> None:
    """A tuple, record, variant, enum, flags or function type within wasmparser's count of
    parts (`MAX_PARTS`)."""
    limit = MAX_PARTS.get(type(ty))
    if limit is not None:
        field, what, most = limit
        count = len(getattr(ty, field))
        if count > most:
            raise ValidationError(f"{what}: {count:,}, more than the {most:,} a type may have")


def count_instance(scope: IndexSpaces) -> None:
    """The instances of `scope` within `MAX_INSTANCES`, core and component ones together
    (checked as each is added)."""
    if len(scope.instances) + len(scope.core_instances) > MAX_INSTANCES:
        raise ValidationError(f"instances count exceeds limit of {MAX_INSTANCES}")


class TreeLimits:
    """The limits of one elaboration, a component and all it nests: the core modules and
    components counted, and each type's depth and size measured once."""

    def __init__(self) -> None:
        self.modules_and_components = 1
        # (depth, size) of each type met, by id; `keep` holds the types so ids stay theirs
        self.info: dict[int, tuple[int, int]] = {}
        self.keep: list[object] = []

    def count(self) -> None:
        """One more core module or component in the tree: wasmparser and wasmtime take at
        most `MAX_MODULES_AND_COMPONENTS`, the outermost component included."""
        self.modules_and_components += 1
        if self.modules_and_components > MAX_MODULES_AND_COMPONENTS:
            raise ValidationError(
                f"modules and components count exceeds limit of {MAX_MODULES_AND_COMPONENTS}")

    def measure(self, t: object) -> tuple[int, int]:
        """(depth, size) of a type, with wasmparser's limits: nesting deeper than 100
        levels, or an effective (fully expanded) size of 1,000,000 or more, is refused. The
        limits are what keeps every walk over types (checking, printing, flattening)
        bounded in time and stack, whatever the input."""
        depth, size = T.nesting(t, self.info, self.keep)
        if size >= MAX_TYPE_SIZE:  # (wasmparser: a sum must stay below it)
            raise ValidationError(f"effective type size exceeds the limit of {MAX_TYPE_SIZE}")
        if depth > MAX_TYPE_DEPTH:
            raise ValidationError("type nesting is too deep")
        return depth, size

    def check_import_export(self, scope: IndexSpaces, ext: T.Extern) -> None:
        """The limits wasmparser puts on an import or export (measured with wasm-tools
        1.262): it is one more level of nesting than the type it has (a list nested 99 deep
        is a valid type, and cannot be exported), and a component's imports and exports
        together are one type, whose effective size is theirs summed (two exported types of
        600,000 are too large)."""
        t = ext.type if isinstance(ext, T.NamedType) else ext
        if isinstance(t, (T.CoreModuleType, T.ValueExtern)):
            return
        depth, size = self.measure(t)
        if depth + 1 > MAX_TYPE_DEPTH and not isinstance(t, T.ResourceType):
            raise ValidationError("type nesting is too deep")
        if scope.kind == "component":
            scope.entity_size += size
            if scope.entity_size >= MAX_TYPE_SIZE:
                raise ValidationError(
                    f"effective type size exceeds the limit of {MAX_TYPE_SIZE} (the component's "
                    "imports and exports together)")
