"""Why the composition is wired as it is, kept as data: the rule each plug follows, the
dependencies that came close to an import left for the host, and why a dependency satisfies
nothing. The text shown to users (`-v`, warnings, the report) is made from these records,
never parsed back out of it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from ..record import Record


class Rule(Enum):
    """The rule by which an import was given what satisfies it (the value: how `-v` names it)."""

    EXACT_NAME = "exact name"  # a dependency's export of the import's own name
    BY_NAME = "by name"  # a dependency found by the import's name (a file or a config entry)
    SEMVER = "semver"  # a dependency's export on the import's semver track
    PLUG = "--plug"  # the file `--plug IMPORT=FILE` names
    CONFIG = "config"  # a config `instantiations` argument
    WAC = "wac"  # a WAC document's argument or export
    API = "api"  # set through the builder API, by a program
    VIRTUALIZE = "--virtualize"  # a deny adapter generated for an import `--virtualize` names


# The report schema's word for each rule (`how` of an edge); a WAC document's and a
# program's wiring is "wired", as for a composed component read back.
_REPORT_WORDS = {Rule.EXACT_NAME: "exact name", Rule.BY_NAME: "by name", Rule.SEMVER: "semver",
                 Rule.PLUG: "--plug", Rule.CONFIG: "config", Rule.WAC: "wired",
                 Rule.API: "wired", Rule.VIRTUALIZE: "--virtualize"}


class Reason(Record):
    """Why an import is plugged as it is: the rule, and, when the export taken has another
    version than the import's name (semver compatibility), that export."""

    rule: Rule
    offered: str | None = None

    @property
    def text(self) -> str:
        """As `-v` and the graph say it: `exact name`, ``semver-compatible `a:b/c@1.2.0` ``,
        ``--plug, semver-compatible `a:b/c@1.2.0` ``."""
        if self.offered is None:
            return self.rule.value
        semver = f"semver-compatible `{self.offered}`"
        return semver if self.rule is Rule.SEMVER else f"{self.rule.value}, {semver}"

    @property
    def word(self) -> str:
        """The report schema's word for the rule (`how`)."""
        return _REPORT_WORDS[self.rule]


# The reasons without detail, made once: a composition of 100,000 plugs shares them.
EXACT_NAME = Reason(Rule.EXACT_NAME)
BY_NAME = Reason(Rule.BY_NAME)
PLUG = Reason(Rule.PLUG)
CONFIG = Reason(Rule.CONFIG)
WAC = Reason(Rule.WAC)
API = Reason(Rule.API)
VIRTUALIZE = Reason(Rule.VIRTUALIZE)


class NearMiss(Record):
    """A dependency that came close to satisfying an import left for the host, and why it
    does not (`diagnose.near_misses`: "exports `x@2.0.0`: @2.0.0 is not on the track ...")."""

    file: Any  # the dependency's ComponentFile
    why: str

    @property
    def text(self) -> str:
        return f"{self.file.display} {self.why}"


class Unused(Record):
    """A dependency that satisfies no import, and why: its near misses, the imports it offers
    that others serve, or what it exports that nothing imports."""

    file: Any  # its ComponentFile
    reasons: tuple[str, ...]
