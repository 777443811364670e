"""The REST API v1 (issue 5 item 3; SPEC §1, §15, §17, R-P1, R-N1, R-C3, R-L3a, R-L5, R-N4b)
through the Django test client and DRF's APIClient.

The scenario of tests/test_access_matrix.py, as of Monday 11/30/2026 noon (America/Chicago):
class AET-A (ESP phase since 11/25) has tl.one and agents E001, E002; class LIC-B (licensing
since 11/30) has tl.two and agent E101; the agent account is E001's (ann@). Each person has a
DRF token. E101 and E001 each have one attendance occurrence (E101's with a note).

Every endpoint answers only inside the caller's scope (another agent: 404), anonymous callers
get a 401 in JSON and nothing else, and writes go through the services the forms use.
"""

from __future__ import annotations

import json
import re
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import resolve
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from esp.access.matrix import ACCESS
from esp.api.serializers import REPORT_SHAPES
from esp.mailing.models import OutboxMessage, Schedule
from esp.mailing.services.lists import list_set
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.progress import services
from esp.progress.models import Fact
from esp.progress.pages import board
from esp.reports.builders import REPORTS
from esp.roster.models import Agent
from esp.roster.roles import AGENT, ESP_MANAGER, PM, TL, WFM
from esp.roster.services.staff import create_esp_manager
from tests.access.test_access_matrix import CLASSES, NOW, ROSTER
from tests.web_support import staff

TODAY = NOW.date()  # Monday 11/30/2026
API = "/api/v1"
EMAILS = {
    ESP_MANAGER: "esp.manager@cxp.example",
    TL: "tl.one@cxp.example",
    PM: "pm.one@cxp.example",
    WFM: "wfm@cxp.example",
    AGENT: "ann@cxp.example",
}


def build_world(esp, write) -> SimpleNamespace:
    """The scenario (see the module's docstring); shared with tests/test_api_schemathesis.py."""
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    users = {ESP_MANAGER: create_esp_manager(EMAILS[ESP_MANAGER], "pw-Long-enough-1")}
    for role in (TL, PM, WFM, AGENT):
        users[role] = staff(EMAILS[role], role)
    agents = {a.employee_id: a for a in Agent.objects.select_related("training_class__program")}
    Agent.objects.filter(pk=agents["E001"].pk).update(user=users[AGENT])
    for employee_id, minutes, note in (("E101", "15", "Joined late: internet"), ("E001", "", "")):
        services.fact_record(
            agent=agents[employee_id],
            day=date(2026, 11, 27),
            kind="attendance",
            item="tardy" if minutes else "absent",
            value=minutes,
            by="wfm@cxp.example",
            note=note,
            source="import",
        )
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    return SimpleNamespace(users=users, tokens=tokens, agents=agents)


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(program, write, esp):
    return build_world(esp, write)


