#!/usr/bin/env python3
"""How long does it take to read a large component's types, or a large WIT file?

Component: reads the componentize-py string-operations component (~18 MB; built and cached
by build_fixtures.py if needed, or pass a path), then decodes and elaborates it several
times and prints the best and median wall time. Core module bodies stay untouched: the
script also checks that no nested core module was decoded.

    .venv/bin/python scripts/bench_parse.py [COMPONENT.wasm] [--runs N]

WIT (`--wit MB`): writes a WIT package of about MB megabytes shaped like WASI's own WIT
(interfaces of documented resources, records, variants, enums, flags and functions that
`use` each other, and worlds importing and exporting them; about 70% of the bytes doc
comments, as in WASI), the unit repeated under distinct names, then times `compose inspect`
on it end to end (a fresh process: start-up, reading, resolving, printing) and reports its
peak memory; `wasm-tools component wit` on the same file for comparison. Exit status 1 when
the text reads slower than 20 MB/s.

    .venv/bin/python scripts/bench_parse.py --wit 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def default_component() -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_fixtures  # noqa: E402

    built = build_fixtures.build_all(ROOT / "fixtures" / "build", ["cpy-seed-ops"], componentize_py=True)
    return built["cpy-seed-ops"]


# One unit of the WIT benchmark: WASI-shaped interfaces and worlds (the words are ours),
# `{n}` making every name distinct. Docs dominate, as in WASI's own WIT.
WIT_UNIT = """
/// Byte streams of unit {n}: reading and writing data that arrives over time.
///
/// A stream is a handle to a sequence of bytes that may not all be available
/// yet. Reads return what is there now, and a subscription tells the caller
/// when more is; nothing in this interface blocks unless its name says so.
///
/// Streams are created by other interfaces (files, sockets, the standard
/// input and output of a command) and handed out as resources: dropping one
/// closes it, and a stream must outlive every pollable derived from it.
@since(version = 0.2.0)
interface streams-{n} {{
    @since(version = 0.2.0)
    use poll-{n}.{{pollable}};

    /// Why a stream operation did not complete.
    ///
    /// A failed operation leaves the stream unusable: every later operation
    /// on it fails the same way, and the caller should drop it. A closed
    /// stream ends normally, with all of its data read or written.
    variant stream-error {{
        /// The last operation failed before completing.
        ///
        /// The payload is a code for debugging only; programs must not
        /// branch on its value, which differs from one host to the next.
        last-operation-failed(u32),
        /// The stream is closed: no more data will be read or written.
        closed,
    }}

    /// How a stream was opened, as flags that can be combined.
    ///
    /// Flags a host does not support are refused when the stream is opened,
    /// never silently ignored.
    flags open-flags {{
        /// Create the object behind the stream if it does not exist.
        create,
        /// Fail if the object already exists.
        exclusive,
        /// Truncate the object to size zero when opening it.
        truncate,
    }}

    /// What kind of object a stream reads from or writes to.
    enum stream-kind {{
        /// A regular file on a filesystem.
        file,
        /// A pipe between two processes.
        pipe,
        /// A network socket, connected.
        socket,
    }}

    /// Statistics a stream keeps about itself since it was opened.
    record stream-stat {{
        /// Bytes read or written so far.
        bytes: u64,
        /// Operations that had to wait for data or for room.
        waits: u32,
        /// The kind of object behind the stream.
        kind: stream-kind,
    }}

