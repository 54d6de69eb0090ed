"""composer: a WebAssembly component composition linker."""

__version__ = "0.1.0"
