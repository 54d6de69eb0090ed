"""Resolution: packages in dependency order, then each package's interfaces and worlds in
the order their references require, into the document model (`..model`) with the
component-model types filled.

Every rule broken is a `TextError` at the place wit-parser reports it (so the two point at
the same `FILE:LINE:COL`). Dependency orders are found by iterative depth-first search:
nothing here recurses on the input's shape.
"""

from __future__ import annotations

from typing import Callable, Iterator

from ....errors import ComposerError
from ....model.names import Version
from .. import model as wit
from ....diagnostics import TextError
from . import tree as ast
from .decoded import dependencies, join
from .interfaces import PackageResolver, find_package, semver_key
from .packages import AnyPackage, DecodedPackage, PackageSet, PackageSource, Unit
from .registry import Features, PkgInfo, Registry
from .worlddefs import WorldBuilder

# -- packages -------------------------------------------------------------------------------


def resolve(loaded: PackageSet, features: frozenset[str]) -> wit.Resolved:
    feats = Features(features)
    by_key: dict[str, AnyPackage] = {}
    for ps in loaded.packages:
        first = by_key.get(ps.key)
        if first is not None:
            raise _twice(ps, first)
        by_key[ps.key] = ps
    missing: list[TextError] = []
    order = _package_order(loaded.packages, by_key, missing)
    registry = Registry()
    models = []
    for ps in order:
        if isinstance(ps, DecodedPackage):
            info = join(ps, registry, feats)
        else:
            info = _resolve_text(PackageResolver(ps, registry, feats, by_key, missing))
        models.append(info.model)
    if missing:
        # wit-parser looks for the packages a package uses once each package is read: what
        # is wrong within a package is found first
        raise missing[0]
    if loaded.no_header is not None:
        raise loaded.no_header
    return wit.Resolved(tuple(models), loaded.main)  # type: ignore[arg-type]


def _twice(ps: AnyPackage, first: AnyPackage) -> ComposerError:
    """A package given twice: refused at the second, which names the first."""
    if isinstance(first, PackageSource):
        span = first.name.span
        line, column = span.source.line_col(span.start)
        where = f"{span.source.path}:{line}:{column}"
    else:
        where = first.path
    message = f"package `{ps.key}` is defined in two different locations: here and at {where}"
    if isinstance(ps, PackageSource):
        return TextError.at(message, ps.name.span)
    return ComposerError(message, file=ps.path)


def _resolve_text(pr: PackageResolver) -> PkgInfo:
    """A package written in WIT text: its interfaces, then its worlds, as wit-parser
    resolves them."""
    worlds = pr.interfaces()
    # what wit-parser checks of every world comes before what it checks once all is
    # resolved; then the worlds kept are built
    for item, unit in worlds:
        excluded = pr.features.excluded(item.gates)
        pr.check_gates(item.gates, item.name.span)
        WorldBuilder(pr, item, unit, excluded=excluded).check()
        if excluded:
            pr.info.excluded[item.name.name] = "world"
    pr.check_deferred()
    for item, unit in worlds:
        if item.name.name not in pr.info.excluded:
            pr.info.worlds[item.name.name] = WorldBuilder(pr, item, unit).build()
    pr.check_deferred()
    return pr.finish()


def _package_order(packages: tuple[AnyPackage, ...], by_key: dict[str, AnyPackage],
                   missing: list[TextError]) -> list[AnyPackage]:
    """Dependencies before their users, as wit-parser orders them: packages visited in name
    order, each after what it uses (in the order it first mentions them); a package that
    reaches itself is refused at the reference that closes the cycle. A package used but
    not there goes to `missing` (the first mention found that way), to be refused once the
    packages there are read."""
    edges: dict[int, list[tuple[AnyPackage, ast.UsePath | None]]] = {}

    def uses(ps: AnyPackage) -> list[tuple[AnyPackage, ast.UsePath | None]]:
        found = edges.get(id(ps))
        if found is None:
            found = edges[id(ps)] = []
            if isinstance(ps, DecodedPackage):
                # (a package in binary form comes with copies of what it uses)
                found += [(by_key[key], None) for key in dependencies(ps.package)]
                return found
            for path in _foreign_paths(ps.units):
                try:
                    found.append((find_package(path.package, by_key), path))  # type: ignore[arg-type]
                except TextError as exc:
                    missing.append(exc)
        return found

    def cycle(target: AnyPackage, i: int) -> ComposerError:
        first, first_path = edges[id(target)][i]
        message = f"package `{first.key}` creates a dependency cycle"
        if first_path is None:
            return ComposerError(message, file=target.path)  # type: ignore[union-attr]
        return TextError.at(message, first_path.span)

    # (packages in binary form are taken in first, in the order they were read: wit-parser
    # adds them before it reads any text)
    roots: list[AnyPackage] = [ps for ps in packages if isinstance(ps, DecodedPackage)]
    roots += sorted((ps for ps in packages if isinstance(ps, PackageSource)),
                    key=lambda ps: _name_order(ps.name))
    return depth_first_order(roots, lambda ps: [t for t, _ in uses(ps)], cycle)


def _name_order(ref: ast.PackageRef) -> tuple:  # type: ignore[type-arg]
    """How wit-parser orders package names: namespace, name, then version (none first)."""
    version = Version.parse(ref.version) if ref.version else None
    if version is None:
        return (ref.namespace, ref.name, 0)
    return (ref.namespace, ref.name, 1, semver_key(version))


def depth_first_order(roots: list, successors: Callable[[object], list],
                      cycle: Callable[[object, int], Exception]) -> list:
    """Every node reachable from `roots`, each after its successors, without recursion (the
    input decides the depth). On a cycle, raises `cycle(node, i)`: `node` is where the cycle
    closes, `i` the index of the successor of `node` that leads back round to it."""
    order: list = []
    state: dict[int, int] = {}  # 1: on the path being walked, 2: done
    for root in roots:
        if state.get(id(root)):
            continue
        state[id(root)] = 1
        stack = [(root, 0, successors(root))]
        while stack:
            node, i, out = stack[-1]
            if i == len(out):
                state[id(node)] = 2
                order.append(node)
                stack.pop()
                continue
            stack[-1] = (node, i + 1, out)
            target = out[i]
            seen = state.get(id(target))
            if seen == 1:
                at = next(k for k, entry in enumerate(stack) if entry[0] is target)
                raise cycle(target, stack[at][1] - 1)
            if not seen:
                state[id(target)] = 1
                stack.append((target, 0, successors(target)))
    return order


def _foreign_paths(units: tuple[Unit, ...]) -> Iterator[ast.UsePath]:
    for unit in units:
        for item in unit.items:
            for path in _item_paths(item):
                if path.package is not None:
                    yield path


def _item_paths(item: object) -> Iterator[ast.UsePath]:
    if isinstance(item, ast.TopUse):
        yield item.path
    elif isinstance(item, ast.InterfaceDef):
        yield from (m.path for m in item.members if isinstance(m, ast.Use))
    elif isinstance(item, ast.WorldDef):
        # as wit-parser visits them: uses and includes, then imports, then exports
        externs = [m for m in item.members if isinstance(m, ast.Extern)]
        yield from (m.path for m in item.members if isinstance(m, (ast.Use, ast.Include)))
        for m in [m for m in externs if m.direction == "import"] + \
                 [m for m in externs if m.direction == "export"]:
            if m.path is not None:
                yield m.path
            if m.interface is not None:
                yield from _item_paths(m.interface)
