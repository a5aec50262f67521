"""`xinfang bench --quick`'s million-event figures come out (their values are not judged at this size)."""

from __future__ import annotations

import asyncio

import pytest

from xinfang.bench_scale import scale_figures


@pytest.mark.timeout(600)
def test_the_quick_run_produces_every_read_figure_and_the_memory_figure() -> None:
    figures = asyncio.run(scale_figures("SQLite", {}, big=6000, small=1000, quick=True))
    names = [f.name for f in figures]
    for read in ("案件历史", "台账首页", "待办", "月度考核", "重建峰值内存"):
        assert sum(read in name for name in names) == 1, names
    assert all(f.value > 0 and f.peer_value > 0 for f in figures)
