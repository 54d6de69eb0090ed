"""Reading a component from a file: bytes, sections, elaborated types, errors naming the file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..binary.component import Component, Framing
from .elaborate import elaborate
from .corevalidate import content_digest
from .features import enabled
from .indexspaces import IndexSpaces
from .loadcache import CACHE as _KEPT
from .loadcache import held_estimate
from .typecache import TypeCache, opened
from ..errors import ComposerError
from ..files import looks_like_wat, read_wasm
from ..record import Record


class LoadedComponent(Record, mutable=True):
    """A component read from `path`: its bytes, its sections and its index spaces (only its
    imports and exports when `scope.complete` is False, see `load_component`)."""

    path: Path
    data: bytes  # or, for a large file read `types_only`, a read-only map that reads like it
    decoded: Component | None  # None until `component` is first asked for
    scope: IndexSpaces

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def component(self) -> Component:
        """The component's sections, decoded when first asked for."""
        if self.decoded is None:
            self.decoded = decode_sections(self.data, self.display)
        return self.decoded


# Files at least this large are mapped rather than read by callers that take a mapping
# (`read_component(mapped=True)`): a componentize-py component is 18 MB, and reading it
# copies every byte once more than composing needs (its bytes go from the page cache
# straight to the output file).
_MAPPED = 1 << 20


# A stream whose first bytes frame as a component is read on to its end (or the limit on
# inputs) unchecked: garbage fails in its first sections, and walking a stream of millions
# of tiny sections would cost more than reading it.
_FRAMED_UP_TO = 1 << 20


def _stream_stops() -> Any:
    """When to stop reading a component from a stream: at the first bytes that cannot begin
    a component's binary (`Framing`); a stream of WebAssembly text is read to its end."""
    framing = Framing()

    def stops(data: bytearray) -> bool:
        head = data[:64].lstrip()
        if not head or looks_like_wat(head) or framing.at > _FRAMED_UP_TO:
            return False
        return framing.stops(data)
    return stops


def read_component(path: Path, mapped: bool = False) -> bytes:
    """A component file's bytes (mapped, if asked and large); one written as WebAssembly
    text is turned into them."""
    try:
        return read_wasm(path, "component", mapped_from=_MAPPED if mapped else None,
                         stops=_stream_stops())
    except FileNotFoundError:
        raise ComposerError("component file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ComposerError("expected a component file, found a directory", file=str(path)) from None
    except OSError as exc:
        raise ComposerError(f"cannot read component: {exc.strerror or exc}", file=str(path)) from None


def decode_sections(data: bytes, display: str) -> Component:
    try:
        return Component.decode(data)
    except ComposerError as exc:
        if looks_like_wat(data):
            raise ComposerError(
                "this is WebAssembly text, not a binary component "
                "(convert it first, e.g. `wasm-tools parse FILE.wat -o FILE.wasm`)",
                file=display,
            ) from None
        raise exc.with_file(display) from None


def _digest(path: Path, data: bytes, cache: TypeCache) -> tuple[str, Component | None]:
    """The SHA-256 of a component's bytes; a large file's is taken from the cache's
    index of file states when the file has not changed since it was hashed (`typecache`).
    A large file hashed is decoded meanwhile (hashlib lets go of the GIL while it hashes
    megabytes): its sections are returned too, None when not decoded."""
    if isinstance(data, bytes):  # not mapped: small, text turned into binary, or not mappable
        return content_digest(data), None
    st = os.stat(path)
    digest = cache.digest_by_state(st)
    if digest is not None:
        return digest, None
    import threading

    hashed: list[str] = []
    hashing = threading.Thread(target=lambda: hashed.append(content_digest(data)))
    hashing.start()
    try:
        # needed unless the cache knows these bytes under another file state (a copy, a
        # checkout), when decoding was a few milliseconds spent while waiting anyway
        comp = decode_sections(data, str(path))
    finally:
        hashing.join()
    cache.note_state(st, hashed[0])
    return hashed[0], comp


_LOOK_UP: Any = object()


def load_component(path: Path | str, validate: bool = True,
                   features: frozenset[str] | None = None, types_only: bool = False,
                   cache: TypeCache | None = _LOOK_UP) -> LoadedComponent:
    """Read, decode and elaborate a component, validating it completely (its core modules
    included) unless told not to, with the gated `features` enabled (by default those in
    effect, `features.enabled`); every failure names the file.

    A caller that needs only the component's imports, exports and count of modules and
    components (`types_only`: linking) may get them from the cache of component types, if
    a file with the same bytes was read before: its scope is then not `complete`. `cache`
    is that cache (`typecache.opened()`, None for none), looked up on each call if not given:
    a caller reading thousands of components looks it up once.

    In a persistent worker, an input whose digest the request declared is taken from what
    the worker remembers (`loadcache`) when it was loaded before with that digest: the file
    is then neither read nor hashed.
    """
    if not isinstance(path, Path):
        path = Path(path)
    if features is None:
        features = enabled()
    display = str(path)
    declared = _KEPT.digest(display)  # a worker's request declared this input's digest
    if declared is not None:
        # by content (Bazel's digests are of the bytes): the same file under two names is one
        key = (declared, validate, features)
        kept = _KEPT.recall(key)
        if kept is not None and (types_only or kept.scope.complete):
            return LoadedComponent(path, kept.data, kept.decoded, kept.scope)
        # read, never mapped: what is kept outlives the request, and a file changed in
        # place would change a map, and every section decoded from it, under it
        loaded = _load(path, validate, features, types_only, cache, mapped=False)
        _KEPT.keep(key, loaded, held_estimate(loaded.data))
        return loaded
    return _load(path, validate, features, types_only, cache, mapped=types_only)


def _load(path: Path, validate: bool, features: frozenset[str], types_only: bool,
          cache: TypeCache | None, mapped: bool) -> LoadedComponent:
    display = str(path)
    data = read_component(path, mapped=mapped)
    digest = comp = None
    if not types_only:
        cache = None
    elif cache is _LOOK_UP:
        cache = opened()
    if cache is not None:
        digest, comp = _digest(path, data, cache)
        found = cache.recall(digest, features, checked=validate)
        if found is not None:
            scope = IndexSpaces("component")
            scope.imports, scope.exports = found.imports, found.exports
            scope.tree_size, scope.complete = found.tree_size, False
            return LoadedComponent(path, data, comp, scope)
    if comp is None:
        comp = decode_sections(data, display)
    scope = _elaborated(comp, display, validate, features)
    if cache is not None and digest is not None:
        cache.remember(digest, features, scope, checked=validate)
    return LoadedComponent(path, data, comp, scope)


def load_bytes(data: bytes, display: str, validate: bool = True) -> LoadedComponent:
    """A component made in memory (a synthesized adapter), decoded and elaborated as a
    file is; `display` names it in messages."""
    comp = decode_sections(data, display)
    return LoadedComponent(Path(display), data, comp,
                           _elaborated(comp, display, validate, enabled()))


def completed(loaded: LoadedComponent, validate: bool = True) -> LoadedComponent:
    """`loaded` with its whole index spaces: a component whose imports and exports alone came
    from the cache of component types (`scope.complete` False) is elaborated from the bytes
    read already, not read again."""
    if loaded.scope.complete:
        return loaded
    scope = _elaborated(loaded.component, loaded.display, validate, enabled())
    return LoadedComponent(loaded.path, loaded.data, loaded.component, scope)


def _elaborated(comp: Component, display: str, validate: bool, features: frozenset[str]) -> IndexSpaces:
    try:
        return elaborate(comp, validate=validate, features=features)
    except ComposerError as exc:
        raise exc.with_file(display) from None
