"""Bazel rules for composer, the WebAssembly component composition linker (`compose`).

    load("@wasm_composer//:defs.bzl", "wasm_compose", "wasm_compose_report", "wasm_compose_test")

- wasm_compose: a composed component, from a root component and its dependencies
  (`compose ROOT -d DEP...`) or from a WAC document and its packages
  (`compose FILE.wac --dep NS:NAME=PATH...`).
- wasm_compose_report: the composition report of the same inputs (`compose graph`), as HTML,
  JSON, SVG, DOT, Mermaid or a text tree.
- wasm_compose_test: a test that runs `compose verify` (or `compose run`) on a component.

Every action runs `@compose//bin:compose` (made by compose_tool, repositories.bzl) with its
arguments in a param file (`@file`, one argument a line), which is what a persistent worker
needs: the actions are marked `supports-workers`, and `--strategy=WasmCompose=worker` runs
them in one long-lived `compose --persistent_worker` process. Every file an action reads is
one of its declared inputs, the tool's `--version` output included, and compose's outputs are
the same bytes for the same inputs, so they may come from a disk or remote cache.
Details: docs/bazel.md.
"""

load(":repositories.bzl", "shell_word")

_TOOL_ATTRS = {
    "_compose": attr.label(
        default = "@compose//bin:compose",
        executable = True,
        cfg = "exec",
        allow_single_file = True,
    ),
    "_compose_version": attr.label(
        default = "@compose//bin:version.txt",
        allow_single_file = True,
    ),
}

_WASM = [".wasm", ".wat"]

_COMPOSITION_ATTRS = {
    "root": attr.label(
        allow_single_file = _WASM,
        doc = "The root component (`compose ROOT`). Either this or `wac`.",
    ),
    "deps": attr.label_list(
        allow_files = _WASM,
        doc = "Dependencies (`-d DEP`), in order: when two offer an import, the first wins.",
    ),
    "plugs": attr.label_keyed_string_dict(
        allow_files = _WASM,
        doc = "A component to the import it must satisfy (`--plug IMPORT=DEP`).",
    ),
    "virtualize": attr.string_list(
        doc = "Host imports to plug with a deny adapter (`--virtualize PATTERN`).",
    ),
    "config": attr.label(
        allow_single_file = [".yml", ".yaml"],
        doc = "A composition config (`-c FILE`), in the YAML format of `wasm-tools compose`.",
    ),
    "data": attr.label_list(
        allow_files = True,
        doc = "Files the config names (they must be inputs too, as everything an action reads).",
    ),
    "wac": attr.label(
        allow_single_file = [".wac"],
        doc = "A WAC document (`compose FILE.wac`). Either this or `root`.",
    ),
    "packages": attr.label_keyed_string_dict(
        allow_files = True,
        doc = "For `wac`: a package's file to its name (`--dep NS:NAME=PATH`).",
    ),
    "deny": attr.string_list(doc = "Capability policy: `--deny PATTERN`, each."),
    "allow": attr.string_list(doc = "Capability policy: `--allow PATTERN`, each."),
    "wasm_features": attr.string(doc = "Gated WebAssembly features (`--features NAMES`)."),
}

def _composing_attrs(**own):
    """The attributes of a rule that runs a composition: its inputs, the tool, and `own`."""
    return dict(_COMPOSITION_ATTRS, **dict(_TOOL_ATTRS, **own))

def _single(target, attribute):
    files = target.files.to_list()
    if len(files) != 1:
        fail("%s: %s must be a single file" % (target.label, attribute), attr = attribute)
    return files[0]

def _composition(ctx, args):
    """Adds the composition's own arguments to `args`; the files they name."""
    a = ctx.attr
    if bool(a.root) == bool(a.wac):
        fail("give either `root` (a component and its deps) or `wac` (a WAC document)")
    for attribute in (["deps", "plugs", "virtualize", "config", "data"] if a.wac else ["packages"]):
        if getattr(a, attribute):
            fail("`%s` is for %s" % (attribute, "components (`root`)" if a.wac else "a WAC document (`wac`)"),
                 attr = attribute)
    inputs = []
    if a.wac:
        args.add(ctx.file.wac)
        inputs.append(ctx.file.wac)
        for target, package in a.packages.items():
            package_file = _single(target, "packages")
            args.add("--dep", "%s=%s" % (package, package_file.path))
            inputs.append(package_file)
    else:
        args.add(ctx.file.root)
        args.add_all(ctx.files.deps, before_each = "-d")
        inputs.append(ctx.file.root)
        inputs += ctx.files.deps
        for target, name in a.plugs.items():
            plug = _single(target, "plugs")
            args.add("--plug", "%s=%s" % (name, plug.path))
            inputs.append(plug)
        args.add_all(a.virtualize, before_each = "--virtualize")
        if ctx.file.config:
            args.add("-c", ctx.file.config)
            inputs.append(ctx.file.config)
        inputs += ctx.files.data
    args.add_all(a.deny, before_each = "--deny")
    args.add_all(a.allow, before_each = "--allow")
    if a.wasm_features:
        args.add("--features", a.wasm_features)
    return inputs

