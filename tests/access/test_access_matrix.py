"""The access matrix (SPEC §1, §17 "Access"; issue 4): declared once in
`esp.access.matrix.ACCESS` (route → roles → scope) and checked here against the URL resolver
and against one signed-in person per role.

The scenario, as of Monday 11/30/2026 (America/Chicago):

- class AET-A started 11/02: licensing 11/04, training 11/10, ESP since 11/25 (its ESP phase);
- class LIC-B started Wednesday 11/25: onboarding 11/25 and 11/27, licensing since 11/30;
- AET-A has tl.one / pm.one and agents E001, E002; LIC-B has tl.two / pm.two and agent E101;
- the certifier is assigned to E002 only; the agent account is E001's.

For every route and persona: inside the persona's scope → 200 (a POST → its redirect, or a
400/409 form answer: never 403/404/500); an object outside the scope → 404 and nothing
changes; a role the route does not allow → 404; anonymous → the sign-in page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern

from esp.access import scopes
from esp.access.matrix import (
    ACCESS,
    ADMIN_NAMESPACE,
    AGENT_SCOPE,
    CAP_DOCUMENT,
    CLASS,
    MESSAGE,
    OUTBOX_MESSAGE,
    PROOF,
    PUBLIC,
    RouteAccessMiddleware,
    rule_for,
)
from esp.access.writes import write_roles
from esp.accountability.services import step_deliver
from esp.certification.models import ScorecardUpload
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import Message, enqueue
from esp.progress.models import CarrierTicket, Fact, Proof
from esp.progress.services import fact_record
from esp.progress.services.proofs import proof_submit
from esp.roster.models import Agent, CertifierAssignment, ClassPhase, TrainingClass
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
from esp.selfreport.services import link_issue
from tests.web_support import png, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 12, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E101,Liz,Lane,liz@cxp.example,liz@mail.example,LIC-B,tl.two@cxp.example
"""

# -- every route is in the matrix -----------------------------------------------------------------


def walk(resolver: URLResolver, namespace: str = "") -> tuple[set[str], list[str]]:
    """(named routes as `namespace:name`, patterns without a name) under `resolver`."""
    names, unnamed = set(), []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            more_names, more_unnamed = walk(entry, inner)
            names |= more_names
            unnamed += more_unnamed
        elif isinstance(entry, URLPattern):
            if entry.name:
                names.add(namespace + entry.name)
            else:
                unnamed.append(f"{namespace}{entry.pattern}")
    return names, unnamed


def outside_admin(items):
    return {i for i in items if i.split(":", 1)[0] != ADMIN_NAMESPACE}


def matrix_gaps(resolver: URLResolver) -> dict[str, list[str]]:
    names, unnamed = walk(resolver)
    routes = outside_admin(names)
    return {
        "routes without an entry": sorted(routes - set(ACCESS)),
        "entries without a route": sorted(set(ACCESS) - routes),
        "routes without a name": sorted(outside_admin(unnamed)),
    }


def test_it_declares_every_route_of_the_resolver_in_the_matrix_and_nothing_else():
    """§17: every view checks the role table; a new route without an entry fails here."""
    assert matrix_gaps(get_resolver()) == {
        "routes without an entry": [],
        "entries without a route": [],
        "routes without a name": [],
    }


def test_it_fails_the_walk_for_a_new_route_without_an_entry_and_a_stale_entry():
    def view(request):
        return HttpResponse("new")

    urlconf = SimpleNamespace(
        urlpatterns=[
            path("", include("esp.web.urls")),
            path("extra/", view, name="extra"),
            path("unnamed/", view),
        ]
    )
    gaps = matrix_gaps(URLResolver(RegexPattern(r"^/"), urlconf))
    assert gaps["routes without an entry"] == ["extra"]
    assert gaps["routes without a name"] == ["unnamed/"]
    assert "reports:index" in gaps["entries without a route"]  # not in this urlconf
    assert "mailing:lists" in gaps["entries without a route"]


def test_it_refuses_a_route_missing_from_the_matrix_to_everyone(program):
    """Deny by default: the middleware answers 404 for a route the matrix does not know."""
    manager = create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")
    request = RequestFactory().get("/extra/")
    request.user = manager
    request.resolver_match = SimpleNamespace(view_name="extra")
    assert rule_for("extra") is None
    with pytest.raises(Http404):
        RouteAccessMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})


