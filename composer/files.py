"""The files the program is given and writes: an input read, bounded (`read_input`), a
WebAssembly input written as text turned into binary (`read_wasm`), an output written
atomically (`write_atomically`).

Reading an input file, bounded: whatever it is, reading it ends, with its bytes or with one
line saying which limit it met.

A regular file's size is known before reading it: one over `MAX_INPUT_SIZE` is refused
unread. A stream (a pipe given as /dev/stdin or <(...), a FIFO, a device such as /dev/zero)
has no size: it is read in chunks, counted against the same limit, and, for a component,
its framing is checked as it arrives (`stops`), so a stream that cannot be a component
(zeros, text, random bytes) stops at its first bad byte instead of being read to the limit.
A FIFO nobody writes to would block the reader forever: it is opened without blocking and
given `WRITER_WAIT` seconds for a writer to appear.

WebAssembly text (`.wat`) is turned into bytes by wasmtime's own `wat2wasm`, which reads the
component text format, so every command takes `.wat` where it takes `.wasm`. wasmtime is
imported only when a text input is met.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from .diagnostics import Source, TextError
from .errors import ComposerError

# The most any input may hold: 4 GiB. A component's sizes and offsets are 32-bit (Binary.md
# writes them as u32), and wasmparser embeds no module or component over 1 GiB, so nothing
# larger can be composed; wasm-tools itself has no limit, but a reader of streams needs one.
MAX_INPUT_SIZE = 4 << 30

# How long a FIFO with no writer is waited for: a writer started with compose (`mkfifo p;
# producer > p & compose p`) opens it at once; none after this long means none is coming.
WRITER_WAIT = 1.0
_CHUNK = 1 << 16
_FILE_CHUNK = 1 << 20


def too_large(what: str) -> str:
    size = MAX_INPUT_SIZE
    shown = next(f"{size >> shift} {unit}" for shift, unit in ((30, "GiB"), (20, "MiB"), (10, "KiB"), (0, "bytes"))
                 if size >> shift << shift == size)
    return (f"{what} is larger than {shown}, the limit on inputs (a component's sizes and "
            "offsets are 32-bit)")


def read_input(path: Path, what: str, *, mapped_from: int | None = None,
               stops: Callable[[bytearray], bool] | None = None) -> bytes:
    """The bytes of the file at `path` (`what` names it in messages: "component"). A limit
    met is a ComposerError naming the file; the system's refusals (no such file, a folder,
    no permission) are its OSErrors, which each caller words for its inputs.

    `mapped_from`: a regular file at least this large is returned as a read-only memory
    map (which slices, hashes and views like bytes). `stops(data)`, given the bytes of a
    stream read so far, says whether the stream cannot be what is expected whatever
    follows: reading stops there, and the caller's decoding of what was read says why.
    """
    # os-level calls: no file object made for each of thousands of small inputs; a FIFO is
    # opened without waiting for a writer (see `_wait_for_writer`)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)  # (a directory is refused by the read below: EISDIR)
        if stat.S_ISREG(st.st_mode):
            os.set_blocking(fd, True)
            if st.st_size > MAX_INPUT_SIZE:
                raise ComposerError(too_large(f"the {what} file ({st.st_size:,} bytes)"),
                                    file=str(path))
            if mapped_from is not None and st.st_size >= mapped_from:
                try:
                    return _mapped(fd, path, st)  # type: ignore[return-value]
                except (OSError, ValueError):
                    pass  # a file system that cannot map: read it
            return _read_to_end(fd, st.st_size + 1, path, what, None)
        if stat.S_ISFIFO(st.st_mode):
            first = _wait_for_writer(fd, path)
        else:
            os.set_blocking(fd, True)
            first = b""
        return _read_to_end(fd, _CHUNK, path, what, stops, first)
    finally:
        os.close(fd)


_MAPPED_TYPE: Any = None


def _mapped(fd: int, path: Path, st: os.stat_result) -> Any:
    """A read-only memory map of the file, which knows the file it maps (`source`: its
    path, and its device, inode, size and modification time when mapped), so that
    `write_atomically` can have the kernel copy it (`_copy_mapped`)."""
    global _MAPPED_TYPE
    import mmap

    if _MAPPED_TYPE is None:
        _MAPPED_TYPE = type("MappedFile", (mmap.mmap,), {})
    mapped = _MAPPED_TYPE(fd, 0, access=mmap.ACCESS_READ)
    mapped.source = (os.path.abspath(path), (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
    return mapped


def _wait_for_writer(fd: int, path: Path) -> bytes:
    """The first bytes of a FIFO opened without blocking, once a writer has it open (then it
    is read blocking, as any pipe); refused when no writer comes within WRITER_WAIT.

    Read without blocking, a FIFO that has no writer says end-of-file; one whose writer has
    not written yet says "try again" (EAGAIN)."""
    deadline = time.monotonic() + WRITER_WAIT
    while True:
        try:
            first = os.read(fd, _CHUNK)
        except BlockingIOError:  # a writer, with nothing written yet
            os.set_blocking(fd, True)
            return b""
        if first:
            os.set_blocking(fd, True)
            return first
        if time.monotonic() >= deadline:
            raise ComposerError(f"no program writes to this FIFO (waited {WRITER_WAIT:g} s "
                                "for one); nothing to read", file=str(path))
        time.sleep(0.01)


def _read_to_end(fd: int, first_read: int, path: Path, what: str,
                 stops: Callable[[bytearray], bool] | None, first: bytes | None = None) -> bytes:
    """Read to the end, whatever a size said (a file may change while it is read, and one
    read returns at most 2 GiB), counting against MAX_INPUT_SIZE."""
    if first is None:  # a regular file: the usual case is one read of it all, and no copy
        first = os.read(fd, min(first_read, MAX_INPUT_SIZE + 1))
        more = os.read(fd, _FILE_CHUNK) if first else b""
        if not more:
            return first
        first += more
    data = bytearray(first)
    size = _CHUNK if stops is not None else _FILE_CHUNK
    while True:
        if len(data) > MAX_INPUT_SIZE:
            raise ComposerError(too_large(f"the {what} read"), file=str(path))
        if stops is not None and stops(data):
            break
        chunk = os.read(fd, size)
        if not chunk:
            break
        data += chunk
    return bytes(data)


# -- WebAssembly text --------------------------------------------------------------------


def looks_like_wat(data: bytes | bytearray) -> bool:
    """Whether an input begins as WebAssembly text does (a binary begins with `\\0asm`)."""
    head = data[:64].lstrip()
    return head.startswith((b"(", b";;", b"(;"))


def read_wasm(path: Path, what: str, *, mapped_from: int | None = None,
              stops: Callable[[bytearray], bool] | None = None) -> bytes:
    """The binary of the WebAssembly input at `path` (a component or a module): its bytes
    as `read_input` reads them, or, when it is written as text, the binary `wat2wasm` makes
    of it. Errors as `read_input`'s and `wat_to_binary`'s."""
    data = read_input(path, what, mapped_from=mapped_from, stops=stops)
    if looks_like_wat(data):
        return wat_to_binary(data, str(path))
    return data


# wasmtime's message: the reason, then `--> <anon>:LINE:COL` and the source with a caret
_LOCATION = re.compile(r"-->\s*<anon>:(\d+):(\d+)")


def wat_to_binary(text: bytes, display: str) -> bytes:
    """The binary of the component (or module) written in `text`; a syntax error names
    `display`, the line and the column, and shows the line with a caret under the spot."""
    import wasmtime

    try:
        # `str(..., "utf-8")`, not `.decode`: a large input arrives as a memory map (`read_input`
        # maps files from `mapped_from` bytes on), which has no `decode`
        source = str(text, "utf-8")
    except UnicodeDecodeError as exc:
        raise ComposerError(f"WebAssembly text is not UTF-8 (byte {exc.start})", file=display) from None
    try:
        return bytes(wasmtime.wat2wasm(source))
    except wasmtime.WasmtimeError as exc:
        raise _located(str(exc), Source(display, source)) from None


def _located(message: str, source: Source) -> ComposerError:
    """The error at the line and column wasmtime names (shown with the line and a caret,
    as every text error is), or at the file."""
    lines = message.splitlines()
    reason = lines[0].strip() if lines else "invalid WebAssembly text"
    found = _LOCATION.search(message)
    if found is None:
        return ComposerError(reason, file=source.path)
    line, column = int(found.group(1)), int(found.group(2))
    starts = source.line_starts()
    start = starts[line - 1] + column - 1 if line <= len(starts) else len(source.text)
    return TextError(reason, source, start)


# -- writing -------------------------------------------------------------------------------


def write_atomically(path: Path | str, data: bytes | Iterable[bytes | memoryview],
                     check: Callable[[Path], None] | None = None) -> None:
    """Write `data` (bytes, or pieces of them) to `path` so that readers see the old file or
    the new one, never part.

    `check(temporary_path)` runs on the complete file before it takes `path`'s place (what
    `compose --verify/--run` do); when it raises, nothing is written.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = _temporary(directory, path.name)
    except OSError as exc:
        raise ComposerError(f"cannot write output: {exc.strerror}", file=str(path)) from None
    try:
        # the temporary file is created private (0600); give it the mode a plain open()
        # would: the existing file's, else 0666 less the umask
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        parts = [data] if isinstance(data, (bytes, bytearray, memoryview)) else list(data)
        try:
            _allocate(fd, sum(len(p) for p in parts))
            _write_parts(fd, parts)
        finally:
            os.close(fd)
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ComposerError(f"cannot write output: {exc.strerror}", file=str(path)) from None
        raise


