"""A digest of the case stream up to a sequence, for a supervisor to keep: a later verify against it shows any
rewrite before that sequence, by case, including a change in the order of different producers' events.

The digest holds a rolling hash of every message up to ``last_seq`` (with a checkpoint every ``CHECKPOINT``
sequences, to name the first range rewritten) and, per case, the order of its producers' events (one letter
each) and the head of each producer's chain. It names no person and no content: only hashes and case ids.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.runtime.errors import InvalidInput
from xinfang.verification import Finding, Message

FORMAT = "xinfang-digest/1"
CHECKPOINT = 1000
LETTERS = {"intake": "i", "assignment": "a", "mediation": "m", "supervision": "s"}


def _sha(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


@dataclass
class CaseTrace:
    order: str = ""
    heads: dict[str, list[Any]] = field(default_factory=dict)
    seqs: list[int] = field(default_factory=list)  # where each event of the order lies now; never exported


@dataclass
class Digest:
    """The digest as it is built while walking the stream, or as it was kept."""

    stream: str
    last_seq: int = 0
    root: str = _sha(FORMAT.encode())
    checkpoints: dict[str, str] = field(default_factory=dict)
    cases: dict[str, CaseTrace] = field(default_factory=lambda: defaultdict(CaseTrace))

    boundary: int = CHECKPOINT

    def add(self, m: Message) -> None:
        while m.seq > self.boundary:
            self.checkpoints[str(self.boundary)] = self.root
            self.boundary += CHECKPOINT
        link = m.link
        fields = (str(m.seq), m.subject, m.source, f"{link.n}:{link.prev}:{link.hash}" if link else "", _sha(m.data))
        self.root = _sha("\x00".join((self.root, *fields)).encode())
        self.last_seq = m.seq
        trace = self.cases[m.case_id]
        trace.order += LETTERS.get(m.source, "?")
        trace.seqs.append(m.seq)
        if link is not None:
            trace.heads[m.source] = [link.n, link.hash]

    def body(self, sealed_on: str) -> dict[str, Any]:
        cases = {c: {"order": t.order, "heads": t.heads} for c, t in sorted(self.cases.items())}
        return {"format": FORMAT, "stream": self.stream, "last_seq": self.last_seq, "sealed_on": sealed_on,
                "root": self.root, "checkpoints": self.checkpoints, "cases": cases}  # fmt: skip

    def save(self, path: Path, sealed_on: str) -> dict[str, Any]:
        body = self.body(sealed_on)
        kept = {**body, "digest": _sha(_canonical(body))}
        path.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return kept


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def load(path: Path) -> dict[str, Any]:
    """A kept digest, refused when it is not one or its own hash shows it was edited."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        body = {k: v for k, v in kept.items() if k != "digest"}
        intact = kept.get("format") == FORMAT and kept.get("digest") == _sha(_canonical(body))
    except (OSError, ValueError, AttributeError) as exc:
        raise InvalidInput(f"无法读取留存摘要 {path}: {exc}", "against") from None
    if not intact:
        raise InvalidInput(f"{path} 不是完好的留存摘要 (not an intact {FORMAT} digest)", "against")
    return body


def compare(kept: dict[str, Any], now: Digest, cases: list[str] | None) -> list[Finding]:
    """What changed before the kept digest's last sequence: by case, then the first range of the stream."""
    findings: list[Finding] = []
    for case_id in cases or sorted(set(kept["cases"]) | set(now.cases)):
        findings += _case(case_id, kept["cases"].get(case_id), now.cases.get(case_id))
    if not cases and (kept["root"] != now.root or kept["last_seq"] != now.last_seq):
        first = next((int(s) for s, h in kept["checkpoints"].items() if now.checkpoints.get(s) != h), None)
        start = (first - CHECKPOINT + 1) if first else max(1, (kept["last_seq"] - 1) // CHECKPOINT * CHECKPOINT + 1)
        detail = f"序号 {start}–{first or kept['last_seq']} 之间的流与留存摘要不符"
        findings.append(Finding("", start, "rewritten", "", 0, detail))
    return findings


def _case(case_id: str, kept: dict[str, Any] | None, now: CaseTrace | None) -> list[Finding]:
    if kept is None:
        return [Finding(case_id, now.seqs[0] if now else 0, "inserted", "", 0, "留存摘要中没有此案件")]
    order, seqs = (now.order, now.seqs) if now else ("", [])
    counts = {s: (kept["order"].count(letter), order.count(letter)) for s, letter in LETTERS.items()}
    for source, (before, after) in counts.items():
        if after != before:
            kind = "dropped" if after < before else "inserted"
            where = seqs[-1] if seqs else 0
            detail = f"{source} 的事件数: 留存 {before}, 现在 {after}"
            return [Finding(case_id, where, kind, source, 0, detail)]
    if order != kept["order"]:
        index = next(i for i, (a, b) in enumerate(zip(order, kept["order"], strict=True)) if a != b)
        return [Finding(case_id, seqs[index], "reordered", "", index + 1, "案件事件的次序与留存摘要不符")]
    for source, head in kept["heads"].items():
        if now is None or now.heads.get(source) != head:
            where = next((seqs[i] for i in range(len(order) - 1, -1, -1) if order[i] == LETTERS.get(source)), 0)
            return [Finding(case_id, where, "changed", source, head[0], "链首与留存摘要不符 (chain rewritten)")]
    return []
