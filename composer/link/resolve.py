"""The `-d` resolver: which export satisfies which import, decided for the composition graph
(`composition.CompositionGraph`) it builds. The YAML config and `--plug` (of `compose` and
`plug`) are its inputs too.

Starting from the root, every import of every instance is resolved, in this order:

0. `--plug IMPORT=FILE`: that file's export of the import (or of a semver-compatible version);
1. an explicit argument of the config (`instantiations: NAME: arguments:`);
2. an export of a dependency (`-d`, `definitions`) with the import's exact name and sort;
3. a dependency found by the import's name (`locate.py`): a config
   `instantiations`/`dependencies` entry of that name, or a file named after it in the
   config's directory, the root's directory or a search path (as `wasm-tools compose` finds
   them); the dependency instance itself, or else its first exported instance whose type
   fits, is passed;
4. an export of a dependency on a semver-compatible track (`@0.2.0` ~ `@0.2.12`, `@1.0.0` ~
   `@1.4.1`), the highest version offered;
5. an import `--virtualize PATTERN` names, weighed with the policy's other rules
   (`adapters.entrypoints.virtualizing`): a deny
   adapter generated for it (`adapters.deny_adapter`), plugged as a dependency would be
   (its own imports, the interfaces whose types it uses, resolved in turn);
6. otherwise the import is left for the host.

Dependencies satisfy the imports of the root and of each other, whatever order they were
given in; each dependency component is instantiated once and shared by every import it
satisfies. Each connection is type-checked when it is set (`CompositionGraph.set_argument`,
resources that come from imports compared by interface and name); a rejection names the
import, the dependency and the path to the mismatch. Each plug carries the rule that chose it
(`reasons.py`). Linking (`linking.py`) then checks the wiring again exactly. Problems are
collected rather than raised, so that `compose graph` can draw a failed composition.
"""

from __future__ import annotations

import shlex
from collections import deque
from functools import cached_property
from pathlib import Path
from typing import Mapping

from ..model import types as T
from ..model.names import compatibility_key, newest, semver_compatible
from .composition import CompositionGraph
from .config import Argument, Config
from .locate import ComponentFiles
from .policy import Policy, policy_of
from .reasons import BY_NAME, CONFIG, EXACT_NAME, PLUG, VIRTUALIZE, NearMiss, Reason, Rule, Unused
from .wiring import ComponentFile, Instance, Plug, Problem


