#!/usr/bin/env python3
"""Mutation testing: make one small change to the product code at a time and see whether the
test suite notices. A mutant the tests do not notice is a mistake they would let through.

    .venv/bin/python scripts/mutate.py                          # the core modules
    .venv/bin/python scripts/mutate.py composer/model/names.py        # chosen modules
    .venv/bin/python scripts/mutate.py composer/model/canondefs.py::_canon,_lift  # functions
    .venv/bin/python scripts/mutate.py --validation             # the elaborator's rules
    .venv/bin/python scripts/mutate.py composer/report/               # every module of a folder
    .venv/bin/python scripts/mutate.py --list composer/model/names.py # the mutants, none run
    .venv/bin/python scripts/mutate.py --survivors              # re-run last run's survivors

Mutants (one change each, made on the syntax tree, so nothing but the change differs):
comparison operators (`==`/`!=`, `<`/`<=`, `>`/`>=`, `is`/`is not`, `in`/`not in`),
arithmetic and bitwise operators, `and`/`or`, a dropped `not` or unary minus, numbers off by
one, `True`/`False` swapped, `break`/`continue` swapped, `return X` made `return None`, and
a call made for its effect (`problems.append(...)`, `u.union(...)`) or a `raise` deleted.
Docstrings, annotations, `__repr__` and string constants are left alone (a string differs
from its mutant only in message text, which the tests check where it matters).

Which tests: one `coverage run` of the suite records which tests execute each line, in the
test process and in the `compose` processes they start (`mutate_contexts.py`). A mutant runs
only the tests that execute its line, fastest first, stopping at the first failure; lines
run only at import time (module constants, defaults) get the whole suite. That map is cached
in build/mutate/ until a file under composer/, tests/ or scripts/ changes.

How: each of `--jobs` workers has its own copy of the tree (build/mutate/work-N, fixtures
shared) with the mutant written into it, and runs pytest there in a fresh process. A mutant
is killed when a test fails or the run times out (3x the tests' own time + 30 s). Tests over
`--slow` seconds (the componentize-py compositions, which compile 36 MB each time the output
changes) run only for lines no quicker test covers.

Equivalent mutants (no test can tell them apart from the original, e.g. an upper bound on a
loop that never reaches it) are listed in scripts/mutate_equivalent.txt with the reason; they
are shown apart and left out of the kill rate.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutate"
EQUIVALENT_FILE = ROOT / "scripts" / "mutate_equivalent.txt"

# The modules the issue holds to a 90% kill rate: matching, subtyping, linking, encoding and
# the binary codec every read and write goes through.
DEFAULT_MODULES = [
    "composer/model/names.py", "composer/model/subtype.py", "composer/link/merge.py", "composer/link/unify.py",
    # what link/resolve.py held: the records, the graph's API, finding files, deciding, linking
    "composer/link/wiring.py", "composer/link/reasons.py", "composer/link/composition.py",
    "composer/link/locate.py", "composer/link/resolve.py", "composer/link/linking.py",
    "composer/link/encode.py", "composer/binary/codec.py",
    "composer/binary/reader.py", "composer/binary/writer.py",
]

# The validation rules of the component layer (issue 19): the functions of the elaborator
# (model/elaborate.py and the modules of its rules) that check a rule, as opposed to those that
# only build the type model, read the cache or say where an error is; one spec a module.
VALIDATION_RULES = [
    "composer/model/elaborate.py::" + ",".join([
        "component", "gate", "_core_module", "_nested_component", "_start", "_value",
        "_core_instance", "_gate_shared", "_instance", "_use_value", "item_type", "_alias",
        "valtype", "_resource", "_deftype", "_decls", "extern", "import_", "export_decl",
        "_export", "instantiate", "_bind_names", "_aliased",
    ]),
    "composer/model/indexspaces.py::outer,indexed,core_item",
    "composer/model/limits.py::count_instance,count,measure",
    "composer/model/namerules.py::" + ",".join([
        "check_name", "check_attributes", "check_resource_func", "_resource_func_problem",
        "unique_labels", "check_unique",
    ]),
    "composer/model/visibility.py::" + ",".join([
        "export_visibility", "names_a_resource", "type_export", "declared_names",
        "declared_within", "visibility_problem", "value_parts", "_parts", "claim",
    ]),
    "composer/model/canondefs.py::_canon,_builtin_type,_builtin_indices,_lift,_gated_builtin",
    "composer/model/canonoptions.py::check_abi,read,_is_core_func,_gc_lowered,check_option_type",
]


def parse_spec(spec: str) -> tuple[str, frozenset[str] | None]:
    """`PATH` (every function of the module) or `PATH::F1,F2` (those functions and methods,
    by name, at any depth)."""
    path, _, functions = spec.partition("::")
    return path, frozenset(functions.split(",")) if functions else None


def function_lines(source: str, functions: frozenset[str]) -> set[int]:
    """The lines of the functions and methods named `functions`."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


