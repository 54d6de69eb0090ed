"""Reading component files (composer/model/load.py): what is mapped, what is read, and the
file named in every failure."""

from __future__ import annotations

import os
import threading

import pytest

from support.build import wat
from support.components import counter, write

from composer.errors import ComposerError
from composer.model import load
from composer.model.load import load_component


def test_small_files_are_read_large_ones_mapped(tmp_path, monkeypatch):
    small = write(tmp_path, "small", counter(1))
    assert isinstance(load.read_component(small, mapped=True), bytes)
    monkeypatch.setattr(load, "_MAPPED", 16)
    data = load.read_component(small, mapped=True)
    assert not isinstance(data, bytes) and data[:] == small.read_bytes()
    assert isinstance(load.read_component(small), bytes)  # only when the caller takes a map


def test_a_directory_is_refused_by_name(tmp_path):
    for mapped in (False, True):
        with pytest.raises(ComposerError, match="expected a component file, found a directory") as e:
            load.read_component(tmp_path, mapped=mapped)
        assert e.value.file == str(tmp_path)


def test_a_missing_file_is_refused_by_name(tmp_path):
    for mapped in (False, True):
        with pytest.raises(ComposerError, match="component file not found"):
            load.read_component(tmp_path / "nope.wasm", mapped=mapped)


def test_a_pipe_is_read_to_its_end(tmp_path):
    data = wat(counter(4, exports="test:p/api"))
    fifo = tmp_path / "pipe.wasm"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as f:
            for i in range(0, len(data), 7):  # in small writes: more than one read
                f.write(data[i:i + 7])
                f.flush()

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        loaded = load_component(fifo, types_only=True, cache=None)
    finally:
        writer.join()
    assert loaded.data == data and "test:p/api" in loaded.scope.exports


def _feed_fifo(fifo, chunks, delay: float = 0.0) -> threading.Thread:
    """A writer of `chunks` (an iterable of bytes) to `fifo`, started after `delay` seconds;
    it stops when the reader closes its end."""
    import time

    def feed() -> None:
        time.sleep(delay)
        try:
            with open(fifo, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    return writer


def test_a_fifo_whose_writer_comes_late_is_read(tmp_path):
    data = wat(counter(4, exports="test:p/api"))
    fifo = tmp_path / "late.wasm"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, [data], delay=0.3)
    assert load.read_component(fifo) == data
    writer.join()


def test_a_stream_of_webassembly_text_is_read_whole(tmp_path):
    text = counter(4, exports="test:p/api").encode()
    fifo = tmp_path / "text.wat"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, [text[i:i + 100] for i in range(0, len(text), 100)])
    assert load.read_component(fifo) == wat(counter(4, exports="test:p/api"))
    writer.join()


def test_an_endless_stream_of_valid_sections_stops_at_the_limit(tmp_path, monkeypatch):
    from composer import files

    monkeypatch.setattr(files, "MAX_INPUT_SIZE", 1 << 20)
    fifo = tmp_path / "endless.wasm"
    os.mkfifo(fifo)

    def sections():  # custom sections with empty names, for ever: a component never ending
        yield b"\x00asm\x0d\x00\x01\x00"
        while True:
            yield b"\x00\x01\x00" * 10_000

    writer = _feed_fifo(fifo, sections())
    with pytest.raises(ComposerError) as e:
        load.read_component(fifo)
    assert str(e.value) == (f"{fifo}: the component read is larger than 1 MiB, the limit on "
                            "inputs (a component's sizes and offsets are 32-bit)")
    writer.join()


def test_a_file_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    from composer import files

    monkeypatch.setattr(files, "MAX_INPUT_SIZE", 1 << 10)
    path = tmp_path / "big.wasm"
    path.write_bytes(wat(counter(4)) + b"\x00\x03\x02ab" * 300)
    with pytest.raises(ComposerError, match=r"the component file \(\d,\d+ bytes\) is larger than "
                                            r"1 KiB, the limit on inputs"):
        load.read_component(path)


def test_a_large_input_written_as_text_is_read_as_a_small_one(tmp_path, monkeypatch):
    """Mapped inputs (those over `_MAPPED` bytes) written as WebAssembly text are turned into
    binary as small ones are (a map has no `decode`: an internal error before); the
    composition is what wasm-tools validates."""
    from support.cli import compose_cli
    from support.oracle import valid

    monkeypatch.setattr(load, "_MAPPED", 16)
    root = tmp_path / "root.wat"
    root.write_text(counter(1, imports=("t:a/a@1.0.0",)))
    dep = write(tmp_path, "dep", counter(2, exports="t:a/a@1.0.0"))
    out = tmp_path / "out.wasm"
    assert compose_cli(root, "-d", dep, "-o", out) == (0, "")
    valid(out)
