"""Idle CPU is read to the nanosecond from each thread's run time, and from the process's clock ticks when one of
its threads ended meanwhile (its time would otherwise go missing)."""

from __future__ import annotations

import os

from xinfang.bench_idle import spent_between, thread_seconds


def test_threads_exact_times_are_summed_while_every_thread_lives() -> None:
    ticks = ({1: 10.0}, {1: 10.5})
    threads = ({(1, 1): 2.0, (1, 2): 3.0}, {(1, 1): 2.001, (1, 2): 3.002, (1, 3): 0.004})
    assert abs(spent_between(ticks, threads) - 0.007) < 1e-9


def test_a_process_one_of_whose_threads_ended_is_counted_by_its_ticks() -> None:
    ticks = ({1: 10.0, 2: 1.0}, {1: 10.5, 2: 1.0})
    threads = ({(1, 1): 2.0, (1, 2): 3.0, (2, 7): 1.0}, {(1, 1): 2.001, (2, 7): 1.001})
    assert abs(spent_between(ticks, threads) - (0.5 + 0.001)) < 1e-9


def test_this_process_threads_are_read_from_proc() -> None:
    found = thread_seconds([os.getpid()])
    assert (os.getpid(), os.getpid()) in found and all(v >= 0 for v in found.values())