def as_role(world, role: str) -> APIClient:
    """An API client authenticated by the role's token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


def facts() -> int:
    return Fact.objects.count()


# Every operation of the API: (method, path, body) on agent E001 / class AET-A.
AGENT_READS = ["", "tasks/", "notes/", "calls/", "ladder-steps/", "attendance/"]
WRITES = {
    "tasks/producer_world/": {"status": "in_progress", "note": "From the API test", "based_on": ""},
    "notes/": {"note": "From the API test"},
    "calls/": {"call": 2, "score": 90, "based_on": ""},
    "ladder-steps/": {"ladder": "licensing", "step": "coaching", "expectation": "Finish AHIP"},
    "flags/": {"action": "raised", "flag": "other", "note": "From the API test", "based_on": ""},
    "readiness/": {"task": "readiness_day1", "based_on": ""},  # R-C1 (issue 15 item 1)
}
EDITOR_READS = ["flags/", "readiness/"]  # the flags and readiness, for their `based_on`


def operations(employee_id: str = "E001", code: str = "AET-A"):
    for name in ("me/", "classes/", f"classes/{code}/", "agents/", f"classes/{code}/readiness/"):
        yield "GET", f"{API}/{name}", None
    yield "POST", f"{API}/classes/{code}/readiness/", {"task": "readiness_day1", "based_on": {}}
    for tail in AGENT_READS + EDITOR_READS:
        yield "GET", f"{API}/agents/{employee_id}/{tail}", None
    for name in REPORTS:
        yield "GET", f"{API}/reports/{name}/", None
    for tail, body in WRITES.items():
        yield "POST", f"{API}/agents/{employee_id}/{tail}", body


def send(client, method: str, url: str, body):
    if method == "GET":
        return client.get(url)
    return client.post(url, body, format="json")


def test_it_covers_every_api_route_of_the_matrix_and_every_method():
    """`operations()` reaches each `api:*` route of the access matrix with each of its
    methods (the schema and the docs page have their own tests below)."""
    reached = {(method, resolve(url).view_name) for method, url, _ in operations()}
    declared = {
        (method, name)
        for name, rule in ACCESS.items()
        if name.startswith("api:") and name not in ("api:schema", "api:docs")
        for method in rule.methods
    }
    assert reached == declared


# -- authentication --------------------------------------------------------------------------------


def test_it_accepts_a_session_and_a_token(world):
    """Session (the pages' sign-in) and token (rest_framework.authtoken) both authenticate."""
    session = Client()
    session.force_login(world.users[TL])
    by_session = session.get(f"{API}/me/")
    assert by_session.status_code == 200
    assert by_session["Content-Type"] == "application/json"
    assert by_session.json() == {"email": EMAILS[TL], "roles": [TL]}

    by_token = as_role(world, TL).get(f"{API}/me/")
    assert by_token.status_code == 200 and by_token.json() == by_session.json()

    agents = as_role(world, TL).get(f"{API}/agents/").json()
    assert [a["employee_id"] for a in agents["results"]] == ["E001", "E002"]


def test_it_answers_anonymous_callers_401_in_json_with_no_data(world):
    """§17: no credentials (or a wrong token) → 401 JSON `{"detail": ...}`; nothing changes."""
    before = facts()
    problems = []
    for client in (APIClient(), Client()):
        for method, url, body in operations():
            response = (
                client.get(url)
                if method == "GET"
                else client.post(url, json.dumps(body), content_type="application/json")
            )
            if (
                response.status_code != 401
                or response["Content-Type"] != "application/json"
                or set(response.json()) != {"detail"}
                or response["WWW-Authenticate"] != "Token"
            ):
                problems.append(f"{method} {url} → {response.status_code} {response.content[:80]}")
    assert problems == []
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = wrong.get(f"{API}/agents/E001/")
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}
    assert facts() == before


