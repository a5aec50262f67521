"""Staff accounts and sessions: argon2 hashes only, signed tokens that expire and end with a password change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from services.runtime.errors import Conflict, InvalidInput, NotFound
from xinfang.web.auth import Sessions, web_key
from xinfang.web.users import Role, UserFile, new_user, password_matches


class SteppedClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()


@pytest.fixture
def users(tmp_path: Path) -> UserFile:
    users = UserFile(tmp_path / "users.json")
    users.add(new_user("dengji", "王敏", "intake", "correct horse 9"))
    return users


def test_the_users_file_keeps_an_argon2_hash_and_never_the_password(users: UserFile) -> None:
    text = users.path.read_text(encoding="utf-8")
    assert "correct horse 9" not in text and "$argon2id$" in text
    assert users.path.stat().st_mode & 0o777 == 0o600
    assert password_matches(users.get("dengji"), "correct horse 9")
    assert not password_matches(users.get("dengji"), "wrong horse 9")
    assert not password_matches(None, "correct horse 9")


def test_an_account_is_checked_before_it_is_written(users: UserFile) -> None:
    with pytest.raises(InvalidInput) as short:
        new_user("lisi", "李四", "intake", "short")
    assert short.value.field == "password"
    with pytest.raises(InvalidInput) as role:
        new_user("lisi", "李四", "mayor", "long enough 1")
    assert role.value.field == "role"
    with pytest.raises(InvalidInput) as unit:
        new_user("lisi", "李四", "department", "long enough 1")
    assert unit.value.field == "unit"
    with pytest.raises(InvalidInput) as name:
        new_user("Li Si", "李四", "intake", "long enough 1")
    assert name.value.field == "username"
    with pytest.raises(Conflict):
        users.add(new_user("dengji", "王敏", "intake", "long enough 1"))
    with pytest.raises(NotFound):
        users.remove("nobody")
    assert [u["username"] for u in json.loads(users.path.read_text())["users"]] == ["dengji"]


def test_a_token_names_its_user_until_it_expires(users: UserFile, tmp_path: Path) -> None:
    clock = SteppedClock()
    sessions = Sessions(web_key(tmp_path / "web.key"), users, clock, timedelta(minutes=30))
    user = users.get("dengji")
    assert user is not None and user.role is Role.intake
    token, expires = sessions.issue(user)
    assert expires == clock.moment + timedelta(minutes=30)
    assert sessions.user_of(token) == user
    clock.moment += timedelta(minutes=31)
    assert sessions.user_of(token) is None


def test_a_tampered_or_foreign_token_is_refused(users: UserFile, tmp_path: Path) -> None:
    clock = SteppedClock()
    sessions = Sessions(web_key(tmp_path / "web.key"), users, clock, timedelta(minutes=30))
    token, _ = sessions.issue(users.get("dengji"))  # type: ignore[arg-type]
    payload, _, mac = token.partition(".")
    assert sessions.user_of(payload[:-2] + "xx." + mac) is None
    assert sessions.user_of(token + "x") is None
    assert sessions.user_of("garbage") is None
    other = Sessions(b"another district's key 32 bytes!", users, clock, timedelta(minutes=30))
    assert other.user_of(token) is None


def test_a_new_password_or_a_removed_account_ends_its_sessions(users: UserFile, tmp_path: Path) -> None:
    sessions = Sessions(web_key(tmp_path / "web.key"), users, SteppedClock(), timedelta(minutes=30))
    token, _ = sessions.issue(users.get("dengji"))  # type: ignore[arg-type]
    users.set_password("dengji", "another horse 10")
    assert sessions.user_of(token) is None
    fresh, _ = sessions.issue(users.get("dengji"))  # type: ignore[arg-type]
    users.remove("dengji")
    assert sessions.user_of(fresh) is None


def test_the_web_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "access" / "web.key"
    first = web_key(path)
    assert len(first) == 32 and web_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
