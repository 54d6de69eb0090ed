"""`compose_tool`: the repository rule that gives a workspace its `compose` command.

    load("@wasm_composer//:repositories.bzl", "compose_tool")
    compose_tool(name = "compose")                                   # found on PATH
    compose_tool(name = "compose", path = "/opt/composer/.venv/bin/compose")
    compose_tool(name = "compose", env = {"COMPOSE_WORKER_CACHE_BYTES": "268435456"})

It writes a repository with one package, `bin`, holding
- `compose`: an executable wrapper that runs the installed `compose` (a tool at a repository's
  root cannot be run by Bazel's actions, hence the package folder);
- `version.txt`: what `compose --version` printed when the repository was made.

The rules of defs.bzl run `@compose//bin:compose` and declare `@compose//bin:version.txt` an
input of every action, so a cache (local, `--disk_cache`, `--remote_cache`) is keyed by the
tool's version as well as by the inputs: a new version of composer recomposes everything.
The repository is made again when `path` or (without `path`) PATH changes, or on
`bazel sync --configure`.
"""

def shell_word(text):
    """`text` as one word for sh (defs.bzl's test scripts use it too)."""
    return "'" + text.replace("'", "'\\''") + "'"

def _compose_tool_impl(repository_ctx):
    if repository_ctx.attr.path:
        tool = repository_ctx.path(repository_ctx.attr.path)
        if not tool.exists:
            fail("compose_tool: %s does not exist" % repository_ctx.attr.path)
    else:
        # `wasm-composer` first: it is the same program, and Debian's mailcap installs an
        # unrelated `compose` that may come first on PATH
        tool = repository_ctx.which("wasm-composer") or repository_ctx.which("compose")
        if not tool:
            fail("compose_tool: neither `wasm-composer` nor `compose` is on PATH; " +
                 "install composer or give compose_tool(path = ...)")
    version = repository_ctx.execute([tool, "--version"])
    if version.return_code != 0:
        fail("compose_tool: `%s --version` failed (exit %d): %s" %
             (tool, version.return_code, version.stderr))
    repository_ctx.file("WORKSPACE", "workspace(name = %r)\n" % repository_ctx.name)
    # Bazel starts actions and workers with no environment of the user's: what `env` sets
    # (COMPOSE_WORKER_CACHE_BYTES, say) is set here
    exports = "".join([
        "export %s=%s\n" % (name, shell_word(value))
        for name, value in sorted(repository_ctx.attr.env.items())
    ])
    repository_ctx.file(
        "bin/compose",
        "#!/bin/sh\n%sexec %s \"$@\"\n" % (exports, shell_word(str(tool))),
        executable = True,
    )
    repository_ctx.file("bin/version.txt", version.stdout)
    repository_ctx.file("bin/BUILD.bazel", "\n".join([
        "# Made by compose_tool (@wasm_composer//:repositories.bzl) for %s" % tool,
        'exports_files(["compose", "version.txt"], visibility = ["//visibility:public"])',
        "",
    ]))

compose_tool = repository_rule(
    implementation = _compose_tool_impl,
    attrs = {
        "path": attr.string(
            doc = "The absolute path of the `compose` command; found on PATH when empty.",
        ),
        "env": attr.string_dict(
            doc = "Environment variables for compose, such as COMPOSE_WORKER_CACHE_BYTES " +
                  "(the worker's memory bound), set by the wrapper (an input of every " +
                  "action, so changing them misses the caches).",
        ),
    },
    environ = ["PATH"],
    local = True,
    configure = True,  # `bazel sync --configure` makes it again
    doc = "Makes the installed `compose` command the tool of the rules in defs.bzl.",
)
