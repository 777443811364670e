"""Immediate notifications through the outbox (R-N3, R-N4a, R-N4b, R-P2, R-C4).

Facts enter through `esp import activity` (or a form) with the clock at a chosen moment:
only news is notified — facts dated today or on the previous business day — each once, to
the people the rule names. Classes and agents are tests/test_reports.py's.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from esp.mailing.models import OutboxMessage, Schedule
from esp.mailing.runs import send_round
from esp.mailing.services.lists import list_set
from esp.mailing.services.outbox import BACKOFF
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.progress.notifications import notify_after_facts
from esp.roster.models import Agent
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

CHICAGO = ZoneInfo("America/Chicago")
HEADER = "date,employee_id,kind,item,value,by,note"
MANAGERS = ["esp.manager@cxp.example", "second.manager@cxp.example"]
OPS_MANAGEMENT = ["ops.director@cxp.example"]
LICENSING = ["licensing@cxp.example", "proctor@cxp.example"]
PM, TL = "pm.one@cxp.example", "tl.one@cxp.example"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def people(program, write, esp):
    """Lists set, classes and roster imported (no activity yet); no scheduled reports."""
    ensure_lists_and_schedules(program, active_from=date(2026, 11, 2))
    Schedule.objects.update(is_active=False)
    list_set("esp_managers", MANAGERS)
    list_set("ops_management", OPS_MANAGEMENT)
    list_set("licensing", LICENSING)
    list_set("ops_leadership", ["ops.leader@cxp.example"])  # not a recipient of any of these
    with time_machine.travel(at(date(2026, 11, 2), 8), tick=False):
        for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
            code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
            assert code == 0, err
    OutboxMessage.objects.all().delete()  # the staff invitations of the import: not ours
    return program


@pytest.fixture
def record(esp, write):
    """Import activity rows with the clock at `when`; returns the command's output."""

    def record(rows: str, when: datetime) -> str:
        with time_machine.travel(when, tick=False):
            code, out, err = esp("import", "activity", write(HEADER + "\n" + rows.strip()))
        assert code == 0, err
        return out

    return record


def history_until(last: date) -> str:
    """The scenario's activity rows dated on or before `last`."""
    rows = ACTIVITY.strip().splitlines()[1:]
    return "\n".join(row for row in rows if date.fromisoformat(row[:10]) <= last)


def notifications(report: str | None = None):
    rows = OutboxMessage.objects.filter(list_key="notification").order_by("business_day", "pk")
    return rows.filter(report=report) if report else rows


# -- red flags (R-N4b) ---------------------------------------------------------------------------


def test_it_notifies_a_red_flag_raised_today_to_managers_ops_management_and_pm(
    people,
    record,
    smtp_server,  # noqa: F811
):
    monday = date(2026, 11, 9)
    record(f"{monday},E002,flag,raised,background_check,tl.one@cxp.example,Finding", at(monday))
    [row] = notifications()
    assert row.report == "red_flag" and row.status == OutboxMessage.PENDING
    assert row.to == sorted([*MANAGERS, *OPS_MANAGEMENT, PM])
    assert row.subject == "Red flag: Bob Baker (E002) — background-check finding"
    assert row.business_day == monday

    assert send_round(now=at(monday, 10, 1)).sent == 1
    [received] = smtp_server.messages
    assert sorted(received.rcpt_tos) == sorted([*MANAGERS, *OPS_MANAGEMENT, PM])
    assert "background-check finding" in received.message.get_body(("plain",)).get_content()

    # Resolving it the next day, or importing the same file again, sends nothing more.
    record(f"{monday},E002,flag,raised,background_check,tl.one@cxp.example,Finding", at(monday))
    record(
        "2026-11-10,E002,flag,resolved,background_check,pm.one@cxp.example,", at(date(2026, 11, 10))
    )
    assert notifications().count() == 1
    assert send_round(now=at(date(2026, 11, 10), 11)).sent == 0
    assert len(smtp_server.messages) == 1


