"""Scheduled reports (R-N2, R-I1, R-I1a) sent exactly once per list and business day, on time or
late after downtime, never before the schedule's active-from date (SPEC §17 "no lost work").

The scenario is tests/test_reports.py's (class AET-A from 11/02/2026, Thanksgiving 11/26):
imported through the CLI, then rounds run with the time each test chooses. Mail goes to a real
SMTP server on loopback (tests/smtp.py).
"""

import csv
import io
import multiprocessing
import signal
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from esp.lib.render import XLSX_TYPE
from esp.mailing.models import OutboxMessage, Schedule
from esp.mailing.runs import send_round
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.reports.mailed import INCOMPLETION_COLUMNS
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

CHICAGO = ZoneInfo("America/Chicago")
MANAGERS = ["esp.manager@cxp.example", "second.manager@cxp.example"]
DAILY = "daily_incompletions"


def at(day: date, hour: int = 18, minute: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


def import_scenario(esp, write, when: datetime) -> None:
    """Classes, roster and activity through `esp import`, with the clock at `when`."""
    with time_machine.travel(when, tick=False):
        for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
            code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
            assert code == 0, err


@pytest.fixture
def scenario(program, write, esp):
    """The default lists and schedules, the ESP Managers list set, the scenario imported."""
    ensure_lists_and_schedules(program, active_from=date(2026, 11, 2))
    code, out, err = esp("lists", "set", "esp_managers", *MANAGERS)
    assert code == 0, err
    import_scenario(esp, write, at(date(2026, 12, 4), 8, 0))
    return program


def only_the_daily_report(active_from: date) -> Schedule:
    Schedule.objects.exclude(report=DAILY).update(is_active=False)
    Schedule.objects.filter(report=DAILY).update(active_from=active_from)
    return Schedule.objects.get(report=DAILY)


def daily_rows():
    return OutboxMessage.objects.filter(report=DAILY).order_by("business_day")


def received_daily(smtp_server):  # noqa: F811
    return [m for m in smtp_server.messages if m.key.startswith(f"{DAILY}|")]


def attachments(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


def subject(message) -> str:
    """The Subject header unfolded (a long encoded subject starts on a continuation line)."""
    return str(message["Subject"]).strip()


def xlsx_sheets(content: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        sheet.title: [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


# -- the daily incompletion report over real SMTP (R-N2, R-I1, R-I1a, R-I2) -------------------


def test_it_mails_the_daily_incompletion_report_over_smtp(
    program,
    write,
    esp,
    smtp_server,  # noqa: F811
    settings,
):
    ensure_lists_and_schedules(program, active_from=date(2026, 11, 2))
    code, out, err = esp("lists", "set", "esp_managers", "ESP.Manager@cxp.example", MANAGERS[1])
    assert code == 0, err
    Schedule.objects.filter(program=program).update(active_from=date(2026, 12, 2))
    import_scenario(esp, write, at(date(2026, 12, 2), 9, 0))

    with time_machine.travel(at(date(2026, 12, 2)), tick=False):
        code, out, err = esp("send-reports", "--as-of", "2026-12-02")
    assert code == 0, err
    assert "sent" in out

    received = {m.key: m for m in smtp_server.messages}
    assert len(received) == len(smtp_server.messages)  # no key twice
    daily = received[f"{DAILY}|esp_managers|2026-12-02"]
    # The TLs get theirs too (R-N5), each their own.
    assert received["tl_checklist|tl:tl.one@cxp.example|2026-12-02"].rcpt_tos == (
        "tl.one@cxp.example",
    )
    assert received["tl_checklist|tl:tl.two@cxp.example|2026-12-02"].rcpt_tos == (
        "tl.two@cxp.example",
    )

    message = daily.message
    assert sorted(daily.rcpt_tos) == MANAGERS
    assert sorted(a.addr_spec for a in message["To"].addresses) == MANAGERS
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert subject(message) == "ESP daily incompletions 12/02/2026 — ESP — Aetna: 8 lines"

    text = message.get_body(("plain",)).get_content()
    assert "Producer World (after 1+ business days): 2" in text
    assert "Ann Able (E001), AET-A, SLC, TL Tl One: 2 business days — ESP complete but not" in text

    html = message.get_body(("html",)).get_content()
    for title in ("Producer World", "AHIP/Aetna", "TBT", "Call Cert"):
        assert f"{title} — after" in html
    assert "Transfer to production needed (1)" in html
    assert html.count("<table") == 5  # one table per section with lines
    assert "<td>Bob Baker</td><td>E002</td><td>AET-A</td><td>SLC</td>" in html
    assert "2 — not transferred" in html

    files = attachments(message)
    assert set(files) == {"incompletions-2026-12-02.csv", "incompletions-2026-12-02.xlsx"}
    content_type, content = files["incompletions-2026-12-02.csv"]
    assert content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(r["sheet"], r["employee_id"], r["age_business_days"]) for r in rows] == [
        ("Producer World", "E002", "18"),
        ("Producer World", "E005", "9"),
        ("AHIP/Aetna", "E004", "18"),
        ("AHIP/Aetna", "E005", "9"),
        ("TBT", "E004", "4"),
        ("Call Cert", "E002", "4"),
        ("Call Cert", "E006", "4"),
        ("Transfer to production needed", "E001", "2"),
    ]
    bob = rows[0]
    assert (bob["name"], bob["class_code"], bob["site"], bob["tl"]) == (
        "Bob Baker",
        "AET-A",
        "SLC",
        "Tl One",
    )
    assert bob["latest_note"] == "11/09/2026 - Tl One - Finish Producer World"

    content_type, content = files["incompletions-2026-12-02.xlsx"]
    assert content_type == XLSX_TYPE
    sheets = xlsx_sheets(content)
    assert list(sheets) == [
        "Producer World",
        "AHIP-Aetna",  # '/' cannot be in a sheet name
        "TBT",
        "Call Cert",
        "Transfer to production needed",
        "Transferred",
    ]
    assert sheets["AHIP-Aetna"][0] == tuple(INCOMPLETION_COLUMNS)
    assert [(r[0], r[1], r[2], r[5]) for r in sheets["AHIP-Aetna"][1:]] == [
        ("E004", "Di Dunn", "AET-A", 18),
        ("E005", "Ed Eng", "AET-B", 9),
    ]
    assert [r[0] for r in sheets["Transfer to production needed"][1:]] == ["E001"]
    assert sheets["Transferred"][1:] == []

    # Friday: Thursday's report is sent late, Friday's on time; E001 was transferred Thursday.
    smtp_server.clear()
    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        code, out, err = esp("send-reports")
    assert code == 0, err
    received = {m.key: m for m in received_daily(smtp_server)}
    assert set(received) == {f"{DAILY}|esp_managers|2026-12-03", f"{DAILY}|esp_managers|2026-12-04"}
    assert subject(received[f"{DAILY}|esp_managers|2026-12-03"].message).startswith("[late] ")
    friday = received[f"{DAILY}|esp_managers|2026-12-04"].message
    assert subject(friday) == "ESP daily incompletions 12/04/2026 — ESP — Aetna: 7 lines"
    assert (
        "Ann Able (E001), AET-A, transferred 12/03/2026"
        in friday.get_body(("plain",)).get_content()
    )  # issue 17: MM/DD/YYYY in mail
    sheets = xlsx_sheets(attachments(friday)["incompletions-2026-12-04.xlsx"][1])
    assert sheets["Transferred"] == [
        ("employee_id", "name", "class_code", "site", "tl", "transferred_on"),
        ("E001", "Ann Able", "AET-A", "SLC", "Tl One", datetime(2026, 12, 3)),  # noqa: DTZ001 (a date cell)
    ]
    assert sheets["Transfer to production needed"][1:] == []


def _csv_rows(program, day: date) -> list[dict]:
    from esp.mailing.models import DistributionList
    from esp.reports.mailed import daily_incompletions

    [outgoing] = daily_incompletions(
        program, day, distribution_list=DistributionList.objects.get(key="esp_managers")
    )
    csv_file = next(a for a in outgoing.message.attachments if a.filename.endswith(".csv"))
    return list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))


def test_it_puts_the_transfer_date_under_its_own_column_in_the_csv(scenario):
    """R-I1a: the CSV holds the same lines as the e-mail, each value under its own heading."""
    rows = _csv_rows(scenario, date(2026, 12, 4))
    [transferred] = [r for r in rows if r["sheet"] == "Transferred"]
    assert transferred["employee_id"] == "E001"
    assert transferred.get("transferred_on") == "2026-12-03"
    assert transferred["age_business_days"] in ("", None)


# -- on time, late, once (R-N2, §17) ----------------------------------------------------------


def test_it_sends_nothing_before_the_send_time_nor_on_days_off(scenario, smtp_server):  # noqa: F811
    only_the_daily_report(active_from=date(2026, 11, 25))
    assert send_round(now=at(date(2026, 11, 25), 17, 59)).planned == 0
    summary = send_round(now=at(date(2026, 11, 25), 18, 0))
    assert (summary.planned, summary.late) == (1, 0)
    for moment in (
        at(date(2026, 11, 25), 23, 59),
        at(date(2026, 11, 26), 18, 30),  # Thanksgiving
        at(date(2026, 11, 27), 17, 0),  # Friday, before the send time
    ):
        assert send_round(now=moment).planned == 0
    assert send_round(now=at(date(2026, 11, 27), 18, 20)).late == 0
    for moment in (at(date(2026, 11, 28)), at(date(2026, 11, 29), 23, 0)):  # the weekend
        assert send_round(now=moment).planned == 0
    assert [r.business_day for r in daily_rows()] == [date(2026, 11, 25), date(2026, 11, 27)]
    assert [r.status for r in daily_rows()] == [OutboxMessage.SENT] * 2
    assert not any(r.late for r in daily_rows())
    assert Counter(m.key for m in received_daily(smtp_server)) == {
        f"{DAILY}|esp_managers|2026-11-25": 1,
        f"{DAILY}|esp_managers|2026-11-27": 1,
    }


def test_it_sends_each_missed_business_day_once_late_after_downtime(scenario, smtp_server):  # noqa: F811
    """§17: the worker is off Wed 11/25 to Mon 11/30; Tuesday morning it sends 3 late reports."""
    only_the_daily_report(active_from=date(2026, 11, 23))
    for day in (date(2026, 11, 23), date(2026, 11, 24)):
        summary = send_round(now=at(day, 18, 5))
        assert (summary.planned, summary.late, summary.sent) == (1, 0, 1)

    back = at(date(2026, 12, 1), 9, 0)
    summary = send_round(now=back)
    assert (summary.planned, summary.late, summary.sent) == (3, 3, 3)
    for moment in (back, back + timedelta(minutes=1), at(date(2026, 12, 1), 12, 0)):
        assert send_round(now=moment).planned == 0  # running again sends nothing more
    summary = send_round(now=at(date(2026, 12, 1), 18, 5))
    assert (summary.planned, summary.late) == (1, 0)

    missed = [date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]
    rows = list(daily_rows())
    assert [r.business_day for r in rows] == [
        date(2026, 11, 23),
        date(2026, 11, 24),
        *missed,
        date(2026, 12, 1),
    ]
    assert [r.business_day for r in rows if r.late] == missed
    assert {r.status for r in rows} == {OutboxMessage.SENT}
    received = received_daily(smtp_server)
    assert Counter(m.key for m in received) == {r.key: 1 for r in rows}
    late = {
        m.key: m.message for m in received if m.key.endswith(tuple(d.isoformat() for d in missed))
    }
    assert len(late) == 3
    for day in missed:
        message = late[f"{DAILY}|esp_managers|{day.isoformat()}"]
        assert subject(message).startswith(f"[late] ESP daily incompletions {day:%m/%d/%Y}")
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(f"This report for {day:%m/%d/%Y} is sent late.")
        assert f"incompletions-{day.isoformat()}.xlsx" in attachments(message)


def test_it_never_sends_for_days_before_the_schedule_became_active(scenario, esp, smtp_server):  # noqa: F811
    """§17: first run ever on Tuesday 12/01, active from Wednesday 11/25: three days, no more."""
    only_the_daily_report(active_from=date(2026, 11, 25))
    with time_machine.travel(at(date(2026, 12, 1), 9, 0), tick=False):
        code, out, err = esp("send-reports", "--as-of", "2026-11-27")
        assert code == 0, err
        assert [r.business_day for r in daily_rows()] == [date(2026, 11, 25), date(2026, 11, 27)]
        code, out, err = esp("send-reports")
        assert code == 0, err
        assert out.startswith("planned 1 message(s), 1 of them late, sent 1")
        code, out, err = esp("send-reports")
        assert out.startswith("planned 0 message(s)")
    days = [date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]
    assert [r.business_day for r in daily_rows()] == days
    assert all(r.late and r.status == OutboxMessage.SENT for r in daily_rows())
    assert sorted(m.key for m in received_daily(smtp_server)) == [
        f"{DAILY}|esp_managers|{day.isoformat()}" for day in days
    ]


def test_it_refuses_an_as_of_date_in_the_future(scenario, esp):
    with time_machine.travel(at(date(2026, 12, 1), 9, 0), tick=False):
        code, out, err = esp("send-reports", "--as-of", "2026-12-02")
    assert code == 2 and "12/02/2026" in err and "future" in err
    assert not daily_rows().exists()


def test_it_runs_one_worker_round_with_the_clock(scenario, esp, smtp_server):  # noqa: F811
    only_the_daily_report(active_from=date(2026, 12, 3))
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        with time_machine.travel(at(date(2026, 12, 3), 18, 1), tick=False):
            code, out, err = esp("worker", "--once")
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])
    assert code == 0, err
    assert "planned 1 message(s), sent 1" in out
    assert [m.key for m in received_daily(smtp_server)] == [f"{DAILY}|esp_managers|2026-12-03"]


