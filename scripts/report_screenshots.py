#!/usr/bin/env python3
"""Screenshots of the graph report, for review by eye.

    .venv/bin/python scripts/report_screenshots.py [--large] [--out build/screenshots]

Draws the reports the tests check (the componentize-py seed pair, a failed composition: a
dependency offering `get` with a u64 result where u32 is imported, the 200-component
benchmark composition, chains of 30 and 50 components, 20 unused dependencies, the seed pair
composed by a WAC document; with --large also the 1,000-component one), writes each as HTML
and SVG, and photographs the page in headless Chromium (the browser the tests use) in a
1400 x 900 window: as it opens, and after the step that matters for it (the pair with its
`wasi:sockets` box expanded, the failed one with its red link clicked, the benchmark after
a search). Files go to build/screenshots/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 900}


def pair_report() -> Any:
    """The componentize-py seed pair (built once, then cached under fixtures/build)."""
    import build_fixtures
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    names = [f.name for f in build_fixtures.FIXTURES if f.recipe == "componentize-py"]
    built = build_fixtures.build_all(ROOT / "fixtures" / "build", names, componentize_py=True)
    return from_plan(plan_composition(built["cpy-seed-app"], [built["cpy-seed-ops"]]))


def failed_report(tmp: Path) -> Any:
    """root imports `get: func() -> u32`; the only dependency offers it returning u64."""
    from support.components import counter, write
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    tmp.mkdir(parents=True, exist_ok=True)
    root = write(tmp, "root", counter(1, imports=("example:ops/api@0.1.0",)))
    dep = write(tmp, "ops", counter(2, exports="example:ops/api@0.1.0", result="u64"))
    return from_plan(plan_composition(root, [dep]))


def chain_report(tmp: Path, n: int) -> Any:
    """root -> c1 -> ... -> c{n-1}: a chain of n components, each one column right of its user."""
    from support.components import counter, write
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    tmp.mkdir(parents=True, exist_ok=True)
    root = write(tmp, "root", counter(1, imports=("t:c1/c@1.0.0",)))
    deps = [write(tmp, f"c{i}", counter(i, exports=f"t:c{i}/c@1.0.0",
                                        imports=(f"t:c{i + 1}/c@1.0.0",) if i < n - 1 else ()))
            for i in range(1, n)]
    return from_plan(plan_composition(root, deps))


def unused_report(tmp: Path) -> Any:
    """A root, its one dependency, and 20 dependencies nothing imports (packed in a grid)."""
    from support.components import counter, write
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    tmp.mkdir(parents=True, exist_ok=True)
    root = write(tmp, "root", counter(1, imports=("t:a/a@1.0.0",)))
    a = write(tmp, "a", counter(2, exports="t:a/a@1.0.0"))
    spares = [write(tmp, f"spare{k}", counter(k, exports=f"t:s{k}/s@1.0.0")) for k in range(20)]
    return from_plan(plan_composition(root, [a, *spares]))


def wac_report() -> Any:
    """The seed pair composed by fixtures/wac/seed.wac: no root, its exports drawn instead."""
    import build_fixtures
    from composer.link.compose import plan_document
    from composer.report.planned import from_plan

    built = build_fixtures.build_all(ROOT / "fixtures" / "build", ["seed-app", "seed-ops"])
    return from_plan(plan_document(ROOT / "fixtures" / "wac" / "seed.wac", dependencies={
        "example:consumer": built["seed-app"], "example:string-operations": built["seed-ops"]}))


def bench_report(n: int) -> Any:
    """The benchmark composition of n components (scripts/bench_report.py)."""
    import bench_report as bench
    from composer.link.compose import plan_composition
    from composer.report.planned import from_plan

    paths = bench.generate(n, ROOT / "fixtures" / "build" / f"bench-report-{n}")
    return from_plan(plan_composition(paths[0], paths[1:]))


def expand_sockets(page: Any) -> None:
    page.locator('svg#graph g.node[data-id="package:wasi:sockets"]').click()


def click_problem(page: Any) -> None:
    page.locator("svg#graph g.edge.problem").first.click()


def search(page: Any) -> None:
    page.fill("#find", "c150")


def fit(page: Any) -> None:
    page.click("#zoom-fit")


STEPS: dict[str, tuple[str, Callable[[Any], None]]] = {
    "pair": ("sockets-expanded", expand_sockets),
    "failed": ("mismatch-clicked", click_problem),
    "bench-200": ("found-c150", search),
    "bench-1000": ("found-c150", search),
    "chain-30": ("fit", fit),
    "chain-50": ("fit", fit),
    "unused-20": ("fit", fit),
    "wac": ("fit", fit),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also the 1,000-component composition")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from composer.report import render

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    reports = {"pair": pair_report(), "failed": failed_report(out / "failed-inputs"),
               "bench-200": bench_report(200), "chain-30": chain_report(out / "chain-30-inputs", 30),
               "chain-50": chain_report(out / "chain-50-inputs", 50),
               "unused-20": unused_report(out / "unused-inputs"), "wac": wac_report()}
    if args.large:
        reports["bench-1000"] = bench_report(1000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for name, report in reports.items():
            page_file = out / f"{name}.html"
            page_file.write_text(render(report, "html"))
            (out / f"{name}.svg").write_text(render(report, "svg"))
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(page_file.as_uri())
            page.screenshot(path=str(out / f"{name}.png"))
            step, act = STEPS[name]
            act(page)
            page.wait_for_timeout(200)
            page.screenshot(path=str(out / f"{name}-{step}.png"))
            page.close()
            print(f"{name}: {page_file.name}, {name}.svg, {name}.png, {name}-{step}.png")
        browser.close()
    print(f"in {out}")


if __name__ == "__main__":
    main()