# -- mutants ---------------------------------------------------------------------------------

_CMP_SWAPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
    ast.GtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_BIN_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.LShift: ast.RShift,
    ast.RShift: ast.LShift, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitAnd,
}
_BOOL_SWAPS: dict[type, type] = {ast.And: ast.Or, ast.Or: ast.And}
_OP_TEXT: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.Add: "+",
    ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
    ast.And: "and", ast.Or: "or",
}

Path_ = tuple[tuple[str, int | None], ...]  # (field, index) steps from the module node


@dataclass(frozen=True)
class Mutant:
    module: str  # composer/model/names.py
    line: int  # first line of the statement the change is in (what coverage records)
    col: int
    what: str  # "`==` -> `!=`"
    path: Path_
    kind: str
    arg: str = ""

    @property
    def key(self) -> str:
        return f"{self.module}:{self.line}:{self.col}:{self.what}"


def _is_docstring(node: ast.AST, parent: ast.AST | None, field: str, index: int | None) -> bool:
    return (
        isinstance(node, ast.Expr) and index == 0 and field == "body"
        and isinstance(parent, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    )


# annotations are not run; decorator arguments configure (`slots=True`) rather than compute
_SKIP_FIELDS = {"annotation", "returns", "type_comment", "decorator_list"}


def find_mutants(module: str, source: str) -> list[Mutant]:
    tree = ast.parse(source)
    lines = source.splitlines()
    out: list[Mutant] = []

    def add(node: ast.AST, stmt_line: int, path: Path_, kind: str, what: str, arg: str = "") -> None:
        if "pragma: no mutate" in lines[stmt_line - 1]:
            return
        out.append(Mutant(module, stmt_line, getattr(node, "col_offset", 0), what, path, kind, arg))

    def visit(node: ast.AST, parent: ast.AST | None, path: Path_, stmt_line: int) -> None:
        if isinstance(node, ast.stmt):
            stmt_line = node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__repr__":
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            return
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = _CMP_SWAPS.get(type(op))
                if swap:
                    add(node, stmt_line, path, "cmp", f"`{_OP_TEXT[type(op)]}` -> `{_OP_TEXT[swap]}`",
                        f"{i}:{swap.__name__}")
        elif isinstance(node, (ast.BinOp, ast.AugAssign)):
            swap = _BIN_SWAPS.get(type(node.op))
            if swap:
                eq = "=" if isinstance(node, ast.AugAssign) else ""
                add(node, stmt_line, path, "binop",
                    f"`{_OP_TEXT[type(node.op)]}{eq}` -> `{_OP_TEXT[swap]}{eq}`", swap.__name__)
        elif isinstance(node, ast.BoolOp):
            swap = _BOOL_SWAPS[type(node.op)]
            add(node, stmt_line, path, "boolop", f"`{_OP_TEXT[type(node.op)]}` -> `{_OP_TEXT[swap]}`",
                swap.__name__)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            add(node, stmt_line, path, "unary", "`not` dropped" if isinstance(node.op, ast.Not)
                else "unary `-` dropped")
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                add(node, stmt_line, path, "const", f"`{v}` -> `{not v}`", repr(not v))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                add(node, stmt_line, path, "const", f"`{v!r}` -> `{v + 1!r}`", repr(v + 1))
        elif isinstance(node, ast.Return) and node.value is not None and not (
            # `return None` for `return False` (or 0, "") differs only to an `is False` test
            isinstance(node.value, ast.Constant) and not node.value.value
        ):
            add(node, stmt_line, path, "return", "`return ...` -> `return None`")
        elif isinstance(node, ast.Break):
            add(node, stmt_line, path, "swap-stmt", "`break` -> `continue`", "Continue")
        elif isinstance(node, ast.Continue):
            add(node, stmt_line, path, "swap-stmt", "`continue` -> `break`", "Break")
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            add(node, stmt_line, path, "drop", "call statement removed")
        elif isinstance(node, ast.Raise):
            add(node, stmt_line, path, "drop", "`raise` removed")
        for field, value in ast.iter_fields(node):
            if field in _SKIP_FIELDS:
                continue
            if isinstance(value, list):
                for i, child in enumerate(value):
                    if isinstance(child, ast.AST) and not _is_docstring(child, node, field, i):
                        visit(child, node, path + ((field, i),), stmt_line)
            elif isinstance(value, ast.AST):
                visit(value, node, path + ((field, None),), stmt_line)

    visit(tree, None, (), 1)
    return sorted(out, key=lambda m: (m.line, m.col, m.path, m.what))


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def apply_mutant(source: str, m: Mutant) -> str:
    """The module's source with mutant `m` applied (re-parsed, changed, unparsed)."""
    tree = ast.parse(source)
    parent: ast.AST = tree
    for field, index in m.path[:-1]:
        child = getattr(parent, field)
        parent = child[index] if index is not None else child
    field, index = m.path[-1]
    node = getattr(parent, field)[index] if index is not None else getattr(parent, field)

    def replace(new: ast.AST) -> None:
        if index is None:
            setattr(parent, field, new)
        else:
            getattr(parent, field)[index] = new

    if m.kind == "cmp":
        i, op = m.arg.split(":")
        node.ops[int(i)] = getattr(ast, op)()
    elif m.kind in ("binop", "boolop"):
        node.op = getattr(ast, m.arg)()
    elif m.kind == "unary":
        replace(node.operand)
    elif m.kind == "const":
        node.value = ast.literal_eval(m.arg)
    elif m.kind == "return":
        node.value = None
    elif m.kind == "swap-stmt":
        replace(getattr(ast, m.arg)())
    elif m.kind == "drop":
        replace(ast.Pass())
    else:
        raise ValueError(m.kind)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


# -- which tests run which line ----------------------------------------------------------------


def _tree_hash() -> str:
    h = hashlib.sha256()
    for folder in ("composer", "tests", "scripts"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            h.update(str(p.relative_to(ROOT)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


class TestMap:
    """Line -> the tests that execute it, and each test's duration."""

    def __init__(self, lines: dict[str, dict[int, list[str]]], durations: dict[str, float]) -> None:
        self.lines = lines
        self.durations = durations

    def tests_for(self, module: str, line: int, slow: float) -> list[str] | None:
        """Tests executing `line`, fastest first; [] if none; None if it ran at import time.

        Tests slower than `slow` seconds are left out when quicker ones cover the line too.
        """
        contexts = self.lines.get(module, {}).get(line)
        if not contexts:
            return []
        if "" in contexts:  # run while the tests were collected: every test may depend on it
            return None
        return self._quick_first(set(contexts), slow)

    def all_tests(self, slow: float) -> list[str]:
        return self._quick_first(set(self.durations), slow)

    def _quick_first(self, tests: set[str], slow: float) -> list[str]:
        ordered = sorted(tests, key=lambda t: (self.durations.get(t, 60.0), t))
        quick = [t for t in ordered if self.durations.get(t, 60.0) <= slow]
        return quick or ordered


def collect_test_map(modules: list[str], rebuild: bool = False, tests: list[str] = ()) -> TestMap:
    """Which tests run which lines: a coverage run of the suite, or of the pytest arguments
    `tests` (some test files, a `--deselect`), kept until the tree changes."""
    WORK.mkdir(parents=True, exist_ok=True)
    cache = WORK / "testmap.json"
    key = _tree_hash() + ("" if not tests else "-" + hashlib.sha256(" ".join(tests).encode()).hexdigest()[:8])
    if cache.exists() and not rebuild:
        data = json.loads(cache.read_text())
        if data.get("key") == key:
            return TestMap({m: {int(k): v for k, v in d.items()} for m, d in data["lines"].items()},
                           data["durations"])
    print("recording which tests run which lines (one coverage run of the suite) ...", flush=True)
    covdir = WORK / "coverage"
    shutil.rmtree(covdir, ignore_errors=True)
    covdir.mkdir(parents=True)
    rc = covdir / "coveragerc"
    rc.write_text(
        "[run]\n"
        f"source = {ROOT / 'composer'}\n"
        "patch = subprocess\nparallel = true\n"
        f"data_file = {covdir / '.coverage'}\n"
    )
    durations_file = covdir / "durations.json"
    env = dict(os.environ, COMPOSER_MUTATE_DURATIONS=str(durations_file),
               PYTHONPATH=os.pathsep.join([str(ROOT / "scripts"), os.environ.get("PYTHONPATH", "")]))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-q",
         "-p", "mutate_contexts", "-p", "no:cacheprovider", *tests],
        cwd=ROOT, env=env,
    )
    if proc.returncode:
        sys.exit(f"the suite fails without any mutant (exit {proc.returncode}): fix that first")
    subprocess.run([sys.executable, "-m", "coverage", "combine", f"--rcfile={rc}", "-q"],
                   cwd=ROOT, check=True)
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    from coverage import CoverageData

    data = CoverageData(basename=str(covdir / ".coverage"))
    data.read()
    lines: dict[str, dict[int, list[str]]] = {}
    for measured in data.measured_files():
        rel = Path(measured).resolve().relative_to(ROOT).as_posix()
        lines[rel] = {n: sorted(set(c)) for n, c in data.contexts_by_lineno(measured).items()}
    durations = json.loads(durations_file.read_text())
    cache.write_text(json.dumps({"key": key, "lines": lines, "durations": durations}))
    return TestMap(lines, durations)


# -- running ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    key: str
    status: str  # killed, timeout, survived, no-tests, error
    seconds: float
    tests_run: int
    detail: str = ""


class Worker:
    """A copy of the tree to run mutants in, one at a time."""

    def __init__(self, n: int) -> None:
        self.dir = WORK / f"work-{n}"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for folder in ("composer", "tests", "scripts"):
            shutil.copytree(ROOT / folder, self.dir / folder, ignore=ignore)
        for f in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / f, self.dir / f)
        for shared in ("fixtures", ".venv"):
            (self.dir / shared).symlink_to(ROOT / shared)
        # Compiled modules are kept (every `compose` process a test starts would compile the
        # package again otherwise), apart from the mutated module's, dropped around each run:
        # a mutant can have the original's size and mtime second, which is all a .pyc checks.
        self.pycache = WORK / f"pycache-{n}"
        shutil.rmtree(self.pycache, ignore_errors=True)

    def _drop_pyc(self, module: str) -> None:
        source = (self.dir / module).resolve()
        pyc = self.pycache / source.parent.relative_to(source.anchor) / (
            f"{source.stem}.{sys.implementation.cache_tag}.pyc")
        pyc.unlink(missing_ok=True)

    def run(self, m: Mutant, mutated: str, original: str, tests: list[str], budget: float) -> Outcome:
        target = self.dir / m.module
        target.write_text(mutated)
        self._drop_pyc(m.module)
        args_file = self.dir / "tests.args"
        args_file.write_text("\n".join(tests) + "\n")
        env = dict(os.environ, PYTHONPATH=str(self.dir), PYTHONPYCACHEPREFIX=str(self.pycache),
                   COMPOSER_TEST_CACHE=str(ROOT / "fixtures" / "build" / "wat-cache"))
        for var in ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START"):
            env.pop(var, None)
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                 "--no-header", "-o", "addopts=", f"@{args_file}"],
                cwd=self.dir, env=env, capture_output=True, text=True, timeout=budget,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            return Outcome(m.key, "timeout", time.monotonic() - started, len(tests))
        finally:
            target.write_text(original)
            self._drop_pyc(m.module)
        took = time.monotonic() - started
        if proc.returncode == 0:
            return Outcome(m.key, "survived", took, len(tests))
        if proc.returncode == 5:  # no tests ran: the selection is wrong, not the mutant
            return Outcome(m.key, "error", took, len(tests), (proc.stdout + proc.stderr)[-400:])
        # 1: a test failed; 2-4: the mutant broke importing or collecting the tests
        failed = next((line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))), "")
        return Outcome(m.key, "killed", took, len(tests), failed[:200] or f"exit {proc.returncode}")


