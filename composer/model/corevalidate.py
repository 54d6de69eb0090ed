"""Core modules checked by wasmtime's own validator (`wasmtime_module_validate`, called through
wasmtime's C API in the library wasmtime-py ships, or through wasmtime-py where that library
is not found): the project writes no core WebAssembly validator of its own.

The features are those `wasm-tools validate` enables by default (GC, exceptions, threads,
memory64, ... on; custom page sizes, wide arithmetic, stack switching off), so a module is
accepted exactly when the reference accepts it.

Validating is the expensive part of reading a large component (about 10 ms per MB), so:
* modules are validated several at once: wasmtime's validator runs outside the GIL;
* a module found valid is remembered by its SHA-256 in the cache directory
  (`$COMPOSER_CACHE_DIR`, else `$XDG_CACHE_HOME/composer`, else `~/.cache/composer`), so a
  Makefile that composes again after one input changed validates only that one, and a run
  whose modules are all known valid does not even import wasmtime. Set
  `COMPOSER_CACHE_DIR=` (empty) to use no cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import threading
from pathlib import Path
from typing import Any

from ..errors import BinaryError
from ..record import Record

# Bumped when what "valid" means here changes (other features, another wasmtime).
_CACHE_VERSION = "wasmtime50-1"


class CoreModule(Record):
    """An embedded core module to validate: its bytes, where they start in the file, its
    place in the component (`component[2] > core module[0]`), and its SHA-256 (hex)."""

    data: memoryview
    offset: int
    path: tuple[str, ...]
    digest: str


def content_digest(data: memoryview | bytes) -> str:
    """The SHA-256 (hex) of bytes: what names a core module, or a component, in the cache."""
    return hashlib.sha256(data).hexdigest()


# -- the interfaces of known modules ------------------------------------------------------
# Reading a large module's imports and exports costs tens of milliseconds in Python; a
# Makefile composes the same modules again and again, so what was read is remembered by the
# module's digest, next to its validity.

_INTERFACE_VERSION = "1"


def _interfaces_dir() -> Path | None:
    root = cache_dir()
    return root / f"module-interfaces-{_INTERFACE_VERSION}" if root is not None else None


def cached_interface(digest: str) -> object | None:
    """The `CoreModuleType` remembered for the module with this digest, if any."""
    import marshal

    where = _interfaces_dir()
    if where is None:
        return None
    try:
        imports, exports = marshal.loads((where / digest).read_bytes())
        from .types import CoreModuleType

        memo: dict = {}
        return CoreModuleType({(m, n): _thaw(x, memo) for m, n, x in imports},
                              {n: _thaw(x, memo) for n, x in exports})
    except Exception:  # noqa: BLE001 - missing, or not ours: read the module instead
        return None


def remember_interface(digest: str, iface: object) -> None:
    import marshal

    where = _interfaces_dir()
    if where is None:
        return
    memo: dict[int, object] = {}
    imports = [(m, n, _freeze(x, memo)) for (m, n), x in iface.imports.items()]  # type: ignore[attr-defined]
    exports = [(n, _freeze(x, memo)) for n, x in iface.exports.items()]  # type: ignore[attr-defined]
    _put(where, digest, marshal.dumps((imports, exports)))


def _freeze(x: object, memo: dict[int, object]) -> object:
    """A core extern as plain values marshal can store: records as (class name, fields).
    `memo`, by identity: a module's thousands of functions share a few hundred types."""
    if x is None or isinstance(x, (str, int, bool)):
        return x
    found = memo.get(id(x))  # the objects outlive the call: their ids stay theirs
    if found is None:
        if isinstance(x, tuple):
            found = ("()", tuple(_freeze(v, memo) for v in x))
        else:
            found = (type(x).__name__, tuple(_freeze(getattr(x, n), memo) for n in x._NAMES))  # type: ignore[attr-defined]
        memo[id(x)] = found
    return found


def _thaw(x: object, memo: dict) -> object:
    if not isinstance(x, tuple):
        return x
    kind, fields = x
    if kind == "()":
        return tuple(_thaw(v, memo) for v in fields)
    found = memo.get(x)
    if found is None:
        from . import types as T

        cls = {"CoreFunc": T.CoreFunc, "CoreTag": T.CoreTag, "CoreMemory": T.CoreMemory,
               "CoreTable": T.CoreTable, "CoreGlobal": T.CoreGlobal}[kind]
        found = memo[x] = cls(*(_thaw(v, memo) for v in fields))
    return found


