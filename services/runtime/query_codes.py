"""查询码 and 查询密码: what a petitioner is given at registration to follow their case, and how each is kept.

The code names the case (its lookup key, a plain SHA-256 of the normalised code, is on the bus so the read side
can find the case); the secret proves the petitioner holds it and is kept only as a salted scrypt hash, so
neither the stores nor the stream can give it back. Both are eight characters a petitioner can read out over the
phone: no 0/O, 1/I.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sys
import threading
from collections import deque
from functools import cache

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
# scrypt cost, stored with each hash (older hashes keep verifying): N=2^12, r=8, p=1 — 4 MiB and ~12 ms a check on
# this class of machine. A 40-bit secret behind it costs an offline guesser centuries of CPU (and needs the stream,
# which only operators read); online guesses are throttled per code. 2^14 cost 4x more on every registration.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 4096, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
SCHEME = "scrypt"


def _new() -> str:
    # One read of the system's random source: 256 is a multiple of the alphabet's 32 letters, so each byte picks a
    # letter uniformly (secrets.choice read the source once per letter).
    return "".join(ALPHABET[b % len(ALPHABET)] for b in secrets.token_bytes(LENGTH))


def new_query_code() -> str:
    """查询码: names the case when the petitioner asks after it."""
    return _new()


def new_secret() -> str:
    """查询密码: shown once at registration, kept only as a hash."""
    return _new()


def normalised(text: str) -> str:
    """As a petitioner may type it: any case, with spaces around."""
    return text.strip().upper()


def lookup_key(code: str) -> str:
    """The code's lookup key (查询码索引): the SHA-256 hex digest of the normalised code."""
    return hashlib.sha256(normalised(code).encode()).hexdigest()


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(normalised(secret).encode(), salt=salt, n=n, r=r, p=p, maxmem=0, dklen=HASH_BYTES)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_secret(secret: str) -> str:
    """``scrypt$N$r$p$<salt b64>$<hash b64>``, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def secret_matches(secret: str, hashed: str) -> bool:
    """Whether a secret is the one a hash was made of; a malformed or empty hash matches nothing."""
    try:
        scheme, n, r, p, salt, digest = hashed.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        found = _scrypt(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found, expected)


@cache
def dummy_hash() -> str:
    """A hash of no secret anyone holds, to check against when a code names no case: a wrong code then costs the
    same scrypt as a wrong secret."""
    return hash_secret(new_secret())


def secret_and_hash() -> tuple[str, str]:
    """A new 查询密码 and its hash."""
    secret = new_secret()
    return secret, hash_secret(secret)


def lower_priority(by: int) -> int:
    """Lower the calling thread's CPU priority by ``by`` nice steps, where a thread has its own (Linux: a thread's
    native id is its task id there; elsewhere the call would name a process, so nothing is changed). Its id."""
    native_id = threading.get_native_id()
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, native_id, os.getpriority(os.PRIO_PROCESS, native_id) + by)
    return native_id


class SecretsAhead:
    """查询密码 made ahead of need, each with its scrypt hash, on a thread of its own.

    The hash is the dearest step of a registration (~12 ms) and it ran on the service's one database thread, in
    series with every other command's decision and save. Made here instead, it overlaps with them on another core
    (``hashlib.scrypt`` releases the GIL). The thread starts with the first registration, keeps ``ahead`` pairs
    ready and then sleeps until one is taken — an idle service spends nothing on it. When registrations come faster
    than the thread makes pairs, ``take`` makes one itself: never a wait, never a secret given twice. The pairs live
    in this process's memory only, as a secret made at the moment of registration would.
    """

    # The thread runs at a lower priority (nice +10, Linux): on a busy machine the work a reply or a view waits
    # for (decisions, commits, publishes, the read side) goes first, and hashes fill the rest of the CPU; under a
    # sustained burst the pool runs dry and ``take`` hashes at normal priority.
    NICENESS = 10

    def __init__(self, ahead: int = 32):
        self.ahead = ahead
        self.ready: deque[tuple[str, str]] = deque()
        self.wanted = threading.Condition()
        self.thread: threading.Thread | None = None
        self.native_id = 0  # the thread's, once it runs

    def take(self) -> tuple[str, str]:
        """A fresh ``(secret, hash)``."""
        with self.wanted:
            if self.thread is None:
                self.thread = threading.Thread(target=self._make, name="secrets-ahead", daemon=True)
                self.thread.start()
            pair = self.ready.popleft() if self.ready else None
            self.wanted.notify()
        return pair or secret_and_hash()

    def _make(self) -> None:
        self.native_id = lower_priority(self.NICENESS)
        while True:
            with self.wanted:
                while len(self.ready) >= self.ahead:
                    self.wanted.wait()
            pair = secret_and_hash()  # outside the lock: take() never waits on a hash
            with self.wanted:
                self.ready.append(pair)
