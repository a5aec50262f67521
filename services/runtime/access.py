"""访问控制: who may publish and subscribe to what on NATS, generated from the organisation file.

Each party gets a user with its own permissions: the four services, the projections, the bureau's staff tools, a
read-only auditor, and one user per unit of the org file. A department may publish only its own commands
(``xf.dept.<unit>.>``) and the JetStream API requests that touch its own feed stream (``XF_FEED_<unit>``), and
subscribe only to its own inbox prefix; JetStream does not check a consumer's filter against subscribe
permissions (nats-server #3295, #4225), so a department never gets the API of any other stream. Passwords are
stored hashed (bcrypt) in the server's authorization; each party's credentials file (mode 0600) holds its own.
Rotating one party rewrites its hash and its file only.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt

from events.base import FEED_PREFIX, STREAM, SUBJECT_PREFIX, feed_stream
from services.runtime.commands import COMMAND_PREFIX, DEPARTMENT_PREFIX
from services.runtime.errors import InvalidInput, NotFound
from services.runtime.lease import BUCKET as LEASES

JS = "$JS.API"
SERVICES = ("intake", "assignment", "mediation", "supervision")
STATE = "access.json"
AUTHORIZATION = "authorization.conf"


@dataclass(frozen=True)
class Party:
    """One NATS user: its name, its inbox prefix, what it may publish and subscribe to."""

    name: str
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    allow_responses: bool = False
    inbox: str = ""

    @property
    def inbox_prefix(self) -> str:
        return self.inbox or f"_INBOX_{self.name.replace('.', '_')}"


def reading(stream: str) -> tuple[str, ...]:
    """The JetStream API requests that read one stream: its info, consumers on it, their messages and acks."""
    return (
        f"{JS}.STREAM.INFO.{stream}",
        f"{JS}.CONSUMER.CREATE.{stream}",
        f"{JS}.CONSUMER.CREATE.{stream}.>",
        f"{JS}.CONSUMER.DURABLE.CREATE.{stream}.>",
        f"{JS}.CONSUMER.INFO.{stream}.>",
        f"{JS}.CONSUMER.DELETE.{stream}.>",
        f"{JS}.CONSUMER.MSG.NEXT.{stream}.>",
        f"$JS.ACK.{stream}.>",
        f"$JS.FC.{stream}.>",
    )


def department(unit: str) -> Party:
    """A unit's system: its own commands and its own feed, nothing else."""
    name = f"dept.{unit}"
    return Party(
        name=name,
        publish=(f"{DEPARTMENT_PREFIX}.{unit}.>", f"{JS}.INFO", *reading(feed_stream(unit))),
        subscribe=(f"_INBOX_dept_{unit}.>",),
    )


def parties(units: list[str]) -> list[Party]:
    """Every party of a district: its components, staff, the auditor and each unit."""
    trusted_js = (f"{JS}.>", "$JS.ACK.>", "$JS.FC.>", f"$KV.{LEASES}.>")  # components also hold their leases
    found = [
        Party(
            name=service,
            publish=(f"{SUBJECT_PREFIX}.>", *trusted_js, "_INBOX.>"),
            subscribe=(f"{COMMAND_PREFIX}.{service}.>", f"{DEPARTMENT_PREFIX}.*.{service}.>", "_INBOX.>"),
            allow_responses=True,
            inbox="_INBOX",
        )
        for service in SERVICES
    ]
    found.append(
        Party(name="projections", publish=(f"{FEED_PREFIX}.>", *trusted_js), subscribe=("_INBOX.>",), inbox="_INBOX")
    )
    found.append(
        Party(
            name="staff",
            publish=(
                f"{COMMAND_PREFIX}.>",
                f"{JS}.INFO",
                *reading(STREAM),
                f"{JS}.DIRECT.GET.{STREAM}",
                f"{JS}.DIRECT.GET.{STREAM}.>",
                f"{JS}.STREAM.MSG.GET.{STREAM}",
            ),
            subscribe=("_INBOX_staff.>",),
        )
    )
    found.append(
        Party(
            name="auditor",
            publish=(
                f"{JS}.INFO",
                f"{JS}.STREAM.NAMES",
                f"{JS}.STREAM.LIST",
                *reading("*"),
                f"{JS}.DIRECT.GET.>",
                f"{JS}.STREAM.MSG.GET.*",
            ),
            subscribe=("_INBOX_auditor.>",),
        )
    )
    # 运维: replay, verify and the operators' tools read and rebuild everything.
    found.append(Party(name="operator", publish=(">",), subscribe=(">",), allow_responses=True))
    found.extend(department(unit) for unit in sorted(units))
    return found


