"""The benchmark's verdicts: a figure meets a floor or a ceiling, an absolute bound, and a missing one is named."""

from __future__ import annotations

import math

from xinfang.bench import EXPECTED, Figure, missing


def figure(key: str, database: str = "SQLite", value: float = 1.0, **kw: object) -> Figure:
    base: dict[str, object] = {"unit": "x", "peer": "p", "peer_value": 2.0, "goal": 0.25, **kw}
    return Figure(f"{database}: {key}", value, key=key, database=database, **base)  # type: ignore[arg-type]


def test_a_floor_a_ceiling_and_an_absolute_bound() -> None:
    assert figure("pipeline", value=1.0).meets_goal  # 0.5 ≥ 0.25
    assert not figure("pipeline", value=0.4).meets_goal  # 0.2
    assert figure("idle_cpu", value=0.9, peer_value=100.0, goal=0.01, at_most=True).meets_goal
    assert not figure("idle_cpu", value=1.4, peer_value=100.0, goal=0.01, at_most=True).meets_goal
    latency = figure("latency_p99", value=42.0, peer_value=0.0, goal=50.0, at_most=True, absolute=True)
    assert latency.ratio == 42.0 and latency.meets_goal and latency.goal_text == "≤ 50 x"
    assert not figure("pipeline", value=math.nan).meets_goal


def test_every_expected_figure_of_each_database_is_asked_for() -> None:
    whole = [figure(k, db) for db in ("SQLite", "PostgreSQL") for k in EXPECTED] + [figure("idle_cpu")]
    assert missing(whole, ["SQLite", "PostgreSQL"]) == []
    assert missing(whole[1:], ["SQLite", "PostgreSQL"]) == [f"SQLite: {EXPECTED[0]}"]
    no_number = [*whole[:-1], figure("idle_cpu", value=math.nan)]
    assert missing(no_number, ["SQLite"]) == ["SQLite: idle_cpu"]
