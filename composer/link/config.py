"""The composition config: the YAML format of `wasm-tools compose -c`.

    search-paths: [dir, ...]          # where dependencies are looked for by import name
    skip-validation: false
    import-components: false          # import the components instead of embedding them
    disallow-imports: false           # every instance import must be satisfied
    definitions: [a.wasm, ...]        # like -d
    dependencies:                     # name -> component file (a string or {path, import})
      a: a.wasm
      b: {path: b.wasm}
    instantiations:                   # name -> how to instantiate it; `root` is the root
      root:
        arguments:
          some-import: instance-name                      # pass that instance
          other-import: {instance: name, export: x}      # pass one of its exports
      b1:
        dependency: b                 # defaults to the instantiation's own name
    policy:                           # compose's own: capability rules (policy.py), as
      deny: [wasi:sockets/*]          #   --deny and --allow give them
      allow: [ops.wasm=wasi:sockets/ip-name-lookup]

Paths are relative to the config file's directory. Unknown keys are errors, as in wasm-tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ComposerError
from ..record import Record, field_
from .policy import PatternError, Policy, Verdict, parse_rule


class ConfigError(ComposerError):
    pass


class Dependency(Record):
    name: str
    path: Path
    import_name: str | None = None  # import the component under this name instead of embedding


class Argument(Record):
    instance: str
    export: str | None = None


class Instantiation(Record):
    name: str
    dependency: str | None = None  # None: the dependency named like the instantiation
    arguments: dict[str, Argument] = field_(factory=dict)

    @property
    def dependency_name(self) -> str:
        return self.dependency or self.name


class Config(Record):
    path: Path | None = None
    search_paths: tuple[Path, ...] = ()
    skip_validation: bool = False
    import_components: bool = False
    disallow_imports: bool = False
    definitions: tuple[Path, ...] = ()
    dependencies: dict[str, Dependency] = field_(factory=dict)
    instantiations: dict[str, Instantiation] = field_(factory=dict)
    policy: Policy = Policy()  # `policy:`, rules kept in the order written
    # the line each entry starts on, by its keys: ("dependencies", "a"),
    # ("instantiations", "root", "arguments", "x:y/z"), ...
    lines: dict[tuple[str, ...], int] = field_(factory=dict)

    @property
    def dir(self) -> Path | None:
        return self.path.parent if self.path else None

    def where(self, *keys: str) -> str:
        """`compose.yml:7` for the entry at `keys` (the file alone if it has no line)."""
        line = self.lines.get(keys)
        return f"{self.path}:{line}" if line else str(self.path)


_TOP_KEYS = {
    "search-paths", "skip-validation", "import-components", "disallow-imports",
    "definitions", "dependencies", "instantiations", "policy",
}
_POLICY_KEYS = {"deny", "allow"}


def load_config(path: Path | str) -> Config:
    """Read and check a config file; every problem names the file and the key."""
    path = Path(path)
    from ..files import read_input  # bounded: a FIFO or an endless stream too

    try:
        text = read_input(path, "config").decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", file=str(path)) from None
    import yaml  # only compositions with a config pay for PyYAML

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"invalid YAML{where}: {problem}", file=str(path)) from None
    try:
        config = parse_config(data if data is not None else {}, path)
    except ConfigError as exc:
        raise exc.with_file(str(path)) from None
    config = config.replace(lines=_lines(yaml.compose(text)))
    if config.policy:  # each rule's origin: where its list is
        config = config.replace(policy=Policy(tuple(
            r.replace(origin=config.where("policy", r.verdict.value)) for r in config.policy.rules)))
    _check_files(config)
    return config


def _lines(node: Any, keys: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """The line (1-based) of each mapping key, by its path of keys."""
    import yaml

    out: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*keys, str(key.value))
            out[path] = key.start_mark.line + 1
            out.update(_lines(value, path))
    return out


def _check_files(config: Config) -> None:
    """A dependency the config names by path must be there."""
    for dep in config.dependencies.values():
        if not dep.path.exists():
            raise ConfigError(f"dependency `{dep.name}` names {dep.path}, which does not exist",
                              file=config.where("dependencies", dep.name))
    for path in config.definitions:
        if not path.exists():
            raise ConfigError(f"`definitions` names {path}, which does not exist",
                              file=config.where("definitions"))


def parse_config(data: Any, path: Path) -> Config:
    base = path.parent
    top = _mapping(data, "the config")
    _known_keys(top, _TOP_KEYS, "the config")
    deps = {
        name: _dependency(name, value, base)
        for name, value in _mapping(top.get("dependencies", {}), "dependencies").items()
    }
    insts = {
        name: _instantiation(name, value)
        for name, value in _mapping(top.get("instantiations", {}), "instantiations").items()
    }
    return Config(
        path=path,
        search_paths=tuple(base / _str(p, "search-paths entry") for p in _list(top, "search-paths")),
        skip_validation=_bool(top, "skip-validation"),
        import_components=_bool(top, "import-components"),
        disallow_imports=_bool(top, "disallow-imports"),
        definitions=tuple(base / _str(p, "definitions entry") for p in _list(top, "definitions")),
        dependencies=deps,
        instantiations=insts,
        policy=_policy(top.get("policy")),
    )


def _policy(value: Any) -> Policy:
    """`policy: {deny: [PATTERN, ...], allow: [...]}`."""
    if value is None:
        return Policy()
    m = _mapping(value, "`policy`")
    _known_keys(m, _POLICY_KEYS, "`policy`")
    rules = []
    for verdict in (Verdict.DENY, Verdict.ALLOW):
        key = verdict.value
        for text in _list(m, key, f"policy.{key}"):
            where = f"`policy.{key}` entry"
            text = _str(text, where)
            try:
                rules.append(parse_rule(verdict, text, ""))
            except PatternError as exc:
                raise ConfigError(f"{where} `{text}`: {exc}") from None
    return Policy(tuple(rules))


def _dependency(name: str, value: Any, base: Path) -> Dependency:
    where = f"dependency `{name}`"
    if isinstance(value, str):
        return Dependency(str(name), base / value)
    m = _mapping(value, where)
    _known_keys(m, {"path", "import"}, where)
    if "path" not in m:
        raise ConfigError(f"{where} has no `path`")
    imp = m.get("import")
    return Dependency(str(name), base / _str(m["path"], f"{where} path"),
                      None if imp is None else _str(imp, f"{where} import"))


def _instantiation(name: str, value: Any) -> Instantiation:
    where = f"instantiation `{name}`"
    m = _mapping(value if value is not None else {}, where)
    _known_keys(m, {"dependency", "arguments"}, where)
    dep = m.get("dependency")
    args: dict[str, Argument] = {}
    for arg_name, arg in _mapping(m.get("arguments", {}) or {}, f"{where} arguments").items():
        arg_where = f"argument `{arg_name}` of {where}"
        if isinstance(arg, str):
            args[str(arg_name)] = Argument(arg)
            continue
        am = _mapping(arg, arg_where)
        _known_keys(am, {"instance", "export"}, arg_where)
        if "instance" not in am:
            raise ConfigError(f"{arg_where} has no `instance`")
        export = am.get("export")
        args[str(arg_name)] = Argument(
            _str(am["instance"], f"{arg_where} instance"),
            None if export is None else _str(export, f"{arg_where} export"),
        )
    return Instantiation(str(name), None if dep is None else _str(dep, f"{where} dependency"), args)


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping, found {type(value).__name__}")
    return value


def _known_keys(m: dict, known: set[str], where: str) -> None:
    for key in m:
        if key not in known:
            hint = ", ".join(sorted(known))
            raise ConfigError(f"unknown key `{key}` in {where} (known keys: {hint})")


def _list(top: dict, key: str, shown: str | None = None) -> list:
    value = top.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"`{shown or key}` must be a list")
    return value


def _bool(top: dict, key: str) -> bool:
    value = top.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string")
    return value
