"""Finding and reading the component files of a `-d` composition: each file once (two paths
to one file are one file), given by path, or named after an import as `wasm-tools compose`
looks for one (a config `dependencies` entry of that name, else `NAME.wasm` in the config's
directory, the root's directory and each search path, the extension replacing the last
dot-part of a versioned name first: `a:b/c@1.0.0` is looked for as `a:b/c@1.0.wasm`, then as
`a:b/c@1.0.0.wasm`). Every path tried is recorded, for `-v` and for messages.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ComposerError
from ..model.load import load_component
from ..model.typecache import opened
from .config import Config
from .wiring import ComponentFile


def file_names(directory: Path, name: str) -> list[Path]:
    """The files in `directory` a component named after `name` may be."""
    try:
        shortened = directory / Path(name).with_suffix(".wasm")
    except ValueError:  # a name `with_suffix` cannot take (ending in a separator, say)
        return [directory / f"{name}.wasm"]
    return [shortened, directory / f"{name}.wasm"]


def wit_text_given(origin: str) -> str:
    """What is wrong with a WIT file given where a component is read (`origin`: "root",
    "dependency")."""
    role = "the root" if origin == "root" else "a dependency"
    return (f"WIT text, not a component: {role} must be a component (a WIT package is given "
            "to `compose verify --world` or `compose targets`, or built into a component with "
            "`wasm-tools component embed` and `wasm-tools component new`)")


class ComponentFiles:
    """The component files a composition reads, each added to the composition graph `graph`
    (a composition.CompositionGraph) when first read."""

    def __init__(self, graph: Any, root: Path, search_paths: list[Path], config: Config,
                 validate: bool) -> None:
        self.graph = graph
        self.root_path = root
        self.search_paths = search_paths
        self.config = config
        self.validate = validate
        self.by_path: dict[str, ComponentFile] = {}  # by `real` path
        self.key_of: dict[int, str] = {}  # id(file) -> its real path, resolved once
        self.real_folders: dict[str, str] = {}  # folder -> it with links resolved (`real`)
        self.type_cache = opened()  # of component types read before
        self.tried: dict[str, list[Path]] = {}  # name looked for -> the paths tried

    def read(self, path: Path, name: str, origin: str,
             import_name: str | None = None) -> ComponentFile:
        """The file at `path`, read (validated unless told not to) and added to the graph
        under `name` (made unique) the first time; `import_name`: the output imports it
        under that name instead of embedding it (a config dependency's `import`)."""
        key = self.real(path)
        known = self.by_path.get(key)
        if known is not None:
            return known
        try:
            loaded = load_component(path, validate=self.validate, types_only=True,
                                    cache=self.type_cache)
        except ComposerError:
            if path.suffix == ".wit":  # not a binary at all: say what it is, not its bytes
                raise ComposerError(wit_text_given(origin), file=str(path)) from None
            raise
        self.graph.files_read.append(path)
        f = self.graph.add_component(loaded, name, origin=origin)
        if import_name is not None:
            self.graph.import_component(f, import_name)
        self.by_path[key] = f
        self.key_of[id(f)] = key
        return f

    def key(self, f: ComponentFile) -> str:
        """What tells a file read apart from the others: its real path."""
        return self.key_of[id(f)]

    def real(self, path: Path) -> str:
        """The path with symbolic links resolved, as `Path.resolve` gives it: what tells that
        two paths name one file. Each folder is resolved once (`real_folders`), not once per
        file in it: resolving costs a system call per part of a path, and a composition may
        name thousands of files in one folder."""
        given = os.fspath(path)
        # not `abspath`: it folds `link/..` away before the link is followed
        folder, name = os.path.split(given if os.path.isabs(given) else os.path.join(os.getcwd(), given))
        real = self.real_folders.get(folder)
        if real is None:
            real = self.real_folders[folder] = os.path.realpath(folder)
        full = os.path.join(real, name)
        return os.path.realpath(full) if os.path.islink(full) else full

    @cached_property
    def search_dirs(self) -> list[Path]:
        """Where dependencies named after an import are looked for, each directory once."""
        dirs: list[Path] = []
        if self.config.dir is not None:
            dirs.append(self.config.dir)
        dirs.append(self.root_path.parent)
        dirs += list(self.config.search_paths) + self.search_paths
        first: dict[Path, Path] = {}
        for d in dirs:
            first.setdefault(d.resolve(), d)
        return list(first.values())

    def find(self, name: str) -> Path | None:
        """A component file named after `name`, as wasm-tools compose looks for it; every
        path tried is recorded (`tried`)."""
        root = self.real(self.root_path)
        tried = self.tried.setdefault(name, [])
        for d in self.search_dirs:
            # `a:b/c@1.0.0` is also looked for as `a:b/c@1.0.wasm` (the extension replaces
            # the last dot-part, as wasm-tools does), then as `a:b/c@1.0.0.wasm`.
            for candidate in dict.fromkeys(file_names(d, name)):
                tried.append(candidate)
                try:
                    if candidate.is_file() and self.real(candidate) != root:
                        return candidate
                except OSError:  # a name no file system can hold (too long, say) is no file
                    continue
        return None

    def named(self, dep_name: str) -> ComponentFile | None:
        """The dependency called `dep_name`: the config's, else a file named after it."""
        dep = self.config.dependencies.get(dep_name)
        if dep is not None:
            return self.read(dep.path, dep_name, "by name", dep.import_name)
        found = self.find(dep_name)
        if found is None:
            return None
        stem = Path(dep_name).name.split("@")[0] or "dependency"
        return self.read(found, stem, "by name")
