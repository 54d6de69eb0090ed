"""The resolver: which export satisfies which import.

Starting from the root, every import of every instance is resolved, in this order:

1. an explicit argument of the config (`instantiations: NAME: arguments:`);
2. an export of a dependency (`-d`, `definitions`) with the import's exact name and sort;
3. a dependency found by the import's name: a config `instantiations`/`dependencies` entry of
   that name, or a file named after it in the config's directory, the root's directory or a
   search path (as `wasm-tools compose` finds them); the dependency instance itself, or else
   its first exported instance whose type fits, is passed;
4. an export of a dependency on a semver-compatible track (`@0.2.0` ~ `@0.2.12`, `@1.0.0` ~
   `@1.4.1`), the highest version offered;
5. otherwise the import is left for the host.

Dependencies satisfy the imports of the root and of each other, whatever order they were
given in; each dependency component is instantiated once and shared by every import it
satisfies. Each connection is type-checked (`subtype.py`); a rejection names the import, the
dependency and the path to the mismatch.

Resolution happens in two phases. The first decides the wiring, comparing resources that come
from imports by interface and name. The second (`link`) walks the instances providers-first,
unites resource identities across components (`unify.py`), re-checks every connection
exactly and merges what is left for the host (`merge.py`). Problems are collected rather than
raised, so that `compose graph` can draw a failed composition.
"""

from __future__ import annotations

import os
from collections import deque
from functools import cached_property
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from ..model import types as T
from .config import Argument, Config
from .reasons import BY_NAME, CONFIG, EXACT_NAME, PLUG, NearMiss, Reason, Rule, Unused
from ..model.load import Loaded, load_component
from ..model.typecache import opened
from ..model.names import compatibility_key, newest, semver_compatible
from ..record import Record, field_
from ..model.subtype import check_extern
from .unify import NameBindings, UnifiedBindings, Unifier, declared_objects, inst_ident


class Explanations(Sequence[str]):
    """What `-v` prints: one line for each matching decision, made into text only when read
    (a composition of 100,000 imports makes as many decisions, which `-v` alone shows)."""

    def __init__(self) -> None:
        self._said: list[tuple[object, str, str]] = []  # (instance, import name, text)

    def add(self, inst: object, name: str, text: str) -> None:
        self._said.append((inst, name, text))

    def _line(self, said: tuple[object, str, str]) -> str:
        inst, name, text = said
        return f"{inst.name} ({inst.file.display}): import `{name}`: {text}"  # type: ignore[attr-defined]

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        if isinstance(i, slice):
            return [self._line(s) for s in self._said[i]]
        return self._line(self._said[i])

    def __len__(self) -> int:
        return len(self._said)

    def __iter__(self) -> Iterator[str]:
        return map(self._line, self._said)


class ComponentFile(Record):
    """A component the composition reads."""

    name: str  # unique short name: "root", a file stem, a config name
    path: Path
    loaded: Loaded
    origin: str  # "root", "dependency" (-d / definitions), "by name"
    # a config dependency's `import`: the output imports the component under this name
    # instead of embedding it
    import_name: str | None = None

    @property
    def imports(self) -> dict[str, T.Extern]:
        return self.loaded.scope.imports

    @property
    def exports(self) -> dict[str, T.Extern]:
        return self.loaded.scope.exports

    @property
    def display(self) -> str:
        # a WAC document's package by its key: versions of one package are files of one
        # name (`test/other/1.0.0.wat`, `test/other/2.0.0.wat`)
        return self.name if self.origin == "package" else self.path.name


class Plug(Record):
    """An import satisfied by another instance: by one of its exports, or by the instance."""

    instance: str
    export: str | None
    reason: Reason  # why this one: the rule, and the export's version when it differs

    @property
    def how(self) -> str:
        """The reason as `-v` says it ("exact name", "semver-compatible `x@1.2.0`", ...)."""
        return self.reason.text


class Host(Record):
    """An import left for the host (an import of the composed component)."""

    name: str  # the imported name; instance imports are merged later
    # an export of that import (a WAC document passing `i.f` of its import `i`): the import
    # is one the document declares, with its own type, so nothing is merged into it
    member: str | None = None


class Instance(Record):
    name: str
    file: ComponentFile
    index: int  # discovery order: the root is 0
    args: dict[str, Plug | Host] = field_(factory=dict)


