"""The embedded WASI 0.2 host (wasmtime-py): running, calling and verifying components."""
