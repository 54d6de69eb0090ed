"""Reading component files (composer/model/load.py): what is mapped, what is read, and the
file named in every failure."""

from __future__ import annotations

import os
import threading

import pytest

from components import counter, write
from conftest import wat

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
