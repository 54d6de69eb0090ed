#!/usr/bin/env python3
"""Text fuzzing for `compose`: WIT and WAC documents mutated at the level of their tokens
and of their bytes, and spliced into each other, through every command that reads them.
The harness (workers, deadlines, findings, --replay) is scripts/fuzz.py's; this file makes
the inputs and says how to run and judge them.

    .venv/bin/python scripts/fuzz_text.py --inputs 5000               # --mode wit
    .venv/bin/python scripts/fuzz_text.py --mode wac --seconds 600

Seeds, read where they are at run time: the wit-parser suite (conformance/wit/cases, pass
and fail cases: single files and package folders with deps/), the wac suite
(conformance/wac/cases, each document with its packages folder), and the project's
fixtures/wit and fixtures/wac; for `wit-targets`, the small fixtures' (and a sample of the
corpus's) components with the world `wasm-tools component wit` prints for them.

Mutations: tokens dropped, duplicated, swapped; identifiers, keywords and punctuation
replaced by others of the language's vocabulary (or by names that break a rule: upper case,
`--`, `%` on a keyword, one of the document's other names); versions changed; blocks nested
in themselves or wrapped in `package`/`interface`/`world`; attributes (`@since`,
`@unstable`, `@deprecated`) added; items repeated; items of another document spliced in;
bytes flipped, deleted, inserted (CR, NUL, escape sequences, invalid UTF-8, a BOM, U+2028),
line ends made CRLF, the text cut short.

Targets (each judged under every feature set of --features, `default` and `all`, except the
WAC ones, which have none):
  wit-inspect   `compose inspect` of the WIT (a file or a package folder) against `wasm-tools
                component wit` (`--all-features` for `all`): the verdicts must agree, and
                where both accept, the WIT compose printed must read back, with wasm-tools,
                to what wasm-tools reads the input to (the judge of the wit suite's harness)
  wit-targets   `compose targets COMPONENT WORLD.wit --world root` with a mutated world,
                against `wasm-tools component targets`
  wac-parse     `compose parse` (no oracle: crashes, hangs, messages)
  wac-compose   `compose DOC.wac --deps-dir PACKAGES`; what it writes must validate
Every refusal of a text input must say FILE:LINE:COL (class `no-location`).
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz  # noqa: E402
from fuzz import Finding, Input, Mode, Oracle, common_findings, oracle_key, rule_key  # noqa: E402

SHARED = Path(os.environ.get("COMPOSER_SHARED", "/work/shared"))
WIT_CASES = SHARED / "conformance" / "wit" / "cases"
WAC_CASES = SHARED / "conformance" / "wac" / "cases"
FIXTURES = fuzz.ROOT / "fixtures"
WIT_TARGETS = ("wit-inspect", "wit-inspect", "wit-targets")  # two WIT documents to one world
WAC_TARGETS = ("wac-parse", "wac-compose")


# -- seeds ---------------------------------------------------------------------------------------


class Seed:
    """A document to mutate: one of `files` (paths relative to the laid-out input, each with
    its text) is changed; `copies` are laid out first; the command reads `entry`."""

    def __init__(self, name: str, files: dict[str, bytes], entry: str,
                 copies: tuple[tuple[Path, str], ...] = (), ctx: dict[str, Any] | None = None,
                 weights: dict[str, int] | None = None) -> None:
        self.name, self.files, self.entry, self.copies = name, files, entry, copies
        self.ctx = ctx or {}
        self.weights = weights  # how often each file is the one changed (default: alike)

    def pick(self, rng: random.Random) -> str:
        names = sorted(self.files)
        if self.weights:
            return rng.choices(names, [self.weights.get(n, 1) for n in names])[0]
        return rng.choice(names)


def _wit_files(folder: Path, under: str) -> dict[str, bytes]:
    return {f"{under}/{p.relative_to(folder)}": p.read_bytes()
            for p in sorted(folder.rglob("*.wit")) if p.is_file()}


def wit_seeds() -> list[Seed]:
    """The wit-parser suite's cases and the project's WIT fixtures, as files or folders."""
    out = []
    places = [WIT_CASES / "pass", WIT_CASES / "fail", FIXTURES / "wit"]
    for place in places:
        if not place.is_dir():
            continue
        for p in sorted(place.iterdir()):
            label = f"{place.parent.name}/{place.name}/{p.name}"
            if p.is_file() and p.suffix == ".wit":
                out.append(Seed(label, {p.name: p.read_bytes()}, p.name))
            elif p.is_dir():
                files = _wit_files(p, p.name)
                if files:
                    out.append(Seed(label, files, p.name, ((p, p.name),)))
    return out


def wac_seeds(extra_deps: Path) -> list[Seed]:
    """The wac suite's documents, each with its packages folder (the case's `NAME/`), and
    fixtures/wac/seed.wac with the fixtures it names (laid out in `extra_deps`)."""
    out = []
    for doc in sorted(WAC_CASES.glob("*/*/*.wac")) if WAC_CASES.is_dir() else []:
        stem = doc.stem
        deps = doc.parent / stem
        label = str(doc.relative_to(WAC_CASES))
        files = {doc.name: doc.read_bytes()}
        copies: tuple[tuple[Path, str], ...] = ()
        weights = None
        if deps.is_dir():
            copies = ((deps, stem),)
            wits = _wit_files(deps, stem)
            files.update(wits)
            weights = {doc.name: 9 * max(1, len(wits))}  # mostly the document itself
        out.append(Seed(label, files, doc.name, copies,
                        {"deps": stem if deps.is_dir() else None,
                         "resolves": doc.parent.parent.name != "parser"}, weights))
    seed = FIXTURES / "wac" / "seed.wac"
    if seed.is_file() and extra_deps.is_dir():
        out.append(Seed("fixtures/wac/seed.wac", {"seed.wac": seed.read_bytes()}, "seed.wac",
                        ((extra_deps, "deps"),), {"deps": "deps", "resolves": True}))
    return out


def _seed_deps(into: Path) -> Path:
    """The packages fixtures/wac/seed.wac names, as a --deps-dir folder."""
    pairs = {"example/consumer.wasm": "seed-app.wasm",
             "example/string-operations.wasm": "seed-ops.wasm"}
    for dest, src in pairs.items():
        if (fuzz.BUILD / src).is_file():
            (into / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fuzz.BUILD / src, into / dest)
    return into


def target_seeds(oracle: Oracle, into: Path, limit: int = 24) -> list[Seed]:
    """Components with the world they target: the one `wasm-tools component wit` prints for
    them. Those compose does not find targeting it, unmutated, are left out."""
    candidates = sorted(p for p in fuzz.BUILD.glob("*.wasm") if p.stat().st_size < 64 * 1024)
    if fuzz.CORPUS.is_dir():
        small = sorted(p for p in fuzz.CORPUS.iterdir() if p.stat().st_size < 16 * 1024)
        candidates += small[:: max(1, len(small) // limit)][:limit]
    out = []
    for component in candidates:
        ok, text = oracle.call("component", "wit", str(component))
        if not ok or "world root" not in text:
            continue
        world = into / f"{component.stem}.wit"
        world.write_text(text)
        ctx = {"component": str(component), "world": "root"}
        run = _targets_run(str(world), ctx, "default")
        if run.get("verdict") != "targets":
            continue
        out.append(Seed(f"targets/{component.name}", {"world.wit": text.encode()}, "world.wit",
                        ctx=ctx))
    return out


# -- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
  (?P<space>[ \t\r\n]+)
| (?P<comment>//[^\n]*|/\*.*?\*/)
| (?P<string>"(?:[^"\\\n]|\\.)*")
| (?P<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)
| (?P<number>\d+)
| (?P<word>%?[A-Za-z_][A-Za-z0-9_-]*)
| (?P<punct>->|\.\.\.|[{}()<>,;:=.@/*+\[\]-])
| (?P<other>.)
""", re.X | re.S)

