"""`xinfang users`: the operator manages staff accounts (工作人员账号) for the API and the web console."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from services.runtime.errors import InvalidInput, XinfangError
from xinfang.console import DataDir, JsonOpt, app, fail, out, settings_from
from xinfang.web.users import ROLE_LABELS, Role, UserFile, new_user

users_app = typer.Typer(help="工作人员账号: staff accounts of the web console and the HTTP API.", no_args_is_help=True)
app.add_typer(users_app, name="users")
ROLES = " | ".join(f"{r.value} ({ROLE_LABELS[r]})" for r in Role)
Password = Annotated[
    str, typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True, help="password (prompted if omitted)")
]


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="用户名: lower-case letters, digits, . _ -")],
    name: Annotated[str, typer.Option(help="姓名: recorded as the 经办人 of every act")],
    role: Annotated[str, typer.Option(help=ROLES)],
    password: Password,
    unit: Annotated[str, typer.Option(help="单位编码 of a department user")] = "",
    leader: Annotated[str, typer.Option(help="领导编号 of a 包案领导 (e.g. L01)")] = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """添加账号: a staff account with its role (and unit or leader id)."""
    settings = settings_from(data_dir)
    try:
        if unit and unit not in _units(settings):
            raise InvalidInput(f"组织目录中没有单位 {unit}", "unit")
        UserFile(settings.users_path).add(new_user(username, name, role, password, unit, leader))
    except XinfangError as error:
        fail(error, as_json)
    if as_json:
        print(json.dumps({"ok": True, "result": {"username": username, "role": role}}, ensure_ascii=False))
    else:
        out.print(f"[green]✓ 已添加账号[/] {username} ({name}, {ROLE_LABELS[Role(role)]}) → {settings.users_path}")


@users_app.command("remove")
def remove(username: str, as_json: JsonOpt = False, data_dir: DataDir = None) -> None:
    """删除账号: every session of the account ends at once."""
    settings = settings_from(data_dir)
    try:
        UserFile(settings.users_path).remove(username)
    except XinfangError as error:
        fail(error, as_json)
    out.print(f"[green]✓ 已删除账号[/] {username}")


@users_app.command("password")
def password(username: str, new_password: Password, as_json: JsonOpt = False, data_dir: DataDir = None) -> None:
    """重置密码: every session of the account ends at once."""
    settings = settings_from(data_dir)
    try:
        UserFile(settings.users_path).set_password(username, new_password)
    except XinfangError as error:
        fail(error, as_json)
    out.print(f"[green]✓ 已重置密码[/] {username}")


@users_app.command("list")
def list_users(as_json: JsonOpt = False, data_dir: DataDir = None) -> None:
    """账号列表 (without their password hashes)."""
    users = UserFile(settings_from(data_dir).users_path).users().values()
    rows = [
        {"username": u.username, "name": u.name, "role": u.role.value, "unit": u.unit, "leader": u.leader}
        for u in users
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"工作人员账号 ({len(rows)})")
    for column in ("用户名", "姓名", "角色", "单位", "领导编号"):
        table.add_column(column)
    for u in users:
        table.add_row(u.username, u.name, u.role_label, u.unit, u.leader)
    out.print(table)


def _units(settings: object) -> set[str]:
    from services.runtime.organisation import organisation

    return set(organisation(getattr(settings, "org_file", None)).units)
