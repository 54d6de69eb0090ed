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
of the elaborator never meets types another version worked out. The entries are pickles: the
cache directory is the user's own, like the compiled modules Python keeps next to its source.
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


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _entry(digest: str, features: frozenset[str]) -> Path | None:
    root = cache_dir()
    if root is None:
        return None
    name = digest + ("+" + ",".join(sorted(features)) if features else "")
    return root / f"component-types-{_fingerprint()}" / name


def recall(digest: str, features: frozenset[str], checked: bool) -> Remembered | None:
    """The entry for the component with this digest read with these gated `features`, if
    there is one that will do (`checked`: one whose core modules were validated)."""
    where = _entry(digest, features)
    if where is None:
        return None
    try:
        data = where.read_bytes()
    except OSError:
        return None
    import pickle

    try:
        found = pickle.loads(data)
    except Exception:  # noqa: BLE001 - damaged or foreign: read the component instead
        return None
    if not isinstance(found, Remembered) or (checked and not found.checked):
        return None
    return found


def remember(digest: str, features: frozenset[str], scope: Any, checked: bool) -> None:
    """Write the entry for a component read without error (its outermost `scope`). An entry
    of a validated reading is not replaced by one of an unvalidated reading."""
    where = _entry(digest, features)
    if where is None:
        return
    if not checked and where.exists():
        return
    import pickle

    try:
        data = pickle.dumps(Remembered(scope.imports, scope.exports, scope.tree_size, checked),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a type that cannot be stored is read again next time
        return
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.with_name(f".{where.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, where)
    except OSError:
        pass  # a cache that cannot be written only costs time
