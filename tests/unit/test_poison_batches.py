"""A batch with poison in it: each bad message is dead-lettered in its place, the events around it are applied in
halves (a few transactions, not one per message of the batch), and positions only move forward."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import pytest

from events import EVENT_TYPES
from services.runtime.consumer import Delivery, apply_or_dead_letter
from tests.support.clock import NOW

CASE = "3f0c6a52-8a51-4b0f-9a0e-2f6d2b7c1e11"
KIND = "case_closed"


def event(seq: int) -> Delivery:
    cls = EVENT_TYPES[KIND]
    payload = {"event_id": f"e{seq}", "case_id": CASE, "occurred_at": NOW.isoformat(), "recorded_at": NOW.isoformat()}
    payload |= {
        name: "x" if info.annotation is str else NOW.date().isoformat()
        for name, info in cls.model_fields.items()
        if info.is_required() and name not in payload
    }
    assert cls.model_validate(payload)
    return Delivery(seq, f"xf.case.{CASE}.{KIND}", json.dumps(payload).encode())


def poison(seq: int) -> Delivery:
    return Delivery(seq, f"xf.case.{CASE}.{KIND}", b"{not json")


@dataclass
class Recording:
    """A sink that records each transaction it is asked for, failing those that hold a seq in ``refuse``."""

    name: str = "recording"
    subjects: list[str] = field(default_factory=lambda: ["xf.case.>"])
    refuse: set[int] = field(default_factory=set)
    transactions: list[list[int]] = field(default_factory=list)
    attempts: int = 0
    letters: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    def position(self) -> int:
        return self.positions[-1] if self.positions else 0

    def apply(self, deliveries: list[Delivery]) -> None:
        seqs = [d.seq for d in deliveries]
        self.attempts += 1
        for d in deliveries:
            _ = d.event
        if self.refuse & set(seqs):
            raise ValueError(f"refused {sorted(self.refuse & set(seqs))}")
        self.transactions.append(seqs)
        self.positions.append(seqs[-1])

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        assert reason
        self.letters.append(delivery.seq)
        self.positions.append(delivery.seq)


def test_poison_is_set_aside_in_its_place_and_the_rest_applied_in_halves() -> None:
    sink = Recording()
    batch = [event(1), event(2), poison(3), event(4), poison(5), poison(6), event(7), event(8)]
    assert apply_or_dead_letter(sink, batch) == 3
    assert sink.transactions == [[1, 2], [4], [7, 8]] and sink.letters == [3, 5, 6]
    assert sink.positions == sorted(sink.positions) == [2, 3, 4, 5, 6, 8]


def test_a_batch_without_poison_is_one_transaction() -> None:
    sink = Recording()
    assert apply_or_dead_letter(sink, [event(n) for n in range(1, 200)]) == 0
    assert len(sink.transactions) == 1


def test_two_poison_in_a_full_batch_cost_a_few_transactions_not_one_per_message() -> None:
    sink = Recording()
    batch = [poison(n) if n in (40, 200) else event(n) for n in range(1, 257)]
    assert apply_or_dead_letter(sink, batch) == 2 and sink.letters == [40, 200]
    assert [seq for run in sink.transactions for seq in run] == [n for n in range(1, 257) if n not in (40, 200)]
    assert sink.attempts <= 2 * 2 * 8 + 1 and len(sink.transactions) <= 2 * 8


def test_an_event_the_sink_refuses_is_dead_lettered_like_poison() -> None:
    sink = Recording(refuse={2})
    assert apply_or_dead_letter(sink, [event(1), event(2), event(3), poison(4), event(5)]) == 2
    assert sink.transactions == [[1], [3], [5]] and sink.letters == [2, 4]


def test_an_unknown_event_type_is_left_to_the_sink() -> None:
    unknown = Delivery(2, f"xf.case.{CASE}.petition_teleported", b"{}")

    class Skipping(Recording):
        def apply(self, deliveries: list[Delivery]) -> None:
            super().apply([d for d in deliveries if d.subject.endswith(KIND)])

    sink = Skipping()
    assert apply_or_dead_letter(sink, [event(1), unknown, event(3)]) == 0
    assert sink.letters == []


def test_a_transient_fault_propagates_after_what_was_already_saved() -> None:
    class Flaky(Recording):
        def apply(self, deliveries: list[Delivery]) -> None:
            if deliveries[0].seq == 3:
                raise ConnectionError("database gone")
            super().apply(deliveries)

    sink = Flaky()
    with pytest.raises(ConnectionError):
        apply_or_dead_letter(sink, [event(1), poison(2), event(3), event(4)])
    assert sink.positions == [1, 2]  # [3, 4] was not applied, so its position was not saved


def test_the_benchmarks_poison_is_poison_to_every_consumer() -> None:
    """`xinfang bench` measures the pipeline with 1% of these: each is undecodable (or of a type this version does
    not know, which the read side skips), never an event some consumer would apply."""
    from events import UndecodableEvent, UnknownEventType, decode
    from xinfang.bench_pipeline import poison_message

    kinds = Counter()
    for n in range(60):
        subject, data = poison_message(n)
        with pytest.raises(UndecodableEvent) as raised:
            decode(subject, data)
        kinds[type(raised.value)] += 1
        assert len(data) < 1024 * 1024
    assert kinds[UnknownEventType] == 10 and kinds[UndecodableEvent] == 50


def test_a_message_nested_past_any_parser_is_undecodable_not_a_recursion_error() -> None:
    from events import UndecodableEvent, decode
    from xinfang.verification import Message

    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(UndecodableEvent, match="nested"):
        decode(f"xf.case.{CASE}.{KIND}", deep)
    assert Message(1, f"xf.case.{CASE}.{KIND}", deep, {}).event_id == ""  # `xinfang verify` reads it as no event
