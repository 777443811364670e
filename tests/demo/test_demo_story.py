"""The demo season tells one story (issue 17 item 12; what issues 15 and 18 need of it): its
moments follow its "now" and business hours, a note agrees with the agent's state, TBT proofs
come after TBT access, failed AHIP attempts come after the AHIP modules, a quoted self-report
reads as one sentence, the outlook learns from the demo's finished classes, and the ESP
Manager's "undo uptraining" list has an agent on the first click.

One demo load (at 6:10 AM, before the rooms open: the day so far is the previous business
day's end) serves the whole story; the pure parts are checked without a database."""

from __future__ import annotations

from datetime import date, datetime, time

import time_machine
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client

from esp.callqueue.models import CertifierConnection
from esp.demo.load import load_demo, note_to_agent
from esp.demo.moments import stamped_fields
from esp.demo.season import generate_season
from esp.demo.season_data import CALL_PASS_MARK, DEMO_SEASON_AGES
from esp.demo.touchups import touch_up
from esp.mailing.models import OutboxMessage
from esp.operations.selectors import undo_uptraining
from esp.pace.defaults import TASK_ONLY
from esp.pace.models import ModuleProgress, PaceModule
from esp.progress.models import Fact, Proof
from esp.reports.mailed import undo_lines
from esp.reports.services import outlook_for
from esp.roster.models import Agent
from esp.rules.calendar import BusinessCalendar
from esp.rules.outlook.learn import MIN_ANALOGS, clipped, first_level
from esp.selfreport.services import _emailed_problem
from esp.tbt.models import TbtAccess
from tests.demo.test_demo_load import CHICAGO, EARLY, demo, today  # noqa: F401 - fixtures

WORKING = datetime(2026, 12, 1, 18, 0, tzinfo=CHICAGO)  # Tuesday's end, the demo's "now"
#: Moments that lie ahead by nature: a link's end, mail still to send.
AHEAD = {("selfreport", "expires_at"), ("mailing", "next_attempt_at")}


