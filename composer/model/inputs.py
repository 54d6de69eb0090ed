"""Reading an input file, bounded: whatever it is, reading it ends, with its bytes or with one
line saying which limit it met.

A regular file's size is known before reading it: one over `MAX_INPUT_SIZE` is refused
unread. A stream (a pipe given as /dev/stdin or <(...), a FIFO, a device such as /dev/zero)
has no size: it is read in chunks, counted against the same limit, and, for a component,
its framing is checked as it arrives (`stops`), so a stream that cannot be a component
(zeros, text, random bytes) stops at its first bad byte instead of being read to the limit.
A FIFO nobody writes to would block the reader forever: it is opened without blocking and
given `WRITER_WAIT` seconds for a writer to appear.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Callable

from ..errors import ComposerError

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
                import mmap

                try:
                    return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # type: ignore[return-value]
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
