"""工作人员账号: staff users and their roles, in a file the operator manages (``xinfang users add``).

Passwords are kept as argon2 hashes only. The file is JSON, written whole and atomically, readable by its owner
only; the API reads it again when it changes, so a user added or removed takes effect without a restart.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.runtime.errors import Conflict, InvalidInput, NotFound

HASHER = PasswordHasher()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


class Role(StrEnum):
    """角色: what a signed-in person may do."""

    intake = "intake"  # 信访局登记受理
    assignment = "assignment"  # 交办
    supervision = "supervision"  # 督办与考核
    department = "department"  # 责任单位经办 (their unit's cases only)
    leader = "leader"  # 包案领导 (their own cases)
    auditor = "auditor"  # 审计 (read-only: history and verify)
    admin = "admin"  # 系统管理员 (users)


ROLE_LABELS = {
    Role.intake: "登记受理",
    Role.assignment: "交办",
    Role.supervision: "督办",
    Role.department: "责任单位",
    Role.leader: "包案领导",
    Role.auditor: "审计",
    Role.admin: "系统管理员",
}
BUREAU = frozenset({Role.intake, Role.assignment, Role.supervision, Role.auditor})  # see every case


@dataclass(frozen=True)
class User:
    """One staff account; ``name`` becomes the 经办人 of every event the person causes."""

    username: str
    name: str
    role: Role
    password_hash: str
    unit: str = ""  # a department user's unit code
    leader: str = ""  # a 包案领导's leader id

    @property
    def sees_every_case(self) -> bool:
        return self.role in BUREAU

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位", "password")
    return HASHER.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password is the user's; an unknown user costs a hash all the same (no timing oracle)."""
    stored = user.password_hash if user is not None else DUMMY_HASH
    try:
        return HASHER.verify(stored, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


DUMMY_HASH = HASHER.hash("not a password of anyone")


class UserFile:
    """The users file, read again whenever it changed on disk."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._users: dict[str, User] = {}

    def users(self) -> dict[str, User]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        mark = (stat.st_mtime_ns, stat.st_size)
        if mark != self._seen:
            self._users = read_users(self.path)
            self._seen = mark
        return self._users

    def get(self, username: str) -> User | None:
        return self.users().get(username)

    def add(self, user: User) -> None:
        users = dict(read_users(self.path)) if self.path.exists() else {}
        if user.username in users:
            raise Conflict(f"用户 {user.username} 已存在", "username", "user_exists")
        users[user.username] = user
        write_users(self.path, users)

    def remove(self, username: str) -> None:
        users = dict(read_users(self.path)) if self.path.exists() else {}
        if users.pop(username, None) is None:
            raise NotFound(f"没有用户 {username}", "username")
        write_users(self.path, users)

    def set_password(self, username: str, password: str) -> None:
        users = dict(read_users(self.path)) if self.path.exists() else {}
        if (user := users.get(username)) is None:
            raise NotFound(f"没有用户 {username}", "username")
        users[username] = User(**{**asdict(user), "password_hash": hash_password(password)})
        write_users(self.path, users)


def new_user(username: str, name: str, role: str, password: str, unit: str = "", leader: str = "") -> User:
    """A checked account: a valid username and role, a unit for a department user, a leader id for a leader."""
    if not USERNAME.match(username):
        raise InvalidInput("用户名须为 2-64 位小写字母、数字或 . _ -", "username")
    if not name.strip():
        raise InvalidInput("姓名不能为空 (it becomes the 经办人 of every act)", "name")
    try:
        checked = Role(role)
    except ValueError:
        raise InvalidInput(f"未知角色 {role!r}; 可选: {', '.join(r.value for r in Role)}", "role") from None
    if checked is Role.department and not unit:
        raise InvalidInput("责任单位账号须指定单位 (--unit)", "unit")
    if checked is Role.leader and not leader:
        raise InvalidInput("包案领导账号须指定领导编号 (--leader)", "leader")
    return User(username, name.strip(), checked, hash_password(password), unit, leader)


def read_users(path: Path) -> dict[str, User]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    users = {}
    for item in raw.get("users", []):
        user = User(**{**item, "role": Role(item["role"])})
        users[user.username] = user
    return users


def write_users(path: Path, users: dict[str, User]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"users": [{**asdict(u), "role": u.role.value} for u in sorted(users.values(), key=lambda u: u.username)]}
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False, indent=2)
    os.replace(partial, path)
