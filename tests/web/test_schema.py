"""schemathesis against ``/openapi.json`` of the API that `xinfang up` serves: every operation, as each role and as
nobody, a few generated examples each. No answer is a 5xx, every answer fits the documented schema (status, content
type, body), and no body holds a stack trace."""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.runtime.nats_server import free_port
from services.runtime.settings import Settings
from tests.e2e.test_xinfang_up import printed_address
from tests.support import counts
from tests.support.system import ProcessSystem
from tests.support.web import ACCOUNTS, PASSWORD, staff_accounts

pytestmark = pytest.mark.slow
MAX_EXAMPLES = 5  # per operation; each example is sent once as nobody and once as each role
STACK_TRACE_MARKS = ("Traceback (most recent call last)", 'File "/', "site-packages")


@schemathesis.check
def no_stack_trace(ctx: Any, response: Any, case: Any) -> bool | None:
    """No body, error or not, shows a stack trace or a source path."""
    text = bytes(response.content or b"").decode("utf-8", "replace")  # a download (xlsx) is bytes, not text
    for mark in STACK_TRACE_MARKS:
        if mark in text:
            raise AssertionError(f"a stack trace in the body of {case.method} {case.path}: {mark!r}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    operations: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int | None = None  # None: the run did not finish


@dataclass
class Served:
    url: str
    headers: dict[str, dict[str, str]]  # who → headers ("nobody": none)
    tally: Tally = field(default_factory=Tally)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("schema")
    data = root / "data"
    staff_accounts(Settings(data_dir=data))
    port = free_port()
    env = {
        "XF_DATA_DIR": str(data),
        "XF_NATS_PORT": str(free_port()),
        "XF_API_PORT": str(port),
        "XF_API_DEADLINE_S": "15",  # a loaded CI machine: a slow answer must not turn into a 503
        "XF_PUBLIC_RATE_PER_MINUTE": "100000",  # generated requests should reach the handlers, not the limiter
    }
    system = ProcessSystem(env, root / "up.log")
    system.up()
    try:
        system.wait_ready(5)
        url = printed_address(root / "up.log")
        assert url.endswith(f":{port}")
        headers: dict[str, dict[str, str]] = {"nobody": {}}
        with httpx.Client(base_url=url, timeout=30) as client:
            for who, account in ACCOUNTS.items():
                answer = client.post("/api/session", json={"username": account.username, "password": PASSWORD})
                answer.raise_for_status()
                headers[who] = {"Authorization": f"Bearer {answer.json()['token']}"}
        found = Served(url, headers)
        yield found
        tally = found.tally
        calls = sum(tally.statuses.values())
        by_status = ",".join(f"{status}={n}" for status, n in sorted(tally.statuses.items()))
        counts.report(
            f"schemathesis: operations={len(tally.operations)} roles={len(headers)} calls={calls} "
            f"failures={tally.failures} statuses=({by_status}) "
            f"seconds={time.monotonic() - tally.started:.0f}"
        )
    finally:
        system.stop()
        log = Path(root / "up.log").read_text(errors="replace")
        assert not re.search(r"^\s*api \| Traceback", log, re.MULTILINE), log[-4000:]  # nothing unexpected logged


def api_schema(url: str) -> Any:
    config = SchemathesisConfig()
    project = config.projects.default
    project.update(base_url=url, request_timeout=30)
    return schemathesis.openapi.from_url(f"{url}/openapi.json", config=config)


def cases(operation: Any) -> Any:
    """Valid and invalid requests of one operation (an operation with nothing to make invalid gets valid ones)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def first_line(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    found = inner[0] if inner else exc
    text = str(found).strip()
    received = re.search(r"Received: \d+", str(exc))  # the status, so a finding in CI's log needs no rerun to read
    said = f" ({received.group()})" if received else ""
    return f"{type(found).__name__}: {text.splitlines()[0] if text else ''}{said}"[:300]


def exercise(operation: Any, served: Served, failures: list[str]) -> None:
    """A few generated requests of one operation, each sent as nobody and as every role."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation))
    def send(case: Any) -> None:
        for who, headers in served.headers.items():
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS, additional_checks=[no_stack_trace])
            except (Exception, FailureGroup) as exc:  # a failed check, or no answer at all: both are findings
                failures.append(f"{operation.label} as {who}: {first_line(exc)}")
                continue
            served.tally.statuses[response.status_code] += 1

    send()


@pytest.mark.timeout(1500)
def test_every_operation_as_each_role_and_as_nobody(served: Served) -> None:
    """schemathesis's pytest plugin (``from_fixture``) does not run under pytest 9.2 (it sets ``node._nodeid``): the
    operations are walked here instead, each with hypothesis, and every failure is collected before the verdict."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema(served.url).get_all_operations()]
    assert len(operations) > 50, "the whole API, not a part of it"
    for operation in operations:
        served.tally.operations.add(operation.label)
        exercise(operation, served, failures)
    served.tally.failures = len(failures)
    unique = sorted(set(failures))
    assert not failures, f"{len(failures)} failing calls ({len(unique)} distinct):\n" + "\n".join(unique[:80])
