"""The cache of component types (composer/model/typecache.py): an input read before is not
decoded or elaborated again, what comes back is what reading it gives, and an entry is used
only where it is proof enough (validated, the same features, the same code)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.build import wat
from support.components import counter, resource_provider, write

from composer.errors import ComposerError
from composer.model import load, typecache
from composer.model import types as T
from composer.model.load import load_component
from composer.model.subtype import Bindings, check_component

INVALID_MODULE = '(component (core module (func (result i32) (i64.const 0))))'


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("COMPOSER_CACHE_DIR", str(where))
    return where


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The files whose component layer is decoded (not taken from the cache)."""
    from composer.model import load

    seen: list[str] = []
    real = load.decode_sections
    monkeypatch.setattr(load, "decode_sections",
                        lambda data, display: seen.append(display) or real(data, display))
    return seen


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("component-types-*/*"))


def same_types(a, b) -> bool:
    """Each component type fits where the other is expected (resources bound one to one)."""
    one, other = a.scope.component_type(), b.scope.component_type()
    return (check_component(one, other, Bindings()) is None
            and check_component(other, one, Bindings()) is None
            and list(one.imports) == list(other.imports)
            and list(one.exports) == list(other.exports))


def test_a_component_read_again_comes_from_the_cache(tmp_path, cache, decodes):
    path = write(tmp_path, "c", counter(3, exports="test:c/api", imports=("test:d/api",)))
    first = load_component(path, types_only=True)
    assert first.scope.complete and decodes == [str(path)]
    assert len(entries(cache)) == 1
    second = load_component(path, types_only=True)
    assert decodes == [str(path)]  # not decoded again
    assert not second.scope.complete
    assert same_types(first, second)
    assert second.scope.tree_size == first.scope.tree_size == 2
    assert second.data == first.data
    # the sections are there when asked for, decoded then
    assert second.component.sections == first.component.sections
    assert decodes == [str(path), str(path)]


def test_only_callers_that_need_types_alone_use_it(tmp_path, cache, decodes):
    path = write(tmp_path, "c", counter(1))
    load_component(path)
    load_component(path)
    assert decodes == [str(path)] * 2 and entries(cache) == []


def test_no_cache_directory_no_entries(tmp_path, monkeypatch, decodes):
    monkeypatch.setenv("COMPOSER_CACHE_DIR", "")
    path = write(tmp_path, "c", counter(1))
    load_component(path, types_only=True)
    load_component(path, types_only=True)
    assert decodes == [str(path)] * 2


def test_resources_shared_between_exports_stay_shared(tmp_path, cache):
    path = write(tmp_path, "r", resource_provider("test:r/api"))
    load_component(path, types_only=True)
    again = load_component(path, types_only=True)
    assert not again.scope.complete
    api = again.scope.exports["test:r/api"]
    res = T.resource_of(api.exports["r"])
    made = api.exports["[constructor]r"].result
    assert isinstance(res, T.ResourceType) and T.resource_of(made.resource) is res
    # a resource read back is numbered in this process: no two show the same number
    fresh = load_component(path).scope.exports["test:r/api"].exports["r"]
    assert T.resource_of(fresh).uid != res.uid


def test_an_unvalidated_reading_is_no_proof_of_validity(tmp_path, cache):
    path = tmp_path / "bad.wasm"
    path.write_bytes(wat(INVALID_MODULE))
    load_component(path, validate=False, types_only=True)  # the module is not looked at
    assert len(entries(cache)) == 1
    with pytest.raises(ComposerError, match="invalid core module: type mismatch"):
        load_component(path, validate=True, types_only=True)
    # and a validated reading serves unvalidated ones
    good = write(tmp_path, "good", counter(1))
    load_component(good, validate=True, types_only=True)
    assert not load_component(good, validate=False, types_only=True).scope.complete


