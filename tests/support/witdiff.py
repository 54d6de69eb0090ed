"""What `wasm-tools component wit` says about a component, summarised: per imported or
exported interface, its functions with signatures and its type names, as
{(direction, name): {"funcs": {member: signature}, "types": {type names}}}. Tests use it to
check other views of a component (the JSON of `compose inspect --json`) against the oracle.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^(import|export) ([^:\s]+(?::[^\s:]+)*?)(?:: (interface \{|interface \{\}|func.*;|.*))?;?$")
_FUNC = re.compile(r"^(%?[\w-]+): (static )?((?:async )?func\(.*\)(?: -> .*)?);$")
_CTOR = re.compile(r"^constructor(\(.*\)(?: -> .*)?);$")
_TYPEDEF = re.compile(r"^(record|variant|enum|flags|resource|type) (%?[\w-]+)")
_USE = re.compile(r"^use (\S+)\.\{(.*)\};$")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("%", "")).strip()


def _body(lines: list[str], i: int) -> tuple[dict, int]:
    """Parse an interface body starting after its `{`; returns (summary, index after `}`)."""
    funcs: dict[str, str] = {}
    types: set[str] = set()
    resource: str | None = None
    depth = 1
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("//"):
            continue
        if line == "}" or line == "};":
            depth -= 1
            if resource is not None and depth == 1:
                resource = None
                continue
            if depth == 0:
                break
            continue
        if resource is not None:
            m = _CTOR.match(line)
            if m:
                funcs[f"[constructor]{resource}"] = _norm("constructor" + m.group(1))
                continue
            m = _FUNC.match(line)
            if m:
                name = _norm(m.group(1))
                kind = "static" if m.group(2) else "method"
                funcs[f"[{kind}]{resource}.{name}"] = _norm(m.group(3))
            continue
        m = _USE.match(line)
        if m:
            for item in m.group(2).split(","):
                local = item.split(" as ")[-1]
                types.add(_norm(local))
            continue
        m = _TYPEDEF.match(line)
        if m:
            kind, name = m.group(1), _norm(m.group(2))
            types.add(name)
            if line.endswith("{"):
                if kind == "resource":
                    resource = name
                depth += 1
            continue
        m = _FUNC.match(line)
        if m:
            funcs[_norm(m.group(1))] = _norm(m.group(3))
    return {"funcs": funcs, "types": types}, i


def summarize_wasm_tools(text: str) -> dict:
    lines = text.splitlines()
    packages: dict[str, dict] = {}  # "ns:pkg/iface@ver" -> summary
    world: list[tuple[str, str]] = []
    inline: dict = {}
    i = 0
    package: tuple[str, str | None] | None = None
    in_world = False
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        i += 1
        m = re.match(r"^package ([\w:-]+?)(?:@(\S+))? \{$", line)
        if m:
            package = (m.group(1), m.group(2))
            continue
        m = re.match(r"^world \S+ \{$", line)
        if m:
            in_world = True
            continue
        m = re.match(r"^interface (%?[\w-]+) \{$", line)
        if m and package is not None:
            summary, i = _body(lines, i)
            ver = f"@{package[1]}" if package[1] else ""
            packages[f"{package[0]}/{_norm(m.group(1))}{ver}"] = summary
            continue
        if in_world:
            if line == "}":
                in_world = False
                continue
            m = re.match(r"^(import|export) (.+?): interface \{$", line)
            if m:
                inline[(m.group(1), _norm(m.group(2)))], i = _body(lines, i)
                continue
            m = re.match(r"^(import|export) (.+?): (interface \{\})$", line)
            if m:
                inline[(m.group(1), _norm(m.group(2)))] = {"funcs": {}, "types": set()}
                continue
            m = re.match(r"^(import|export) (%?[\w-]+): ((?:async )?func\(.*\)(?: -> .*)?);$", line)
            if m:
                w = inline.setdefault((m.group(1), ""), {"funcs": {}, "types": set()})
                w["funcs"][_norm(m.group(2))] = _norm(m.group(3))
                continue
            m = re.match(r"^(import|export) ([^\s;]+);$", line)
            if m:
                world.append((m.group(1), m.group(2)))
    out = dict(inline)
    for direction, name in world:
        out[(direction, name)] = packages.get(name, {"funcs": {}, "types": set()})
    return out
