"""What the composed component still imports: the unsatisfied imports of all instances, merged.

Imports of one name, and instance imports of one interface on one semver track
(`wasi:io/streams@0.2.0` and `@0.2.9`), become one import of the output: named after the
highest version, exporting the union of what its users import. The resources and type
names they declare are united (`unify.py`), so every user sees the same `output-stream`:
that happens before the connections between instances are checked, since an export of one
instance may use a resource it imports from the host where its user imports the same one
(a WASI adapter's `wasi:filesystem/preopens` and `descriptor`). Exports both users import
must have the same type; otherwise the merge is refused, naming both sources.
"""

from __future__ import annotations

from ..model import types as T
from ..model.names import compatibility_key, newest, one_name_reason, strongly_unique_key
from ..record import Record, field_
from typing import Any

from ..model.subtype import check_extern
from .unify import (UnifiedBindings, Unifier, declared_objects, host_ident, inst_ident,
                    referenced_by_parts)
from .wiring import DOCUMENT, HostArgument, Problem


class HostMember(Record):
    """One instance's import that the host satisfies."""

    instance: str
    import_name: str  # the name the instance imports
    host_name: str  # the name it asks the host for (the import name, or a config instance)
    type: T.Extern


class OutputImport(Record, mutable=True):
    """One import of the composed component: what one or more instances leave for the host."""

    name: str
    sort: str
    members: list[HostMember]
    # For instance imports: export name -> (type, the instance whose model the type is in)
    exports: dict[str, tuple[T.Extern, str]] = field_(factory=dict)

    @property
    def representative(self) -> HostMember:
        return next((m for m in self.members if m.host_name == self.name), self.members[0])

    @property
    def semver_bridged(self) -> bool:
        return len({m.host_name for m in self.members}) > 1

    def typed_parts(self) -> list[tuple[T.Extern, str]]:
        """(type, instance whose model it is in) for each part of this import's type."""
        if self.sort == "instance":
            return list(self.exports.values())
        rep = self.representative
        return [(rep.type, rep.instance)]


def merge_host_imports(graph: Any, u: Unifier, problems: list[Problem]
                       ) -> tuple[list[OutputImport], dict[tuple[str, str], OutputImport]]:
    """Group what the instances of `graph` (a composition.CompositionGraph) leave for the
    host into the imports of the output, and unite each group's resources and type names
    with the host's: what two components import from the host is the same resource, whoever
    passes it to whom. Returns the imports, in first-use order, and which import each
    (instance, import name) left for the host is part of."""
    groups: dict[str, OutputImport] = {}
    host_of: dict[tuple[str, str], OutputImport] = {}
    # imports a WAC document declares come first, with the types it declares: what the
    # instances it passes them to import joins them
    for name, ext in graph.declared.items():
        sort = T.sort_of(ext)
        groups[name] = OutputImport(name, sort, [HostMember(DOCUMENT, name, name, ext)])
    for inst in graph.instances.values():  # in the order of instantiation
        for imp, arg in inst.args.items():
            if not isinstance(arg, HostArgument) or arg.member is not None:
                continue
            ext = inst.file.imports[imp]
            sort = T.sort_of(ext)
            key = (compatibility_key(arg.name) if sort == "instance" and arg.name not in graph.declared
                   else arg.name)
            member = HostMember(inst.name, imp, arg.name, ext)
            group = groups.get(key)
            if group is None:
                groups[key] = group = OutputImport(arg.name, sort, [])
            elif group.sort != sort:
                other = group.members[0]
                problems.append(Problem(
                    f"cannot import `{arg.name}` as {T.a_sort(sort)} for {_where(graph, member)}: "
                    f"{_where(graph, other)} imports it as {T.a_sort(group.sort)}",
                    inst.name, imp,
                ))
                continue
            group.members.append(member)
            host_of[(inst.name, imp)] = group
    for group in groups.values():
        if group.sort == "instance" and group.name not in graph.declared:
            group.name = newest([m.host_name for m in group.members])
        for m in group.members:
            for export, obj in declared_objects(m.type):
                u.union(inst_ident(m.instance, obj), host_ident(group.name, export))
            if isinstance(m.type, (T.ResourceType, T.NamedType)):
                u.union(inst_ident(m.instance, m.type), host_ident(group.name, ""))
        for export, _ in declared_objects(group.representative.type):
            u.set_owner(host_ident(group.name, export), ("host", group.name, export))
        if isinstance(group.representative.type, (T.ResourceType, T.NamedType)):
            u.set_owner(host_ident(group.name, ""), ("host", group.name, None))
    imports = list(groups.values())
    _check_names_apart(graph, imports, problems)
    return imports, host_of


