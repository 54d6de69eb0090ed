"""The core module printer against the oracle: `wasm-tools print` of a module (built from WAT,
or bytes made by hand) next to ours, and the bytes of sections made by hand."""

from __future__ import annotations

from composer.binary.writer import Writer, encode_u
from composer.text.wat.module import print_module
from composer.text.wat.printer import Printer
from support.oracle import wasm_tools

HEADER = b"\0asm\x01\x00\x00\x00"


def oracle_print(data: bytes, skeleton: bool = False) -> str:
    args = ["print", "-", *(["--skeleton"] if skeleton else [])]
    return wasm_tools(*args, input=data).stdout.decode()


def our_print(data: bytes, skeleton: bool = False) -> str:
    """The whole text of a core module as the top-level file prints it."""
    p = Printer()
    print_module(p, data, skeleton=skeleton)
    return p.text() + "\n"


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + encode_u(len(payload)) + payload


def custom(name: str, payload: bytes) -> bytes:
    w = Writer()
    w.name(name)
    return section(0, w.getvalue() + payload)


def vec(items: list[bytes]) -> bytes:
    return encode_u(len(items)) + b"".join(items)


def string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return encode_u(len(raw)) + raw


def sections(data: bytes) -> list[tuple[int, bytes]]:
    """A module's sections (after the header) as (id, whole section bytes)."""
    out, pos = [], 8
    while pos < len(data):
        sid = data[pos]
        size, shift, at = 0, 0, pos + 1
        while True:
            b = data[at]
            at += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        out.append((sid, data[pos:at + size]))
        pos = at + size
    return out


def core_modules(data: bytes) -> list[bytes]:
    """The core modules a component embeds, its nested components' included, in file order."""
    out = []
    for sid, whole in sections(data):
        payload = whole[len(whole) - _payload_size(whole):]
        if sid == 1:
            out.append(payload)
        elif sid == 4:
            out.extend(core_modules(payload))
    return out


def _payload_size(whole: bytes) -> int:
    size, shift, at = 0, 0, 1
    while True:
        b = whole[at]
        at += 1
        size |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return size


def assert_prints_as_wasm_tools(text: str, binary: bytes) -> None:
    """`text` (compose's `-t` or `compose print` of `binary`) is `wasm-tools print`'s text of
    it, or differs from it only where wasm-tools' own text does not read back: an outer alias
    naming a nested component by its own name while the header printed the name its parent
    gives it (`wasm-tools parse`: "outer component ... not found"). There ours names it by
    the header's name, and must read back: parsed and printed again, it is itself."""
    theirs = oracle_print(binary)
    if text == theirs:
        return
    ours_lines, their_lines = text.splitlines(), theirs.splitlines()
    assert len(ours_lines) == len(their_lines), "the texts differ in more than outer aliases"
    for a, b in zip(ours_lines, their_lines):
        if a != b:
            assert a.lstrip().startswith("(alias outer ") and b.lstrip().startswith(
                "(alias outer "), (a, b)
    refused = wasm_tools("parse", "-", "-o", "/dev/null", input=theirs.encode(), check=False)
    assert refused.returncode != 0 and b"outer component" in refused.stderr, (
        "wasm-tools' own text reads back, so ours must equal it")
    reparsed = wasm_tools("parse", "-", input=text.encode()).stdout
    assert oracle_print(reparsed) == text
