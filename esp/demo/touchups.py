"""The demo's own touches to a generated season (issue 17 item 12), before it is imported.

`generate_season` stays exactly as the benchmark uses it (same arguments, same rows); `esp
demo` then reworks a copy of its rows so that the first click shows every feature: self-reports
that say what the tracker says, a class with 5+ agents needing an extension and one with 2
(R-E1, R-E2), an open red flag (R-N4b), a proctored attempt to arrange (R-N4a), a termination
review due for the PM (R-L5) and an agent transferred since the previous business day. Pure (no Django, no clock): the caller passes
`as_of` and the calendar. Every added or changed row is dated on or before `as_of`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from esp.rules.calendar import BusinessCalendar, phase_starts

from .season_data import CALL_PASS_MARK, LICENSING_EMAIL, PHASES, Season

SPIN_UP_AGENTS = 5  # R-E2: 5 or more agents needing an extension -> the class spin-up
UPTRAINING_AGENTS = 2  # 1-4 -> the uptraining class


def touch_up(
    season: Season,
    as_of: date,
    calendar: BusinessCalendar,
    certifiers: list[str] = (),
    last: date | None = None,
) -> Season:
    """A copy of `season` with the demo's touches (the input is left as it is); the calls
    are scored by `certifiers` (the demo's accounts) in place of the generated addresses.
    `as_of` is the day the pages open on; `last` the latest day anything happened (the demo's
    "now" before the working day has begun is the previous business day's end): no row is
    dated after it (issue 17 item 12)."""
    if not calendar.is_business_day(as_of):  # facts are dated on business days
        as_of = calendar.previous_business_day(as_of)
    last = min(as_of, last or as_of)
    if not calendar.is_business_day(last):
        last = calendar.previous_business_day(last)
    rows = [dict(row) for row in season.activity if row["date"] <= last.isoformat()]
    classes = {k["class_code"]: _phases(k, calendar) for k in season.classes}
    home = {a["employee_id"]: a["class_code"] for a in season.roster}
    moved = {r["employee_id"] for r in rows if r["kind"] == "move"}
    uptrained = _extensions(rows, classes, home, moved, as_of, calendar, last)
    tls = {a["employee_id"]: a["tl_email"] for a in season.roster}
    _red_flag(rows, classes, home, moved, last, tls)
    _proctored_attempt(rows, classes, home, moved, last, calendar)
    _termination_due(rows, classes, home, moved, last, calendar, tls)
    _recent_transfer(rows, classes, home, moved, last, calendar, tls)
    _self_reports(rows, classes, home)
    _certifiers(rows, certifiers)
    rows.sort(key=lambda r: r["date"])  # stable: each day's rows keep their order
    return replace(season, activity=rows, uptrained=uptrained)


def _certifiers(rows, certifiers) -> None:
    """`certifierN@...` (the generator's) becomes one of `certifiers`, in turn."""
    if not certifiers:
        return
    for row in rows:
        local = row["by"].partition("@")[0]
        if row["kind"] == "call" and local.startswith("certifier") and local[9:].isdigit():
            row["by"] = certifiers[(int(local[9:]) - 1) % len(certifiers)]


def _phases(klass: dict, calendar: BusinessCalendar) -> dict[str, date]:
    return phase_starts(calendar, date.fromisoformat(klass["start_date"]), PHASES)


def _by_agent(rows) -> dict[str, list[dict]]:
    facts = defaultdict(list)
    for row in rows:
        facts[row["employee_id"]].append(row)
    return facts


def _done(facts: list[dict], task: str) -> str | None:
    """The ISO day `task` was first done in `facts`, or None."""
    return next(
        (
            f["date"]
            for f in facts
            if f["kind"] == "task" and f["item"] == task and f["value"] == "done"
        ),
        None,
    )


def _certified_on(facts: list[dict]) -> str | None:
    """The ISO day call certification passed (4 of the 5 calls at the mark), or None."""
    scores: dict[str, int] = {}
    for fact in facts:
        if fact["kind"] == "call":
            scores[fact["item"]] = int(fact["value"])
            if sum(1 for s in scores.values() if s >= CALL_PASS_MARK) >= 4:
                return fact["date"]
    return _done(facts, "call_cert")


def _active(facts: list[dict]) -> bool:
    return not any(f["kind"] == "status" for f in facts)


def _in_class(code, classes, home, moved, rows) -> dict[str, list[dict]]:
    """The facts of each agent of class `code` who never moved (the others are left alone)."""
    facts = _by_agent(rows)
    return {e: facts.get(e, []) for e, c in sorted(home.items()) if c == code and e not in moved}


def _esp_age(phases: dict[str, date], as_of: date, calendar: BusinessCalendar) -> int | None:
    if phases["esp"] > as_of:
        return None
    return calendar.age(phases["esp"], as_of)


def _extensions(rows, classes, home, moved, as_of, calendar, last) -> list[tuple[str, str]]:
    """R-E1: the most recent class at ESP day 5 or later gets 5+ agents needing an extension,
    the next one with no more than 2 waiting gets 2: their call certification is taken back
    (calls and transfer removed), the passed agents first; the calls are scored on the
    scorecard by `esp demo` instead. One more agent of the second class was moved to the
    uptraining class on the business day before `last` and passed the calls on `last` (R-E3:
    the undo is due); returned as (employee_id, ISO day of the move) for `esp demo` to record
    the uptraining steps."""
    eligible = sorted(
        (k for k, p in classes.items() if (_esp_age(p, as_of, calendar) or -1) >= 4),
        key=lambda k: classes[k]["esp"],
        reverse=True,
    )
    uptrained: list[tuple[str, str]] = []
    chosen: set[str] = set()
    for target in (SPIN_UP_AGENTS, UPTRAINING_AGENTS):
        for code in eligible:
            agents = _in_class(code, classes, home, moved, rows)
            active = {e: f for e, f in agents.items() if _active(f)}
            waiting = [e for e, f in active.items() if _certified_on(f) is None]
            if code in chosen or (target < SPIN_UP_AGENTS and len(waiting) > target):
                continue  # the uptraining class: one with no more than 2 waiting already
            chosen.add(code)
            candidates = [
                e
                for e, f in active.items()
                if e not in waiting and _done(f, "rts") and not _done(f, "call_cert")
            ]
            strip = candidates[: max(0, target - len(waiting))]
            later = []
            if target < SPIN_UP_AGENTS:
                rest = candidates[len(strip) :]
                later = _uptrained(active, rest, strip, classes[code], calendar, last)
            _take_back(rows, strip, later, last)
            uptrained += later
            break
    return uptrained


def _take_back(rows, strip, later, last) -> None:
    """The `strip` agents' calls and transfer removed; the `later` agents' calls moved to
    `last` and their transfer removed."""
    gone = set(strip) | {e for e, _ in later}
    for row in rows:
        if row["employee_id"] in gone and row["kind"] == "call" and row["employee_id"] not in strip:
            row["date"] = last.isoformat()
    rows[:] = [
        r
        for r in rows
        if not (
            r["employee_id"] in gone
            and (
                (r["kind"] == "call" and r["employee_id"] in strip)
                or (r["kind"] == "task" and r["item"] == "transfer")
            )
        )
    ]


def _uptrained(active, candidates, strip, phases, calendar, last) -> list[tuple[str, str]]:
    """The first of `candidates` moved to the uptraining class on the business day before
    `last` (ESP day 6 or later) and certified on `last`, when the class then had 1-4 agents
    needing an extension (R-E2: the uptraining procedure, not the spin-up)."""
    moved_on = calendar.previous_business_day(last)
    if not candidates or moved_on < calendar.add_business_days(phases["esp"], 5):
        return []
    day = moved_on.isoformat()
    open_then = {e for e, f in active.items() if (_certified_on(f) or "9") > day}
    if len(open_then | set(strip)) + 1 >= SPIN_UP_AGENTS:
        return []
    return [(candidates[0], day)]


def _pick(rows, classes, home, moved, phase_key: str, as_of: date, need) -> str | None:
    """An active agent of the latest class in `phase_key` as of `as_of` for whom `need(facts)`."""
    order = ("onboarding", "licensing", "training", "esp", "production")
    current = [
        k
        for k, p in classes.items()
        if p[phase_key] <= as_of
        and all(p[o] > as_of for o in order[order.index(phase_key) + 1 :] if o in p)
    ]
    for code in sorted(current, key=lambda k: classes[k][phase_key], reverse=True):
        for employee_id, facts in _in_class(code, classes, home, moved, rows).items():
            if _active(facts) and need(facts):
                return employee_id
    return None


def _red_flag(rows, classes, home, moved, as_of, tls) -> None:
    """R-N4b: an agent in ESP with a background-check finding raised today, not resolved."""
    raised = [r for r in rows if r["kind"] == "flag" and r["item"] == "raised"]
    if any(_open(rows, r) for r in raised):
        return
    employee_id = _pick(rows, classes, home, moved, "esp", as_of, lambda f: True)
    employee_id = employee_id or _pick(rows, classes, home, moved, "training", as_of, bool)
    if employee_id:
        rows.append(
            _row(
                as_of,
                employee_id,
                "flag",
                "raised",
                "background_check",
                tls[employee_id],
                "Background check came back with a finding; HR is reviewing it.",
            )
        )


def _open(rows, raised: dict) -> bool:
    return not any(
        r["kind"] == "flag"
        and r["item"] == "resolved"
        and r["employee_id"] == raised["employee_id"]
        and r["value"] == raised["value"]
        and r["date"] >= raised["date"]
        for r in rows
    )


def _proctored_attempt(rows, classes, home, moved, as_of, calendar) -> None:
    """R-N4a: an agent in licensing who failed the AHIP final twice (yesterday and today) and
    has not passed it: licensing arranges a proctored last attempt."""

    def no_ahip(facts):
        return not any(f["kind"] in ("exam",) or f["item"] == "ahip" for f in facts)

    employee_id = _pick(rows, classes, home, moved, "licensing", as_of, no_ahip)
    if employee_id is None:
        return
    first = calendar.previous_business_day(as_of)
    if first < classes[home[employee_id]]["licensing"]:
        first = as_of
    for day in (first, as_of):
        rows.append(_row(day, employee_id, "exam", "ahip", "failed", LICENSING_EMAIL, ""))


def _termination_due(rows, classes, home, moved, as_of, calendar, tls) -> None:
    """R-A5, R-L5 (issue 15 item 10): an agent in ESP with no attendance on record misses
    three days without calling (the fourth, third and second business days before `as_of`):
    the attendance ladder's termination review is due, undelivered, for the PM to decide."""

    def no_attendance(facts):
        return not any(f["kind"] in ("attendance", "action") for f in facts)

    first = _pick(rows, classes, home, moved, "esp", as_of, no_attendance)
    if first is None:
        return
    agents = _in_class(home[first], classes, home, moved, rows).items()
    # the class's last such agent: the first is the banner's example of an agent's own page
    employee_id = [e for e, f in agents if _active(f) and no_attendance(f)][-1]
    days = [calendar.previous_business_day(as_of)]
    while len(days) < 4:
        days.append(calendar.previous_business_day(days[-1]))
    if days[-1] < classes[home[employee_id]]["licensing"]:
        return
    for day in reversed(days[1:]):
        rows.append(_row(day, employee_id, "attendance", "ncns", "", tls[employee_id], "No call"))


def _recent_transfer(rows, classes, home, moved, as_of, calendar, tls) -> None:
    """An agent transferred to production today (or on the previous business day): the one
    ready the longest among those not transferred yet, when nobody was."""
    since = calendar.previous_business_day(as_of).isoformat()
    if any(r["kind"] == "task" and r["item"] == "transfer" and r["date"] >= since for r in rows):
        return
    ready = ("producer_world", "ahip", "carrier_cert", "tbt", "rts")

    def transferable(facts):
        return (
            all(_done(facts, t) for t in ready)
            and _certified_on(facts)
            and not _done(facts, "transfer")
            and any(f["kind"] == "equipment" and f["item"] == "verified" for f in facts)
        )

    employee_id = _pick(rows, classes, home, moved, "production", as_of, transferable)
    employee_id = employee_id or _pick(rows, classes, home, moved, "esp", as_of, transferable)
    if employee_id:
        rows.append(_row(as_of, employee_id, "task", "transfer", "done", tls[employee_id], ""))


def _row(day: date, employee_id, kind, item, value, by, note) -> dict[str, str]:
    return {
        "date": day.isoformat(),
        "employee_id": employee_id,
        "kind": kind,
        "item": item,
        "value": value,
        "by": by,
        "note": note,
    }


# -- self-reports that say what the tracker says --------------------------------------------

AHIP_MODULES = (
    "Finished AHIP modules 1-2 and the practice quizzes.",
    "Working on AHIP modules 3-4.",
    "Finished module 5; taking the AHIP final next.",
)


def _self_reports(rows, classes, home) -> None:
    """Each self-report's text rewritten from the agent's own facts up to its day."""
    facts = _by_agent(rows)
    for row in rows:
        if row["kind"] != "self_report":
            continue
        own = [f for f in facts[row["employee_id"]] if f["date"] <= row["date"]]
        moves = [f["item"] for f in own if f["kind"] == "move"]  # a recycled agent's class
        phases = classes[moves[-1] if moves else home[row["employee_id"]]]
        day = date.fromisoformat(row["date"])
        if day >= phases["esp"]:
            row["note"] = _esp_report(own)
        else:
            row["note"] = _licensing_report(own, (day - phases["licensing"]).days)


def _licensing_report(own: list[dict], days_in: int) -> str:
    if _done(own, "carrier_cert") and _done(own, "producer_world"):
        return "Aetna certification done; licensing is complete."
    if _done(own, "carrier_cert"):
        return "Aetna certification done; my Producer World registration is still open."
    if _done(own, "ahip"):
        return "Passed the AHIP final; working on the Aetna certification modules."
    if any(f["kind"] == "exam" and f["value"] == "failed" for f in own):
        return "Studying to retake the AHIP final."
    if _done(own, "producer_world"):
        return AHIP_MODULES[min(max(days_in, 0), len(AHIP_MODULES) - 1)]
    return "Working on my Producer World registration."


def _esp_report(own: list[dict]) -> str:
    if _certified_on(own):
        return "Finished my certification calls."
    if any(f["kind"] == "call" for f in own):
        return "Started my certification calls."
    if _done(own, "tbt"):
        return "All TBTs done; waiting for a certifier."
    if _done(own, "readiness_shadowing"):
        return "Shadowing went well; working on my TBTs."
    if any(f["kind"] == "equipment" and f["item"] == "verified" for f in own):
        return "Equipment is set up and working; working on my TBTs."
    if any(f["kind"] == "equipment" and f["item"] == "issue" for f in own):
        return "Waiting on IT: my laptop will not connect to the VPN."
    return "Working on my TBTs."