def test_a_validated_entry_is_not_replaced_by_an_unvalidated_one(tmp_path, cache):
    path = write(tmp_path, "c", counter(1))
    scope = load_component(path, types_only=True).scope
    digest = load.content_digest(path.read_bytes())
    cache = typecache.opened()
    cache.remember(digest, frozenset(), scope, checked=False)
    assert cache.recall(digest, frozenset(), checked=True) is not None


def test_entries_are_kept_by_features(tmp_path, cache):
    path = tmp_path / "v.wasm"
    path.write_bytes(wat('(component (import "v" (value $v string)) (export "w" (value $v)))'))
    gated = load_component(path, features=frozenset({"cm-values"}), types_only=True)
    assert "v" in gated.scope.imports
    assert not load_component(path, features=frozenset({"cm-values"}), types_only=True).scope.complete
    with pytest.raises(ComposerError, match="requires the gated feature `cm-values`"):
        load_component(path, types_only=True)


def test_a_damaged_entry_is_read_around(tmp_path, cache, decodes):
    path = write(tmp_path, "c", counter(1, exports="test:c/api"))
    first = load_component(path, types_only=True)
    for entry in entries(cache):
        entry.write_bytes(b"not a pickle")
    again = load_component(path, types_only=True)
    assert again.scope.complete and same_types(first, again)
    for entry in entries(cache):  # a pickle of something else
        entry.write_bytes(__import__("pickle").dumps({"imports": {}}))
    assert load_component(path, types_only=True).scope.complete
    assert len(decodes) == 3


def test_errors_are_not_remembered(tmp_path, cache):
    path = tmp_path / "bad.wasm"
    path.write_bytes(wat(INVALID_MODULE))
    for _ in range(2):
        with pytest.raises(ComposerError, match="invalid core module"):
            load_component(path, types_only=True)
    assert entries(cache) == []