def _check_names_apart(graph: Any, imports: list[OutputImport], problems: list[Problem]) -> None:
    """Two imports whose names differ only in case (`a:b/c` and `a:b/C`, each valid in the
    component that imports it) cannot both be imports of the output: a component's names are
    one name when they differ only in case (wasm-tools compose writes the output and then
    refuses it); nor can a method and its resource (`[method]r.r` and `r`)."""
    seen: dict[str, OutputImport] = {}
    for group in imports:
        other = seen.setdefault(strongly_unique_key(group.name), group)
        if other is not group:
            member, first = group.members[0], other.members[0]
            problems.append(Problem(
                f"cannot leave {_where(graph, member)} for the host: the composed component "
                f"imports `{other.name}` already (for {_where(graph, first)}), and "
                f"{one_name_reason(group.name, other.name)}",
                member.instance, member.import_name,
            ))


def check_host_imports(graph: Any, u: Unifier, imports: list[OutputImport],
                       problems: list[Problem]) -> None:
    """Once every connection is checked (and its resources united): the members of each
    import of the output must have one type, and none may use what the output defines."""
    for group in imports:
        _merge_members(graph, u, group, problems)
        _check_no_inner_resources(graph, u, group, problems)


def _check_no_inner_resources(graph: Any, u: Unifier, group: OutputImport,
                              problems: list[Problem]) -> None:
    """An import of the output cannot use a resource an instance inside it defines."""
    for obj, ctx in referenced_by_parts(group.typed_parts()):
        if not isinstance(obj, T.ResourceType):
            continue
        owner = u.owner(inst_ident(ctx, obj))
        if owner is None or owner[0] != "export":
            continue
        provider = graph.instances[owner[1]].file.display
        where = f"`{owner[2]}` of {provider}" if owner[2] else provider
        problems.append(Problem(
            f"`{group.name}` cannot be left for the host: it uses the resource "
            f"`{owner[3]}` that {where} defines, and an import cannot use a resource "
            f"defined inside the composed component (satisfy `{group.name}` with a "
            "dependency too, or let the host provide both)",
            group.members[0].instance, group.members[0].import_name,
        ))
        return


def _merge_members(graph: Any, u: Unifier, group: OutputImport, problems: list[Problem]) -> None:
    """Union of the members' exports, refusing exports whose types differ."""
    rep = group.representative
    members = [rep] + [m for m in group.members if m is not rep]
    if group.sort != "instance":
        for m in members[1:]:
            mismatch = check_extern(m.type, rep.type, UnifiedBindings(u, m.instance, rep.instance))
            if mismatch:
                problems.append(_conflict(graph, group, m, rep, mismatch))
        return
    names: dict[str, str] = {}  # strongly_unique_key -> the export name
    for m in members:
        for export, ext in m.type.exports.items():  # type: ignore[attr-defined]
            have = group.exports.get(export)
            if have is None:
                first = names.setdefault(strongly_unique_key(export), export)
                if first != export:
                    owner = next(x for x in members if x.instance == group.exports[first][1])
                    problems.append(_conflict(graph, group, m, owner,
                                              f"its export `{export}` and the other's `{first}` "
                                              f"would be one: {one_name_reason(export, first)}"))
                    continue
                group.exports[export] = (ext, m.instance)
                continue
            mismatch = check_extern(ext, have[0], UnifiedBindings(u, m.instance, have[1]))
            if mismatch:
                owner = next(x for x in members if x.instance == have[1])
                problems.append(_conflict(graph, group, m, owner,
                                          mismatch.within(f"{T.sort_of(ext)} {export}")))


def _where(graph: Any, m: HostMember) -> str:
    if m.instance == DOCUMENT:
        return f"the document's import `{m.import_name}`"
    return f"`{m.import_name}` of {graph.instances[m.instance].file.display}"


def _conflict(graph: Any, group: OutputImport, a: HostMember, b: HostMember,
              mismatch: object) -> Problem:
    return Problem(
        f"cannot merge the imports {_where(graph, a)} and {_where(graph, b)} into one import "
        f"`{group.name}`: {mismatch}",
        a.instance, a.import_name,
    )
