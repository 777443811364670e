"""The outlook on Today (issue 18 item 5): the ESP Manager's classes with extensions expected
(and "request the spin-up now" two business days ahead), the Cert Coordinator's certifiers
needed vs available. Read from the program's outlook of the day (esp.reports.outlook)."""

from __future__ import annotations

from dataclasses import dataclass

from esp.lib.display import us_day
from esp.lib.urls import page_url
from esp.reports.services import pages_outlook

from .. import outlook_charts
from .basis import Basis

AHEAD_DAYS = 10  # classes whose ESP day 5 is within this many business days
SPIN_UP_DAYS = 2  # "request the spin-up now" this many business days ahead (or less)
LIKELY = 0.5  # the chance of 5+ extensions from which the spin-up is likely
BEYOND = "beyond the history"  # a quantile day the finished classes do not reach


@dataclass
class ManagerOutlook:
    outlook_classes: list[dict]
    outlook_spin_up: list[dict]  # the classes to request the spin-up for now
    outlook_fan_svg: str


def _class_line(klass, calendar, as_of, spin_up_min: int) -> dict:
    days_to_day5 = calendar.business_days_between(calendar.on_or_after(as_of), klass.day5)
    expected = klass.extensions_expected
    if klass.p_spin_up >= LIKELY:
        procedure = "class spin-up"
    elif expected >= 0.5:
        procedure = "uptraining class"
    else:
        procedure = ""
    return {
        "code": klass.class_code,
        "day5": klass.day5,
        "days_to_day5": days_to_day5,
        "expected": expected,
        "p_spin_up": round(100 * klass.p_spin_up),
        "procedure": procedure,
        "spin_up_now": klass.p_spin_up >= LIKELY and days_to_day5 <= SPIN_UP_DAYS,
        "p50": klass.done[0.5],
        "p90": klass.done[0.9],
        "quantiles": klass.done,
        "spin_up_min": spin_up_min,
    }


def _shown(line: dict) -> dict:
    """A line the page shows, with its link and its days as the page writes them: for the
    lines shown only, and in Python rather than a `{% url %}` and `date` filters a row
    (issue 14: 25 µs a date filter, 60 a page)."""
    line["url"] = page_url("progress:board", line["code"])
    line["day5_shown"] = us_day(line["day5"])
    for key in ("p50", "p90"):
        line[f"{key}_shown"] = us_day(line[key]) if line[key] else BEYOND
    return line


def manager(base: Basis) -> ManagerOutlook:
    """Classes whose ESP day 5 is today or within `AHEAD_DAYS` business days, soonest first."""
    as_of, calendar = base.as_of, base.ctx.calendar
    outlook = pages_outlook(base.program, as_of)
    horizon = calendar.add_business_days(as_of, AHEAD_DAYS)
    lines = [
        _class_line(klass, calendar, as_of, base.policy.spin_up_min_agents)
        for klass in outlook.classes
        if klass.day5 and as_of <= klass.day5 <= horizon
    ]
    lines.sort(key=lambda line: (line["day5"], line["code"]))
    shown = lines if base.first is None else lines[: base.first]
    fan = outlook_charts.fan_svg(
        [(line["code"], line["quantiles"]) for line in shown],
        as_of=as_of,
        title=f"The day each class's last agent is through Call Certs, from {as_of:%m/%d/%Y}",
    )
    return ManagerOutlook(
        outlook_classes=[_shown(line) for line in shown],
        outlook_spin_up=[_shown(line) for line in lines if line["spin_up_now"]],
        outlook_fan_svg=fan if shown else "",
    )


@dataclass
class CertifierOutlook:
    certifiers_tomorrow: object  # esp.rules.outlook.capacity.CertifierDay, or None
    certifiers_days: list
    certifiers_svg: str
    certifiers_weeks: list  # the weeks ahead, the classes without a roster yet included


def coordinator(base: Basis) -> CertifierOutlook:
    outlook = pages_outlook(base.program, base.as_of)
    days = outlook.certifiers
    return CertifierOutlook(
        certifiers_weeks=outlook.weeks,
        certifiers_tomorrow=days[0] if days else None,
        certifiers_days=days,
        certifiers_svg=outlook_charts.certifiers_svg(
            days, title=f"Certifiers needed vs available after {base.as_of:%m/%d/%Y}"
        )
        if days
        else "",
    )
