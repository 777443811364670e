"""Agent self-reports (issue 5 item 2; SPEC R-N1, R-N5, §17 access): personal links, the
one-screen form, the staff actions that send and revoke links, and who has not reported.

The scenario, as of Monday 11/30/2026 noon (America/Chicago): class AET-A (tl.one) has agents
E001 Ann Able and E002 Bob Baker; class LIC-B (tl.two) has E101 Liz Lane.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.mailing.models import OutboxMessage
from esp.progress.models import Fact
from esp.progress.services import employment_set, fact_record, task_status_set
from esp.roster.models import Agent
from esp.roster.roles import AGENT, PM, TL, WFM
from esp.selfreport import selectors, services
from esp.selfreport.models import SelfReportLink
from tests.web_support import messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 12, tzinfo=CHICAGO)
TODAY = NOW.date()

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


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    OutboxMessage.objects.all().delete()  # the import's invitations: not ours
    people = {
        "tl": staff("tl.one@cxp.example", TL),
        "other_tl": staff("tl.two@cxp.example", TL),
        "pm": staff("pm.one@cxp.example", PM),
        "wfm": staff("wfm@cxp.example", WFM),
        "agent": staff("ann@cxp.example", AGENT),
    }
    Agent.objects.filter(employee_id="E001").update(user=people["agent"])
    return people


def agent(employee_id: str) -> Agent:
    return Agent.objects.select_related("training_class__program").get(employee_id=employee_id)


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def path_of(url: str) -> str:
    assert url.startswith(django_settings.ESP_BASE_URL.rstrip("/"))
    return url[len(django_settings.ESP_BASE_URL.rstrip("/")) :]


def self_reports(employee_id: str):
    return Fact.objects.filter(agent__employee_id=employee_id, kind="self_report")


# -- links -------------------------------------------------------------------------------------------


def test_it_stores_only_a_hash_of_the_token_and_answers_the_form_through_the_url(people, client):
    url = services.link_issue(agent("E001"), actor=people["tl"])
    token = token_of(url)
    assert path_of(url) == f"/r/{token}/"
    assert len(token) >= 40  # 256 random bits
    link = SelfReportLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SelfReportLink.objects.values()))
    assert token not in str(list(AuditEntry.objects.values()))
    assert (link.agent.employee_id, link.created_by, link.created_at) == ("E001", people["tl"], NOW)
    assert link.expires_at == NOW + timedelta(days=14)
    assert (link.revoked_at, link.last_used_at) == (None, None)
    assert AuditEntry.objects.filter(action="self_report_link_issued", object_id="E001").exists()

    response = client.get(path_of(url))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Self-report: Ann Able" in page
    assert "What I finished today" in page and "What blocks me" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_it_takes_the_links_lifetime_from_the_settings_or_the_call(people, client, settings):
    settings.ESP_SELF_REPORT_LINK_DAYS = 3
    services.link_issue(agent("E001"), actor=people["tl"])
    assert SelfReportLink.objects.get().expires_at == NOW + timedelta(days=3)
    services.link_issue(agent("E002"), actor=people["tl"], days=1)
    assert SelfReportLink.objects.get(agent__employee_id="E002").expires_at == NOW + timedelta(1)
    with pytest.raises(ValueError):
        services.link_issue(agent("E002"), actor=people["tl"], days=0)


def test_it_answers_404_with_a_plain_page_once_the_link_expired(people, client, monday_november_30):
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    monday_november_30.shift(timedelta(days=14) - timedelta(seconds=1))
    assert client.get(path).status_code == 200
    monday_november_30.shift(timedelta(seconds=1))
    response = client.get(path)
    assert_gone(response)
    response = client.post(path, {"finished": "Too late"})
    assert_gone(response)
    assert not self_reports("E001").exists()


def assert_gone(response):
    """404, a plain page: no form, no agent, no links anywhere."""
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not work" in page
    for absent in ("<form", "<textarea", "Ann", "E001", "href=", "Sign out"):
        assert absent not in page, absent


def test_it_revokes_a_link_and_a_new_link_revokes_the_earlier_ones(people, client):
    first = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    second = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    assert_gone(client.get(first))
    assert client.get(second).status_code == 200
    link = SelfReportLink.objects.get(revoked_at__isnull=True)
    assert services.link_revoke(link, actor=people["pm"]) is True
    assert services.link_revoke(link, actor=people["pm"]) is False  # already revoked
    link.refresh_from_db()
    assert (link.revoked_at, link.revoked_by) == (NOW, people["pm"])
    assert_gone(client.get(second))
    assert_gone(client.post(second, {"finished": "Revoked"}))
    assert not self_reports("E001").exists()
    assert selectors.active_link(agent("E001")) is None


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500])
def test_it_answers_404_to_an_unknown_token(people, client, token):
    services.link_issue(agent("E001"), actor=people["tl"])
    assert_gone(client.get(f"/r/{token}/"))


# -- the form ----------------------------------------------------------------------------------------


def test_it_records_the_report_as_a_self_report_note_of_that_agent_and_thanks_them(
    people, client, monday_november_30
):
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    client.get(path)
    response = client.post(
        path,
        {
            "finished": "AHIP module 3\n and the Aetna quiz",
            "blocked": "Dialer login error",
            "employee_id": "E002",  # ignored: the link names the agent
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{path}?sent=1"
    fact = self_reports("E001").get()
    assert (fact.kind, fact.source, fact.date, fact.by, fact.recorded_by) == (
        "self_report",
        "self_report",
        TODAY,
        "Ann Able",
        None,
    )
    assert fact.note == "Finished: AHIP module 3 and the Aetna quiz | Blocked: Dialer login error"
    assert not self_reports("E002").exists()
    assert SelfReportLink.objects.get().last_used_at == NOW

    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you, Ann. Your report was recorded" in thanks

    # Either answer alone is enough (the next day: one report a day, issue 12 item 8).
    monday_november_30.shift(timedelta(days=1))
    client.post(path, {"blocked": "Waiting for my laptop"})
    assert self_reports("E001").last().note == "Blocked: Waiting for my laptop"


def test_it_refuses_an_empty_report(people, client):
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    response = client.post(path, {"finished": "  ", "blocked": ""})
    assert response.status_code == 400
    assert "Write what you finished today, what blocks you, or both." in response.content.decode()
    assert not self_reports("E001").exists()
    assert SelfReportLink.objects.get().last_used_at is None


def test_the_link_opens_nothing_else_no_navigation_no_session_no_other_page(people, client):
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    page = client.get(path).content.decode()
    # The CSP nonce and the CSRF token are random: they may spell "Bob" by chance.
    page = re.sub(r'(nonce|value)="[^"]*"', "", page)
    for absent in ("href=", "Sign out", "Bob", "E002", "/agents/", "/classes/"):
        assert absent not in page, absent
    client.post(path, {"finished": "Module 4"})
    client.get(f"{path}?sent=1")
    assert django_settings.SESSION_COOKIE_NAME not in client.cookies
    assert "_auth_user_id" not in client.session
    # With the link's cookies, every other page still asks to sign in.
    for url in (
        "/",
        "/agents/E001/",
        "/agents/E002/",
        "/classes/AET-A/",
        reverse("selfreport:link", args=["E001"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url
    response = client.post(reverse("selfreport:link", args=["E001"]), {"action": "send"})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert not OutboxMessage.objects.exists()
    response = client.post("/agents/E001/notes/", {"note": "Sneaky"})
    assert response["Location"].startswith("/sign-in/")
    assert Fact.objects.filter(kind="note").count() == 0


def test_a_signed_in_person_who_opens_a_link_reports_for_the_links_agent_only(people, client):
    client.force_login(people["agent"])  # Ann, holding Bob's link
    path = path_of(services.link_issue(agent("E002"), actor=people["tl"]))
    page = client.get(path).content.decode()
    assert "Self-report: Bob Baker" in page and "Sign out" not in page
    client.post(path, {"finished": "Bob's day"})
    assert self_reports("E002").get().by == "Bob Baker"
    assert self_reports("E002").get().recorded_by is None
    assert not self_reports("E001").exists()


# -- e-mails -----------------------------------------------------------------------------------------


def test_it_emails_each_agents_new_link_to_their_work_and_personal_address(people, client):
    agents = [agent("E001"), agent("E002")]
    rows = services.links_send(agents, actor=people["tl"], now=NOW)
    assert len(rows) == 2 and all(rows)
    messages = {m.to[0]: m for m in OutboxMessage.objects.order_by("pk")}
    assert sorted(m.to for m in messages.values()) == [
        ["ann@cxp.example", "ann@mail.example"],
        ["bob@cxp.example", "bob@mail.example"],
    ]
    ann = messages["ann@cxp.example"]
    link = SelfReportLink.objects.get(agent__employee_id="E001")
    assert ann.key == f"self_report_link|{link.agent_id}|{link.pk}"
    assert (ann.report, ann.status) == ("self_report_link", OutboxMessage.PENDING)
    assert ann.subject == "Your ESP Tracker self-report link"
    assert "Hello Ann," in ann.text and "12/14/2026" in ann.text
    url = next(word for word in ann.text.split() if "/r/" in word)
    assert f'href="{url}"' in ann.html
    assert hashlib.sha256(token_of(url).encode()).hexdigest() == link.token_hash
    assert client.get(path_of(url)).status_code == 200

    # Sending again: a new link in a new message; the first link no longer works.
    services.links_send([agent("E001")], actor=people["tl"], now=NOW)
    assert [m.to[0] for m in OutboxMessage.objects.order_by("pk")].count("ann@cxp.example") == 2
    assert_gone(client.get(path_of(url)))


# -- who has not reported ----------------------------------------------------------------------------


def test_it_lists_the_agents_without_a_self_report_that_day_in_one_query(
    people, django_assert_num_queries
):
    url = services.link_issue(agent("E001"), actor=None)
    services.report_submit(selectors.link_for_token(token_of(url)), finished="Module 1", blocked="")
    fact_record(  # Bob reported yesterday only; a note is not a self-report
        agent=agent("E002"), day=TODAY - timedelta(days=3), kind="self_report", note="Friday"
    )
    fact_record(agent=agent("E002"), day=TODAY, kind="note", note="TL note")
    everyone = Agent.objects.order_by("employee_id")
    with django_assert_num_queries(1):
        missing = [a.employee_id for a in selectors.not_reported(everyone, TODAY)]
    assert missing == ["E002", "E101"]
    assert [a.employee_id for a in selectors.not_reported(list(everyone), TODAY)] == [
        "E002",
        "E101",
    ]
    friday = TODAY - timedelta(days=3)
    assert [a.employee_id for a in selectors.not_reported(everyone, friday)] == ["E001", "E101"]
    assert selectors.not_reported_rows(everyone, TODAY) == [
        {"employee_id": "E002", "name": "Bob Baker", "class_code": "AET-A"},
        {"employee_id": "E101", "name": "Liz Lane", "class_code": "LIC-B"},
    ]


# -- the staff actions -------------------------------------------------------------------------------


def test_a_tl_sends_and_revokes_their_agents_link_and_is_sent_back(people, client):
    client.force_login(people["tl"])
    url = reverse("selfreport:link", args=["E001"])
    response = client.post(url, {"action": "send", "next": "/today/"})
    assert response.status_code == 302 and response["Location"] == "/today/"
    assert messages_of(response) == [
        "A new self-report link was e-mailed to Ann Able (work and personal e-mail); "
        "earlier links no longer work."
    ]
    assert OutboxMessage.objects.get().to == ["ann@cxp.example", "ann@mail.example"]
    link = SelfReportLink.objects.get()
    assert link.created_by == people["tl"]

    response = client.post(url, {"action": "revoke", "next": "https://evil.example/"})
    assert response["Location"] == "/agents/E001/#self-report"  # no open redirect
    assert messages_of(response)[-1] == "The self-report link of Ann Able was revoked."
    link.refresh_from_db()
    assert link.revoked_by == people["tl"]
    response = client.post(url, {"action": "revoke"})
    assert messages_of(response)[-1] == "Ann Able had no active self-report link."


@pytest.mark.parametrize(
    ("who", "employee_id"),
    [("other_tl", "E001"), ("tl", "E101"), ("agent", "E001"), ("wfm", "E001")],
)
def test_it_refuses_the_link_actions_outside_the_users_scope_or_role(
    people, client, who, employee_id
):
    services.link_issue(agent(employee_id), actor=None)
    client.force_login(people[who])
    for action in ("send", "revoke"):
        response = client.post(reverse("selfreport:link", args=[employee_id]), {"action": action})
        assert response.status_code == 404, action
    assert not OutboxMessage.objects.exists()
    assert SelfReportLink.objects.get().revoked_at is None


def test_a_tl_emails_links_to_every_active_agent_of_their_class(people, client):
    fact_record(
        agent=agent("E002"), day=TODAY - timedelta(days=1), kind="status", item="employment",
        value="resigned",
    )  # fmt: skip
    client.force_login(people["tl"])
    response = client.post(reverse("selfreport:class_send", args=["AET-A"]))
    assert response.status_code == 302 and response["Location"] == "/classes/AET-A/"
    assert messages_of(response) == ["Self-report links e-mailed to 1 agent of AET-A."]
    assert [m.to for m in OutboxMessage.objects.all()] == [["ann@cxp.example", "ann@mail.example"]]

    assert client.post(reverse("selfreport:class_send", args=["LIC-B"])).status_code == 404
    client.force_login(people["wfm"])
    assert client.post(reverse("selfreport:class_send", args=["AET-A"])).status_code == 404
    assert OutboxMessage.objects.count() == 1
    assert client.get(reverse("selfreport:class_send", args=["AET-A"])).status_code == 404


# -- the snippets other pages include ----------------------------------------------------------------


def render(user, text: str, **context) -> str:
    request = RequestFactory().get("/agents/E001/")
    request.user = user
    if "agent" in context:  # the agent page's part, as the page reads it (esp.progress.hooks)
        context.update(selectors.agent_page_context(user, context["agent"], None))
    return Template("{% load selfreport_tags %}" + text).render(
        Context({"request": request, "csrf_token": "t", **context})
    )


def test_the_agent_page_snippet_shows_the_link_and_its_buttons_to_editors_only(people):
    ann = agent("E001")
    html = render(people["tl"], "{% self_report_link selfreport_panel %}", agent=ann)
    assert "No active link." in html and "Send a new link" in html
    assert "Revoke link" not in html
    services.link_issue(ann, actor=people["tl"])
    html = render(people["tl"], "{% self_report_link selfreport_panel %}", agent=ann)
    assert "Active until 12/14/2026, sent 11/30/2026 by Tl One; not used yet." in html
    assert 'value="revoke"' in html and 'action="/self-reports/E001/link/"' in html
    assert 'name="next" value="/agents/E001/#self-report"' in html
    assert (
        render(people["agent"], "{% self_report_link selfreport_panel %}", agent=ann).strip() == ""
    )


def test_the_today_snippet_lists_who_has_not_reported_with_send_buttons(people):
    rows = selectors.not_reported_rows(Agent.objects.all(), TODAY)
    html = render(people["tl"], "{% not_reported_list rows %}", rows=rows)
    assert "No self-report today (3)" in html
    assert html.count('action="/self-reports/class/') == 2
    assert 'action="/self-reports/class/AET-A/send/"' in html
    assert html.count('value="send"') == 3
    assert render(people["wfm"], "{% not_reported_list rows %}", rows=rows).count("<form") == 0
    assert render(people["tl"], "{% not_reported_list rows %}", rows=[]).strip() == ""


# -- links end with the agent's time in the program; one report a day (issue 12 item 8) ------------


def assert_ended(response):
    """410, a plain "this link has ended" page: no form, no agent, no links anywhere."""
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has ended" in page
    for absent in ("<form", "<textarea", "Ann", "E001", "href=", "Sign out"):
        assert absent not in page, absent


@pytest.mark.parametrize("status", ["termed", "resigned", "withdrawn"])
def test_it_ends_the_link_once_the_agent_is_termed_resigned_or_withdrawn(people, client, status):
    """Issue 12 item 8 (SPEC R-N1, R-P3): an employment status that ends the agent's time in
    the program ends their self-report link: a plain page, no form, no report, no new link."""
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    employment_set(agent=agent("E001"), status=status, day=TODAY, actor=people["pm"])
    assert_ended(client.get(path))
    assert_ended(client.post(path, {"finished": "Module 5"}))
    assert not self_reports("E001").exists()
    with pytest.raises(services.LinkEnded):
        services.report_submit(
            SelfReportLink.objects.get(), finished="Module 5", blocked="", now=NOW
        )
    assert not self_reports("E001").exists()

    client.force_login(people["tl"])
    response = client.post(reverse("selfreport:link", args=["E001"]), {"action": "send"})
    assert messages_of(response) == [
        "No link was sent: Ann Able (E001) has left the program or was transferred to "
        "production: self-report links no longer work for them."
    ]
    assert not OutboxMessage.objects.exists()
    assert SelfReportLink.objects.count() == 1

    # The agent page says why, offers no new link, and still lets the TL revoke the old one.
    html = render(people["tl"], "{% self_report_link selfreport_panel %}", agent=agent("E001"))
    assert (
        "Self-reports have ended: Ann Able left the program or was transferred to production, "
        "so the link above no longer takes reports." in html
    )
    assert 'value="send"' not in html and 'value="revoke"' in html


def test_it_ends_the_link_once_the_agent_is_transferred(people, client, monday_november_30):
    """Issue 12 item 8 (SPEC R-N1, R-X1): the transfer task done ends the link, from that day
    on; the day before it still works."""
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    task_status_set(
        agent=agent("E001"), task="transfer", status="done", day=TODAY + timedelta(days=1),
        actor=None,  # the ESP Manager's transfer checklist (R-X2) records it
    )  # fmt: skip
    assert client.get(path).status_code == 200
    monday_november_30.shift(timedelta(days=1))
    assert_ended(client.get(path))
    assert_ended(client.post(path, {"finished": "Transferred"}))
    assert not self_reports("E001").exists()
    assert client.get(path_of(services.link_issue(agent("E002"), actor=None))).status_code == 200


def test_it_takes_one_report_a_day_and_refuses_a_second_with_a_plain_message(
    people, client, monday_november_30
):
    """Issue 12 item 8 (SPEC R-N1, R-N5): one self-report per day in the program's time zone;
    a second the same day is refused (the first stays) and the page shows today's report
    instead of the form; the next day the form is back."""
    path = path_of(services.link_issue(agent("E001"), actor=people["tl"]))
    assert client.post(path, {"finished": "Module 1"}).status_code == 302
    page = client.get(f"{path}?sent=1").content.decode()
    assert "Your report was recorded" in page and "Finished: Module 1" in page
    assert "<form" not in page and "one report a day" in page

    response = client.post(path, {"finished": "Module 2 as well"})
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "You already sent your report for 11/30/2026. One report a day is recorded; you can "
        "send the next one tomorrow." in page
    )
    assert "<form" not in page
    assert [f.note for f in self_reports("E001")] == ["Finished: Module 1"]
    with pytest.raises(services.AlreadyReported):
        services.report_submit(
            selectors.link_for_token(token_of(path)), finished="Again", blocked="", now=NOW
        )

    # 11:30 PM in Chicago is still Monday; just after midnight is Tuesday.
    monday_november_30.move_to(datetime(2026, 11, 30, 23, 30, tzinfo=CHICAGO))
    assert client.post(path, {"finished": "Late"}).status_code == 409
    monday_november_30.move_to(datetime(2026, 12, 1, 0, 5, tzinfo=CHICAGO))
    assert "<form" in client.get(path).content.decode()
    assert client.post(path, {"finished": "Module 2"}).status_code == 302
    assert [(f.date, f.note) for f in self_reports("E001").order_by("pk")] == [
        (TODAY, "Finished: Module 1"),
        (TODAY + timedelta(days=1), "Finished: Module 2"),
    ]