KEYWORDS = frozenset("""
package interface world use import export include with as from type resource record variant
enum flags func static constructor async own borrow list option result tuple future stream
string char bool u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 float32 float64 error-context map
let new targets since unstable deprecated version feature include
""".split())

ODD_NAMES = ("A", "a-B", "a--b", "-a", "a-", "%a", "%interface", "a1", "1a", "é", "a_b",
             "x" * 300, "interface", "type", "own", "borrow", "constructor", "self", "%world",
             "b", "B", "is", "with", "as")
VERSIONS = ("1.0.0", "0.0.0-", "0.0.0", "1.0", "01.0.0", "1.0.0-rc.1", "1.0.0+build.5",
            "1.0.0-", "99999999999999999999.0.0", "1.0.0-01", "1.0.0-a..b", "0.1.0-alpha+x",
            "0.2.0", "2.0.0", "1.0.0.0", "1.0.0\n")
ATTRIBUTES = ("@since(version = 1.0.0)", "@since(version = 0.2.0)", "@unstable(feature = active)",
              "@unstable(feature = inactive)", "@deprecated(version = 0.1.0)", "@since(version = 1.0.0, feature = x)",
              "@unstable(feature = all)", "@since(version = 1.0.0-)", "@unknown")
WRAPPERS = ("package a:b {", "interface nested {", "world nested {", "package a:b@1.0.0 {")
SPECIAL_BYTES = (b"\r", b"\r\n", b"\x00", b"\x1b[31m", b"\x1b]0;pwned\x07", b"\xff", b"\xc3",
                 b"\xed\xa0\x80", b"\xc0\xaf", b"\xef\xbb\xbf", b"\t", "\u2028".encode(),
                 "\u202e".encode(), b"\x7f", b"\xc2\x85", b"\x0c", b"\x0b", b"\n" * 3, b"{", b"}")


def tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)]


def untokens(toks: list[tuple[str, str]]) -> str:
    return "".join(t for _, t in toks)


class Vocabulary:
    """What the seeds of one language are made of: words (keywords and names), punctuation,
    versions; and their items by depth (top level, inside a block), to splice."""

    def __init__(self, texts: list[str]) -> None:
        kinds: dict[str, set[str]] = {"word": set(), "punct": set(), "version": set(),
                                      "number": set(), "string": set()}
        self.items: dict[str, list[list[tuple[str, str]]]] = {}
        for text in texts:
            toks = tokens(text)
            for kind, t in toks:
                if kind in kinds and len(t) < 80:
                    kinds[kind].add(t)
            for start, end, container in movable(toks):
                if end - start < 400:
                    self.items.setdefault(container, []).append(toks[start:end])
        self.words = sorted(kinds["word"])
        self.keywords = sorted(w for w in self.words if w in KEYWORDS)
        self.names = sorted(w for w in self.words if w not in KEYWORDS)
        self.punct = sorted(kinds["punct"] | set("{}()<>,;:=.@/*-") | {"->", "..."})
        self.versions = sorted(kinds["version"] | set(VERSIONS))
        self.any = [t for k in ("word", "punct", "version", "number", "string") for t in sorted(kinds[k])]


def _significant(toks: list[tuple[str, str]]) -> list[int]:
    return [i for i, (k, _) in enumerate(toks) if k not in ("space", "comment")]


def _matching(toks: list[tuple[str, str]], i: int) -> int | None:
    """The index of the `}` that closes the `{` at `i`."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j][1]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def items(toks: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, container) of each item: from the first token after a `;`, `{` or `}`
    to its own `;`, or to the `}` of the block it opens when no `;` follows (a WIT interface,
    a record; a WAC `let x = new p { ... };` goes on to its `;`). The container is the
    first word of the item whose block holds it (`interface`, `world`, `record`...), or
    `top`: what may go in its place."""
    out = []
    open_at: dict[int, int] = {}  # depth -> start of the item in progress there
    container = ["top"]  # by depth
    sig = _significant(toks)
    for n, i in enumerate(sig):
        t = toks[i][1]
        depth = len(container) - 1
        if t == "}":
            open_at.pop(depth, None)
            if depth == 0:
                open_at.clear()
                continue
            container.pop()
            depth -= 1
            following = toks[sig[n + 1]][1] if n + 1 < len(sig) else ""
            if depth in open_at and following != ";":
                out.append((open_at.pop(depth), i + 1, container[-1]))
            continue
        open_at.setdefault(depth, i)
        if t == ";":
            out.append((open_at.pop(depth), i + 1, container[-1]))
        elif t == "{":
            container.append(toks[open_at[depth]][1])
    return out


def movable(toks: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """The items, but for package headers (`package a:b;`: one a file, and first)."""
    return [(s, e, c) for s, e, c in items(toks) if not (toks[s][1] == "package" and toks[e - 1][1] == ";")]


def _boundaries(toks: list[tuple[str, str]], container: str) -> list[int]:
    """Where an item of a `container` block may go: after each item of one, or after the
    `{` that opens one."""
    found = items(toks)
    spots = [end for _, end, c in found if c == container]
    if container != "top":  # (the top level's first place is the package header's)
        spots += [j + 1 for s, e, _ in found if toks[s][1] == container
                  for j in range(s, e) if toks[j][1] == "{"][:1]
    return spots


# -- token mutations ------------------------------------------------------------------------

Toks = list  # list[tuple[str, str]]


def _tok_drop(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    sig = _significant(toks)
    if sig:
        del toks[rng.choice(sig)]
    return toks


def _tok_duplicate(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    sig = _significant(toks)
    if sig:
        i = rng.choice(sig)
        toks[i + 1:i + 1] = [("space", " "), toks[i]]
    return toks


def _tok_swap(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    sig = _significant(toks)
    if len(sig) > 1:
        a = rng.randrange(len(sig))
        b = min(len(sig) - 1, a + rng.choice((1, 1, 2, 3, rng.randrange(1, len(sig)))))
        i, j = sig[a], sig[b]
        toks[i], toks[j] = toks[j], toks[i]
    return toks


def _tok_word(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """Any word replaced by a keyword, a name of the language, or an odd name."""
    places = [i for i, (k, _) in enumerate(toks) if k == "word"]
    if places:
        pool = rng.choice((v.keywords, v.names, ODD_NAMES))
        if pool:
            toks[rng.choice(places)] = ("word", rng.choice(pool))
    return toks


def _tok_name(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """A name replaced by another: the document's own (a duplicate), or one that breaks a
    rule of names."""
    places = [i for i, (k, t) in enumerate(toks) if k == "word" and t not in KEYWORDS]
    if places:
        mine = [toks[i][1] for i in places]
        odd = [n for n in ODD_NAMES if n not in KEYWORDS]
        toks[rng.choice(places)] = ("word", rng.choice(rng.choice((mine, mine, odd, v.names))))
    return toks


def _tok_punct(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    places = [i for i, (k, _) in enumerate(toks) if k == "punct"]
    if places:
        toks[rng.choice(places)] = ("punct", rng.choice(v.punct))
    return toks


def _tok_version(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    places = [i for i, (k, _) in enumerate(toks) if k == "version"]
    if places and rng.random() < 0.7:
        toks[rng.choice(places)] = ("version", rng.choice(v.versions))
        return toks
    # a version where there was none: after a package name (`a:b`) or an interface of one
    sig = _significant(toks)
    spots = [sig[n] for n in range(1, len(sig) - 1)
             if toks[sig[n]][0] == "word" and toks[sig[n - 1]][1] in (":", "/")
             and toks[sig[n + 1]][1] not in ("/", ":", "@")]
    if spots:
        i = rng.choice(spots)
        toks[i + 1:i + 1] = [("punct", "@"), ("version", rng.choice(v.versions))]
    return toks


def _tok_insert(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    i = rng.randrange(len(toks) + 1)
    toks[i:i] = [("space", " "), ("other", rng.choice(v.any)), ("space", " ")]
    return toks


def _tok_nest(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """A block put inside itself, or its contents wrapped in another block."""
    opens = [i for i, (_, t) in enumerate(toks) if t == "{"]
    if not opens:
        return toks
    i = rng.choice(opens)
    end = _matching(toks, i)
    if end is None:
        return toks
    if rng.random() < 0.5:  # the block's own contents again, one level deeper
        start = i
        while start > 0 and toks[start - 1][1] not in (";", "{", "}"):
            start -= 1
        toks[i + 1:i + 1] = toks[start:end + 1]
    else:  # its contents wrapped in another block
        toks[end:end] = [("punct", "}"), ("space", "\n")]
        toks[i + 1:i + 1] = [("space", "\n"), ("other", rng.choice(WRAPPERS)), ("space", "\n")]
    return toks


def _tok_package(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """A top-level item moved into a nested package of its own (WIT's `package a:b { }`)."""
    top = [(s, e) for s, e, c in items(toks) if c == "top" and toks[s][1] != "package"]
    if top:
        s, e = rng.choice(top)
        name = rng.choice(("a:b", "a:b@1.0.0", "nested:pkg@0.1.0", "a:b@2.0.0"))
        toks[s:e] = [("other", f"package {name} {{"), ("space", "\n"), *toks[s:e],
                     ("space", "\n"), ("punct", "}")]
    return toks


def _tok_attribute(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    starts = [s for s, _, _ in items(toks)]
    if starts:
        i = rng.choice(starts)
        toks[i:i] = [("other", rng.choice(ATTRIBUTES)), ("space", rng.choice((" ", "\n")))]
    return toks


def _tok_repeat_item(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    found = movable(toks)
    if found:
        s, e, _ = rng.choice(found)
        toks[e:e] = [("space", "\n"), *toks[s:e]]
    return toks


def _tok_drop_item(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    found = movable(toks)
    if found:
        s, e, _ = rng.choice(found)
        del toks[s:e]
    return toks


def _tok_swap_items(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """Two items of the same block exchanged (a use after what it names, say)."""
    found = movable(toks)
    if len(found) > 1:
        s1, e1, c = rng.choice(found)
        later = [(s, e) for s, e, c2 in found if c2 == c and s >= e1]
        if later:
            s2, e2 = rng.choice(later[:4])
            toks[s1:e2] = toks[s2:e2] + toks[e1:s2] + toks[s1:e1]
    return toks


def _tok_splice(toks: Toks, v: Vocabulary, other: Toks, rng: random.Random) -> Toks:
    """An item of another document put where an item of its kind goes (or, a tenth of the
    time, any run of the other document's tokens anywhere)."""
    here = {c for _, _, c in items(toks)} & set(v.items)
    spots: list[int] = []
    if here and rng.random() < 0.9:
        container = rng.choice(sorted(here))
        piece = rng.choice(v.items[container])
        spots = _boundaries(toks, container)
    if spots:
        i = rng.choice(spots)
    elif other:
        a = rng.randrange(len(other))
        piece = other[a:a + rng.randrange(1, 40)]
        i = rng.randrange(len(toks) + 1)
    else:
        return toks
    toks[i:i] = [("space", "\n"), *piece, ("space", "\n")]
    return toks


# Mutations that mostly keep the syntax (so that the rules behind the parser are reached),
# and those that mostly break it.
KEEPING: tuple[Callable[..., Toks], ...] = (
    _tok_name, _tok_name, _tok_version, _tok_package, _tok_attribute, _tok_repeat_item,
    _tok_drop_item, _tok_swap_items, _tok_splice, _tok_splice,
)
BREAKING: tuple[Callable[..., Toks], ...] = (
    _tok_drop, _tok_duplicate, _tok_swap, _tok_word, _tok_punct, _tok_insert, _tok_nest,
)


# -- byte mutations ---------------------------------------------------------------------------


def _pos(data: bytearray, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def _byte_flip(data: bytearray, rng: random.Random) -> bytearray:
    if data:
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return data


def _byte_special(data: bytearray, rng: random.Random) -> bytearray:
    i = _pos(data, rng)
    data[i:i] = rng.choice(SPECIAL_BYTES)
    return data


def _byte_replace(data: bytearray, rng: random.Random) -> bytearray:
    if data:
        i = rng.randrange(len(data))
        data[i:i + 1] = rng.choice(SPECIAL_BYTES)
    return data


def _byte_delete(data: bytearray, rng: random.Random) -> bytearray:
    i = _pos(data, rng)
    del data[i:i + rng.choice((1, 1, 2, rng.randrange(1, 64)))]
    return data


def _byte_duplicate(data: bytearray, rng: random.Random) -> bytearray:
    i = _pos(data, rng)
    data[i:i] = data[i:i + rng.randrange(1, 64)]
    return data


def _truncate(data: bytearray, rng: random.Random) -> bytearray:
    return data[:_pos(data, rng)]


def _crlf(data: bytearray, rng: random.Random) -> bytearray:
    return bytearray(bytes(data).replace(b"\r\n", b"\n").replace(b"\n", rng.choice((b"\r\n", b"\r"))))


BYTE_MUTATORS: tuple[Callable[..., bytearray], ...] = (
    _byte_flip, _byte_special, _byte_special, _byte_replace, _byte_delete, _byte_duplicate,
    _truncate, _crlf,
)


def mutate_text(data: bytes, other: bytes, vocab: Vocabulary, rng: random.Random) -> tuple[bytes, str]:
    """One to three mutations: of tokens that keep the syntax (half), of tokens that break
    it, of bytes (a fifth)."""
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        roll = rng.random()
        if roll < 0.8:
            toks = tokens(data.decode("utf-8", "surrogateescape"))
            how = rng.choice(KEEPING if roll < 0.55 else BREAKING)
            other_toks = tokens(other.decode("utf-8", "surrogateescape"))
            toks = how(toks, vocab, other_toks, rng)
            data = untokens(toks).encode("utf-8", "surrogateescape")
        else:
            how = rng.choice(BYTE_MUTATORS)
            data = bytes(how(bytearray(data), rng))
        done.append(how.__name__.lstrip("_"))
    return data, "+".join(done)


# -- targets (in a worker process) --------------------------------------------------------------


def wit_features(fs: str) -> frozenset[str]:
    """What `compose inspect --features all` (or no --features) enables for WIT."""
    return frozenset({"all"}) if fs == "all" else frozenset()


def run_text_target(target: str, path: str, ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if target == "wit-inspect":
        from composer.text.inspect import inspect_wit

        runs = {}
        for fs in ctx["features"]:
            run = fuzz.outcome(lambda: inspect_wit(Path(path), wit_features(fs)))
            if run["status"] == "ok":
                run["printed"] = run["value"]
            runs[fs] = run
        return runs
    if target == "wit-targets":
        return {fs: _targets_run(path, ctx, fs) for fs in ctx["features"]}
    if target == "wac-parse":
        return {"-": fuzz.outcome(lambda: _parse_printed(path))}
    if target == "wac-compose":
        return {"-": _compose_run(path, ctx)}
    raise ValueError(target)


def _parse_printed(path: str) -> str:
    """What `compose parse` prints, which must be json.dumps's text of the tree (an
    AssertionError, a crash, if not)."""
    import json

    from composer.text.wac import read_wac
    from composer.text.wac.jsontext import write_document_json
    from composer.text.wac.tojson import document_json

    doc = read_wac(Path(path))
    pieces: list[str] = []
    write_document_json(doc, pieces.append)
    printed = "".join(pieces)
    if printed != json.dumps(document_json(doc), indent=2):
        raise AssertionError("compose parse printed other JSON than json.dumps of the tree")
    return printed


def _targets_run(path: str, ctx: dict[str, Any], fs: str) -> dict[str, Any]:
    """`compose targets COMPONENT PATH --world NAME [--features all]`: the CLI's own reading
    of the world, then the component's differences from it, each a line it prints."""
    from composer.cli.checks import chosen_world
    from composer.host.targeting import target_differences_of

    component = ctx["component"]

    def body() -> list[str]:
        world = chosen_world(Path(path), ctx["world"], wit_features(fs))
        return list(target_differences_of(Path(component), world, fuzz.enabled_features(fs)))

    run = fuzz.outcome(body)
    if run["status"] == "ok":
        run["also"] = [f"{component}: {d}" for d in run["value"]]
        run["verdict"] = "differs" if run["value"] else "targets"
    elif run["status"] == "error":
        # located: an error in the WIT; not the component's, nor one about the world the
        # command line asks for (which the WIT need not hold: no place in it to point at)
        run["located"] = (not run["message"].startswith(component)
                          and f"no world `{ctx['world']}` in package" not in run["message"])
    return run


def _compose_run(path: str, ctx: dict[str, Any]) -> dict[str, Any]:
    from composer.link.compose import compose_document

    # no packages folder: the document's own, which holds nothing but the document
    deps = Path(path).parent / ctx["deps"] if ctx.get("deps") else Path(path).parent

    def body() -> list[str]:
        result = compose_document(path, deps_dir=deps)
        Path(ctx["out"]).write_bytes(result.data)
        return list(result.warnings)

    run = fuzz.outcome(body)
    if run["status"] == "ok":
        run["also"] = run["value"]
    return run


# -- judging -------------------------------------------------------------------------------------


def normalize_wit(text: str) -> str:
    """WIT as wasm-tools prints it, with blank lines dropped and nested packages in name
    order: what two readings must agree on."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("package ") and line.rstrip().endswith("{"):
            blocks.append([])
        if line.strip():
            blocks[-1].append(line.rstrip())
    return "\n".join(blocks[0] + [line for b in sorted(blocks[1:]) for line in b]) + "\n"


def _first_difference(want: str, got: str) -> str:
    a, b = want.splitlines(), got.splitlines()
    for x, y in zip(a, b):
        if x != y:
            return f"wants `{x.strip()}`, printed `{y.strip()}`"
    return f"wants {len(a)} lines, printed {len(b)}"


def _shape(line: str) -> str:
    """A WIT line with its names taken out: the kind of difference, not the instance."""
    return re.sub(r"%?[a-z][a-z0-9-]*", "x", line)[:120]


def smaller_text(data: bytes) -> Any:
    """Smaller versions of a document, largest cuts first: items dropped, then lines, then
    tokens."""
    text = data.decode("utf-8", "surrogateescape")
    toks = tokens(text)

    def enc(t: list[tuple[str, str]]) -> bytes:
        return untokens(t).encode("utf-8", "surrogateescape")

    for s, e, _ in sorted(items(toks), key=lambda i: i[0] - i[1]):
        yield enc(toks[:s] + toks[e:])
    lines = text.split("\n")
    for n in range(len(lines)):
        yield "\n".join(lines[:n] + lines[n + 1:]).encode("utf-8", "surrogateescape")
    for i in _significant(toks):
        yield enc(toks[:i] + toks[i + 1:])


class TextMode(Mode):
    """WIT (`wit-inspect`, `wit-targets`) or WAC (`wac-parse`, `wac-compose`) inputs."""

    def __init__(self, args: argparse.Namespace, oracle: Oracle) -> None:
        super().__init__(args, oracle)
        self.name = args.mode
        self.tmp = Path(tempfile.mkdtemp(prefix=f"fuzz-{self.name}-"))
        atexit.register(shutil.rmtree, self.tmp, True)
        chosen = args.targets.split(",") if args.targets else None
        self.seeds: dict[str, list[Seed]] = {}
        if getattr(args, "replay", None):  # one saved input: no seeds to make inputs from
            self.targets = ()
            return
        if self.name == "wit":
            self.seeds = {"wit-inspect": wit_seeds()}
            if not chosen or "wit-targets" in chosen:
                (self.tmp / "worlds").mkdir()
                self.seeds["wit-targets"] = target_seeds(oracle, self.tmp / "worlds")
            weighted = WIT_TARGETS
        else:
            self.features = ("-",)
            wac = wac_seeds(_seed_deps(self.tmp / "seed-deps"))
            self.seeds = {"wac-parse": wac, "wac-compose": [s for s in wac if s.ctx.get("resolves")]}
            weighted = WAC_TARGETS
        self.targets = tuple(t for t in weighted if not chosen or t in chosen)
        texts = [d.decode("utf-8", "replace") for ss in self.seeds.values() for s in ss
                 for d in s.files.values()]
        self.vocab = Vocabulary(texts)
        self.all_files = [(s, f) for ss in self.seeds.values() for s in ss for f in sorted(s.files)]

    def header(self) -> list[str]:
        seeds = ", ".join(f"{t}: {len(s)} seeds" for t, s in self.seeds.items())
        if self.name == "wit":
            sets = "; ".join(f"{fs}: compose {'inspect/targets --features all' if fs == 'all' else 'inspect/targets'} "
                             f"against wasm-tools component wit/targets{' --all-features' if fs == 'all' else ''}"
                             for fs in self.features)
            return [seeds, f"feature sets: {sets}"]
        return [seeds, "feature sets: none (WAC has no gated features)"]

    def make(self, n: int, rng: random.Random) -> Input:
        target = self.targets[n % len(self.targets)]
        # cases that fail already are a quarter of the inputs: breaking them again finds little
        seeds = self.seeds[target]
        seed = rng.choices(seeds, [1 if "/fail/" in s.name else 3 for s in seeds])[0]
        name = seed.pick(rng)
        other_seed, other_name = rng.choice(self.all_files)
        data, how = mutate_text(seed.files[name], other_seed.files[other_name], self.vocab, rng)
        ctx = {"features": self.features, **seed.ctx}
        rest = tuple((f, d) for f, d in sorted(seed.files.items()) if f != name and "/" not in f)
        return Input(n, target, seed.name, how, data, name=name, entry=seed.entry,
                     copies=seed.copies, files=rest, ctx=ctx)

    def judge(self, inp: Input, path: Path, runs: dict[str, dict[str, Any]]) -> list[Finding]:
        out = common_findings(path, runs, text_input=True)
        if inp.target == "wit-inspect":
            for fs, run in runs.items():
                out += self._wit_verdict(path, fs, run)
        elif inp.target == "wit-targets":
            for fs, run in runs.items():
                out += self._targets_verdict(path, inp.ctx, fs, run)
        elif inp.target == "wac-compose":
            composed = Path(inp.ctx["out"])
            if runs["-"]["status"] == "ok" and composed.exists():
                ok, text = self.oracle.validate(str(composed))
                self.count("outputs checked", "valid" if ok else "invalid")
                if not ok:
                    out.append(Finding("invalid", oracle_key(text), theirs=text, features="-"))
        return out

    def smaller(self, data: bytes) -> Any:
        return smaller_text(data)

    def _wit_args(self, fs: str) -> tuple[str, ...]:
        return ("--all-features",) if fs == "all" else ()

    def _wit_verdict(self, path: Path, fs: str, run: dict[str, Any]) -> list[Finding]:
        if run["status"] not in ("ok", "error"):
            return []
        ok, text = self.oracle.call("component", "wit", *self._wit_args(fs), str(path))
        ours = "accept" if run["status"] == "ok" else "refuse"
        self.count(f"verdicts {fs}", f"{ours}/{'accept' if ok else 'refuse'}")
        if ok and run["status"] == "error":
            return [Finding("false-refusal", rule_key(run["message"], str(path)), run["message"],
                            "accepted", fs)]
        if not ok and run["status"] == "ok":
            return [Finding("false-acceptance", oracle_key(text), run["printed"][:2000], text, fs)]
        if not ok:
            return []
        # both accept: what compose printed must mean, to wasm-tools, what the input means
        printed = _in_root(path).parent / f"printed-{fs}.wit"
        printed.write_text(run["printed"], encoding="utf-8", errors="surrogateescape")
        back_ok, back = self.oracle.call("component", "wit", *self._wit_args(fs), str(printed))
        self.count(f"read back {fs}", "same" if back_ok and normalize_wit(back) == normalize_wit(text)
                   else "refused" if not back_ok else "differs")
        if not back_ok:
            # what wasm-tools prints itself, read back the same way, is refused too: its own
            # printer's slip (wit-parser 1.262 prints a world's type with the `@since` of a
            # foreign package it cannot read back), not ours
            cls = "upstream" if normalize_wit(run["printed"]) == normalize_wit(text) else "wit-meaning"
            return [Finding(cls, "the printed WIT is refused: " + oracle_key(back),
                            run["printed"][:2000], back, fs)]
        want, got = normalize_wit(text), normalize_wit(back)
        if want != got:
            first = _first_difference(want, got)
            # printed as wasm-tools prints it, which wasm-tools reads back otherwise: its
            # printer is not idempotent there (a doc comment's tab, the order of packages)
            cls = "upstream" if normalize_wit(run["printed"]) == want else "wit-meaning"
            return [Finding(cls, "means something else: " + _shape(first),
                            f"{first}\n{run['printed'][:2000]}", text[:2000], fs)]
        return []

    def _targets_verdict(self, path: Path, ctx: dict[str, Any], fs: str,
                         run: dict[str, Any]) -> list[Finding]:
        if run["status"] not in ("ok", "error"):
            return []
        ok, text = self.oracle.call("component", "targets", *self._wit_args(fs), "--world",
                                    ctx["world"], str(path), ctx["component"])
        ours = run.get("verdict", "refuse")
        self.count(f"verdicts {fs}", f"{'accept' if ours == 'targets' else 'refuse'}/"
                   f"{'accept' if ok else 'refuse'}")
        if ok and ours != "targets":
            said = run["message"] if run["status"] == "error" else run["also"][0]
            return [Finding("false-refusal", rule_key(said, str(path)), said, "targets", fs)]
        if not ok and ours == "targets":
            return [Finding("false-acceptance", oracle_key(text), "targets", text, fs)]
        return []


def _in_root(path: Path) -> Path:
    """The laid-out input's folder (`.../in`) of a path inside it."""
    for p in (path, *path.parents):
        if p.name == "in":
            return p
    return path.parent


def make_mode(args: argparse.Namespace, oracle: Oracle) -> TextMode:
    return TextMode(args, oracle)


if __name__ == "__main__":
    sys.exit(fuzz.main(default_mode="wit"))
