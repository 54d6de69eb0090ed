"""The index spaces of one component, component type or instance type: what elaborating it
builds (`elaborate.py`).

Binary.md defines thirteen index spaces that every definition appends to; a later definition
refers to an earlier one by index (`indexed`). Beside the spaces, `IndexSpaces` keeps what the
rules ask of the definitions so far: which resources imports introduced, which names exports
gave, which values have been used, which instance or function came from where (`Origin`).
"""

from __future__ import annotations

from . import types as T
from ..binary import sections as S
from ..errors import ValidationError
from ..record import Record, field_

CORE_ITEM_SORTS = ("func", "table", "memory", "global", "tag")


class Origin(Record):
    """How a component-level instance or function came to be: what `compose graph` follows
    to see, in a composed component, which instance's export feeds which argument."""

    kind: str  # "import", "instantiate", "inline", "alias", "export", "lift"
    name: str | None = None  # import/export/alias name
    component: int | None = None  # for "instantiate": index into the component space
    args: dict[str, tuple[str, int]] = field_(factory=dict)  # name -> (sort, index)
    instance: int | None = None  # for "alias": the instance aliased from
    index: int | None = None  # for "export": the index (same sort) that is exported


class IndexSpaces:
    """The index spaces of one component, component type or instance type."""

    def __init__(self, kind: str, parent: "IndexSpaces | None" = None, name: str = "",
                 path: tuple[str, ...] = ()) -> None:
        self.kind = kind  # "component", "component type", "instance type"
        self.parent = parent
        self.name = name
        self.path = path  # where the component is nested, for messages: ("component[2]",)
        # core modules and components in the tree, this component included (set for the
        # outermost one)
        self.tree_size = 1
        # False for a scope read back from the cache of component types (`typecache.py`):
        # only `imports`, `exports` and `tree_size` are there, the index spaces are empty
        self.complete = True
        self.types: list[T.DefType] = []
        self.core_types: list[object] = []
        self.funcs: list[T.FuncType] = []
        self.values: list[T.ValType] = []
        self.instances: list[T.InstanceType] = []
        self.instance_origins: list[Origin] = []
        self.func_origins: list[Origin] = []
        self.components: list[T.ComponentType] = []
        self.component_sources: list[object] = []  # ComponentSection or ("import", name)
        self.core_modules: list[S.CoreModuleSection | T.CoreModuleType] = []
        self.core_instances: list[dict[str, T.CoreExtern]] = []
        # the core index spaces of items: what each index is (type, or kind where unknown)
        self.core: dict[str, list[T.CoreExtern]] = {sort: [] for sort in CORE_ITEM_SORTS}
        self.imports: dict[str, T.Extern] = {}
        self.exports: dict[str, T.Extern] = {}
        self.entity_size = 1  # effective size of the imports and exports, as one type
        self._import_keys: dict[str, str] = {}
        # resources that imports introduced: the only ones later imports may use
        self.imported_resources: set[int] = set()
        # resources and type names the component's exports declare (its external names)
        self.exported_names: set[int] = set()
        # Type indices that define a resource (`(type (resource ...))`), the handles made
        # from those indices, and the resources exported as they are defined (in an
        # instance's exports). wasmparser gives a type export a new identity in the index
        # space, so a handle made from the defining index is not one of the export's: it is
        # visible only where the resource itself is exported (by ids).
        self.resource_definitions: set[int] = set()
        # The resources that type imports and exports name, by the id of what the import or
        # export put in the index space: `[method]r.m` and `[constructor]r` must use the one
        # named `r` on their side (imports or exports).
        self.resource_names: dict[str, dict[int, str]] = {"import": {}, "export": {}}
        # the value type of the context slots: the first `context.get`/`context.set` says
        self.context_type: int | None = None
        # 🪙 the indices of values used (each must be, once: by an instantiation, the start
        # function or an export)
        self.values_used: set[int] = set()
        self.definition_handles: set[int] = set()
        self.exported_definitions: set[int] = set()
        self._export_keys: dict[str, str] = {}

    def component_type(self) -> T.ComponentType:
        return T.ComponentType(dict(self.imports), dict(self.exports))

    def outer(self, count: int) -> "IndexSpaces":
        """The scope `count` levels out, as an outer alias names it."""
        scope: IndexSpaces | None = self
        for _ in range(count):
            scope = scope.parent if scope else None
            if scope is None:  # (a count of 2^32-1 would otherwise loop 4 billion times)
                break
        if scope is None:
            raise ValidationError(f"outer alias count {count} reaches past the outermost scope")
        return scope

    def core_item(self, sort: str, idx: int) -> T.CoreExtern:
        """What the core function, table, memory, global or tag `idx` is."""
        space = self.core.get(sort)
        if space is None:
            raise ValidationError(f"a core instance cannot export a core {sort}")
        if idx >= len(space):
            raise ValidationError(f"core {sort} index {idx} out of bounds ({len(space)} defined)")
        return space[idx]


def indexed(space: list, idx: int, what: str) -> object:
    """The definition at `idx` of an index space (`what` names the space in messages)."""
    if idx >= len(space):
        raise ValidationError(f"{what} index {idx} out of bounds ({len(space)} defined)")
    return space[idx]