    /// A stream of bytes to read.
    ///
    /// Reads are non-blocking to the extent the platform allows: they return
    /// promptly, with fewer bytes than asked for when fewer are available,
    /// possibly none at all. To wait for data, subscribe and poll the
    /// pollable returned; it becomes ready when a read would return data or
    /// report that the stream ended.
    resource input-stream {{
        /// Read at most `len` bytes from the stream without waiting.
        ///
        /// The list returned may be shorter than `len`, or empty when no data
        /// is available yet. Once the stream has ended, every read reports
        /// `closed`. A `len` of zero asks only whether the stream is still
        /// open: the list is empty and the result says so.
        ///
        /// `len` is a 64-bit number, more than a 32-bit memory can hold: the
        /// host returns fewer bytes than that, never more than it can give.
        ///
        /// A read that fails leaves the stream failed: the error says why,
        /// and every later read reports the same error. The caller should
        /// drop the stream then, and the pollables it made from it.
        ///
        /// This function never waits. To read everything a stream holds,
        /// a caller loops:
        ///
        /// ```text
        /// let pollable = stream.subscribe();
        /// loop {{
        ///     match stream.read(4096) {{
        ///         Ok(bytes) if bytes.is_empty() => poll(pollable),
        ///         Ok(bytes) => consume(bytes),
        ///         Err(closed) => break,
        ///     }}
        /// }}
        /// ```
        read: func(
            /// The most bytes to read.
            len: u64
        ) -> result<list<u8>, stream-error>;

        /// Read at most `len` bytes, waiting until at least one is available
        /// or the stream ends.
        ///
        /// The same as `read`, except that it does not return an empty list
        /// while the stream is open: it waits on the stream's pollable until
        /// data is available, then reads it. The wait may be long; a caller
        /// that must stay responsive polls several pollables itself.
        blocking-read: func(
            /// The most bytes to read.
            len: u64
        ) -> result<list<u8>, stream-error>;

        /// Skip at most `len` bytes, returning how many were skipped.
        ///
        /// Behaves like `read`, without returning the bytes.
        skip: func(
            /// The most bytes to skip.
            len: u64,
        ) -> result<u64, stream-error>;

        /// A pollable that is ready when data is available or the stream
        /// ended.
        ///
        /// The pollable is a child of the stream: it must be dropped before
        /// the stream is, and it is ready for as long as the condition holds.
        subscribe: func() -> pollable;

        /// Statistics about this stream so far.
        stat: func() -> stream-stat;
    }}

    /// A stream of bytes to write.
    ///
    /// Writes check first how much the stream accepts without waiting, then
    /// write at most that much; a flush makes sure the bytes reached their
    /// destination before anything else is written. Writing more than the
    /// last check allowed is an error, and so is writing during a flush.
    resource output-stream {{
        /// How many bytes can be written now without waiting.
        ///
        /// Zero means the caller must wait on the pollable from `subscribe`
        /// before writing again; an error means the stream is closed or
        /// broken, and every later write will fail the same way.
        check-write: func() -> result<u64, stream-error>;

        /// Write bytes, never more than the last `check-write` allowed.
        ///
        /// The bytes may be buffered: call `flush` to be sure they reached
        /// the object behind the stream.
        ///
        /// Writing more than allowed is an error, and so is writing while a
        /// flush is in progress: the stream is then failed, and every later
        /// operation on it reports the same error. A write that succeeds has
        /// taken all of the bytes given: there is no partial write.
        ///
        /// This function never waits: when `check-write` allows nothing, the
        /// caller subscribes to the stream and polls the pollable it gets,
        /// which becomes ready when there is room again.
        write: func(
            /// The bytes to write.
            contents: list<u8>
        ) -> result<_, stream-error>;

        /// Write bytes and flush them, waiting as long as it takes.
        ///
        /// A convenience for the loop of `check-write`, `write` and `flush`
        /// every caller would otherwise write, limited to 4096 bytes.
        blocking-write-and-flush: func(
            /// The bytes to write, at most 4096 of them.
            contents: list<u8>
        ) -> result<_, stream-error>;

        /// Ask for the bytes written so far to be flushed.
        ///
        /// Returns at once: the pollable from `subscribe` becomes ready when
        /// the flush is complete, and `check-write` reports how it ended.
        flush: func() -> result<_, stream-error>;

        /// A pollable that is ready when the stream accepts more bytes.
        subscribe: func() -> pollable;

        /// Copy at most `len` bytes from an input stream to this one.
        ///
        /// Returns how many bytes were copied, which may be fewer than `len`
        /// when the input has fewer available or this stream accepts fewer.
        ///
        /// The bytes go from one stream to the other without passing through
        /// the caller's memory, which hosts can often do faster: from a file
        /// to a socket, say. Like `write`, it never writes more than the last
        /// `check-write` allowed, and like `read`, it never waits.
        ///
        /// An error of either stream is reported as it is: the caller tells
        /// which one failed by asking each for its statistics.
        splice: func(
            /// The stream to read from.
            src: borrow<input-stream>,
            /// The most bytes to copy.
            len: u64,
        ) -> result<u64, stream-error>;
    }}
}}

