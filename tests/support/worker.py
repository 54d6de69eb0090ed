"""Speaking to `compose --persistent_worker` as Bazel does, with an encoder of the tests' own
(not the worker's): proto requests (varint-length-delimited WorkRequest) and their
responses, and a worker process that is never left running."""

from __future__ import annotations

import subprocess
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

# an input with its digest, as Bazel declares them, for requests that name none
SOME_INPUT = {"x": b"abcd"}


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, data: bytes) -> bytes:
    return bytes([number << 3 | 2]) + varint(len(data)) + data


def proto_request(args: list[str], request_id: int = 0, cancel: bool = False,
                  inputs: dict[str, bytes] = SOME_INPUT) -> bytes:
    """WorkRequest: arguments=1, inputs=2 {path=1, digest=2}, request_id=3, cancel=4."""
    body = b"".join(_field(1, a.encode()) for a in args)
    body += b"".join(_field(2, _field(1, path.encode()) + _field(2, digest))
                     for path, digest in inputs.items())
    if request_id:
        body += b"\x18" + varint(request_id)
    if cancel:
        body += b"\x20\x01"
    return varint(len(body)) + body


def _read_varint(next_byte) -> int:
    n = shift = 0
    while (b := next_byte()) & 0x80:
        n |= (b & 0x7F) << shift
        shift += 7
    return n | (b << shift)


def read_proto_response(stream) -> dict:
    """WorkResponse: exit_code=1, output=2, request_id=3, was_cancelled=4."""
    data = stream.read(_read_varint(lambda: stream.read(1)[0]))
    out = {"exit_code": 0, "output": "", "request_id": 0, "was_cancelled": False}
    rest = iter(data)
    for key in rest:
        n = _read_varint(lambda: next(rest))
        if key == 0x12:
            out["output"] = bytes(next(rest) for _ in range(n)).decode()
        else:
            out[{0x08: "exit_code", 0x18: "request_id", 0x20: "was_cancelled"}[key]] = n
    return out


def ask(worker: subprocess.Popen, request: bytes) -> dict:
    """Send one proto request; its response."""
    worker.stdin.write(request)
    worker.stdin.flush()
    return read_proto_response(worker.stdout)


@contextmanager
def worker_process(*startup: str, env: dict[str, str] | None = None,
                   limit: float = 120) -> Iterator[subprocess.Popen]:
    """`compose STARTUP --persistent_worker`, killed when the block ends, and after `limit`
    seconds whatever it is doing (so that a worker that does not answer fails a test rather
    than hangs it)."""
    worker = subprocess.Popen([sys.executable, "-m", "composer", *startup, "--persistent_worker"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
    guard = threading.Timer(limit, worker.kill)
    guard.start()
    try:
        yield worker
    finally:
        guard.cancel()
        worker.kill()
        worker.wait()


def ends_cleanly(worker: subprocess.Popen) -> None:
    """Its input closed, the worker exits 0, having written nothing but the responses."""
    worker.stdin.close()
    assert worker.wait(timeout=30) == 0
    assert worker.stdout.read() == b""
