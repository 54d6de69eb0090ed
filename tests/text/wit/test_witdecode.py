"""The WIT decoder and printer (`composer.text.wit.decode`, `.printer`) against `wasm-tools
component wit`, the reference: the project's fixtures, components built from WIT for each
kind of item, WIT packages encoded as components (docs and gates), and the shared corpus.

Where the texts differ, both are read back by `wasm-tools component wit` and the normalised
outputs compared, so that only differences of meaning fail."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support import ROOT
from support.build import wit_component
from support.oracle import wasm_tools
from support.witshapes import SHAPES, WORLDS
from composer.model.elaborate import FEATURES
from composer.model.load import load_component
from composer.text.wit.decode import decode_wit
from composer.text.wit.printer import print_resolved

CORPUS = ROOT.parent / "shared" / "corpus"


def ours(path: Path) -> str:
    # core modules are not what is printed here: skip their validation (it needs proposals
    # such as custom page sizes that the loader does not enable)
    return print_resolved(decode_wit(load_component(path, validate=False, features=FEATURES)))


def theirs(path: Path) -> str | None:
    proc = wasm_tools("component", "wit", "--all-features", str(path), check=False)
    return proc.stdout.decode() if proc.returncode == 0 else None


def normalised(text: str) -> str:
    """`text` as wasm-tools reads and prints it back (an error message if it cannot)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "doc.wit")
        src.write_text(text)
        proc = wasm_tools("component", "wit", "--all-features", str(src), check=False)
        return proc.stdout.decode() if proc.returncode == 0 else "error: " + proc.stderr.decode()


def agrees(path: Path, reference: str) -> tuple[bool, str]:
    """(whether we print what wasm-tools does, `reference`, the reason if not)."""
    try:
        mine = ours(path)
    except Exception as exc:  # noqa: BLE001 - the reason is what the report needs
        return False, f"{type(exc).__name__}: {exc}"
    if mine == reference or normalised(mine) == normalised(reference):
        return True, ""
    return False, "differs"


def component(tmp_path: Path, wit: str, world: str) -> Path:
    path = tmp_path / "c.wasm"
    path.write_bytes(wit_component(wit, world))
    return path


def test_every_fixture_prints_as_wasm_tools_does(small_fixtures):
    checked, failures = 0, []
    for name, path in sorted(small_fixtures.items()):
        reference = theirs(path) if path.suffix == ".wasm" else None
        if reference is None:
            continue  # core modules, components wasm-tools has no WIT for
        checked += 1
        ok, why = agrees(path, reference)
        if not ok:
            failures.append(f"{name}: {why}")
    assert checked >= 15
    assert not failures, failures


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_components_built_from_wit(tmp_path, world):
    path = component(tmp_path, SHAPES + WORLDS[world], world)
    assert ours(path) == theirs(path)


def test_other_packages_used_across(tmp_path):
    """`use` of another package's interface, and its package printed nested after the
    packages it depends on."""
    deps = {
        "deps/base/base.wit": "package ex:base@1.0.0; interface ids { type id = u64; }",
        "deps/mid/mid.wit": "package ex:mid; interface m { use ex:base/ids@1.0.0.{id}; get: func() -> id; }",
        "main.wit": "package ex:main; world w { import ex:mid/m; export ex:mid/m; }",
    }
    for rel, text in deps.items():
        (tmp_path / "wit" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "wit" / rel).write_text(text)
    core, out = tmp_path / "core.wasm", tmp_path / "c.wasm"
    wasm_tools("component", "embed", "--dummy", str(tmp_path / "wit"), "-w", "w", "-o", str(core))
    wasm_tools("component", "new", str(core), "-o", str(out))
    assert ours(out) == theirs(out)


def test_wit_package_with_docs_and_gates(tmp_path):
    """A WIT package encoded as a component: interfaces and worlds of the package itself,
    with the docs and gates of the `package-docs` section."""
    src = tmp_path / "g.wit"
    src.write_text(GATED)
    out = tmp_path / "g.wasm"
    wasm_tools("component", "wit", "--all-features", "--wasm", str(src), "-o", str(out))
    assert ours(out) == theirs(out)


def test_a_wit_package_a_wac_document_names_is_read_once(tmp_path, monkeypatch):
    """`link.packages.load_package` on a WIT package in binary form whose imports and
    exports come from the cache of component types: its WIT is decoded from the bytes read
    already (the whole of it elaborated), its file not read a second time."""
    from composer.link.packages import load_package
    from composer.model import load

    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "g.wit"
    src.write_text(GATED)
    out = tmp_path / "g.wasm"
    wasm_tools("component", "wit", "--all-features", "--wasm", str(src), "-o", str(out))
    first = load_package("ex:gates", "1.0.0", out, validate=True)
    assert not load_component(out, types_only=True).scope.complete  # from the cache now
    reads: list[Path] = []
    real = load.read_component
    monkeypatch.setattr(load, "read_component",
                        lambda path, mapped=False: reads.append(path) or real(path, mapped))
    again = load_package("ex:gates", "1.0.0", out, validate=True)
    assert reads == [out]
    assert again.definitions.keys() == first.definitions.keys() == {"api", "user", "w"}
    assert [i for i, _ in again.definitions.values()] == [i for i, _ in first.definitions.values()]


GATED = """
/// The package.
package ex:gates@1.0.0;

/// An interface.
@since(version = 1.0.0)
interface api {
  /// A record.
  @since(version = 1.0.0)
  record point {
    /// Across.
    x: s32,
    y: s32,
  }
  enum side {
    left,
    /// The other one.
    right,
  }
  /// A resource.
  resource blob {
    /// Makes one.
    constructor(n: u32);
    /// Its size.
    @since(version = 1.0.0)
    @deprecated(version = 1.1.0)
    size: func() -> u32;
    make: static func() -> blob;
  }
  /// Moves.
  @unstable(feature = fancy)
  move: func(p: point) -> point;
}

interface user {
  @since(version = 1.0.0)
  use api.{point, blob as b};
  get: func(x: borrow<b>) -> result<_, point>;
}

/// The world.
world w {
  @since(version = 1.0.0)
  import api;
  /// Logs.
  import log: func(msg: string);
  use api.{point};
  /// A type.
  type counter = u64;
  export user;
  /// An inline one.
  export inline: interface {
    f: func() -> option<tuple<u8, string>>;
  }
}
"""


def _corpus_rows() -> list[str]:
    lines = (CORPUS / "manifest.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t")))["file"] for line in lines[1:]]


@pytest.mark.skipif(not (CORPUS / "manifest.tsv").exists(), reason="../shared/corpus is not here")
def test_corpus_agrees_with_wasm_tools():
    """Every corpus component wasm-tools prints WIT for: ours, read back, is what wasm-tools
    reads the component to."""
    def check(name: str) -> tuple[str, bool, str] | None:
        path = CORPUS / "components" / name
        reference = theirs(path)
        return None if reference is None else (name, *agrees(path, reference))

    with ThreadPoolExecutor(8) as pool:  # the time goes to wasm-tools subprocesses
        results = [r for r in pool.map(check, _corpus_rows()) if r is not None]
    printable, agree = len(results), sum(ok for _, ok, _ in results)
    failures = [f"{name}: {why}" for name, ok, why in results if not ok]
    print(f"WIT decoder corpus: {agree}/{printable} agree with wasm-tools component wit")
    assert printable > 600
    assert not failures, failures
