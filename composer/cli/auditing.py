"""`compose audit`: what each component of a composition can reach (link/capabilities.py), of
a component read back (composed or not) or of a composition before composing (`-d`, `-p`,
`-c`, `--plug`, or a WAC document), as a table or as JSON; with `--deny`/`--allow` (and a
config's `policy:`), checked against a policy, exit 1 on a violation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .composing_options import (
    ALLOW, CONFIG, DEFINITIONS, DENY, DEP, DEPS_DIR, PLUG, QUIET, SEARCH_PATH, Shared,
    ComposingOptions, composing_options)
from .console import COLOR_OPTION, error_line, stdout_is_terminal
from .group import OneFileCommand
from .running import FEATURES_OPTION, run_command

JSON = Shared("--json", "json_out", is_flag=True,
              help="Print JSON (docs/capabilities.md#audit has its schema).")


@click.command("audit", cls=OneFileCommand,
               short_help="Show what each component can reach; check it against a policy.")
@click.argument("root", type=click.Path(dir_okay=False, path_type=Path))
@composing_options(DEFINITIONS, SEARCH_PATH, PLUG, CONFIG, DEPS_DIR, DEP, DENY, ALLOW, JSON,
                   QUIET, FEATURES_OPTION, COLOR_OPTION, brief=True)
def audit_cmd(options: ComposingOptions, root: Path) -> None:
    """Show, for every component of ROOT, the host imports it holds directly and those it
    reaches through the components it calls. ROOT alone is read as it is (a composed component
    read back, or any component); with dependencies (-d, -p, -c, --plug), or as a WAC document,
    the composition is planned, not written. With --deny/--allow (or a config's `policy:`),
    exit 1 when a denied import is reachable."""
    enabled = options.gated_features()
    options, wac, _, _ = options.for_root(root)
    policy = options.policy()

    def body() -> None:
        from ..link.capabilities import check_policy, of_component

        if options.reads_root_alone and not wac:
            caps, given = of_component(root), policy
        else:
            plan, given = options.planned(root, policy)
            caps = _planned(plan)
        judgement = check_policy(caps, given) if given else None
        _show(caps, judgement, given, options)
        if judgement is not None and judgement.violations:
            for v in judgement.violations:
                error_line(v.text)
            sys.exit(1)

    def _planned(plan: Any) -> Any:
        """The capabilities of a planned composition; one that would fail: its problems, exit 1."""
        from ..link.capabilities import of_linked

        if plan.problems:
            if not options.quiet:
                for warning in plan.warnings:
                    error_line(warning, "warning")
            for problem in plan.problems:
                error_line(problem.message)
            sys.exit(1)
        return of_linked(plan)

    run_command(body, enabled)


def _show(caps: Any, judgement: Any, policy: Any, options: ComposingOptions) -> None:
    from ..report.audit import audit_json, plain_text

    if options.json_out:
        click.echo(audit_json(caps, judgement, policy), nl=False)
    elif stdout_is_terminal():
        from .terminal import print_audit_table

        print_audit_table(caps, judgement, policy)
    else:
        click.echo(plain_text(caps, judgement, policy), nl=False)
