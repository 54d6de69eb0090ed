"""A verify report (`verify.Report`) as the lines `compose verify` prints: the world it was
checked against, each import with its verdict, the other problems, and the outcome."""

from __future__ import annotations

from pathlib import Path

from .verify import Report


def report_lines(report: Report, shown_as: Path) -> list[str]:
    """The report on the component shown in messages as `shown_as`, a line each."""
    how = ("as asked" if not report.inferred else "inferred from its exports" if report.entry
           else "the default")
    if report.library:
        exports = ", ".join(report.exports) or "nothing"
        lines = [f"{shown_as}: a library component (it exports {exports}): not a command nor "
                 f"an HTTP handler; its imports checked against {report.world.name}"]
    else:
        lines = [f"{shown_as}: checked against {report.world.name} ({how})"]
    for check in report.imports:
        mark = "ok     " if check.problem is None else "MISSING"
        lines.append(f"  {mark} import {check.name} ({check.sort})"
                     + ("" if check.problem is None else f": {check.problem}"))
    for problem in report.problems:
        lines.append(f"  FAILED  {problem}")
    if not report.ok:
        count = len(report.missing) + len(report.problems)
        lines.append(f"failed: {count} problem{'s' if count != 1 else ''}")
    elif report.library:
        done = "instantiates in the embedded host; " if report.instantiated else ""
        lines.append(f"ok as a library: {done}{len(report.imports)} imports, all provided; "
                     "not runnable by itself")
    elif report.instantiated:
        lines.append(f"ok: instantiates in the embedded host; {len(report.imports)} imports, "
                     "all provided")
    else:
        lines.append(f"ok: {len(report.imports)} imports, all provided; running it is the last "
                     "check")
    return lines
