"""`compose --persistent_worker`: a Bazel persistent worker, serving many commands in one
process, so the interpreter's start-up (most of a small composition's time) is paid once.

Bazel starts the tool with its start-up arguments and `--persistent_worker`, then writes
WorkRequests on stdin and reads WorkResponses on stdout, in one of two protocols:

- proto: each message preceded by its length as a varint; WorkRequest is arguments=1
  (repeated string), inputs=2 ({path=1, digest=2}), request_id=3, cancel=4, verbosity=5,
  sandbox_dir=6; WorkResponse is exit_code=1, output=2, request_id=3, was_cancelled=4.
  Hand-encoded here (no protobuf package).
- JSON (`--experimental_worker_allow_json_protocol`): each request a compact JSON object
  with no newline after it (`requestId` left out when 0), so requests are decoded from a
  buffer of raw reads, never read as lines; each response a JSON object and a newline.

Which one: `--worker_protocol=json|proto` among the start-up arguments says so; without it
the first bytes tell. A JSON request starts `{"` (or `{}`); a proto one starts with its
length, which for a 123-byte request is the byte `{` too, but is then followed by a field's
tag (0x0a, 0x12, 0x18, ...), never `"` or `}`.

Each request runs the same click command tree as a one-shot `compose` (its `@flagfile`s
expanded by Bazel already), with everything it would write on stdout or stderr captured into
the response's output; its exit status is the response's exit code, and an error that would
escape (a bug of ours) is exit 1 with one line, never the worker's end. The worker's own
stdout carries nothing but responses: file descriptor 1 is pointed at stderr while it runs.

The inputs a request declares, each a path and Bazel's digest of it, key what the worker
remembers of the components it has loaded (`model.loadcache`): an input loaded before with
the same digest is neither read nor hashed again. What is kept is bounded by the bytes held
(`COMPOSE_WORKER_CACHE_BYTES`, default 512 MB), the least recently used let go first.

A cancel request for a request not started yet answers it `was_cancelled`; one for the
request running interrupts it as Ctrl-C would (a composition stops and writes nothing, a
component run stops at its next epoch check) and answers it `was_cancelled`; one for a
request answered already is ignored (requests run one at a time, in order).
"""

from __future__ import annotations

import _thread
import io
import json
import os
import queue
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import click


@dataclass
class WorkRequest:
    arguments: list[str] = field(default_factory=list)
    inputs: list[tuple[str, bytes]] = field(default_factory=list)
    request_id: int = 0
    cancel: bool = False


# -- proto: the wire format, as much of it as the two messages use ----------------------------

def _varint(n: int) -> bytes:
    """A protobuf varint: unsigned LEB128 (negative int32s as their 64-bit two's complement)."""
    from ..binary.writer import encode_u

    return encode_u(n & ((1 << 64) - 1))


