"""查询码 and 查询密码: issued at registration, returned once, kept only as a lookup key and a salted scrypt hash."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from typing import Any
from uuid import UUID

import pytest

from events.intake import PetitionRegistered
from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition
from services.intake.domain import Petition
from services.runtime.organisation import organisation
from services.runtime.query_codes import (
    ALPHABET,
    SecretsAhead,
    dummy_hash,
    hash_secret,
    lookup_key,
    new_query_code,
    new_secret,
    secret_matches,
)
from services.runtime.stored import event_class, to_public
from tests.support.clock import CLOCK
from tests.support.harness import Reactor, memory_store
from tests.support.system import PETITION

CODE, SECRET = "F73HP69Q", "K4M8WX2R"


def test_a_query_code_and_a_secret_are_eight_characters_a_petitioner_can_read_out() -> None:
    made = [new_query_code() for _ in range(50)] + [new_secret() for _ in range(50)]
    assert all(len(m) == 8 and set(m) <= set(ALPHABET) for m in made)
    assert not set("01IO") & set(ALPHABET)
    assert 256 % len(ALPHABET) == 0  # a letter per random byte is uniform only so
    assert len(set(made)) == len(made)


def test_the_lookup_key_is_the_sha256_of_the_normalised_code() -> None:
    assert lookup_key(CODE) == hashlib.sha256(CODE.encode()).hexdigest()  # the value intake stored all along
    assert lookup_key(f"  {CODE.lower()} ") == lookup_key(CODE)


def test_a_secret_is_kept_as_a_salted_scrypt_hash_that_only_it_matches() -> None:
    hashed = hash_secret(SECRET)
    scheme, n, r, p, salt, digest = hashed.split("$")
    assert (scheme, n, r, p) == ("scrypt", "4096", "8", "1") and salt and digest
    assert SECRET not in hashed and hash_secret(SECRET) != hashed  # a fresh salt each time
    assert secret_matches(SECRET, hashed) and secret_matches(f" {SECRET.lower()}", hashed)
    assert not secret_matches("K4M8WX2S", hashed)
    assert not any(secret_matches(SECRET, bad) for bad in ("", "scrypt$1$2", hashed.replace("scrypt", "bcrypt")))
    assert not secret_matches(SECRET, dummy_hash())


def register(app: IntakeApplication, **changes: Any) -> dict[str, Any]:
    return app.register(RegisterPetition.model_validate({**PETITION, **changes}))


def test_registration_gives_the_code_and_secret_once_and_keeps_only_their_hashes() -> None:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    result = register(app)
    code, secret = result["query_code"], result["secret"]
    assert len(secret) == 8 and set(secret) <= set(ALPHABET) and secret != code
    petition = app.load(UUID(result["case_id"]), Petition)
    assert petition.query_code_hash == lookup_key(code) and secret_matches(secret, petition.secret_hash)
    for _, stored in app.stored_events():
        assert not {code, secret} & {v for v in vars(stored).values() if isinstance(v, str)}
    (registered,) = [e for e in Reactor(app).public_events(result["case_id"]) if isinstance(e, PetitionRegistered)]
    assert registered.tracking_key == lookup_key(code) and secret_matches(secret, registered.secret_hash)
    assert registered.label("tracking_key") == "查询码索引" and registered.label("secret_hash") == "查询密码摘要"
    report = register(app, kind="report", request="举报某科长", reported_unit="990101")
    (withheld,) = [e for e in Reactor(app).public_events(report["case_id"]) if isinstance(e, PetitionRegistered)]
    assert withheld.withheld and withheld.tracking_key == lookup_key(report["query_code"])


def test_a_registration_stored_before_secrets_were_issued_has_none() -> None:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    result = register(app)
    _, stored = next(iter(app.stored_events()))
    state = {k: v for k, v in vars(stored).items() if k != "secret_hash"}  # as an earlier version stored it
    old = object.__new__(event_class(Petition, "Registered"))
    object.__setattr__(old, "__dict__", state)
    petition = old.mutate(None)
    assert petition is not None and petition.secret_hash == ""
    public = to_public(old)
    assert isinstance(public, PetitionRegistered)
    assert (public.secret_hash, public.tracking_key) == ("", lookup_key(result["query_code"]))


def test_secrets_made_ahead_are_fresh_and_each_matches_its_hash() -> None:
    ahead = SecretsAhead(ahead=4)
    pairs = [ahead.take() for _ in range(12)]  # more than it keeps ready: some are made on the spot
    assert len({secret for secret, _ in pairs}) == 12
    assert len({hashed for _, hashed in pairs}) == 12
    for secret, hashed in pairs:
        assert secret_matches(secret, hashed)
    for _, hashed in pairs[1:]:
        assert not secret_matches(pairs[0][0], hashed)


def test_secrets_ahead_fills_up_then_rests() -> None:
    ahead = SecretsAhead(ahead=3)
    ahead.take()
    deadline = time.monotonic() + 10
    while len(ahead.ready) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(ahead.ready) == 3
    time.sleep(0.1)
    assert len(ahead.ready) == 3  # full: it waits for a take, it does not go on making pairs


@pytest.mark.skipif(sys.platform != "linux", reason="a thread of its own priority: Linux only (elsewhere unchanged)")
def test_secrets_ahead_hashes_at_a_lower_priority_than_the_service() -> None:
    ahead = SecretsAhead(ahead=2)
    ahead.take()
    deadline = time.monotonic() + 10
    while not ahead.native_id and time.monotonic() < deadline:
        time.sleep(0.01)
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert os.getpriority(os.PRIO_PROCESS, ahead.native_id) == min(19, own + SecretsAhead.NICENESS)
