"""`compose verify`: can a WASI 0.2 host run this component?

Four checks, cheapest first:

1. the export the world runs (`wasi:cli/run` for a command, `wasi:http/incoming-handler` for
   a proxy); a component that exports neither is a library: its imports are still checked,
   and it passes unless a runnable world was asked for (`--world`, `compose --verify`);
2. every import is an interface the host world offers (`wasi:cli/command` or
   `wasi:http/proxy`), on the same semver track (`@0.2.x`); each one that is not is reported
   with the nearest interface the world has;
3. the limits hosts enforce: wasmtime refuses a component tree holding more than 1000 core
   modules and components;
4. instantiation in the embedded host (wasmtime-py), which is the real check.
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
    exports: tuple[str, ...] = ()  # every export's name
    entry: str | None = None  # the export the world runs (`wasi:cli/run@0.2.0`); None: none
    # exports neither world's entry, and no runnable world was asked for: passes on its imports
    library: bool = False

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


def _on_host_track(parsed: InterfaceName) -> bool:
    return parsed.version is None or parsed.version.track() == (0, 2)


def _entry(world: World, exports: dict[str, T.Extern]) -> tuple[str | None, str | None]:
    """(the export by which the host runs the component in `world`, else None; the problem
    with it, else None): a `wasi:cli/run` on another track than 0.2 is one."""
    for name in exports:
        parsed = InterfaceName.parse(name)
        if parsed and parsed.unversioned in world.exports:
            if _on_host_track(parsed):
                return name, None
            return None, (f"exports {name}, but the host runs {parsed.unversioned}@0.2.x "
                          f"(it implements {_WASI_VERSION})")
    return None, None


def _not_runnable(world: World, exports: dict[str, T.Extern]) -> str:
    """Why a component without `world`'s entry export cannot run there, and what to do."""
    what = "an HTTP handler" if world.http else "a command"
    listing = ", ".join(exports) or "nothing"
    head = f"not {what}: it does not export {world.exports[0]} (it exports {listing})"
    other = next((w for w in WORLDS.values() if w is not world and _entry(w, exports)[0]), None)
    if other is not None:
        return f"{head}; it runs in {other.name} (--world {other.name})"
    return f"{head}; a library component: compose it into one that does"


def _allowed(world: World, name: str) -> bool:
    parsed = InterfaceName.parse(name)
    if parsed is None or parsed.unversioned not in world.imports:
        return False
    return _on_host_track(parsed)


_CLOSE_SPELLING = 0.85  # difflib's ratio: `wasi:cli/stdot` ~ stdout (0.97), exit ~ stdin (0.74)


def _nearest(world: World, name: str) -> str:
    """What the host has that the import may have meant: the same interface on the host's
    track, or one spelled nearly the same; else which world has it, or that none does.
    Never another interface of the same package: `exit` is not `stdin`."""
    parsed = InterfaceName.parse(name)
    if parsed is None:
        return "the host only provides interfaces (`namespace:package/interface@version`)"
    if parsed.unversioned in world.imports:
        return f"the host has {parsed.unversioned}@{_WASI_VERSION}"
    close = difflib.get_close_matches(parsed.unversioned, world.imports, n=1,
                                      cutoff=_CLOSE_SPELLING)
    if close:
        return f"did you mean {close[0]}@{_WASI_VERSION}?"
    elsewhere = [w.name for w in WORLDS.values() if parsed.unversioned in w.imports]
    if elsewhere:
        return f"only the {' and '.join(elsewhere)} world has it"
    package = parsed.unversioned.rpartition("/")[0]
    if not package.startswith("wasi:"):
        return "a dependency must provide it (`compose ROOT -d DEP.wasm`)"
    if any(i.rpartition("/")[0] == package for i in world.imports):
        return f"the host has no such {package} interface"
    return f"the host has no {package} interface"


def verify(path: Path, world_name: str | None = None, cache: bool = True,
           instantiate: bool = True, progress: bool = False, runnable: bool = False,
           shown_as: str | None = None) -> Report:
    """Check `path` against a host world (named, else inferred from its exports, else
    wasi:cli/command). A component that exports neither world's entry is a library: it
    passes on its imports alone, unless a world was named or `runnable` asks for a command
    or a proxy (`compose --verify`). `instantiate=False` leaves the real check to a run that
    follows. `shown_as` names the file in the progress line (a temporary file's name, under
    `compose --verify`, means nothing to the user)."""
    from .execute import Host, HostConfig, RunError
    from ..model.load import load_component

    loaded = load_component(path)
    scope = loaded.scope
    world = world_named(world_name) if world_name else infer_world(scope.exports)
    inferred = world_name is None
    if world is None:
        world = WORLDS["wasi:cli/command"]
    report = Report(path, world, inferred, exports=tuple(scope.exports))
    report.entry, entry_problem = _entry(world, scope.exports)
    if entry_problem is not None:
        report.problems.append(entry_problem)
    elif report.entry is None:
        report.library = inferred and not runnable
        if not report.library:
            report.problems.append(_not_runnable(world, scope.exports))
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
        host.instantiate(host.load(path, loaded.data, shown_as), str(path))
    except RunError as exc:
        report.problems.append(f"the embedded host refuses it: {exc.message}")
    else:
        report.instantiated = True
    return report
