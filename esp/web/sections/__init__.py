"""The Today page as sections (SPEC §1, issue 13): each section is one selector taking the
page's `Basis` (the reads every section shares, made once) and returning a dataclass whose
fields are the template's names. `picked` chooses the sections for the user's roles; the view
only renders them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from esp.access import scopes
from esp.access.matrix import ACCESS, EDITORS
from esp.access.writes import may_write

from . import glance, lists, mentors, operations, outlook, queues, smes
from .basis import Basis, basis
from .preview import Preview

__all__ = ["OWN_PAGES", "Basis", "as_context", "basis", "one_list", "picked"]


@dataclass(frozen=True)
class Pick:
    """A section and who gets it: any of `roles` (None: every staff role), or `allowed`."""

    build: Callable[[Basis], object]
    roles: frozenset[str] | None = None
    allowed: Callable[[object], bool] | None = None

    def applies(self, base: Basis) -> bool:
        if self.allowed is not None:
            return self.allowed(base.user)
        return self.roles is None or bool(self.roles & base.roles)


def _any(*roles: str) -> frozenset[str]:
    return frozenset(roles)


SECTIONS = (
    Pick(queues.breakouts, allowed=lambda user: scopes.has_role(user, *EDITORS)),  # R-S4
    Pick(lists.work),
    Pick(lists.not_reported, _any(scopes.TL, scopes.ESP_MANAGER, scopes.CERT_COORDINATOR)),
    Pick(lists.checklist, _any(scopes.TL)),  # R-N5
    Pick(glance.manager, _any(scopes.ESP_MANAGER)),
    Pick(glance.pictures, _any(scopes.ESP_MANAGER)),
    Pick(operations.undo, _any(scopes.ESP_MANAGER)),  # R-E3
    Pick(mentors.mentor_cover, _any(scopes.ESP_MANAGER)),  # R-C1, seed 003
    Pick(outlook.manager, _any(scopes.ESP_MANAGER)),  # issue 18: extensions ahead
    Pick(outlook.coordinator, _any(scopes.CERT_COORDINATOR)),  # issue 18: certifiers ahead
    Pick(  # R-L5: the PM decides termination reviews
        queues.termination_reviews, allowed=lambda user: may_write(user, "termination_decision")
    ),
    Pick(lists.transfers, _any(scopes.ESP_MANAGER, scopes.PM)),  # R-I1a, R-N4b
    Pick(
        queues.callcert,
        _any(scopes.CERT_COORDINATOR, scopes.TBT_SME, scopes.CERTIFIER, scopes.ESP_MANAGER),
    ),
    Pick(queues.certifier_day, _any(scopes.CERTIFIER)),  # R-C2
    Pick(queues.over_the_clock, _any(scopes.TL, scopes.CERT_COORDINATOR, scopes.ESP_MANAGER)),
    Pick(
        queues.tbt, _any(scopes.TBT_SME, scopes.CERT_COORDINATOR, scopes.ESP_MANAGER)
    ),  # R-B5, R-B7
    Pick(smes.sme_tbts, _any(scopes.TBT_SME)),  # seed 000: the SME's classes' TBTs
    Pick(lists.proctored, _any(scopes.LICENSING, scopes.ESP_MANAGER)),  # R-N4a
    Pick(queues.licensing_pace, _any(scopes.LICENSING)),  # R-I1b
    Pick(queues.attendance, _any(scopes.WFM)),
    Pick(  # R-S1, R-S3
        queues.classrooms,
        allowed=lambda user: scopes.has_role(user, *ACCESS["classrooms:planner"].roles),
    ),
)


def picked(base: Basis) -> list[object]:
    """The sections of the user's roles, built in page order."""
    return [pick.build(base) for pick in SECTIONS if pick.applies(base)]


def as_context(section) -> dict:
    """A section's fields as template names (shallow: querysets stay lazy)."""
    return {f.name: getattr(section, f.name) for f in fields(section)}


@dataclass(frozen=True)
class OwnPage:
    """A Today list listed whole on `/today/?list=<name>`, in its preview's order: a list no
    report holds, or one its report holds among other lines or in another order."""

    build: Callable[[Basis], object]
    field: str
    title: str
    anchor: str
    parts: bool = False  # the field holds several lists: dicts of key, heading and agents


OWN_PAGES = {
    "late": OwnPage(lists.work, "late_sections", "Incompletions", "incompletions", parts=True),
    # the report pages list every line of the report in its own order (issue 14: "See all"
    # is this list whole, in the preview's order)
    "actions": OwnPage(lists.work, "actions", "Corrective actions due and overdue", "actions"),
    "callcert": OwnPage(
        queues.callcert, "callcert", "Call certification not passed yet", "callcert"
    ),
    "not_reported": OwnPage(lists.not_reported, "not_reported", "No self-report", "self-reports"),
    "transfers": OwnPage(
        lists.transfers, "transfers", "Transfer to production needed", "transfers"
    ),
    "flags": OwnPage(lists.transfers, "flags", "Open red flags", "flags"),
    "proctored": OwnPage(
        lists.proctored, "proctored", "Proctored last attempts to arrange", "proctored"
    ),
    "classes": OwnPage(glance.manager, "classes", "Every class at a glance", "classes"),
    "aging": OwnPage(glance.pictures, "aging", "Late tasks by age, per class", "aging"),
    "termination_reviews": OwnPage(
        queues.termination_reviews,
        "termination_reviews",
        "Termination reviews to decide",
        "termination",
    ),
    "termination_due": OwnPage(
        queues.termination_reviews,
        "termination_due",
        "Termination reviews due by the rules, not delivered yet",
        "termination",
    ),
    "over_the_clock": OwnPage(
        queues.over_the_clock, "over_the_clock", "Over the call-cert clock", "over-the-clock"
    ),
    "attendance": OwnPage(queues.attendance, "attendance", "Attendance occurrences", "attendance"),
    "sme_lines": OwnPage(smes.sme_tbts, "sme_lines", "TBTs of your classes", "sme-h"),
}


def one_list(base: Basis, name: str, part: str = "") -> tuple[object, Preview, str] | None:
    """The section holding the list `name` (its `part`, for a page of several lists), the
    list and its title, if the user's roles get that section (None otherwise)."""
    page = OWN_PAGES.get(name)
    if page is None or not any(p.build is page.build and p.applies(base) for p in SECTIONS):
        return None
    section = page.build(base)
    listed = getattr(section, page.field)
    if not page.parts:
        return section, listed, page.title
    found = next((p for p in listed if p["key"] == part), None)
    return None if found is None else (section, found["agents"], found["heading"])
