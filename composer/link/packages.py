"""Packages a WAC document names (`new example:greeter { }`, `import x: wasi:io/streams`):
where each is found and what it provides.

A package `ns:name` (or `ns:name@1.2.3`) is looked for as wac looks for it, under the deps
folder (`--deps-dir`, default `./deps`): `ns/name/` (a folder of WIT: a WIT package),
else `ns/name.wat`, `ns/name.wasm` (a component, or a WIT package in binary form), else
`ns/name.wit`; a version adds a path segment, `ns/name/1.2.3.wasm`. `--dep ns:name=PATH`
names the file of a package outright (a component, `.wat`, `.wit` or WIT folder).

What a package provides: a component type (its imports and exports, when it is a
component: what `new` instantiates) and definitions (the interfaces and worlds of a WIT
package, by name: what `ns:name/iface` paths reach).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..record import Record, field_
from .wiring import ComponentFile

# wac reads a package it cannot find locally from a registry (`wac plug ns:pkg`, a document's
# `new ns:pkg {}`); compose does not, and says so
NO_REGISTRY = "compose reads no registry"
# a registry's package name, as `wac plug` tells one from a path: `ns:name`, `ns:name@1.2.3`
_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*:[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
                           r"(?:@[0-9A-Za-z.+-]+)?")


class Package(Record):
    name: str  # `ns:name`
    version: str | None
    path: Path
    component: ComponentFile | None  # None for a WIT package read from text
    # interface or world name -> (its id `ns:pkg/name@v`, T.InstanceType or T.ComponentType)
    definitions: dict = field_(factory=dict)

    @property
    def key(self) -> str:
        return package_key(self.name, self.version)

    @property
    def import_name(self) -> str:
        """The name the output imports this package's component under when packages are
        imported rather than embedded: the package name in kebab case, its version's parts
        as further words (`test:other@1.0.0` -> `test-other-1-0-0`), so that two versions
        are two imports. Not always a valid name (`1.0.0-Rc`): the caller checks."""
        words = self.name.replace(":", "-")
        if self.version is None:
            return words
        return words + "-" + self.version.replace(".", "-").replace("+", "-")


def package_key(name: str, version: str | None) -> str:
    """`ns:name@1.2.3`: what tells a package apart (two versions of one name are two
    packages, each with its own component)."""
    return name + (f"@{version}" if version else "")


def package_path(name: str, version: str | None, deps_dir: Path,
                 overrides: dict[str, Path]) -> Path | None:
    """Where package `name` (at `version`) is, or None."""
    for k in (package_key(name, version), name):
        if k in overrides:
            return overrides[k]
    base = deps_dir.joinpath(*name.split(":"))
    if version is not None:
        base = base / version
    if base.is_dir():
        return base
    for suffix in (".wat", ".wasm", ".wit"):
        candidate = base.with_name(base.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def is_package_name(text: str) -> bool:
    """Whether `text` reads as a registry package name (`ns:name`, `ns:name@1.2.3`) rather
    than a file's path: what `wac plug` fetches from a registry."""
    return _PACKAGE_NAME.fullmatch(text) is not None


def not_found_locally(name: str, version: str | None, deps_dir: Path) -> str:
    """What to say of package `name` (at `version`) found neither under `deps_dir` nor by
    `--dep`: that no registry is read, and the two ways of giving its file."""
    where = deps_dir.joinpath(*name.split(":"))
    if version is not None:
        where = where / version
    return (f"not in {deps_dir}, and {NO_REGISTRY}: give its file with --dep {name}=PATH, or "
            f"put it in the deps folder (--deps-dir DIR) as {where}.wasm")


def load_package(name: str, version: str | None, path: Path, validate: bool) -> Package:
    """The package at `path`, its file read once. Raises ComposerError naming the file when
    it cannot be read or is neither a component nor WIT."""
    from ..model.load import completed, load_component
    from ..text.wit import read_wit
    from ..text.wit.decode import decode_wit, is_wit_package

    if path.is_dir() or path.suffix == ".wit":
        resolved = read_wit(path)
        return Package(name, version, path, None, _definitions(resolved))
    loaded = load_component(path, validate=validate, types_only=True)
    definitions: dict = {}
    if is_wit_package(loaded.scope):
        loaded = completed(loaded, validate)  # its WIT is read from the whole of it
        definitions = _definitions(decode_wit(loaded))
    # named by the whole key: the plan keeps one component per name
    comp = ComponentFile(package_key(name, version), path, loaded, "package")
    return Package(name, version, path, comp, definitions)


def _definitions(resolved: object) -> dict:
    """The interfaces and worlds of the main package of a WIT reading, with their ids."""
    main = resolved.main  # type: ignore[attr-defined]
    pkg = resolved.package(main)  # type: ignore[attr-defined]
    version = f"@{main.version}" if main.version else ""
    out: dict = {}
    for iface in pkg.interfaces:
        if iface.name is not None and iface.instance_type is not None:
            out[iface.name] = (f"{main.namespace}:{main.name}/{iface.name}{version}",
                               iface.instance_type)
    for world in pkg.worlds:
        if world.component_type is not None:
            out[world.name] = (f"{main.namespace}:{main.name}/{world.name}{version}",
                               world.component_type)
    return out