def test_it_notifies_a_red_flag_raised_through_the_form(people, django_capture_on_commit_callbacks):
    from esp.progress.services import flag_raise

    agent = Agent.objects.get(employee_id="E006")
    with time_machine.travel(at(date(2026, 11, 24), 15), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            flag_raise(agent=agent, flag="needs_release", day=date(2026, 11, 24), actor=None)
    [row] = notifications()
    assert row.report == "red_flag"
    assert row.subject == "Red flag: Flo Fox (E006) — needs a release"
    assert row.to == sorted([*MANAGERS, *OPS_MANAGEMENT, PM])


def test_it_keeps_a_notification_until_the_mail_server_accepts_it(people, record, smtp_server):  # noqa: F811
    """Through the outbox: a mail server that is down delays a notification, never loses it."""
    monday = date(2026, 11, 9)
    record(f"{monday},E001,flag,raised,no_health_license,tl.one@cxp.example,", at(monday))
    smtp_server.fail_next(1)
    assert send_round(now=at(monday, 10, 1)).retrying == 1
    assert smtp_server.messages == []
    assert send_round(now=at(monday, 10, 1) + BACKOFF[0]).sent == 1
    [received] = smtp_server.messages
    assert received.key == notifications().get().key


# -- failed exams (R-N4a) -------------------------------------------------------------------------


def test_it_notifies_each_failed_exam_to_tl_pm_and_licensing_with_its_attempt(
    people,
    record,
    smtp_server,  # noqa: F811
):
    from esp.programs.models import TbtCourse

    TbtCourse.objects.create(program=people, number="1001", name="Medicare basics")
    record("2026-11-04,E004,exam,ahip,failed,licensing@cxp.example,", at(date(2026, 11, 4), 16))
    record("2026-11-05,E004,exam,ahip,failed,licensing@cxp.example,", at(date(2026, 11, 5), 16))
    record(
        """
2026-11-06,E004,exam,ahip,failed,licensing@cxp.example,Proctored
2026-11-06,E004,exam,carrier_cert,failed,licensing@cxp.example,
2026-11-06,E004,exam,tbt:1001,failed,tbt.sme@cxp.example,
2026-11-06,E004,exam,tbt:1001,failed,tbt.sme@cxp.example,
2026-11-06,E006,exam,ahip,passed,licensing@cxp.example,
""",
        at(date(2026, 11, 6), 16),
    )
    everything = list(notifications())
    # The third AHIP fail is also a red flag (tested on its own below).
    assert [r.report for r in everything].count("red_flag") == 1
    rows = [r for r in everything if r.report == "exam_failed"]
    assert len(rows) == 6
    assert [r.subject for r in rows] == [
        "Failed exam (1 of 3): Di Dunn (E004) — the AHIP final exam",
        "Failed exam (2 of 3): Di Dunn (E004) — the AHIP final exam",
        "Failed exam (3 of 3): Di Dunn (E004) — the AHIP final exam",
        "Failed exam (1 of 3): Di Dunn (E004) — the carrier certification exam",
        "Failed exam (1 of 3): Di Dunn (E004) — the TBT final exam 1001",
        "Failed exam (2 of 3): Di Dunn (E004) — the TBT final exam 1001",
    ]
    assert all(r.to == sorted([TL, PM, *LICENSING]) for r in rows)
    assert "coaching" in rows[0].text
    assert "written CAP" in rows[1].text and "proctored" in rows[1].text
    assert "final CAP" in rows[2].text and "termination review" in rows[2].text

    assert send_round(now=at(date(2026, 11, 6), 16, 5)).sent == 7
    exam_mail = [m for m in smtp_server.messages if "exam_failed" in m.key]
    assert sorted(m.key for m in exam_mail) == sorted(r.key for r in rows)
    assert all(sorted(m.rcpt_tos) == sorted([TL, PM, *LICENSING]) for m in exam_mail)


def test_it_reports_the_red_flag_of_a_third_failed_exam(people, record):
    """R-N4a: the third fail raises a red flag, which R-N4b reports to managers and ops."""
    for day in (date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)):
        record(f"{day},E004,exam,ahip,failed,licensing@cxp.example,", at(day, 16))
    recipients = {address for row in notifications() for address in row.to}
    assert set(MANAGERS) <= recipients and set(OPS_MANAGEMENT) <= recipients


# -- ESP complete and call certification (R-P2, R-C4, R-N3) ------------------------------------