class Problem(Record):
    message: str
    instance: str | None = None
    import_name: str | None = None
    provider: str | None = None  # the file (ComponentFile.name) whose export was rejected
    export: str | None = None


class TypeExport(Record):
    """An export of a type the composition defines itself (a WAC document's type statements:
    an interface, a world, a function or value type), in the document's context."""

    type: object


# The context of the types a composition declares itself (a WAC document's imports and type
# definitions), as an instance name is the context of a component's types.
DOCUMENT = "<document>"


class Plan(Record, mutable=True):
    """Everything the resolver decided; the encoder and the graph report read it.

    A plan from `-d`/config inputs has a root whose exports the output re-exports; a plan
    from a WAC document has no root, imports it declares with their types (`declared`, in
    the context DOCUMENT) and says what the output exports (`exports`: name -> a Plug of an
    instance or one of its exports, a Host import, or a TypeExport)."""

    root: Instance | None
    instances: dict[str, Instance]
    files: dict[str, ComponentFile]
    unused: list[Unused]  # dependencies that satisfy nothing, each with why
    problems: list[Problem]
    warnings: list[str]
    explanations: Sequence[str]
    files_read: list[Path]
    order: list[str] = field_(factory=list)  # instances, providers first
    unifier: Unifier | None = None
    host_imports: list = field_(factory=list)  # merge.HostImport, first-use order
    host_of: dict = field_(factory=dict)  # (instance, import name) -> merge.HostImport
    built_graph: object = None  # `graph`, once built
    # (instance, import) -> the dependencies that came close to it, and why they do not serve
    near: dict[tuple[str, str], list[NearMiss]] = field_(factory=dict)
    declared: dict = field_(factory=dict)  # import name -> T.Extern (a WAC document's imports)
    exports: list | None = None  # [(name, Plug | Host | TypeExport)]; None: the root's

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def graph(self) -> object:
        """The networkx graph of the wiring (graph.build_graph), built when first asked
        for: composing itself does not need it, and importing networkx costs a plain
        compose run a third of its time."""
        if self.built_graph is None:
            from .graph import build_graph

            self.built_graph = build_graph(self)
        return self.built_graph


def _file_names(directory: Path, name: str) -> list[Path]:
    try:
        shortened = directory / Path(name).with_suffix(".wasm")
    except ValueError:  # a name `with_suffix` cannot take (ending in a separator, say)
        return [directory / f"{name}.wasm"]
    return [shortened, directory / f"{name}.wasm"]


def _path(p: Path | str) -> Path:
    # Path(a Path) parses it again: tens of microseconds, over thousands of dependencies
    return p if isinstance(p, Path) else Path(p)


def _unique(name: str, taken: dict) -> str:
    """`name`, or `name-2`, `name-3`, ... whichever is not taken yet."""
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}-{n}", n + 1
    return unique