def test_it_names_only_known_roles_in_the_matrix():
    for name, rule in ACCESS.items():
        assert set(rule.roles) <= set(ROLES), name
        assert rule.methods and set(rule.methods) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}
        assert (rule.scope == PUBLIC) == (rule.roles == ()), name


# -- the people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    role: str
    email: str
    mine: dict  # scope → an object inside the persona's scope
    others: dict  # scope → an object outside it


AET_A = {CLASS: "AET-A", AGENT_SCOPE: "E001", PROOF: "E001", CAP_DOCUMENT: "E001"}  # ESP phase
LIC_B = {CLASS: "LIC-B", AGENT_SCOPE: "E101", PROOF: "E101", CAP_DOCUMENT: "E101"}  # licensing

PERSONAS = [
    Persona(ESP_MANAGER, "esp.manager@cxp.example", {**AET_A, MESSAGE: "uncertain"},
            {MESSAGE: "pending"}),  # everything is in scope; only failed/uncertain mail is decidable
    Persona(PM, "pm.one@cxp.example", AET_A, LIC_B),
    Persona(TL, "tl.one@cxp.example", AET_A, LIC_B),
    Persona(LICENSING, "licensing@cxp.example", LIC_B, AET_A),
    Persona(CERT_COORDINATOR, "cert.coordinator@cxp.example", AET_A, LIC_B),
    Persona(TBT_SME, "tbt.sme@cxp.example", AET_A, LIC_B),
    Persona(CERTIFIER, "certifier@cxp.example",
            {AGENT_SCOPE: "E002", PROOF: "E002", CAP_DOCUMENT: "E002"}, AET_A),
    Persona(WFM, "wfm@cxp.example", {}, AET_A),  # no board: attendance only (SPEC §1)
    Persona(AGENT, "ann@cxp.example", {AGENT_SCOPE: "E001", PROOF: "E001", CAP_DOCUMENT: "E001"},
            {AGENT_SCOPE: "E002", PROOF: "E002", CAP_DOCUMENT: "E002"}),
]  # fmt: skip
MANAGER = PERSONAS[0]


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


def certified(*agents):
    """AHIP and the carrier certification "not applicable" for `agents` since 11/20: AET-A is
    past the licensing phase and its agents are done with it, so they are out of Licensing's
    scope (which keeps agents still late on AHIP/Aetna: issue 12 follow-up item 4)."""
    for agent in agents:
        for task in ("ahip", "carrier_cert"):
            fact_record(
                agent=agent,
                day=NOW.date().replace(day=20),
                kind="task",
                item=task,
                value="not_applicable",
                actor=None,
            )


@pytest.fixture
def world(program, write, esp, settings, tmp_path):
    """The two classes, one account per role, a proof per agent, two outbox messages."""
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = create_esp_manager(MANAGER.email, "pw-Long-enough-1")
    users = {ESP_MANAGER: manager}
    for persona in PERSONAS[1:]:
        users[persona.role] = staff(persona.email, persona.role)
    agents = {a.employee_id: a for a in Agent.objects.all()}
    Agent.objects.filter(pk=agents["E001"].pk).update(user=users[AGENT])
    CertifierAssignment.objects.create(certifier=users[CERTIFIER], agent=agents["E002"])
    certified(agents["E001"], agents["E002"])
    proofs = {
        employee_id: proof_submit(
            agent=agent, item="carrier_cert", name="checks.png", data=png(), actor=manager
        ).pk
        for employee_id, agent in agents.items()
    }
    cap_documents = {  # a written CAP delivered to each agent, with its document (R-N6)
        employee_id: step_deliver(
            agent=agent,
            ladder="licensing",
            step="written_cap",
            expectation="Finish the licensing tasks",
            day=NOW.date(),
            actor=manager,
        ).cap_document.pk
        for employee_id, agent in agents.items()
    }
    scorecards = {  # the certifier's own scorecard of each agent (issue 15 item 2)
        employee_id: ScorecardUpload.objects.create(
            agent=agent,
            original_name=f"{agent.last_name}_{agent.first_name}_100%.xlsx",
            content=b"PK",
            size=2,
            sha256="",
            scores=[100] * 5,
            scores_from=ScorecardUpload.ENTERED,
            uploaded_at=NOW,
        ).pk
        for employee_id, agent in agents.items()
    }
    messages = {}
    for status in ("uncertain", "pending"):
        row = enqueue(
            key=f"daily_incompletions|esp_managers|{status}",
            report="daily_incompletions",
            list_key="esp_managers",
            to=[manager.email],
            message=Message(subject="ESP daily incompletions", text="..."),
            now=NOW,
        )
        OutboxMessage.objects.filter(pk=row.pk).update(status=status)
        messages[status] = row.pk
    from esp.accounts.links import invitation_link

    invited = Agent.objects.get(employee_id="E101").tl  # tl.two: imported, not yet signed in
    uidb64, token = invitation_link(invited).rstrip("/").split("/")[-2:]
    return SimpleNamespace(
        users=users,
        proofs=proofs,
        messages=messages,
        welcome={"uidb64": uidb64, "token": token},
        cap_documents=cap_documents,
        scorecards=scorecards,
    )


