"""Schemathesis against the running API (issue 5: "signed in as an ESP Manager and as a TL: no
server errors, and at least one 2xx response for every operation").

The scenario of tests/test_api.py runs behind pytest-django's live server; the schema is read
from `/api/v1/schema/` with the persona's token, and for each operation:

1. one request known to be valid (real path parameters, a valid body) — it must succeed;
2. cases generated from the schema with the path parameters of real objects in the persona's
   scope (`employee_id`, class `code`; `task` and report `name` come from the schema's enums),
   query parameters and bodies generated;
3. a few cases with every path parameter generated (mostly 404s);
4. a few cases whose query or body does not fit the schema (400s, never a 500).

Every response is checked for server errors and against the documented response schema and
content type; the status codes are recorded per operation and each operation must have at
least one 2xx. Kept out of the PostgreSQL pass of scripts/test (the `schemathesis` marker).
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from esp.reports.builders import REPORTS
from esp.roster.roles import ESP_MANAGER, TL
from tests.access.test_access_matrix import NOW
from tests.api.test_api import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the live server's thread and the ORM

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

GENERATED = 15  # cases per operation with real path parameters
FUZZED_PATHS = 4  # cases per operation with generated path parameters
NEGATIVE = 5  # cases per operation with a query or a body that does not fit the schema
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# The persona's objects: an agent and a class in their scope.
SCOPE = {
    ESP_MANAGER: {"employee_id": "E101", "code": "LIC-B"},
    TL: {"employee_id": "E001", "code": "AET-A"},
}

# Operations the write matrix refuses the persona (issue 12 item 3): a TL scores no calls. Their
# valid request is answered 403 with the reason, and they need no 2xx.
REFUSED = {ESP_MANAGER: set(), TL: {("POST", "/api/v1/agents/{employee_id}/calls/")}}

# One valid request per operation: (path parameters beyond the scope's, query, body).
VALID = {
    ("GET", "/api/v1/me/"): [({}, {}, None)],
    ("GET", "/api/v1/classes/"): [({}, {"page": 1, "page_size": 10}, None)],
    ("GET", "/api/v1/classes/{code}/"): [({}, {}, None)],
    ("GET", "/api/v1/agents/"): [({}, {}, None)],
    ("GET", "/api/v1/agents/{employee_id}/"): [({}, {}, None)],
    ("GET", "/api/v1/agents/{employee_id}/tasks/"): [({}, {"as_of": "2026-12-03"}, None)],
    ("POST", "/api/v1/agents/{employee_id}/tasks/{task}/"): [
        (
            {"task": "producer_world"},
            {},
            {"status": "in_progress", "note": "Schemathesis", "based_on": ""},
        )
    ],
    ("GET", "/api/v1/agents/{employee_id}/notes/"): [({}, {}, None)],
    ("POST", "/api/v1/agents/{employee_id}/notes/"): [({}, {}, {"note": "Schemathesis"})],
    ("GET", "/api/v1/agents/{employee_id}/calls/"): [({}, {}, None)],
    ("POST", "/api/v1/agents/{employee_id}/calls/"): [
        ({}, {}, {"call": 1, "score": 100, "based_on": ""})
    ],
    ("GET", "/api/v1/agents/{employee_id}/ladder-steps/"): [({}, {}, None)],
    ("POST", "/api/v1/agents/{employee_id}/ladder-steps/"): [
        ({}, {}, {"ladder": "licensing", "step": "coaching", "expectation": "Finish AHIP"})
    ],
    ("GET", "/api/v1/agents/{employee_id}/attendance/"): [({}, {}, None)],
    ("GET", "/api/v1/agents/{employee_id}/flags/"): [({}, {}, None)],
    ("POST", "/api/v1/agents/{employee_id}/flags/"): [
        ({}, {}, {"action": "raised", "flag": "other", "note": "Schemathesis", "based_on": ""})
    ],
    ("GET", "/api/v1/agents/{employee_id}/readiness/"): [({}, {}, None)],
    ("POST", "/api/v1/agents/{employee_id}/readiness/"): [
        ({}, {}, {"task": "readiness_day1", "status": "done", "based_on": ""})
    ],
    ("GET", "/api/v1/classes/{code}/readiness/"): [({}, {}, None)],
    ("POST", "/api/v1/classes/{code}/readiness/"): [
        ({}, {}, {"task": "readiness_day1", "based_on": {}})
    ],
    ("GET", "/api/v1/reports/{name}/"): [
        ({"name": name}, {"as_of": "2026-12-03"}, None) for name in REPORTS
    ],
}


@pytest.fixture
def api(live_server, program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=True):  # the live server's thread travels too
        yield live_server.url, build_world(esp, write)


@pytest.mark.parametrize("role", [ESP_MANAGER, TL])
def test_every_operation_answers_without_server_errors_and_succeeds_at_least_once(api, role):
    base_url, world = api
    auth = {"Authorization": f"Token {world.tokens[role]}"}
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/schema/?format=json", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} == set(VALID)

    statuses: dict[str, list[int]] = defaultdict(list)
    failures: list[str] = []

    def check(case) -> None:
        response = case.call(base_url=base_url, headers=auth)
        statuses[f"{case.method} {case.operation.path}"].append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=auth)
        except FailureGroup as exc:
            failures.append(str(exc))

    def run(strategy, examples: int) -> None:
        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def cases(case):
            check(case)

        cases()

    for operation in operations:
        key = (operation.method.upper(), operation.path)
        mine = {
            name: value for name, value in SCOPE[role].items() if f"{{{name}}}" in operation.path
        }
        for path_parameters, query, body in VALID[key]:
            case = operation.Case(
                path_parameters={**mine, **path_parameters},
                query=query,
                **({"body": body, "media_type": "application/json"} if body else {}),
            )
            check(case)
            label = f"{key[0]} {operation.path}"
            if key in REFUSED[role]:
                assert statuses[label][-1] == 403, (role, label, statuses[label][-1])
            else:
                assert 200 <= statuses[label][-1] < 300, (role, label, statuses[label][-1])
        run(operation.as_strategy(path_parameters=mine), GENERATED)
        if mine:
            run(operation.as_strategy(), FUZZED_PATHS)
        if operation.body or operation.query:
            run(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=mine), NEGATIVE)

    assert failures == []
    refused = {f"{method} {path}" for method, path in REFUSED[role]}
    no_success = sorted(
        label
        for label, codes in statuses.items()
        if label not in refused and not any(200 <= c < 300 for c in codes)
    )
    assert no_success == [], dict(statuses)
    assert len(statuses) == len(VALID)
