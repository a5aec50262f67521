"""`xinfang up` starting its components: one that exits while starting is started again (a cluster still electing
its leaders refused it), and one that never gets ready stops `up` with its name."""

from __future__ import annotations

import threading

import pytest

from xinfang.supervisor import Child, await_ready


class Flaky(Child):
    """A component whose first ``failures`` starts exit at once; the next one gets ready."""

    def __init__(self, failures: int):
        super().__init__("assignment", {})
        self.failures, self.starts, self.running = failures, 0, False

    def start(self) -> None:
        self.starts += 1
        self.running = self.starts > self.failures
        if self.running:
            self.ready.set()

    def alive(self) -> bool:
        return self.running

    def restart_delay(self) -> float:
        return 0.0


def test_a_component_that_exits_while_starting_is_started_again() -> None:
    child = Flaky(failures=2)
    child.start()
    await_ready([child], threading.Event(), timeout_s=5)
    assert child.ready.is_set() and child.starts == 3 and child.restarts == 2


def test_a_component_that_never_gets_ready_stops_up_with_its_name() -> None:
    child = Flaky(failures=10**6)
    child.start()
    with pytest.raises(RuntimeError, match="assignment 未能启动"):
        await_ready([child], threading.Event(), timeout_s=0.5)