def test_it_has_one_class_in_licensing_and_the_other_in_esp_today(world):
    starts = dict(
        ClassPhase.objects.filter(training_class__code="LIC-B").values_list(
            "phase__key", "start_date"
        )
    )
    assert str(starts["licensing"]) == "2026-11-30"
    for role, expected in ((LICENSING, ["LIC-B"]), (CERT_COORDINATOR, ["AET-A"])):
        visible = scopes.visible_classes(world.users[role])
        assert list(visible.values_list("code", flat=True)) == expected, role


# -- the requests ----------------------------------------------------------------------------------

FIXED_KWARGS = {
    "progress:task_status": {"task": "producer_world"},
    "progress:tracking_form": {"name": "call-cert"},
    "reports:report": {"name": "incompletions"},
    "certification:score": {"number": 2},
    # a link that no longer works: the page says so (issue 17 item 9)
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "used-token"},
}

POST_DATA = {
    "accounts:sign_out": lambda: {},
    "accounts:invitation_cancel": lambda: {},  # the manager's own: nothing pending, a message
    "progress:task_status": lambda: {"status": "in_progress", "note": "From the matrix test"},
    "progress:add_note": lambda: {"note": "From the matrix test"},
    "progress:deliver": lambda: {
        "ladder": "licensing",
        "step": "coaching",
        "expectation": "Finish",
    },
    "progress:employment": lambda: {"status": "active"},
    "progress:equipment": lambda: {"status": "received"},
    "progress:flag": lambda: {"action": "raised", "flag": "other", "note": "From the matrix test"},
    # from tomorrow: a move effective today takes the agent out of the old class's scope
    # (issue 12 item 1), and the routes walked after this one still need E001 in AET-A
    "progress:move": lambda: {"to_class": "LIC-B", "date": "2026-12-01", "reason": "Matrix test"},
    "progress:termination_decide": lambda: {"decision": "keep", "reason": "Matrix test"},  # none
    "accountability:inform_pm": lambda: {"text": ""},  # nothing written: a message
    "pace:proctored_arrange": lambda: {"exam": "ahip", "arranged_for": ""},  # none: a message
    "progress:proof_upload": lambda: {
        "item": "carrier_cert",
        "file": SimpleUploadedFile("checks.png", png(), "image/png"),
    },
    "progress:proof_decide": lambda: {"decision": "accept"},
    "mailing:decide": lambda: {"decision": "resend"},
    "selfreport:link": lambda: {"action": "send"},
    "selfreport:class_send": lambda: {},
    "selfreport:emailed_one": lambda: {"day": "11/30/2026", "text": "From the matrix test"},
    "selfreport:own": lambda: {"finished": "From the matrix test"},
    "accounts:agent_invite": lambda: {},
    "attendance:attendance_mark": lambda: {"kind": "tardy", "minutes": "20", "date": "2026-11-30"},
    "callqueue:connect": lambda: {"action": "connect"},  # nobody ready: a message
    "callqueue:readiness_agent": lambda: {"task": "readiness_day1", "based_on": ""},
    "playbooks:troubleshoot": lambda: {"action": "start", "playbook": "general"},
    "operations:extension_step": lambda: {"step": "dashboard_check"},  # refused: a message
    "operations:undo": lambda: {"note": "From the matrix test"},  # nobody to undo: a message
    "upkeep:report": lambda: {},  # nobody chosen: a message
    # the TL's evening checklist (issue 15 item 12): one click each
    "upkeep:confirm_statuses": lambda: {},
    "upkeep:confirm_tickets": lambda: {},
    "upkeep:checklist_send": lambda: {},
    "classrooms:room_add": lambda: {
        "phase": "esp",
        "kind": "breakout",
        "name": "Matrix test",
        "provider": "g2t",
        "first_day": "2026-11-30",
        "last_day": "2026-12-02",
    },
    "classrooms:room_edit": lambda: {"version": "0"},  # stale: a message
    "classrooms:room_send": lambda: {},
    "classrooms:room_cancel": lambda: {"note": "From the matrix test"},
    "classrooms:extend": lambda: {},  # no ESP invite: a message
    "classrooms:move": lambda: {},  # no room chosen: a message
    "breakouts:take": lambda: {"room": "Breakout 1"},  # no open request: a message
    "breakouts:done": lambda: {"outcome": "From the matrix test"},  # no open request: a message
    "breakouts:cancel": lambda: {},  # no open request: a message
}