def _composed_output(ctx, suffix, command, options, mnemonic, verb):
    """Runs `compose COMMAND <the composition> OPTIONS -o OUT`, OUT being `out` or the
    target's name and `suffix`, its arguments in a param file (workers need one)."""
    out = ctx.actions.declare_file(ctx.attr.out or ctx.label.name + suffix)
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")  # one argument a line, as compose reads it
    args.add_all(command)
    inputs = _composition(ctx, args)
    args.add_all(options)
    args.add("-o", out)
    ctx.actions.run(
        executable = ctx.executable._compose,
        arguments = [args],
        inputs = inputs + [ctx.file._compose_version],
        outputs = [out],
        mnemonic = mnemonic,
        progress_message = "%s %s" % (verb, out.short_path),
        # proto, the default protocol: a worker needs nothing more from the workspace
        execution_requirements = {"supports-workers": "1"},
    )
    return [DefaultInfo(files = depset([out]))]

def _wasm_compose_impl(ctx):
    options = ["--skip-validation"] if ctx.attr.skip_validation else []
    return _composed_output(ctx, ".wasm", [], options, "WasmCompose", "Composing")

wasm_compose = rule(
    implementation = _wasm_compose_impl,
    attrs = _composing_attrs(
        skip_validation = attr.bool(
            doc = "`--skip-validation`: do not validate the core modules, nor the output.",
        ),
        out = attr.string(doc = "The output's file name; `NAME.wasm` by default."),
    ),
    doc = "A composed component: `compose ROOT -d DEP... -o NAME.wasm`, or of a WAC document.",
)

_REPORT_SUFFIXES = {
    "html": ".html",
    "json": ".json",
    "svg": ".svg",
    "dot": ".dot",
    "mermaid": ".mmd",
    "tree": ".txt",
}

def _wasm_compose_report_impl(ctx):
    form = ctx.attr.format
    return _composed_output(ctx, _REPORT_SUFFIXES[form], ["graph"], ["-f", form],
                            "WasmComposeReport", "Reporting")

wasm_compose_report = rule(
    implementation = _wasm_compose_report_impl,
    attrs = _composing_attrs(
        format = attr.string(
            default = "html",
            values = sorted(_REPORT_SUFFIXES.keys()),
            doc = "The report's format (`compose graph -f FORMAT`).",
        ),
        out = attr.string(doc = "The output's file name; `NAME.html` (the format's suffix) by default."),
    ),
    doc = "The composition report of a composition, or of a composed component alone " +
          "(`compose graph`); the action fails when the composition would.",
)

def _wasm_compose_test_impl(ctx):
    compose = ctx.executable._compose
    component = ctx.file.component
    if ctx.attr.mode == "verify":
        command = ["verify", "--no-cache"]
        if ctx.attr.world:
            command += ["--world", ctx.attr.world]
        command.append(component.short_path)
        tail = ""
    else:
        if ctx.attr.world:
            fail("`world` is for mode = \"verify\"", attr = "world")
        command = ["run", "--no-cache", "-q", component.short_path, "--"]
        tail = ' "$@"'  # the test's `args` go to the component
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        script,
        "#!/bin/sh\n# %s of %s\nexec %s %s%s\n" % (
            ctx.attr.mode,
            component.short_path,
            shell_word(compose.short_path),
            " ".join([shell_word(word) for word in command]),
            tail,
        ),
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [compose, component, ctx.file._compose_version])
    return [DefaultInfo(executable = script, runfiles = runfiles)]

wasm_compose_test = rule(
    implementation = _wasm_compose_test_impl,
    test = True,
    attrs = dict(_TOOL_ATTRS, **{
        "component": attr.label(
            allow_single_file = _WASM,
            mandatory = True,
            doc = "The component to check, a wasm_compose target's output or a file.",
        ),
        "mode": attr.string(
            default = "verify",
            values = ["verify", "run"],
            doc = "`verify`: `compose verify` (can a WASI 0.2 host run it?); " +
                  "`run`: `compose run` (it runs, and exits 0).",
        ),
        "world": attr.string(
            doc = "With `verify`: the host world (`wasi:cli/command`, `wasi:http/proxy`).",
        ),
    }),
    doc = "A test that passes when `compose verify` (or `compose run`) of `component` does.",
)