def _read_varint(data: bytes, i: int) -> tuple[int, int] | None:
    """The varint at `i` and where it ends, or None when `data` ends first."""
    n = shift = 0
    while i < len(data):
        b = data[i]
        n |= (b & 0x7F) << shift
        i += 1
        if not b & 0x80:
            return n, i
        shift += 7
    return None


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of a message: an int for a varint, bytes for a length-delimited
    field; fixed-width fields skipped."""
    i = 0
    while i < len(data):
        got = _read_varint(data, i)
        if got is None:
            raise ValueError("truncated message")
        key, i = got
        number, wire = key >> 3, key & 7
        if wire == 0:
            got = _read_varint(data, i)
            if got is None:
                raise ValueError("truncated message")
            value, i = got
            yield number, value
        elif wire == 2:
            got = _read_varint(data, i)
            if got is None or got[1] + got[0] > len(data):
                raise ValueError("truncated message")
            size, i = got
            yield number, data[i:i + size]
            i += size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def decode_proto_request(data: bytes) -> WorkRequest:
    request = WorkRequest()
    for number, value in _fields(data):
        if number == 1:
            request.arguments.append(value.decode("utf-8", "surrogateescape"))
        elif number == 2:
            path, digest = "", b""
            for n, v in _fields(value):
                if n == 1:
                    path = v.decode("utf-8", "surrogateescape")
                elif n == 2:
                    digest = v
            request.inputs.append((path, digest))
        elif number == 3:
            request.request_id = value - (1 << 64) if value >= 1 << 63 else value
        elif number == 4:
            request.cancel = bool(value)
    return request


def encode_proto_response(exit_code: int, output: str, request_id: int,
                          was_cancelled: bool = False) -> bytes:
    body = bytearray()
    if exit_code:
        body += b"\x08" + _varint(exit_code)
    if output:
        text = output.encode("utf-8", "surrogateescape")
        body += b"\x12" + _varint(len(text)) + text
    if request_id:
        body += b"\x18" + _varint(request_id)
    if was_cancelled:
        body += b"\x20\x01"
    return _varint(len(body)) + bytes(body)


def split_proto(buffer: bytearray) -> Iterator[WorkRequest]:
    """The whole requests at the start of `buffer`, removed from it."""
    while True:
        got = _read_varint(bytes(buffer[:10]), 0)
        if got is None:
            return
        size, start = got
        if len(buffer) < start + size:
            return
        message = bytes(buffer[start:start + size])
        del buffer[:start + size]
        yield decode_proto_request(message)


# -- JSON ------------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()


def split_json(buffer: bytearray) -> Iterator[WorkRequest]:
    """The whole JSON requests at the start of `buffer` (none ends with a newline), removed
    from it."""
    while True:
        text = buffer.decode("utf-8", "surrogateescape")
        stripped = text.lstrip()
        if not stripped:
            buffer.clear()
            return
        try:
            value, end = _DECODER.raw_decode(stripped)
        except json.JSONDecodeError:
            return  # not all of it yet
        consumed = len((text[:len(text) - len(stripped)] + stripped[:end])
                       .encode("utf-8", "surrogateescape"))
        del buffer[:consumed]
        yield WorkRequest(arguments=[str(a) for a in value.get("arguments", [])],
                          inputs=[(i.get("path", ""), i.get("digest", "").encode())
                                  for i in value.get("inputs", [])],
                          request_id=int(value.get("requestId", 0)),
                          cancel=bool(value.get("cancel", False)))


def encode_json_response(exit_code: int, output: str, request_id: int,
                         was_cancelled: bool = False) -> bytes:
    response: dict[str, Any] = {"exitCode": exit_code, "output": output, "requestId": request_id}
    if was_cancelled:
        response["wasCancelled"] = True
    return (json.dumps(response) + "\n").encode()


def sniff_protocol(head: bytes) -> str | None:
    """"json" or "proto" from the first bytes read, None when more are needed."""
    head = head.lstrip(b" \t\r\n") if head[:1] in (b" ", b"\t", b"\r", b"\n") else head
    if not head:
        return None
    if head[:1] != b"{":
        return "proto"
    if len(head) < 2:
        return None
    return "json" if head[1:2] in (b'"', b"}") else "proto"


# -- running a request -----------------------------------------------------------------------

def run_request(cli: click.Command, arguments: list[str]) -> tuple[int, str]:
    """The exit status and what a one-shot `compose ARGUMENTS` would write, stdout and
    stderr together, run in this process.

    Captured at the file descriptors, not only sys.stdout/sys.stderr: a component that
    `compose run`, `--run` or `verify` runs writes through the host's inherited file
    descriptors 1 and 2 (wasmtime's WASI), never through Python's streams, and its output is
    as much the request's as our messages are. Both descriptors and both Python streams go
    to one unbuffered file for the request, so what is written keeps its order."""
    import tempfile

    with tempfile.TemporaryFile() as sink:
        for stream in (sys.stdout, sys.stderr):
            _flush(stream)
        saved_fds = os.dup(1), os.dup(2)
        saved_streams = sys.stdout, sys.stderr
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        out, err = (io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                                     errors="replace", write_through=True) for fd in (1, 2))
        sys.stdout, sys.stderr = out, err
        try:
            code = _run(cli, arguments, err)
        finally:
            for stream in (out, err):
                _flush(stream)
            sys.stdout, sys.stderr = saved_streams
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
        sink.seek(0)
        return code, sink.read().decode("utf-8", "replace")


def _run(cli: click.Command, arguments: list[str], err: io.TextIOBase) -> int:
    """Run one command line as `compose` would; its exit status."""
    try:
        cli.main(args=list(arguments), prog_name="compose", standalone_mode=True)
        return 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            err.write(exc.code + "\n")
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # never the worker's end
        err.write(f"error: {type(exc).__name__}: {exc}\n")
        return 1


def _flush(stream: Any) -> None:
    try:
        stream.flush()
    except (ValueError, OSError):
        pass


def serve(cli: click.Command, startup: list[str]) -> int:
    """Serve WorkRequests on stdin until it ends; the worker's exit status (0, or 1 after a
    request it could not read, 2 for start-up arguments it does not know)."""
    protocol: str | None = None
    for i, arg in enumerate(startup):
        if arg.startswith("--worker_protocol="):
            protocol = arg.split("=", 1)[1]
        elif arg == "--worker_protocol" and i + 1 < len(startup):
            protocol = startup[i + 1]
    if protocol not in (None, "json", "proto"):
        print(f"compose: --worker_protocol {protocol}: expected json or proto", file=sys.stderr)
        return 2
    # stdout is for responses only: anything else written to fd 1 goes to stderr
    sys.stdout.flush()
    responses = os.fdopen(os.dup(1), "wb", buffering=0)
    # the worker's own complaints, from the reading thread while a request may have fds 1
    # and 2 (run_request): to the stderr Bazel gave it (its worker log)
    log = os.fdopen(os.dup(2), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = sys.stdin.fileno()

    work: queue.Queue[WorkRequest | None] = queue.Queue()
    lock = threading.Lock()
    pending: set[int] = set()
    cancelled: set[int] = set()
    state: dict[str, Any] = {"protocol": protocol, "running": None, "unreadable": False}
    # a cancel for the request running interrupts it as Ctrl-C would (our commands stop then:
    # a run's epoch ends, nothing is written, see run_command); set while that is wanted, so
    # that a late interrupt meets no other request and a real Ctrl-C still ends the worker
    stopping = threading.Event()

    def on_interrupt(signum: int, frame: Any) -> None:
        if stopping.is_set() and state["running"] is None:
            return  # the cancelled request ended before the interrupt arrived
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)

    def read() -> None:
        buffer = bytearray()
        while True:
            chunk = os.read(stdin, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            if state["protocol"] is None:
                state["protocol"] = sniff_protocol(bytes(buffer[:64]))
                if state["protocol"] is None:
                    continue
            split = split_json if state["protocol"] == "json" else split_proto
            try:
                batch = list(split(buffer))
            except (ValueError, AttributeError) as exc:
                print(f"compose worker: unreadable request: {exc}", file=log)
                state["unreadable"] = True
                break
            with lock:  # a request and its cancel in one read: the cancel wins
                for request in batch:
                    if request.cancel:
                        if request.request_id in pending:
                            cancelled.add(request.request_id)
                        elif request.request_id == state["running"] and not stopping.is_set():
                            stopping.set()
                            _thread.interrupt_main(signal.SIGINT)
                    else:
                        pending.add(request.request_id)
                        work.put(request)
        work.put(None)

    from ..model.loadcache import CACHE

    threading.Thread(target=read, daemon=True).start()
    write: Callable[..., bytes]
    while True:
        request = work.get()
        if request is None:
            return 1 if state["unreadable"] else 0
        write = encode_json_response if state["protocol"] == "json" else encode_proto_response
        with lock:
            pending.discard(request.request_id)
            was_cancelled = request.request_id in cancelled
            cancelled.discard(request.request_id)
        if was_cancelled:
            responses.write(write(0, "", request.request_id, True))
            continue
        CACHE.declare(dict(request.inputs))
        with lock:
            state["running"] = request.request_id
            stopping.clear()
        try:
            code, output = run_request(cli, request.arguments)
        except KeyboardInterrupt:
            if not stopping.is_set():
                raise  # Ctrl-C of whoever started the worker by hand
            code, output = 130, ""
        finally:
            with lock:
                state["running"] = None
            CACHE.withdraw()
        if stopping.is_set():
            responses.write(write(0, "", request.request_id, True))
        else:
            responses.write(write(code, output, request.request_id))
