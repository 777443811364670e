"""The default program `esp-aetna` as data: the values of SPEC §2, §3, §5, §6, §7 and §8.

`esp.programs.services.load_default_program()` writes them (idempotently).
"""

from __future__ import annotations

from esp.lib import display
from esp.rules import records

from .models import Ladder

SITES = ["PRV", "SLC", "MEM", "SAT"]
CAMPAIGNS = [("Aetna", "510"), ("CareSource", "511"), ("Anthem", "520"), ("Assurance", "544")]

PHASES = [
    # key, name, length, expected, max extension, timeframe, owner, invite lead days, link hours, link lifetime
    ("onboarding", "Onboarding", "2", None, 0, None, "Onboarding team", None, None, None),
    ("licensing", "AHIP / carrier certification", "3.5", None, 0, 3, "Licensing", 3, 24, None),
    ("training", "Training", "10", None, 0, None, "Training team", 3, None, 7),
    (
        "esp",
        "Call Certs and TBTs (ESP days)",
        "3",
        "2",
        2,
        3,
        "TL, Cert Coordinator",
        3,
        None,
        None,
    ),
    (
        "production",
        "Transfer to production",
        None,
        None,
        0,
        None,
        "ESP Manager, PM",
        None,
        None,
        None,
    ),
]

TASKS = [
    # key, name, phase, completion, needs proof, done when
    (
        "producer_world",
        "Producer World registration",
        "licensing",
        records.COMPLETION_MARKED,
        False,
        "marked done",
    ),
    (
        "ahip",
        "AHIP certification",
        "licensing",
        records.COMPLETION_MARKED,
        True,
        "proof screenshot accepted",
    ),
    (
        "carrier_cert",
        "Aetna certification",
        "licensing",
        records.COMPLETION_MARKED,
        True,
        "proof screenshot (13 green checks) accepted",
    ),
    (
        "tbt",
        "All TBTs",
        "esp",
        records.COMPLETION_COURSES,
        False,
        "every course of the program's list has an accepted PDF proof, or marked done",
    ),
    (
        "call_cert",
        "Call certification",
        "esp",
        records.COMPLETION_CALLS,
        False,
        "program passed",
    ),
    (
        "equipment",
        "Equipment verified",
        "esp",
        records.COMPLETION_EQUIPMENT,
        False,
        'status "verified"',
    ),
    ("rts", "RTS / No More Forms", "esp", records.COMPLETION_MARKED, False, "marked done"),
    (
        "transfer",
        "Transferred to production",
        "production",
        records.COMPLETION_MARKED,
        False,
        "transfer checklist done (R-X)",
    ),
]

SECTIONS = [
    ("producer_world", "Producer World", 1, ["producer_world"]),
    ("ahip_carrier", "AHIP/Aetna", 4, ["ahip", "carrier_cert"]),
    ("tbt", "TBT", 3, ["tbt"]),
    ("call_cert", "Call Cert", 3, ["call_cert"]),
    ("transfer_needed", "Transfer to production needed", None, ["transfer"]),
]

# The sections' titles on report pages and in mail (the program's short names are "AHIP/Aetna").
SECTION_TITLES = {
    "producer_world": "Producer World registration",
    "ahip_carrier": "AHIP / Aetna certification",
    "tbt": "TBT courses",
    "call_cert": "Call certification",
    "transfer_needed": "Transfer to production needed",
}

STEPS = [
    ("coaching", "Documented coaching"),
    ("written_cap", "Written CAP"),
    ("final_cap", "Final CAP"),
    ("termination_review", "Termination review"),
]

LADDERS = [
    (
        "licensing",
        "Licensing timeframe",
        Ladder.TIMEFRAME,
        "licensing",
        3,
        ["producer_world", "ahip", "carrier_cert"],
        STEPS,
    ),
    (
        "esp",
        "ESP timeframe (Call Certs + TBTs)",
        Ladder.TIMEFRAME,
        "esp",
        3,
        ["tbt", "call_cert"],
        STEPS,
    ),
    ("attendance", "Attendance", Ladder.ATTENDANCE, None, None, [], STEPS),
    ("exams", "Failed exams", Ladder.EXAMS, None, None, [], STEPS[:3]),
]

OCCURRENCES = [
    ("tardy", "Tardy", "0.5"),
    ("left_early", "Left early", "0.5"),
    ("absent", "Absent – Unapproved", "1"),
    ("absent_approved", "Absent – HR Approved", "0"),
    ("ncns", "No call, no show", "2"),
    ("mia", "MIA", "0.5"),
]

ATTENDANCE_LEVELS = [
    ("coaching", "1", None),
    ("written_cap", "4", 1),
    ("final_cap", "5", 2),
    ("termination_review", "6", 3),
]

DEFAULT_PROGRAM_KEY = "esp-aetna"


def register_labels() -> None:
    """The default program's names in esp.lib.display's label map (issue 17 item 2): pages,
    mail and exports show "Aetna certification", never `carrier_cert`."""
    display.add_labels("task", {key: name for key, name, *_ in TASKS})
    display.add_labels("section", SECTION_TITLES)
    display.add_labels("ladder", {key: name for key, name, *_ in LADDERS})
    display.add_labels("step", dict(STEPS))
    display.add_labels("occurrence", {key: name for key, name, _ in OCCURRENCES})
    display.add_labels("phase", {key: name for key, name, *_ in PHASES})
