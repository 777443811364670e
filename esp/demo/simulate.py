"""One agent's season (esp/demo/season.py): the facts an agent of a demo season gets, drawn
in a fixed order from the generator's ``random.Random`` — employment fate, a recycled
agent's move, licensing, ESP, then the agent's window (attendance, notes, self reports,
flags). Each fact is a tuple (business-day index, rank, kind, item, value, by, note).

The order of the draws is the generator's contract (the same arguments give the same rows):
each step below draws exactly as the single function it was split from did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .season_data import (
    AHIP_FAILS,
    ATTENDANCE_POINTS,
    ATTENDANCE_STEPS,
    BUSY_KINDS,
    CALL_DAY,
    CALL_FAILS,
    CALL_PASS_MARK,
    CARRIER_FAILS,
    CERTIFIER_COUNT,
    EQUIPMENT,
    EXAM_STEPS,
    FULL_DAY_KINDS,
    LICENSING_EMAIL,
    LICENSING_PACE,
    NOTE_COUNT,
    NOTES_GENERAL,
    OCCURRENCE_COUNT,
    OCCURRENCE_KIND,
    PRODUCER_WORLD_DAY,
    RTS_DAY,
    SELF_REPORTS,
    STAFF_DOMAIN,
    TBT_DAY,
    TERM_NOTES,
    TIMEFRAME_DAYS,
    DemoAgent,
    DemoClass,
    attendance_level,
)


@dataclass
class _Life:
    """One agent's facts as they are drawn, and what the later draws depend on."""

    agent: DemoAgent
    current: DemoClass  # the home class, or the later class a recycled agent moved to
    events: list[tuple] = field(default_factory=list)
    stop: int | None = None  # index of the employment change
    stop_value: str = ""
    producer_world: int | None = None
    requested: int | None = None
    prior_ahip_fails: int = 0
    blocked: bool = False
    ahip_done: int | None = None
    carrier_done: int | None = None
    transferred: int | None = None

    @property
    def tl(self) -> str:
        return self.agent.tl

    def add(self, event: tuple) -> None:
        self.events.append(event)

    def note(self, day: int, text: str) -> None:
        self.events.append((day, 1, "note", "", "", self.agent.tl, text))

    def end_employment(self, idx: int, value: str) -> None:
        """An employment change on `idx`, unless an earlier one is already decided."""
        if self.stop is None or idx < self.stop:
            self.stop, self.stop_value = idx, value