def _modules_of(given: str) -> list[str]:
    """A module as given, or every module of a folder (composer/report/)."""
    folder = ROOT / given
    if not folder.is_dir():
        return [given]
    return [p.relative_to(ROOT).as_posix() for p in sorted(folder.glob("*.py"))]


def load_equivalent() -> dict[tuple[str, str, str], str]:
    """(module, stripped source line, change) -> why the mutant is equivalent."""
    out: dict[tuple[str, str, str], str] = {}
    if not EQUIVALENT_FILE.exists():
        return out
    for raw in EQUIVALENT_FILE.read_text().splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        module, line, what, why = (part.strip() for part in raw.split(" | ", 3))
        out[(module, line, what)] = why
    return out


def _source_line(m: Mutant) -> str:
    return (ROOT / m.module).read_text().splitlines()[m.line - 1].strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help=f"modules to mutate (default: {' '.join(DEFAULT_MODULES)})")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--list", action="store_true", help="list the mutants; run nothing")
    ap.add_argument("--survivors", action="store_true",
                    help="run only the mutants that survived the last run (of unchanged modules)")
    ap.add_argument("--rebuild-map", action="store_true", help="record the line -> tests map again")
    ap.add_argument("--tests", default="", metavar="ARGS",
                    help="record the map from these pytest arguments only (test files, "
                         "--deselect ...): the tests that can reach the modules, faster")
    ap.add_argument("--slow", type=float, default=5.0, metavar="SECONDS",
                    help="leave out tests slower than this (the componentize-py compositions) "
                         "where quicker tests run the line too (default: 5)")
    ap.add_argument("--show", metavar="KEY", help="print the diff a mutant makes (KEY as listed)")
    ap.add_argument("--validation", action="store_true",
                    help="mutate the validation rules of the elaborator (VALIDATION_RULES)")
    args = ap.parse_args(argv)
    specs = [(m, functions) for s in (args.modules or (VALIDATION_RULES if args.validation
                                                       else DEFAULT_MODULES))
             for path, functions in [parse_spec(s)] for m in _modules_of(path)]
    modules = list(dict.fromkeys(path for path, _ in specs))
    for module in modules:
        if not (ROOT / module).is_file():
            ap.error(f"{module}: no such file")
    sources = {m: (ROOT / m).read_text() for m in modules}
    mutants = []
    for path, functions in specs:
        found = find_mutants(path, sources[path])
        if functions is not None:
            lines = function_lines(sources[path], functions)
            found = [mu for mu in found if mu.line in lines]
        mutants += found
    if args.show:
        return _show(args.show, mutants, sources)
    if args.list:
        for mu in mutants:
            print(f"{mu.key}    {_source_line(mu)}")
        print(f"{len(mutants)} mutants")
        return 0

    results_file = WORK / "results.json"
    previous = json.loads(results_file.read_text()) if results_file.exists() else {}
    module_hash = {m: hashlib.sha256(sources[m].encode()).hexdigest()[:16] for m in modules}
    if args.survivors:
        kept = []
        for mu in mutants:
            old = previous.get(mu.module, {})
            status = old.get("outcomes", {}).get(mu.key, {}).get("status")
            if old.get("hash") != module_hash[mu.module] or status not in ("killed", "timeout"):
                kept.append(mu)
        print(f"{len(mutants) - len(kept)} mutants were killed last time; running {len(kept)}")
        todo = kept
    else:
        todo = mutants

    test_map = collect_test_map(modules, args.rebuild_map, shlex.split(args.tests))
    outcomes: dict[str, Outcome] = {}
    runnable: list[tuple[Mutant, list[str], float]] = []
    for mu in todo:
        tests = test_map.tests_for(mu.module, mu.line, args.slow)
        if tests is None:
            tests = test_map.all_tests(args.slow)
        if not tests:
            outcomes[mu.key] = Outcome(mu.key, "no-tests", 0.0, 0)
            continue
        budget = 3 * sum(test_map.durations.get(t, 1.0) for t in tests) + 30
        runnable.append((mu, tests, budget))
    print(f"{len(mutants)} mutants in {len(modules)} modules; running {len(runnable)} "
          f"({len(todo) - len(runnable)} on lines no test runs) with {args.jobs} workers", flush=True)

    workers: list[Worker] = [Worker(i) for i in range(args.jobs)]
    free = list(workers)
    lock = threading.Lock()
    done = [0]
    started = time.monotonic()

    def one(item: tuple[Mutant, list[str], float]) -> Outcome:
        mu, tests, budget = item
        with lock:
            worker = free.pop()
        try:
            outcome = worker.run(mu, apply_mutant(sources[mu.module], mu), sources[mu.module], tests, budget)
        finally:
            with lock:
                free.append(worker)
                done[0] += 1
        if outcome.status not in ("killed", "timeout"):
            print(f"  [{done[0]}/{len(runnable)}] {outcome.status.upper()}: {mu.key}    {_source_line(mu)}",
                  flush=True)
        elif done[0] % 25 == 0:
            rate = done[0] / (time.monotonic() - started)
            print(f"  [{done[0]}/{len(runnable)}] {rate * 60:.0f} mutants/min", flush=True)
        return outcome

    with ThreadPoolExecutor(args.jobs) as pool:
        for outcome in pool.map(one, runnable):
            outcomes[outcome.key] = outcome

    # keep what earlier runs found for the mutants not run this time
    for module in modules:
        old = previous.get(module, {})
        merged = old.get("outcomes", {}) if old.get("hash") == module_hash[module] else {}
        merged.update({k: asdict(o) for k, o in outcomes.items() if k.startswith(module + ":")})
        previous[module] = {"hash": module_hash[module], "outcomes": merged}
    results_file.write_text(json.dumps(previous, indent=1))
    return report(mutants, previous, time.monotonic() - started)


