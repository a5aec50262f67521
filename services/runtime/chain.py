"""The hash chain every producer keeps per case: each public event names its place and its predecessor's hash.

A relay chains what it alone knows, the events of one case it publishes, in its own log's order; the four
producers' chains of one case interleave on the stream in no fixed order, so the stream-wide order is kept by a
digest (``xinfang/verification``). The hash covers the exact bytes on the bus (the subject and the payload the
contract serialised), the producer and the place, never anything kept only in a service's store: erasing
personal data there leaves every chain as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CHAIN_N = "Xf-Chain-N"
CHAIN_PREV = "Xf-Chain-Prev"
CHAIN_HASH = "Xf-Chain-Hash"
SOURCE = "Xf-Source"
GENESIS = "0" * 64
_TAG = b"xf-chain/1"


def link_hash(source: str, n: int, prev: str, subject: str, data: bytes) -> str:
    """The hash of the ``n``-th event a producer published for a case, chained to the one before it."""
    head = b"\x00".join((_TAG, source.encode(), str(n).encode(), prev.encode(), subject.encode()))
    return hashlib.sha256(head + b"\x00" + data).hexdigest()


@dataclass(frozen=True)
class Link:
    """One event's place in its producer's chain for its case, as the message headers carry it."""

    n: int
    prev: str
    hash: str

    def headers(self) -> dict[str, str]:
        return {CHAIN_N: str(self.n), CHAIN_PREV: self.prev, CHAIN_HASH: self.hash}

    @classmethod
    def of(cls, headers: dict[str, str]) -> Link | None:
        """The link a message carries, or None when its headers hold none (or not a well-formed one)."""
        try:
            n, prev, digest = int(headers[CHAIN_N]), headers[CHAIN_PREV], headers[CHAIN_HASH]
        except (KeyError, ValueError):
            return None
        return cls(n, prev, digest) if n >= 1 else None

    def holds(self, source: str, subject: str, data: bytes) -> bool:
        """Whether the hash is that of this content at this place after ``prev``."""
        return link_hash(source, self.n, self.prev, subject, data) == self.hash


class Heads:
    """The last link of each case's chain for one producer.

    ``extend`` links a pass's events in ``pending``; ``commit`` makes them the heads once the bus acknowledged
    them (a failed pass is linked again from the same heads), and ``dirty`` names the heads not saved yet.
    """

    def __init__(self, known: dict[str, tuple[int, str]]):
        self.known = known
        self.pending: dict[str, tuple[int, str]] = {}
        self.dirty: set[str] = set()

    def extend(self, source: str, case_id: str, subject: str, data: bytes) -> Link:
        n, prev = self.pending.get(case_id) or self.known.get(case_id, (0, GENESIS))
        link = Link(n + 1, prev, link_hash(source, n + 1, prev, subject, data))
        self.pending[case_id] = (link.n, link.hash)
        return link

    def commit(self) -> None:
        self.known.update(self.pending)
        self.dirty.update(self.pending)
        self.pending.clear()

    def discard(self) -> None:
        self.pending.clear()

    def changed(self) -> dict[str, tuple[int, str]]:
        return {case_id: self.known[case_id] for case_id in self.dirty}
