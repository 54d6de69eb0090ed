"""Model types back to binary type definitions: the encoder's half of the type model.

Types are written into a scope: the component being built, or an instance or component type
being declared inside it. Each scope has its own type index space, so a scope remembers
which index holds what:

* `named`: identities (resources and type names, by `key`) already available in the scope,
  because the scope declared them (`(export "r" (type (sub resource)))`) or aliased them;
* `lazy`: identities an enclosing scope can bring in on demand (an `alias export` of an
  import or of an instance that declares them), registered as those are emitted;
* `memo`: structural types already defined, so `list<u8>` is written once per scope.

A reference to an identity the scope lacks is looked up outward and brought in with an
`alias outer`, the way wit-component and wasm-compose write cross-interface `use`s. A type
name nobody can provide is written out structurally (names are transparent); a resource
nobody can provide is an error: it would have no name in the output.
"""

from __future__ import annotations

import functools
from typing import Callable, Hashable

from . import types as T
from ..binary.aliases import Alias, AliasExport, AliasOuter
from ..binary import types as B
from ..binary.nameattributes import plain
from ..errors import CompositionError

Key = Callable[[object], Hashable]


class TypeIndexSpace:
    """A type index space being written: a component, component type or instance type."""

    def __init__(self, parent: "TypeIndexSpace | None") -> None:
        self.parent = parent
        self.named: dict[Hashable, int] = {}
        self.lazy: dict[Hashable, Callable[[], int]] = {}
        self.memo: dict[Hashable, int] = {}

    # what a concrete scope must provide
    def add_type(self, deftype: object) -> int:
        raise NotImplementedError

    def add_alias(self, alias: Alias) -> int:
        """Append a type-sort alias; return its type index."""
        raise NotImplementedError

    def lookup(self, key: Hashable) -> int | None:
        """The index of identity `key` in this scope, bringing it in if some scope can."""
        idx = self.named.get(key)
        if idx is not None:
            return idx
        make = self.lazy.pop(key, None)
        if make is not None:
            idx = self.named[key] = make()
            return idx
        depth, scope = 1, self.parent
        while scope is not None:
            outer = scope.lookup(key)
            if outer is not None:
                idx = self.named[key] = self.add_alias(Alias("type", AliasOuter(depth, outer)))
                return idx
            depth, scope = depth + 1, scope.parent
        return None


class TypeDeclarators(TypeIndexSpace):
    """An instance or component type under construction: a list of declarators."""

    def __init__(self, parent: TypeIndexSpace | None, kind: str) -> None:
        super().__init__(parent)
        self.kind = kind  # "instance" or "component"
        self.decls: list[object] = []
        self.types = 0
        self.instances = 0  # imported and exported instances are in the instance index space

    def add_type(self, deftype: object) -> int:
        self.decls.append(B.TypeDecl(deftype))
        self.types += 1
        return self.types - 1

    def add_alias(self, alias: Alias) -> int:
        self.decls.append(B.AliasDecl(alias))
        self.types += 1
        return self.types - 1

    def export_type(self, name: str, bound: object) -> int:
        self.decls.append(B.ExportDeclarator(B.ExportDecl(plain(name), B.ExternTypeBound(bound))))
        self.types += 1
        return self.types - 1

    def export(self, name: str, et: object) -> None:
        """Export of a non-type sort (adds no type index)."""
        self.decls.append(B.ExportDeclarator(B.ExportDecl(plain(name), et)))

    def finish(self) -> object:
        if self.kind == "instance":
            return B.InstanceType(tuple(self.decls))
        return B.ComponentType(tuple(self.decls))