def report(mutants: list[Mutant], results: dict, seconds: float) -> int:
    equivalent = load_equivalent()
    by_module: dict[str, Counter] = {}
    survivors: list[tuple[Mutant, str]] = []
    equivalents: list[tuple[Mutant, str]] = []
    for mu in mutants:
        status = results[mu.module]["outcomes"].get(mu.key, {}).get("status", "not run")
        why = equivalent.get((mu.module, _source_line(mu), mu.what))
        if status not in ("killed", "timeout") and why is not None:
            status = "equivalent"
            equivalents.append((mu, why))
        elif status not in ("killed", "timeout"):
            survivors.append((mu, status))
        by_module.setdefault(mu.module, Counter())[status] += 1
    print()
    print(f"{'module':32} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} "
          f"{'equiv.':>6} {'kill rate':>9}")
    total: Counter = Counter()
    for module, c in by_module.items():
        total += c
        print(_row(module, c))
    print(_row("all", total))
    if equivalents:
        print("\nequivalent (scripts/mutate_equivalent.txt):")
        for mu, why in equivalents:
            print(f"  {mu.key}    {_source_line(mu)}\n      {why}")
    if survivors:
        print("\nsurvivors:")
        for mu, status in survivors:
            print(f"  {status:9} {mu.key}    {_source_line(mu)}")
    print(f"\n{seconds:.0f} s")
    return 0


def _row(name: str, c: Counter) -> str:
    n = sum(c.values())
    killed = c["killed"] + c["timeout"]
    counted = n - c["equivalent"]
    rate = f"{100 * killed / counted:.1f}%" if counted else "-"
    survived = n - killed - c["equivalent"]
    return (f"{name:32} {n:7} {c['killed']:7} {c['timeout']:7} {survived:8} "
            f"{c['equivalent']:6} {rate:>9}")


def _show(key: str, mutants: list[Mutant], sources: dict[str, str]) -> int:
    import difflib

    mu = next((m for m in mutants if m.key == key), None)
    if mu is None:
        print(f"no mutant {key}", file=sys.stderr)
        return 2
    original = ast.unparse(ast.parse(sources[mu.module])).splitlines()
    mutated = apply_mutant(sources[mu.module], mu).splitlines()
    sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(
        original, mutated, mu.module, f"{mu.module} ({mu.what})", lineterm="", n=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
