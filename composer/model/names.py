"""Import and export names (Explainer.md, Import and Export Definitions): interface names,
their semantic versions, the semver-compatibility the resolver matches on, and the
strong-uniqueness rule validation applies.

Names come from untrusted files and may be long (up to 100,000 bytes): every check here
takes time linear in the name. Labels are matched by a regular expression of possessive
repetitions only, which cannot backtrack (nested greedy ones could, exponentially, on a
name that fails late: `a-1-1-...-1!`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# `words ::= first-word ('-' word)*`: lower-case fragments, the first one a letter first.
_WORDS = re.compile(r"[a-z][a-z0-9]*+(?:-[a-z0-9]++)*+").fullmatch


def _is_words(text: str) -> bool:
    return _WORDS(text) is not None


# `label`, one pass: possessive repetitions (`*+`, `++`) never give back what they took, so
# a name failing late costs one more try of a fragment's other alternative, not a search.
# (A fragment of digits then letters is a word or an acronym by its letters: the lookaheads
# pick the alternative, as the repetition around it may not come back to try the other.)
_LABEL = re.compile(r"(?:[a-z][a-z0-9]*+|[A-Z][A-Z0-9]*+)"
                    r"(?:-(?:[a-z0-9]++(?![A-Z])|[A-Z0-9]++(?![a-z])))*+").fullmatch


def is_label(text: str) -> bool:
    """`label ::= first-fragment ('-' fragment)*`: kebab case, each fragment all lower-case
    (a word) or all upper-case (an acronym), the first one starting with a letter."""
    return _LABEL(text) is not None


_SEMVER = (
    r"(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)
# The identifiers of a semver are separated by dots the classes exclude: no backtracking.
# `\Z`, not `$`: `$` also matches before a final newline, and `1.0.0\n` is no version.
_SEMVER_RE = re.compile(rf"^{_SEMVER}\Z")


@dataclass(frozen=True, order=True, slots=True)
class Version:
    """A semantic version; ordering follows semver precedence for what we compare."""

    major: int
    minor: int
    patch: int
    pre: str = ""
    build: str = ""

    @classmethod
    def parse(cls, text: str) -> "Version | None":
        m = _SEMVER_RE.match(text)
        if not m:
            return None
        return cls(
            int(m["major"]), int(m["minor"]), int(m["patch"]), m["pre"] or "", m["build"] or ""
        )

    def __str__(self) -> str:
        s = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            s += f"-{self.pre}"
        if self.build:
            s += f"+{self.build}"
        return s

    def track(self) -> tuple:
        """The compatibility track: versions on one track are interchangeable upward.

        `1.x.y` -> (1,); `0.x.y` -> (0, x); `0.0.z` and pre-releases only match themselves.
        """
        if self.pre:
            return (self.major, self.minor, self.patch, self.pre)
        if self.major:
            return (self.major,)
        if self.minor:
            return (self.major, self.minor)
        return (self.major, self.minor, self.patch)


@dataclass(frozen=True, slots=True)
class InterfaceName:
    """`namespace:package/interface@version`, split into its parts."""

    namespace: str
    package: str
    path: str  # "/interface" (or nested "/a/b")
    version: Version | None
    raw_version: str | None = None

    @classmethod
    def parse(cls, name: str) -> "InterfaceName | None":
        return _parse_interface(name)

    @property
    def interface(self) -> str:
        return self.path.lstrip("/")

    @property
    def package_name(self) -> str:
        """`ns:pkg` without the version."""
        return f"{self.namespace}:{self.package}"

    @property
    def unversioned(self) -> str:
        return f"{self.namespace}:{self.package}{self.path}"

    def __str__(self) -> str:
        ver = f"@{self.raw_version}" if self.raw_version is not None else ""
        return self.unversioned + ver


@lru_cache(maxsize=4096)
def _parse_interface(name: str) -> InterfaceName | None:
    """`namespace:package/interface@version`. Nested namespaces and projections
    (`a:b:c/d`, `a:b/c/d`) are the gated 🪺 feature and are not interface names here, as
    in wasm-tools 1.262's default validation."""
    body, at, ver_text = name.partition("@")
    ns, colon, rest = body.partition(":")
    pkg, slash, iface = rest.partition("/")
    if not (colon and slash and _is_words(ns) and _is_words(pkg) and is_label(iface)):
        return None
    version = Version.parse(ver_text) if at else None
    return InterfaceName(ns, pkg, "/" + iface, version, ver_text if at else None)


