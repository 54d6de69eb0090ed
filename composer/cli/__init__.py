"""The `compose` command line.

`compose ROOT.wasm -d DEP.wasm -o OUT.wasm` composes (the flags of `wasm-tools compose`);
`compose inspect|...` are subcommands. Only click is imported at start-up: each command
imports what it needs when it runs, because `compose` runs once per Makefile target.

Every error the user can cause is a `ComposerError`: printed as one line, exit status 1
(usage errors: 2), never a traceback. Set COMPOSER_DEBUG=1 to see tracebacks of internal
errors.

A module per part, lowest first: `console` (colour, error lines, WIT on a terminal; rich's
part in `terminal`), `running` (a command's errors as exit statuses; --features), `group`
(the default command, `help`), the options commands share (`host_options`,
`composing_options`, `checks`), then the commands: `composing` (compose, plug, graph,
resolve), `auditing` (audit), `stubbing` (stub), `hosting` (run, verify), `reading` (inspect,
print, parse, targets). This module puts them together.
"""

from __future__ import annotations

import click

from .auditing import audit_cmd
from .composing import compose_cmd, graph_cmd, plug_cmd, resolve_cmd
from .composing_options import VERSION_OPTION
from .console import COLOR_OPTION
from .group import ComposeGroup, help_cmd
from .hosting import run_cmd, verify_cmd
from .reading import inspect_cmd, parse_cmd, print_cmd, targets_cmd
from .stubbing import stub_cmd

__all__ = ["cli", "main"]


@click.group(
    cls=ComposeGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=False,
)
@VERSION_OPTION
@COLOR_OPTION
def cli() -> None:
    """A WebAssembly component composition linker.

    Plugs the exports of dependency components into the imports of a root component and
    writes one self-contained component; or composes what a WAC document (FILE.wac) says.
    """


# in this order: `compose help`'s list of commands, and the suggestion for a misspelt one
for _command in (inspect_cmd, parse_cmd, resolve_cmd, compose_cmd, plug_cmd, help_cmd, run_cmd,
                 verify_cmd, targets_cmd, graph_cmd, print_cmd, audit_cmd, stub_cmd):
    cli.add_command(_command)
# wac's verbs: `wac compose FILE.wac` is `compose compose FILE.wac` (the default command, by
# its name) and `wac encode`, its former name, the same
cli.add_command(compose_cmd, "encode")


def main() -> None:
    import gc
    import sys

    args = sys.argv[1:]
    if "--persistent_worker" in args:  # Bazel's: what comes before it is start-up arguments
        from .worker import serve

        try:
            sys.exit(serve(cli, args[:args.index("--persistent_worker")]))
        except KeyboardInterrupt:  # Ctrl-C of a worker started by hand: end, quietly
            sys.exit(130)

    # One command, then exit: the cyclic collector's passes over the many small records a
    # large composition makes cost a third of its time and free next to nothing (the model
    # has few cycles), so it is off for the process's short life.
    gc.disable()
    cli(prog_name="compose")