def test_it_checks_csrf_on_session_writes_and_not_on_token_writes(world):
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(world.users[TL])
    before = facts()
    refused = session.post(f"{API}/agents/E001/notes/", {"note": "No token"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert facts() == before

    token = APIClient(enforce_csrf_checks=True)
    token.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[TL]}")
    accepted = token.post(f"{API}/agents/E001/notes/", {"note": "With a token"}, format="json")
    assert accepted.status_code == 201 and facts() == before + 1


# -- scope: each role sees only its own ---------------------------------------------------------


def ids(response) -> list[str]:
    data = response.json()
    return [a["employee_id"] for a in data.get("results", data)]


def test_it_shows_a_tl_their_class_and_its_agents_only(world):
    client = as_role(world, TL)
    classes = client.get(f"{API}/classes/").json()
    assert classes["count"] == 1 and [c["code"] for c in classes["results"]] == ["AET-A"]
    assert classes["results"][0]["tl_emails"] == [EMAILS[TL]]
    assert ids(client.get(f"{API}/agents/")) == ["E001", "E002"]
    assert ids(client.get(f"{API}/agents/", {"class": "LIC-B"})) == []
    assert client.get(f"{API}/agents/E002/").json()["class_code"] == "AET-A"

    before = facts()
    for method, url, body in operations("E101", "LIC-B"):
        if "/agents/E101/" in url or "/classes/LIC-B/" in url:
            response = send(client, method, url, body)
            assert response.status_code == 404, (method, url, response.status_code)
            assert set(response.json()) == {"detail"}
    assert facts() == before
    assert client.get(f"{API}/reports/incompletions/", {"class": "LIC-B"}).status_code == 404


def test_it_shows_an_agent_themselves_only_and_lets_them_change_nothing(world):
    client = as_role(world, AGENT)
    assert ids(client.get(f"{API}/agents/")) == ["E001"]
    for tail in AGENT_READS:
        assert client.get(f"{API}/agents/E001/{tail}").status_code == 200, tail
        assert client.get(f"{API}/agents/E002/{tail}").status_code == 404, tail
    assert client.get(f"{API}/classes/").status_code == 404  # no class pages for agents
    assert client.get(f"{API}/classes/AET-A/").status_code == 404
    before = facts()
    for tail, body in WRITES.items():  # refused by the write matrix (issue 12 item 3)
        refused = client.post(f"{API}/agents/E001/{tail}", body, format="json")
        assert refused.status_code in (403, 404), tail  # 404: a route no agent may use
    assert facts() == before
    report = client.get(f"{API}/reports/actions/").json()
    assert {a["employee_id"] for a in report["actions"]} == {"E001"}


def test_it_lets_wfm_read_every_agents_attendance_but_no_agent(world):
    """SPEC §1: WFM sees attendance, read only — of any agent — and no agent page."""
    client = as_role(world, WFM)
    for employee_id, kind in (("E101", "tardy"), ("E001", "absent")):
        response = client.get(f"{API}/agents/{employee_id}/attendance/")
        assert response.status_code == 200
        [occurrence] = response.json()
        assert occurrence["kind"] == "attendance" and occurrence["item"] == kind
        assert occurrence["date"] == "2026-11-27"
    assert client.get(f"{API}/agents/NOPE/attendance/").status_code == 404
    for tail in ["", "tasks/", "notes/", "calls/", "ladder-steps/"]:
        assert client.get(f"{API}/agents/E101/{tail}").status_code == 404, tail
    assert client.get(f"{API}/agents/").status_code == 404
    assert client.get(f"{API}/classes/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    before = facts()
    for tail, body in WRITES.items():
        assert client.post(f"{API}/agents/E101/{tail}", body, format="json").status_code == 404
    assert facts() == before


def test_it_shows_the_esp_manager_everything(world):
    client = as_role(world, ESP_MANAGER)
    assert ids(client.get(f"{API}/agents/")) == ["E001", "E002", "E101"]
    assert ids(client.get(f"{API}/agents/", {"class": "LIC-B"})) == ["E101"]
    classes = client.get(f"{API}/classes/").json()["results"]
    assert [c["code"] for c in classes] == ["AET-A", "LIC-B"]
    assert classes[1]["phase_starts"]["licensing"] == "2026-11-30"
    page = client.get(f"{API}/agents/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and ids_of(page) == ["E101"] and page["next"] is None
    [note] = client.get(f"{API}/agents/E101/notes/").json()
    assert note["line"] == "11/27/2026 - wfm@cxp.example - Joined late: internet"
    for method, url, _ in operations():
        if method == "GET":
            assert client.get(url).status_code == 200, url


def ids_of(page: dict) -> list[str]:
    return [a["employee_id"] for a in page["results"]]


@pytest.mark.parametrize("employee_id", ["NOPE", "E001\x00", "%00"])
def test_it_answers_404_for_an_unknown_or_odd_agent_id(world, employee_id):
    """A NUL character in an id is a 404, not a server error (PostgreSQL refuses NUL)."""
    client = as_role(world, ESP_MANAGER)
    for tail in AGENT_READS:
        response = client.get(f"{API}/agents/{employee_id}/{tail}")
        assert response.status_code == 404, tail
    assert client.get(f"{API}/classes/AET\x00/").status_code == 404
    assert client.get(f"{API}/agents/", {"class": "AET\x00"}).status_code == 404
    assert client.get(f"{API}/reports/actions/", {"class": "\x00"}).status_code == 404


# -- writes go through the services ---------------------------------------------------------------


def cell(client, employee_id: str, task: str) -> dict:
    cells = client.get(f"{API}/agents/{employee_id}/tasks/").json()
    return next(c for c in cells if c["task"] == task)


def test_it_records_a_task_status_and_the_board_and_report_show_it(world):
    """R-P1 through `services.task_status_set`: the fact, then the board and the report."""
    client = as_role(world, TL)
    shown = cell(client, "E001", "producer_world")
    assert shown["status"] == "not_started" and shown["late"] and shown["based_on"] == ""

    response = client.post(
        f"{API}/agents/E001/tasks/producer_world/",
        {"status": "done", "note": "Registered", "based_on": shown["based_on"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    fact = Fact.objects.get(kind="task", item="producer_world")
    assert (fact.agent.employee_id, fact.value, fact.note, fact.date) == (
        "E001",
        "done",
        "Registered",
        TODAY,
    )
    assert (fact.source, fact.by, fact.recorded_by) == ("api", "Tl One", world.users[TL])
    assert response.json() == cell(client, "E001", "producer_world")
    assert response.json()["status"] == "done" and response.json()["based_on"] == str(fact.pk)

    row = next(r for r in board(fact.agent.training_class, TODAY).rows if r.employee_id == "E001")
    assert next(c for c in row.cells if c.task == "producer_world").status == "done"
    report = client.get(f"{API}/reports/incompletions/").json()
    producer_world = next(s for s in report["sections"] if s["key"] == "producer_world")
    assert [a["employee_id"] for a in producer_world["agents"]] == ["E002"]


def test_it_refuses_a_change_based_on_an_older_status_with_409_and_saves_nothing(world):
    """§17 no lost work: `based_on` older than the latest → 409 naming the current value (on
    a task the TL sets: AHIP is Licensing's, issue 12 follow-up item 1)."""
    client, url = as_role(world, TL), f"{API}/agents/E001/tasks/producer_world/"
    first = client.post(url, {"status": "in_progress", "based_on": ""}, format="json")
    assert first.status_code == 200
    current = Fact.objects.get(kind="task", item="producer_world")
    before = facts()

    stale = client.post(url, {"status": "failed", "based_on": ""}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert "'in_progress'" in body["detail"] and "Nothing was saved" in body["detail"]
    assert body["current"]["id"] == current.pk and body["current"]["value"] == "in_progress"
    older = client.post(url, {"status": "failed", "based_on": str(current.pk - 1)}, format="json")
    assert older.status_code == 409
    assert facts() == before and cell(client, "E001", "producer_world")["status"] == "in_progress"

    fresh = client.post(url, {"status": "failed", "based_on": str(current.pk)}, format="json")
    assert fresh.status_code == 200 and fresh.json()["status"] == "failed"


def test_it_refuses_an_unknown_task_or_status(world):
    client, before = as_role(world, TL), facts()
    unknown = client.post(f"{API}/agents/E001/tasks/juggling/", {"status": "done"}, format="json")
    assert unknown.status_code == 404
    bad = client.post(
        f"{API}/agents/E001/tasks/producer_world/",
        {"status": "finished", "based_on": ""},
        format="json",
    )
    assert bad.status_code == 400 and "status" in bad.json()
    assert facts() == before


def test_it_adds_a_note_that_prints_as_date_name_note(world):
    """R-N1: `MM/DD/YYYY - Name - Note`, newest first on the timeline."""
    client = as_role(world, TL)
    response = client.post(
        f"{API}/agents/E001/notes/", {"note": "  Called about AHIP module 3  "}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["line"] == "11/30/2026 - Tl One - Called about AHIP module 3"
    assert response.json()["kind"] == "note" and response.json()["by"] == "Tl One"
    fact = Fact.objects.get(pk=response.json()["id"])
    assert (fact.kind, fact.source, fact.recorded_by) == ("note", "api", world.users[TL])
    timeline = client.get(f"{API}/agents/E001/notes/").json()
    assert timeline[0] == response.json()

    before = facts()
    for body in ({"note": "   "}, {}, {"note": "x" * 4001}):
        assert client.post(f"{API}/agents/E001/notes/", body, format="json").status_code == 400
    assert facts() == before


def test_it_records_call_scores_and_call_1_is_always_100(world):
    """R-C3: call 1 scores 100 or is refused (400, nothing saved); calls 2-5 score 0-100.
    (Scored by the ESP Manager: a TL scores no calls, issue 12 item 3.)"""
    client, url = as_role(world, ESP_MANAGER), f"{API}/agents/E001/calls/"
    before = facts()
    refused = client.post(url, {"call": 1, "score": 90, "based_on": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"score": ["call 1 is coached and always scores 100"]}
    for body in ({"call": 6, "score": 90}, {"call": 2, "score": 101}, {"call": "two"}):
        body["based_on"] = ""
        assert client.post(url, body, format="json").status_code == 400, body
    assert facts() == before

    first = {"call": 1, "score": 100, "based_on": ""}
    assert client.post(url, first, format="json").status_code == 201
    second = client.post(
        url, {"call": 2, "score": 84, "notes": "Missed the recap", "based_on": ""}, format="json"
    )
    assert second.status_code == 201
    assert {k: second.json()[k] for k in ("kind", "item", "value", "note", "source")} == {
        "kind": "call",
        "item": "2",
        "value": "84",
        "note": "Missed the recap",
        "source": "api",
    }
    assert [(c["item"], c["value"]) for c in client.get(url).json()] == [("1", "100"), ("2", "84")]
    assert cell(client, "E001", "call_cert")["detail"] == "1/2 calls passed"


def test_it_delivers_a_due_ladder_step_which_then_is_no_longer_due(world):
    """R-L3a, R-L5: the licensing coaching is overdue; delivered → 201, no longer shown; the
    same delivery again the same day is a 409."""
    client, url = as_role(world, TL), f"{API}/agents/E001/ladder-steps/"
    steps = client.get(url).json()
    attendance = {  # the world's 11/27 tardy (R-A5): coaching due the next business day
        "ladder": "attendance",
        "step": "coaching",
        "due_on": "2026-11-30",
        "status": "due",
    }
    assert steps == {
        "due": [
            {
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-11-09",
                "status": "overdue",
            },
            attendance,
        ],
        "delivered": [],
    }
    body = {"ladder": "licensing", "step": "coaching", "expectation": "AHIP done by Wednesday"}
    response = client.post(url, body, format="json")
    assert response.status_code == 201
    delivered = response.json()
    assert (delivered["kind"], delivered["item"], delivered["value"]) == (
        "action",
        "coaching",
        "licensing",
    )
    assert delivered["note"] == "AHIP done by Wednesday" and delivered["by"] == "Tl One"
    after = client.get(url).json()
    assert after["due"] == [attendance] and after["delivered"] == [delivered]
    actions = client.get(f"{API}/reports/actions/").json()["actions"]
    assert ("E001", "licensing") not in {(a["employee_id"], a["ladder"]) for a in actions}

    before = facts()
    again = client.post(url, body, format="json")
    assert again.status_code == 409 and again.json()["current"]["id"] == delivered["id"]
    unknown = client.post(url, {**body, "ladder": "juggling"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["detail"]
    assert facts() == before


def test_it_raises_a_red_flag_and_enqueues_its_notification(
    world, program, django_capture_on_commit_callbacks
):
    """R-N4b, R-N3: a red flag raised through the API is in the outbox at once."""
    ensure_lists_and_schedules(program, active_from=date(2026, 11, 2))
    Schedule.objects.update(is_active=False)
    list_set("esp_managers", [EMAILS[ESP_MANAGER]])
    client, url = as_role(world, TL), f"{API}/agents/E001/flags/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "raised", "flag": "needs_release", "note": "HR hold", "based_on": ""},
            format="json",
        )
    assert response.status_code == 201
    assert (response.json()["item"], response.json()["value"]) == ("raised", "needs_release")
    [row] = OutboxMessage.objects.filter(report="red_flag")
    assert "Ann Able (E001)" in row.subject and EMAILS[ESP_MANAGER] in row.to
    assert row.status == OutboxMessage.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        resolved = client.post(
            url,
            {"action": "resolved", "flag": "needs_release", "based_on": str(response.json()["id"])},
            format="json",
        )
    assert resolved.status_code == 201
    assert OutboxMessage.objects.filter(report="red_flag").count() == 1
    before = facts()
    bad = client.post(url, {"action": "raised", "flag": "sunburn", "based_on": ""}, format="json")
    assert bad.status_code == 400 and facts() == before


# -- reports (SPEC §15) ----------------------------------------------------------------------------

AS_OF = "2026-12-03"  # E101's producer_world is 3 business days old: everyone is in a report
LINES = {"actions": "actions", "callcert": "agents", "attendance": "agents"}


def report_ids(report: dict) -> set[str]:
    if report["report"] == "incompletions":
        return {a["employee_id"] for s in report["sections"] for a in s["agents"]}
    if report["report"] == "extensions":
        return {e for c in report["classes"] for e in c["employee_ids"]}
    return {line["employee_id"] for line in report[LINES[report["report"]]]}


def test_it_returns_each_report_in_the_json_shape_of_spec_15(world, esp):
    """The manager's JSON is exactly the command line's `--format json` (the §15 shape), and
    the schema's report shapes name exactly its keys."""
    assert set(REPORT_SHAPES) == set(REPORTS)
    client = as_role(world, ESP_MANAGER)
    for name in REPORTS:
        response = client.get(f"{API}/reports/{name}/", {"as_of": AS_OF})
        assert response.status_code == 200, name
        data = response.json()
        code, out, err = esp("report", name, "--as-of", AS_OF, "--format", "json")
        assert code == 0, err
        assert data == json.loads(out), name
        shape = REPORT_SHAPES[name]()
        assert list(data) == list(shape.fields), name
        assert (data["report"], data["as_of"]) == (name, AS_OF)
        body = data[list(shape.fields)[-1]]
        line = shape.fields[list(shape.fields)[-1]].child
        for entry in body:
            assert set(entry) == set(line.fields), (name, entry)
    sections = client.get(f"{API}/reports/incompletions/", {"as_of": AS_OF}).json()["sections"]
    assert [s["key"] for s in sections] == [
        "producer_world",
        "ahip_carrier",
        "tbt",
        "call_cert",
        "transfer_needed",
    ]
    assert [s["threshold_days"] for s in sections] == [1, 4, 3, 3, None]
    for section in sections:
        for agent in section["agents"]:
            assert set(agent) == {"employee_id", "name", "class_code", "age_business_days"}


def test_it_gives_a_tl_only_their_agents_lines_in_every_report(world):
    manager, tl = as_role(world, ESP_MANAGER), as_role(world, TL)
    for name in REPORTS:
        everything = manager.get(f"{API}/reports/{name}/", {"as_of": AS_OF}).json()
        mine = tl.get(f"{API}/reports/{name}/", {"as_of": AS_OF}).json()
        assert list(mine) == list(everything), name
        assert report_ids(mine) == report_ids(everything) - {"E101"}, name
        if name in ("incompletions", "actions", "attendance"):
            assert "E101" in report_ids(everything), name
    sections = tl.get(f"{API}/reports/incompletions/", {"as_of": AS_OF}).json()["sections"]
    assert len(sections) == 5  # every section is present, even when empty
    by_class = tl.get(f"{API}/reports/actions/", {"as_of": AS_OF, "class": "AET-A"}).json()
    assert report_ids(by_class) == {"E001", "E002"}


def test_it_answers_bad_report_requests_in_json(world):
    client = as_role(world, ESP_MANAGER)
    assert client.get(f"{API}/reports/attendance-please/").status_code == 404
    bad = client.get(f"{API}/reports/actions/", {"as_of": "11/31/2026"})
    assert bad.status_code == 400 and "as_of" in bad.json()
    assert client.get(f"{API}/reports/actions/", {"class": "NOPE"}).status_code == 404
    us_style = client.get(f"{API}/reports/actions/", {"as_of": "12/03/2026"})
    assert us_style.json()["as_of"] == AS_OF


# -- schema and docs -------------------------------------------------------------------------------


def test_it_serves_a_valid_openapi_3_schema_to_signed_in_users(world):
    client = as_role(world, TL)
    response = client.get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # drf-spectacular's OpenAPI 3 JSON-schema check
    operations_in_schema = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    assert len(operations_in_schema) == 21  # 17, and readiness (issue 15 item 1)
    assert ("POST", f"{API}/agents/{{employee_id}}/tasks/{{task}}/") in operations_in_schema
    listed = schema["paths"][f"{API}/agents/"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedAgentList")
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}
    yaml = client.get(f"{API}/schema/")
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3.")
    assert APIClient().get(f"{API}/schema/").status_code == 401


def test_it_renders_the_docs_page_with_local_assets_only(world):
    """drf-spectacular-sidecar serves Swagger UI from our static files, never from a CDN."""
    client = Client()
    client.force_login(world.users[TL])
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page.lower() and "/api/v1/schema/" in page
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in page, cdn
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset


def test_it_sends_an_anonymous_visitor_of_the_docs_page_to_sign_in(world):
    response = Client().get(f"{API}/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/api/v1/docs/"


def test_it_answers_404_for_a_report_before_any_program_exists(db):
    """Before `esp init` loads a program, a report is a 404, not a server error."""
    manager = create_esp_manager(EMAILS[ESP_MANAGER], "pw-Long-enough-1")
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get(f"{API}/reports/actions/")
    assert response.status_code == 404 and response.json() == {"detail": "no program"}
