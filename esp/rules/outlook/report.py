"""The outlook as the JSON contract of SPEC §15 (issue 18 item 6). Pure."""

from __future__ import annotations

from .forecast import Outlook, complete_dates


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
