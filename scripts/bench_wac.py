#!/usr/bin/env python3
"""The WAC front end on large and hostile documents: how long `compose` takes and how much
memory it uses, against the goal of an answer within 2 s and 200 MB (issue 19).

Inputs (written once under fixtures/build/bench/wac/):

* `compose parse` of 100,000 `let xN = new a:b {};` statements (2.5 MB of WAC, 80 MB of
  JSON printed);
* a document importing an interface of a WIT package whose types are a chain of 2,000 and
  of 10,000 aliases, each naming the one before (composed and checked);
* 10,000 `new` statements of one package (refused at the 4,097th instance) and an import
  name of 100,001 bytes (refused: names are at most 100,000 bytes).

Each is run in a fresh process, several rounds; the medians of wall and CPU time (user +
system: what the machine's other work does not inflate) and the largest peak RSS are shown.

    .venv/bin/python scripts/bench_wac.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
BENCH = ROOT / "fixtures" / "build" / "bench" / "wac"
COMPOSE = str(ROOT / ".venv" / "bin" / "compose")


def _write(path: Path, text: str) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path


def lets(n: int) -> Path:
    return _write(BENCH / f"lets-{n}.wac", "package test:comp;\n" + "".join(
        f"let x{i} = new a:b {{}};\n" for i in range(n)))


def alias_chain(n: int) -> tuple[Path, Path]:
    """(document, deps folder): `import x: test:deep/i; export x;`, where interface `i`
    exports `t0 = u32`, `t1 = t0`, ... and a function of the last."""
    base = BENCH / f"alias-{n}"
    aliases = "".join(f"  type t{k} = t{k - 1};\n" for k in range(1, n))
    _write(base / "deps" / "test" / "deep" / "deep.wit",
           f"package test:deep;\ninterface i {{\n  type t0 = u32;\n{aliases}"
           f"  f: func(x: t{n - 1});\n}}\n")
    return _write(base / "doc.wac", "package test:comp;\nimport x: test:deep/i;\nexport x;\n"), \
        base / "deps"


def news(n: int) -> tuple[Path, Path]:
    from support.components import counter

    base = BENCH / f"news-{n}"
    _write(base / "deps" / "test" / "leaf.wat", counter(2, exports="test:api/get"))
    return _write(base / "doc.wac", "package test:comp;\n" + "".join(
        f"let x{i} = new test:leaf {{}};\n" for i in range(n))), base / "deps"


def long_name(n: int) -> Path:
    return _write(BENCH / f"name-{n}.wac",
                  f'package test:comp;\nimport f as "{"a" * n}": func();\n')


def run(cmd: list[str], want: int) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one run of `cmd` in a fresh process, which must exit
    with `want` (bench.py's measurer)."""
    from bench import _MEASURER

    out = subprocess.run([sys.executable, "-S", "-c", _MEASURER, *cmd], capture_output=True,
                         text=True, check=True).stdout.split()
    wall, peak, code, cpu = float(out[0]), int(out[1]), int(out[2]), float(out[3])
    if code != want:
        raise SystemExit(f"exit {code}, not {want}: {' '.join(cmd)[:200]}")
    return wall, cpu, peak / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    out = str(BENCH / "out.wasm")
    cases: list[tuple[str, list[str], int]] = [
        ("parse, 100,000 let statements", [COMPOSE, "parse", str(lets(100_000))], 0)]
    for n in (2_000, 10_000):
        doc, deps = alias_chain(n)
        cases.append((f"compose, an alias chain of {n:,}",
                      [COMPOSE, str(doc), "--deps-dir", str(deps), "-o", out], 0))
    doc, deps = news(10_000)
    cases.append(("compose, 10,000 new (refused)",
                  [COMPOSE, str(doc), "--deps-dir", str(deps), "-o", out], 1))
    cases.append(("compose, a 100,001-byte name (refused)",
                  [COMPOSE, str(long_name(100_001)), "-o", out], 1))
    print(f"{'':40} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}   (goal: 2 s, 200 MB)")
    for name, cmd, want in cases:
        runs = [run(cmd, want) for _ in range(args.rounds)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        print(f"{name:40} {wall:8.2f} {cpu:8.2f} {peak:9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
