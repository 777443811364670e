"""The season generator (esp/demo/season.py): deterministic, and valid per SPEC §3, §4 and §15."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from esp.demo.season import (
    ACTIVITY_COLUMNS,
    CLASS_COLUMNS,
    PHASES,
    ROSTER_COLUMNS,
    Season,
    generate_season,
    write_season,
)
from esp.rules.calendar import BusinessCalendar, phase_starts

pytestmark: list = []

AS_OF = date(2026, 11, 23)
PHASE_ORDER = ("onboarding", "licensing", "training", "esp", "production")

TASK_ITEMS = {
    "producer_world",
    "ahip",
    "carrier_cert",
    "tbt",
    "call_cert",
    "equipment",
    "rts",
    "transfer",
    "readiness_day1",
    "readiness_shadowing",
}
TASK_PHASE = {
    "producer_world": "licensing",
    "ahip": "licensing",
    "carrier_cert": "licensing",
    "tbt": "esp",
    "call_cert": "esp",
    "equipment": "esp",
    "rts": "esp",
    "readiness_day1": "esp",
    "readiness_shadowing": "esp",
    "transfer": "production",
}
LADDER_PHASE = {
    "licensing": "licensing",
    "esp": "esp",
    "exams": "licensing",
    "attendance": "onboarding",
}
KIND_PHASE = {"exam": "licensing", "n_number": "licensing", "call": "esp", "equipment": "esp"}


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar.us()


@pytest.fixture(scope="module")
def demo(calendar) -> Season:
    return generate_season(as_of=AS_OF, agents=72, seed=1, calendar=calendar)


@pytest.fixture(scope="module")
def large(calendar) -> Season:
    return generate_season(as_of=AS_OF, agents=2400, seed=7, calendar=calendar)


@pytest.fixture(scope="module", params=["demo", "large"])
def season(request) -> Season:
    return request.getfixturevalue(request.param)


def class_phase_starts(season: Season, calendar) -> dict[str, dict[str, date]]:
    return {
        row["class_code"]: phase_starts(calendar, date.fromisoformat(row["start_date"]), PHASES)
        for row in season.classes
    }


def phase_as_of(starts: dict[str, date], as_of: date) -> str:
    current = "not_started"
    for key in PHASE_ORDER:
        if starts[key] <= as_of:
            current = key
    return current


# -- determinism and shape ------------------------------------------------------------------


def test_same_seed_same_rows(calendar, demo):
    again = generate_season(as_of=AS_OF, agents=72, seed=1, calendar=calendar)
    assert again == demo


def test_default_calendar_gives_the_same_rows(demo):
    assert generate_season(as_of=AS_OF, agents=72) == demo


def test_another_seed_other_rows(calendar, demo):
    other = generate_season(as_of=AS_OF, agents=72, seed=2, calendar=calendar)
    assert other.roster != demo.roster
    assert other.activity != demo.activity


def test_columns_exactly(season):
    assert CLASS_COLUMNS == [
        "class_code",
        "program",
        "campaign",
        "site",
        "start_date",
        "licensing_start",
        "training_start",
        "esp_start",
        "tl_emails",
        "pm_email",
    ]
    assert ROSTER_COLUMNS == [
        "employee_id",
        "first_name",
        "last_name",
        "work_email",
        "personal_email",
        "class_code",
        "site",
        "npn",
        "n_number",
        "tl_email",
        "pm_email",
        "equipment_owner",
    ]
    assert ACTIVITY_COLUMNS == ["date", "employee_id", "kind", "item", "value", "by", "note"]
    assert all(list(row) == CLASS_COLUMNS for row in season.classes)
    assert all(list(row) == ROSTER_COLUMNS for row in season.roster)
    assert all(list(row) == ACTIVITY_COLUMNS for row in season.activity)
    for rows in (season.classes, season.roster, season.activity):
        assert all(isinstance(value, str) for row in rows for value in row.values())


def test_sizes(demo, large):
    assert len(demo.classes) == 6 and len(demo.roster) == 72
    sizes = Counter(r["class_code"] for r in demo.roster)
    assert sizes == {c["class_code"]: 12 for c in demo.classes}
    assert len(large.classes) == 200 and len(large.roster) == 2400


def test_remainder_agents_are_kept(calendar):
    season = generate_season(as_of=AS_OF, agents=30, seed=3, calendar=calendar)
    assert len(season.classes) == 2 and len(season.roster) == 30
    season = generate_season(as_of=AS_OF, agents=5, seed=3, calendar=calendar)
    assert len(season.classes) == 1 and len(season.roster) == 5


def test_write_season_round_trip(demo, tmp_path):
    paths = write_season(demo, tmp_path / "out")
    assert set(paths) == {"classes", "roster", "activity"}
    for name, columns, rows in (
        ("classes", CLASS_COLUMNS, demo.classes),
        ("roster", ROSTER_COLUMNS, demo.roster),
        ("activity", ACTIVITY_COLUMNS, demo.activity),
    ):
        text = paths[name].read_text(encoding="utf-8")
        assert text.splitlines()[0] == ",".join(columns)
        assert "\r" not in text
        with paths[name].open(encoding="utf-8", newline="") as handle:
            assert list(csv.DictReader(handle)) == rows


# -- classes and roster (§3, §15) -----------------------------------------------------------


def test_classes(season, calendar):
    codes = [row["class_code"] for row in season.classes]
    assert len(set(codes)) == len(codes)
    for row in season.classes:
        start = date.fromisoformat(row["start_date"])
        assert calendar.is_business_day(start)
        assert row["class_code"].startswith(f"AET-{start.year % 100:02d}{start.month:02d}-")
        assert row["program"] == "esp-aetna" and row["campaign"] == "Aetna"
        assert row["site"] in {"PRV", "SLC", "MEM", "SAT"}
        assert row["licensing_start"] == row["training_start"] == row["esp_start"] == ""
        tls = row["tl_emails"].split(";")
        assert 1 <= len(tls) <= 2 and all("@" in tl for tl in tls)
        assert "@" in row["pm_email"] and ";" not in row["pm_email"]


def test_phase_lengths(demo, calendar):
    for starts in class_phase_starts(demo, calendar).values():
        assert calendar.business_days_between(starts["onboarding"], starts["licensing"]) == 2
        assert calendar.business_days_between(starts["licensing"], starts["training"]) == 4
        assert calendar.business_days_between(starts["training"], starts["esp"]) == 10
        assert calendar.business_days_between(starts["esp"], starts["production"]) == 3


def test_roster(season):
    classes = {row["class_code"]: row for row in season.classes}
    ids = [row["employee_id"] for row in season.roster]
    assert len(set(ids)) == len(ids)
    emails = [row["work_email"] for row in season.roster] + [
        row["personal_email"] for row in season.roster
    ]
    assert len(set(emails)) == len(emails)
    for row in season.roster:
        assert row["employee_id"][0] == "E" and row["employee_id"][1:].isdigit()
        assert row["first_name"] and row["last_name"]
        for email in (row["work_email"], row["personal_email"]):
            local, _, domain = email.partition("@")
            assert local and "." in domain and " " not in email
        assert row["class_code"] in classes
        assert row["site"] == classes[row["class_code"]]["site"]
        assert row["npn"].isdigit()
        if row["n_number"]:
            assert row["n_number"][0] == "N" and row["n_number"][1:].isdigit()
            assert len(row["n_number"]) == 8 and not row["n_number"].isdigit()
        assert row["tl_email"] in classes[row["class_code"]]["tl_emails"].split(";")
        assert row["pm_email"] == classes[row["class_code"]]["pm_email"]
        assert row["equipment_owner"] in {"company", "personal"}


# -- activity (§4, §15) ---------------------------------------------------------------------


def test_activity_dates_and_order(season, calendar):
    keys = [(row["date"], row["employee_id"]) for row in season.activity]
    assert keys == sorted(keys)
    for day in {row["date"] for row in season.activity}:
        parsed = date.fromisoformat(day)
        assert calendar.is_business_day(parsed) and parsed <= AS_OF


def test_activity_rows_are_valid(season):
    employees = {row["employee_id"] for row in season.roster}
    classes = {row["class_code"] for row in season.classes}
    for row in season.activity:
        kind, item, value = row["kind"], row["item"], row["value"]
        assert row["employee_id"] in employees
        assert "@" in row["by"]
        if kind == "task":
            assert item in TASK_ITEMS
            assert value in {"done", "in_progress", "failed", "not_applicable"}
        elif kind == "call":
            assert item in {"1", "2", "3", "4", "5"}
            assert value.isdigit() and 0 <= int(value) <= 100
            if item == "1":
                assert value == "100"
        elif kind == "attendance":
            assert item in {"tardy", "left_early", "absent", "absent_approved", "ncns", "mia"}
            assert value == "" or value.isdigit()
        elif kind == "exam":
            assert item in {"ahip", "carrier_cert"} and value in {"failed", "passed"}
        elif kind == "action":
            assert item in {"coaching", "written_cap", "final_cap", "termination_review"}
            assert value in {"licensing", "esp", "attendance", "exams"}
        elif kind in {"note", "self_report"}:
            assert item == value == "" and row["note"]
        elif kind == "status":
            assert item == "employment" and value in {"active", "termed", "resigned", "withdrawn"}
        elif kind == "equipment":
            assert item in {"not_received", "received", "verified", "issue"}
            if item == "issue":
                assert value.startswith("INC") and value[3:].isdigit()
        elif kind == "flag":
            assert item in {"raised", "resolved"}
            assert value in {
                "background_check",
                "needs_release",
                "no_health_license",
                "cannot_sell",
                "other",
            }
        elif kind == "n_number":
            assert item == "requested"
            assert value[0] == "N" and value[1:].isdigit() and not value.isdigit()
        elif kind == "move":
            assert item in classes and value == ""
        else:
            pytest.fail(f"unexpected kind {kind!r}")


def test_facts_on_or_after_their_phase_start(season, calendar):
    starts = class_phase_starts(season, calendar)
    current = {row["employee_id"]: row["class_code"] for row in season.roster}
    home = dict(current)
    for row in season.activity:
        day = date.fromisoformat(row["date"])
        employee = row["employee_id"]
        if row["kind"] == "move":
            assert starts[row["item"]]["onboarding"] > starts[home[employee]]["onboarding"]
            current[employee] = row["item"]
        if row["kind"] == "task":
            phase = TASK_PHASE[row["item"]]
        elif row["kind"] == "action":
            phase = LADDER_PHASE[row["value"]]
        else:
            phase = KIND_PHASE.get(row["kind"], "onboarding")
        assert day >= starts[current[employee]][phase], row


def test_no_activity_before_a_class_starts_or_after_an_employment_change(season):
    classes = {row["class_code"]: row["start_date"] for row in season.classes}
    started = {row["employee_id"]: classes[row["class_code"]] for row in season.roster}
    ended: dict[str, str] = {}
    for row in season.activity:
        employee = row["employee_id"]
        assert row["date"] >= started[employee]
        assert employee not in ended, f"{employee} has facts after leaving: {row}"
        if row["kind"] == "status" and row["value"] != "active":
            ended[employee] = row["date"]


def test_transfer_only_when_everything_else_is_done(season):
    needed = {"producer_world", "ahip", "carrier_cert", "tbt", "call_cert", "equipment", "rts"}
    done: dict[str, set[str]] = {}
    scores: dict[str, dict[str, int]] = {}
    for row in season.activity:
        employee, kind, item, value = row["employee_id"], row["kind"], row["item"], row["value"]
        tasks = done.setdefault(employee, set())
        calls = scores.setdefault(employee, {})
        if kind == "task" and value == "done":
            if item == "transfer":
                assert needed <= tasks, (employee, needed - tasks)
            tasks.add(item)
        elif kind == "equipment" and item == "verified":
            tasks.add("equipment")
        elif kind == "call":
            calls[item] = int(value)
            if len(calls) == 5 and sum(score >= 85 for score in calls.values()) >= 4:
                tasks.add("call_cert")


def test_n_numbers_never_all_digits(season):
    values = [row["n_number"] for row in season.roster if row["n_number"]]
    values += [row["value"] for row in season.activity if row["kind"] == "n_number"]
    assert values
    assert not any(value.isdigit() for value in values)


# -- what the demo must show ----------------------------------------------------------------


def test_demo_shows_every_situation(demo, calendar):
    kinds = Counter(row["kind"] for row in demo.activity)
    assert {row["value"] for row in demo.activity if row["kind"] == "status"} >= {"termed"}
    assert any(row["kind"] == "call" and int(row["value"]) < 85 for row in demo.activity)
    assert kinds["action"] >= 1
    for kind in (
        "task",
        "exam",
        "call",
        "attendance",
        "note",
        "self_report",
        "equipment",
        "n_number",
        "move",
    ):
        assert kinds[kind] >= 1, kind
    phases = {phase_as_of(s, AS_OF) for s in class_phase_starts(demo, calendar).values()}
    assert len(phases) >= 4
    assert {"licensing", "training", "esp", "production"} <= phases


def test_demo_has_agents_in_esp_days_2_to_5(demo, calendar):
    ages = sorted(
        calendar.age(s["esp"], AS_OF)
        for s in class_phase_starts(demo, calendar).values()
        if s["esp"] <= AS_OF
    )
    assert any(1 <= age <= 4 for age in ages)  # ESP day 2..5
    assert ages[-1] >= 15  # one class finished weeks ago


def test_large_season_has_classes_in_every_phase(large, calendar):
    phases = Counter(phase_as_of(s, AS_OF) for s in class_phase_starts(large, calendar).values())
    assert set(phases) == {"not_started", *PHASE_ORDER}
    assert phases["production"] > len(large.classes) // 2
    future = {c for c, s in class_phase_starts(large, calendar).items() if s["onboarding"] > AS_OF}
    agents = {r["employee_id"] for r in large.roster if r["class_code"] in future}
    assert agents and not any(row["employee_id"] in agents for row in large.activity)


def test_large_season_shows_the_rare_cases(large):
    calls: dict[tuple[str, str], int] = Counter(
        (row["employee_id"], row["item"]) for row in large.activity if row["kind"] == "call"
    )
    assert any(count > 1 for count in calls.values())  # a re-scored call
    migrated = [
        row
        for row in large.activity
        if row["kind"] == "task" and row["item"] == "call_cert" and row["value"] == "done"
    ]
    assert migrated
    assert not any(
        row["kind"] == "call" and row["employee_id"] == migrated[0]["employee_id"]
        for row in large.activity
    )
    statuses = Counter(row["value"] for row in large.activity if row["kind"] == "status")
    assert statuses["termed"] and statuses["resigned"] and statuses["withdrawn"] == 1
    flags = {(row["item"], row["value"]) for row in large.activity if row["kind"] == "flag"}
    assert ("raised", "background_check") in flags and ("resolved", "background_check") in flags
    items = {(row["item"], row["value"]) for row in large.activity if row["kind"] == "action"}
    assert {("coaching", "licensing"), ("coaching", "esp"), ("written_cap", "licensing")} <= items
    assert any(row["kind"] == "equipment" and row["item"] == "issue" for row in large.activity)


def test_weekend_as_of(calendar):
    saturday = date(2026, 11, 21)
    season = generate_season(as_of=saturday, agents=72, seed=1, calendar=calendar)
    assert season.activity
    assert max(row["date"] for row in season.activity) <= "2026-11-20"