def semver_compatible(wanted: str, offered: str) -> bool:
    """Whether an export named `offered` can satisfy an import named `wanted`.

    The same package and interface, and a version on the same track that is not older:
    `@1.2.0` accepts `@1.4.1`, `@0.2.0` accepts `@0.2.12`, `@0.0.3` only `@0.0.3`.
    """
    if wanted == offered:
        return True
    w, o = _parse_interface(wanted), _parse_interface(offered)
    if w is None or o is None or w.unversioned != o.unversioned:
        return False
    if w.version is None or o.version is None:
        return False
    if w.version.track() != o.version.track():
        return False
    return (o.version.minor, o.version.patch) >= (w.version.minor, w.version.patch)


def compatibility_key(name: str) -> str:
    """Names with the same key are on one semver track of one interface (merge candidates)."""
    parsed = _parse_interface(name)
    if parsed is None or parsed.version is None:
        return name
    track = ".".join(str(p) for p in parsed.version.track())
    return f"{parsed.unversioned}@{track}"


def newest(names: list[str]) -> str:
    """The name with the highest version among names on one semver track.

    Names on one track that are not all the same are versioned (an unversioned name is only
    compatible with itself), and differ in minor or patch version or build metadata.
    """
    if len(set(names)) == 1:
        return names[0]
    return max(names, key=lambda n: _parse_interface(n).version)  # type: ignore[union-attr]


def versions_differ(a: str, b: str | None) -> bool:
    """Two names of one interface at different versions (a semver-compatible bridge)."""
    if b is None:
        return False
    pa, pb = _parse_interface(a), _parse_interface(b)
    return bool(pa and pb and pa.unversioned == pb.unversioned and pa.raw_version != pb.raw_version)


def package_of(name: str) -> str:
    """`wasi:cli` for `wasi:cli/stdout@0.2.0`; the name itself for plain names."""
    if ":" not in name:  # plain: not worth a place in the cache of parsed names
        return name
    parsed = _parse_interface(name)
    return parsed.package_name if parsed else name


def is_plain_name(name: str) -> bool:
    """`plainname ::= label | [constructor]label | [method]label.label | [static]label.label`"""
    if not name.startswith("["):  # the usual name: no annotation to look for
        return _LABEL(name) is not None
    for prefix, two in (("[constructor]", False), ("[method]", True), ("[static]", True)):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            if two:
                resource, dot, member = rest.partition(".")
                return bool(dot) and is_label(resource) and is_label(member)
            return is_label(rest)
    return is_label(name)


def is_extern_name(name: str) -> bool:
    """`externname ::= plainname | interfacename`, with a full semver if versioned.

    (The shortened canonical versions of 🔗, `@0.2`, are not accepted yet, as in
    wasm-tools 1.262.)
    """
    if is_plain_name(name):
        return True
    parsed = _parse_interface(name)
    return parsed is not None and (parsed.raw_version is None or parsed.version is not None)


def canonical_version(v: Version) -> str:
    """The canonical form of a version (Explainer.md, 🔗): `1` for 1.x.y, `0.2` for 0.2.x,
    `0.0.3` for 0.0.3; a pre-release is its own (build metadata is left out)."""
    if v.pre:
        return f"{v.major}.{v.minor}.{v.patch}-{v.pre}"
    if v.major:
        return str(v.major)
    if v.minor:
        return f"0.{v.minor}"
    return f"0.0.{v.patch}"


def canonical_problem(version: str, suffix: str) -> str | None:
    """Why `version` with the version suffix `suffix` is not a canonical version and the
    rest of the full version it is the start of, if it is not."""
    full = Version.parse(version + suffix)
    if full is None:
        return f"`{version}{suffix}` is not a version"
    if canonical_version(full) != version:
        return f"`{version}` is not the canonical version of `{version}{suffix}`"
    return None


def is_nested_extern_name(name: str) -> bool:
    """An interface name of the gated 🪺 nested-names feature: nested namespaces and
    projections, `a:b:c/d`, `a:b/c/d@1.0.0`."""
    body, at, ver_text = name.partition("@")
    if at and Version.parse(ver_text) is None:
        return False
    head, slash, path = body.partition("/")
    spaces, parts = head.split(":"), path.split("/")
    return (bool(slash) and len(spaces) >= 2 and all(_is_words(x) for x in spaces)
            and all(is_label(x) for x in parts))


_ANNOTATION = re.compile(r"^\[(constructor|method|static)\](.*)$")


def one_name_reason(name: str, other: str) -> str:
    """Why two names with one `strongly_unique_key` may not appear together, in words."""
    if name.lower() == other.lower():
        return "names that differ only in case are one name in a component"
    return ("a component takes a method or static function named like its resource for the "
            "resource's own name")


def strongly_unique_key(name: str) -> str:
    """Names whose keys are equal may not appear together (Explainer.md, Name Uniqueness)."""
    key = name.lower()
    m = _ANNOTATION.match(key)
    if m:
        kind, rest = m.groups()
        if kind == "constructor":
            return key
        first, _, second = rest.partition(".")
        return first if first == second else rest
    return key