/// Waiting for several things at once, unit {n}.
///
/// A pollable stands for an event that will happen; polling a list of them
/// waits until at least one is ready. This is the only way a program waits
/// for input and output: every blocking function is defined in terms of it.
@since(version = 0.2.0)
interface poll-{n} {{
    /// Something to wait for.
    ///
    /// Pollables are created by the objects whose events they stand for, and
    /// stay usable until dropped, even after the event happened.
    resource pollable {{
        /// Whether the event happened already; never waits.
        ready: func() -> bool;

        /// Wait for the event to happen.
        ///
        /// The same as calling `poll` with a list of this one pollable.
        block: func();
    }}

    /// Wait until at least one of the pollables is ready, and say which are,
    /// as indices into the list given.
    ///
    /// The list must not be empty, and may hold the same pollable more than
    /// once: each of its places is reported. The order of the indices
    /// returned is not specified.
    ///
    /// This function is the one place a program waits for input and output
    /// to make progress. Every function named `blocking-...` is `poll` on one
    /// pollable followed by the non-blocking function of the same name, and
    /// a program that waits on several things at once calls `poll` itself,
    /// with one pollable per thing it waits for.
    ///
    /// The list is at most 2^32 - 1 long: indices are 32-bit numbers.
    poll: func(
        /// The pollables to wait for.
        in: list<borrow<pollable>>
    ) -> list<u32>;
}}

/// A clock that tells the time of day, unit {n}.
///
/// The time it tells may jump forward or back when the system clock is set:
/// it is not suitable for measuring how long something takes.
@since(version = 0.2.0)
interface wall-clock-{n} {{
    /// A point in time: seconds and nanoseconds since the epoch, the first
    /// of January 1970, midnight, coordinated universal time.
    record datetime {{
        /// Whole seconds.
        seconds: u64,
        /// Nanoseconds past the second, less than a billion.
        nanoseconds: u32,
    }}

    /// The current time.
    ///
    /// Successive calls may return times that go backwards.
    now: func() -> datetime;

    /// How precise the clock is: the smallest step between two times it
    /// tells.
    resolution: func() -> datetime;
}}

/// What a command of unit {n} sees of the environment it was started in.
@since(version = 0.2.0)
interface environment-{n} {{
    /// The environment variables, as pairs of name and value.
    ///
    /// Each call returns the same list: the environment does not change
    /// while the command runs.
    get-environment: func() -> list<tuple<string, string>>;

    /// The arguments the command was started with, its name first.
    get-arguments: func() -> list<string>;

    /// The directory relative paths are resolved against, if there is one.
    initial-cwd: func() -> option<string>;
}}

