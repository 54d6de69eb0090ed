"""The embedded WASI 0.2 host: run and call components with wasmtime-py.

`Host` wraps one wasmtime engine and the settings of one run: arguments, environment,
directories granted, limits. What a component may touch is only what the settings grant: no
directory and no inherited environment unless asked. Compiled code goes to wasmtime's cache,
so a second run of the same component does not compile it again.

wasmtime is imported here only, and this module only by the commands that run components.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import ComposerError
from ..record import Record, field_


class RunError(ComposerError):
    pass


class HostConfig(Record):
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    inherit_env: bool = False
    dirs: tuple[tuple[str, str], ...] = ()  # (host path, guest path)
    timeout: float | None = None  # seconds
    max_memory: int | None = None  # bytes, per linear memory
    cache: bool = True
    http: bool = False  # also provide wasi:http
    # None: inherit the process's stream; a path: read from / write to that file
    stdin: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    program: str = field_(default="component")
    # show what takes long (compiling) on a terminal: stderr, and only when it is a terminal
    progress: bool = False


class Host:
    def __init__(self, config: HostConfig) -> None:
        from wasmtime import Config, Engine

        self.config = config
        wc = Config()
        if config.cache:
            try:
                wc.cache = True
            except Exception:  # a cache that cannot be set up only costs time
                pass
        # Epochs stop running WebAssembly: when --timeout expires, and on Ctrl-C.
        wc.epoch_interruption = True
        # the gated core proposals in effect (--features) compile too
        from ..model.features import WASMTIME_CORE, enabled

        for feature in WASMTIME_CORE & enabled():
            setattr(wc, f"wasm_{feature.replace('-', '_')}", True)
        self.engine = Engine(wc)
        self._timed_out = False
        self.imports: tuple[str, ...] = ()  # of the component `run` last loaded

    # -- loading and linking -------------------------------------------------------------

    def load(self, path: Path, data: bytes | None = None, shown_as: str | None = None) -> Any:
        """Compile the component at `path`; `data` is its bytes when the caller has already
        read and decoded them (verify, --invoke), so the file is not read twice. The progress
        line names it `shown_as` (`compose --verify/--run` check a temporary file that will
        become the output: its name means nothing to the user)."""
        from wasmtime import WasmtimeError
        from wasmtime.component import Component

        if data is None:
            from ..model.load import decode_sections, read_component

            # our own reader first: a missing file, a core module or a damaged binary gets
            # the same one-line message (with its byte offset) as everywhere else in compose
            data = read_component(Path(path))
            decode_sections(data, str(path))
        try:
            size = f"{len(data) / 1e6:.1f} MB" if len(data) >= 100_000 else f"{len(data):,} bytes"
            return self.in_background(lambda: Component(self.engine, data),
                                      f"compiling {Path(shown_as or path).name} ({size})")
        except WasmtimeError as exc:
            raise RunError(f"wasmtime cannot compile it: {_with_cause(exc)}", file=str(path)) from None

    def in_background(self, work: Callable[[], Any], status: str | None = None) -> Any:
        """Do `work` (wasmtime calls, which hold this thread until they return) in another
        thread while this one waits, so that Ctrl-C is acted on at once: running WebAssembly
        is stopped (its epoch ends), compiling is left to finish unseen; KeyboardInterrupt
        is raised here either way. `status` is shown meanwhile on a terminal."""
        import sys

        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                outcome["value"] = work()
            except BaseException as exc:  # handed to the waiting thread
                outcome["error"] = exc

        worker = threading.Thread(target=target, name="wasmtime", daemon=True)
        worker.start()
        spinner = None
        if status and self.config.progress and sys.stderr.isatty():
            from rich.console import Console

            spinner = Console(stderr=True).status(status)
            spinner.start()
        try:
            while worker.is_alive():
                worker.join(0.05)
        except KeyboardInterrupt:
            self.engine.increment_epoch()
            worker.join(0.5)
            raise
        finally:
            if spinner is not None:
                spinner.stop()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _store(self) -> Any:
        from wasmtime import Store, WasiConfig

        c = self.config
        wasi = WasiConfig()
        wasi.argv = [c.program, *c.args]
        if c.inherit_env:
            wasi.inherit_env()
        if c.env:
            env = list(c.env)
            if c.inherit_env:
                import os

                env = [(k, v) for k, v in os.environ.items() if k not in dict(c.env)] + env
            wasi.env = env
        for stream, path, inherit in (
            ("stdin", c.stdin, wasi.inherit_stdin),
            ("stdout", c.stdout, wasi.inherit_stdout),
            ("stderr", c.stderr, wasi.inherit_stderr),
        ):
            if path is None:
                inherit()
            else:
                setattr(wasi, f"{stream}_file", path)
        for host_dir, guest_dir in c.dirs:
            if not Path(host_dir).is_dir():
                raise RunError(f"--dir {host_dir}: not a directory")
            wasi.preopen_dir(host_dir, guest_dir)
        store = Store(self.engine)
        store.set_wasi(wasi)
        store.set_epoch_deadline(1)  # the first epoch increment (timeout or Ctrl-C) stops it
        if c.http:
            store.set_wasi_http()
        if c.max_memory is not None:
            store.set_limits(memory_size=c.max_memory)
        return store

    def instantiate(self, component: Any, display: str) -> tuple[Any, Any]:
        from wasmtime.component import Linker

        store = self._store()
        linker = Linker(self.engine)
        linker.add_wasip2()
        if self.config.http:
            linker.add_wasi_http()
        instance = self.in_background(lambda: self._guard(
            lambda: linker.instantiate(store, component), display, failed="cannot instantiate it"))
        return store, instance

    # -- running -------------------------------------------------------------------------

    def run(self, path: Path, shown_as: str | None = None) -> int:
        """Run a `wasi:cli/run` command; its exit status (`wasi:cli/exit`, else 0 when `run`
        returns ok and 1 when it returns err). Messages name it `shown_as` (`compose --run`
        runs a temporary file that will become the output)."""
        display = shown_as or str(path)
        try:
            component = self.load(path, shown_as=display)
        except RunError as exc:
            raise RunError(exc.message, file=display) from None
        self.imports = tuple(component.type.imports(self.engine))
        run_name = next(
            (n for n in component.type.exports(self.engine) if n.startswith("wasi:cli/run@")), None
        )
        if run_name is None:
            raise RunError("not a command: it does not export wasi:cli/run", file=display)
        store, instance = self.instantiate(component, display)
        iface = instance.get_export_index(store, run_name)
        func = instance.get_func(store, instance.get_export_index(store, "run", iface))
        try:
            with self._ended_by_a_closed_pipe():
                result = self._call(lambda: func(store), display)
        except ComponentExit as exc:
            return exc.code
        return 0 if result.tag == "ok" else 1  # `run: func() -> result`

    @contextmanager
    def _ended_by_a_closed_pipe(self) -> Iterator[None]:
        """While a command writes to this process's stdout and that is a pipe, a reader that
        goes away (`compose run app.wasm | head -1`) ends the process silently, of SIGPIPE,
        as it ends `cat`; Python ignores SIGPIPE, so the guest would otherwise see EPIPE and
        fail loudly (a traceback, a panic, a trap) over what is no error."""
        import os
        import signal
        import stat

        try:
            piped = stat.S_ISFIFO(os.fstat(1).st_mode)
        except OSError:
            piped = False
        if (self.config.stdout is not None or not piped or not hasattr(signal, "SIGPIPE")
                or threading.current_thread() is not threading.main_thread()):
            yield
            return
        previous = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        try:
            yield
        finally:
            signal.signal(signal.SIGPIPE, previous)

    def call(self, path: Path, export: str | None, name: str,
             convert: Callable[[Any], list[Any]], data: bytes | None = None) -> tuple[Any, Any]:
        """Call an exported function; `convert(func_type)` gives its argument values.

        Returns (result value, result type). A call that exits raises ComponentExit.
        """
        component = self.load(path, data)
        store, instance = self.instantiate(component, str(path))
        parent = instance.get_export_index(store, export) if export else None
        index = instance.get_export_index(store, name, parent)
        func = instance.get_func(store, index) if index is not None else None
        if func is None:
            raise RunError(f"no exported function `{name}`", file=str(path))
        fty = func.type(store)
        values = convert(fty)
        result = self._call(lambda: func(store, *values), str(path))
        return result, fty.result

    def _call(self, run: Callable[[], Any], display: str) -> Any:
        from wasmtime import ExitTrap

        try:
            return self.in_background(lambda: self._guard(run, display))
        except ExitTrap as exc:
            raise ComponentExit(exc.code, display) from None

    def _guard(self, run: Callable[[], Any], display: str, failed: str = "failed") -> Any:
        """Run with the timeout armed; traps and limits become one-line errors, other
        failures (linking, say) `failed: ...`."""
        from wasmtime import ExitTrap, Trap, WasmtimeError

        timer = None
        if self.config.timeout is not None:
            self._timed_out = False

            def expire() -> None:
                self._timed_out = True
                self.engine.increment_epoch()

            timer = threading.Timer(self.config.timeout, expire)
            timer.daemon = True
            timer.start()
        try:
            return run()
        except ExitTrap:
            raise
        except (Trap, WasmtimeError) as exc:
            if self._timed_out:
                raise RunError(f"stopped: --timeout of {self.config.timeout:g} s reached", file=display) from None
            message = _first_line(exc)
            trapped = "wasm trap" in str(exc) or "wasm backtrace" in str(exc)
            if self.config.max_memory is not None and ("memory" in message or "unreachable" in message):
                message += (
                    f" (a --max-memory of {self.config.max_memory:,} bytes was set; "
                    "the component may have run out of memory)"
                )
            raise RunError(f"{'trapped' if trapped else failed}: {message}", file=display) from None
        finally:
            if timer is not None:
                timer.cancel()



def ungranted(config: HostConfig, imports: tuple[str, ...]) -> list[str]:
    """What a component importing `imports` may have failed for want of, under `config`: a
    note each, said after a failed run. Only the filesystem: nearly every component imports
    wasi:cli/environment (its arguments come through it), so a note on the environment would
    follow every failure."""
    from ..model.names import InterfaceName

    names = {parsed.unversioned for parsed in map(InterfaceName.parse, imports) if parsed}
    notes = []
    if "wasi:filesystem/preopens" in names and not config.dirs:
        notes.append("the component can read files, but no directory was granted: pass "
                     "--dir HOST[::GUEST]")
    return notes


class ComponentExit(ComposerError):
    """The component asked to exit (`wasi:cli/exit`) with this status. `Host.run` turns it
    into its return value; elsewhere (a function called with --invoke) it ends compose with
    the same status."""

    def __init__(self, code: int, display: str) -> None:
        super().__init__(f"exited with status {code}", file=display)
        self.code = code
        self.exit_code = code


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    # wasmtime puts the cause last ("Caused by: ..."); the first line is the summary
    head = lines[0].removeprefix("error while executing at wasm backtrace:").strip()
    return head or lines[-1]


def _with_cause(exc: BaseException) -> str:
    """wasmtime's summary line and its innermost cause, which is the reason (`failed to
    compile: wasm[0]::function[0]: ... type mismatch: expected i32, found i64`)."""
    head = _first_line(exc)
    _, caused, causes = str(exc).partition("Caused by:")
    reasons = [line.strip() for line in causes.splitlines() if line.strip()]
    if not caused or not reasons:
        return head
    return f"{head}: {re.sub(r'^[0-9]+: ', '', reasons[-1])}"


_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2,
               "mib": 1024**2, "g": 1024**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(text: str) -> int:
    """`64M`, `512KiB`, `1G`, `65536` -> bytes (K/M/G are binary, KB/MB/GB decimal)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _SIZE_UNITS:
        raise ValueError(f"`{text}` is not a size (e.g. 64M, 512KiB, 1G)")
    return int(float(m.group(1)) * _SIZE_UNITS[unit])


# -- calling a function by name -----------------------------------------------------------


def find_function(exports: dict, name: str) -> tuple[str | None, str, Any]:
    """(exported instance or None, function name, model FuncType) for `name`.

    `name` is `func`, `interface#func` with the interface's full name, or a shorter unique
    form of it: `stringoperations/operations#reverse`, `operations#reverse`.
    """
    from ..model import types as T
    from ..model.names import InterfaceName

    def functions() -> list[tuple[str | None, str, Any]]:
        out: list[tuple[str | None, str, Any]] = []
        for ename, ext in exports.items():
            if isinstance(ext, T.FuncType):
                out.append((None, ename, ext))
            elif isinstance(ext, T.InstanceType):
                out += [(ename, f, t) for f, t in ext.exports.items() if isinstance(t, T.FuncType)]
        return out

    def label(entry: tuple[str | None, str, Any]) -> str:
        return entry[1] if entry[0] is None else f"{entry[0]}#{entry[1]}"

    iface, _, func = name.rpartition("#")
    candidates = [e for e in functions() if e[1] == func]
    if iface:
        def matches(export: str | None) -> bool:
            if export is None:
                return False
            if export == iface:
                return True
            parsed = InterfaceName.parse(export)
            if parsed is None:
                return False
            forms = {parsed.unversioned, parsed.interface, f"{parsed.package}/{parsed.interface}"}
            return iface in forms
        candidates = [e for e in candidates if matches(e[0])]
    elif any(e[0] is None for e in candidates):
        candidates = [e for e in candidates if e[0] is None]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        available = ", ".join(label(e) for e in functions()) or "none"
        raise RunError(f"no exported function matches `{name}` (exported functions: {available})")
    listing = ", ".join(label(e) for e in candidates)
    raise RunError(f"`{name}` is ambiguous: {listing}")


def _unpassable(types: list) -> str | None:
    """What in these value types the wasmtime C API cannot convert (a future, a stream, an
    error-context: it panics, ending the process, on such a value), if anything."""
    from ..model import types as T

    stack = list(types)
    seen: set[int] = set()
    while stack:
        t = stack.pop()
        if t is None or id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, T.FutureType):
            return "a future"
        if isinstance(t, T.StreamType):
            return "a stream"
        if isinstance(t, T.PrimType):
            if t.name == "error-context":
                return "an error-context"
        elif isinstance(t, T.NamedType):
            stack.append(t.type)
        elif isinstance(t, T.ListType):
            stack.append(t.element)
        elif isinstance(t, T.OptionType):
            stack.append(t.type)
        elif isinstance(t, T.ResultType):
            stack += [t.ok, t.err]
        elif isinstance(t, T.TupleType):
            stack += list(t.types)
        elif isinstance(t, T.MapType):
            stack += [t.key, t.value]
        elif isinstance(t, T.RecordType):
            stack += [v for _, v in t.fields]
        elif isinstance(t, T.VariantType):
            stack += [v for _, v in t.cases]
    return None


def invoke(host: Host, path: Path, expression: str) -> str:
    """Call `expression` (`func(args)`, WAVE arguments) on the component; the result as WAVE."""
    from ..text import wave
    from ..model.load import load_component
    from ..model.typetext import func_text

    name, args = wave.parse_call(expression)
    loaded = load_component(path)
    export, func, ftype = find_function(loaded.scope.exports, name)
    shown = func if export is None else f"{export}#{func}"
    signature = f"{shown}: {func_text(ftype)}"
    unpassable = _unpassable([t for _, t in ftype.params] + [ftype.result])
    if unpassable:
        raise RunError(f"`{shown}` takes or returns {unpassable}, which the embedded host "
                       f"(wasmtime's C API) cannot pass yet ({signature})")
    if len(args) != len(ftype.params):
        raise RunError(
            f"`{shown}` takes {len(ftype.params)} argument{'s' if len(ftype.params) != 1 else ''}, "
            f"{len(args)} given (expected {signature})"
        )

    def convert(fty: Any) -> list[Any]:
        values = []
        for i, (node, (pname, ptype)) in enumerate(zip(args, fty.params)):
            try:
                values.append(wave.to_value(node, ptype))
            except wave.WaveError as exc:
                raise RunError(
                    f"argument {i + 1} (`{pname}`) of `{shown}`: {exc.message} (expected {signature})"
                ) from None
        return values

    result, rtype = host.call(path, export, func, convert, loaded.data)
    return "" if rtype is None else wave.to_text(result, rtype)