class AgentSimulator:
    """The per-agent half of the season generator (needs ``rng`` and ``last``)."""

    rng: object
    last: int

    def _simulate(self, agent: DemoAgent, home: DemoClass, classes: list[DemoClass], special):
        """The agent's facts as (index, rank, kind, item, value, by, note), sorted, cut at
        as_of and at an employment change; and whether the N-Number was requested."""
        if home.start > self.last:
            return [], False
        life = _Life(agent, home)
        self._fate(life, home, special)
        if isinstance(special, tuple):
            self._recycle(life, home, classes[special[1]])
        self._licensing(life)
        production = life.current.production
        if not life.blocked:
            self._esp(life)
        # Agents who never finish are termed after the PM's review, a few weeks on.
        if life.transferred is None and production + 15 <= self.last and self.rng.random() < 0.9:
            life.end_employment(production + self.rng.randint(8, 15), "termed")
        self._window(life, home)
        return self._cut(life)

    # -- employment ---------------------------------------------------------------------------

    def _fate(self, life: _Life, home: DemoClass, special) -> None:
        """Employment fate decided up front; later causes may bring it earlier."""
        rng, last = self.rng, self.last
        if special == "withdrawn":
            life.stop, life.stop_value = home.start + rng.randint(0, 1), "withdrawn"
        elif special == "termed":
            lo = min(home.start + 3, last)
            life.stop = rng.randint(lo, max(lo, min(last, home.start + 25)))
            life.stop_value = "termed"
        elif special is None:
            fate = rng.random()
            if fate < 0.006:
                life.stop, life.stop_value = home.start + rng.randint(3, 30), "termed"
            elif fate < 0.011:
                life.stop, life.stop_value = home.start + rng.randint(1, 25), "resigned"

    def _cut(self, life: _Life):
        """The employment change's own fact; every fact after it or after as_of dropped."""
        last, stop = self.last, life.stop
        if stop is not None and stop <= last:
            note = self.rng.choice(TERM_NOTES[life.stop_value])
            life.add((stop, 2, "status", "employment", life.stop_value, life.tl, note))
        limit = last if stop is None else min(last, stop)
        events = [e for e in life.events if e[0] <= limit]
        events.sort(key=lambda e: (e[0], e[1]))
        return events, life.requested is not None and life.requested <= limit

    # -- a recycled agent: behind in the home class's licensing, then moved (R-T3) ------------

    def _recycle(self, life: _Life, home: DemoClass, target: DemoClass) -> None:
        rng, add, tl = self.rng, life.add, life.tl
        lic = home.licensing
        life.producer_world = lic
        add((lic, 1, "task", "producer_world", "done", LICENSING_EMAIL, ""))
        life.requested = lic
        add((lic, 1, "n_number", "requested", life.agent.n_number, LICENSING_EMAIL, ""))
        add((lic + 1, 1, "exam", "ahip", "failed", LICENSING_EMAIL, ""))
        life.prior_ahip_fails = 1
        if rng.random() < 0.6:
            add((lic + 2, 1, "action", "coaching", "exams", tl, ""))
        add((lic + 2, 1, "attendance", "absent", "", tl, ""))
        if rng.random() < 0.7:
            add((lic + 3, 1, "action", "coaching", "licensing", tl, ""))
        life.note(lic + 3, "Behind pace on AHIP; will restart licensing with a later class.")
        move_note = f"Moved from {home.code} to restart licensing."
        add((target.licensing, 0, "move", target.code, "", tl, move_note))
        life.current = target

    # -- licensing ----------------------------------------------------------------------------

    def _licensing(self, life: _Life) -> None:
        """Producer World, the N-Number, the AHIP and carrier exams, the licensing ladder."""
        rng, add = self.rng, life.add
        lic = life.current.licensing
        pace = LICENSING_PACE(rng)
        delay = 0 if pace == "on_time" else rng.randint(1, 4)
        if life.producer_world is None:
            offset = PRODUCER_WORLD_DAY(rng)
            if offset is not None:
                life.producer_world = lic + offset
                add((life.producer_world, 1, "task", "producer_world", "done", LICENSING_EMAIL, ""))
        if life.requested is None and rng.random() < 0.97:
            life.requested = lic + rng.choice((0, 0, 1, 2))
            add(
                (
                    life.requested,
                    1,
                    "n_number",
                    "requested",
                    life.agent.n_number,
                    LICENSING_EMAIL,
                    "",
                )
            )
        if self._ahip(life, lic + rng.choice((1, 1, 2)) + delay):
            self._carrier(life, pace)
        # Licensing ladder (R-L2/R-L3): coaching due on licensing day 4.
        done = (life.producer_world, life.ahip_done, life.carrier_done)
        licensed = max(done) if None not in done else None
        self._ladder(life.events, "licensing", lic + TIMEFRAME_DAYS, licensed, life.tl)
        if pace != "on_time" and licensed is not None and licensed > lic + TIMEFRAME_DAYS:
            life.note(
                lic + TIMEFRAME_DAYS,
                "Behind pace on licensing; followed up with the agent and licensing.",
            )

    def _ahip(self, life: _Life, attempt: int) -> bool:
        """AHIP final: failed attempts, each the day before the next; exams ladder (R-N4a).
        Whether it was passed (a third failure blocks the agent)."""
        rng, add, prior = self.rng, life.add, life.prior_ahip_fails
        fails = AHIP_FAILS(rng)
        if fails + prior > 3:
            fails = 3 - prior
        for k in range(prior + 1, prior + fails + 1):
            add((attempt, 1, "exam", "ahip", "failed", LICENSING_EMAIL, ""))
            if rng.random() < 0.6:
                step_day = attempt + rng.choice((1, 1, 2))
                add((step_day, 1, "action", EXAM_STEPS[k], "exams", life.tl, ""))
            # A first fail is often retaken the same day; a third attempt is proctored later.
            attempt += rng.choice((0, 1)) if k == 1 else 1
        if prior + fails >= 3:
            life.blocked = True
            life.note(
                attempt - 1,
                "Third AHIP failure: cannot sell for Aetna this year; "
                "termination review with the PM.",
            )
            life.end_employment(attempt + rng.randint(1, 3), "termed")
            return False
        add((attempt, 1, "exam", "ahip", "passed", LICENSING_EMAIL, ""))
        life.ahip_done = attempt + (0 if rng.random() < 0.9 else 1)
        add((life.ahip_done, 1, "task", "ahip", "done", LICENSING_EMAIL, ""))
        return True

    def _carrier(self, life: _Life, pace: str) -> None:
        """The carrier certification after AHIP; an agent who never finishes is blocked."""
        rng, add = self.rng, life.add
        attempt = life.ahip_done + (0 if rng.random() < 0.75 else 1)
        cfails = CARRIER_FAILS(rng)
        if pace == "never":
            cfails = 1
        for k in range(1, cfails + 1):
            add((attempt, 1, "exam", "carrier_cert", "failed", LICENSING_EMAIL, ""))
            if rng.random() < 0.5:
                add((attempt + 1, 1, "action", EXAM_STEPS[k], "exams", life.tl, ""))
            attempt += rng.choice((0, 1)) if k == 1 else 1
        if pace == "never":
            life.blocked = True
            life.note(
                attempt,
                "Aetna certification site locked; carrier ticket open, waiting on the carrier.",
            )
            return
        add((attempt, 1, "exam", "carrier_cert", "passed", LICENSING_EMAIL, ""))
        life.carrier_done = attempt
        add((attempt, 1, "task", "carrier_cert", "done", LICENSING_EMAIL, ""))

    # -- ESP ----------------------------------------------------------------------------------

    def _esp(self, life: _Life) -> None:
        """Equipment, readiness, TBT, RTS, the five calls, the ESP ladder and the transfer."""
        rng, add, tl = self.rng, life.add, life.tl
        esp, production = life.current.esp, life.current.production
        verified = self._equipment(life, esp)
        day1 = esp + (0 if rng.random() < 0.95 else 1)
        add((day1, 1, "task", "readiness_day1", "done", tl, ""))
        shadowing = day1 + rng.choice((0, 1, 1))
        add((shadowing, 1, "task", "readiness_shadowing", "done", tl, ""))
        tbt, rts = (
            self._task_on(life, esp, days, task)
            for days, task in ((TBT_DAY, "tbt"), (RTS_DAY, "rts"))
        )
        call_cert = None
        if verified is not None:
            call_cert = self._call_cert(life, esp, production, max(verified, shadowing))
        esp_done = max(tbt, call_cert) if tbt is not None and call_cert is not None else None
        self._ladder(life.events, "esp", esp + TIMEFRAME_DAYS, esp_done, tl)
        tasks = (
            life.producer_world,
            life.ahip_done,
            life.carrier_done,
            tbt,
            call_cert,
            verified,
            rts,
        )
        if None not in tasks:
            chance = rng.random()
            if chance < 0.95:
                life.transferred = max(production, max(tasks) + rng.randint(1, 2))
            elif chance < 0.99:  # forgotten for a while, then caught by the daily report
                life.transferred = max(production, max(tasks)) + rng.randint(4, 10)
            if life.transferred is not None:
                add((life.transferred, 1, "task", "transfer", "done", tl, ""))

    def _task_on(self, life: _Life, esp: int, days, task: str) -> int | None:
        """A task done some business days into ESP (`days` drawn), or never (None)."""
        offset = days(self.rng)
        done = None if offset is None else esp + offset
        if done is not None:
            life.add((done, 1, "task", task, "done", life.tl, ""))
        return done

    def _equipment(self, life: _Life, esp: int) -> int | None:
        """Equipment received on ESP day 1, an issue ticket now and then; the day it was
        verified, or None when it never was."""
        rng, add, tl = self.rng, life.add, life.tl
        kind = EQUIPMENT(rng)
        add((esp, 1, "equipment", "received", "", tl, ""))
        verified = None
        if kind == "normal":
            verified = esp + (0 if rng.random() < 0.7 else 1)
        else:
            ticket = f"INC{rng.randrange(10_000_000):07d}"
            add((esp, 1, "equipment", "issue", ticket, tl, "Laptop will not connect to the VPN."))
            if kind == "issue":
                verified = esp + rng.randint(1, 3)
        if verified is not None:
            add((verified, 1, "equipment", "verified", "", tl, ""))
        return verified

    def _call_cert(self, life: _Life, esp: int, production: int, ready: int) -> int | None:
        """The day call certification was done (the five calls from `ready` on), or None."""
        rng, last = self.rng, self.last
        if production + 3 <= last and rng.random() < 0.02:
            # Migrated history: the task marked done directly, no call scores.
            call_cert = esp + rng.choice((1, 2))
            note = "Migrated from the old tracker: certified, scorecards on file."
            life.add((call_cert, 1, "task", "call_cert", "done", life.tl, note))
            return call_cert
        first_call = max(ready, esp + CALL_DAY(rng))
        call_cert = self._calls(life.events, first_call, life.tl)
        if call_cert is None and production + 5 <= last and rng.random() < 0.1:
            life.end_employment(production + rng.randint(3, 8), "termed")
        return call_cert

    # -- the agent's window: attendance, notes, self reports, flags ---------------------------

    def _window(self, life: _Life, home: DemoClass) -> None:
        rng, add, tl = self.rng, life.add, life.tl
        production = life.current.production
        end = min(self.last, life.transferred if life.transferred is not None else production + 2)
        if life.stop is not None:
            end = min(end, life.stop)
        start = home.start
        if end < start:
            return
        self._attendance(life.events, start, end, tl)
        for _ in range(NOTE_COUNT(rng)):
            add((rng.randint(start, end), 1, "note", "", "", tl, rng.choice(NOTES_GENERAL)))
        by = life.agent.work_email
        phases = (("licensing", life.current.licensing, 4), ("esp", life.current.esp, 3))
        for phase, first_day, days in phases:
            for d in range(first_day, min(first_day + days - 1, end) + 1):
                if rng.random() < 0.2:
                    add((d, 1, "self_report", "", "", by, rng.choice(SELF_REPORTS[phase])))
        if rng.random() < 0.012:
            flag = "background_check" if rng.random() < 0.75 else "needs_release"
            raised = rng.randint(start, min(end, start + 10))
            add((raised, 1, "flag", "raised", flag, tl, "Reported to the ESP Managers and the PM."))
            if rng.random() < 0.8:
                resolved = raised + rng.randint(2, 8)
                add((resolved, 1, "flag", "resolved", flag, tl, "Cleared by HR."))

    # -- calls, ladders, attendance -----------------------------------------------------------

    def _calls(self, events: list, day: int, tl: str) -> int | None:
        """Five calls from `day`; returns the day call certification passed, or None."""
        rng = self.rng
        add = events.append
        certifier = f"certifier{rng.randint(1, CERTIFIER_COUNT)}@{STAFF_DOMAIN}"
        failing = set(rng.sample((2, 3, 4, 5), CALL_FAILS(rng)))
        scores = {1: 100}
        add((day, 1, "call", "1", "100", certifier, ""))
        late = rng.random() < 0.1  # calls 4 and 5 the next business day
        final_day = day
        for number in (2, 3, 4, 5):
            score = (
                rng.randint(55, 84)
                if number in failing
                else rng.choice((85, 87, 88, 90, 92, 93, 95, 96, 98, 100))
            )
            scores[number] = score
            call_day = day + 1 if late and number >= 4 else day
            final_day = call_day
            add((call_day, 1, "call", str(number), str(score), certifier, ""))
        passed = sum(1 for s in scores.values() if s >= CALL_PASS_MARK) >= 4
        done = final_day if passed else None
        if rng.random() < 0.03 or (failing and rng.random() < 0.08):
            # A re-scored call (calibration): a second row for the same call, later.
            rescore_day = final_day + rng.randint(1, 2)
            if failing:
                number = rng.choice(sorted(failing))
                score = rng.randint(85, 95) if rng.random() < 0.6 else rng.randint(70, 84)
            else:
                number = rng.randint(2, 5)
                score = rng.randint(85, 100)
            scores[number] = score
            add(
                (
                    rescore_day,
                    1,
                    "call",
                    str(number),
                    str(score),
                    certifier,
                    "Re-scored after calibration with the Cert Coordinator.",
                )
            )
            if not passed and sum(1 for s in scores.values() if s >= CALL_PASS_MARK) >= 4:
                done = rescore_day
        if done is None:
            passed_count = sum(1 for s in scores.values() if s >= CALL_PASS_MARK)
            add(
                (
                    final_day,
                    1,
                    "note",
                    "",
                    "",
                    tl,
                    f"Call certification failed ({passed_count}/5 calls passed); "
                    "PM and ESP Manager notified.",
                )
            )
        return done

    def _ladder(self, events: list, ladder: str, due: int, done: int | None, tl: str) -> None:
        """Deliver some steps of a timeframe ladder to an agent late past its timeframe."""
        if done is not None and done <= due:
            return
        rng = self.rng
        if rng.random() >= 0.75:
            return  # left undelivered: overdue until the tasks are done
        delivered = due + rng.choice((0, 0, 0, 1, 2))
        if done is not None and delivered > done:
            delivered = due  # delivered on the due day, before the agent caught up
        events.append((delivered, 1, "action", "coaching", ladder, tl, ""))
        next_due = max(delivered + 1, due + 1)
        if (done is None or done > next_due) and rng.random() < 0.35:
            delivered = next_due + rng.choice((0, 0, 1))
            events.append((delivered, 1, "action", "written_cap", ladder, tl, ""))

    def _attendance(self, events: list, start: int, end: int, tl: str) -> None:
        """Occurrences (R-A2) in [start, end], and some deliveries of the attendance ladder."""
        rng = self.rng
        count = OCCURRENCE_COUNT(rng)
        if not count:
            return
        busy = {e[0] for e in events if e[2] in BUSY_KINDS}
        occurrences = []
        for _ in range(count):
            kind = OCCURRENCE_KIND(rng)
            day = rng.randint(start, end)
            if kind in FULL_DAY_KINDS and day in busy:
                day = rng.randint(start, end)
                if day in busy:
                    kind = "tardy"
            if kind == "tardy" or kind == "left_early":
                minutes = rng.choice((5, 12, 15, 20, 25, 30, 45, 75, 120))
                value = str(minutes)
            elif kind == "mia":
                minutes = 35
                value = str(rng.choice((30, 35, 45, 60))) if rng.random() < 0.5 else ""
            else:
                minutes = 0
                value = ""
            occurrences.append((day, kind, value, minutes))
            busy.add(day)
        occurrences.sort(key=lambda o: o[0])
        points = 0.0
        ncns = 0
        level = 0
        for day, kind, value, minutes in occurrences:
            events.append((day, 1, "attendance", kind, value, tl, ""))
            if kind in ("tardy", "left_early") and minutes < 10:
                continue  # recorded, but no occurrence (R-A2)
            points += ATTENDANCE_POINTS[kind]
            ncns += kind == "ncns"
            new_level = attendance_level(points, ncns)
            if new_level > level:
                level = new_level
                if rng.random() < 0.55:
                    events.append(
                        (
                            day + rng.choice((1, 1, 2)),
                            1,
                            "action",
                            ATTENDANCE_STEPS[level],
                            "attendance",
                            tl,
                            "",
                        )
                    )
