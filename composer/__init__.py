"""composer: a WebAssembly component composition linker.

The package follows the pipeline, a folder per stage:

    binary/   bytes: reading and writing Binary.md's productions
    model/    the component model: types, elaboration, subtyping, names, validation, loading
    text/     text formats: WIT, WAVE values, `compose inspect`
    link/     linking: the composition graph, the front ends that build it (-d, config, WAC),
              linking it (shared resources, orders), encoding, `compose()`
    host/     the embedded WASI 0.2 host: running, calling, verifying
    report/   the composition report and its formats

The functions most programs need are importable from here (`from composer import compose`);
they load their stage on first use, so importing `composer` stays cheap for the command line.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "compose": "link.compose", "plan_composition": "link.compose",
    "CompositionFailed": "link.compose", "CompositionGraph": "link.composition",
    "load_component": "model.load",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'composer' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
