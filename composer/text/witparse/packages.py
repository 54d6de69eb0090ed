"""From a path to packages not yet resolved: which files make up which package.

A path is a `.wit` file (one package, plus any nested `package a:b { }` blocks) or a folder
whose `.wit` files together make one package, with an optional `deps/` folder whose entries
(a `.wit` file, a folder of them, or a WIT package in binary form: `.wasm` or `.wat`) are
further packages. Nested package blocks become packages of their own wherever they are
written.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ...errors import ComposerError
from ...record import Record
from ...diagnostics import Source, TextError
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
    binary: bool = False  # read from a WIT package in binary form (deps/*.wasm, *.wat)


class Loaded(Record):
    packages: tuple[PackageSource, ...]  # the main one first
    main: A.PackageRef | None
    # the main files have no `package` header: refused once the packages nested in them
    # are read (as wit-parser reads those first)
    no_header: ComposerError | None = None


# The largest WIT file read. An input that never ends (`/dev/zero`, an endless pipe) is
# refused once it has given this much, rather than read until memory runs out; a WIT file
# this large (WASI's own is under 1 MB) would take seconds to read and print anyway.
MAX_TEXT_SIZE = 128 << 20


def read_source(path: Path, shown: str, regular_only: bool = False) -> Source:
    """A WIT file's text. `regular_only`: a file found in a folder (a FIFO or a device there
    would block, or never end), which must be a regular file; a path given on the command
    line may be a pipe (read bounded: files.py, a FIFO nobody writes to too)."""
    from ...files import read_input

    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ComposerError(f"{shown}: expected a WIT file, found a directory")
        if regular_only and not stat.S_ISREG(st.st_mode):
            raise ComposerError(f"{shown}: not a regular file: WIT files in a package folder "
                                "are read only when they are regular files")
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_TEXT_SIZE:
            raise _too_large(shown)

        def past_limit(got: bytearray) -> bool:
            # refused as soon as it is met: what was read is not copied into a result
            if len(got) > MAX_TEXT_SIZE:
                raise _too_large(shown)
            return False

        data = read_input(path, "text", stops=past_limit)
    except OSError as exc:
        raise ComposerError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(shown, data, exc.start) from None
    return Source(shown, text.removeprefix("\ufeff"))


def _too_large(shown: str) -> ComposerError:
    return ComposerError(f"{shown}: larger than {MAX_TEXT_SIZE >> 20} MiB, the most a WIT file "
                         "may hold (MAX_TEXT_SIZE)")


def _not_utf8(shown: str, data: bytes, at: int) -> TextError:
    """Where a file stops being UTF-8: its line, column and byte offset."""
    before = data[:at].decode("utf-8")  # valid up to `at`
    source = Source(shown, data.decode("utf-8", errors="replace"))
    return TextError(f"not valid UTF-8: byte 0x{data[at]:02X} at byte offset {at}", source,
                     len(before), len(before) + 1)


def load(path: Path) -> Loaded:
    """The packages at `path` (see the module's description)."""
    if path.is_dir():
        sources = [read_source(p, str(p), regular_only=True) for p in _wit_files(path)]
        main, nested = _group(sources, str(path), defer=True)
        if main is None:
            return Loaded(tuple(nested), None, _no_header(sources[0] if sources else None,
                                                          str(path)))
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
    source = read_source(path, str(path))
    main, nested = _group([source], str(path), defer=True)
    if main is None:
        return Loaded(tuple(nested), None, _no_header(source, str(path)))
    return Loaded((main, *nested), main.name)


def _wit_files(folder: Path) -> list[Path]:
    """The `.wit` entries of a folder, by name (a `.wit` that is a folder is not one)."""
    return sorted(p for p in folder.iterdir() if p.suffix == ".wit" and not p.is_dir())


def _dependency(entry: Path) -> tuple[list[PackageSource], list[PackageSource]]:
    """The packages one entry of deps/ provides, and the copies a binary one carries."""
    if entry.is_dir():
        files = _wit_files(entry)
        if not files:
            return [], []
        main, nested = _group([read_source(p, str(p), regular_only=True) for p in files],
                              str(entry))
        return [main, *nested], []
    if entry.suffix == ".wit":
        main, nested = _group([read_source(entry, str(entry), regular_only=True)], str(entry))
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
    main, nested = _group([Source(str(path), text)], str(path))
    return main.replace(binary=True), [p.replace(binary=True) for p in nested]  # type: ignore[union-attr]


def _group(sources: list[Source], where: str,
           defer: bool = False) -> tuple[PackageSource | None, list[PackageSource]]:
    """The package a set of files make together, and the nested packages written in them.
    None for the former when no file says which package it is (refused here unless `defer`
    and some package is nested)."""
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
        if defer and nested:
            return None, nested
        raise _no_header(sources[0] if sources else None, where)
    main = PackageSource(header.name, tuple(units), docs.docs if docs else None)
    return main, nested


def _no_header(source: Source | None, where: str) -> ComposerError:
    """No file of a package says which package it is: pointed at the first file's first
    item (or its start, when it has none)."""
    message = "no `package` header was found in any WIT file for this package"
    if source is None:
        return ComposerError(f"{where}: {message}")
    m = _FIRST_ITEM(source.text)
    start = m.end() if m else 0
    return TextError(f"{message} (each package needs one: `package namespace:name;` before "
                     "its items)", source, start, start + 1)


# whitespace and comments before the first item of a file
_FIRST_ITEM = re.compile(r"(?:\s|//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*").match


def _nested(items: tuple[A.TopItem, ...], out: list[PackageSource]) -> None:
    """Nested package blocks, in the order they open; a block inside a block is refused,
    as wit-parser refuses it (parsed, then found in the package it is in)."""
    for item in items:
        if isinstance(item, A.NestedPackage):
            for inner in item.items:
                if isinstance(inner, A.NestedPackage):
                    raise TextError.at("nested packages must be placed at the top-level",
                                       inner.decl.name.span)
            out.append(PackageSource(item.decl.name, (Unit(item.decl.span.source, item.items),),
                                     item.decl.docs))