class TypeEncoder:
    """Writes types whose resources and names are identified by `key(owner_context, obj)`.

    `key` maps an object of a component's type model (as seen by one instance, `ctx`) to an
    identity shared by every object that stands for the same type.
    """

    def __init__(self, key: Callable[[str, object], Hashable]) -> None:
        self.key = key

    # -- value types ---------------------------------------------------------------------

    def valtype(self, scope: TypeIndexSpace, t: T.ValType, ctx: str) -> B.ValTypeRef:
        if isinstance(t, T.PrimType):
            return t.name
        if isinstance(t, T.NamedType):
            idx = scope.lookup(self.key(ctx, t))
            if idx is not None:
                return idx
            return self.valtype(scope, t.type, ctx)  # type: ignore[arg-type]  # names are transparent
        return self._define(scope, t, ctx)

    def _resource(self, scope: TypeIndexSpace, r: object, ctx: str) -> int:
        k = self.key(ctx, r)
        idx = scope.lookup(k)
        if idx is not None:
            return idx
        if isinstance(r, T.NamedType):
            return self._resource(scope, r.type, ctx)
        name = getattr(r, "name", None) or "?"
        raise CompositionError(
            f"resource `{name}` has no name the composed component can use here "
            "(it is neither imported nor exported by an instance the output can reach)"
        )

    def _define(self, scope: TypeIndexSpace, t: object, ctx: str) -> int:
        v = lambda x: self.valtype(scope, x, ctx)  # noqa: E731
        o = lambda x: None if x is None else v(x)  # noqa: E731
        if isinstance(t, T.ListType):
            key: tuple = ("list", v(t.element), t.length)
            make = lambda: B.List(key[1]) if t.length is None else B.FixedList(key[1], t.length)  # noqa: E731
        elif isinstance(t, T.RecordType):
            fields = tuple((n, v(x)) for n, x in t.fields)
            key = ("record", fields)
            make = lambda: B.Record(tuple(B.LabelValType(n, x) for n, x in fields))  # noqa: E731
        elif isinstance(t, T.VariantType):
            cases = tuple((n, o(x)) for n, x in t.cases)
            key = ("variant", cases)
            make = lambda: B.Variant(tuple(B.Case(n, x, 0) for n, x in cases))  # noqa: E731
        elif isinstance(t, T.TupleType):
            types = tuple(v(x) for x in t.types)
            key = ("tuple", types)
            make = lambda: B.Tuple(types)  # noqa: E731
        elif isinstance(t, T.FlagsType):
            key = ("flags", t.names)
            make = lambda: B.Flags(t.names)  # noqa: E731
        elif isinstance(t, T.EnumType):
            key = ("enum", t.names)
            make = lambda: B.Enum(t.names)  # noqa: E731
        elif isinstance(t, T.OptionType):
            key = ("option", v(t.type))
            make = lambda: B.Option(key[1])  # noqa: E731
        elif isinstance(t, T.ResultType):
            key = ("result", o(t.ok), o(t.err))
            make = lambda: B.Result(key[1], key[2])  # noqa: E731
        elif isinstance(t, T.OwnType):
            key = ("own", self._resource(scope, t.resource, ctx))
            make = lambda: B.Own(key[1])  # noqa: E731
        elif isinstance(t, T.BorrowType):
            key = ("borrow", self._resource(scope, t.resource, ctx))
            make = lambda: B.Borrow(key[1])  # noqa: E731
        elif isinstance(t, T.StreamType):
            key = ("stream", o(t.element))
            make = lambda: B.Stream(key[1])  # noqa: E731
        elif isinstance(t, T.FutureType):
            key = ("future", o(t.element))
            make = lambda: B.Future(key[1])  # noqa: E731
        elif isinstance(t, T.MapType):
            key = ("map", v(t.key), v(t.value))
            make = lambda: B.Map(key[1], key[2])  # noqa: E731
        elif isinstance(t, T.FuncType):
            params = tuple((n, v(x)) for n, x in t.params)
            key = ("func", params, o(t.result), t.is_async)
            make = lambda: B.FuncType(  # noqa: E731
                "async" if t.is_async else "sync",
                tuple(B.LabelValType(n, x) for n, x in params),
                key[2],
            )
        elif isinstance(t, T.PrimType):
            key = ("prim", t.name)
            make = lambda: B.Prim(t.name)  # noqa: E731
        elif isinstance(t, T.InstanceType):
            return scope.add_type(self.instance_type(scope, t, ctx))
        elif isinstance(t, T.ComponentType):
            return scope.add_type(self.component_type(scope, t, ctx))
        else:
            raise CompositionError(f"cannot write a type definition for {type(t).__name__}")
        idx = scope.memo.get(key)
        if idx is None:
            idx = scope.memo[key] = scope.add_type(make())
        return idx

    def deftype(self, scope: TypeIndexSpace, t: object, ctx: str) -> int:
        """A type index for `t` (a prim gets a definition of its own, as in `type t = u32`)."""
        if isinstance(t, (T.NamedType, T.ResourceType)):
            idx = scope.lookup(self.key(ctx, t))
            if idx is not None:
                return idx
            if isinstance(t, T.NamedType):
                return self.deftype(scope, t.type, ctx)
            return self._resource(scope, t, ctx)
        return self._define(scope, t, ctx)

    # -- instance and component types --------------------------------------------------------

    def instance_type(
        self,
        parent: TypeIndexSpace,
        itype: T.InstanceType | dict[str, tuple[T.Extern, str]],
        ctx: str,
    ) -> B.InstanceType:
        """An instance type; `itype` may give each export its own context (merged imports)."""
        scope = TypeDeclarators(parent, "instance")
        items = (
            itype.items() if isinstance(itype, dict)
            else ((n, (e, ctx)) for n, e in itype.exports.items())
        )
        self._declare_all(scope, list(items), importing=False)
        return scope.finish()  # type: ignore[return-value]

    def component_type(self, parent: TypeIndexSpace, ctype: T.ComponentType, ctx: str) -> B.ComponentType:
        scope = TypeDeclarators(parent, "component")
        self._declare_all(scope, [(n, (e, ctx)) for n, e in ctype.imports.items()], importing=True)
        self._declare_all(scope, [(n, (e, ctx)) for n, e in ctype.exports.items()], importing=False)
        return scope.finish()  # type: ignore[return-value]

    def _declare_all(
        self, scope: TypeDeclarators, items: list[tuple[str, tuple[T.Extern, str]]], importing: bool
    ) -> None:
        """Declare `items` in their order, except that a type is declared where it is first
        used, if that is earlier.

        A function may only use a type by the index of its import or export (wasmparser:
        "instance not valid to be used as import" otherwise), and a WIT interface may use a
        type it declares further down (`f: func() -> e; enum e {...}`): wit-component writes
        the types in dependency order before the functions. Declaring each type on demand
        gives a valid order and leaves an order that is valid already (every binary's)
        unchanged.
        """
        done: set[str] = set()

        def declare(name: str, ext: T.Extern, ctx: str) -> int:
            done.add(name)
            self.extern_decl(scope, name, ext, ctx, importing)
            return scope.types - 1  # a type import or export adds one type index

        pending: dict[Hashable, str] = {}
        for name, (ext, ctx) in items:
            if isinstance(ext, (T.ResourceType, T.NamedType)):
                key = self.key(ctx, ext)
                if key not in scope.lazy and key not in scope.named:
                    scope.lazy[key] = functools.partial(declare, name, ext, ctx)
                    pending[key] = name
        for name, (ext, ctx) in items:
            if name in done:
                continue
            if isinstance(ext, (T.ResourceType, T.NamedType)):
                key = self.key(ctx, ext)
                if pending.get(key) == name:
                    scope.lazy.pop(key, None)
            self.extern_decl(scope, name, ext, ctx, importing)

    def export_decl(self, scope: TypeDeclarators, name: str, ext: T.Extern, ctx: str) -> None:
        self.extern_decl(scope, name, ext, ctx, importing=False)

    def extern_decl(
        self, scope: TypeDeclarators, name: str, ext: T.Extern, ctx: str, importing: bool
    ) -> None:
        """Declare an import or export `name` of type `ext` in an instance or component type."""
        key = self.key(ctx, ext)
        if isinstance(ext, (T.ResourceType, T.NamedType)):
            if isinstance(ext, T.ResourceType):
                bound: object = B.TypeBoundSubResource()
            else:
                bound = B.TypeBoundEq(self.deftype(scope, ext.type, ctx))
            if importing:
                scope.decls.append(B.ImportDeclarator(B.ImportDecl(plain(name), B.ExternTypeBound(bound))))
                scope.types += 1
                idx = scope.types - 1
            else:
                idx = scope.export_type(name, bound)
            scope.named[key] = idx
            return
        et = self.externtype(scope, ext, ctx, name)
        if importing:
            scope.decls.append(B.ImportDeclarator(B.ImportDecl(plain(name), et)))
        else:
            scope.export(name, et)
        if isinstance(ext, T.InstanceType):
            # Later declarations may use the types this instance declares: alias them lazily.
            inst_idx = scope.instances
            scope.instances += 1
            for member, obj in ext.exports.items():
                if isinstance(obj, (T.ResourceType, T.NamedType)):
                    scope.lazy.setdefault(self.key(ctx, obj), _alias_maker(scope, inst_idx, member))

    def externtype(self, scope: TypeIndexSpace, ext: T.Extern, ctx: str, name: str) -> object:
        if isinstance(ext, T.FuncType):
            return B.ExternFunc(self._define(scope, ext, ctx))
        if isinstance(ext, T.InstanceType):
            return B.ExternInstance(scope.add_type(self.instance_type(scope, ext, ctx)))
        if isinstance(ext, T.ComponentType):
            return B.ExternComponent(scope.add_type(self.component_type(scope, ext, ctx)))
        if isinstance(ext, T.ValueExtern):
            return B.ExternValue(self.valtype(scope, ext.type, ctx))
        raise CompositionError(f"cannot declare `{name}`: a {T.sort_of(ext)} type cannot be written here")


def _alias_maker(scope: TypeDeclarators, instance: int, member: str) -> Callable[[], int]:
    return lambda: scope.add_alias(Alias("type", AliasExport(instance, member)))
