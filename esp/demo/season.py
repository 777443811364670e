"""A deterministic season generator: classes, roster and activity in the SPEC §15 formats.

Pure Python, no Django, no clock: the caller passes ``as_of``. Used by ``esp demo`` (a small
realistic season dated relative to today) and by the benchmark (20,000 agents).

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the same arguments
always give the same rows. Dates are handled as indices into a precomputed list of business
days, so generating a large season never scans the calendar per row.

The shape of a season (SPEC §3 phase lengths: onboarding 2, licensing 3.5 -> 4, training 10,
ESP 3 business days; production after that):

* classes start on spread business days so that, as of ``as_of``, some have not started, and
  others are in onboarding, licensing, training, ESP (days 1-5) or long finished;
* each agent's facts follow the program: Producer World, N-Number request, AHIP and carrier
  exams and tasks during licensing; equipment, readiness, TBTs, RTS and five calls in ESP;
  transfer to production when everything else is done; attendance occurrences, notes, self
  reports, corrective actions (delivered, late, or left undelivered), red flags, moves to a
  later class and employment changes here and there.

Every activity date is a business day on or before ``as_of`` and on or after the start of
the phase the fact belongs to.
"""

from __future__ import annotations

import bisect
import csv
import operator
import random
from datetime import date, timedelta
from pathlib import Path

from esp.lib.formulas import escape_row
from esp.rules.calendar import BusinessCalendar, phase_starts

from .season_data import (
    ACTIVITY_COLUMNS,
    CAMPAIGN,
    CLASS_COLUMNS,
    CLASS_PREFIX,
    DEMO_AGES,
    FIRST_EMPLOYEE_NUMBER,
    FIRST_NAMES,
    LAST_NAMES,
    PERSONAL_DOMAIN,
    PHASES,
    PROGRAM_KEY,
    ROSTER_COLUMNS,
    SITES,
    SPREAD_BUSINESS_DAYS,
    STAFF_DOMAIN,
    DemoAgent,
    DemoClass,
    Season,
)
from .simulate import AgentSimulator

__all__ = [
    "ACTIVITY_COLUMNS",
    "CLASS_COLUMNS",
    "PHASES",
    "ROSTER_COLUMNS",
    "Season",
    "generate_season",
    "write_season",
]


