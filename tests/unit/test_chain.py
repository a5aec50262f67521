"""The hash chain and what verify makes of a chain, on messages built here (the stream itself: test_verify.py)."""

from __future__ import annotations

import json

from services.runtime.chain import GENESIS, SOURCE, Heads, Link
from xinfang.digest import Digest, compare
from xinfang.verification import Finding, Message, chains_of, check_chain

CASE = "c0ffee00-0000-4000-8000-000000000001"


def relayed(source: str, count: int, heads: Heads | None = None, first_seq: int = 1) -> list[Message]:
    """What a relay publishes for one case: ``count`` events, each linked to the one before."""
    heads = heads or Heads({})
    messages = []
    for i in range(count):
        subject, data = f"xf.case.{CASE}.thing_done", json.dumps({"event_id": f"{source}-{i}"}).encode()
        link = heads.extend(source, CASE, subject, data)
        messages.append(Message(first_seq + i, subject, data, {SOURCE: source, **link.headers()}))
    heads.commit()
    return messages


def kinds(messages: list[Message]) -> set[tuple[int, str]]:
    found: list[Finding] = []
    chains, _ = chains_of(messages, found)
    for chain in chains.values():
        found += check_chain(chain)
    return {(f.seq, f.kind) for f in found}


def renumbered(messages: list[Message]) -> list[Message]:
    return [Message(i, m.subject, m.data, m.headers) for i, m in enumerate(messages, 1)]


def test_a_relayed_chain_holds_and_starts_at_genesis() -> None:
    chain = relayed("intake", 4)
    assert kinds(chain) == set() and chain[0].prev == GENESIS and chain[1].prev == chain[0].hash


def test_a_pass_linked_again_after_a_failed_publish_carries_the_same_links() -> None:
    heads = Heads({})
    relayed("intake", 2, heads)
    failed = heads.extend("intake", CASE, f"xf.case.{CASE}.thing_done", b"{}")
    heads.discard()
    again = heads.extend("intake", CASE, f"xf.case.{CASE}.thing_done", b"{}")
    assert again == failed and again.n == 3
    heads.commit()
    assert heads.changed() == {CASE: (3, again.hash)}


def test_a_changed_payload_is_named_where_it_lies() -> None:
    chain = relayed("intake", 3)
    chain[1] = Message(2, chain[1].subject, b'{"event_id": "x"}', chain[1].headers)
    assert kinds(chain) == {(2, "changed")}


def test_a_dropped_event_is_named_before_the_next_of_its_chain() -> None:
    chain = relayed("intake", 4)
    assert kinds(renumbered(chain[:1] + chain[2:])) == {(2, "dropped")}


def test_two_events_of_one_producer_swapped_are_both_named() -> None:
    a, b, c = relayed("intake", 3)
    assert kinds(renumbered([a, c, b])) == {(2, "reordered"), (3, "reordered")}


def test_a_forged_hash_and_a_link_without_predecessor_are_forged() -> None:
    chain = relayed("intake", 2)
    forged = Message(3, chain[0].subject, b"{}", {SOURCE: "intake", **Link(3, chain[1].hash, "f" * 64).headers()})
    assert kinds([*chain, forged]) == {(3, "forged")}
    stray = Message(1, chain[0].subject, b"{}", {SOURCE: "intake", **Link(1, "e" * 64, "f" * 64).headers()})
    assert (1, "forged") in kinds([stray])


def test_a_message_without_a_link_is_inserted_and_a_resend_is_harmless() -> None:
    chain = relayed("intake", 2)
    bare = Message(3, chain[0].subject, b"{}", {})
    resend = Message(4, chain[1].subject, chain[1].data, chain[1].headers)
    found: list[Finding] = []
    _, resent = chains_of([*chain, bare, resend], found)
    assert [(f.seq, f.kind) for f in found] == [(3, "inserted")] and resent == 1


def test_a_kept_digest_names_a_swap_between_two_producers() -> None:
    intake, mediation = relayed("intake", 1), relayed("mediation", 1, first_seq=2)
    kept, now = Digest("S"), Digest("S")
    for m in [*intake, *mediation]:
        kept.add(m)
    for m in renumbered([*mediation, *intake]):
        now.add(m)
    assert kinds(renumbered([*mediation, *intake])) == set(), "no chain fixes the order between producers"
    findings = compare(kept.body("2026-01-01"), now, None)
    assert {(f.case_id, f.seq, f.kind) for f in findings} >= {(CASE, 1, "reordered"), ("", 1, "rewritten")}
