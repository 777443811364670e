"""`esp report outlook` (issue 18 item 6, SPEC §15) through the whole path on the scenario of
test_reports.py, and replay with no peeking (item 7).

AET-A: ESP from Wed 11/25/2026 (11/26 Thanksgiving): ESP day 3 is Mon 11/30, day 5 Wed
12/02. No class has finished ESP: no history, so the program's timeframes answer.
"""

import json

import pytest

from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def outlook(esp, as_of, *extra):
    code, out, err = esp("report", "outlook", "--as-of", as_of, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def line(employee_id, class_code, p, p50, p90):
    return {
        "employee_id": employee_id,
        "class_code": class_code,
        "p_extension": p,
        "esp_complete_p50": p50,
        "esp_complete_p90": p90,
    }


def day(iso, ready, needed):
    return {
        "day": iso,
        "agents_ready_expected": ready,
        "certifiers_needed": needed,
        "certifiers_available": None,  # no certifier account, no availability recorded
    }


def test_the_outlook_json_contract(scenario, esp):
    report = outlook(esp, "2026-11-30")
    assert list(report) == ["report", "as_of", "agents", "classes", "certifiers"]
    assert report["as_of"] == "2026-11-30"
    # E001: ESP complete on 11/30 (RTS that day, calls passed 4/5): known, no p_extension.
    # E002: three calls failed: certain to need an extension; never ESP complete.
    # The rest by the fallback (esp.rules.outlook.fallback; nobody's readiness is marked,
    # so the ESP calendar says it is done after ESP day 2):
    # E004: call certs marked done (no p_extension); TBTs (8 hours) and AHIP and the carrier
    # cert (4 each) open: 2 days; done 2 of the ESP's 3 in 2, so the pace ahead at least 2/3:
    # p50 at 0.875 → 2 days (ESP day 4, 12/01), p90 at 5/3 → 4 days (ESP day 6, 12/03).
    # E003 termed: not in flight. E005 moved to AET-B (ESP 12/09), nothing done: 4.5 days
    # at the ESP's pace, p50 2/3 → ESP day 3, p90 1 → 5 days, ESP day 5; an extension past
    # pace 5/3: 5%. E006: TBTs done, calls not started on ESP day 3: the wait for a certifier
    # and the calls, 1.5 days; the pace at least 4/7: 7% past pace 2 (3 days left).
    assert report["agents"] == [
        line("E001", "AET-A", None, "2026-11-30", "2026-11-30"),
        line("E002", "AET-A", 1.0, None, None),
        line("E004", "AET-A", None, "2026-12-01", "2026-12-03"),
        line("E006", "AET-A", 0.07, "2026-12-01", "2026-12-02"),
        line("E005", "AET-B", 0.05, "2026-12-11", "2026-12-15"),
    ]
    # AET-A: E002 certain, E006 7 in 100; its last agent through call certs is E006.
    assert report["classes"] == [
        {
            "class_code": "AET-A",
            "extensions_expected": 1.07,
            "call_certs_done_p50": "2026-12-01",
            "call_certs_done_p90": "2026-12-02",
        },
        {
            "class_code": "AET-B",
            "extensions_expected": 0.05,
            "call_certs_done_p50": "2026-12-10",
            "call_certs_done_p90": "2026-12-11",
        },
    ]
    # E006 waits for a certifier: tomorrow at a pace up to 2 (18 of the 20 points), else
    # 12/02 or 12/03; E005 (the readiness and the TBTs before the first call, 2.5 days) on
    # its ESP day 2 up to pace 0.8 (13 points), day 3 up to 1.2 (5), the rest later. One
    # certifier takes an agent's four hours in a day.
    assert report["certifiers"] == [
        day("2026-12-01", 0.9, 1),
        day("2026-12-02", 0.05, 0),
        day("2026-12-03", 0.05, 0),
        *(day(d, 0.0, 0) for d in ("2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09")),
        day("2026-12-10", 0.65, 1),
        day("2026-12-11", 0.25, 1),
        day("2026-12-14", 0.0, 0),
    ]


def test_one_class_and_the_text_and_csv_formats(scenario, esp):
    report = outlook(esp, "2026-11-30", "--class", "AET-B")
    assert [a["employee_id"] for a in report["agents"]] == ["E005"]
    assert [c["class_code"] for c in report["classes"]] == ["AET-B"]
    assert len(report["certifiers"]) == 10  # the certifiers serve every class
    code, out, _ = esp("report", "outlook", "--as-of", "2026-11-30")
    assert code == 0
    assert "Outlook report as of 11/30/2026" in out and "12/10/2026" in out and "100%" in out
    code, out, _ = esp("report", "outlook", "--as-of", "2026-11-30", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("section,employee_id,class_code,p_extension,esp_complete_p50")
    assert lines[2] == "agents,E002,AET-A,1.0,,,,,,,,,"


def test_a_fact_dated_after_the_as_of_day_never_changes_that_days_outlook(scenario, esp, write):
    before = outlook(esp, "2026-11-30")
    later = """
date,employee_id,kind,item,value,by,note
2026-12-01,E002,task,call_cert,done,tl.one@cxp.example,
2026-12-01,E006,call,3,90,certifier2@cxp.example,
2026-12-01,E004,status,employment,termed,pm.one@cxp.example,
"""
    code, _, err = esp("import", "activity", write(later, "later.csv"))
    assert code == 0, err
    assert outlook(esp, "2026-11-30") == before
    assert outlook(esp, "2026-12-01") != before


def test_a_class_without_a_roster_counts_in_the_weeks_ahead(scenario, esp, write):
    """AET-C starts 11/30 (ESP 12/22, no roster yet): it counts with the mean class size
    (AET-A's six agents): by the fallback 0.9 of them have their first call in its ESP week
    (on its ESP day 2 or 3), with E005's last point (12/21) 5.45; the rest the weeks after."""
    from datetime import date

    from esp.programs.models import Program
    from esp.reports.outlook import outlook_for

    more = "class_code,program,campaign,site,start_date\nAET-C,esp-aetna,Aetna,SLC,2026-11-30\n"
    code, _, err = esp("import", "classes", write(more, "more.csv"))
    assert code == 0, err
    weeks = outlook_for(Program.objects.get(), date(2026, 11, 30)).weeks
    by_monday = {w.monday: w.agents_ready_expected for w in weeks}
    assert by_monday[date(2026, 12, 21)] == pytest.approx(6 * 0.9 + 0.05)
    assert by_monday[date(2026, 12, 28)] + by_monday[date(2027, 1, 4)] == pytest.approx(0.6)


def test_pages_read_the_outlook_kept_for_the_day_and_the_worker_refreshes_it(scenario):
    """Issue 14 with issue 18: a page never recomputes the season's outlook (seconds at
    20,000 agents) — the first one of the day builds and keeps it; after that the worker
    builds it again once the facts changed and the kept one is older than REFRESH."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from esp.programs.models import Program
    from esp.progress.models import Fact
    from esp.reports import services
    from esp.reports.models import OutlookDay
    from esp.roster.models import Agent

    program, as_of = Program.objects.get(), date(2026, 11, 30)
    now = datetime(2026, 11, 30, 0, 5, tzinfo=ZoneInfo("America/Chicago"))
    first = services.pages_outlook(program, as_of)
    assert OutlookDay.objects.count() == 1 and first.agents
    kept = OutlookDay.objects.get()
    assert services.pages_outlook(program, as_of) == first  # read, not built again
    assert OutlookDay.objects.get().built_at == kept.built_at

    kept.built_at = now
    kept.save()
    assert services.build_outlooks(now=now + timedelta(minutes=40)) == 0  # nothing changed
    Fact.objects.create(
        agent=Agent.objects.get(employee_id="E002"),
        kind="task",
        item="tbt",
        value="done",
        date=as_of,
        by="tl.one@cxp.example",
    )
    assert services.build_outlooks(now=now + timedelta(minutes=10)) == 0  # kept is recent
    assert services.build_outlooks(now=now + timedelta(minutes=40)) == 1
    assert OutlookDay.objects.get().built_at == now + timedelta(minutes=40)


def test_the_backtest_command_prints_its_figures_and_the_calibration_per_decile(scenario, esp):
    """`esp outlook backtest` (issue 18 item 7): JSON with the Brier scores beside the two
    baselines, the calibration two days before ESP day 5 and pooled over 1–3 days, each
    decile with its count and whether it is within 10 points (too few agents here to say)."""
    code, out, err = esp(
        "outlook", "backtest", "--from", "2026-11-27", "--to", "2026-12-01", "--format", "json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["days_replayed"] == 3
    assert [row["days_before_esp_day_5"] for row in result["extension"]] == [1, 2, 3]
    for key in ("calibration_2_days_before", "calibration_1_to_3_days_before"):
        assert len(result[key]) == 10
        assert {row["within_10_points"] for row in result[key]} == {None}
    code, out, _ = esp("outlook", "backtest", "--from", "2026-11-27", "--to", "2026-12-01")
    assert code == 0
    assert "Calibration 1 to 3 days before ESP day 5, pooled:" in out
    assert "within 10 points" in out and "too few to say" in out


def test_the_worker_builds_a_kept_outlook_again_when_the_rules_changed(scenario, monkeypatch):
    """A snapshot kept by older outlook rules (RULES_VERSION) is built again by the worker
    once older than REFRESH, though no fact changed."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from esp.programs.models import Program
    from esp.reports import services

    program = Program.objects.get()
    now = datetime(2026, 11, 30, 0, 5, tzinfo=ZoneInfo("America/Chicago"))
    services.outlook_day_build(program=program, as_of=now.date(), now=now)
    assert services.build_outlooks(now=now + timedelta(minutes=40)) == 0
    monkeypatch.setattr(services, "RULES_VERSION", services.RULES_VERSION + 1)
    assert services.build_outlooks(now=now + timedelta(minutes=40)) == 1
