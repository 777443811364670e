"""Who may change what (issue 12 item 3; SPEC §1, R-L5, R-C2, R-N4): the write matrix of
`esp.access.writes`, walked for every role and every fact kind (and every task) through the
services and through the API: allowed → written (2xx), refused → PermissionDenied / 403 or
404, and nothing written.

The scenario of tests/test_access_matrix.py, as of Monday 11/30/2026 noon (America/Chicago):
AET-A (ESP phase) has tl.one / pm.one and agents E001 (Ann, whose account is ann@) and E002;
LIC-B (licensing since 11/30) has tl.two / pm.two and agent E101; the certifier is connected
to E002 only. Each role writes on an agent of its own scope (WFM: E001, which it cannot see).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from esp.access.matrix import ACCESS
from esp.access.writes import (
    WRITE_MATRIX,
    WRITES,
    may_write,
    refusal,
    require_write,
    write_roles,
)
from esp.audit.models import AuditEntry
from esp.programs.models import TbtCourse
from esp.progress import services
from esp.progress.models import CarrierTicket, Fact, Kind, Proof
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    ROLES,
    TBT_SME,
    TL,
    WFM,
)
from esp.roster.services.staff import create_esp_manager
from tests.access.test_access_matrix import AGENT_SCOPE, CLASSES, NOW, PERSONAS, ROSTER, certified
from tests.web_support import staff

TODAY = NOW.date()
API = "/api/v1"
PERSONA = {p.role: p for p in PERSONAS}


@pytest.fixture(autouse=True)
def monday_november_30(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    with time_machine.travel(NOW, tick=False):
        yield


def build_world(program, write, esp) -> SimpleNamespace:
    """The scenario (see the module's docstring); shared with the termination-review and the
    proof-before-done tests."""
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    users = {ESP_MANAGER: create_esp_manager(PERSONA[ESP_MANAGER].email, "pw-Long-enough-1")}
    for persona in PERSONAS[1:]:
        users[persona.role] = staff(persona.email, persona.role)
    agents = {a.employee_id: a for a in Agent.objects.select_related("training_class__program")}
    Agent.objects.filter(pk=agents["E001"].pk).update(user=users[AGENT])
    agents["E001"].user = users[AGENT]
    CertifierAssignment.objects.create(certifier=users[CERTIFIER], agent=agents["E002"])
    TbtCourse.objects.create(program=program, number="101", name="Medicare basics")
    return SimpleNamespace(users=users, agents=agents, program=program)


@pytest.fixture
def world(program, write, esp):
    return build_world(program, write, esp)


def target(world, role: str) -> Agent:
    """An agent inside the role's scope (WFM sees none: E001)."""
    return world.agents[PERSONA[role].mine.get(AGENT_SCOPE, "E001")]


def other_class(agent: Agent) -> str:
    return "LIC-B" if agent.training_class.code == "AET-A" else "AET-A"


def fact_cases(world, agent: Agent) -> list[tuple[str, dict]]:
    """One valid fact of every kind (every task, every exam) for `agent`: (kind, fields)."""
    cases = [
        ("task", {"item": key, "value": "in_progress"})
        for key in world.program.tasks.values_list("key", flat=True)
    ]
    cases += [
        ("task", {"item": key, "value": "in_progress"})
        for key in ("readiness_day1", "readiness_shadowing")
    ]
    cases += [
        ("tbt", {"item": "101", "value": "done"}),
        ("call", {"item": "2", "value": "90"}),
        ("attendance", {"item": "tardy", "value": "15"}),
        ("exam", {"item": "ahip", "value": "failed"}),
        ("exam", {"item": "carrier_cert", "value": "failed"}),
        ("exam", {"item": "tbt:101", "value": "failed"}),
        ("action", {"item": "coaching", "value": "licensing", "note": "Finish AHIP"}),
        ("action", {"item": "termination_review", "value": "attendance", "note": "6 points"}),
        ("note", {"note": "From the write-matrix test"}),
        ("self_report", {"note": "Finished module 3"}),
        ("status", {"item": "employment", "value": "resigned"}),
        ("equipment", {"item": "received"}),
        ("flag", {"item": "raised", "value": "other", "note": "From the write-matrix test"}),
        ("n_number", {"item": "requested", "value": "N1234567"}),
        ("move", {"item": other_class(agent), "note": "From the write-matrix test"}),
    ]
    assert {kind for kind, _ in cases} == set(Kind.values)  # every fact kind is walked
    return cases


def written() -> tuple:
    return (
        Fact.objects.count(),
        CarrierTicket.objects.count(),
        Proof.objects.count(),
        AuditEntry.objects.count(),
    )


# -- the table -------------------------------------------------------------------------------------


def test_it_declares_every_fact_kind_and_only_known_roles_and_writes():
    """Issue 12 item 3: one table, every fact kind in it, every role in it."""
    assert set(Kind.values) <= set(WRITES)
    assert set(WRITE_MATRIX) == set(ROLES)
    for role, grants in WRITE_MATRIX.items():
        assert set(grants) <= set(WRITES), role


def test_it_gives_the_writes_the_issue_names_to_the_roles_it_names():
    """Issue 12 item 3 (SPEC §1, R-L5): employment only by the ESP Manager or the PM; a TL
    proposes a termination (delivers the termination review) that the PM decides; certifiers
    score calls of connected agents; Licensing: AHIP/carrier tasks, exams, carrier tickets;
    TBT SMEs and the coordinator: TBTs, readiness, N-Number requests; TLs: statuses,
    attendance, coaching/CAPs, notes, equipment."""
    assert write_roles("status", "employment") == (ESP_MANAGER, PM)
    assert write_roles("move") == (ESP_MANAGER, PM)
    assert write_roles("termination_decision") == (ESP_MANAGER, PM)
    assert TL in write_roles("action", "termination_review")
    assert write_roles("call") == (ESP_MANAGER, CERT_COORDINATOR, CERTIFIER)
    assert WRITE_MATRIX[CERTIFIER]["call"].scope == "connected"
    for task in ("producer_world", "ahip", "carrier_cert"):
        assert LICENSING in write_roles("task", task)
    assert LICENSING not in write_roles("task", "tbt")
    assert set(write_roles("exam", "ahip")) == {ESP_MANAGER, LICENSING}
    assert LICENSING in write_roles("carrier_ticket")
    for role in (TBT_SME, CERT_COORDINATOR):
        assert role in write_roles("task", "tbt")
        assert role in write_roles("tbt")
        assert role in write_roles("task", "readiness_day1")
        assert role in write_roles("n_number")
    for write in ("attendance", "action", "note", "equipment"):
        assert TL in write_roles(write), write
    # AHIP and the carrier certification are Licensing's, not the TL's (issue 12 follow-up 1)
    assert TL in write_roles("task", "producer_world") and TL not in write_roles("task", "transfer")
    for task in ("ahip", "carrier_cert"):
        assert write_roles("task", task) == (ESP_MANAGER, LICENSING), task
    for role in (CERTIFIER, TBT_SME, LICENSING, CERT_COORDINATOR):
        for write in ("status", "move", "action"):
            assert role not in write_roles(write), (role, write)
    assert WRITE_MATRIX[WFM] == {}


# -- through the services --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_record_exactly_the_fact_kinds_the_table_gives_it(world, role):
    """Issue 12 item 3: every fact kind (every task) through `fact_record` for one role: the
    table's writes are recorded, the others refused with a reason and nothing written."""
    user, agent = world.users[role], target(world, role)
    problems = []
    for kind, fields in fact_cases(world, agent):
        item = fields.get("item", "")
        allowed = role in write_roles(kind, item) and may_write(user, kind, item, agent)
        if role == WFM or (role == CERTIFIER and kind == "call"):
            assert allowed == (role == CERTIFIER), (role, kind)
        before = written()
        try:
            services.fact_record(agent=agent, day=TODAY, kind=kind, actor=user, **fields)
        except PermissionDenied as exc:
            if allowed:
                problems.append(f"{kind} {item}: refused ({exc})")
            elif "Nothing was saved." not in str(exc) or "You may not" not in str(exc):
                problems.append(f"{kind} {item}: unclear refusal ({exc})")
            if written() != before:
                problems.append(f"{kind} {item}: refused but written")
        else:
            if not allowed:
                problems.append(f"{kind} {item}: recorded, but the table refuses it")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_every_write_on_an_agent_outside_the_roles_scope(world, role):
    """Issue 12 item 3: the table's writes reach only the agents the role may see (a TL: their
    classes' agents), so nothing is written for another class's agent."""
    user = world.users[role]
    outside = world.agents[PERSONA[role].others.get(AGENT_SCOPE, "E101")]
    if role == ESP_MANAGER:
        return  # everything is in the ESP Manager's scope
    if role == LICENSING:
        certified(outside)  # done with AHIP/Aetna: out of Licensing's scope (follow-up item 4)
    before = written()
    for kind, fields in fact_cases(world, outside):
        with pytest.raises(PermissionDenied):
            services.fact_record(agent=outside, day=TODAY, kind=kind, actor=user, **fields)
    assert written() == before


@pytest.mark.parametrize("role", ROLES)
def test_it_checks_the_other_writes_in_their_services(world, role):
    """Issue 12 item 3: employment changes, moves, deliveries, carrier tickets, proofs and the
    termination decision through their own services, for every role."""
    from esp.accountability.services import termination_decide
    from esp.progress.services.proofs import proof_review, proof_submit
    from tests.web_support import png

    user, agent = world.users[role], target(world, role)
    manager = world.users[ESP_MANAGER]
    proposal = services.fact_record(
        agent=agent,
        day=TODAY,
        kind="action",
        item="termination_review",
        value="attendance",
        note="6 points",
        actor=None,
    )
    proof = proof_submit(agent=agent, item="ahip", name="ahip.png", data=png(), actor=manager)
    calls = {
        "status": lambda: services.employment_set(
            agent=agent, status="withdrawn", day=TODAY, actor=user
        ),
        "action": lambda: services.step_deliver(
            agent=agent,
            ladder="licensing",
            step="coaching",
            expectation="Finish AHIP",
            day=TODAY,
            actor=user,
        ),
        "carrier_ticket": lambda: services.carrier_ticket_record(
            agent=agent, day=TODAY, ticket_number="CT-1", issue="Locked out", actor=user
        ),
        "proof_upload": lambda: proof_submit(
            agent=agent, item="carrier_cert", name="checks.png", data=png(), actor=user
        ),
        "proof_review": lambda: proof_review(proof=proof, accept=True, actor=user, day=TODAY),
        "termination_decision": lambda: termination_decide(
            proposal=proposal, decision="keep", reason="Improving", day=TODAY, actor=user
        ),
        # last: a move effective today takes the agent out of the old class's scope (item 1)
        "move": lambda: services.agent_move(agent, other_class(agent), TODAY, "Restart", user),
    }
    problems = []
    items = {"proof_upload": "carrier_cert", "proof_review": "ahip"}  # the proofs' items
    for write, call in calls.items():
        allowed = may_write(user, write, items.get(write), agent)
        assert allowed == (role in write_roles(write, items.get(write))), (role, write)
        before = written()
        try:
            call()
        except PermissionDenied as exc:
            if allowed:
                problems.append(f"{write}: refused ({exc})")
            if written() != before:
                problems.append(f"{write}: refused but written")
        else:
            if not allowed:
                problems.append(f"{write}: made, but the table refuses it")
    assert problems == []


def test_it_lets_a_certifier_score_only_the_agents_connected_to_them(world):
    """Issue 12 item 3, R-C2: a certifier who also sees a class (a TBT SME) scores only the
    agents the Cert Coordinator connected to them."""
    from esp.certification.services import call_score

    both = staff("certifier.sme@cxp.example", CERTIFIER, TBT_SME)
    connected, other = world.agents["E002"], world.agents["E001"]
    CertifierAssignment.objects.create(certifier=both, agent=connected)
    before = written()
    with pytest.raises(PermissionDenied) as refused:
        call_score(agent=other, call_number=1, actor=both, day=TODAY)
    assert str(refused.value) == (
        "You may not score a certification call for Ann Able: a certifier scores only the "
        "agents the Cert Coordinator connected to them. Nothing was saved."
    )
    assert written() == before
    assert call_score(agent=connected, call_number=1, actor=both, day=TODAY).score == 100


def test_it_says_who_may_in_a_refusal(world):
    """Errors in plain words: what, for whom, and who may."""
    tl, agent = world.users[TL], world.agents["E001"]
    assert refusal(tl, "status", "employment", agent) == (
        "You may not change the employment status (active, termed, resigned, withdrawn) for "
        "Ann Able: only the ESP Manager or the PM may. Nothing was saved."
    )
    licensing = world.users[LICENSING]
    assert refusal(licensing, "task", "tbt", world.agents["E101"]) == (
        "You may not set the All TBTs status for Liz Lane: only the ESP Manager, the TL, the "
        "Cert Coordinator or a TBT SME may. Nothing was saved."
    )
    with pytest.raises(PermissionDenied):
        require_write(tl, "move", None, agent)
    require_write(None, "move", None, agent)  # the system (command line) is allowed


def test_it_still_reports_an_unknown_kind_as_invalid(world):
    """The write check never hides the validation of a fact: an unknown kind is a 400-style
    ValidationError naming the kinds, not a server error."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="unknown kind 'bogus'"):
        services.fact_record(
            agent=world.agents["E001"], day=TODAY, kind="bogus", actor=world.users[TL]
        )


# -- through the API -------------------------------------------------------------------------------


def api_writes(agent: Agent, program) -> list[tuple[str, str, str | None, dict]]:
    """(path, write, item, body) of every API write on `agent`; a task per task key."""
    writes = [
        (f"tasks/{key}/", "task", key, {"status": "in_progress", "note": "From the test"})
        for key in program.tasks.values_list("key", flat=True)
    ]
    return writes + [
        ("notes/", "note", None, {"note": "From the write-matrix test"}),
        ("calls/", "call", None, {"call": 2, "score": 90}),
        (
            "ladder-steps/",
            "action",
            "coaching",
            {"ladder": "licensing", "step": "coaching", "expectation": "Finish AHIP"},
        ),
        (
            "ladder-steps/",
            "action",
            "termination_review",
            {"ladder": "attendance", "step": "termination_review", "expectation": "6 points"},
        ),
        ("flags/", "flag", None, {"action": "raised", "flag": "other", "note": "From the test"}),
    ]


def based_on(agent: Agent, write: str, item: str | None, body: dict) -> dict:
    """The version a client read before a status-like write (issue 12 item 7)."""
    if write == "task":
        latest = services.latest_fact(agent, "task", item)
    elif write == "call":
        latest = services.latest_fact(agent, "call", str(body["call"]))
    elif write == "flag":
        latest = (
            Fact.objects.filter(agent=agent, kind="flag", value=body["flag"])
            .order_by("-date", "-pk")
            .first()
        )
    else:
        return {}
    return {"based_on": str(latest.pk) if latest else ""}


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_api_write_by_the_table(world, role):
    """Issue 12 item 3 through the API: allowed → 2xx; refused → 403 (with the reason) or 404
    (a route the role may not use at all), and nothing written."""
    user, agent = world.users[role], target(world, role)
    client = APIClient()
    client.force_authenticate(user)
    problems = []
    for path, write, item, body in api_writes(agent, world.program):
        allowed = may_write(user, write, item, agent)
        before = written()
        body = {**body, **based_on(agent, write, item, body)}
        response = client.post(f"{API}/agents/{agent.employee_id}/{path}", body, format="json")
        if allowed and not 200 <= response.status_code < 300:
            problems.append(f"{path} {item}: {response.status_code} {response.content[:200]}")
        if not allowed:
            if response.status_code not in (403, 404):
                problems.append(f"{path} {item}: {response.status_code}, expected 403/404")
            if response.status_code == 403 and "You may not" not in response.json()["detail"]:
                problems.append(f"{path} {item}: 403 without the reason")
            if written() != before:
                problems.append(f"{path} {item}: refused but written")
    assert problems == []


# -- through the pages -----------------------------------------------------------------------------


def test_it_routes_single_write_pages_to_the_roles_of_the_table():
    """The access matrix takes the roles of a page that makes one write from the write
    matrix, so a role that may not make it gets 404 there (as if it did not exist)."""
    for route, write in (
        ("progress:employment", "status"),
        ("progress:move", "move"),
        ("progress:deliver", "action"),
        ("progress:equipment", "equipment"),
        ("progress:flag", "flag"),
        ("progress:add_note", "note"),
        ("progress:termination_decide", "termination_decision"),
        ("attendance:attendance_mark", "attendance"),
        ("playbooks:troubleshoot", "troubleshoot"),
    ):
        assert ACCESS[route].roles == write_roles(write), route


def forms_of(page: str) -> set[str]:
    return {
        name
        for name in ("employment", "move", "deliver", "equipment", "flag", "add_note")
        if f'action="{reverse(f"progress:{name}", args=["E001"])}"' in page
    }


def test_it_shows_on_the_agent_page_only_the_forms_a_role_may_use(world, client):
    """Issue 12 item 3: buttons a role may not use are not shown."""
    expected = {
        ESP_MANAGER: {"employment", "move", "deliver", "equipment", "flag", "add_note"},
        PM: {"employment", "move", "flag", "add_note"},
        TL: {"deliver", "equipment", "flag", "add_note"},  # E001's licensing coaching is due
        CERT_COORDINATOR: {"equipment", "add_note"},
        TBT_SME: {"equipment", "add_note"},
        AGENT: set(),
    }
    for role, forms in expected.items():
        client.force_login(world.users[role])
        page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
        assert forms_of(page) == forms, role
        tasks = {
            key
            for key in world.program.tasks.values_list("key", flat=True)
            if f'action="{reverse("progress:task_status", args=["E001", key])}"' in page
        }
        assert tasks == {k for k in tasks if role in write_roles("task", k)}, role
        assert tasks == {
            k
            for k in world.program.tasks.values_list("key", flat=True)
            if may_write(world.users[role], "task", k, world.agents["E001"])
        }, role


def test_it_offers_licensing_only_the_licensing_chips_on_the_board(world, client):
    client.force_login(world.users[LICENSING])
    page = client.get(reverse("progress:board", args=["LIC-B"])).content.decode()
    editable = {
        key
        for key in world.program.tasks.values_list("key", flat=True)
        if reverse("progress:task_status", args=["E101", key]) in page
    }
    assert editable == {"producer_world", "ahip", "carrier_cert"}


def test_it_answers_a_refused_task_status_with_a_403_page_saying_why(world, client):
    client.force_login(world.users[LICENSING])
    before = written()
    url = reverse("progress:task_status", args=["E101", "tbt"])
    response = client.post(url, {"status": "in_progress"})
    assert response.status_code == 403
    assert "You may not set the All TBTs status for Liz Lane" in response.content.decode()
    htmx = client.post(url, {"status": "in_progress"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403 and "only the ESP Manager" in htmx.content.decode()
    assert written() == before


def test_it_lists_only_the_tracking_forms_a_role_may_use(world, client):
    expected = {
        LICENSING: ["carrier-cert", "failed-exam", "carrier-ticket"],
        CERTIFIER: ["call-cert"],
        TL: ["tbt", "carrier-ticket"],  # AHIP/carrier cert are Licensing's (follow-up item 1)
        TBT_SME: ["tbt", "failed-exam"],  # the TBT final exams only (follow-up item 2)
        CERT_COORDINATOR: ["tbt", "call-cert"],
        PM: [],
    }
    for role, names in expected.items():
        client.force_login(world.users[role])
        page = client.get(reverse("progress:forms")).content.decode()
        shown = [
            name
            for name in ("carrier-cert", "tbt", "call-cert", "failed-exam", "carrier-ticket")
            if reverse("progress:tracking_form", args=[name]) in page
        ]
        assert shown == names, role
        nav = 'href="/forms/">Tracking forms</a>' in page
        assert nav == bool(names), role  # no navigation link to forms a role may not use
    client.force_login(world.users[TL])
    response = client.get(reverse("progress:tracking_form", args=["call-cert"]))
    assert response.status_code == 403
    assert "You may not score a certification call" in response.content.decode()


# -- a user's import -------------------------------------------------------------------------------


def test_it_holds_a_users_meeting_import_to_the_table(program, write, esp):
    """Issue 12 item 3, R-A3: a meeting attendance import saved by a user goes through the
    same check: the class's PM records no attendance (nothing saved), its TL does."""
    from esp.attendance.selectors import propose_meeting
    from tests.attendance import test_meeting_import as meeting
    from tests.attendance.test_meeting_import import save_meeting

    for kind, text in (("classes", meeting.CLASSES), ("roster", meeting.ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    result = propose_meeting(
        meeting.FIXTURES / "google_meet.csv", class_code="AET-A", day=meeting.DAY
    )
    pm, tl = staff("pm.one@cxp.example", PM), staff("tl.one@cxp.example", TL)
    with pytest.raises(PermissionDenied, match="You may not record attendance for"):
        save_meeting(result, actor=pm)
    assert not Fact.objects.filter(kind="attendance").exists()
    saved = save_meeting(result, actor=tl)
    assert len(saved.created) == 4
    assert Fact.objects.filter(kind="attendance", recorded_by=tl).count() == 4
