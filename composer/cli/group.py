"""The command tree's conventions: `compose ROOT ...` is the default command (`compose`, not
typed), group options may come before it, a misspelt command is not taken for a root
component, usage errors quote what was typed escaped, and `compose help [COMMAND]`."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

import click

from ..errors import printable
from .console import reset_color


class DefaultContext(click.Context):
    """The context of the default command: messages name it `compose`, as it is typed, not
    `compose compose`."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else "compose"


class ComposeGroup(click.Group):
    """A group whose default command is `compose` itself: `compose ROOT ...` composes."""

    default_command = "compose"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with printable_usage():
            return self._parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with printable_usage():  # the commands' own usage errors
            return super().invoke(ctx)

    def _parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        reset_color()
        args = expand_flagfiles(ctx, args)
        # the group's own options (--color) may come first, and --features, which is the
        # command's (moved after it); the first other word is a command, or else the root
        # component of the default command
        head: list[str] = []
        moved: list[str] = []
        i = 0
        while i < len(args) and args[i].split("=")[0] in ("--color", "--features"):
            n = 1 if "=" in args[i] else 2
            (moved if args[i].startswith("--features") else head).extend(args[i:i + n])
            i += n
        rest = args[i:]
        if rest and rest[0] in self.commands:
            args = [*head, rest[0], *moved, *rest[1:]]
        elif rest and rest[0] not in ("--help", "-h", "--version", "-V"):
            refuse_misspelt_command(ctx, rest[0], self.commands)
            args = [*head, self.default_command,
                    *long_options(self.commands[self.default_command], [*moved, *rest])]
        elif moved and not rest:  # `compose --features all`: composing, with no root
            args = [*head, self.default_command, *moved]
        else:  # --help, --version: what --features would apply to is not run
            args = [*head, *rest]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """`compose gr<Tab>`: the first word is a command or the root component, so both
        complete, as git completes a command or a path."""
        from click.shell_completion import CompletionItem

        items = super().shell_complete(ctx, incomplete)  # the commands; options after `-`
        if incomplete.startswith("-"):
            return items
        if not items:  # no command: the shell completes the file (folders, quoting, ~)
            return [CompletionItem(incomplete, type="file")]
        # commands and files together: bash drops every other candidate when one is of type
        # "file", so the files that fit are listed here (a command's name has no `/`: they
        # are in this folder; hidden ones only for a word starting with `.`, which no
        # command's name does)
        try:
            names = sorted(e.name + "/" * e.is_dir() for e in os.scandir(".")
                           if e.name.startswith(incomplete) and not e.name.startswith("."))
        except OSError:
            names = []
        return items + [CompletionItem(name) for name in names]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("compose", "ROOT.wasm [-d DEP.wasm]... [-o OUT.wasm] [OPTIONS]")
        formatter.write_usage("compose", "FILE.wac [--deps-dir DIR] [-o OUT.wasm] [OPTIONS]",
                              prefix="       ")
        formatter.write_usage("compose", "COMMAND [ARGS]...", prefix="       ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # composing is what `compose` is for: its options first, then the group's own, then
        # the other commands one line each
        command = self.commands[self.default_command]
        sub = DefaultContext(command, info_name=self.default_command, parent=ctx)
        shared = {"color", "version", *ctx.help_option_names}  # listed once, under Options
        rows = [r for p in command.get_params(sub)
                if isinstance(p, click.Option) and not shared & {p.name, *p.opts}
                for r in [p.get_help_record(sub)] if r is not None]
        with formatter.section("Composing options"):
            formatter.write_dl(rows)
        super().format_options(ctx, formatter)


class OneFileCommand(click.Command):
    """A command taking one file (the root, the socket) whose other files are given with an
    option (`-d`, `--plug`): a second file given bare is one given without it, and the usage
    error (click's "unexpected extra argument", or the option missing) says how to give it."""

    files_option = "-d"  # the option giving the other files
    files_are = "dependencies"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        typed = list(args)  # (click's parser consumes the list it is given)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            files = [] if isinstance(exc, click.NoSuchOption) else self._positionals(ctx, typed)
            if len(files) > 1 and not files[0].endswith(".wac"):  # (a document names its own)
                import shlex

                given = " ".join(f"{self.files_option} {shlex.quote(f)}" for f in files[1:])
                exc.hint = (f"give {self.files_are} with {self.files_option}: "  # type: ignore[attr-defined]
                            f"{ctx.command_path} {shlex.quote(files[0])} {given}")
            raise

    def _positionals(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The words of `args` that are neither options nor their values: the file
        argument's, then the extra ones."""
        try:
            given, extra, _ = self.make_parser(ctx).parse_args(args=args)
        except click.UsageError:  # an unknown option: its own error says what is wrong
            return []
        named = [given[p.name] for p in self.params
                 if isinstance(p, click.Argument) and given.get(p.name) is not None]
        return [*named, *extra]


def expand_flagfiles(ctx: click.Context, args: list[str]) -> list[str]:
    """`@FILE` replaced by the arguments FILE holds, one a line, as Bazel writes a param
    file (no quoting: a line is one argument, spaces and all); not recursive. `--` ends
    them: an `@` after it is a file's name."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        if not arg.startswith("@") or len(arg) == 1:
            out.append(arg)
            continue
        try:
            with open(arg[1:], encoding="utf-8", errors="surrogateescape", newline="") as f:
                text = f.read()
        except OSError as exc:
            raise click.UsageError(f"cannot read the flag file `{arg[1:]}`: "
                                   f"{exc.strerror or exc}", ctx) from None
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        out.extend(line[:-1] if line.endswith("\r") else line for line in lines)
    return out


@contextmanager
def printable_usage() -> Iterator[None]:
    """Usage errors (click's own too) quote what was typed: a file name may hold a newline
    or an escape sequence, shown escaped as in every other message; a hint (`exc.hint`) is a
    line of its own after it."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = printable(exc.message)
        hint = getattr(exc, "hint", None)
        if hint is not None:
            said = exc.format_message  # (click's own message, made from its parameter)
            exc.format_message = lambda: f"{said()}\nhint: {printable(hint)}"  # type: ignore[method-assign]
        raise


def long_options(command: click.Command, args: list[str]) -> list[str]:
    """`args` with the command's one-letter options spelt long (`-d` as `--definitions`).

    The same options to click, but click tries every `-x` as a long option first and builds
    a "no such option" error, with spelling suggestions, before trying it as a short one:
    with a `-d` per dependency, a composition of a thousand components spent a tenth of its
    time there."""
    short: dict[str, str] = {}
    takes_value: set[str] = set()
    for p in command.params:
        if isinstance(p, click.Option):
            long = next((o for o in p.opts if o.startswith("--")), None)
            for o in p.opts:
                if long is not None and len(o) == 2 and o[0] == "-" and o[1] != "-":
                    short[o] = long
            if not p.is_flag:
                takes_value.update(p.opts)
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return out + args[i:]
        if arg in takes_value:  # with its value, whatever that looks like
            if i + 1 == len(args):  # no value: click's error names the option as typed
                return out + [arg]
            out += [short.get(arg, arg), args[i + 1]]
            i += 2
            continue
        out.append(short.get(arg, arg))
        i += 1
    return out


def refuse_misspelt_command(ctx: click.Context, word: str,
                            commands: dict[str, click.Command]) -> None:
    """`compose inpsect x.wasm`: a word that is no file and reads like a command's name is a
    misspelt command, not a root component."""
    if word.startswith("-") or "." in word or "/" in word or os.path.exists(word):
        return
    import difflib  # here, not before: a root component's path returns above (~1.5 ms)

    visible = [name for name, c in commands.items() if not c.hidden]
    close = difflib.get_close_matches(word, visible, n=1, cutoff=0.6)
    if close:
        raise click.UsageError(f"no such command `{word}` (and no such file); did you mean "
                               f"`{close[0]}`?", ctx)


@click.command("help", short_help="Show the help of compose or of one of its commands.")
@click.argument("command", required=False)
@click.pass_context
def help_cmd(ctx: click.Context, command: str | None) -> None:
    """Show the help of compose, or of COMMAND."""
    group = ctx.parent
    assert group is not None
    if command is None:
        click.echo(group.get_help())
        return
    commands = group.command.commands  # type: ignore[attr-defined]
    target = commands.get(command)
    # composing, hidden by its names (`compose`, wac's `encode`), has its help too
    composing = commands.get(getattr(group.command, "default_command", None))
    if target is None or (target.hidden and target is not composing):
        visible = ", ".join(n for n, c in commands.items() if not c.hidden)
        raise click.UsageError(f"no such command `{command}` (commands: {visible})", ctx)
    sub = target.context_class(target, info_name=command, parent=group)
    click.echo(target.get_help(sub))
