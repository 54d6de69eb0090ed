"""Small runnable components, written as WAT for the composition tests.

`counter(...)` makes a component whose `get: func() -> u32` (or `u64`) returns a constant
plus the `get()` of every interface it imports, exported as an interface or, for a root, as a
top-level `run`. Chains of them prove transitive wiring by the number they compute
(`run_top`).
"""

from __future__ import annotations

from pathlib import Path

import build_fixtures

from support.build import wat, wit_component
from support.oracle import valid


def counter(
    value: int,
    exports: str | None = None,
    imports: tuple[str, ...] = (),
    result: str = "u32",
    import_result: str = "u32",
    extra_exports: tuple[str, ...] = (),
) -> str:
    """WAT: `get() = value + sum(import.get() for each import)`.

    Exported as the interface `exports` (and each of `extra_exports`), or as a top-level
    `run` function when `exports` is None.
    """
    core = {"u32": "i32", "u64": "i64"}
    lines = ["(component"]
    for i, name in enumerate(imports):
        lines.append(f'  (import "{name}" (instance $i{i} (export "get" (func (result {import_result})))))')
        lines.append(f'  (core func $g{i} (canon lower (func $i{i} "get")))')
    body = [f"({core[result]}.const {value})"]
    module_imports = []
    for i in range(len(imports)):
        module_imports.append(f'(import "deps" "g{i}" (func $g{i} (result {core[import_result]})))')
        call = f"(call $g{i})"
        if import_result != result:
            call = f"({core[result]}.extend_i32_u {call})" if result == "u64" else f"(i32.wrap_i64 {call})"
        body.append(call)
        body.append(f"{core[result]}.add")
    lines.append("  (core module $m")
    lines += [f"    {imp}" for imp in module_imports]
    lines.append(f'    (func (export "get") (result {core[result]}) {" ".join(body)}))')
    if imports:
        exported = " ".join(f'(export "g{i}" (func $g{i}))' for i in range(len(imports)))
        lines.append(f"  (core instance $deps {exported})")
        lines.append('  (core instance $c (instantiate $m (with "deps" (instance $deps))))')
    else:
        lines.append("  (core instance $c (instantiate $m))")
    lines.append(f'  (func $get (result {result}) (canon lift (core func $c "get")))')
    if exports is None:
        lines.append('  (export "run" (func $get))')
    else:
        lines.append('  (instance $out (export "get" (func $get)))')
        for name in (exports, *extra_exports):
            lines.append(f'  (export "{name}" (instance $out))')
    lines.append(")")
    return "\n".join(lines)


def run_top(path: Path, func: str = "run") -> object:
    """What the top-level function `func` of the valid component `path` returns, called with
    no arguments in wasmtime."""
    valid(path)
    (result,) = build_fixtures.run_calls(path, [build_fixtures.Call(None, func, (), None)])
    return result


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / f"{name}.wasm"
    path.write_bytes(wat(text))
    return path


def write_wit(tmp: Path, name: str, wit_text: str, world: str) -> Path:
    """A component of `world` built from WIT, with placeholder bodies (see `wit_component`)."""
    path = tmp / f"{name}.wasm"
    path.write_bytes(wit_component(wit_text, world))
    return path


def resource_provider(interface: str) -> str:
    """WAT: a component defining a resource `r` and exporting `interface` with `r` and its
    constructor (wit-component's shape: a shim component gives the interface its names)."""
    return f"""(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core module $m (import "h" "new" (func $new (param i32) (result i32)))
    (func (export "make") (result i32) (call $new (i32.const 7))))
  (core instance $h (export "new" (func $new)))
  (core instance $i (instantiate $m (with "h" (instance $h))))
  (func $make (result (own $r)) (canon lift (core func $i "make")))
  (component $shim
    (import "r" (type $ir (sub resource)))
    (import "make" (func $mk (result (own $ir))))
    (export $er "r" (type $ir))
    (export "[constructor]r" (func $mk) (func (result (own $er)))))
  (instance $api (instantiate $shim (with "r" (type $r)) (with "make" (func $make))))
  (export "{interface}" (instance $api)))"""


def wat_file(path: Path, text: str) -> Path:
    """`path`, compiled from the WAT `text` unless it is already there (kept between runs)."""
    import wasmtime

    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(wasmtime.wat2wasm(text))
        tmp.replace(path)
    return path


def chain(directory: Path, n: int) -> tuple[Path, list[Path]]:
    """`root.wasm` and `link1.wasm` .. `link{n}.wasm` in `directory`, each importing the
    next (`test:chain/link{i}`), built once (kept where they are): a composition of n+1
    components, one core module each, whose `run` returns n+1."""
    directory.mkdir(parents=True, exist_ok=True)
    root = wat_file(directory / "root.wasm", counter(1, imports=("test:chain/link1",)))
    links = [wat_file(directory / f"link{i}.wasm",
                      counter(1, exports=f"test:chain/link{i}",
                              imports=(f"test:chain/link{i + 1}",) if i < n else ()))
             for i in range(1, n + 1)]
    return root, links


def capability_chain(tmp: Path) -> tuple[Path, Path, Path]:
    """`app.wasm` -> `ops.wasm` -> `net.wasm`, each holding one WASI interface of its own
    (`wasi:cli/environment@0.2.0`, `wasi:filesystem/preopens@0.2.3`, `wasi:sockets/tcp@0.2.0`):
    for what a component holds and what it reaches through others (capabilities, policies)."""
    app = write(tmp, "app", counter(1, imports=("example:ops/api@1.0.0", "wasi:cli/environment@0.2.0")))
    ops = write(tmp, "ops", counter(2, exports="example:ops/api@1.0.0",
                                    imports=("example:net/api@1.0.0", "wasi:filesystem/preopens@0.2.3")))
    net = write(tmp, "net", counter(3, exports="example:net/api@1.0.0",
                                    imports=("wasi:sockets/tcp@0.2.0",)))
    return app, ops, net
