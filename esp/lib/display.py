"""How the app writes a day and a time of day for people (issue 17): 11/02/2026 and 8:05 AM,
never 09:05 AM. Pure: the caller converts to the program's time zone first."""

from __future__ import annotations

from datetime import date, datetime, time


def us_day(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def clock_time(moment: datetime | time, *, seconds: bool = False) -> str:
    """`8:05 AM` (with `seconds`: `8:05:09 AM`)."""
    text = moment.strftime("%I:%M:%S %p" if seconds else "%I:%M %p")
    return text[1:] if text.startswith("0") else text


def day_and_time(moment: datetime, *, seconds: bool = False) -> str:
    """`11/02/2026 8:05 AM`."""
    return f"{us_day(moment)} {clock_time(moment, seconds=seconds)}"


# Keys whose words are acronyms people write in capitals.
ACRONYMS = frozenset(
    {"ahip", "cap", "esp", "it", "ncns", "rts", "tbt", "tl", "pm", "qa", "id", "mia"}
)


def words(key) -> str:
    """A key as words: `written_cap` → `written CAP`, `it_ticket` → `IT ticket`."""
    return " ".join(
        part.upper() if part in ACRONYMS else part for part in str(key).split("_") if part
    )


# -- one place for every key's label (issue 17 item 2) ----------------------------------------
# By namespace: "task", "section", "ladder", "step", "occurrence", "phase", "flag", "exam",
# "fact", "status", "method", "result". The program's own names (tasks, sections, ladders,
# steps, occurrence kinds, phases) are added by esp.programs at start-up (`add_labels`); the
# fixed vocabularies are below. A key not found in its namespace is looked up in every
# namespace ("" first), then spelt out as words.
LABELS: dict[str, dict[str, str]] = {
    "": {
        "employee_id": "Employee ID",
        "class_code": "Class",
        "age_business_days": "Age (business days)",
        "threshold_days": "Threshold (business days)",
        "due_on": "Due on",
        "calls_scored": "Calls scored",
        "calls_passed": "Calls passed",
        "pass_rate": "Pass rate",
        "scorecard_name": "Scorecard",
        "name": "Name",
        "searched_by_course": "Searched by course number",
        "courses_done": "Courses done",
        "courses_total": "Courses in all",
        "tbt_done": "All TBTs done",
        "behind_pace": "Behind pace",
        "n_number": "N number",
        "requested_on": "Requested on",
        "escalate_on": "Escalate on",
        "incident_number": "Incident number",
        "call_date": "Call date",
        "accepted_on": "Accepted on",
        "reviewed_by": "Reviewed by",
        "file": "File",
        "agents": "Agents",
        "pending": "Pending",
        "call_pass_rate": "Call pass rate",
        "cert_pass_rate": "Certification pass rate",
        "in_progress": "In progress",
        "not_started": "Not started",
        "not_applicable": "Not applicable",
    },
    "task": {  # readiness (R-C1): not the program's tasks, recorded like them (issue 15 item 1)
        "readiness_day1": "Day 1 (systems and scripting)",
        "readiness_shadowing": "Role play / shadowing half day",
    },
    "column": {  # a table's column titles where the plain word would be unclear
        "passed": "Agents passed",
        "failed": "Agents failed",
        "pending": "Agents pending",
    },
    "status": {
        "not_started": "Not started",
        "in_progress": "In progress",
        "done": "Done",
        "failed": "Failed",
        "not_applicable": "Not applicable",
        "due": "Due",
        "overdue": "Overdue",
        "delivered": "Delivered",
        "submitted": "Submitted",
        "accepted": "Accepted",
        "rejected": "Rejected",
        "open": "Open",
        "resolved": "Resolved",
        "active": "Active",
        "termed": "Termed",
        "resigned": "Resigned",
        "withdrawn": "Withdrawn",
    },
    "result": {"pass": "Passed", "passed": "Passed", "fail": "Failed", "failed": "Failed"},
    "method": {"class_spin_up": "Class spin-up", "uptraining_class": "Uptraining class"},
    "flag": {
        "background_check": "Background-check finding",
        "needs_release": "Needs a release",
        "no_health_license": "No health licence",
        "cannot_sell": "Cannot sell for this carrier this year",
        "other": "Other",
    },
    "exam": {"ahip": "AHIP final exam", "carrier_cert": "Carrier certification exam"},
    "equipment": {
        "not_received": "Not received",
        "received": "Received",
        "verified": "Verified",
        "issue": "Issue",
    },
    "fact": {
        "task": "Task",
        "tbt": "TBT course",
        "call": "Scored call",
        "attendance": "Attendance",
        "exam": "Exam",
        "action": "Corrective action",
        "note": "Note",
        "self_report": "Self-report",
        "status": "Employment status",
        "equipment": "Equipment",
        "flag": "Red flag",
        "n_number": "N number",
        "move": "Class move",
    },
}


#: Namespaces read only when asked for by name: their labels fit one place ("Agents failed"
#: as a column title), not a status wherever "failed" appears.
ONLY_ASKED = frozenset({"column"})


def add_labels(namespace: str, labels: dict[str, str]) -> None:
    """Add (or rename) the labels of `namespace` (the program's names, at start-up)."""
    LABELS.setdefault(namespace, {}).update(labels)


def label(key, namespace: str = "") -> str:
    """The label of `key`: in `namespace` first, then anywhere, else its words."""
    text = str(key)
    found = LABELS.get(namespace, {}).get(text)
    if found is None:
        found = next(
            (
                names[text]
                for space, names in LABELS.items()
                if space not in ONLY_ASKED and text in names
            ),
            None,
        )
    return found if found is not None else words_of(text)


def proof_label(item) -> str:
    """What a proof proves (a task, `tbt:<course>` or the searched-by-course screenshot)."""
    text = str(item)
    if text.startswith("tbt:"):
        return f"TBT {text[4:]}"
    return label(text, "task")


def cell_text(value) -> str:
    """A table cell as people read it: MM/DD/YYYY, yes/no, "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return us_day(value)
    return str(value)


def words_of(key) -> str:
    """A key spelt out, first word capitalised: `written_cap` → `Written CAP`."""
    text = words(key)
    return text[:1].upper() + text[1:]
