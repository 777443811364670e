"""Honest accuracy, measured by replay (issue 18 item 7). Pure.

Each business day D of the range is replayed with only the facts dated on or before D
(`records_as_of`): the outlook of that day is built exactly as the command line builds it
then, and its forecasts are scored against what the whole history says happened.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from ..calendar import BusinessCalendar
from ..records import AgentRecord, Policy
from .forecast import ESP_DAY_5_AGE, build_outlook, complete_dates
from .state import COMPLETE, Timeline, day_at

HORIZONS = (1, 2, 3)  # business days before ESP day 5
DECILES = 10
#: A decile is judged "calibrated within 10 points" from this many agents on: with fewer the
#: sampling error alone (±5 points at 100, ±16 at 10) says more than the forecast does.
JUDGED_FROM = 100
TOLERANCE = 0.10


def records_as_of(records: list[AgentRecord], day: date) -> list[AgentRecord]:
    """The records as they stood on `day`: facts dated after it dropped (no peeking)."""
    return [
        dataclasses.replace(record, facts=tuple(f for f in record.facts if f.date <= day))
        for record in records
    ]


def brier(pairs: list[tuple[float, bool]]) -> float | None:
    if not pairs:
        return None
    return sum((p - outcome) ** 2 for p, outcome in pairs) / len(pairs)


def skill(score: float | None, reference: float | None) -> float | None:
    if score is None or not reference:
        return None
    return 1 - score / reference


def calibration(pairs: list[tuple[float, bool]]) -> list[dict]:
    """Per decile of the forecast: how many, the mean forecast, the share that happened."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(DECILES)]
    for p, outcome in pairs:
        bins[min(DECILES - 1, int(p * DECILES))].append((p, outcome))
    return [
        {
            "decile": f"{10 * index}-{10 * (index + 1)}%",
            "count": len(group),
            "forecast": round(sum(p for p, _ in group) / len(group), 3) if group else None,
            "observed": round(sum(o for _, o in group) / len(group), 3) if group else None,
            "within_10_points": _within(group),
        }
        for index, group in enumerate(bins)
    ]


def _within(group: list[tuple[float, bool]]) -> bool | None:
    """Whether the decile's share observed is within 10 points of its mean forecast (None:
    too few agents to judge)."""
    if len(group) < JUDGED_FROM:
        return None
    forecast = sum(p for p, _ in group) / len(group)
    return abs(forecast - sum(o for _, o in group) / len(group)) <= TOLERANCE


@dataclasses.dataclass
class _Tally:
    model: dict[int, list] = dataclasses.field(default_factory=dict)
    base: dict[int, list] = dataclasses.field(default_factory=dict)
    calls_open: dict[int, list] = dataclasses.field(default_factory=dict)
    errors: list[int] = dataclasses.field(default_factory=list)  # p50 - actual, business days
    inside: list[bool] = dataclasses.field(default_factory=list)
    no_p50: int = 0


def _score_day(outlook, truths, tally: _Tally, calendar: BusinessCalendar, policy, truth_day):
    base_rate = outlook.durations.base_rate() or 0.0
    for agent in outlook.agents:
        truth = truths[agent.employee_id]
        horizon = ESP_DAY_5_AGE - agent.age
        day5 = day_at(calendar, agent.esp_start, ESP_DAY_5_AGE)
        if horizon in HORIZONS and day5 <= truth_day:
            happened = truth.needs_extension(day5)
            open_calls = not agent.timeline.is_done(policy.call_task, outlook.as_of)
            p = agent.p_extension if agent.p_extension is not None else 0.0
            tally.model.setdefault(horizon, []).append((p, happened))
            tally.base.setdefault(horizon, []).append((base_rate, happened))
            tally.calls_open.setdefault(horizon, []).append((float(open_calls), happened))
        actual = truth.outcome_dates()[COMPLETE]
        if agent.age >= 1 and agent.complete is not None and actual is not None:
            p50 = complete_dates(agent, calendar, 0.5)
            p90 = complete_dates(agent, calendar, 0.9)
            if p50 is None:
                tally.no_p50 += 1
                continue
            tally.errors.append(calendar.business_days_between(actual, p50))
            tally.inside.append(p50 <= actual <= (p90 or date.max))


def backtest(
    records: list[AgentRecord],
    *,
    policy: Policy,
    calendar: BusinessCalendar,
    start: date,
    end: date,
    truth_day: date,
) -> dict:
    """Replay every business day of [start, end]; `records` hold the facts up to
    `truth_day`, the day the outcomes are read (outcomes after it are not scored)."""
    truths = {record.employee_id: Timeline(record, policy) for record in records}
    tally, days, kept = _Tally(), 0, {}
    day = calendar.on_or_after(start)
    while day <= end:
        outlook = build_outlook(
            records_as_of(records, day),
            policy=policy,
            calendar=calendar,
            as_of=day,
            timelines_kept=kept,
        )
        _score_day(outlook, truths, tally, calendar, policy, truth_day)
        days += 1
        day = calendar.next_business_day(day)
    return _figures(tally, start, end, days)


def _figures(tally: _Tally, start: date, end: date, days: int) -> dict:
    extension = []
    for horizon in HORIZONS:
        model = tally.model.get(horizon, [])
        base = brier(tally.base.get(horizon, []))
        score = brier(model)
        extension.append(
            {
                "days_before_esp_day_5": horizon,
                "agents": len(model),
                "extensions": sum(o for _, o in model),
                "brier": _round(score),
                "brier_base_rate": _round(base),
                "brier_calls_open": _round(brier(tally.calls_open.get(horizon, []))),
                "skill_over_base_rate": _round(skill(score, base)),
            }
        )
    errors = [abs(e) for e in tally.errors]
    return {
        "report": "outlook_backtest",
        "from": start.isoformat(),
        "to": end.isoformat(),
        "days_replayed": days,
        "extension": extension,
        "calibration_2_days_before": calibration(tally.model.get(2, [])),
        "calibration_1_to_3_days_before": calibration(
            [pair for horizon in HORIZONS for pair in tally.model.get(horizon, [])]
        ),
        "esp_complete": {
            "forecasts": len(errors),
            "without_p50": tally.no_p50,
            "p50_mean_absolute_error_business_days": _round(sum(errors) / len(errors))
            if errors
            else None,
            "p50_within_one_business_day": _round(sum(e <= 1 for e in errors) / len(errors))
            if errors
            else None,
            "actual_inside_p50_p90": _round(sum(tally.inside) / len(tally.inside))
            if tally.inside
            else None,
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
