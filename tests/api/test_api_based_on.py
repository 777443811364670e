"""The API refuses blind overwrites (issue 12 item 7; SPEC §17 "no lost work", R-P1, R-C4,
R-N4b).

Every API write of a status-like value — a task's status, a call's score (a re-score replaces
it), a red flag's state — names the version the client read in `based_on`: without it (or with
null) the answer is 428 with the current value and nothing is saved; with an older one it is a
409 with the current value; "" means "it had none". The schema says so. Concurrent writers
that read the same version: exactly one is saved (threads on PostgreSQL, one after the other
on SQLite).

The scenario is tests/test_api.py's (Monday 11/30/2026, class AET-A with tl.one and E001).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from esp.progress.models import Fact
from esp.roster.roles import ESP_MANAGER, TL
from tests.access.test_access_matrix import NOW
from tests.api.test_api import API, as_role, build_world


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(program, write, esp):
    return build_world(esp, write)


@dataclass(frozen=True)
class Write:
    """A status-like API write: where it goes, its body, and how to read its `based_on`."""

    name: str
    url: str
    body: dict
    read: str  # the list to read
    kind: str
    item: str | None = None  # the fact's item that identifies the value (task, call)
    value: str | None = None  # or its value (the flag)
    role: str = TL  # who may make the write (esp.access.writes)

    def based_on(self, client) -> str:
        """The `based_on` a client reads before writing ("" when there is none)."""
        rows = client.get(self.read).json()
        if self.kind == "task":
            return next(c["based_on"] for c in rows if c["task"] == self.item)
        key, wanted = ("item", self.item) if self.item is not None else ("value", self.value)
        ids = [row["id"] for row in rows if row[key] == wanted]
        return str(ids[-1]) if ids else ""

    def current(self) -> Fact | None:
        facts = Fact.objects.filter(kind=self.kind)
        if self.item is not None:
            facts = facts.filter(item=self.item)
        if self.value is not None:
            facts = facts.filter(value=self.value)
        return facts.order_by("-date", "-pk").first()


WRITES = [
    Write(
        "task status",
        f"{API}/agents/E001/tasks/producer_world/",
        {"status": "in_progress", "note": "Started"},
        f"{API}/agents/E001/tasks/",
        "task",
        item="producer_world",
    ),
    Write(
        "call score",
        f"{API}/agents/E001/calls/",
        {"call": 2, "score": 84, "notes": "Missed the recap"},
        f"{API}/agents/E001/calls/",
        "call",
        item="2",
        role=ESP_MANAGER,  # a TL may not score calls (issue 12 item 3)
    ),
    Write(
        "red flag",
        f"{API}/agents/E001/flags/",
        {"action": "raised", "flag": "needs_release", "note": "HR hold"},
        f"{API}/agents/E001/flags/",
        "flag",
        value="needs_release",
    ),
]
IDS = [w.name for w in WRITES]


def post(client, case: Write, **extra):
    return client.post(case.url, {**case.body, **extra}, format="json")


@pytest.mark.parametrize("case", WRITES, ids=IDS)
def test_it_refuses_a_status_like_write_without_based_on_with_428_and_the_current_value(
    world, case
):
    """Issue 12 item 7: `based_on` missing or null → 428 with the current value (null when
    there is none yet), nothing saved; the read's `based_on` then goes through."""
    client = as_role(world, case.role)
    facts = Fact.objects.count()
    for extra in ({}, {"based_on": None}):
        refused = post(client, case, **extra)
        assert refused.status_code == 428, refused.content
        body = refused.json()
        assert "based_on is required" in body["detail"] and "Nothing was saved" in body["detail"]
        assert body["current"] is None
    assert Fact.objects.count() == facts

    assert post(client, case, based_on=case.based_on(client)).status_code in (200, 201)
    saved = case.current()
    refused = post(client, case)
    assert refused.status_code == 428
    assert refused.json()["current"]["id"] == saved.pk
    assert Fact.objects.count() == facts + 1


@pytest.mark.parametrize("case", WRITES, ids=IDS)
def test_it_refuses_a_stale_status_like_write_with_409_and_the_current_value(world, case):
    """Issue 12 item 7, §17: a `based_on` older than the latest (or "" when there is one now)
    → 409 naming the current value, nothing saved; the current `based_on` is accepted."""
    client = as_role(world, case.role)
    seen = case.based_on(client)
    assert seen == ""
    assert post(client, case, based_on=seen).status_code in (200, 201)
    saved = case.current()
    facts = Fact.objects.count()
    for stale in (seen, str(saved.pk - 1), "not-an-id"):
        refused = post(client, case, based_on=stale)
        assert refused.status_code == 409, (stale, refused.content)
        body = refused.json()
        assert body["current"]["id"] == saved.pk and "Nothing was saved" in body["detail"]
    assert Fact.objects.count() == facts
    fresh = case.based_on(client)
    assert fresh == str(saved.pk)
    assert post(client, case, based_on=fresh).status_code in (200, 201)
    assert Fact.objects.count() == facts + 1


def test_it_names_a_flags_state_in_its_conflict(world):
    """The 409 of a red flag says whether it was raised or resolved meanwhile, and by whom."""
    client = as_role(world, TL)
    flag = WRITES[2]
    raised = post(client, flag, based_on="").json()
    post(client, flag, action="resolved", based_on=str(raised["id"]))
    refused = post(client, flag, action="resolved", based_on=str(raised["id"]))
    assert refused.status_code == 409
    assert (
        "needs release red flag was changed to 'resolved' by Tl One on 11/30/2026"
        in (refused.json()["detail"])
    )


def test_it_documents_based_on_as_required_with_409_and_428_in_the_schema(world):
    """Issue 12 item 7: the OpenAPI schema lists `based_on` as required on each status-like
    write and documents both answers."""
    schema = json.loads(as_role(world, TL).get(f"{API}/schema/", {"format": "json"}).content)
    paths = {
        "TaskStatusWrite": f"{API}/agents/{{employee_id}}/tasks/{{task}}/",
        "Call": f"{API}/agents/{{employee_id}}/calls/",
        "Flag": f"{API}/agents/{{employee_id}}/flags/",
    }
    for component, path in paths.items():
        request = schema["components"]["schemas"][component]
        assert "based_on" in request["required"], component
        assert request["properties"]["based_on"]["description"].startswith("required")
        responses = schema["paths"][path]["post"]["responses"]
        assert {"409", "428"} <= set(responses), path
        assert "based_on" in responses["428"]["description"]
    assert "get" in schema["paths"][paths["Flag"]]  # where a flag's `based_on` is read


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", WRITES, ids=IDS)
def test_it_saves_one_of_many_concurrent_writes_based_on_the_same_version(
    program, write, esp, case
):
    """Issue 12 item 7: 20 clients read the same version and write at once; one is saved, the
    others get 409 with the value it saved (threads on PostgreSQL; on SQLite, which has one
    writer at a time, the same stale writes one after the other)."""
    world = build_world(esp, write)
    seen = case.based_on(as_role(world, case.role))
    facts = Fact.objects.count()
    answers: list[int] = []

    def writer(index: int):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[case.role]}")
        try:
            answers.append(post(client, case, based_on=seen).status_code)
        finally:
            if connection.vendor == "postgresql":
                connection.close()

    writers = range(20)
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(writers))

        def at_once(index):
            barrier.wait()
            writer(index)

        threads = [threading.Thread(target=at_once, args=(i,)) for i in writers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for index in writers:
            writer(index)
    assert sorted(answers) == sorted([200 if case.kind == "task" else 201] + [409] * 19)
    assert Fact.objects.count() == facts + 1