# Routes whose write depends on the item or the form (esp.access.writes): a role the route lets in but the
# write matrix refuses for this item is answered 403 with the reason (issue 12 item 3).
ITEM_WRITES = {
    "progress:task_status": ("task", "producer_world"),
    "progress:proof_decide": ("proof_review", "carrier_cert"),  # Licensing's (issue 12 follow-up 1)
    "progress:tracking_form": ("call", None),  # the call-cert form
}

REDIRECTING = {"web:home", "accounts:sign_in", "accounts:welcome"}  # 302 is their answer
ROOM_ROUTES = {"classrooms:room_edit", "classrooms:room_send", "classrooms:room_cancel"}


def classroom_of(code: str):
    from esp.classrooms.models import Classroom

    training_class = TrainingClass.objects.get(code=code)
    room, _ = Classroom.objects.get_or_create(
        training_class=training_class,
        name="Matrix test room",
        defaults={
            # the phase each class is in today, whose owners may change its rooms (§3)
            "phase": training_class.program.phases.get(
                key="licensing" if code == "LIC-B" else "esp"
            ),
            "first_day": NOW.date(),
            "last_day": NOW.date(),
            "created_at": NOW,
        },
    )
    return room


# The pages. The API answers in JSON (401 to anonymous callers) and has its own tests.
PAGES = {name: rule for name, rule in sorted(ACCESS.items()) if not name.startswith("api:")}


def target(world, route: str, objects: dict) -> tuple[str, str, dict]:
    """(method, url, data) of a request for `route` on `objects` (scope → object)."""
    rule = PAGES[route]
    kwargs = dict(FIXED_KWARGS.get(route, {}))
    if rule.scope == CLASS:
        kwargs["code"] = objects[CLASS]
        if route in ROOM_ROUTES:  # a room of that class (R-S1)
            kwargs["room"] = classroom_of(objects[CLASS]).pk
        if route == "attendance:attendance_mark":  # a class day's mark for one of its agents
            kwargs["employee_id"] = objects[AGENT_SCOPE]
    elif rule.scope == AGENT_SCOPE:
        kwargs["employee_id"] = objects[AGENT_SCOPE]
        if route == "certification:scorecard_file":  # that agent's uploaded scorecard
            kwargs["pk"] = world.scorecards[objects[AGENT_SCOPE]]
    elif rule.scope == PROOF:
        kwargs["pk"] = world.proofs[objects[PROOF]]
    elif rule.scope == CAP_DOCUMENT:
        kwargs["pk"] = world.cap_documents[objects[CAP_DOCUMENT]]
    elif rule.scope == MESSAGE:
        kwargs["pk"] = world.messages[objects[MESSAGE]]
    elif rule.scope == OUTBOX_MESSAGE:  # any message, to preview it (issue 17 item 10)
        kwargs["pk"] = world.messages["pending"]
    elif route == "accounts:welcome":
        kwargs.update(world.welcome)
    elif route == "accounts:invitation_cancel":  # tl.two's invitation stays for the welcome
        kwargs["user_id"] = world.users[ESP_MANAGER].pk
    elif route in ("selfreport:form", "selfreport:account"):  # a fresh personal link: sending
        # links revokes earlier ones
        url = link_issue(Agent.objects.get(employee_id="E001"), actor=None)
        kwargs["token"] = url.rstrip("/").rsplit("/", 1)[-1]
    method = "GET" if "GET" in rule.methods else "POST"
    data = POST_DATA[route]() if method == "POST" else {}
    return method, reverse(route, kwargs=kwargs), data


def state():
    """Everything a request could change."""
    return (
        Fact.objects.count(),
        sorted(Proof.objects.values_list("pk", "status")),
        sorted(OutboxMessage.objects.values_list("pk", "status")),
        CarrierTicket.objects.count(),
    )