def test_the_stamp_follows_the_source_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not code")
    before = typecache._stamp([tmp_path])
    (tmp_path / "notes.txt").write_text("other text")
    assert typecache._stamp([tmp_path]) == before  # only source files count
    (tmp_path / "a.py").write_text("x = 22\n")
    assert typecache._stamp([tmp_path]) != before
    st = (tmp_path / "a.py").stat()
    os.utime(tmp_path / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    changed = typecache._stamp([tmp_path])
    assert changed != before
    (tmp_path / "b.py").write_text("")
    assert typecache._stamp([tmp_path]) != changed


def test_composing_twice_reads_the_inputs_once(tmp_path, cache, decodes):
    from composer import compose

    root = write(tmp_path, "root", counter(1, imports=("test:a/api",)))
    dep = write(tmp_path, "a", counter(2, exports="test:a/api"))
    first = compose(root, [dep])
    assert sorted(decodes) == sorted([str(root), str(dep)])
    second = compose(root, [dep])
    assert len(decodes) == 2  # the output is checked with what the cache gave
    assert second.data == first.data


def padded(tmp_path: Path, name: str, size: int = 1 << 20) -> Path:
    """A component over the size at which files are mapped (a custom section of padding)."""
    from composer.binary.writer import encode_u

    payload = b"\x03pad" + b"\x00" * size
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(wat(counter(5, exports="test:big/api")) + b"\x00" + encode_u(len(payload)) + payload)
    return path


@pytest.fixture
def hashes(monkeypatch) -> list[int]:
    """The sizes of the inputs hashed."""
    from composer.model import load

    seen: list[int] = []
    real = load.content_digest
    monkeypatch.setattr(load, "content_digest", lambda data: seen.append(len(data)) or real(data))
    return seen


def test_a_large_file_unchanged_is_not_hashed_again(tmp_path, cache, hashes, monkeypatch):
    monkeypatch.setattr(typecache, "_SETTLED", -60.0)  # the file is new: note it anyway
    path = padded(tmp_path, "big")
    first = load_component(path, types_only=True)
    assert hashes == [len(first.data)] and not isinstance(first.data, bytes)  # mapped
    second = load_component(path, types_only=True)
    assert hashes == [len(first.data)] and not second.scope.complete
    assert "test:big/api" in second.scope.exports
    # the same size, other bytes: its state changed, so it is hashed and read again
    data = bytearray(path.read_bytes())
    export_at = data.index(b"test:big/api")
    data[export_at:export_at + 12] = b"test:big/apj"
    st = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with its old modification time
    third = load_component(path, types_only=True)
    assert len(hashes) == 2 and third.scope.complete
    assert "test:big/apj" in third.scope.exports


def test_a_copy_of_a_large_file_is_known_by_its_bytes(tmp_path, cache, hashes, monkeypatch):
    # a new file state (a copy, a checkout): hashed, while it is decoded meanwhile, and
    # found in the cache by the digest
    import shutil

    monkeypatch.setattr(typecache, "_SETTLED", -60.0)
    path = padded(tmp_path, "big")
    first = load_component(path, types_only=True)
    copy = tmp_path / "copy.wasm"
    shutil.copyfile(path, copy)
    second = load_component(copy, types_only=True)
    assert hashes == [len(first.data)] * 2
    assert not second.scope.complete and list(second.scope.exports) == ["test:big/api"]
    assert second.component.sections == first.component.sections


def test_small_files_are_hashed_each_time(tmp_path, cache, hashes, monkeypatch):
    monkeypatch.setattr(typecache, "_SETTLED", -60.0)
    path = write(tmp_path, "c", counter(1))
    load_component(path, types_only=True)
    load_component(path, types_only=True)
    assert len(hashes) == 2
    assert not list(cache.glob("component-types-*/by-state/*"))


def test_a_state_is_noted_only_once_the_file_has_settled(tmp_path, cache):
    path = tmp_path / "f"
    path.write_bytes(b"x")
    st = path.stat()
    cache = typecache.opened()
    cache.note_state(st, "a" * 64)  # just written: its times could be reused
    assert cache.digest_by_state(st) is None
    cache.note_state(st, "a" * 64, now=st.st_ctime + typecache._SETTLED + 1)
    assert cache.digest_by_state(st) == "a" * 64
    path.write_bytes(b"y")
    assert cache.digest_by_state(path.stat()) is None


def test_the_folder_is_named_after_the_code_that_reads_components(monkeypatch):
    from composer import __version__

    stamped = []
    monkeypatch.setattr(typecache, "_stamp", lambda folders, start: stamped.append((folders, start)) or "f" * 16)
    typecache._fingerprint.cache_clear()
    try:
        assert typecache._fingerprint() == "f" * 16
    finally:
        typecache._fingerprint.cache_clear()
    [(folders, start)] = stamped
    assert {f.name for f in folders} == {"model", "binary", "composer"}
    assert __version__ in start and typecache._CACHE_VERSION in start
    assert typecache._folder(Path("/c")).endswith(f"component-types-{typecache._fingerprint()}")


def test_a_large_entry_is_read_whole(cache):
    # an interface with thousands of functions: an entry of more than one read
    class Wide:
        imports = {f"f{i}": T.FuncType((("a", T.PrimType("string")),), T.PrimType("u32"))
                   for i in range(6000)}
        exports: dict = {}
        tree_size = 1

    store = typecache.opened()
    store.remember("ab" * 32, frozenset(), Wide, checked=True)
    assert os.path.getsize(store._entry("ab" * 32, frozenset())) > 3 * (1 << 16)
    back = store.recall("ab" * 32, frozenset(), checked=True)
    assert back is not None and back.imports == Wide.imports


def test_an_entry_naming_anything_but_the_model_is_not_run(tmp_path, cache, decodes):
    import pickle

    path = write(tmp_path, "c", counter(1, exports="test:c/api"))
    load_component(path, types_only=True)
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(ran),))

    for entry in entries(cache):
        entry.write_bytes(pickle.dumps(Payload()))
    again = load_component(path, types_only=True)
    assert not ran.exists()  # refused, not run
    assert again.scope.complete and "test:c/api" in again.scope.exports
    assert len(decodes) == 2