/// The world of a command of unit {n}: what it may import, what it must
/// export for a host to run it.
@since(version = 0.2.0)
world command-{n} {{
    @since(version = 0.2.0)
    import environment-{n};
    @since(version = 0.2.0)
    import wall-clock-{n};
    @since(version = 0.2.0)
    import streams-{n};

    /// Run the command; an error ends it with a failure status.
    @since(version = 0.2.0)
    export run: func() -> result;
}}
"""


def wit_document(size: int) -> str:
    """A WIT package of about `size` characters: `WIT_UNIT` repeated under distinct names."""
    parts = ["package bench:wasi-like@0.2.0;\n"]
    total, n = len(parts[0]), 0
    while total < size:
        unit = WIT_UNIT.format(n=n)
        parts.append(unit)
        total += len(unit)
        n += 1
    return "".join(parts)


def _timed(cmd: list[str], check: bool = True) -> tuple[float, float, int, bytes]:
    """Wall time, CPU time (user and system: what the machine's load does not change), peak
    memory (bytes) and output of a command run as a process of its own."""
    import tempfile

    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        # spawned, not forked: a forked child's peak memory counts this script's own
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - t
        out.seek(0)
        text = out.read()
    if check and os.waitstatus_to_exitcode(status):
        sys.exit(f"{cmd[0]} failed: {text[:500].decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text


def use_chain(links: int) -> str:
    """A package whose interfaces each `use` the one before, a world importing and
    exporting the last: elaborating it walks the whole chain."""
    lines = ["package bench:chain;", "interface i0 { type t = u32; }"]
    lines += [f"interface i{k} {{ use i{k - 1}.{{t}}; }}" for k in range(1, links)]
    lines.append(f"world w {{ import i{links - 1}; export i{links - 1}; }}")
    return "\n".join(lines) + "\n"


def bench_wit(megabytes: float) -> int:
    import shutil
    import tempfile

    text = wit_document(int(megabytes * 1_000_000))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.wit"
        path.write_text(text)
        size = path.stat().st_size
        compose = str(Path(sys.executable).parent / "compose")
        wall, cpu, peak, out = _timed([compose, "inspect", str(path)])
        comments = sum(len(line) for line in text.splitlines() if line.lstrip().startswith("//"))
        print(f"WIT file: {size / 1e6:.1f} MB, {text.count(chr(10)):,} lines, "
              f"{comments / len(text):.0%} of it comments")
        print(f"compose inspect: {wall:.2f} s wall, {cpu:.2f} s CPU ({size / 1e6 / cpu:.1f} MB/s "
              f"of CPU), peak memory {peak / 2**20:.0f} MiB, printed {len(out) / 1e6:.1f} MB")
        wasm_tools = shutil.which("wasm-tools") or str(Path(sys.executable).parent / "wasm-tools")
        have_wasm_tools = Path(wasm_tools).exists()
        if have_wasm_tools:
            wt_wall, wt_cpu, wt_peak, _ = _timed([wasm_tools, "component", "wit", str(path)])
            print(f"wasm-tools component wit: {wt_wall:.2f} s wall, {wt_cpu:.2f} s CPU, "
                  f"peak memory {wt_peak / 2**20:.0f} MiB")
        chain = Path(tmp) / "chain.wit"
        chain.write_text(use_chain(10_000))
        c_wall, c_cpu, c_peak, _ = _timed([compose, "inspect", str(chain)])
        print(f"use chain of 10,000 links: compose inspect {c_wall:.2f} s wall, {c_cpu:.2f} s CPU, "
              f"peak memory {c_peak / 2**20:.0f} MiB", end="")
        if have_wasm_tools:
            wt = _timed([wasm_tools, "component", "wit", str(chain)], check=False)
            print(f"; wasm-tools {wt[0]:.2f} s" + (" (it fails: " + wt[3].decode(errors="replace")
                                                    .strip().splitlines()[-1][:60] + ")"
                                                    if b"error" in wt[3] or b"overflow" in wt[3]
                                                    else ""))
        else:
            print()
    # the machine may be busy with other work: the CPU time is the figure that holds
    return 0 if size / 1e6 / cpu >= 20 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("component", nargs="?", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--wit", type=float, metavar="MB", help="time reading a WIT file of MB megabytes")
    args = ap.parse_args()
    if args.wit:
        return bench_wit(args.wit)
    path = args.component or default_component()

    t0 = time.perf_counter()
    from composer.binary import sections as S
    from composer.binary.component import Component
    from composer.model.elaborate import elaborate

    import_s = time.perf_counter() - t0
    data = path.read_bytes()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        comp = Component.decode(data)
        scope = elaborate(comp)
        times.append(time.perf_counter() - t)
    modules = [m for m in scope.core_modules if isinstance(m, S.CoreModuleSection)]
    module_bytes = sum(len(m.data) for m in modules)
    assert all(isinstance(m.data, memoryview) for m in modules)
    print(f"component: {path} ({len(data) / 1e6:.1f} MB, {len(modules)} core modules "
          f"holding {module_bytes / 1e6:.1f} MB, left undecoded)")
    print(f"imports: {len(scope.imports)}, exports: {len(scope.exports)}")
    print(f"decode + elaborate to import/export types: best {min(times) * 1000:.1f} ms, "
          f"median {statistics.median(times) * 1000:.1f} ms over {args.runs} runs")
    print(f"(importing composer's decoder took {import_s * 1000:.1f} ms once)")
    return 0 if min(times) < 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
