"""compose.yaml (a three-node NATS cluster) and compose.single.yaml (one node) run each component alone, from one
image, against its own database; every NATS node's configuration is valid for nats-server (no Docker needed)."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from services.runtime import access
from services.runtime.bus import server_list
from services.runtime.nats_server import nats_server_binary

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
NODES = {"compose.yaml": 3, "compose.single.yaml": 1}  # NATS servers in each file
COMPONENTS = ("intake", "assignment", "mediation", "supervision", "projections")
ROUTE_PASSWORD = "route-0123456789abcdef"  # what the operator exports as XF_NATS_ROUTE_PASSWORD


def _load(name: str) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["services"]
    return services


@pytest.fixture(scope="module", params=sorted(NODES))
def services(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Each compose file in turn: what holds for the cluster holds for the single node too."""
    return _load(request.param)


@pytest.fixture(scope="module")
def cluster() -> dict[str, dict[str, Any]]:
    return _load("compose.yaml")


def _nats_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if str(s.get("image", "")).startswith("nats:")}


def _interpolated(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${VAR}`` and ``${VAR:?message}``, from the given variables."""
    return re.sub(r"\$\{(\w+)(?::?[?-][^}]*)?\}", lambda m: variables[m.group(1)], value)


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


def test_exactly_the_five_components_and_the_api_each_serving_itself(services: dict[str, dict[str, Any]]) -> None:
    components = _component_services(services)
    assert set(components) == {*COMPONENTS, "api"}
    for name, service in components.items():
        assert _command(service) == ["xinfang", "serve", name]


def test_the_api_listens_on_8080_with_a_healthcheck_once_nats_and_postgres_are_healthy(
    services: dict[str, dict[str, Any]],
) -> None:
    api = services["api"]
    env = _environment(api)
    assert env["XF_API_HOST"] == "0.0.0.0" and env["XF_API_PORT"] == "8080"
    assert "8080:8080" in [str(p) for p in api["ports"]]
    test = api["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"] and "http://127.0.0.1:8080/healthz" in test[3]
    compile(test[3], "healthcheck", "exec")  # the image has Python, not curl: the check must be valid Python
    depends_on = api["depends_on"]
    for dependency in (*_nats_services(services), "postgres"):
        assert depends_on[dependency]["condition"] == "service_healthy", dependency
    assert set(COMPONENTS) <= set(depends_on)


def test_the_api_reads_the_projections_and_acts_as_staff_and_units(services: dict[str, dict[str, Any]]) -> None:
    env = _environment(services["api"])
    projections = _environment(services["projections"])
    for key in ("XF_NATS_URL", "XF_CIPHER_KEY", "XF_STREAM_REPLICAS", "XF_PROJECTIONS_DB", "XF_DATA_DIR"):
        assert env[key] == projections[key], key
    mounts = _mounts(services["api"])
    assert mounts[f"{env['XF_DATA_DIR']}/access/creds"] == "./deploy/district/access/creds"
    assert mounts[f"{env['XF_DATA_DIR']}/users.json"] == "./deploy/district/users.json"


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
        for dependency in (*_nats_services(services), "postgres"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)
            assert "healthcheck" in services[dependency]


def test_components_share_nats_and_cipher_key(services: dict[str, dict[str, Any]]) -> None:
    envs = [_environment(services[name]) for name in COMPONENTS]
    for key in ("XF_NATS_URL", "XF_CIPHER_KEY", "XF_STREAM_REPLICAS"):
        assert len({env.get(key) for env in envs}) == 1, key
        assert envs[0].get(key), key


def _config_path(nats: dict[str, Any]) -> str:
    command = _command(nats)
    flag = next(i for i, arg in enumerate(command) if arg in ("-c", "--config"))
    return str(command[flag + 1])


def _config_lines(nats: dict[str, Any]) -> list[str]:
    config = _host_file(_mounts(nats)[_config_path(nats)])
    return [line.split("#", 1)[0] for line in config.read_text().splitlines()]


def test_nats_config_fsyncs_before_ack(services: dict[str, dict[str, Any]]) -> None:
    for nats in _nats_services(services).values():
        settings = _config_lines(nats)
        assert any(re.fullmatch(r"\s*sync_interval\s*:\s*always\s*", line) for line in settings)
        assert any(re.search(r"\bjs-enabled-only=true\b", part) for part in nats["healthcheck"]["test"])
        # the district's users on every node: the include resolves to the mounted authorization
        (include,) = [m.group(1) for line in settings if (m := re.search(r'include\s+"([^"]+)"', line))]
        target = str(Path(_config_path(nats)).parent / include)
        assert _mounts(nats)[target].endswith(f"access/{access.AUTHORIZATION}")


def test_nats_servers_and_stream_replicas_agree(services: dict[str, dict[str, Any]]) -> None:
    """Three nodes and three replicas, or one and one; every component is given every node's URL."""
    nodes = _nats_services(services)
    assert len(nodes) in NODES.values()
    urls = [f"nats://{name}:4222" for name in sorted(nodes)]
    for name in COMPONENTS:
        env = _environment(services[name])
        assert server_list(env["XF_NATS_URL"]) == urls, name
        assert env["XF_STREAM_REPLICAS"] == str(len(nodes)), name
    stores = [_mounts(node).get("/data/jetstream") for node in nodes.values()]
    assert None not in stores and len(set(stores)) == len(stores), "each node needs its own JetStream volume"


def test_the_cluster_is_three_named_nodes_routed_to_each_other(cluster: dict[str, dict[str, Any]]) -> None:
    nodes = _nats_services(cluster)
    assert sorted(nodes) == ["nats-1", "nats-2", "nats-3"]
    names = {_environment(node)["NATS_SERVER_NAME"] for node in nodes.values()}
    assert names == set(nodes), "each node's server_name is its own"
    for name, node in nodes.items():
        env = {k: _interpolated(v, {"XF_NATS_ROUTE_PASSWORD": ROUTE_PASSWORD}) for k, v in _environment(node).items()}
        lines = _config_lines(node)
        text = "\n".join(lines)
        assert re.search(r"server_name\s*:\s*\$NATS_SERVER_NAME", text), name
        assert re.search(r"cluster\s*\{[^}]*listen\s*:\s*0\.0\.0\.0:6222", text), name
        assert re.search(r"user\s*:\s*route\s+password\s*:\s*\$NATS_ROUTE_PASSWORD", text), name
        routes = [v for k, v in sorted(env.items()) if re.fullmatch(r"NATS_ROUTE_\d+", k)]
        assert all(f"${k}" in text for k in env if re.fullmatch(r"NATS_ROUTE_\d+", k)), name
        assert routes == [f"nats-route://route:{ROUTE_PASSWORD}@{n}:6222" for n in sorted(nodes)], name
        assert env["NATS_ROUTE_PASSWORD"] == ROUTE_PASSWORD


@pytest.fixture(scope="module")
def authorization(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The authorization `xinfang auth init` generates (what compose mounts from deploy/district/access/)."""
    from services.runtime.organisation import organisation

    directory = tmp_path_factory.mktemp("district") / "access"
    access.init(directory, sorted(organisation(None).units))
    return directory / access.AUTHORIZATION


def test_every_nats_config_is_valid_for_nats_server(
    services: dict[str, dict[str, Any]], authorization: Path, tmp_path: Path
) -> None:
    """``nats-server -t`` on each node's configuration, laid out as the container sees it: its mounted files at their
    paths (the authorization included), its environment as compose interpolates it."""
    for name, node in _nats_services(services).items():
        root = tmp_path / name
        for target, source in _mounts(node).items():
            if not source.startswith((".", "/")):
                continue  # a named volume (the JetStream store)
            placed = root / target.lstrip("/")
            placed.parent.mkdir(parents=True, exist_ok=True)
            host = _host_file(source)
            shutil.copy(authorization if host.name == access.AUTHORIZATION else host, placed)
        env = {k: _interpolated(v, {"XF_NATS_ROUTE_PASSWORD": ROUTE_PASSWORD}) for k, v in _environment(node).items()}
        config = root / _config_path(node).lstrip("/")
        tested = subprocess.run(
            [nats_server_binary(), "-t", "-c", str(config)], capture_output=True, text=True, env=env, timeout=30
        )
        assert tested.returncode == 0, f"{name}: {tested.stdout}{tested.stderr}"
        assert "is valid" in tested.stdout + tested.stderr, name


def test_postgres_has_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    test = services["postgres"]["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