class _Generator(AgentSimulator):
    def __init__(
        self,
        as_of: date,
        agents: int,
        seed: int,
        calendar: BusinessCalendar,
        agents_per_class: int,
        class_ages: tuple[int, ...] | None = None,
    ):
        if agents < 1:
            raise ValueError("a season needs at least one agent")
        if agents_per_class < 1:
            raise ValueError("agents_per_class must be at least 1")
        self.as_of = as_of
        self.agents_total = agents
        self.calendar = calendar
        self.rng = random.Random(seed)
        self.per_class = agents_per_class
        self.class_count = max(1, agents // agents_per_class)
        self.class_ages = class_ages
        self.staff_names: set[str] = set()  # the TLs' and PMs' "first.last" (_staff)

    # -- business days ------------------------------------------------------------------------

    def _build_days(self, max_age: int) -> None:
        calendar = self.calendar
        first = self.as_of - timedelta(days=max_age * 7 // 5 + 60)
        last = self.as_of + timedelta(days=150)
        first = max(first, date(calendar.first_year, 1, 1))
        last = min(last, date(calendar.last_year, 12, 31))
        days: list[date] = []
        day = first
        one = timedelta(days=1)
        while day <= last:
            if calendar.is_business_day(day):
                days.append(day)
            day += one
        self.days = days
        self.iso = [d.isoformat() for d in days]
        self.index = {d: i for i, d in enumerate(days)}
        # anchor: the business day as_of is, or the next one (R-T4); A: last day <= as_of.
        self.anchor = bisect.bisect_left(days, self.as_of)
        self.last = self.anchor if days[self.anchor] == self.as_of else self.anchor - 1

    # -- classes ------------------------------------------------------------------------------

    def _class_ages(self) -> list[int]:
        count = self.class_count
        if self.class_ages and count <= len(self.class_ages):  # the demo's (esp/demo/load.py)
            return sorted(self.class_ages[:count], reverse=True)
        if count <= len(DEMO_AGES):
            return sorted(DEMO_AGES[:count], reverse=True)
        future = max(1, count * 3 // 100)
        rest = count - future - len(DEMO_AGES)
        span = min(SPREAD_BUSINESS_DAYS, max(60, rest * 3))
        if rest > 1:
            spread = [round(k * span / (rest - 1)) for k in range(rest)]
        else:
            spread = [span] * rest
        upcoming = [-1 - (k * 14) // future for k in range(future)]
        return sorted(list(DEMO_AGES) + spread + upcoming, reverse=True)

    def _staff(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        rng = self.rng
        tl_per_site = max(2, min(25, self.class_count // 16 + 1))
        pm_per_site = max(1, min(5, self.class_count // 80 + 1))
        used: set[str] = set()

        def person() -> str:
            while True:
                email = (
                    f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(LAST_NAMES).lower()}"
                    f"@{STAFF_DOMAIN}"
                )
                if email not in used:
                    used.add(email)
                    return email

        tls = {site: [person() for _ in range(tl_per_site)] for site in SITES}
        pms = {site: [person() for _ in range(pm_per_site)] for site in SITES}
        self.staff_names = {email.split("@")[0] for email in used}  # "rosa.harris"
        return tls, pms

    def _not_staff(self, first: str, last: str) -> str:
        """Issue 17: staff and agents never share a full name (both are drawn from the same
        lists): an agent named like a TL or PM takes the next last name that is free. No draw
        from the generator, so the rest of the season stays as it was."""
        names = self.staff_names
        at = LAST_NAMES.index(last)
        for step in range(len(LAST_NAMES)):
            candidate = LAST_NAMES[(at + step) % len(LAST_NAMES)]
            if f"{first.lower()}.{candidate.lower()}" not in names:
                return candidate
        return last

    def _classes(self) -> list[DemoClass]:
        rng = self.rng
        ages = self._class_ages()
        self._build_days(max(max(ages), 0) + 40)
        tls, pms = self._staff()
        classes: list[DemoClass] = []
        sequence: dict[tuple[int, int], int] = {}
        for age in ages:
            start = self.anchor - age
            start_date = self.days[start]
            starts = phase_starts(self.calendar, start_date, PHASES)
            idx = {key: self.index[day] for key, day in starts.items()}
            month = (start_date.year, start_date.month)
            sequence[month] = sequence.get(month, 0) + 1
            code = (
                f"{CLASS_PREFIX}-{start_date.year % 100:02d}{start_date.month:02d}"
                f"-{sequence[month]:02d}"
            )
            site = rng.choice(SITES)
            class_tls = rng.sample(tls[site], 2 if rng.random() < 0.4 else 1)
            classes.append(
                DemoClass(
                    code=code,
                    site=site,
                    start=idx["onboarding"],
                    licensing=idx["licensing"],
                    training=idx["training"],
                    esp=idx["esp"],
                    production=idx["production"],
                    start_date=start_date,
                    tls=class_tls,
                    pm=rng.choice(pms[site]),
                )
            )
        # Sizes: agents_per_class each, the remainder one more to the first classes.
        base, extra = divmod(self.agents_total, self.class_count)
        for i, klass in enumerate(classes):
            klass.size = base + (1 if i < extra else 0)
        # Recycling targets (R-T3 moves): classes starting 5 to 15 business days later whose
        # licensing has started by as_of.
        starts = [k.start for k in classes]
        for klass in classes:
            lo = bisect.bisect_left(starts, klass.start + 5)
            hi = bisect.bisect_right(starts, klass.start + 15)
            klass.targets = [j for j in range(lo, hi) if classes[j].licensing <= self.last]
        return classes

    # -- roster -------------------------------------------------------------------------------

    def _agents(self, classes: list[DemoClass]) -> list[DemoAgent]:
        rng = self.rng
        agents: list[DemoAgent] = []
        number = FIRST_EMPLOYEE_NUMBER
        for k, klass in enumerate(classes):
            for _ in range(klass.size):
                first = rng.choice(FIRST_NAMES)
                last = self._not_staff(first, rng.choice(LAST_NAMES))
                agents.append(
                    DemoAgent(
                        number=number,
                        employee_id=f"E{number}",
                        first=first,
                        last=last,
                        work_email=f"{first.lower()}.{last.lower()}.{number}@{STAFF_DOMAIN}",
                        personal_email=(
                            f"{first[0].lower()}{last.lower()}{number}@{PERSONAL_DOMAIN}"
                        ),
                        klass=k,
                        tl=rng.choice(klass.tls),
                        # 7919 is prime and coprime with 10**7: unique for every number.
                        n_number=f"N{(number * 7919) % 10_000_000:07d}",
                    )
                )
                number += 1
        return agents

    # -- the season ---------------------------------------------------------------------------

    def _specials(self, agents: list[DemoAgent], classes: list[DemoClass]) -> dict[int, object]:
        """Special fates so that even a small season shows every kind of situation."""
        rng, last = self.rng, self.last
        specials: dict[int, object] = {}
        started = [i for i, a in enumerate(agents) if classes[a.klass].start <= last - 1]
        seasoned = [i for i, a in enumerate(agents) if classes[a.klass].start <= last - 8]
        movable = [
            i
            for i, a in enumerate(agents)
            if classes[a.klass].targets and classes[a.klass].licensing + 1 <= last
        ]
        if started:
            specials[rng.choice(started)] = "withdrawn"
        pool = [i for i in (seasoned or started) if i not in specials]
        if pool:
            specials[rng.choice(pool)] = "termed"
        pool = [i for i in movable if i not in specials]
        if pool:
            i = rng.choice(pool)
            specials[i] = ("move", rng.choice(classes[agents[i].klass].targets))
        return specials

    def _roster_row(self, agent: DemoAgent, klass: DemoClass, requested: bool) -> dict[str, str]:
        return {
            "employee_id": agent.employee_id,
            "first_name": agent.first,
            "last_name": agent.last,
            "work_email": agent.work_email,
            "personal_email": agent.personal_email,
            "class_code": klass.code,
            "site": klass.site,
            "npn": f"{1 + agent.number % 9}{agent.number:06d}{agent.number * 7 % 10}",
            "n_number": agent.n_number if requested else "",
            "tl_email": agent.tl,
            "pm_email": klass.pm,
            "equipment_owner": "personal" if self.rng.random() < 0.15 else "company",
        }

    def generate(self) -> Season:
        rng = self.rng
        classes = self._classes()
        agents = self._agents(classes)
        specials = self._specials(agents, classes)
        buckets: list[list[dict[str, str]]] = [[] for _ in self.days]
        roster: list[dict[str, str]] = []
        iso = self.iso
        for i, agent in enumerate(agents):
            klass = classes[agent.klass]
            special = specials.get(i)
            if special is None and klass.targets and rng.random() < 0.01:
                special = ("move", rng.choice(klass.targets))
            events, requested = self._simulate(agent, klass, classes, special)
            roster.append(self._roster_row(agent, klass, requested))
            eid = agent.employee_id
            for idx, _rank, kind, item, value, by, note in events:
                buckets[idx].append(
                    {
                        "date": iso[idx],
                        "employee_id": eid,
                        "kind": kind,
                        "item": item,
                        "value": value,
                        "by": by,
                        "note": note,
                    }
                )
        activity = [row for bucket in buckets for row in bucket]
        return Season(classes=_class_rows(classes), roster=roster, activity=activity)


def _class_rows(classes: list[DemoClass]) -> list[dict[str, str]]:
    return [
        {
            "class_code": k.code,
            "program": PROGRAM_KEY,
            "campaign": CAMPAIGN,
            "site": k.site,
            "start_date": k.start_date.isoformat(),
            "licensing_start": "",
            "training_start": "",
            "esp_start": "",
            "tl_emails": ";".join(k.tls),
            "pm_email": k.pm,
        }
        for k in classes
    ]


# -- public API -----------------------------------------------------------------------------


def generate_season(
    *,
    as_of: date,
    agents: int,
    seed: int = 1,
    calendar: BusinessCalendar | None = None,
    agents_per_class: int = 12,
    class_ages: tuple[int, ...] | None = None,
) -> Season:
    """A season of `agents` agents in classes of `agents_per_class`, as of `as_of`; the
    classes' ages (business days from their start to `as_of`) are `class_ages` when given."""
    if calendar is None:
        calendar = BusinessCalendar.us()
    return _Generator(as_of, agents, seed, calendar, agents_per_class, class_ages).generate()


def write_season(season: Season, directory: Path) -> dict[str, Path]:
    """Write classes.csv, roster.csv and activity.csv into `directory`; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, columns, rows in (
        ("classes", CLASS_COLUMNS, season.classes),
        ("roster", ROSTER_COLUMNS, season.roster),
        ("activity", ACTIVITY_COLUMNS, season.activity),
    ):
        path = directory / f"{name}.csv"
        values = operator.itemgetter(*columns)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(escape_row(values(row)) for row in rows)
        paths[name] = path
    return paths