def _path(p: Path | str) -> Path:
    # Path(a Path) parses it again: tens of microseconds, over thousands of dependencies
    return p if isinstance(p, Path) else Path(p)


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
        virtualize: tuple[str, ...] = (),
        policy: Policy | None = None,
    ) -> None:
        self.root_path = Path(root)
        # the --virtualize patterns weighed with the rest of the policy (a more specific
        # --allow or --deny keeps an import from its adapter), None without patterns
        self.virtualize = ((policy or Policy()) + policy_of(virtualize=tuple(virtualize))
                           if virtualize else None)
        self.adapters: dict[str, ComponentFile] = {}  # interface name -> its deny adapter
        # an adapter's name -> the names of the component it was made for: a scoped pattern
        # (`--virtualize app.wasm=wasi:sockets/*`) virtualizes its imports too, so that the
        # types they share with that component's are the same adapter's
        self.made_for: dict[str, tuple[str, ...]] = {}
        self.plugs = dict(plugs or {})  # import name -> the file that must satisfy it
        self.plugs_used: set[str] = set()
        self.dep_paths = [_path(p) for p in dependencies]
        self.config = config or Config()
        self.disallow = disallow_imports or self.config.disallow_imports
        self.graph = CompositionGraph()
        self.files = ComponentFiles(self.graph, self.root_path, [Path(p) for p in search_paths],
                                    self.config, validate)
        self.providers: list[ComponentFile] = []
        self.root_given: Path | None = None  # the root given as a dependency too
        self.instance_of_file: dict[str, str] = {}  # a file's real path -> its shared instance
        self.queue: deque[str] = deque()

    # -- instances -----------------------------------------------------------------------

    def _instance(self, name: str | None, f: ComponentFile) -> Instance:
        inst = self.graph.instantiate(f, name)
        self.queue.append(inst.name)
        return inst

    def _instance_for_file(self, f: ComponentFile) -> Instance:
        """The shared instance of a dependency component."""
        key = self.files.key(f)
        existing = self.instance_of_file.get(key)
        if existing is not None:
            return self.graph.instances[existing]
        inst = self._instance(None, f)
        self.instance_of_file[key] = inst.name
        return inst

    def _named_instance(self, name: str) -> Instance | None:
        """The instance called `name`: a config instantiation or a dependency of that name."""
        if name in self.graph.instances:
            return self.graph.instances[name]
        cfg = self.config.instantiations.get(name)
        dep_name = cfg.dependency_name if cfg else name
        f = self.files.named(dep_name)
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

    def resolve(self) -> CompositionGraph:
        graph = self.graph
        root_file = self.files.read(self.root_path, "root", "root")
        seen = {id(root_file)}
        for path in [*self.dep_paths, *self.config.definitions, *self.plugs.values()]:
            f = self.files.read(path, path.stem, "dependency")
            if f is root_file:  # left out: said when nothing else is given
                self.root_given = path
            elif id(f) not in seen:
                seen.add(id(f))
                self.providers.append(f)
        self._index_providers()
        if self.config.path is not None:
            graph.files_read.append(self.config.path)
        root = self._instance("root", root_file)
        graph.export_all(root)
        self.instance_of_file[self.files.key(root_file)] = "root"
        if not root_file.imports:
            graph.problems.append(
                Problem(f"component `{root_file.display}` does not import any instances",
                        hint=self._swapped(root_file)))
        while self.queue:
            inst = graph.instances[self.queue.popleft()]
            self._check_config_arguments(inst)
            for name, expected in inst.file.imports.items():
                self._resolve_import(inst, name, expected)
        for name in self.plugs.keys() - self.plugs_used:
            graph.problems.append(Problem(f"--plug {name}={self.plugs[name]}: no component "
                                          f"imports `{name}`" + self._importers_like(name)))
        self._check_argument_counts()
        graph.unused = [Unused(f, self._why_unused(f)) for f in self.providers
                        if self.files.key(f) not in self.instance_of_file]
        # the warnings are printed and reported whatever fails (a user fixing one error
        # should not meet the next only on the rerun), but not twice: "no dependencies were
        # found" already gives each dependency's reasons, and a root importing nothing leaves
        # every dependency unused
        if not self._finish(graph.unused) and root_file.imports:
            for (inst_name, imp), misses in graph.near.items():
                graph.warnings.append(
                    f"`{imp}` (of {graph.instances[inst_name].file.display}) is left for the "
                    f"host, though {'; '.join(m.text for m in misses)}")
            rejected = {p.provider for p in graph.problems}  # the error says why, not "unused"
            for u in graph.unused:
                if u.file.name in rejected:
                    continue
                graph.warnings.append(f"dependency `{u.file.path}` satisfies no import; it is "
                                      "left out: " + "; ".join(u.reasons))
        return graph

    def _swapped(self, root: ComponentFile) -> str | None:
        """A root importing nothing, given a dependency that imports what the root exports:
        the two were given the wrong way round."""
        for f in self.providers:
            if any(name in root.exports or any(semver_compatible(name, e) for e in root.exports)
                   for name in f.imports):
                others = [shlex.quote(str(p)) for p in self.dep_paths if p != f.path]
                command = " ".join(["compose", shlex.quote(str(f.path)),
                                    *(f"-d {p}" for p in [shlex.quote(str(root.path)), *others])])
                return (f"{f.display} imports what {root.display} exports: did you mean "
                        f"{command}?")
        return None

    def _check_argument_counts(self) -> None:
        """Each instance of the output is given all its imports as instantiation arguments:
        wasmparser and wasmtime take at most 100,000."""
        from ..model.limits import MAX_INSTANTIATION_ARGS

        for inst in self.graph.instances.values():
            count = len(inst.file.imports)
            if count > MAX_INSTANTIATION_ARGS:
                self.graph.problems.append(Problem(
                    f"{inst.file.display} has {count:,} imports: instantiating it takes as many "
                    f"arguments, and an instantiation takes at most {MAX_INSTANTIATION_ARGS:,}",
                    inst.name))

    def _why_unused(self, f: ComponentFile) -> tuple[str, ...]:
        """Why a dependency satisfies nothing: its near misses, else what it offers."""
        whys = [m.why for misses in self.graph.near.values() for m in misses if m.file is f]
        if whys:
            return tuple(dict.fromkeys(whys))
        # what it offers that was imported, but served by another dependency
        served = []
        for inst in self.graph.instances.values():
            for name, arg in inst.args.items():
                if isinstance(arg, Plug) and (name in f.exports or any(
                        semver_compatible(name, e) for e in f.exports)):
                    other = self.graph.instances[arg.instance].file.display
                    served.append(f"`{name}` is served by {other} ({arg.reason.text})")
        if served:
            return tuple(dict.fromkeys(served))
        from ..text.wit.decode import is_wit_package

        if is_wit_package(f.loaded.scope):
            return ("it is a WIT package (types only, no implementation), not a component "
                    "that can satisfy imports",)
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
        self.graph.explanations.add(inst, name, text)

    def _problem(self, inst: Instance, name: str, text: str, provider: str | None = None,
                 export: str | None = None) -> None:
        self.graph.problems.append(Problem(text, inst.name, name, provider, export))
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
        if sort == "instance" and self.virtualize is not None and self._virtualized(inst, name, expected):
            return
        if sort == "instance" and self.disallow:
            self._problem(inst, name, f"a dependency named `{name}` could not be found and "
                                      "instance imports are not allowed")
            return
        self.graph.leave_to_host(inst, name)
        self._explain(inst, name, "no dependency offers it: left for the host")
        self._near_misses(inst, name, expected)

    def _virtualized(self, inst: Instance, name: str, expected: T.Extern) -> bool:
        """Plug a deny adapter into `name` if a `--virtualize` pattern names it (True)."""
        from .adapters import deny_adapter
        from .adapters.entrypoints import virtualizing

        names = self.made_for.get(inst.file.name,
                                  (inst.name, inst.file.display, inst.file.path.name))
        assert self.virtualize is not None
        rule = virtualizing(self.virtualize, name, names)
        if rule is None:
            return False
        chosen = rule.text
        f = self.adapters.get(name)
        if f is None:
            from ..errors import ComposerError
            from ..model.load import load_bytes

            try:
                adapter = deny_adapter(name, expected, inst.file.imports)  # type: ignore[arg-type]
                loaded = load_bytes(adapter.data, f"<deny adapter of {name}>")
            except ComposerError as exc:
                self._problem(inst, name, f"--virtualize {chosen}: no deny adapter for "
                                          f"`{name}`: {exc}")
                return True
            f = self.adapters[name] = self.graph.add_component(
                loaded, "deny-" + name.split("/")[-1].split("@")[0], origin="virtualized")
            self.made_for[f.name] = names
            self.files.key_of[id(f)] = f"<virtualized {name}>"
        self._plug_export(inst, name, expected, f, name, VIRTUALIZE)
        self._explain(inst, name, f"  a deny adapter, as --virtualize {chosen} asks")
        return True

    def _first_given(self, inst: Instance, name: str, offers: list[tuple[ComponentFile, str]]) -> None:
        """Several dependencies offer `name`: the first given serves, as with wasm-tools
        compose (which takes the first `-d` exporting it); say so, and how to choose."""
        listing = " and ".join(f"{f.display}" + (f" (as `{e}`)" if e != name else "")
                               for f, e in offers)
        chosen = offers[0][0]
        self.graph.warnings.append(f"{self._what(inst, name)} is offered by {listing}: {chosen.display}, "
                             f"the first given, serves it; choose with --plug {name}=FILE.wasm "
                             "(or a config `instantiations` argument)")

    def _from_plug(self, inst: Instance, name: str, expected: T.Extern) -> None:
        """`--plug NAME=FILE`: that file's export of `name`, or of a semver-compatible version."""
        self.plugs_used.add(name)
        f = self.files.by_path[self.files.real(self.plugs[name])]
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

        imported = {i for inst in self.graph.instances.values() for i in inst.file.imports}
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
            self.graph.near[(inst.name, name)] = found
            for miss in found:
                self._explain(inst, name, f"  {miss.text}")
        tried = self.files.tried.get(name)
        if tried:
            self._explain(inst, name, "  looked for a file named after it: "
                                      + ", ".join(str(t) for t in tried) + " (none is a component)")

    def _plug_export(
        self, inst: Instance, name: str, expected: T.Extern, f: ComponentFile, export: str,
        reason: Reason,
    ) -> None:
        # checked before the dependency is instantiated: one refused is not
        mismatch = self.graph.check_argument(inst, name, f.exports[export])
        if mismatch:
            self._problem(inst, name, f"{self._what(inst, name)} from {f.display}: {mismatch}",
                          f.name, export)
            return
        provider = self._instance_for_file(f)
        self.graph.set_argument(inst, name, self.graph.alias(provider, export), reason)
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
        mismatch = self.graph.set_argument(inst, name, provider, reason)
        if mismatch is None:
            self._explain(inst, name, f"satisfied by instance {provider.name} ({f.display}), "
                                      f"{reason.text}")
            return
        for export, t in f.exports.items():
            if isinstance(t, T.InstanceType) and self.graph.set_argument(
                    inst, name, self.graph.alias(provider, export), reason) is None:
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

            known = [*self.config.dependencies, *self.config.instantiations, *self.graph.instances]
            close = difflib.get_close_matches(arg.instance, known, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            where = self.config.where("instantiations", inst.name, "arguments", name)
            tried = ", ".join(str(t) for t in self.files.tried.get(arg.instance, []))
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
        mismatch = self.graph.set_argument(inst, name, self.graph.alias(provider, arg.export),
                                           CONFIG)
        if mismatch:
            self._problem(inst, name, f"component `{f.display}` exports {T.a_sort(T.sort_of(actual))} named `{arg.export}` "
                                      f"but it is not compatible with import `{name}` of component "
                                      f"`{inst.file.display}`: {mismatch}")
            return
        self._explain(inst, name, f"config: export `{arg.export}` of {provider.name} ({f.display})")

    def _finish(self, unused: list[Unused]) -> bool:
        """The root imports things, yet no dependency satisfies any: one problem saying why
        for each dependency given (True when it is added)."""
        plugged = any(isinstance(a, Plug) for i in self.graph.instances.values() for a in i.args.values())
        root = self.graph.root
        if root.file.imports and not plugged and not self.graph.problems:
            message = f"no dependencies of component `{root.file.display}` were found"
            reasons = [f"{u.file.display}: {why}" for u in unused for why in u.reasons]
            if reasons:
                message += ": " + "; ".join(reasons)
            elif not self.providers and self.root_given is not None:
                message += (f": it was given as a dependency too ({self.root_given}), and a "
                            "component cannot satisfy its own imports; give the components "
                            "that export what it imports with -d DEP.wasm")
            elif not self.providers:
                message += " (none was given: -d DEP.wasm, or a config)"
            self.graph.problems.append(Problem(message))
            return True
        return False


def resolve(
    root: Path | str,
    dependencies: list[Path | str],
    search_paths: list[Path | str],
    config: Config | None,
    disallow_imports: bool,
    validate: bool = True,
    plugs: Mapping[str, Path | str] | None = None,
    virtualize: tuple[str, ...] = (),
    policy: Policy | None = None,
) -> CompositionGraph:
    """Decide the wiring (see the module docstring): the composition graph, problems
    included, to link. Every component read is validated first, unless `validate` is False."""
    resolver = Resolver(
        Path(root),
        [_path(d) for d in dependencies],
        [Path(p) for p in search_paths],
        config,
        disallow_imports,
        validate,
        {name: Path(path) for name, path in (plugs or {}).items()},
        tuple(virtualize),
        policy,
    )
    return resolver.resolve()
