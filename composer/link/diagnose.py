"""Why a dependency did not satisfy an import: the near misses that explain an import left for
the host, a dependency left unused, or "no dependencies ... were found".

For an import and a dependency's exports, a near miss is the same interface at a version the
semver rule does not accept, the same interface name in another package, the same name as
another sort, or a name close enough to be a misspelling. Each is said in one line that
names the export and the rule.
"""

from __future__ import annotations

from ..model import types as T
from ..model.names import InterfaceName, Version

# How alike two names must be to call one a misspelling of the other (difflib's ratio).
_CLOSE = 0.85
# Names compared with an import for a misspelling, at most: a dependency exporting thousands
# of names of about one length would otherwise make each import cost thousands of comparisons.
SPELLING_CANDIDATES = 500


def _spelling_distance(name: str) -> int:
    """How much longer or shorter than `name` a misspelling of it may be."""
    return max(2, len(name) // 5)


class NearIndex:
    """The exports of the dependencies indexed by what makes one a near miss of an import
    (the same name, the same interface unversioned, the same interface in another package, a
    name about as long), so that each import left for the host looks up the few exports that
    may be near it instead of comparing itself with every export of every dependency."""

    def __init__(self, exports: list[dict[str, T.Extern]]) -> None:
        self.names = [list(e) for e in exports]
        self.keys: dict[str, list[tuple[int, int]]] = {}  # key -> [(dependency, export's place)]
        self.by_length: dict[int, list[tuple[int, int]]] = {}
        for d, names in enumerate(exports):
            for i, export in enumerate(names):
                for key in self._keys(export):
                    self.keys.setdefault(key, []).append((d, i))
                self.by_length.setdefault(len(export), []).append((d, i))

    @staticmethod
    def _keys(name: str) -> tuple[str, ...]:
        parsed = InterfaceName.parse(name)
        if parsed is None:
            return ("=" + name,)
        return ("=" + name, "@" + parsed.unversioned, "/" + parsed.interface)

    def candidates(self, name: str) -> dict[int, list[str]]:
        """Dependency -> the names among its exports that may be near misses of `name`, in
        the order it exports them."""
        found = {place for key in self._keys(name) for place in self.keys.get(key, ())}
        d = _spelling_distance(name)
        similar = [self.by_length.get(n, ()) for n in range(len(name) - d, len(name) + d + 1)]
        if sum(map(len, similar)) <= SPELLING_CANDIDATES:
            found.update(place for places in similar for place in places)
        out: dict[int, list[str]] = {}
        for dep, i in sorted(found):
            out.setdefault(dep, []).append(self.names[dep][i])
        return out


def near_misses(name: str, expected: T.Extern, exports: dict[str, T.Extern]) -> list[str]:
    """Why none of `exports` satisfies the import `name` of type `expected`, for each export
    that came close; [] when none did."""
    sort = T.sort_of(expected)
    wanted = InterfaceName.parse(name)
    out: list[str] = []
    spelled: list[str] = []
    for export, ext in exports.items():
        have = InterfaceName.parse(export)
        if export == name:
            if T.sort_of(ext) != sort:
                out.append(f"exports `{export}` as {T.a_sort(T.sort_of(ext))}, not as {T.a_sort(sort)}")
            continue
        if wanted and have and have.unversioned == wanted.unversioned:
            out.append(f"exports `{export}`: {version_rule(wanted, have)}")
        elif wanted and have and have.interface == wanted.interface:
            out.append(f"exports `{export}`: the interface `{have.interface}` of another "
                       f"package ({have.package_name}, not {wanted.package_name})")
        else:
            spelled.append(export)
    # a misspelling differs in a few characters: compare only names of about the same length
    spelled = [e for e in spelled if abs(len(e) - len(name)) <= _spelling_distance(name)]
    if not spelled:
        return out
    import difflib  # ~1.5 ms of start-up, for compositions that leave imports to the host

    for close in difflib.get_close_matches(name, spelled, n=2, cutoff=_CLOSE):
        out.append(f"exports `{close}`, close to `{name}`: a misspelling?")
    return out


def version_rule(wanted: InterfaceName, have: InterfaceName) -> str:
    """Why `have`'s version cannot serve an import of `wanted`'s (their interfaces match)."""
    w, h = wanted.version, have.version
    if w is None or h is None:
        versioned = "an unversioned" if h is None else "a versioned"
        return f"{versioned} name satisfies only the same name ({wanted.raw_version or 'no version'} asked)"
    if w.pre or h.pre:
        return f"a pre-release version matches only itself (@{w} asked, @{h} offered)"
    if w.track() != h.track():
        return f"@{h} is not on the track of @{w}: {_track(w)}"
    return f"@{h} is older than the @{w} asked for (a newer version may serve an older import, not the reverse)"


def _track(v: Version) -> str:
    if v.major:
        return f"{v.major}.x versions accept only {v.major}.y.z"
    if v.minor:
        return f"0.{v.minor}.x versions accept only 0.{v.minor}.z"
    return f"0.0.{v.patch} accepts only itself"
