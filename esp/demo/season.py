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
import itertools
import operator
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from esp.reports.render import escape_row
from esp.rules.calendar import BusinessCalendar, PhaseLength, phase_starts

CLASS_COLUMNS = [
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
ROSTER_COLUMNS = [
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
ACTIVITY_COLUMNS = ["date", "employee_id", "kind", "item", "value", "by", "note"]

PROGRAM_KEY = "esp-aetna"
CAMPAIGN = "Aetna"
CLASS_PREFIX = "AET"
SITES = ("PRV", "SLC", "MEM", "SAT")
PHASES = (
    PhaseLength("onboarding", 2),
    PhaseLength("licensing", Decimal("3.5")),
    PhaseLength("training", 10),
    PhaseLength("esp", 3),
    PhaseLength("production", None),
)
LICENSING_EMAIL = "licensing@cxp.example"
STAFF_DOMAIN = "cxp.example"
PERSONAL_DOMAIN = "mail.example"
CERTIFIER_COUNT = 10
CALL_PASS_MARK = 85
TIMEFRAME_DAYS = 3  # licensing and esp ladders (SPEC §6, R-L1)
FIRST_EMPLOYEE_NUMBER = 100001

# Ages (business days from class start to as_of) of the demo's classes: licensing day 2,
# training day 5, ESP day 2, ESP day 5, a few days past ESP, finished weeks ago.
DEMO_AGES = (17, 3, 10, 45, 24, 20)  # in the order they are kept for fewer classes
SPREAD_BUSINESS_DAYS = 250  # about 12 months of class starts for a large season

FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Jose",
    "Maria",
    "Luis",
    "Rosa",
    "Jamal",
    "Aisha",
    "Wei",
    "Mei",
    "Omar",
    "Fatima",
    "Dmitri",
    "Priya",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Patel",
    "Kim",
    "Okafor",
    "Novak",
    "Silva",
    "Cohen",
    "Murphy",
    "Reyes",
    "Bennett",
    "Foster",
    "Ward",
)

NOTES_GENERAL = (
    "Checked in with the agent; on track.",
    "Agent reported internet issues; ran a speed test and closed streaming apps.",
    "Reminded the agent to upload the proof screenshot.",
    "Agent asked about the Producer World login; sent the guide.",
    "Discussed the call certification schedule with the agent.",
    "Agent could not reach the carrier site; cleared cache and cookies, then refreshed.",
    "Walked the agent through the dialer login error; reboot fixed it.",
    "Agent switched from Firefox to Chrome; the portal works now.",
    "Confirmed the agent's schedule for the rest of the week.",
    "Agent is engaged and asks good questions.",
    "Agent needed help finding the course by number in the learning hub.",
    "Shared the scripting tips from shadowing with the agent.",
)
SELF_REPORTS = {
    "licensing": (
        "Finished AHIP modules 1-2 and the practice quizzes.",
        "Working on AHIP modules 3-4.",
        "Finished module 5; taking the AHIP final next.",
        "Working on the Aetna certification modules.",
        "Registered in Producer World.",
    ),
    "esp": (
        "Working on my TBTs.",
        "All TBTs done; waiting for a certifier.",
        "Shadowing went well.",
        "Finished my certification calls.",
        "Equipment is set up and working.",
    ),
}
TERM_NOTES = {
    "termed": (
        "Employment termed after PM review.",
        "Termed: did not meet the attendance policy.",
    ),
    "resigned": (
        "Resigned: accepted another position.",
        "Resigned for personal reasons.",
    ),
    "withdrawn": ("Withdrawn before licensing: start date deferred by HR.",),
}


@dataclass
class Season:
    classes: list[dict[str, str]]  # rows of classes.csv (keys = column names)
    roster: list[dict[str, str]]  # rows of roster.csv
    activity: list[dict[str, str]]  # rows of activity.csv, sorted by (date, employee_id)


# -- helpers --------------------------------------------------------------------------------


class _Weighted:
    """A fixed discrete distribution, sampled with one ``rng.random()``."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, table: dict):
        self.values = list(table)
        self.cumulative = list(itertools.accumulate(table.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


AHIP_FAILS = _Weighted({0: 76, 1: 15, 2: 8, 3: 1})
CARRIER_FAILS = _Weighted({0: 85, 1: 10, 2: 5})
LICENSING_PACE = _Weighted({"on_time": 86, "late": 11, "never": 3})
PRODUCER_WORLD_DAY = _Weighted({0: 85, 1: 6, 2: 4, 3: 1, 4: 1, 6: 1, None: 2})
TBT_DAY = _Weighted({0: 30, 1: 45, 2: 13, 3: 4, 4: 3, 5: 2, 6: 1, None: 2})
RTS_DAY = _Weighted({0: 20, 1: 40, 2: 30, 3: 4, 4: 3, 5: 1, None: 2})
CALL_DAY = _Weighted({1: 60, 2: 25, 3: 10, 4: 5})
CALL_FAILS = _Weighted({0: 72, 1: 18, 2: 6, 3: 3, 4: 1})
EQUIPMENT = _Weighted({"normal": 92, "issue": 7, "stuck": 1})
OCCURRENCE_COUNT = _Weighted({0: 68, 1: 20, 2: 8, 3: 3, 4: 1})
OCCURRENCE_KIND = _Weighted(
    {"tardy": 35, "left_early": 20, "absent": 14, "absent_approved": 12, "ncns": 5, "mia": 14}
)
NOTE_COUNT = _Weighted({0: 35, 1: 40, 2: 20, 3: 5})
FULL_DAY_KINDS = frozenset({"absent", "absent_approved", "ncns"})
ATTENDANCE_POINTS = {
    "tardy": 0.5,
    "left_early": 0.5,
    "mia": 0.5,
    "absent": 1.0,
    "ncns": 2.0,
    "absent_approved": 0.0,
}
ATTENDANCE_STEPS = (None, "coaching", "written_cap", "final_cap", "termination_review")
EXAM_STEPS = (None, "coaching", "written_cap", "final_cap")
# Kinds that mark a day as busy for an agent (no full-day absence on such a day).
BUSY_KINDS = frozenset({"task", "exam", "call", "equipment", "n_number", "move"})


def _attendance_level(points: float, ncns: int) -> int:
    """R-A5 levels: 1 coaching, 2 written CAP, 3 final CAP, 4 termination review."""
    if points >= 6 or ncns >= 3:
        return 4
    if points >= 5 or ncns >= 2:
        return 3
    if points >= 4 or ncns >= 1:
        return 2
    if points >= 1:
        return 1
    return 0


@dataclass
class _Class:
    code: str
    site: str
    start: int  # business-day indices
    licensing: int
    training: int
    esp: int
    production: int
    start_date: date
    tls: list[str]
    pm: str
    size: int = 0
    targets: list[int] = field(default_factory=list)  # classes a recycled agent may join


@dataclass
class _Agent:
    number: int
    employee_id: str
    first: str
    last: str
    work_email: str
    personal_email: str
    klass: int  # index into the class list
    tl: str
    n_number: str


class _Generator:
    def __init__(
        self, as_of: date, agents: int, seed: int, calendar: BusinessCalendar, agents_per_class: int
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
        return tls, pms

    def _classes(self) -> list[_Class]:
        rng = self.rng
        ages = self._class_ages()
        self._build_days(max(max(ages), 0) + 40)
        tls, pms = self._staff()
        classes: list[_Class] = []
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
                _Class(
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

    def _agents(self, classes: list[_Class]) -> list[_Agent]:
        rng = self.rng
        agents: list[_Agent] = []
        number = FIRST_EMPLOYEE_NUMBER
        for k, klass in enumerate(classes):
            for _ in range(klass.size):
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                agents.append(
                    _Agent(
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

    def generate(self) -> Season:
        rng = self.rng
        classes = self._classes()
        agents = self._agents(classes)
        last = self.last

        # Special fates so that even a small season shows every kind of situation.
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

        buckets: list[list[dict[str, str]]] = [[] for _ in self.days]
        roster: list[dict[str, str]] = []
        iso = self.iso
        for i, agent in enumerate(agents):
            klass = classes[agent.klass]
            special = specials.get(i)
            if special is None and klass.targets and rng.random() < 0.01:
                special = ("move", rng.choice(klass.targets))
            events, requested = self._simulate(agent, klass, classes, special)
            roster.append(
                {
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
                    "equipment_owner": "personal" if rng.random() < 0.15 else "company",
                }
            )
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

        class_rows = [
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
        activity = [row for bucket in buckets for row in bucket]
        return Season(classes=class_rows, roster=roster, activity=activity)

    # -- one agent ----------------------------------------------------------------------------

    def _simulate(self, agent: _Agent, home: _Class, classes: list[_Class], special):
        """The agent's facts as (index, rank, kind, item, value, by, note), sorted, cut at
        as_of and at an employment change; and whether the N-Number was requested."""
        rng = self.rng
        last = self.last
        if home.start > last:
            return [], False
        tl = agent.tl
        events: list[tuple] = []
        add = events.append

        # Employment fate decided up front; later causes may bring it earlier.
        stop: int | None = None  # index of the employment change
        stop_value = ""
        if special == "withdrawn":
            stop, stop_value = home.start + rng.randint(0, 1), "withdrawn"
        elif special == "termed":
            lo = min(home.start + 3, last)
            stop, stop_value = rng.randint(lo, max(lo, min(last, home.start + 25))), "termed"
        elif special is None:
            fate = rng.random()
            if fate < 0.006:
                stop, stop_value = home.start + rng.randint(3, 30), "termed"
            elif fate < 0.011:
                stop, stop_value = home.start + rng.randint(1, 25), "resigned"

        def end_employment(idx: int, value: str) -> None:
            nonlocal stop, stop_value
            if stop is None or idx < stop:
                stop, stop_value = idx, value

        current = home
        producer_world = requested = None
        prior_ahip_fails = 0

        # -- a recycled agent: behind in the home class's licensing, then moved (R-T3) ----
        if isinstance(special, tuple):
            target = classes[special[1]]
            lic = home.licensing
            producer_world = lic
            add((lic, 1, "task", "producer_world", "done", LICENSING_EMAIL, ""))
            requested = lic
            add((lic, 1, "n_number", "requested", agent.n_number, LICENSING_EMAIL, ""))
            add((lic + 1, 1, "exam", "ahip", "failed", LICENSING_EMAIL, ""))
            prior_ahip_fails = 1
            if rng.random() < 0.6:
                add((lic + 2, 1, "action", "coaching", "exams", tl, ""))
            add((lic + 2, 1, "attendance", "absent", "", tl, ""))
            if rng.random() < 0.7:
                add((lic + 3, 1, "action", "coaching", "licensing", tl, ""))
            add(
                (
                    lic + 3,
                    1,
                    "note",
                    "",
                    "",
                    tl,
                    "Behind pace on AHIP; will restart licensing with a later class.",
                )
            )
            add(
                (
                    target.licensing,
                    0,
                    "move",
                    target.code,
                    "",
                    tl,
                    f"Moved from {home.code} to restart licensing.",
                )
            )
            current = target

        lic = current.licensing
        pace = LICENSING_PACE(rng)
        delay = 0 if pace == "on_time" else rng.randint(1, 4)
        blocked = False

        if producer_world is None:
            offset = PRODUCER_WORLD_DAY(rng)
            if offset is not None:
                producer_world = lic + offset
                add((producer_world, 1, "task", "producer_world", "done", LICENSING_EMAIL, ""))
        if requested is None and rng.random() < 0.97:
            requested = lic + rng.choice((0, 0, 1, 2))
            add((requested, 1, "n_number", "requested", agent.n_number, LICENSING_EMAIL, ""))

        # AHIP final: failed attempts, each the day before the next; exams ladder (R-N4a).
        ahip_done = carrier_done = None
        attempt = lic + rng.choice((1, 1, 2)) + delay
        fails = AHIP_FAILS(rng)
        if fails + prior_ahip_fails > 3:
            fails = 3 - prior_ahip_fails
        for k in range(prior_ahip_fails + 1, prior_ahip_fails + fails + 1):
            add((attempt, 1, "exam", "ahip", "failed", LICENSING_EMAIL, ""))
            if rng.random() < 0.6:
                add((attempt + rng.choice((1, 1, 2)), 1, "action", EXAM_STEPS[k], "exams", tl, ""))
            # A first fail is often retaken the same day; a third attempt is proctored later.
            attempt += rng.choice((0, 1)) if k == 1 else 1
        if prior_ahip_fails + fails >= 3:
            blocked = True
            add(
                (
                    attempt - 1,
                    1,
                    "note",
                    "",
                    "",
                    tl,
                    "Third AHIP failure: cannot sell for Aetna this year; "
                    "termination review with the PM.",
                )
            )
            end_employment(attempt + rng.randint(1, 3), "termed")
        else:
            add((attempt, 1, "exam", "ahip", "passed", LICENSING_EMAIL, ""))
            ahip_done = attempt + (0 if rng.random() < 0.9 else 1)
            add((ahip_done, 1, "task", "ahip", "done", LICENSING_EMAIL, ""))
            # Carrier certification.
            attempt = ahip_done + (0 if rng.random() < 0.75 else 1)
            cfails = CARRIER_FAILS(rng)
            if pace == "never":
                cfails = 1
            for k in range(1, cfails + 1):
                add((attempt, 1, "exam", "carrier_cert", "failed", LICENSING_EMAIL, ""))
                if rng.random() < 0.5:
                    add((attempt + 1, 1, "action", EXAM_STEPS[k], "exams", tl, ""))
                attempt += rng.choice((0, 1)) if k == 1 else 1
            if pace == "never":
                blocked = True
                add(
                    (
                        attempt,
                        1,
                        "note",
                        "",
                        "",
                        tl,
                        "Aetna certification site locked; carrier ticket open, "
                        "waiting on the carrier.",
                    )
                )
            else:
                add((attempt, 1, "exam", "carrier_cert", "passed", LICENSING_EMAIL, ""))
                carrier_done = attempt
                add((carrier_done, 1, "task", "carrier_cert", "done", LICENSING_EMAIL, ""))

        # Licensing ladder (R-L2/R-L3): coaching due on licensing day 4.
        licensed = (
            max(producer_world, ahip_done, carrier_done)
            if None not in (producer_world, ahip_done, carrier_done)
            else None
        )
        self._ladder(events, "licensing", lic + TIMEFRAME_DAYS, licensed, tl)
        if pace != "on_time" and licensed is not None and licensed > lic + TIMEFRAME_DAYS:
            add(
                (
                    lic + TIMEFRAME_DAYS,
                    1,
                    "note",
                    "",
                    "",
                    tl,
                    "Behind pace on licensing; followed up with the agent and licensing.",
                )
            )

        # -- ESP ------------------------------------------------------------------------------
        esp = current.esp
        production = current.production
        transferred = None
        if not blocked:
            kind = EQUIPMENT(rng)
            add((esp, 1, "equipment", "received", "", tl, ""))
            verified = None
            if kind == "normal":
                verified = esp + (0 if rng.random() < 0.7 else 1)
            else:
                ticket = f"INC{rng.randrange(10_000_000):07d}"
                add(
                    (
                        esp,
                        1,
                        "equipment",
                        "issue",
                        ticket,
                        tl,
                        "Laptop will not connect to the VPN.",
                    )
                )
                if kind == "issue":
                    verified = esp + rng.randint(1, 3)
            if verified is not None:
                add((verified, 1, "equipment", "verified", "", tl, ""))
            day1 = esp + (0 if rng.random() < 0.95 else 1)
            add((day1, 1, "task", "readiness_day1", "done", tl, ""))
            shadowing = day1 + rng.choice((0, 1, 1))
            add((shadowing, 1, "task", "readiness_shadowing", "done", tl, ""))

            offset = TBT_DAY(rng)
            tbt = None if offset is None else esp + offset
            if tbt is not None:
                add((tbt, 1, "task", "tbt", "done", tl, ""))
            offset = RTS_DAY(rng)
            rts = None if offset is None else esp + offset
            if rts is not None:
                add((rts, 1, "task", "rts", "done", tl, ""))

            call_cert = None
            if verified is not None:
                if production + 3 <= last and rng.random() < 0.02:
                    # Migrated history: the task marked done directly, no call scores.
                    call_cert = esp + rng.choice((1, 2))
                    add(
                        (
                            call_cert,
                            1,
                            "task",
                            "call_cert",
                            "done",
                            tl,
                            "Migrated from the old tracker: certified, scorecards on file.",
                        )
                    )
                else:
                    first_call = max(verified, shadowing, esp + CALL_DAY(rng))
                    call_cert = self._calls(events, first_call, tl)
                    if call_cert is None and production + 5 <= last and rng.random() < 0.1:
                        end_employment(production + rng.randint(3, 8), "termed")

            esp_done = max(tbt, call_cert) if tbt is not None and call_cert is not None else None
            self._ladder(events, "esp", esp + TIMEFRAME_DAYS, esp_done, tl)

            tasks = (producer_world, ahip_done, carrier_done, tbt, call_cert, verified, rts)
            if None not in tasks:
                chance = rng.random()
                if chance < 0.95:
                    transferred = max(production, max(tasks) + rng.randint(1, 2))
                elif chance < 0.99:  # forgotten for a while, then caught by the daily report
                    transferred = max(production, max(tasks)) + rng.randint(4, 10)
                if transferred is not None:
                    add((transferred, 1, "task", "transfer", "done", tl, ""))

        # Agents who never finish are termed after the PM's review, a few weeks on.
        if transferred is None and production + 15 <= last and rng.random() < 0.9:
            end_employment(production + rng.randint(8, 15), "termed")

        # -- the agent's window: attendance, notes, self reports, flags ----------------------
        end = min(last, transferred if transferred is not None else production + 2)
        if stop is not None:
            end = min(end, stop)
        start = home.start
        if end >= start:
            self._attendance(events, start, end, tl)
            for _ in range(NOTE_COUNT(rng)):
                add((rng.randint(start, end), 1, "note", "", "", tl, rng.choice(NOTES_GENERAL)))
            by = agent.work_email
            for phase, first_day, days in (("licensing", lic, 4), ("esp", esp, 3)):
                for d in range(first_day, min(first_day + days - 1, end) + 1):
                    if rng.random() < 0.2:
                        add((d, 1, "self_report", "", "", by, rng.choice(SELF_REPORTS[phase])))
            if rng.random() < 0.012:
                flag = "background_check" if rng.random() < 0.75 else "needs_release"
                raised = rng.randint(start, min(end, start + 10))
                add(
                    (
                        raised,
                        1,
                        "flag",
                        "raised",
                        flag,
                        tl,
                        "Reported to the ESP Managers and the PM.",
                    )
                )
                if rng.random() < 0.8:
                    resolved = raised + rng.randint(2, 8)
                    add((resolved, 1, "flag", "resolved", flag, tl, "Cleared by HR."))

        if stop is not None and stop <= last:
            note = rng.choice(TERM_NOTES[stop_value])
            add((stop, 2, "status", "employment", stop_value, tl, note))
        limit = last if stop is None else min(last, stop)
        events = [e for e in events if e[0] <= limit]
        events.sort(key=lambda e: (e[0], e[1]))
        return events, requested is not None and requested <= limit

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
            new_level = _attendance_level(points, ncns)
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


# -- public API -----------------------------------------------------------------------------


def generate_season(
    *,
    as_of: date,
    agents: int,
    seed: int = 1,
    calendar: BusinessCalendar | None = None,
    agents_per_class: int = 12,
) -> Season:
    """A season of `agents` agents in classes of `agents_per_class`, as of `as_of`."""
    if calendar is None:
        calendar = BusinessCalendar.us()
    return _Generator(as_of, agents, seed, calendar, agents_per_class).generate()


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
