"""The count lines the long tests print (chaos, races, fuzzing), collected so that the run's summary shows them
even when pytest captures the output of a passing test (as ``.ci/run`` does)."""

from __future__ import annotations

LINES: list[str] = []


def report(line: str) -> None:
    print(line)
    LINES.append(line)
