"""Verifying the history: every producer's chain on the stream, and the stream against each producer's own store.

A chain (``services/runtime/chain.py``) shows, from the stream alone, an event whose content no longer matches
its hash, a place missing in a producer's chain, two of its events out of order and a message that carries no
link. The stores add what the stream alone cannot show: an event with a well-formed link its producer never
published, and the last event of a chain dropped. The order of different producers' events of a case is kept
by a supervisor's digest (``xinfang/digest.py``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from events import CaseEvent, UndecodableEvent, decode
from services.runtime.chain import GENESIS, SOURCE, Link

KINDS = {
    "changed": "内容被改",
    "dropped": "事件缺失",
    "inserted": "插入事件",
    "reordered": "次序颠倒",
    "forged": "伪造哈希",
    "rewritten": "摘要之前的流被改写",
}


@dataclass(frozen=True)
class Message:
    """One message of the case stream as verify reads it."""

    seq: int
    subject: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def case_id(self) -> str:
        parts = self.subject.split(".")
        return parts[2] if len(parts) == 4 else ""

    @property
    def source(self) -> str:
        return self.headers.get(SOURCE, "")

    @cached_property
    def link(self) -> Link | None:
        return Link.of(self.headers)

    @property
    def n(self) -> int:
        return self.link.n if self.link else 0

    @property
    def prev(self) -> str:
        return self.link.prev if self.link else ""

    @property
    def hash(self) -> str:
        return self.link.hash if self.link else ""

    @cached_property
    def holds(self) -> bool:
        return self.link is not None and self.link.holds(self.source, self.subject, self.data)

    @cached_property
    def event_id(self) -> str:
        try:
            return str(json.loads(self.data).get("event_id", ""))
        except (ValueError, AttributeError, RecursionError):  # not JSON, not an object, nested past any parser
            return ""

    def same_as(self, other: Message) -> bool:
        """A re-send: the very message again (JetStream keeps one past its de-duplication window)."""
        return (self.subject, self.data, self.link) == (other.subject, other.data, other.link)


@dataclass(frozen=True)
class Finding:
    """One thing that does not hold, by case and stream sequence."""

    case_id: str
    seq: int
    kind: str
    source: str = ""
    n: int = 0
    detail: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.case_id, self.seq, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "seq": self.seq, "kind": self.kind, "label": KINDS[self.kind],
                "source": self.source, "n": self.n, "detail": self.detail}  # fmt: skip


Chains = dict[tuple[str, str], list[Message]]


def chains_of(messages: Iterable[Message], findings: list[Finding]) -> tuple[Chains, int]:
    """Each (case, producer) chain in stream order; a message without a link is an insertion, a re-send is
    counted (returned) and set aside."""
    chains: Chains = defaultdict(list)
    resent = 0
    for m in messages:
        if m.link is None or not m.source:
            findings.append(Finding(m.case_id, m.seq, "inserted", m.source, 0, "消息不带哈希链 (no chain link)"))
            continue
        chain = chains[(m.case_id, m.source)]
        if any(m.same_as(earlier) for earlier in chain if earlier.link == m.link):
            resent += 1
            continue
        chain.append(m)
    return chains, resent


def check_chain(chain: list[Message], known: set[str] | None = None) -> list[Finding]:
    """One producer's chain of one case: content against hash, places 1…k each once, links, stream order."""
    findings: list[Finding] = []
    by_n: dict[int, Message] = {}
    for m in chain:
        first = by_n.get(m.n)
        if first is not None:
            if m.holds and not first.holds:
                by_n[m.n], m = m, first
            findings.append(_found(m, "inserted", f"第 {m.n} 条重复出现 (a second event at this place)"))
            continue
        by_n[m.n] = m
    for n in range(1, max(by_n, default=0) + 1):
        if n not in by_n:
            after = by_n[min(k for k in by_n if k > n)]
            findings.append(Finding(after.case_id, after.seq, "dropped", after.source, n, f"链中第 {n} 条缺失"))
    for n, m in sorted(by_n.items()):
        successor, predecessor = by_n.get(n + 1), by_n.get(n - 1)
        if not m.holds:
            pointed_at = successor is not None and successor.prev == m.hash
            changed = pointed_at or (known is not None and m.event_id in known)
            detail = "内容与哈希不符" if changed else "哈希不是此内容的哈希 (forged hash)"
            findings.append(_found(m, "changed" if changed else "forged", detail))
        elif n == 1 and m.prev != GENESIS:
            findings.append(_found(m, "forged", "链首不接创始值 (first link has a predecessor)"))
        elif predecessor is not None and predecessor.hash != m.prev:
            findings.append(_found(predecessor, "changed", "后一条不指向此条的哈希 (rehashed after a change)"))
    chosen = [m for m in chain if by_n.get(m.n) is m]
    for seen, due in zip(chosen, sorted(chosen, key=lambda m: m.n), strict=True):
        if seen is not due:
            findings.append(_found(seen, "reordered", f"此处应为第 {due.n} 条 (序号 {due.seq})"))
    return findings


def _found(m: Message, kind: str, detail: str) -> Finding:
    return Finding(m.case_id, m.seq, kind, m.source, m.n, detail)


@dataclass(frozen=True)
class Published:
    """An event a producer's store says it published: its place in the producer's chain for its case."""

    n: int
    event: CaseEvent
    due: bool  # at or below the relay's saved position: it must be on the stream


def check_published(chains: Chains, stores: dict[str, dict[str, Published]]) -> list[Finding]:
    """Each message against its producer's store: known, the same event, at the same place; each event the
    relay has passed is on the stream."""
    findings: list[Finding] = []
    on_stream: dict[str, set[str]] = defaultdict(set)
    for (case_id, source), chain in chains.items():
        store = stores.get(source)
        for m in chain:
            if store is None:
                findings.append(_found(m, "forged", f"没有名为 {source!r} 的发布方 (no such producer)"))
                continue
            on_stream[source].add(m.event_id)
            mine = store.get(m.event_id)
            if mine is None or mine.event.case_id != case_id:
                findings.append(_found(m, "forged", "发布方的存储中没有此事件 (its producer never published it)"))
            elif not _same(m, mine.event):
                findings.append(_found(m, "changed", "与发布方存储中的事件不同 (differs from its store)"))
            elif m.n != mine.n:
                findings.append(_found(m, "reordered", f"发布方存储中此事件是第 {mine.n} 条"))
    for source, store in stores.items():
        for event_id, published in store.items():
            if published.due and event_id not in on_stream[source]:
                chain = chains.get((published.event.case_id, source), [])
                near = _nearest(chain, published.n)
                detail = f"发布方已发布的第 {published.n} 条不在流中 ({published.event.event_type})"
                findings.append(Finding(published.event.case_id, near, "dropped", source, published.n, detail))
    return findings


def _same(m: Message, event: CaseEvent) -> bool:
    try:
        return decode(m.subject, m.data) == event
    except UndecodableEvent:
        return False


def _nearest(chain: list[Message], n: int) -> int:
    """The stream sequence where a missing place lies: the next event of its chain, else the one before."""
    later = [m.seq for m in chain if m.n > n]
    earlier = [m.seq for m in chain if m.n < n]
    return min(later) if later else max(earlier, default=0)


def distinct(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per case, sequence and kind, in stream order."""
    seen: dict[tuple[str, int, str], Finding] = {}
    for f in findings:
        seen.setdefault(f.key, f)
    return sorted(seen.values(), key=lambda f: (f.seq, f.case_id, f.kind))