def _sign_in(email: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


def test_the_demo_tells_one_story(today):  # noqa: F811
    program = today
    _no_moment_after_now_or_at_night()
    _the_note_to_the_agent_agrees_with_their_state(program)
    _tbt_proofs_and_tbts_come_after_access()
    _failed_ahip_attempts_come_after_the_ahip_modules()
    _the_outlook_learns_from_the_finished_classes(program)
    _the_undo_uptraining_list_shows_on_the_first_click(program)
    _a_quoted_self_report_reads_as_one_sentence()
    _licensing_is_complete_only_when_it_is()


def _no_moment_after_now_or_at_night() -> None:
    """Item 1: calls were shown as scored at 3 AM today (the real clock at load)."""
    assert not Fact.objects.filter(date__gt=WORKING.date()).exists()
    checked = 0
    for model, name in stamped_fields():
        for value in model.objects.exclude(**{name: None}).values_list(name, flat=True):
            local = value.astimezone(CHICAGO)
            if (model._meta.app_label, name) in AHEAD and local > EARLY:
                continue
            assert local <= WORKING, (model.__name__, name, local)
            assert time(8) <= local.time() <= time(18), (model.__name__, name, local)
            checked += 1
    assert checked > 1000
    pending = OutboxMessage.objects.filter(status=OutboxMessage.PENDING)
    assert not pending.filter(next_attempt_at__lte=EARLY).exists()


def _the_note_to_the_agent_agrees_with_their_state(program) -> None:
    """Item 2: a TL note told an ESP-complete agent to finish their TBTs."""
    note = Fact.objects.get(kind="note", to_agent=True)
    facts = Fact.objects.filter(agent=note.agent, date__lte=note.date)
    scores = dict(facts.filter(kind="call").order_by("date", "pk").values_list("item", "value"))
    passed = sum(1 for s in scores.values() if int(s) >= CALL_PASS_MARK)
    tbt_done = facts.filter(kind="task", item="tbt", value="done").exists()
    expected = note_to_agent(
        tbt_done=tbt_done,
        calls=len(scores),
        certified=passed >= program.calls_per_agent - 1,
        calls_per_agent=program.calls_per_agent,
    )
    assert note.note == expected
    if tbt_done:
        assert "finish the last" not in note.note
    if scores:
        assert "first certification call" not in note.note


def _licensing_is_complete_only_when_it_is() -> None:
    """The role walk: 'licensing is complete' on 11/12, Producer World done on 11/13."""
    reports = Fact.objects.filter(kind="self_report", note__contains="licensing is complete")
    assert reports.exists()
    for report in reports:
        done = Fact.objects.filter(
            agent=report.agent, kind="task", value="done", date__lte=report.date
        )
        items = set(done.values_list("item", flat=True))
        assert {"producer_world", "ahip", "carrier_cert"} <= items, report.agent.employee_id


def test_the_note_to_the_agent_follows_each_state():
    def note(tbt_done, calls, certified):
        return note_to_agent(tbt_done=tbt_done, calls=calls, certified=certified, calls_per_agent=5)

    assert "ESP complete" in note(True, 5, True) and "finish" not in note(True, 5, True)
    assert "finish the last ones and you are ESP complete" in note(False, 5, True)
    assert "all done. 2 of 5 certification calls scored" in note(True, 2, False)
    assert "alongside your certification calls (3 of 5" in note(False, 3, False)
    assert "Your certification calls are next" in note(True, 0, False)
    assert "before your first certification call" in note(False, 0, False)
    for state in ((True, 5, True), (False, 5, True), (True, 2, False), (True, 0, False)):
        assert note(*state).startswith("Good progress on the TBTs")


def _tbt_proofs_and_tbts_come_after_access() -> None:
    """Item 3: TBT proofs existed for agents without TBT (Citrix) access."""
    proofs = Proof.objects.filter(item__startswith="tbt:").select_related("agent")
    assert proofs.count() >= 3
    access = dict(TbtAccess.objects.values_list("agent_id", "granted_on"))
    for proof in proofs:
        assert proof.agent_id in access, proof.agent.employee_id
        assert access[proof.agent_id] <= proof.submitted_at.astimezone(CHICAGO).date()
    done = Fact.objects.filter(kind="task", item="tbt", value="done")
    for agent_id, day in done.filter(agent__tbt_access__isnull=False).values_list(
        "agent_id", "date"
    ):
        assert access[agent_id] <= day
    waiting = Agent.objects.filter(tbt_access__isnull=True, training_class__tbt_smes__isnull=False)
    assert waiting.exists()  # some still wait for their access
    assert not done.filter(agent__in=waiting).exists()


def _failed_ahip_attempts_come_after_the_ahip_modules() -> None:
    """Item 4: an agent who failed AHIP twice had 'missing AHIP module 2' open."""
    modules = PaceModule.objects.filter(key__startswith="ahip_").exclude(key__in=TASK_ONLY)
    graded = set(ModuleProgress.objects.values_list("agent_id", flat=True))
    sat = Fact.objects.filter(kind="exam", item="ahip", agent__in=graded)
    assert sat.filter(value="failed").exists()
    for agent_id, day in sat.order_by("-date").values_list("agent_id", "date"):
        done = ModuleProgress.objects.filter(
            agent_id=agent_id, module__in=modules, done_on__lte=day
        )
        assert done.count() == modules.count(), (agent_id, day)


def _the_outlook_learns_from_the_finished_classes(program) -> None:
    """Item 6 (issue 18): enough finished history that no forecast falls back."""
    outlook = outlook_for(program, EARLY.date())
    durations = outlook.durations
    assert len(durations.analogs) >= 2 * MIN_ANALOGS
    extensions = [a for a in outlook.agents if a.p_extension is not None]
    assert extensions
    for agent in extensions:
        assert durations.p_extension(clipped(agent.age), agent.state, first_level(agent.age))
    forecasts = [a.complete for a in outlook.agents if a.complete is not None]
    assert sum(f.level is not None for f in forecasts) > len(forecasts) / 2
    page = _sign_in("manager@esp.example").get(f"/today/?as_of={EARLY.date()}")
    assert "Extensions ahead" in page.content.decode()
    page = _sign_in("coordinator@esp.example").get(f"/today/?as_of={EARLY.date()}")
    assert "Certifiers ahead" in page.content.decode()


def _the_undo_uptraining_list_shows_on_the_first_click(program) -> None:
    """Item 7 (issue 15, R-E3): an agent moved to the uptraining class, Call Certs passed."""
    rows = undo_uptraining(program, EARLY.date())
    assert [r["reason"] for r in rows] == ["passed"]
    assert undo_lines(program, EARLY.date())
    page = _sign_in("manager@esp.example").get(f"/today/?as_of={EARLY.date()}")
    assert "Undo uptraining (1)" in page.content.decode()


def _a_quoted_self_report_reads_as_one_sentence() -> None:
    """Item 5: 'reported — “Finished my certification calls.”.'"""
    report = Fact.objects.filter(kind="self_report", note__endswith=".").first()
    html = render_to_string(
        "selfreport/_agent_link.html",
        {"can_record": True, "agent": report.agent, "today": report.date, "report": report},
    )
    assert "”." not in html and f"“{report.note}”" in html
    message = _emailed_problem(report.agent, report.date, report.date)
    assert "”." not in message and "”. One report" not in message, message


def test_the_demo_season_has_its_own_classes():
    """`generate_season` with the demo's class ages: more finished classes (issue 18), the
    generator's default ages (the benchmark's season) left as they were."""
    calendar = BusinessCalendar.us()
    as_of = date(2026, 12, 2)
    season = generate_season(
        as_of=as_of,
        agents=12 * len(DEMO_SEASON_AGES),
        calendar=calendar,
        class_ages=DEMO_SEASON_AGES,
    )
    starts = sorted(date.fromisoformat(k["start_date"]) for k in season.classes)
    ages = sorted((calendar.age(s, as_of) for s in starts), reverse=True)
    assert ages == sorted(DEMO_SEASON_AGES, reverse=True)
    default = generate_season(as_of=as_of, agents=72, calendar=calendar)
    assert len(default.classes) == 6 and not default.uptrained


def test_the_touches_date_nothing_after_the_demos_working_day():
    calendar = BusinessCalendar.us()
    as_of, last = date(2026, 12, 2), date(2026, 12, 1)
    season = generate_season(
        as_of=as_of,
        agents=12 * len(DEMO_SEASON_AGES),
        calendar=calendar,
        class_ages=DEMO_SEASON_AGES,
    )
    assert any(r["date"] == as_of.isoformat() for r in season.activity)
    touched = touch_up(season, as_of, calendar, last=last)
    assert max(r["date"] for r in touched.activity) == last.isoformat()
    [(employee_id, moved_on)] = touched.uptrained
    calls = {
        r["date"]
        for r in touched.activity
        if r["employee_id"] == employee_id and r["kind"] == "call"
    }
    assert calls == {last.isoformat()} and moved_on < last.isoformat()


MIDDAY = datetime(2026, 12, 2, 11, 0, tzinfo=CHICAGO)  # the working day has begun


def test_during_the_working_day_the_moments_lead_up_to_now(db, settings, tmp_path):
    """At 11 AM the day's own facts are there, every moment before 11 AM and after 8 AM of
    its day, and a certifier is connected with an agent (R-C2: their Today shows the clock)."""
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(MIDDAY, tick=False):
        load_demo(login=("manager@esp.example", "demo-manager"))
        assert Fact.objects.filter(date=MIDDAY.date()).exists()
        assert not Fact.objects.filter(date__gt=MIDDAY.date()).exists()
        for model, name in stamped_fields():
            for value in model.objects.exclude(**{name: None}).values_list(name, flat=True):
                local = value.astimezone(CHICAGO)
                if (model._meta.app_label, name) in AHEAD and local > MIDDAY:
                    continue
                assert local <= MIDDAY and time(8) <= local.time() <= time(18), (name, local)
        connection = CertifierConnection.objects.get(closed_at__isnull=True)
        assert connection.certifier.email == "certifier1@esp.example"
        page = _sign_in("certifier1@esp.example").get("/today/").content.decode()
        assert connection.agent.name in page and "10:10 AM" in page
