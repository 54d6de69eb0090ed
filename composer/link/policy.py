"""A capability policy: rules over interface names (`--deny PATTERN`, `--allow PATTERN`, the
config's `policy:`), each deciding a verdict for the imports it matches. Kept as data: the
rules, the decision for one import and the violations found (`capabilities.check_policy`) are
records; the text shown is made from them.

The grammar of a pattern (docs/capabilities.md, "Policy"):

    PATTERN := [SCOPE "="] NAME
    NAME    := "*" | NS ":*" | NS ":" PKG "/*" ["@" VERSION] | NS ":" PKG "/" IFACE ["@" VERSION]
             | PLAIN                                  (a plain import name: `log`)
    VERSION := MAJOR ["." MINOR ["." PATCH ["-" PRE]]]

`SCOPE` is a component of the composition, by its file name (`ops.wasm`) or its instance
name (`ops`). A version matches the versions on its semver track, as link/ merges imports:
`@0.2`, `@0.2.0` and `@0.2.3` all match `0.2.x` (a missing part is 0), `@1` matches `1.x.y`,
`@0.0.3` only itself; a pattern with a version never matches an unversioned name.

Which rule decides (`Policy.decide`): among the rules that apply and match, the most specific
wins: a scoped rule over an unscoped one; then an exact interface name over `ns:pkg/*` over
`ns:*` over `*` (a plain name counts as an exact name); then a pattern with a version over
one without. Among rules equally specific, `allow` wins over `virtualize`, which wins over
`deny`. No rule matching: allowed.
"""

from __future__ import annotations

import re
from enum import Enum

from ..model.names import InterfaceName, Version, is_label
from ..record import Record


class Verdict(Enum):
    """What a policy says of an import (the value: the option's and the config key's word)."""

    ALLOW = "allow"
    DENY = "deny"
    # served by a synthesized adapter (`--virtualize`): denied, but not a violation
    VIRTUALIZE = "virtualize"


# a tie between equally specific rules: the first of these wins
_TIE_ORDER = {Verdict.ALLOW: 0, Verdict.VIRTUALIZE: 1, Verdict.DENY: 2}


class PatternError(ValueError):
    """A pattern that does not parse: the message says what is wrong (the caller names the
    option or the config key)."""


class Pattern(Record):
    """A NAME of the grammar, parsed. `kind`: "any" (`*`), "namespace" (`ns:*`), "package"
    (`ns:pkg/*`), "interface" (`ns:pkg/iface`), "plain" (`log`)."""

    text: str
    kind: str
    prefix: str  # "ns", "ns:pkg", "ns:pkg/iface" or the plain name; "" for `*`
    track: tuple | None = None  # the version's semver track, when given

    @property
    def specificity(self) -> tuple[int, int]:
        rank = {"any": 0, "namespace": 1, "package": 2, "interface": 3, "plain": 3}[self.kind]
        return rank, int(self.track is not None)

    def matches(self, name: str) -> bool:
        if self.kind == "any":
            return True
        if self.kind == "plain":
            return name == self.prefix
        parsed = InterfaceName.parse(name)
        if parsed is None:
            return False
        if self.kind == "namespace":
            return parsed.namespace == self.prefix
        if self.kind == "package":
            if parsed.package_name != self.prefix:
                return False
        elif parsed.unversioned != self.prefix:
            return False
        if self.track is None:
            return True
        return parsed.version is not None and parsed.version.track() == self.track


_WORDS = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")  # `words` of the name grammar
_PARTIAL_VERSION = re.compile(r"(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?)?)?\Z")


def parse_pattern(text: str) -> Pattern:
    """A NAME of the grammar; PatternError saying what is wrong."""
    if text == "*":
        return Pattern(text, "any", "")
    if not text:
        raise PatternError("an empty pattern (expected `*`, `ns:*`, `ns:pkg/*` or an interface "
                           "name such as `wasi:http/outgoing-handler@0.2`)")
    body, at, version_text = text.partition("@")
    track = None
    if at:
        m = _PARTIAL_VERSION.match(version_text)
        if m is None:
            raise PatternError(f"`{version_text}` is no version (expected MAJOR[.MINOR[.PATCH]], "
                               "e.g. `@0.2` or `@0.2.3`)")
        major, minor, patch, pre = m.groups()
        track = Version(int(major), int(minor or 0), int(patch or 0), pre or "").track()
    ns, colon, rest = body.partition(":")
    if not colon:
        if at or not is_label(body):
            raise PatternError(f"`{text}` is no pattern (expected `*`, `ns:*`, `ns:pkg/*`, "
                               "`ns:pkg/iface[@VERSION]` or a plain import name)")
        return Pattern(text, "plain", body)
    if not _WORDS.match(ns):
        raise PatternError(f"`{ns}` is no namespace (lower-case words joined by `-`)")
    if rest == "*":
        if at:
            raise PatternError(f"`{text}`: a version goes with a package (`ns:pkg/*@1.0`) or "
                               "an interface, not with `ns:*`")
        return Pattern(text, "namespace", ns)
    pkg, slash, iface = rest.partition("/")
    if not slash or not _WORDS.match(pkg):
        raise PatternError(f"`{text}` is no pattern: expected `{ns}:PKG/*` or "
                           f"`{ns}:PKG/INTERFACE` after the namespace")
    if iface == "*":
        return Pattern(text, "package", f"{ns}:{pkg}", track)
    if not is_label(iface):
        raise PatternError(f"`{iface}` is no interface name (a kebab-case label, or `*`)")
    return Pattern(text, "interface", f"{ns}:{pkg}/{iface}", track)