def cache_dir() -> Path | None:
    env = os.environ
    return _cache_dir(env.get("COMPOSER_CACHE_DIR"), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@functools.lru_cache(maxsize=4)
def _cache_dir(composer: str | None, xdg: str | None, home: str | None) -> Path | None:
    # by the variables it depends on: asked once per input module, and Path work adds up
    # over thousands of inputs
    if composer is not None:
        return Path(composer) if composer else None
    base = xdg or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "composer"


class Validation:
    """The core modules of one component, validated while it is read: each module whose
    validity is not remembered goes to the background threads (`_validating`) when the
    elaborator meets it (wasmtime's validator runs outside the GIL, so they run beside the
    elaborator's Python and beside one another), and `finish` waits for them all and raises
    the failure of the first module in file order, whichever finished first."""

    def __init__(self, features: frozenset[str]) -> None:
        self.features = features
        root = cache_dir()
        # what is valid depends on the features: each set has its own record
        folder = "+".join([f"valid-modules-{_CACHE_VERSION}", *sorted(features)])
        self.known = root / folder if root is not None else None
        self.jobs: list[_Job] = []
        self.by_digest: dict[str, _Job] = {}  # a module met twice is validated once

    def submit(self, m: CoreModule) -> None:
        job = self.by_digest.get(m.digest)
        if job is None:
            if self.known is not None and (self.known / m.digest).exists():
                return
            job = self.by_digest[m.digest] = _Job(m, self.features)
            _validating(job)
        self.jobs.append(job)

    def finish(self) -> None:
        for job in self.jobs:
            job.done.wait()
            if job.failure is not None:
                raise job.failure
            if self.known is not None:
                _remember(self.known, job.module.digest)


class _Job:
    def __init__(self, module: CoreModule, features: frozenset[str]) -> None:
        self.module, self.features = module, features
        self.failure: BaseException | None = None
        self.done = threading.Event()


# The process's validating threads, one a core at most, started as modules come and then
# kept (idle, they wait on the queue): a composition of hundreds of components, each with a
# module, does not start hundreds of threads, and a worker starts them once.
_QUEUE: Any = None
_THREADS: list[threading.Thread] = []
_THREADS_LOCK = threading.Lock()


def _validating(job: _Job) -> None:
    global _QUEUE
    with _THREADS_LOCK:
        if _QUEUE is None:
            from queue import SimpleQueue

            _QUEUE = SimpleQueue()
        if len(_THREADS) < (os.cpu_count() or 2):
            thread = threading.Thread(target=_serve, args=(_QUEUE,), daemon=True)
            thread.start()
            _THREADS.append(thread)
    _QUEUE.put(job)


def _serve(jobs: Any) -> None:
    while True:
        job = jobs.get()
        try:
            job.failure = _validate(_engine(job.features), job.module)
        except BaseException as exc:  # noqa: BLE001 - raised where it is waited for
            job.failure = exc
        job.done.set()


# What wasmtime says of a proposal it cannot enable, and the feature's name (features.py).
_BEYOND_WASMTIME = (("shared-everything-threads", "shared-everything-threads"),
                    ("legacy_exceptions", "legacy-exceptions"),
                    ("custom descriptors", "custom-descriptors"))


def _validate(engine: "_Engine", m: CoreModule) -> BinaryError | None:
    said = engine.refusal(m.data.tobytes())
    if said is None:
        return None
    error = _error(m, said)
    for wasmtime_says, feature in _BEYOND_WASMTIME:
        if wasmtime_says in said:
            # enabled or not, wasmtime's validator cannot take this proposal (it has no
            # switch for it), and the project runs no other core validator: say so
            error.message += (" (core modules are checked by wasmtime's validator, which "
                              f"cannot enable {feature})")
            break
    return error


def _error(m: CoreModule, text: str) -> BinaryError:
    """wasmtime's reason, with its offset made absolute in the file."""
    import re

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = lines[-1] if lines else "invalid core module"
    reason = re.sub(r"^\d+: ", "", reason)
    offset = m.offset
    found = re.search(r"\s*\(at offset (0x[0-9a-f]+)\)$", reason)
    if found:
        offset += int(found.group(1), 16)
        reason = reason[: found.start()]
    err = BinaryError(f"invalid core module: {reason}", offset)
    for label in reversed(m.path):
        err.add_context(label)
    return err


def _remember(known: Path, digest: str) -> None:
    _put(known, digest, None)


def _put(folder: Path, name: str, data: bytes | None) -> None:
    """A cache entry put in place whole (written aside, then renamed), or, with no `data`,
    an empty one made. The folder is made when missing, not asked for first: a run puts
    dozens of entries in a few folders."""
    where = os.path.join(folder, name)
    for attempt in (1, 2):
        try:
            if data is None:
                os.close(os.open(where, os.O_WRONLY | os.O_CREAT, 0o666))
            else:
                tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}")
                with open(tmp, "wb") as f:
                    f.write(data)
                os.replace(tmp, where)
            return
        except FileNotFoundError:
            if attempt == 2:
                return
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                return
        except OSError:
            return  # a cache that cannot be written only costs time


class _Engine:
    """wasmtime's validator, configured once: `refusal(module)` is wasmtime's message for a
    module it refuses, None for a valid one."""

    def refusal(self, data: bytes) -> str | None:
        raise NotImplementedError


_ENGINES: dict[frozenset[str], _Engine] = {}
_ENGINES_LOCK = threading.Lock()  # validating threads ask for the engine at once

# The proposals wasm-tools validates with by default (all on), and the gated ones it leaves
# off unless asked, by wasmtime's names (`wasmtime_config_wasm_NAME_set`).
_ON = ("threads", "tail_call", "reference_types", "simd", "bulk_memory", "multi_value",
       "multi_memory", "memory64", "relaxed_simd", "exceptions", "function_references", "gc")
