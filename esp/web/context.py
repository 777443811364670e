"""The navigation each role sees."""

from __future__ import annotations

from django.urls import reverse

from esp.access import scopes
from esp.access.matrix import ACCESS, FORM_ROLES, REVIEWERS
from esp.progress.tracking import usable_forms

CALL_CERT_LINKS = (
    ("callqueue:queue", "Call Cert queue"),
    ("callqueue:mine", "My Call Cert agents"),
    ("callqueue:shadowing", "Shadowing"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if scopes.has_role(user, scopes.AGENT) and hasattr(user, "agent"):
        links.append(("My progress", reverse("progress:agent", args=[user.agent.employee_id])))
    if scopes.roles(user) - {scopes.AGENT}:
        links.append(("Today", reverse("web:today")))
        links.append(("Classes", reverse("progress:classes")))
        links.append(("Reports", reverse("reports:index")))
    if scopes.has_role(user, *FORM_ROLES):
        if usable_forms(user):  # only a role with a form it may use (issue 12)
            links.append(("Tracking forms", reverse("progress:forms")))
    if scopes.has_role(user, scopes.ESP_MANAGER, scopes.WFM, scopes.TL, scopes.PM):
        links.append(("Attendance digest", reverse("attendance:digest")))
    if scopes.has_role(user, *REVIEWERS):
        links.append(("Proofs to review", reverse("progress:review_queue")))
    for route, label in CALL_CERT_LINKS:  # R-C1, R-C2: the roles the matrix lets in
        if scopes.has_role(user, *ACCESS[route].roles):
            links.append((label, reverse(route)))
    if scopes.has_role(user, *ACCESS["pace:behind"].roles):  # R-I1b
        links.append(("Licensing pace", reverse("pace:behind")))
    if scopes.has_role(user, *ACCESS["classrooms:planner"].roles):  # R-S1
        links.append(("Classrooms", reverse("classrooms:planner")))
    if scopes.has_role(user, *ACCESS["breakouts:queue"].roles):  # R-S4
        links.append(("Breakout help", reverse("breakouts:queue")))
    elif scopes.has_role(user, scopes.AGENT):
        links.append(("Ask for help", reverse("breakouts:ask")))
    if scopes.has_role(user, scopes.ESP_MANAGER):
        links += [
            ("Team upkeep", reverse("upkeep:teams")),  # R-N7
            ("Mail sent", reverse("mailing:outbox")),
            ("Distribution lists", reverse("mailing:lists")),
            ("Invitations", reverse("accounts:invitations")),
            ("Admin", reverse("admin:index")),
        ]
    return {"nav_links": links}