# Small pieces are gathered up to this size and written together: a composition of 10,000
# components is 20,000 pieces or more.
_GATHERED = 1 << 20


def _write_parts(fd: int, parts: list) -> None:
    gathered = bytearray()
    for part in parts:
        if len(part) < _GATHERED and getattr(_mapped_source(part), "source", None) is None:
            gathered += part
            if len(gathered) >= _GATHERED:
                _write_all(fd, memoryview(gathered))
                gathered.clear()
            continue
        _write_all(fd, memoryview(gathered))
        gathered.clear()
        _write_all(fd, memoryview(part)[_copy_mapped(part, fd):])
    _write_all(fd, memoryview(gathered))


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data):]


def _mapped_source(part: Any) -> Any:
    """The map `read_input` made that `part` is, or is a view of all of, else `part`."""
    if isinstance(part, memoryview):
        whole = part.obj
        if getattr(whole, "source", None) is not None and part.nbytes == len(whole):  # type: ignore[arg-type]
            return whole
    return part


def _copy_mapped(part: Any, fd: int) -> int:
    """How many bytes of `part` the kernel copied to `fd` from the file it maps, when it is
    (a view of) a whole file mapped by `read_input` (an input embedded as it is) and that file has not
    changed since: copy_file_range moves them from the page cache to the output's without
    passing through this process (~10 ms less for 36 MB than writing them from the map).
    The rest is for the caller to write."""
    source = getattr(_mapped_source(part), "source", None)
    if source is None or not hasattr(os, "copy_file_range"):
        return 0
    path, state = source
    done = 0
    try:
        src = os.open(path, os.O_RDONLY)
    except OSError:
        return 0
    try:
        st = os.fstat(src)
        if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != state:
            return 0  # replaced or changed since it was read: write what was read
        while done < len(part):
            copied = os.copy_file_range(src, fd, len(part) - done, done)
            if not copied:
                break
            done += copied
    except OSError:
        pass  # not between these file systems, say: the caller writes the rest
    finally:
        os.close(src)
    return done


# Outputs at least this large have their blocks allocated before they are written.
_ALLOCATED_FROM = 1 << 20


def _allocate(fd: int, size: int) -> None:
    """Allocate a large output's blocks up front. ext4 (by default, `auto_da_alloc`) allocates
    the blocks of a file renamed over another, and starts writing them out, in the rename
    itself: ~20 ms of a 36 MB composition. A file whose blocks are allocated already has
    nothing left to allocate then. Where the file system cannot allocate, nothing is lost."""
    if size < _ALLOCATED_FROM or not hasattr(os, "posix_fallocate"):
        return
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError:
        pass  # not supported here, or no room: the writes say so


def _temporary(directory: Path, name: str) -> tuple[int, str]:
    """A new file `.NAME.RANDOM.tmp` in `directory`, open for writing, as `tempfile.mkstemp`
    makes one (created exclusively, private) without importing tempfile and what it
    imports (shutil, random, compression modules: ~5 ms of every run)."""
    while True:
        tmp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue
