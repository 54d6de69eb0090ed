#!/usr/bin/env python3
"""How long the graph report of a 200-component composition takes to draw.

    .venv/bin/python scripts/bench_report.py [--components 200] [--keep DIR]

Generates a composition (once, cached under fixtures/build/bench-report-N): a root and N-1
small dependencies wired as a random but fixed DAG (each imports up to three others, some
also import host interfaces), then times `compose graph ROOT -d ... -f html -o report.html`
as a whole process, and in-process the plan, the report model, the HTML rendering (most of
it the layout) and the standalone SVG.
The components are compiled from WAT with wasm-tools, the test oracle (this is a fixture
builder, not product code).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def generate(n: int, out: Path) -> list[Path]:
    """root.wasm and c1..c{n-1}.wasm in `out`; c_i exports t:p{i}/api@1.0.0."""
    from support.components import counter  # the tests' WAT generator

    wasm_tools = shutil.which("wasm-tools") or str(Path(sys.executable).parent / "wasm-tools")
    rng = random.Random(200)
    imports: dict[int, list[int]] = {0: list(range(1, min(n, 11)))}
    for i in range(1, n):
        imports.setdefault(i, [])
    for i in range(11, n):  # every component is imported by one before it
        imports[rng.randrange(max(1, i - 40), i)].append(i)
    for i in range(1, n):  # and a few more edges, always to later ones (no cycles)
        for _ in range(rng.randrange(0, 2)):
            j = rng.randrange(i + 1, n + 1)
            if j < n and j not in imports[i]:
                imports[i].append(j)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        names = tuple(f"t:p{j}/api@1.0.0" for j in sorted(imports[i]))
        if i % 7 == 3:
            names += (f"t:host{i % 4}/log@1.0.0",)
        text = counter(i, exports=None if i == 0 else f"t:p{i}/api@1.0.0", imports=names)
        path = out / ("root.wasm" if i == 0 else f"c{i}.wasm")
        if not path.exists():
            proc = subprocess.run([wasm_tools, "parse", "-", "-o", str(path)], input=text.encode())
            if proc.returncode:
                sys.exit(f"wasm-tools parse failed for {path.name}")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.components
    paths = generate(n, ROOT / "fixtures" / "build" / f"bench-report-{n}")
    root, deps = paths[0], paths[1:]
    out = ROOT / "fixtures" / "build" / f"bench-report-{n}.html"

    cmd = [sys.executable, "-m", "composer", "graph", str(root), *[a for d in deps for a in ("-d", str(d))],
           "-f", "html", "-o", str(out)]
    walls = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if proc.returncode:
            sys.exit(proc.stderr)

    from composer.link.compose import plan_composition
    from composer.report import render
    from composer.report.planned import from_plan

    t0 = time.perf_counter()
    plan = plan_composition(root, deps)
    t1 = time.perf_counter()
    report = from_plan(plan)
    t2 = time.perf_counter()
    page = render(report, "html")
    t3 = time.perf_counter()
    drawing = render(report, "svg")
    t4 = time.perf_counter()
    s = report.summary()
    size = re.search(r'width="(\d+)" height="(\d+)"', drawing)
    print(f"{s['components']} components, {s['plugged_imports']} plugged imports, "
          f"{s['host_imports']} host imports; HTML {len(page) / 1e6:.2f} MB -> {out}; "
          f"drawing {size.group(1)} x {size.group(2)} px")
    print(f"compose graph ... -f html (whole process, median of {args.repeat}): "
          f"{statistics.median(walls):.2f} s")
    print(f"  in-process: plan {t1 - t0:.2f} s, report model {t2 - t1:.2f} s, "
          f"HTML rendering {t3 - t2:.2f} s, SVG {t4 - t3:.2f} s")


if __name__ == "__main__":
    main()
