"""Patterns over interface names, as `--virtualize` takes them: `wasi:sockets/*`,
`wasi:http/outgoing-handler@0.2`, `wasi:filesystem/preopens@0.2.0`, `*`.

A pattern is a name, in which `*` stands for any run of characters, and an optional version:

* no version: every version (and an unversioned name) matches;
* a full version (`@0.2.0`): the versions semver-compatible with it, as linking matches an
  import with an export (`@0.2.0` matches `@0.2.12`, not `@0.3.0`; `@1.2.0` matches
  `@1.4.1`; `model.names.semver_compatible`);
* a partial version (`@0.2`, `@1`): the versions that begin with those numbers.

(Minimal on purpose: the policy's `--deny`/`--allow` take patterns of the same grammar.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import ComposerError
from ..model.names import InterfaceName, Version, semver_compatible

_PARTIAL = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$")


class InterfacePattern:
    """One pattern, parsed once (`matches(name)`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        body, at, version = text.partition("@")
        if not body or (at and not version):
            raise ComposerError(f"`{text}` is not an interface pattern (NAME[@VERSION], "
                                "`*` for any characters: `wasi:sockets/*`)")
        self.body = re.compile("^" + ".*".join(re.escape(p) for p in body.split("*")) + r"\Z")
        self.version: Version | None = None
        self.prefix: tuple[int, ...] | None = None
        if at:
            self.version = Version.parse(version)
            partial = _PARTIAL.match(version)
            if self.version is None and partial is None:
                raise ComposerError(f"`{text}`: `{version}` is not a version (`0.2.0`, or its "
                                    "beginning: `0.2`)")
            if self.version is None:
                self.prefix = tuple(int(g) for g in partial.groups() if g is not None)  # type: ignore[union-attr]

    def matches(self, name: str) -> bool:
        parsed = InterfaceName.parse(name)
        unversioned = parsed.unversioned if parsed is not None else name.partition("@")[0]
        if not self.body.match(unversioned):
            return False
        if self.version is None and self.prefix is None:
            return True
        if parsed is None or parsed.version is None:
            return False
        if self.version is not None:
            return semver_compatible(f"{unversioned}@{self.version}", name)
        v = parsed.version
        return not v.pre and (v.major, v.minor)[:len(self.prefix)] == self.prefix  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"InterfacePattern({self.text!r})"


@lru_cache(maxsize=256)
def pattern(text: str) -> InterfacePattern:
    return InterfacePattern(text)


def matching(patterns: list[str] | tuple[str, ...], name: str) -> str | None:
    """The first of `patterns` that matches interface `name`, or None."""
    return next((p for p in patterns if pattern(p).matches(name)), None)