def send(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.role for p in PERSONAS])
def test_it_answers_each_role_inside_its_scope_and_404_outside(world, client, persona):
    """§1 roles, §17: 200 inside the scope, 404 for another's object or a refused role."""
    user = world.users[persona.role]
    problems = []

    def check(route, objects, expected, *, unchanged=False):
        method, url, data = target(world, route, objects)
        before = state() if unchanged else None
        client.force_login(user)
        status = send(client, method, url, data).status_code
        if status not in expected:
            problems.append(f"{route}: {method} {url} → {status}, expected {sorted(expected)}")
        if unchanged and state() != before:
            problems.append(f"{route}: {method} {url} changed something ({status})")

    for route, rule in PAGES.items():
        method = "GET" if "GET" in rule.methods else "POST"
        ok = {302} if route in REDIRECTING else {200} if method == "GET" else {200, 302, 400, 409}
        if rule.scope != PUBLIC and persona.role not in rule.roles:
            check(route, {**MANAGER.mine, **persona.mine}, {403, 404}, unchanged=True)
        elif route in ITEM_WRITES and persona.role not in write_roles(*ITEM_WRITES[route]):
            if rule.scope in persona.mine:
                check(route, persona.mine, {403}, unchanged=True)
        elif rule.scope in (CLASS, AGENT_SCOPE, PROOF, MESSAGE, CAP_DOCUMENT):
            if rule.scope in persona.mine:
                check(route, persona.mine, ok)
            if rule.scope in persona.others:
                check(route, persona.others, {404}, unchanged=True)
        else:
            check(route, {}, ok)
    assert problems == []


def test_it_sends_anonymous_visitors_to_sign_in_everywhere_but_the_public_pages(world, client):
    """§17: anonymous visitors see the sign-in page (and the invitation link), nothing else."""
    problems = []
    for route, rule in PAGES.items():
        method, url, data = target(world, route, MANAGER.mine)
        before = state()
        response = send(client, method, url, data)
        location = response.get("Location", "")
        if rule.scope == PUBLIC:
            if response.status_code not in (200, 302) or location.startswith("/sign-in/"):
                problems.append(f"{route}: {url} → {response.status_code} {location}")
        elif response.status_code != 302 or not location.startswith("/sign-in/?next="):
            problems.append(f"{route}: {method} {url} → {response.status_code} {location}")
        if state() != before:
            problems.append(f"{route}: {method} {url} changed something")
    assert problems == []
    assert client.get("/sign-in/").status_code == 200


def test_it_answers_405_to_a_method_the_matrix_does_not_declare(world, client):
    """The matrix's methods are the methods a route answers (GET pages refuse POST, actions
    refuse GET)."""
    client.force_login(world.users[ESP_MANAGER])
    problems = []
    for route, rule in PAGES.items():
        for method in {"GET", "POST"} - set(rule.methods):
            _, url, _ = target(world, route, MANAGER.mine)
            before = state()
            status = send(client, method, url, {}).status_code
            if status != 405 or state() != before:
                problems.append(f"{route}: {method} {url} → {status}")
    assert problems == []


def test_it_lets_only_esp_managers_into_the_django_admin(world, client):
    client.force_login(world.users[ESP_MANAGER])
    assert client.get("/admin/").status_code == 200
    for role in (TL, PM, WFM, AGENT):
        client.force_login(world.users[role])
        assert client.get("/admin/").status_code == 404, role
    client.logout()
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_lists_only_what_each_role_may_see(world, client):
    """One filter for lists and objects: the classes page lists the persona's classes only."""
    expected = {
        ESP_MANAGER: {"AET-A", "LIC-B"},
        PM: {"AET-A"},
        TL: {"AET-A"},
        LICENSING: {"LIC-B"},
        CERT_COORDINATOR: {"AET-A"},
        TBT_SME: {"AET-A"},
        CERTIFIER: set(),
        WFM: set(),
    }
    for role, codes in expected.items():
        client.force_login(world.users[role])
        page = client.get(reverse("progress:classes")).content.decode()
        shown = {code for code in ("AET-A", "LIC-B") if f"/classes/{code}/" in page}
        assert shown == codes, role
    client.force_login(world.users[CERTIFIER])
    page = client.get(reverse("progress:classes")).content.decode()
    assert "/agents/E002/" in page and "/agents/E001/" not in page
    assert "<title>Classes — ESP Tracker</title>" in page
