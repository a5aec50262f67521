"""compose.yaml runs each component alone, from one image, against its own database (no Docker needed)."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
COMPONENTS = ("intake", "assignment", "mediation", "supervision", "projections")


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return doc["services"]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host source of each volume, short or long syntax."""
    mounts: dict[str, str] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts[volume["target"]] = volume["source"]
        else:
            source, target, *_ = volume.split(":")
            mounts[target] = source
    return mounts


def _host_file(source: str) -> Path:
    assert source.startswith((".", "/")), f"{source!r} is a named volume, not a file from the repo"
    return (COMPOSE.parent / source).resolve()


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else list(command)


def _component_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if _command(s)[:2] == ["xinfang", "serve"]}


def test_component_list_matches_settings() -> None:
    from services.runtime.settings import COMPONENTS as settings_components

    assert tuple(settings_components) == COMPONENTS


def test_exactly_the_five_components_each_serving_itself(services: dict[str, dict[str, Any]]) -> None:
    components = _component_services(services)
    assert set(components) == set(COMPONENTS)
    for name, service in components.items():
        assert _command(service) == ["xinfang", "serve", name]


def test_one_image_and_build_context(services: dict[str, dict[str, Any]]) -> None:
    components = _component_services(services)
    images = {service.get("image") for service in components.values()}
    builds = {repr(service.get("build")) for service in components.values()}
    assert len(images) == 1 and None not in images, images
    assert len(builds) == 1 and "None" not in builds, builds
    build = next(iter(components.values()))["build"]
    context = build["context"] if isinstance(build, dict) else build
    assert (COMPOSE.parent / context / "Dockerfile").is_file()


def test_each_component_has_its_own_database(services: dict[str, dict[str, Any]]) -> None:
    init_sql = _host_file(_mounts(services["postgres"])["/docker-entrypoint-initdb.d/postgres-init.sql"])
    created = set(re.findall(r"CREATE\s+DATABASE\s+(\w+)", init_sql.read_text(), flags=re.IGNORECASE))
    databases = set()
    for name in COMPONENTS:
        env = _environment(services[name])
        db_vars = {key for key in env if re.fullmatch(r"XF_[A-Z]+_DB", key)}
        assert db_vars == {f"XF_{name.upper()}_DB"}, (name, db_vars)
        url = make_url(env[f"XF_{name.upper()}_DB"])
        assert url.database == f"xinfang_{name}"
        assert url.host == "postgres"
        assert url.database in created, f"{url.database} is not created by {init_sql.name}"
        databases.add(url.database)
    assert len(databases) == len(COMPONENTS)


def test_components_wait_for_healthy_nats_and_postgres(services: dict[str, dict[str, Any]]) -> None:
    for name in COMPONENTS:
        depends_on = services[name].get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency in ("nats", "postgres"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)
            assert "healthcheck" in services[dependency]


def test_components_share_nats_and_cipher_key(services: dict[str, dict[str, Any]]) -> None:
    envs = [_environment(services[name]) for name in COMPONENTS]
    for key in ("XF_NATS_URL", "XF_CIPHER_KEY", "XF_STREAM_REPLICAS"):
        assert len({env.get(key) for env in envs}) == 1, key
        assert envs[0].get(key), key


def test_nats_config_fsyncs_before_ack(services: dict[str, dict[str, Any]]) -> None:
    nats = services["nats"]
    command = _command(nats)
    flag = next(i for i, arg in enumerate(command) if arg in ("-c", "--config"))
    config_path = command[flag + 1]
    config = _host_file(_mounts(nats)[config_path])
    settings = [line.split("#", 1)[0] for line in config.read_text().splitlines()]
    assert any(re.fullmatch(r"\s*sync_interval\s*:\s*always\s*", line) for line in settings)
    assert any(re.search(r"\bjs-enabled-only=true\b", part) for part in nats["healthcheck"]["test"])


def test_postgres_has_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    test = services["postgres"]["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
