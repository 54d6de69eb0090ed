"""Reading a component from a file: bytes, sections, elaborated types, errors naming the file."""

from __future__ import annotations

from pathlib import Path

from ..binary.component import Component
from .corevalidate import cache_dir
from .elaborate import Scope, elaborate
from .typecache import content_digest, recall, remember
from ..errors import ComposerError
from ..record import Record


class Loaded(Record, mutable=True):
    """A component read from `path`: its bytes, its sections and its index spaces (only its
    imports and exports when `scope.complete` is False, see `load_component`)."""

    path: Path
    data: bytes
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


def read_file(path: Path, what: str = "component") -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ComposerError(f"{what} file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ComposerError(f"expected a {what} file, found a directory", file=str(path)) from None
    except OSError as exc:
        raise ComposerError(f"cannot read {what}: {exc.strerror}", file=str(path)) from None


def _looks_like_text(data: bytes) -> bool:
    head = data[:64].lstrip()
    return head.startswith((b"(", b";;", b"(;"))


def read_component(path: Path) -> bytes:
    """A component file's bytes; one written as WebAssembly text is turned into them."""
    data = read_file(path)
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


def load_component(path: Path | str, validate: bool = True,
                   features: frozenset[str] = frozenset(), types_only: bool = False) -> Loaded:
    """Read, decode and elaborate a component, validating it completely (its core modules
    included) unless told not to, with the gated `features` enabled; every failure names
    the file.

    A caller that needs only the component's imports, exports and count of modules and
    components (`types_only`: linking) may get them from the cache of component types, if
    a file with the same bytes was read before: its scope is then not `complete`.
    """
    path = Path(path)
    display = str(path)
    data = read_component(path)
    digest = None
    if types_only and cache_dir() is not None:
        digest = content_digest(data)
        found = recall(digest, features, checked=validate)
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
    if digest is not None:
        remember(digest, features, scope, checked=validate)
    return Loaded(path, data, comp, scope)