@dataclass
class Access:
    """The district's users: hashes kept for the server's configuration, each password only in its party's file."""

    directory: Path
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def creds_dir(self) -> Path:
        return self.directory / "creds"

    def creds(self, party: str) -> Path:
        return self.creds_dir / f"{party}.json"

    @classmethod
    def load(cls, directory: Path) -> Access:
        state = directory / STATE
        if not state.exists():
            raise NotFound(f"{directory} 中没有访问控制配置，请先运行 xinfang auth init", "dir")
        return cls(directory, json.loads(state.read_text(encoding="utf-8")))

    def issue(self, party: Party) -> None:
        """A new password for one party: its hash here, the password in its own credentials file only."""
        password = secrets.token_urlsafe(24)
        self.hashes[party.name] = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=8)).decode()
        creds = {"user": party.name, "password": password, "inbox_prefix": party.inbox_prefix}
        write_private(self.creds(party.name), json.dumps(creds, ensure_ascii=False, indent=2) + "\n")

    def save(self, everyone: list[Party]) -> Path:
        write_private(self.directory / STATE, json.dumps(self.hashes, indent=2) + "\n")
        conf = self.directory / AUTHORIZATION
        write_private(conf, authorization(everyone, self.hashes))
        return conf


def write_private(path: Path, text: str) -> None:
    """Written readable by its owner only (0600), replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def _quoted(subjects: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(s) for s in subjects) + "]"


def authorization(everyone: list[Party], hashes: dict[str, str]) -> str:
    """The nats-server ``authorization`` block: one user per party, with its permissions."""
    lines = ["authorization {", "  users = ["]
    for party in everyone:
        responses = "allow_responses: true, " if party.allow_responses else ""
        lines.append(
            f"    {{user: {json.dumps(party.name)}, password: {json.dumps(hashes[party.name])}, permissions: {{"
            f"{responses}publish: {{allow: {_quoted(party.publish)}}}, "
            f"subscribe: {{allow: {_quoted(party.subscribe)}}}}}}}"
        )
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def init(directory: Path, units: list[str]) -> Access:
    """Users and credentials for every party of the district; an existing setup is kept (rotate to renew)."""
    if (directory / STATE).exists():
        raise InvalidInput(f"{directory} 已有访问控制配置；更换某一方的口令请用 xinfang auth rotate", "dir")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    access = Access(directory)
    everyone = parties(units)
    for party in everyone:
        access.issue(party)
    access.save(everyone)
    return access


def rotate(directory: Path, units: list[str], name: str) -> Access:
    """A new password for one party; every other party's credentials stay as they are."""
    access = Access.load(directory)
    everyone = parties(units)
    party = next((p for p in everyone if p.name == name), None)
    if party is None:
        raise NotFound(f"没有名为 {name} 的访问方", "party")
    access.issue(party)
    access.save(everyone)
    return access


def credentials(path: Path) -> dict[str, Any]:
    """A party's credentials file, or a clear error naming what is wrong with it."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"凭证文件 {path} 不存在", "creds") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"凭证文件 {path} 无法读取: {exc}", "creds") from None
    if not {"user", "password", "inbox_prefix"} <= set(data):
        raise InvalidInput(f"凭证文件 {path} 缺少 user/password/inbox_prefix", "creds")
    return data
