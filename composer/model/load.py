"""Reading a component from a file: bytes, sections, elaborated types, errors naming the file."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ..binary.component import Component
from .elaborate import Scope, elaborate
from .corevalidate import content_digest
from .features import enabled
from .typecache import TypeCache, opened
from ..errors import ComposerError
from ..record import Record


class Loaded(Record, mutable=True):
    """A component read from `path`: its bytes, its sections and its index spaces (only its
    imports and exports when `scope.complete` is False, see `load_component`)."""

    path: Path
    data: bytes  # or, for a large file read `types_only`, a read-only map that reads like it
    decoded: Component | None  # None until `component` is first asked for
    scope: Scope

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def component(self) -> Component:
        """The component's sections, decoded when first asked for."""
        if self.decoded is None:
            self.decoded = decode_component(self.data, self.display)
        return self.decoded


# Files at least this large are mapped rather than read by callers that take a mapping
# (`read_component(mapped=True)`): a componentize-py component is 18 MB, and reading it
# copies every byte once more than composing needs (its bytes go from the page cache
# straight to the output file).
_MAPPED = 1 << 20


def read_file(path: Path, what: str = "component", mapped: bool = False) -> bytes:
    """The file's bytes; with `mapped`, a large file's as a read-only memory map (which
    slices, hashes and views like bytes)."""
    try:
        if mapped:
            return _mapped_or_read(path)  # type: ignore[return-value]
        return path.read_bytes()
    except FileNotFoundError:
        raise ComposerError(f"{what} file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ComposerError(f"expected a {what} file, found a directory", file=str(path)) from None
    except OSError as exc:
        raise ComposerError(f"cannot read {what}: {exc.strerror}", file=str(path)) from None


def _mapped_or_read(path: Path) -> object:
    # os-level calls: no file object made for each of thousands of small inputs
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)  # (a directory is refused by the read below: EISDIR)
        if stat.S_ISREG(st.st_mode) and st.st_size >= _MAPPED:
            import mmap

            try:
                return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                pass  # a file system that cannot map: read it
        # to the end, whatever the size said: a pipe or device has none, a file may have
        # changed since, and one read returns at most 2 GiB
        chunks = [os.read(fd, st.st_size + 1 if stat.S_ISREG(st.st_mode) else 1 << 16)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return chunks[0] if len(chunks) == 2 else b"".join(chunks)
    finally:
        os.close(fd)


def _looks_like_text(data: bytes) -> bool:
    head = data[:64].lstrip()
    return head.startswith((b"(", b";;", b"(;"))


def read_component(path: Path, mapped: bool = False) -> bytes:
    """A component file's bytes (mapped, if asked and large); one written as WebAssembly
    text is turned into them."""
    data = read_file(path, mapped=mapped)
    if _looks_like_text(data):
        from ..text.wat import wat_to_binary

        return wat_to_binary(data, str(path))
    return data


def decode_component(data: bytes, display: str) -> Component:
    try:
        return Component.decode(data)
    except ComposerError as exc:
        if _looks_like_text(data):
            raise ComposerError(
                "this is WebAssembly text, not a binary component "
                "(convert it first, e.g. `wasm-tools parse FILE.wat -o FILE.wasm`)",
                file=display,
            ) from None
        raise exc.with_file(display) from None


def _digest(path: Path, data: bytes, cache: TypeCache) -> str:
    """The SHA-256 of a component's bytes; a large file's is taken from the cache's
    index of file states when the file has not changed since it was hashed (`typecache`)."""
    if isinstance(data, bytes):  # not mapped: small, text turned into binary, or not mappable
        return content_digest(data)
    st = os.stat(path)
    digest = cache.digest_by_state(st)
    if digest is None:
        digest = content_digest(data)
        cache.note_state(st, digest)
    return digest


_LOOK_UP: Any = object()


def load_component(path: Path | str, validate: bool = True,
                   features: frozenset[str] | None = None, types_only: bool = False,
                   cache: TypeCache | None = _LOOK_UP) -> Loaded:
    """Read, decode and elaborate a component, validating it completely (its core modules
    included) unless told not to, with the gated `features` enabled (by default those in
    effect, `features.enabled`); every failure names the file.

    A caller that needs only the component's imports, exports and count of modules and
    components (`types_only`: linking) may get them from the cache of component types, if
    a file with the same bytes was read before: its scope is then not `complete`. `cache`
    is that cache (`typecache.opened()`, None for none), looked up on each call if not given:
    a caller reading thousands of components looks it up once.
    """
    if not isinstance(path, Path):
        path = Path(path)
    if features is None:
        features = enabled()
    display = str(path)
    data = read_component(path, mapped=types_only)
    digest = None
    if not types_only:
        cache = None
    elif cache is _LOOK_UP:
        cache = opened()
    if cache is not None:
        digest = _digest(path, data, cache)
        found = cache.recall(digest, features, checked=validate)
        if found is not None:
            scope = Scope("component")
            scope.imports, scope.exports = found.imports, found.exports
            scope.tree_size, scope.complete = found.tree_size, False
            return Loaded(path, data, None, scope)
    comp = decode_component(data, display)
    try:
        scope = elaborate(comp, validate=validate, features=features)
    except ComposerError as exc:
        raise exc.with_file(display) from None
    if cache is not None and digest is not None:
        cache.remember(digest, features, scope, checked=validate)
    return Loaded(path, data, comp, scope)
