"""The options of the embedded host, shared by `run` and `compose --run`/`plug --run`: what
the component may see (environment, directories) and its limits, as a `HostConfig`."""

from __future__ import annotations

from typing import Any, Callable

import click


def host_options(f: Callable) -> Callable:
    """The host's options, added to a command."""
    options = [
        click.option("--env", "env", multiple=True, metavar="K=V",
                     help="Set an environment variable for the component (repeatable)."),
        click.option("--inherit-env", is_flag=True, help="Pass this process's environment on."),
        click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
                     help="Grant a host directory, seen by the component as GUEST (repeatable)."),
        click.option("--timeout", type=float, metavar="SECONDS",
                     help="Stop the component after this long."),
        click.option("--max-memory", metavar="SIZE",
                     help="Largest linear memory the component may have (64M, 1G, ...)."),
        click.option("--no-cache", is_flag=True, help="Do not use wasmtime's compilation cache."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def host_config(env: tuple[str, ...], inherit_env: bool, dirs: tuple[str, ...],
                timeout: float | None, max_memory: str | None, no_cache: bool,
                args: tuple[str, ...] = (), program: str = "component",
                progress: bool = True) -> Any:
    """The host's options as a `HostConfig` for running `program` with `args`; a value that
    cannot be one is a usage error."""
    from ..host.execute import HostConfig, parse_size

    pairs = []
    for item in env:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise click.UsageError(f"--env {item}: expected KEY=VALUE")
        pairs.append((key, value))
    grants = []
    for item in dirs:
        host, sep, guest = item.partition("::")
        grants.append((host, guest if sep else host))
    limit = None
    if max_memory is not None:
        try:
            limit = parse_size(max_memory)
        except ValueError as exc:
            raise click.UsageError(f"--max-memory: {exc}") from None
    if timeout is not None and timeout <= 0:
        raise click.UsageError("--timeout must be more than 0 seconds")
    return HostConfig(
        args=tuple(args), env=tuple(pairs), inherit_env=inherit_env, dirs=tuple(grants),
        timeout=timeout, max_memory=limit, cache=not no_cache, program=program,
        progress=progress,
    )
