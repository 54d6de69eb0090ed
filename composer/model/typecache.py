"""The component types of components read before, remembered by the content of their files.

Composing reads every input's component layer (decoding its sections, elaborating its
types) only to learn its imports, its exports and how many modules and components it holds;
for a tiny component that is about half a millisecond of Python, for a componentize-py one a
tenth of a second, and a Makefile composes the same dependencies again and again. So what
elaborating a file found is remembered in the cache directory (`corevalidate.cache_dir`) under
the SHA-256 of its bytes, as wasmtime caches compiled code: an unchanged input is not decoded,
elaborated or validated a second time.

An entry is written only for a component that was read without error, and says whether its
core modules were validated too (`checked`): a run that validates trusts only checked
entries. Entries are tied to the code that wrote them (`_fingerprint`: composer's version
and the files of the model and binary layers, wasmtime's validator), so an upgrade or an edit
of the elaborator never meets types another version worked out. The entries are pickles of
the type model's records, read back by an unpickler that makes nothing else (`_unpickle`).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

from ..record import Record
from .corevalidate import _CACHE_VERSION, cache_dir

# Bumped when what an entry holds changes shape.
_FORMAT = 1


class Remembered(Record):
    """What an entry holds: the component's imports and exports (its `ComponentType`'s parts,
    resources shared between them kept shared), its count of modules and components, and
    whether its core modules were validated."""

    imports: dict
    exports: dict
    tree_size: int
    checked: bool


# -- the index of file states --------------------------------------------------------------
# Hashing a componentize-py component (18 MB) takes ~15 ms, a tenth of a warm `compose`; as
# git's index does, the digest of a large file is remembered with the file's state (device,
# inode, size, modification and change times) and trusted while the state is the same. A
# state is only noted when the file is older than `_SETTLED` seconds: a file written again
# within the clock's resolution of being hashed could keep its times ("racy git").

_SETTLED = 2.0


def _state(st: os.stat_result) -> tuple[str, str]:
    """(the index entry's name, what it holds besides the digest)."""
    return f"{st.st_dev}-{st.st_ino}", f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


@functools.lru_cache(maxsize=1)
def _fingerprint() -> str:
    """What decides what an entry holds: this format, composer's version, wasmtime's
    validator, and the source files of the layers that read components (an edited
    elaborator must not meet an older one's types)."""
    from .. import __version__

    here = Path(__file__).resolve().parent
    return _stamp([here, here.parent / "binary", here.parent],
                  f"{_FORMAT} {__version__} {_CACHE_VERSION}")


def _stamp(folders: list[Path], start: str = "") -> str:
    """A digest of `start` and the name, size and modification time of every `.py` file
    directly in `folders` (a stat each: no file is read)."""
    h = hashlib.sha256(start.encode())
    for folder in folders:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                h.update(f"{folder.name}/{entry.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _folder(root: Path) -> str:
    # a string, joined with os.path: asked once per input, and Path objects cost tens of
    # microseconds each over thousands of inputs
    return os.path.join(root, f"component-types-{_fingerprint()}")


def opened() -> "TypeCache | None":
    """The cache in the cache directory (`corevalidate.cache_dir`), None if there is none."""
    root = cache_dir()
    return None if root is None else TypeCache(_folder(root))


class TypeCache:
    """The entries of one version of the code (`_fingerprint`) in one cache directory."""

    __slots__ = ("folder",)

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def _entry(self, digest: str, features: frozenset[str]) -> str:
        name = digest + ("+" + ",".join(sorted(features)) if features else "")
        return os.path.join(self.folder, name)

    def recall(self, digest: str, features: frozenset[str], checked: bool) -> Remembered | None:
        """The entry for the component with this digest read with these gated `features`,
        if there is one that will do (`checked`: one whose core modules were validated)."""
        try:
            fd = os.open(self._entry(digest, features), os.O_RDONLY)
        except OSError:
            return None
        try:
            chunks = [os.read(fd, 1 << 16)]  # entries are a few kilobytes: one read
            while len(chunks[-1]) == 1 << 16:
                chunks.append(os.read(fd, 1 << 16))
        except OSError:
            return None
        finally:
            os.close(fd)
        data = b"".join(chunks)
        try:
            found = _unpickle(data)
        except Exception:  # noqa: BLE001 - damaged or foreign: read the component instead
            return None
        if not isinstance(found, Remembered) or (checked and not found.checked):
            return None
        return found

    def remember(self, digest: str, features: frozenset[str], scope: Any, checked: bool) -> None:
        """Write the entry for a component read without error (its outermost `scope`). An
        entry of a validated reading is not replaced by one of an unvalidated reading."""
        where = self._entry(digest, features)
        if not checked and os.path.exists(where):
            return
        import pickle

        try:
            data = pickle.dumps(Remembered(scope.imports, scope.exports, scope.tree_size, checked),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a type that cannot be stored is read again next time
            return
        _write(where, data)

    def digest_by_state(self, st: os.stat_result) -> str | None:
        """The digest noted for the file in state `st`, if its state has not changed since."""
        name, state = _state(st)
        try:
            with open(os.path.join(self.folder, "by-state", name), encoding="ascii") as f:
                noted, _, digest = f.read().rpartition(" ")
        except (OSError, ValueError):
            return None
        return digest if noted == state and len(digest) == 64 else None

    def note_state(self, st: os.stat_result, digest: str, now: float | None = None) -> None:
        """Note that the file in state `st` has this digest (unless it changed too recently)."""
        import time

        if max(st.st_mtime, st.st_ctime) > (now or time.time()) - _SETTLED:
            return
        name, state = _state(st)
        _write(os.path.join(self.folder, "by-state", name), f"{state} {digest}".encode("ascii"))


def _unpickle(data: bytes) -> object:
    """An entry read back, making no object but the type model's records: a pickle can
    name any callable to run, and a cache directory may be shared (a CI cache, say), so an
    entry that names anything else is refused, not run."""
    import io

    return _unpickler()(io.BytesIO(data)).load()


@functools.lru_cache(maxsize=1)
def _unpickler() -> type:
    import pickle

    from . import types as T

    class Restricted(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            found = None
            if module == T.__name__:
                found = getattr(T, name, None)
            elif module == __name__ and name == "Remembered":
                found = Remembered
            if not (isinstance(found, type) and issubclass(found, Record)):
                raise pickle.UnpicklingError(f"{module}.{name} is not a type of the model")
            return found

    return Restricted


def _write(where: str, data: bytes) -> None:
    """Put an entry in place whole (written aside, then renamed)."""
    folder, name = os.path.split(where)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, where)
    except OSError:
        pass  # a cache that cannot be written only costs time