def test_it_notifies_the_pm_once_when_an_agent_becomes_esp_complete(
    people,
    record,
    smtp_server,  # noqa: F811
):
    monday = date(2026, 11, 30)  # E001's RTS is done: every task but transfer (R-P2)
    history = history_until(monday)
    record(history, at(monday, 15))
    [row] = notifications("esp_complete")
    assert row.to == [PM]
    assert row.subject == "ESP complete: Ann Able (E001) is ready for transfer to production"
    assert row.business_day == monday

    # The same import again, a new fact for E001 the same day, a re-check: still once.
    assert "0 new" in record(history, at(monday, 16))
    record("2026-11-30,E001,equipment,verified,,tl.one@cxp.example,Rechecked", at(monday, 17))
    agent = Agent.objects.get(employee_id="E001")
    assert notify_after_facts([agent.pk], now=at(monday, 18)) == 0
    assert notify_after_facts([agent.pk], now=at(date(2026, 12, 1), 9)) == 0
    assert notifications("esp_complete").count() == 1

    send_round(now=at(monday, 18))
    send_round(now=at(date(2026, 12, 1), 9))
    assert [m.rcpt_tos for m in smtp_server.messages if m.key == row.key] == [(PM,)]


def test_it_notifies_a_failed_call_certification_to_the_pm_and_esp_managers(
    people,
    record,
    smtp_server,  # noqa: F811
):
    friday = date(2026, 11, 27)  # E002's fifth call: 2 of 5 passed (R-C4)
    record(history_until(friday), at(friday, 17))
    [row] = notifications("callcert_failed")
    assert row.to == sorted([PM, *MANAGERS])
    assert row.subject == "Call certification failed: Bob Baker (E002) — 40%"
    assert row.business_day == friday
    # the notice and, since issue 15 item 2, E002's workbook to the coordinator (an import too)
    assert send_round(now=at(friday, 17, 1)).sent == notifications().count() + 1
    [received] = [m for m in smtp_server.messages if m.key == row.key]
    assert sorted(received.rcpt_tos) == sorted([PM, *MANAGERS])
    assert "40%" in received.message.get_body(("plain",)).get_content()

    # Monday: Friday is the previous business day, so it is still news, but not twice.
    record(
        "2026-11-30,E002,note,,,tl.one@cxp.example,Talked about the calls", at(date(2026, 11, 30))
    )
    record(
        "2026-11-30,E002,task,producer_world,in_progress,tl.one@cxp.example,",
        at(date(2026, 11, 30)),
    )
    assert notifications("callcert_failed").count() == 1


# -- only news is notified ------------------------------------------------------------------------


def test_it_notifies_nothing_for_facts_older_than_the_previous_business_day(people, record):
    """A back-dated import (catch-up, migration) changes reports, not inboxes."""
    wednesday = date(2026, 12, 2)  # the previous business day is Tuesday 12/01
    record(
        history_until(date(2026, 11, 30))
        + """
2026-11-30,E006,flag,raised,background_check,tl.one@cxp.example,
2026-11-30,E004,exam,carrier_cert,failed,licensing@cxp.example,
2026-11-27,E002,exam,ahip,failed,licensing@cxp.example,
""",
        at(wednesday),
    )
    assert list(notifications()) == []
    assert OutboxMessage.objects.count() == 0


def test_it_notifies_the_previous_business_day_across_a_weekend(people, record):
    """On Monday, Friday's facts are news; Thursday's are not (R-T1)."""
    record(
        """
2026-11-05,E001,flag,raised,needs_release,tl.one@cxp.example,Thursday
2026-11-06,E002,flag,raised,needs_release,tl.one@cxp.example,Friday
2026-11-05,E004,exam,ahip,failed,licensing@cxp.example,Thursday
2026-11-06,E004,exam,ahip,failed,licensing@cxp.example,Friday
""",
        at(date(2026, 11, 9), 8) - timedelta(minutes=1),
    )
    assert [(r.report, r.business_day) for r in notifications()] == [
        ("red_flag", date(2026, 11, 6)),
        ("exam_failed", date(2026, 11, 6)),
    ]
    assert notifications("exam_failed").get().subject.startswith("Failed exam (2 of 3)")