class Resolver:
    def __init__(
        self,
        root: Path,
        dependencies: list[Path],
        search_paths: list[Path],
        config: Config | None,
        disallow_imports: bool,
        validate: bool = True,
        plugs: dict[str, Path] | None = None,
    ) -> None:
        self.root_path = Path(root)
        self.plugs = dict(plugs or {})  # import name -> the file that must satisfy it
        self.plugs_used: set[str] = set()
        self.dep_paths = [_path(p) for p in dependencies]
        self.config = config or Config()
        self.search_paths = [Path(p) for p in search_paths]
        self.disallow = disallow_imports or self.config.disallow_imports
        self.validate = validate
        self.files: dict[str, ComponentFile] = {}
        self.by_path: dict[str, ComponentFile] = {}
        self.key_of: dict[int, str] = {}  # id(file) -> its resolved path, resolved once
        self.providers: list[ComponentFile] = []
        self.instances: dict[str, Instance] = {}
        self.instance_of_file: dict[str, str] = {}
        self.real_folders: dict[str, str] = {}  # folder -> it with links resolved (`_real`)
        self.type_cache = opened()  # of component types read before
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.explanations = Explanations()
        self.files_read: list[Path] = []
        self.queue: deque[str] = deque()
        self.tried: dict[str, list[Path]] = {}  # name looked for -> the paths tried
        self.near: dict[tuple[str, str], list[NearMiss]] = {}  # (instance, import) -> near misses

    # -- files ---------------------------------------------------------------------------

    def _file(self, path: Path, name: str, origin: str,
              import_name: str | None = None) -> ComponentFile:
        key = self._real(path)
        known = self.by_path.get(key)
        if known is not None:
            return known
        loaded = load_component(path, validate=self.validate, types_only=True,
                                cache=self.type_cache)
        self.files_read.append(path)
        f = ComponentFile(_unique(name, self.files), path, loaded, origin, import_name)
        self.files[f.name] = f
        self.by_path[key] = f
        self.key_of[id(f)] = key
        return f

    def _real(self, path: Path) -> str:
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
    def _search_dirs(self) -> list[Path]:
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

    def _find_file(self, name: str) -> Path | None:
        """A component file named after `name`, as wasm-tools compose looks for it; every
        path tried is recorded for `-v`."""
        root = self._real(self.root_path)
        tried = self.tried.setdefault(name, [])
        for d in self._search_dirs:
            # `a:b/c@1.0.0` is also looked for as `a:b/c@1.0.wasm` (the extension replaces
            # the last dot-part, as wasm-tools does), then as `a:b/c@1.0.0.wasm`.
            for candidate in dict.fromkeys(_file_names(d, name)):
                tried.append(candidate)
                try:
                    if candidate.is_file() and self._real(candidate) != root:
                        return candidate
                except OSError:  # a name no file system can hold (too long, say) is no file
                    continue
        return None

    def _named_file(self, dep_name: str) -> ComponentFile | None:
        dep = self.config.dependencies.get(dep_name)
        if dep is not None:
            return self._file(dep.path, dep_name, "by name", dep.import_name)
        found = self._find_file(dep_name)
        if found is None:
            return None
        stem = Path(dep_name).name.split("@")[0] or "dependency"
        return self._file(found, stem, "by name")

    # -- instances -----------------------------------------------------------------------

    def _instance(self, name: str, f: ComponentFile) -> Instance:
        inst = Instance(name, f, len(self.instances))
        self.instances[name] = inst
        self.queue.append(name)
        return inst

    def _instance_for_file(self, f: ComponentFile) -> Instance:
        """The shared instance of a dependency component."""
        existing = self.instance_of_file.get(self.key_of[id(f)])
        if existing is not None:
            return self.instances[existing]
        name = _unique(f.name, self.instances)
        inst = self._instance(name, f)
        self.instance_of_file[self.key_of[id(f)]] = name
        return inst

    def _named_instance(self, name: str) -> Instance | None:
        """The instance called `name`: a config instantiation or a dependency of that name."""
        if name in self.instances:
            return self.instances[name]
        cfg = self.config.instantiations.get(name)
        dep_name = cfg.dependency_name if cfg else name
        f = self._named_file(dep_name)
        if f is None:
            return None
        if cfg is None:
            return self._instance_for_file(f)
        return self._instance(name, f)

    # -- resolution ----------------------------------------------------------------------

    def _index_providers(self) -> None:
        """The dependencies' exports by name and by semver track, each list in the order
        the dependencies were given: what each import looks up, instead of a scan of every
        dependency per import (which made compositions of thousands quadratic)."""
        self.by_export: dict[str, list[ComponentFile]] = {}
        # track -> {provider's position: (provider, its export names on that track)}
        self.by_track: dict[str, dict[int, tuple[ComponentFile, list[str]]]] = {}
        for i, f in enumerate(self.providers):
            for name in f.exports:
                self.by_export.setdefault(name, []).append(f)
                track = self.by_track.setdefault(compatibility_key(name), {})
                track.setdefault(i, (f, []))[1].append(name)

    def resolve(self) -> Plan:
        root_file = self._file(self.root_path, "root", "root")
        seen = {id(root_file)}
        for path in [*self.dep_paths, *self.config.definitions, *self.plugs.values()]:
            f = self._file(path, path.stem, "dependency")
            if id(f) not in seen:
                seen.add(id(f))
                self.providers.append(f)
        self._index_providers()
        if self.config.path is not None:
            self.files_read.append(self.config.path)
        root = self._instance("root", root_file)
        self.instance_of_file[self.key_of[id(root_file)]] = "root"
        if not root_file.imports:
            self.problems.append(
                Problem(f"component `{root_file.display}` does not import any instances")
            )
        while self.queue:
            inst = self.instances[self.queue.popleft()]
            self._check_config_arguments(inst)
            for name, expected in inst.file.imports.items():
                self._resolve_import(inst, name, expected)
        for name in self.plugs.keys() - self.plugs_used:
            self.problems.append(Problem(f"--plug {name}={self.plugs[name]}: no component "
                                         f"imports `{name}`" + self._importers_like(name)))
        self._check_argument_counts()
        unused = [Unused(f, self._why_unused(f)) for f in self.providers
                  if self.key_of[id(f)] not in self.instance_of_file]
        self._finish(unused)
        plan = Plan(
            root=root,
            instances=self.instances,
            files=self.files,
            unused=unused,
            problems=self.problems,
            warnings=self.warnings,
            explanations=self.explanations,
            files_read=self.files_read,
            near=self.near,
        )
        if not self.problems:
            for (inst, imp), misses in self.near.items():
                self.warnings.append(f"`{imp}` (of {self.instances[inst].file.display}) is left "
                                     f"for the host, though {'; '.join(m.text for m in misses)}")
            for u in unused:
                self.warnings.append(f"dependency `{u.file.path}` satisfies no import; it is "
                                     "left out: " + "; ".join(u.reasons))
        return plan

    def _check_argument_counts(self) -> None:
        """Each instance of the output is given all its imports as instantiation arguments:
        wasmparser and wasmtime take at most 100,000."""
        from ..model.elaborate import MAX_INSTANTIATION_ARGS

        for inst in self.instances.values():
            count = len(inst.file.imports)
            if count > MAX_INSTANTIATION_ARGS:
                self.problems.append(Problem(
                    f"{inst.file.display} has {count:,} imports: instantiating it takes as many "
                    f"arguments, and an instantiation takes at most {MAX_INSTANTIATION_ARGS:,}",
                    inst.name))

    def _why_unused(self, f: ComponentFile) -> tuple[str, ...]:
        """Why a dependency satisfies nothing: its near misses, else what it offers."""
        whys = [m.why for misses in self.near.values() for m in misses if m.file is f]
        if whys:
            return tuple(dict.fromkeys(whys))
        # what it offers that was imported, but served by another dependency
        served = []
        for inst in self.instances.values():
            for name, arg in inst.args.items():
                if isinstance(arg, Plug) and (name in f.exports or any(
                        semver_compatible(name, e) for e in f.exports)):
                    other = self.instances[arg.instance].file.display
                    served.append(f"`{name}` is served by {other} ({arg.reason.text})")
        if served:
            return tuple(dict.fromkeys(served))
        offered = [f"`{e}`" for e in f.exports]
        if not offered:
            return ("it exports nothing",)
        listing = ", ".join(offered[:4]) + (f" and {len(offered) - 4} more" if len(offered) > 4 else "")
        return (f"nothing imports what it exports ({listing})",)

    def _check_config_arguments(self, inst: Instance) -> None:
        cfg = self.config.instantiations.get(inst.name)
        if cfg is None:
            return
        for arg_name in cfg.arguments:
            if arg_name not in inst.file.imports:
                self._problem(inst, arg_name,
                              f"component `{inst.file.display}` has no import named `{arg_name}`")

    def _explain(self, inst: Instance, name: str, text: str) -> None:
        self.explanations.add(inst, name, text)

    def _problem(self, inst: Instance, name: str, text: str, provider: str | None = None,
                 export: str | None = None) -> None:
        self.problems.append(Problem(text, inst.name, name, provider, export))
        self._explain(inst, name, f"error: {text}")

    def _resolve_import(self, inst: Instance, name: str, expected: T.Extern) -> None:
        if name in self.plugs:  # the command line's choice comes before the config's
            self._from_plug(inst, name, expected)
            return
        cfg = self.config.instantiations.get(inst.name)
        if cfg is not None and name in cfg.arguments:
            self._from_config(inst, name, expected, cfg.arguments[name])
            return
        sort = T.sort_of(expected)
        exact = [
            f for f in self.by_export.get(name, ())
            if f is not inst.file and T.sort_of(f.exports[name]) == sort
        ]
        if len(exact) > 1:
            self._first_given(inst, name, [(f, name) for f in exact])
        if exact:
            self._plug_export(inst, name, expected, exact[0], name, EXACT_NAME)
            return
        if sort == "instance":
            by_name = self._named_instance(name)
            if by_name is not None and by_name is not inst:
                self._plug_instance(inst, name, expected, by_name, BY_NAME)
                return
        compatible: list[tuple[ComponentFile, str]] = []
        for f, names in self.by_track.get(compatibility_key(name), {}).values():
            if f is inst.file:
                continue
            offers = [e for e in names
                      if T.sort_of(f.exports[e]) == sort and semver_compatible(name, e)]
            if offers:
                compatible.append((f, newest(offers)))
        if len(compatible) > 1:
            self._first_given(inst, name, compatible)
        if compatible:
            f, export = compatible[0]
            self._plug_export(inst, name, expected, f, export, Reason(Rule.SEMVER, export))
            return
        if sort == "instance" and self.disallow:
            self._problem(inst, name, f"a dependency named `{name}` could not be found and "
                                      "instance imports are not allowed")
            return
        inst.args[name] = Host(name)
        self._explain(inst, name, "no dependency offers it: left for the host")
        self._near_misses(inst, name, expected)

    def _first_given(self, inst: Instance, name: str, offers: list[tuple[ComponentFile, str]]) -> None:
        """Several dependencies offer `name`: the first given serves, as with wasm-tools
        compose (which takes the first `-d` exporting it); say so, and how to choose."""
        listing = " and ".join(f"{f.display}" + (f" (as `{e}`)" if e != name else "")
                               for f, e in offers)
        chosen = offers[0][0]
        self.warnings.append(f"{self._what(inst, name)} is offered by {listing}: {chosen.display}, "
                             f"the first given, serves it; choose with --plug {name}=FILE.wasm "
                             "(or a config `instantiations` argument)")

    def _from_plug(self, inst: Instance, name: str, expected: T.Extern) -> None:
        """`--plug NAME=FILE`: that file's export of `name`, or of a semver-compatible version."""
        self.plugs_used.add(name)
        f = self.by_path[self._real(self.plugs[name])]
        sort = T.sort_of(expected)
        if name in f.exports and T.sort_of(f.exports[name]) == sort:
            self._plug_export(inst, name, expected, f, name, PLUG)
            return
        offers = [e for e, t in f.exports.items() if T.sort_of(t) == sort and semver_compatible(name, e)]
        if offers:
            export = newest(offers)
            self._plug_export(inst, name, expected, f, export, Reason(Rule.PLUG, export))
            return
        exported = ", ".join(f"`{e}`" for e in f.exports) or "nothing"
        self._problem(inst, name, f"--plug {name}={self.plugs[name]}: {f.display} does not export "
                                  f"{T.a_sort(sort)} `{name}` or a semver-compatible version of it "
                                  f"(it exports {exported})")

    def _importers_like(self, name: str) -> str:
        """` (did you mean ...?)` naming an import of the composition close to `name`."""
        import difflib

        imported = {i for inst in self.instances.values() for i in inst.file.imports}
        close = difflib.get_close_matches(name, sorted(imported), n=1, cutoff=0.6)
        return f" (did you mean `{close[0]}`?)" if close else ""

    @cached_property
    def _near_index(self) -> object:
        from .diagnose import NearIndex

        return NearIndex([f.exports for f in self.providers])

    def _near_misses(self, inst: Instance, name: str, expected: T.Extern) -> None:
        """Say why each dependency that came close does not satisfy `name`, and where a file
        named after it was looked for."""
        from .diagnose import near_misses

        found: list[NearMiss] = []
        for d, names in (self._near_index.candidates(name) if self.providers else {}).items():
            f = self.providers[d]
            if f is not inst.file:
                nearby = {e: f.exports[e] for e in names}
                found += [NearMiss(f, why) for why in near_misses(name, expected, nearby)]
        if found:
            self.near[(inst.name, name)] = found
            for miss in found:
                self._explain(inst, name, f"  {miss.text}")
        tried = self.tried.get(name)
        if tried:
            self._explain(inst, name, "  looked for a file named after it: "
                                      + ", ".join(str(t) for t in tried) + " (none is a component)")

    def _plug_export(
        self, inst: Instance, name: str, expected: T.Extern, f: ComponentFile, export: str,
        reason: Reason,
    ) -> None:
        mismatch = check_extern(f.exports[export], expected, NameBindings())
        if mismatch:
            self._problem(inst, name, f"{self._what(inst, name)} from {f.display}: {mismatch}",
                          f.name, export)
            return
        provider = self._instance_for_file(f)
        inst.args[name] = Plug(provider.name, export, reason)
        self._explain(inst, name, f"satisfied by `{export}` of {provider.name} ({f.display}), "
                                  f"{reason.text}")

    def _what(self, inst: Instance, name: str) -> str:
        if inst.name == "root":
            return f"`{name}`"
        return f"`{name}` (imported by {inst.file.display})"

    def _plug_instance(
        self, inst: Instance, name: str, expected: T.Extern, provider: Instance, reason: Reason
    ) -> None:
        """Pass the provider instance itself if it fits, else its first fitting export."""
        f = provider.file
        whole = T.InstanceType(dict(f.exports))
        mismatch = check_extern(whole, expected, NameBindings())
        if mismatch is None:
            inst.args[name] = Plug(provider.name, None, reason)
            self._explain(inst, name, f"satisfied by instance {provider.name} ({f.display}), "
                                      f"{reason.text}")
            return
        for export, t in f.exports.items():
            if isinstance(t, T.InstanceType) and check_extern(t, expected, NameBindings()) is None:
                inst.args[name] = Plug(provider.name, export, reason)
                self._explain(
                    inst, name,
                    f"satisfied by export `{export}` of {provider.name} ({f.display}), "
                    f"{reason.text}",
                )
                return
        self._problem(inst, name, f"component `{f.display}` is not compatible with import `{name}` "
                                  f"of component `{inst.file.display}`: {mismatch}")

    def _from_config(self, inst: Instance, name: str, expected: T.Extern, arg: Argument) -> None:
        provider = self._named_instance(arg.instance)
        if provider is None:
            import difflib

            known = [*self.config.dependencies, *self.config.instantiations, *self.instances]
            close = difflib.get_close_matches(arg.instance, known, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            where = self.config.where("instantiations", inst.name, "arguments", name)
            tried = ", ".join(str(t) for t in self.tried.get(arg.instance, []))
            self._problem(inst, name, f"{where}: argument `{name}` of instantiation `{inst.name}` "
                                      f"names the instance `{arg.instance}`, which is neither a "
                                      f"dependency nor an instantiation of the config, nor a "
                                      f"component file found by that name ({tried}){hint}")
            return
        if arg.export is None:
            self._plug_instance(inst, name, expected, provider, CONFIG)
            return
        f = provider.file
        actual = f.exports.get(arg.export)
        sort = T.sort_of(expected)
        if actual is None:
            self._problem(inst, name, f"component `{f.display}` does not export "
                                      f"{T.a_sort(sort)} named `{arg.export}`")
            return
        if T.sort_of(actual) != sort:
            self._problem(inst, name, f"component `{f.display}` exports `{arg.export}` as "
                                      f"{T.a_sort(T.sort_of(actual))}, not as {T.a_sort(sort)}")
            return
        mismatch = check_extern(actual, expected, NameBindings())
        if mismatch:
            self._problem(inst, name, f"component `{f.display}` exports {T.a_sort(T.sort_of(actual))} named `{arg.export}` "
                                      f"but it is not compatible with import `{name}` of component "
                                      f"`{inst.file.display}`: {mismatch}")
            return
        inst.args[name] = Plug(provider.name, arg.export, CONFIG)
        self._explain(inst, name, f"config: export `{arg.export}` of {provider.name} ({f.display})")

    def _finish(self, unused: list[Unused]) -> None:
        plugged = any(isinstance(a, Plug) for i in self.instances.values() for a in i.args.values())
        root = self.instances["root"]
        if root.file.imports and not plugged and not self.problems:
            message = f"no dependencies of component `{root.file.display}` were found"
            reasons = [f"{u.file.display}: {why}" for u in unused for why in u.reasons]
            if reasons:
                message += ": " + "; ".join(reasons)
            elif not self.providers:
                message += " (none was given: -d DEP.wasm, or a config)"
            self.problems.append(Problem(message))


def resolve(
    root: Path | str,
    dependencies: list[Path | str],
    search_paths: list[Path | str],
    config: Config | None,
    disallow_imports: bool,
    validate: bool = True,
    plugs: Mapping[str, Path | str] | None = None,
) -> Plan:
    """Decide the wiring, then link it (see the module docstring). Every component read is
    validated first, unless `validate` is False."""
    resolver = Resolver(
        Path(root),
        [_path(d) for d in dependencies],
        [Path(p) for p in search_paths],
        config,
        disallow_imports,
        validate,
        {name: Path(path) for name, path in (plugs or {}).items()},
    )
    plan = resolver.resolve()
    if plan.ok:
        link(plan)
    return plan


# -- phase two: link ---------------------------------------------------------------------


def provider_order(plan: Plan) -> list[str] | None:
    """Instances with every provider before its users, the earliest found first among those
    ready; None (and a problem) on a cycle."""
    from .order import first_ready_order

    names = sorted(plan.instances, key=lambda n: plan.instances[n].index)
    needs = {name: [a.instance for a in inst.args.values() if isinstance(a, Plug)]
             for name, inst in plan.instances.items()}
    order, stuck = first_ready_order(names, needs)
    if not stuck:
        return order
    # a cycle: rare, so networkx (which names one) is imported only here
    import networkx as nx

    g = nx.DiGraph()
    for inst in plan.instances.values():
        g.add_node(inst.name)
        for arg in inst.args.values():
            if isinstance(arg, Plug):
                g.add_edge(arg.instance, inst.name)
    cycle = nx.find_cycle(g)
    names = [a for a, _ in cycle] + [cycle[0][0]]
    shown = " -> ".join(f"{n} ({plan.instances[n].file.display})" for n in reversed(names))
    plan.problems.append(Problem(f"instances form a cycle: {shown}"))
    return None


def link(plan: Plan) -> None:
    """Merge what is left for the host, unite resource identities across the wiring and
    re-check it exactly, then check the merged host imports."""
    from .merge import check_host_imports, merge_host_imports

    order = provider_order(plan)
    if order is None:
        return
    plan.order = order
    u = Unifier()
    plan.unifier = u
    # Where each instance's exported resources and type names can be named from.
    for inst in plan.instances.values():
        for export, ext in inst.file.exports.items():
            for member, obj in declared_objects(ext):
                u.set_owner(inst_ident(inst.name, obj), ("export", inst.name, export, member))
            if isinstance(ext, (T.ResourceType, T.NamedType)):
                u.set_owner(inst_ident(inst.name, ext), ("export", inst.name, None, export))
    merge_host_imports(plan)
    for name in order:
        inst = plan.instances[name]
        for imp, expected in inst.file.imports.items():
            arg = inst.args.get(imp)
            if isinstance(arg, Plug):
                provider = plan.instances[arg.instance]
                actual = (
                    T.InstanceType(dict(provider.file.exports))
                    if arg.export is None
                    else provider.file.exports[arg.export]
                )
                mismatch = check_extern(actual, expected, UnifiedBindings(u, provider.name, inst.name))
                if mismatch:
                    what = f"`{imp}`" if name == "root" else f"`{imp}` (imported by {inst.file.display})"
                    plan.problems.append(
                        Problem(f"{what} from {provider.file.display}: {mismatch}", name, imp)
                    )
    check_host_imports(plan)
    _check_root_exports(plan)


def _check_root_exports(plan: Plan) -> None:
    """The output re-exports the root's exports, so the resources, records, variants, enums
    and flags their types use need names in the output too (Explainer.md, External
    Visibility of Types): the output names what the root leaves for the host and what the
    root's exports declare, not what a dependency provides the root."""
    from ..model.elaborate import declared_names, visibility_problem

    root = plan.root
    if root is None or not any(isinstance(arg, Plug) for arg in root.args.values()):
        return  # every import stays an import: the root's exports are valid as they are
    named: set[int] = set()
    for imp, ext in root.file.imports.items():
        if isinstance(root.args.get(imp), Host):
            named |= set(declared_names(ext))
    for name, ext in root.file.exports.items():
        declared = declared_names(ext)
        problem = visibility_problem(ext, declared, named, importing=False)
        if problem:
            plan.problems.append(Problem(
                f"the root's export `{name}` cannot be an export of the composed component: "
                f"{problem} (a dependency provides it to the root)", "root", None,
            ))
        named |= set(declared)