_GATED = ("wide-arithmetic", "custom-page-sizes", "stack-switching")


def _engine(features: frozenset[str] = frozenset()) -> _Engine:
    """wasmtime's engine, configured as wasm-tools validates: its default proposals on,
    the gated ones (`custom-page-sizes`, `wide-arithmetic`, `stack-switching`) as given."""
    engine = _ENGINES.get(features)
    if engine is not None:
        return engine
    with _ENGINES_LOCK:
        engine = _ENGINES.get(features)
        if engine is None:
            switches = _switches(features)
            engine = _ENGINES[features] = _CEngine.made(switches) or _PyEngine(switches)
        return engine


def _switches(features: frozenset[str]) -> dict[str, bool]:
    """wasmtime's proposal switches, by its names, for the gated core `features` given."""
    return {**{f: True for f in _ON}, **{f.replace("-", "_"): f in features for f in _GATED}}


class _CEngine(_Engine):
    """The engine through wasmtime's C API, in the library wasmtime-py ships: the same
    validator as `wasmtime.Module.validate`, without importing wasmtime-py's thousand
    bindings (~20 ms of every run that validates a module), and without copying each
    module into a ctypes buffer first. The C call lets go of the GIL, as wasmtime-py's do."""

    def __init__(self, dll: object, engine: int) -> None:
        self.dll, self.engine = dll, engine

    @staticmethod
    def made(switches: dict[str, bool]) -> "_CEngine | None":
        """The engine, None where the library is not where wasmtime-py keeps it on Linux
        (elsewhere, wasmtime-py finds it)."""
        import ctypes
        from importlib.util import find_spec

        spec = find_spec("wasmtime") if sys.platform == "linux" else None
        if spec is None or not spec.submodule_search_locations:
            return None
        machine = {"arm64": "aarch64"}.get(os.uname().machine, os.uname().machine)
        library = os.path.join(spec.submodule_search_locations[0], f"linux-{machine}",
                               "_libwasmtime.so")
        try:
            dll = ctypes.CDLL(library)
            return _CEngine._configured(dll, switches)
        except (OSError, AttributeError):  # not there, or a library without these functions
            return None

    @staticmethod
    def _configured(dll: Any, switches: dict[str, bool]) -> "_CEngine":
        import ctypes

        setters = {name: getattr(dll, f"wasmtime_config_wasm_{name}_set") for name in switches}
        dll.wasm_config_new.restype = ctypes.c_void_p
        dll.wasm_config_new.argtypes = []
        config = dll.wasm_config_new()
        for name, on in switches.items():
            setters[name].restype, setters[name].argtypes = None, [ctypes.c_void_p, ctypes.c_bool]
            setters[name](config, on)
        dll.wasm_engine_new_with_config.restype = ctypes.c_void_p
        dll.wasm_engine_new_with_config.argtypes = [ctypes.c_void_p]  # takes the config
        dll.wasmtime_module_validate.restype = ctypes.c_void_p
        dll.wasmtime_module_validate.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        dll.wasmtime_error_message.restype = None
        dll.wasmtime_error_message.argtypes = [ctypes.c_void_p, ctypes.POINTER(_ByteVec.type())]
        dll.wasm_byte_vec_delete.restype = None
        dll.wasm_byte_vec_delete.argtypes = [ctypes.POINTER(_ByteVec.type())]
        dll.wasmtime_error_delete.restype = None
        dll.wasmtime_error_delete.argtypes = [ctypes.c_void_p]
        return _CEngine(dll, dll.wasm_engine_new_with_config(config))

    def refusal(self, data: bytes) -> str | None:
        import ctypes

        dll: Any = self.dll
        error = dll.wasmtime_module_validate(self.engine, data, len(data))
        if not error:
            return None
        message = _ByteVec.type()()
        dll.wasmtime_error_message(error, ctypes.byref(message))
        text = ctypes.string_at(message.data, message.size).decode("utf-8", "replace")
        dll.wasm_byte_vec_delete(ctypes.byref(message))
        dll.wasmtime_error_delete(error)
        return text


class _ByteVec:
    """`wasm_byte_vec_t`: a size and a pointer (made when first needed: ctypes is imported
    only by runs that validate)."""

    made: Any = None

    @classmethod
    def type(cls) -> Any:
        if cls.made is None:
            import ctypes

            class wasm_byte_vec_t(ctypes.Structure):
                _fields_ = [("size", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_ubyte))]

            cls.made = wasm_byte_vec_t
        return cls.made


class _PyEngine(_Engine):
    """The engine through wasmtime-py."""

    def __init__(self, switches: dict[str, bool]) -> None:
        from wasmtime import Config, Engine

        config = Config()
        for name, on in switches.items():
            setattr(config, f"wasm_{name}", on)
        self.engine = Engine(config)

    def refusal(self, data: bytes) -> str | None:
        from wasmtime import Module, WasmtimeError

        try:
            Module.validate(self.engine, data)
        except WasmtimeError as exc:
            return str(exc)
        return None
