"""What can be seen of one agent on any day (issue 18 item 1): an agent's facts indexed once
into timelines, then read as a small state for any date, and the dates of the outcomes the
outlook forecasts. Pure: records in, plain values out; no clock.

Everything here reads only the facts of the record it is given: the selector (and the
backtest's `records_as_of`) hands over facts dated on or before the as-of day, so nothing
after that day can reach a forecast.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import NamedTuple

from ..calendar import BusinessCalendar, CalendarError
from ..callcert import FAILED, PASSED, call_cert_result
from ..progress import AgentProgress
from ..records import ACTIVE, SATISFYING, AgentRecord, Policy

LICENSING_TASKS = ("producer_world", "ahip", "carrier_cert")
READINESS = ("readiness_day1", "readiness_shadowing")
#: Outcomes besides the tasks: through call certs (passed, failed or left), the first call
#: (the day a certifier is needed), ESP complete (R-P2).
THROUGH, FIRST_CALL, COMPLETE = "call_certs_through", "first_call", "esp_complete"


class State(NamedTuple):
    """What is observable on a day: the conditioning of the learned durations."""

    calls: int  # calls scored
    fails: int  # scored calls under the pass mark, at most 2 (two fails: cannot pass)
    through: bool  # call certs passed (or done) or failed
    tbt: bool
    ready: bool  # R-C1: equipment verified, day 1 and shadowing done
    issue: bool  # equipment issue open
    licensing: bool  # Producer World, AHIP and carrier cert done
    rts: bool
    points: int  # attendance points in the window: 0, 1 (under 2) or 2 (2 or more)


def day_at(calendar: BusinessCalendar, start: date, age: int) -> date:
    """The business day `age` business days from `start` (negative: before it)."""
    if age >= 0:
        return calendar.day_with_age(start, age)
    return calendar.business_days_before(start, -age)


def _runs(changes: list[tuple[date, bool]]) -> list[tuple[date, bool]]:
    """Keep the days a boolean changes value (the input by date, last per day wins)."""
    by_day: dict[date, bool] = {}
    for day, value in changes:
        by_day[day] = value
    runs: list[tuple[date, bool]] = []
    for day in sorted(by_day):
        if not runs or runs[-1][1] != by_day[day]:
            runs.append((day, by_day[day]))
    return runs


def _value(runs: list[tuple[date, bool]], day: date) -> bool:
    if len(runs) == 1:  # the common case: done once, never undone
        return runs[0][1] and runs[0][0] <= day
    index = bisect_right(runs, (day, True))
    return bool(index) and runs[index - 1][1]


def _any_runs(parts: list[list[tuple[date, bool]]]) -> list[tuple[date, bool]]:
    days = sorted({day for runs in parts for day, _ in runs})
    return _runs([(d, any(_value(runs, d) for runs in parts)) for d in days])


def _all_runs(parts: list[list[tuple[date, bool]]]) -> list[tuple[date, bool]]:
    days = sorted({day for runs in parts for day, _ in runs})
    return _runs([(d, all(_value(runs, d) for runs in parts)) for d in days])


def _since(runs: list[tuple[date, bool]]) -> date | None:
    """The first day of the last run of True (None when the last value is False)."""
    return runs[-1][0] if runs and runs[-1][1] else None


class Timeline:
    """One agent's facts as timelines: `state(day)` and the outcomes' dates."""

    def __init__(self, record: AgentRecord, policy: Policy, *, window_days: int = 90):
        self.record = record
        self.policy = policy
        self.progress = progress = AgentProgress(record, policy)
        self.window = timedelta(days=window_days)
        self._calls = self._call_steps()
        self._equipment = [(f.date, f.seq, f.item) for f in progress.facts("equipment")]
        marked: dict[str, list[tuple[date, bool]]] = {}
        for fact in progress.facts("task"):
            marked.setdefault(fact.item, []).append((fact.date, fact.value in SATISFYING))
        self.done = {task.key: self._task_runs(task, marked) for task in policy.tasks}
        for item in READINESS:
            self.done[item] = _runs(marked.get(item, []))
        self._licensing = _all_runs([self.done[t] for t in LICENSING_TASKS if t in self.done])
        self._readiness = _all_runs([self.done[r] for r in READINESS])
        self._points = [
            (f.date, float(policy.points_table.get(f.item, 0)))
            for f in progress.facts("attendance")
        ]
        status = [(f.date, f.value == ACTIVE) for f in progress.facts("status")]
        self.ended = next((d for d, active in _runs(status) if not active), None)
        self.through_on = self._through_on()
        self._states: dict[date, State] = {}
        self._outcomes: dict[str, date | None] | None = None

    # -- timelines -----------------------------------------------------------------------

    def _task_runs(self, task, marked) -> list[tuple[date, bool]]:
        """R-P4: marked done (or not applicable), or done by the task's own rule."""
        direct = _runs(marked.get(task.key, []))
        if task.completion == "calls":
            derived = _runs([(step[0], step[4]) for step in self._calls])
        elif task.completion == "equipment":
            derived = _runs([(day, item == "verified") for day, _, item in self._equipment])
        elif task.completion == "courses" and self.policy.tbt_courses:
            dates = sorted({f.date for f in self.progress.facts("tbt")})
            derived = _runs([(d, self.progress.is_done(task.key, d)) for d in dates])
        else:
            return direct
        return _any_runs([direct, derived])

    def _call_steps(self) -> list[tuple[date, int, int, bool, bool]]:
        """(day, calls scored, fails, failed, passed) after each day with a call score."""
        policy, scores, steps = self.policy, {}, []
        for fact in self.progress.facts("call"):
            scores[int(fact.item)] = int(fact.value)
            result = call_cert_result(
                scores,
                calls_per_agent=policy.calls_per_agent,
                pass_mark=policy.call_pass_mark,
                program_pass_rate=policy.program_pass_rate,
            )
            fails = min(2, result.calls_scored - result.calls_passed)
            failed, passed = result.result == FAILED, result.result == PASSED
            step = (fact.date, result.calls_scored, fails, failed, passed)
            if steps and steps[-1][0] == fact.date:
                steps[-1] = step
            else:
                steps.append(step)
        return steps

    def _through_on(self) -> date | None:
        """The day the agent was through call certs: passed (or marked done), failed, or
        left (the earliest of the three)."""
        days = [_since(self.done[self.policy.call_task]), self.ended]
        days.append(next((step[0] for step in self._calls if step[3]), None))
        days = [d for d in days if d is not None]
        return min(days) if days else None

    # -- reading ----------------------------------------------------------------------

    def is_done(self, key: str, day: date) -> bool:
        return _value(self.done.get(key, []), day)

    def calls_on(self, day: date) -> tuple[int, int]:
        index = bisect_right(self._calls, (day, 99, 99, True, True))
        return self._calls[index - 1][1:3] if index else (0, 0)

    def equipment_on(self, day: date) -> str:
        index = bisect_right(self._equipment, (day, 1 << 62, ""))
        return self._equipment[index - 1][2] if index else ""

    def points_on(self, day: date) -> int:
        points = sum(p for d, p in self._points if day - self.window < d <= day)
        return 0 if points <= 0 else (1 if points < 2 else 2)

    def is_active(self, day: date) -> bool:
        return self.ended is None or day < self.ended

    def state(self, day: date) -> State:
        """What is observable on `day` (kept: the replay asks the same days again)."""
        found = self._states.get(day)
        if found is None:
            found = self._states[day] = self._state(day)
        return found

    def _state(self, day: date) -> State:
        calls, fails = self.calls_on(day)
        equipment = self.equipment_on(day)
        return State(
            calls=calls,
            fails=fails,
            through=self.through_on is not None and self.through_on <= day,
            tbt=self.is_done("tbt", day),
            ready=equipment == "verified" and _value(self._readiness, day),
            issue=equipment == "issue",
            licensing=_value(self._licensing, day),
            rts=self.is_done("rts", day),
            points=self.points_on(day),
        )

    def open_work(
        self, day: date, *, age: int, marked: bool = True
    ) -> tuple[frozenset[str], int, bool]:
        """What is left to do on `day` (ESP age `age`) for the fallback (esp.rules.outlook.
        fallback.Work): the TBT, RTS and licensing tasks open, the readiness tasks open while
        no call is scored (a call scored says the agent was ready), "equipment_issue" when
        one is open; the calls left (none once the call certs are done); two calls failed.
        Where the program does not mark readiness (`marked` False) the ESP calendar says: ESP
        day 1 (systems) left until it is over, day 2 (shadowing) likewise."""
        calls, fails = self.calls_on(day)
        done = self.is_done(self.policy.call_task, day)
        readiness = () if calls or done else READINESS
        if not marked:
            readiness = [key for key, last in zip(READINESS, (0, 1), strict=True) if age <= last]
        keys = ("tbt", "rts", *LICENSING_TASKS, *readiness)
        left = {key for key in keys if key in self.done and not self.is_done(key, day)}
        if self.equipment_on(day) == "issue":
            left.add("equipment_issue")
        calls_left = 0 if done else max(0, self.policy.calls_per_agent - calls)
        return frozenset(left), calls_left, fails >= 2

    # -- outcomes -----------------------------------------------------------------------

    def outcome_dates(self) -> dict[str, date | None]:
        """Each task's done day (the start of its current run), and the outlook's own (kept:
        the caller reads it, never changes it)."""
        if self._outcomes is None:
            self._outcomes = self._outcome_dates()
        return self._outcomes

    def _outcome_dates(self) -> dict[str, date | None]:
        dates = {key: _since(runs) for key, runs in self.done.items()}
        complete = [k for k in self.policy.task_keys if k != self.policy.transfer_task]
        ends = [dates.get(k) for k in complete]
        dates[COMPLETE] = None if None in ends else max(ends)
        dates[THROUGH] = self.through_on
        dates[FIRST_CALL] = self._calls[0][0] if self._calls else None
        return dates

    def phase_start(self, phase: str, as_of: date) -> date | None:
        return self.progress.phase_start(phase, as_of)

    def needs_extension(self, day5: date) -> bool:
        """R-E1 on ESP day 5: active and the call_cert task not done."""
        return self.is_active(day5) and not self.is_done(self.policy.call_task, day5)


def esp_age(calendar: BusinessCalendar, start: date, day: date) -> int:
    """Business days in [start, day) (negative before the start; a weekend counts as the next
    business day, R-T4)."""
    try:
        return calendar.business_days_between(start, day)
    except CalendarError:
        return -(10**6)