class Rule(Record):
    """One rule: its verdict, the pattern, the component it is scoped to (a file or instance
    name; None: every component), and where it was given (`--deny ops.wasm=wasi:x/*`,
    `compose.yml:4`)."""

    verdict: Verdict
    pattern: Pattern
    scope: str | None = None
    origin: str = ""

    @property
    def text(self) -> str:
        """The rule as it is written: `SCOPE=NAME` or `NAME`."""
        return f"{self.scope}={self.pattern.text}" if self.scope else self.pattern.text

    @property
    def given(self) -> str:
        """How the rule was given, for messages: `--deny wasi:sockets/*`, or ``policy `deny:
        wasi:sockets/*` (compose.yml:4)`` for the config's."""
        if self.origin.startswith("--"):
            return self.origin
        where = f" ({self.origin})" if self.origin else ""
        return f"policy `{self.verdict.value}: {self.text}`{where}"


def parse_rule(verdict: Verdict, text: str, origin: str | None = None) -> Rule:
    """`[SCOPE=]NAME` as a rule; PatternError naming what is wrong. `origin`: where it was
    given (default: the option, `--deny TEXT`)."""
    scope, eq, name = text.rpartition("=")
    if eq and not scope:
        raise PatternError("nothing before `=`: expected SCOPE=PATTERN, SCOPE a component's "
                           "file or instance name")
    return Rule(verdict, parse_pattern(name), scope or None,
                origin if origin is not None else f"--{verdict.value} {text}")


class Decision(Record):
    """A policy's verdict on one import of one component, and the rule that decided (None:
    no rule matched, allowed)."""

    verdict: Verdict
    rule: Rule | None = None


ALLOWED = Decision(Verdict.ALLOW)


class Policy(Record):
    """The rules given, in order (the config's, then the command line's)."""

    rules: tuple[Rule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __add__(self, other: "Policy") -> "Policy":
        return Policy(self.rules + other.rules)

    def without(self, verdict: Verdict) -> "Policy":
        """The policy without its rules of `verdict`."""
        return Policy(tuple(r for r in self.rules if r.verdict is not verdict))

    def decide(self, name: str, names: tuple[str, ...] = (), *, scoped_only: bool = False
               ) -> Decision:
        """The verdict on the import `name` of the component known by `names` (its file
        and instance names): the most specific rule that applies and matches (see the
        module docstring). `scoped_only`: only the rules scoped to the component."""
        best: tuple | None = None
        chosen: Rule | None = None
        for rule in self.rules:
            if rule.scope is None:
                if scoped_only:
                    continue
            elif rule.scope not in names:
                continue
            if not rule.pattern.matches(name):
                continue
            key = (rule.scope is not None, *rule.pattern.specificity, -_TIE_ORDER[rule.verdict])
            if best is None or key > best:
                best, chosen = key, rule
        return ALLOWED if chosen is None else Decision(chosen.verdict, chosen)


def policy_of(deny: tuple[str, ...] = (), allow: tuple[str, ...] = (),
              virtualize: tuple[str, ...] = ()) -> Policy:
    """The policy of `--deny`, `--allow` and `--virtualize` options; PatternError (its message
    starting with the option and its value) for one that does not parse."""
    rules = []
    for verdict, texts in ((Verdict.DENY, deny), (Verdict.ALLOW, allow),
                           (Verdict.VIRTUALIZE, virtualize)):
        for text in texts:
            try:
                rules.append(parse_rule(verdict, text))
            except PatternError as exc:
                raise PatternError(f"--{verdict.value} {text}: {exc}") from None
    return Policy(tuple(rules))
