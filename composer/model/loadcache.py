"""What a long-lived process (`compose --persistent_worker`) remembers of the components it
has read, keyed by the digests its build system declares for them, so an input unchanged
since an earlier request is neither read nor hashed again.

The worker declares, for the request it is running, each input's path and the digest Bazel
sent for it (`declare`), and withdraws them after (`withdraw`). While a path has a digest,
`load_component` looks it up here under (digest, how it was loaded) before reading the file,
and keeps what it loaded: by content, as Bazel's digests are of the bytes, so one file under
two paths is one entry. Without declared digests (every one-shot run) nothing is
looked up or kept.

What is kept is bounded by the memory the components held take (`held_estimate`):
`COMPOSE_WORKER_CACHE_BYTES` (default 512 MB); past it, the least recently used are let go.
A component larger than the limit is not kept.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any, Hashable

DEFAULT_LIMIT = 512 << 20

# A loaded component holds its file's bytes and what was decoded from them: its types,
# imports, exports and index spaces, Python objects tens of times the size of the bytes they
# came from, while its core modules stay bytes. Measured with tracemalloc over the corpus and
# the fixtures (scripts/worker_memory.py), file bytes + 48 per byte outside the core modules
# + 8 KiB is above what every one of them holds (at most 0.97 of it, 0.58 the median), where
# file bytes alone fall short by up to 50x for small components.
_PER_DECODED_BYTE = 48
_PER_COMPONENT = 8 << 10


def _limit() -> int:
    value = os.environ.get("COMPOSE_WORKER_CACHE_BYTES", "")
    try:
        return max(0, int(value)) if value else DEFAULT_LIMIT
    except ValueError:
        return DEFAULT_LIMIT


def held_estimate(data: bytes) -> int:
    """An upper estimate of the memory a component loaded from `data` holds."""
    from ..binary.component import section_sizes
    from ..binary.sections import CORE_MODULE

    modules = sum(size for sid, size in section_sizes(data) if sid == CORE_MODULE)
    return len(data) + _PER_DECODED_BYTE * (len(data) - modules) + _PER_COMPONENT


class LoadCache:
    """A least-recently-used map bounded by the total size given with each entry."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = _limit() if limit is None else limit
        self.held = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._digests: dict[str, bytes] = {}
        self._absolute = None

    def declare(self, inputs: dict[str, bytes]) -> None:
        """The digests of the inputs of the request about to run (paths as the request
        names them, relative to the working directory or absolute)."""
        self._digests = {path: digest for path, digest in inputs.items() if digest}
        self._absolute = None

    def withdraw(self) -> None:
        self._digests = {}
        self._absolute = None

    def digest(self, path: str) -> bytes | None:
        """The declared digest of `path`, None when none is (always, in a one-shot run).
        Looked up as written first: Bazel names an input in the arguments as in the inputs,
        and a request of a thousand inputs should not ask for the working directory a
        thousand times; then as an absolute path."""
        if not self._digests:
            return None
        found = self._digests.get(path)
        if found is None:
            if self._absolute is None:
                self._absolute = {os.path.abspath(p): d for p, d in self._digests.items()}
            found = self._absolute.get(os.path.abspath(path))
        return found

    def recall(self, key: Hashable) -> Any:
        got = self._entries.get(key)
        if got is None:
            return None
        self._entries.move_to_end(key)
        return got[0]

    def keep(self, key: Hashable, value: Any, size: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.held -= old[1]
        if size > self.limit:
            return
        self._entries[key] = (value, size)
        self.held += size
        while self.held > self.limit:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.held -= dropped

    def __len__(self) -> int:
        return len(self._entries)


# The process's one cache (a worker's requests run one at a time).
CACHE = LoadCache()
