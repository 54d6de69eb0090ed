"""`compose verify`: can a WASI 0.2 host run this component?

Three checks, cheapest first:

1. every import is an interface the host world offers (`wasi:cli/command` or
   `wasi:http/proxy`), on the same semver track (`@0.2.x`); each one that is not is reported
   with the nearest interface the world has;
2. the limits hosts enforce: wasmtime refuses a component tree holding more than 1000 core
   modules and components;
3. instantiation in the embedded host (wasmtime-py), which is the real check.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..model import types as T
from ..model.names import InterfaceName
from ..record import Record, field_

_WASI_VERSION = "0.2.12"  # what the embedded host implements; any 0.2.x import links
_CLI = ["environment", "exit", "stdin", "stdout", "stderr", "terminal-input", "terminal-output",
        "terminal-stdin", "terminal-stdout", "terminal-stderr"]


class World(Record):
    name: str
    imports: tuple[str, ...]  # unversioned interface names
    exports: tuple[str, ...]
    http: bool = False


WORLDS = {
    "wasi:cli/command": World(
        "wasi:cli/command",
        tuple(
            [f"wasi:cli/{i}" for i in _CLI]
            + ["wasi:clocks/monotonic-clock", "wasi:clocks/wall-clock"]
            + ["wasi:filesystem/types", "wasi:filesystem/preopens"]
            + [f"wasi:sockets/{i}" for i in ("instance-network", "network", "udp", "udp-create-socket",
                                             "tcp", "tcp-create-socket", "ip-name-lookup")]
            + ["wasi:random/random", "wasi:random/insecure", "wasi:random/insecure-seed"]
            + ["wasi:io/error", "wasi:io/poll", "wasi:io/streams"]
        ),
        ("wasi:cli/run",),
    ),
    "wasi:http/proxy": World(
        "wasi:http/proxy",
        (
            "wasi:clocks/monotonic-clock", "wasi:clocks/wall-clock", "wasi:random/random",
            "wasi:cli/stdout", "wasi:cli/stderr", "wasi:cli/stdin",
            "wasi:http/types", "wasi:http/outgoing-handler",
            "wasi:io/error", "wasi:io/poll", "wasi:io/streams",
        ),
        ("wasi:http/incoming-handler",),
        http=True,
    ),
}
ALIASES = {"command": "wasi:cli/command", "proxy": "wasi:http/proxy"}


class ImportCheck(Record):
    name: str
    sort: str  # instance, func, type, ...
    problem: str | None  # None: the host provides it


class Report(Record, mutable=True):
    path: Path
    world: World
    inferred: bool
    imports: list[ImportCheck] = field_(factory=list)
    problems: list[str] = field_(factory=list)  # beyond the imports: limits, instantiation
    instantiated: bool = False

    @property
    def missing(self) -> list[ImportCheck]:
        return [check for check in self.imports if check.problem is not None]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


def world_named(name: str) -> World:
    key = ALIASES.get(name, name.split("@")[0])
    if key not in WORLDS:
        known = ", ".join(WORLDS)
        raise ValueError(f"unknown world `{name}` (known: {known})")
    return WORLDS[key]


def infer_world(exports: dict[str, T.Extern]) -> World | None:
    for world in WORLDS.values():
        for name in exports:
            parsed = InterfaceName.parse(name)
            if parsed and parsed.unversioned in world.exports:
                return world
    return None


def _allowed(world: World, name: str) -> bool:
    parsed = InterfaceName.parse(name)
    if parsed is None or parsed.unversioned not in world.imports:
        return False
    return parsed.version is None or parsed.version.track() == (0, 2)


def _nearest(world: World, name: str) -> str:
    """What the host has that the import may have meant: the same interface on the host's
    track, else an interface of the same package, else one of the same name elsewhere."""
    parsed = InterfaceName.parse(name)
    if parsed is None:
        return "the host only provides interfaces (`namespace:package/interface@version`)"
    if parsed.unversioned in world.imports:
        return f"the host has {parsed.unversioned}@{_WASI_VERSION}"
    package = parsed.unversioned.rpartition("/")[0]
    same_package = [i for i in world.imports if i.rpartition("/")[0] == package]
    if same_package:
        close = difflib.get_close_matches(parsed.unversioned, same_package, n=1, cutoff=0.0)
        return f"nearest the host has: {close[0]}@{_WASI_VERSION}"
    if not package.startswith("wasi:"):
        return "a dependency must provide it (`compose ROOT -d DEP.wasm`)"
    return f"the host has no {package} interface"


def verify(path: Path, world_name: str | None = None, cache: bool = True,
           instantiate: bool = True, progress: bool = False) -> Report:
    """Check `path` against a host world (named, else inferred from its exports, else
    wasi:cli/command). `instantiate=False` leaves the real check to a run that follows."""
    from .execute import Host, HostConfig, RunError
    from ..model.load import load_component

    loaded = load_component(path)
    scope = loaded.scope
    world = world_named(world_name) if world_name else infer_world(scope.exports)
    inferred = world_name is None
    if world is None:
        world = WORLDS["wasi:cli/command"]
    report = Report(path, world, inferred)
    for name, ext in scope.imports.items():
        problem = None
        if not _allowed(world, name):
            problem = f"not provided by {world.name}: {_nearest(world, name)}"
        report.imports.append(ImportCheck(name, T.sort_of(ext), problem))
    if not report.ok or not instantiate:
        return report
    host = Host(HostConfig(cache=cache, http=world.http, stdin="/dev/null", stdout="/dev/null",
                           stderr="/dev/null", progress=progress))
    try:
        host.instantiate(host.load(path, loaded.data), str(path))
    except RunError as exc:
        report.problems.append(f"the embedded host refuses it: {exc.message}")
    else:
        report.instantiated = True
    return report