# -- two worker processes at once (PostgreSQL) -------------------------------------------------


def _worker_round(barrier, now: datetime) -> None:
    """In a forked child: its own database connection, then a round when both are ready."""
    connections.close_all()
    barrier.wait(timeout=30)
    send_round(now=now)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two worker processes need a shared server database: runs in the PostgreSQL pass "
    "(scripts/with-postgres); SQLite's test database is in memory",
)
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_per_list_when_two_worker_processes_race(
    program,
    write,
    esp,
    smtp_server,  # noqa: F811
):
    """§17: two `esp worker`s released together, same day, same database: one message each."""
    ensure_lists_and_schedules(program, active_from=date(2026, 12, 2))
    assert esp("lists", "set", "esp_managers", *MANAGERS)[0] == 0
    import_scenario(esp, write, at(date(2026, 12, 2), 8, 0))
    OutboxMessage.objects.all().delete()  # only the scheduled reports are raced here
    context = multiprocessing.get_context("fork")

    for day in (date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)):
        connections.close_all()  # the children must not share the parent's connection
        barrier = context.Barrier(2)
        workers = [context.Process(target=_worker_round, args=(barrier, at(day))) for _ in range(2)]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=60)
        finally:
            for worker in workers:
                if worker.is_alive():  # a child stuck at the barrier: end it, then fail
                    worker.kill()
                    worker.join()
        assert [w.exitcode for w in workers] == [0, 0]

        rows = OutboxMessage.objects.filter(business_day=day)
        keys = list(rows.values_list("key", flat=True))
        assert f"{DAILY}|esp_managers|{day.isoformat()}" in keys
        # (a list left empty, such as WFM here, is recorded as not sent: no recipients)
        assert {r.status for r in rows} <= {
            OutboxMessage.SENT,
            OutboxMessage.EMPTY,
            OutboxMessage.NO_RECIPIENTS,
        }
        sent = sorted(rows.filter(status=OutboxMessage.SENT).values_list("key", flat=True))
        received = Counter(m.key for m in smtp_server.messages if m.key.endswith(day.isoformat()))
        assert received == {key: 1 for key in sent}, "a message was sent twice or not at all"
        [daily] = [m for m in smtp_server.messages if m.key == f"{DAILY}|esp_managers|{day}"]
        assert sorted(daily.rcpt_tos) == MANAGERS
        assert all(r.attempts == 1 for r in rows.filter(status=OutboxMessage.SENT))
    assert Counter(m.key for m in smtp_server.messages).most_common(1)[0][1] == 1
