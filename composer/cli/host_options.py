"""The options of the embedded host, shared by `run` and `compose --run`/`plug --run`: what
the component may see (environment, directories) and its limits, as a `HostConfig`."""

from __future__ import annotations

from typing import Any, Callable

import click


def _host_options(run: str, check: str) -> Callable[[Callable], Callable]:
    """The host's options as a decorator; `run` and `check` lead the help of the options
    that apply only when the command runs the component, or runs or verifies it."""

    def said(when: str, text: str) -> str:
        return f"{when}{text[0].lower()}{text[1:]}" if when else text

    options = [
        click.option("--env", "env", multiple=True, metavar="K=V",
                     help=said(run, "Set an environment variable for the component "
                                    "(repeatable).")),
        click.option("--inherit-env", is_flag=True,
                     help=said(run, "Pass this process's environment on.")),
        click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
                     help=said(run, "Grant a host directory, seen by the component as GUEST "
                                    "(repeatable).")),
        click.option("--timeout", type=float, metavar="SECONDS",
                     help=said(run, "Stop the component after this long.")),
        click.option("--max-memory", metavar="SIZE",
                     help=said(run, "Largest linear memory the component may have (64M, 1G, "
                                    "...).")),
        click.option("--no-cache", is_flag=True,
                     help=said(check, "Do not use wasmtime's compilation cache.")),
    ]

    def add(f: Callable) -> Callable:
        for option in reversed(options):
            f = option(f)
        return f

    return add


# `compose run`: the options are what it is about
run_options = _host_options("", "")
# composing (`compose ROOT`, `compose plug`): they apply only with --run (and --verify)
host_options = _host_options("With --run: ", "With --run or --verify: ")


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
