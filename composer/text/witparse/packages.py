"""From a path to packages not yet resolved: which files make up which package.

A path is a `.wit` file (one package, plus any nested `package a:b { }` blocks) or a folder
whose `.wit` files together make one package, with an optional `deps/` folder whose entries
(a `.wit` file, a folder of them, or a WIT package in binary form: `.wasm` or `.wat`) are
further packages. Nested package blocks become packages of their own wherever they are
written.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ComposerError
from ...record import Record
from ..diagnostics import Source, TextError
from . import tree as A
from .syntax import parse_file


class Unit(Record):
    """The items of one file (or one nested package block) of a package: top-level `use`
    names are visible only within it."""

    source: Source
    items: tuple[A.TopItem, ...]


class PackageSource(Record):
    name: A.PackageRef
    units: tuple[Unit, ...]
    docs: str | None


class Loaded(Record):
    packages: tuple[PackageSource, ...]  # the main one first
    main: A.PackageRef


def read_source(path: Path, shown: str) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ComposerError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ComposerError(f"{shown}: not valid UTF-8 at byte {exc.start}") from None
    return Source(shown, text.removeprefix("\ufeff"))


def load(path: Path) -> Loaded:
    """The packages at `path` (see the module's description)."""
    if path.is_dir():
        main, nested = _group([read_source(p, str(p)) for p in _wit_files(path)], str(path))
        deps: list[PackageSource] = []
        carried: list[PackageSource] = []
        deps_dir = path / "deps"
        if deps_dir.is_dir():
            for entry in sorted(deps_dir.iterdir(), key=lambda p: p.name):
                own, theirs = _dependency(entry)
                deps.extend(own)
                carried.extend(theirs)
        # a binary package carries copies of the packages it uses: a copy stands in only
        # for a package nothing else in deps/ provides
        present = {p.name.key() for p in (main, *nested, *deps)}
        for p in carried:
            if p.name.key() not in present:
                present.add(p.name.key())
                deps.append(p)
        return Loaded((main, *nested, *deps), main.name)
    if path.suffix in (".wasm", ".wat"):
        main, nested = _binary(path)
        return Loaded((main, *nested), main.name)
    main, nested = _group([read_source(path, str(path))], str(path))
    return Loaded((main, *nested), main.name)


def _wit_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".wit" and p.is_file())


def _dependency(entry: Path) -> tuple[list[PackageSource], list[PackageSource]]:
    """The packages one entry of deps/ provides, and the copies a binary one carries."""
    if entry.is_dir():
        files = _wit_files(entry)
        if not files:
            return [], []
        main, nested = _group([read_source(p, str(p)) for p in files], str(entry))
        return [main, *nested], []
    if entry.suffix == ".wit":
        main, nested = _group([read_source(entry, str(entry))], str(entry))
        return [main, *nested], []
    if entry.suffix in (".wasm", ".wat"):
        main, nested = _binary(entry)
        return [main], nested
    return [], []  # anything else in deps/ is not WIT (a README, say)


def _binary(path: Path) -> tuple[PackageSource, list[PackageSource]]:
    """A WIT package in binary form (or a component): decoded, printed as WIT text, and
    read back like any other source, so one resolver handles every kind of package. Its
    dependencies come along as nested packages."""
    from ...model.load import load_component
    from ..witdecode import decode_component
    from ..witprint import print_resolved

    text = print_resolved(decode_component(load_component(path)))
    return _group([Source(str(path), text)], str(path))


def _group(sources: list[Source], where: str) -> tuple[PackageSource, list[PackageSource]]:
    """The package a set of files make together, and the nested packages written in them."""
    header: A.PackageDecl | None = None
    docs: A.PackageDecl | None = None
    units: list[Unit] = []
    nested: list[PackageSource] = []
    for source in sources:
        parsed = parse_file(source)
        decl = parsed.package
        if decl is not None:
            if header is None:
                header = decl
            elif header.name.key() != decl.name.key():
                raise TextError.at(f"package identifier `{decl.name.key()}` does not match "
                                   f"previous package name of `{header.name.key()}`", decl.span)
            if decl.docs:
                if docs is not None:
                    raise TextError.at("found doc comments on multiple 'package' items",
                                       decl.docs_span)
                docs = decl
        top = tuple(i for i in parsed.items if not isinstance(i, A.NestedPackage))
        units.append(Unit(parsed.source, top))
        _nested(parsed.items, nested)
    if header is None:
        raise ComposerError(f"{where}: no `package` header was found in any WIT file for "
                            "this package")
    main = PackageSource(header.name, tuple(units), docs.docs if docs else None)
    return main, nested


def _nested(items: tuple[A.TopItem, ...], out: list[PackageSource]) -> None:
    """Nested package blocks, in the order they open (blocks inside blocks included)."""
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, A.NestedPackage):
            top = tuple(i for i in item.items if not isinstance(i, A.NestedPackage))
            out.append(PackageSource(item.decl.name, (Unit(item.decl.span.source, top),),
                                     item.decl.docs))
            stack.append(iter(item.items))
