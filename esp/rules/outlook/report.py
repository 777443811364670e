"""The outlook as the JSON contract of SPEC §15 (issue 18 item 6). Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from esp.rules.records import Policy

from .forecast import ClassOutlook, Outlook, complete_dates


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def outlook_report(outlook: Outlook) -> dict:
    """`{"report": "outlook", "as_of", "agents", "classes", "certifiers"}`, agents and classes
    sorted by class code then employee id, as the other reports."""
    calendar = outlook.durations.calendar
    agents = [
        {
            "employee_id": a.employee_id,
            "class_code": a.class_code,
            "p_extension": None if a.p_extension is None else round(a.p_extension, 3),
            "esp_complete_p50": _iso(complete_dates(a, calendar, 0.5)),
            "esp_complete_p90": _iso(complete_dates(a, calendar, 0.9)),
        }
        for a in outlook.agents
    ]
    classes = [
        {
            "class_code": c.class_code,
            "extensions_expected": round(float(c.extensions_expected), 2),
            "call_certs_done_p50": _iso(c.done[0.5]),
            "call_certs_done_p90": _iso(c.done[0.9]),
        }
        for c in outlook.classes
    ]
    certifiers = [
        {
            "day": day.day.isoformat(),
            "agents_ready_expected": round(day.agents_ready_expected, 2),
            "certifiers_needed": day.certifiers_needed,
            "certifiers_available": day.certifiers_available,
        }
        for day in outlook.certifiers
    ]
    return {
        "report": "outlook",
        "as_of": outlook.as_of.isoformat(),
        "agents": agents,
        "classes": classes,
        "certifiers": certifiers,
    }


@dataclass(frozen=True)
class OutlookSnapshot:
    """What the pages show of a day's outlook, small enough to keep (the whole `Outlook`
    holds every agent's timeline and the learned durations: megabytes at a season's scale):
    the classes (without their agents), the certifier days and weeks, and per agent in
    flight the line of their page."""

    as_of: date
    classes: list[ClassOutlook]
    certifiers: list
    weeks: list
    agents: dict[str, dict]  # employee id -> p_extension (%), p50, p90, complete, reason


def snapshot(outlook: Outlook, policy: Policy) -> OutlookSnapshot:
    calendar = outlook.durations.calendar
    return OutlookSnapshot(
        as_of=outlook.as_of,
        classes=[replace(c, agents=[]) for c in outlook.classes],
        certifiers=list(outlook.certifiers),
        weeks=list(outlook.weeks),
        agents={
            a.employee_id: {
                "p_extension": None if a.p_extension is None else round(100 * a.p_extension),
                "p50": complete_dates(a, calendar, 0.5),
                "p90": complete_dates(a, calendar, 0.9),
                "complete": a.complete is None,
                "reason": a.reason(policy),
            }
            for a in outlook.agents
        },
    )
