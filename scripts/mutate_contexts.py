"""pytest plugin for `scripts/mutate.py`: which test executed which line.

Loaded into a `coverage run -m pytest` of the suite. Before each test it names the coverage
context after the test (`tests/test_x.py::test_y`), in this process and, through the
configuration coverage hands to child processes (`patch = subprocess`), in the `compose`
processes the test starts. It also writes each test's duration, so mutants can run the
fastest tests first.
"""

from __future__ import annotations

import copy
import json
import os

import pytest

_durations: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):  # type: ignore[no-untyped-def]
    import coverage

    cov = coverage.Coverage.current()
    if cov is not None:
        cov.switch_context(item.nodeid)
        config = copy.copy(cov.config)
        config.context = item.nodeid
        os.environ["COVERAGE_PROCESS_CONFIG"] = config.serialize()
    yield
    if cov is not None:
        cov.switch_context("")


def pytest_runtest_logreport(report):  # type: ignore[no-untyped-def]
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    path = os.environ.get("COMPOSER_MUTATE_DURATIONS")
    if path:
        with open(path, "w") as f:
            json.dump(_durations, f, indent=0, sort_keys=True)
