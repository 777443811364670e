"""What a demo season is made of (esp/demo/season.py): the CSV columns, the program's phases,
names and notes, the distributions the generator draws from, and its classes and agents."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from esp.rules.calendar import PhaseLength

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
# `esp demo`'s own classes: the six above and five more finished ones, so that the outlook
# (issue 18) learns from 80-odd finished agents instead of falling back (MIN_ANALOGS).
DEMO_SEASON_AGES = (*DEMO_AGES, 29, 34, 39, 52, 60)
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
    # the demo's touches (esp/demo/touchups.py): (employee_id, ISO day) of an agent moved to
    # the uptraining class on that day whose Call Certs passed since (R-E3's undo is due)
    uptrained: list[tuple[str, str]] = field(default_factory=list)


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


def attendance_level(points: float, ncns: int) -> int:
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
class DemoClass:
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
class DemoAgent:
    number: int
    employee_id: str
    first: str
    last: str
    work_email: str
    personal_email: str
    klass: int  # index into the class list
    tl: str
    n_number: str
