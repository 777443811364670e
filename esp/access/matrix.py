"""Who may open each route: the access matrix, declared in one place (SPEC §1, §17).

Every named route of the project is listed with the roles allowed and the scope its view
checks on the object (through `esp.access.scopes`); a route that makes one kind of write
takes its roles from the write matrix (`esp.access.writes`), whose services check the rest. `RouteAccessMiddleware` enforces the
roles before any view runs: a route missing from the matrix is refused to everyone (deny by
default), and a signed-in user without an allowed role gets 404, as if it did not exist.
The access-matrix test walks the URL resolver so that a new route without an entry fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse, HttpResponseNotAllowed

from esp.access import scopes
from esp.access.writes import write_roles
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)

ALL_STAFF = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, CERTIFIER, TBT_SME, WFM)
EVERYONE = (*ALL_STAFF, AGENT)
CLASS_ROLES = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, TBT_SME, CERTIFIER, WFM)
# WFM sees no class and no agent page (attendance only, SPEC §1): its classes list and reports
# were always empty, and its attendance is the digest (issue 17 item 7). A certifier's classes
# list holds their agents, but no class board is theirs (R-C2).
LIST_ROLES = tuple(role for role in CLASS_ROLES if role != WFM)
BOARD_ROLES = tuple(role for role in LIST_ROLES if role != CERTIFIER)
# The TBT follow-up pages (R-B4, R-B5, R-B7): the TBT SMEs', and the Cert Coordinator's, who
# leads them and records the N-Number dates and TBTs (seed 000; issue 17 item 7).
TBT_ROLES = (ESP_MANAGER, CERT_COORDINATOR, TBT_SME)
AGENT_VIEWERS = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, TBT_SME, CERTIFIER, AGENT)
EDITORS = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, TBT_SME, CERTIFIER)
FORM_ROLES = EDITORS
REVIEWERS = write_roles("proof_review")  # R-B2: licensing, a TBT SME or the TL
PLANNERS = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR)  # R-S1: classroom owners
ROOM_EDITORS = (ESP_MANAGER, TL, LICENSING, CERT_COORDINATOR)
ESP_LEADERS = (ESP_MANAGER, TL, CERT_COORDINATOR)  # R-S3: extend or move an ESP invite
READINESS_ROLES = (ESP_MANAGER, CERT_COORDINATOR, TL, TBT_SME)  # R-C1 (esp.access.writes)
EMAILED_REPORTERS = tuple(role for role in write_roles("self_report") if role != AGENT)

# Scopes: what the view checks on the object after the role check.
PUBLIC = "public"  # no sign-in needed
NONE = "none"  # no object: the page lists only what the user may see
CLASS = "class"  # a class among visible_classes(user)
AGENT_SCOPE = "agent"  # an agent among visible_agents(user) (an agent: only themselves)
PROOF = "proof"  # a proof whose agent is among visible_agents(user)
MESSAGE = "message"  # an outbox message (ESP Manager only)
OUTBOX_MESSAGE = "outbox_message"  # any outbox message, to preview it (ESP Manager only)
ATTENDANCE = "attendance"  # an agent among visible_agents(user); WFM: every agent, read only
CAP_DOCUMENT = "cap_document"  # a CAP document whose agent is among visible_agents(user)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    scope: str
    methods: tuple[str, ...] = ("GET",)


ACCESS: dict[str, Rule] = {
    # sign-in
    "accounts:sign_in": Rule((), PUBLIC, ("GET", "POST")),
    "accounts:welcome": Rule((), PUBLIC, ("GET", "POST")),
    "accounts:password_reset": Rule((), PUBLIC, ("GET", "POST")),  # issue 17 item 9
    "accounts:password_reset_sent": Rule((), PUBLIC),
    "accounts:password_reset_confirm": Rule((), PUBLIC, ("GET", "POST")),
    "accounts:sign_out": Rule(EVERYONE, NONE, ("POST",)),
    # pending staff invitations: the ESP Manager lists and cancels them (issue 12 item 8)
    "accounts:invitations": Rule((ESP_MANAGER,), NONE, ("GET", "POST")),
    "accounts:invitation_cancel": Rule((ESP_MANAGER,), NONE, ("POST",)),
    # "Invite to sign in" on the agent page: who may send the agent's self-report link (item 6)
    "accounts:agent_invite": Rule(write_roles("self_report_link"), AGENT_SCOPE, ("POST",)),
    # tracker pages
    "web:home": Rule(EVERYONE, NONE),
    "web:today": Rule(ALL_STAFF, NONE),
    "web:favicon": Rule((), PUBLIC),
    "progress:classes": Rule(LIST_ROLES, NONE),
    "progress:board": Rule(BOARD_ROLES, CLASS),
    "progress:tracker": Rule(BOARD_ROLES, CLASS),
    "attendance:attendance": Rule(CLASS_ROLES, CLASS),
    "attendance:attendance_mark": Rule(write_roles("attendance"), CLASS, ("POST",)),
    "attendance:meeting": Rule(CLASS_ROLES, CLASS, ("GET", "POST")),
    "attendance:digest": Rule((ESP_MANAGER, WFM, TL, PM), NONE),
    "progress:agent": Rule(AGENT_VIEWERS, AGENT_SCOPE),
    # GET: the status form of one board cell (issue 14), POST: the change
    "progress:task_status": Rule(write_roles("task"), AGENT_SCOPE, ("GET", "POST")),
    "progress:add_note": Rule(write_roles("note"), AGENT_SCOPE, ("POST",)),
    "progress:deliver": Rule(write_roles("action"), AGENT_SCOPE, ("POST",)),
    "progress:employment": Rule(write_roles("status"), AGENT_SCOPE, ("POST",)),
    "progress:equipment": Rule(write_roles("equipment"), AGENT_SCOPE, ("POST",)),
    "progress:flag": Rule(write_roles("flag"), AGENT_SCOPE, ("POST",)),
    "progress:move": Rule(write_roles("move"), AGENT_SCOPE, ("POST",)),
    "progress:termination_decide": Rule(
        write_roles("termination_decision"), AGENT_SCOPE, ("POST",)
    ),
    "progress:proof_upload": Rule(write_roles("proof_upload"), AGENT_SCOPE, ("POST",)),
    "progress:forms": Rule(FORM_ROLES, NONE),
    "progress:tracking_form": Rule(FORM_ROLES, NONE, ("GET", "POST")),
    "progress:review_queue": Rule(REVIEWERS, NONE),
    "progress:proof_file": Rule(AGENT_VIEWERS, PROOF),
    "progress:proof_decide": Rule(REVIEWERS, PROOF, ("POST",)),
    "accountability:cap_download": Rule(AGENT_VIEWERS, CAP_DOCUMENT),
    "accountability:inform_pm": Rule(write_roles("inform_pm"), AGENT_SCOPE, ("POST",)),
    # scoring certification calls (R-C3–R-C6): assigned agents, or any for the coordinator
    "certification:score": Rule(
        (ESP_MANAGER, CERT_COORDINATOR, CERTIFIER), AGENT_SCOPE, ("GET", "POST")
    ),
    # the certifier's own scorecard (seed 004 item 7; issue 15 item 2): the coordinator uploads
    # it, the staff who see the agent download it, with the blank sheet of the scorecard
    "certification:scorecard_upload": Rule(
        (ESP_MANAGER, CERT_COORDINATOR), AGENT_SCOPE, ("GET", "POST")
    ),
    "certification:scorecard_file": Rule(EDITORS, AGENT_SCOPE),
    "certification:scorecard_blank": Rule(EDITORS, NONE),
    # the Call Cert queue (R-C2): the coordinator connects; certifiers see their own agents
    "callqueue:queue": Rule((ESP_MANAGER, CERT_COORDINATOR), NONE),
    "callqueue:connect": Rule((ESP_MANAGER, CERT_COORDINATOR), NONE, ("POST",)),
    "callqueue:mine": Rule((ESP_MANAGER, CERTIFIER), NONE),
    "callqueue:shadowing": Rule((ESP_MANAGER, CERT_COORDINATOR, TL), NONE, ("GET", "POST")),
    # R-C1, seed 004 items 3-4: the coordinator (and the TL, the TBT SMEs) record readiness;
    # seed 003: the ESP Manager marks mentors (issue 15 item 1)
    "callqueue:readiness": Rule(READINESS_ROLES, NONE),
    "callqueue:readiness_class": Rule(READINESS_ROLES, CLASS, ("GET", "POST")),
    "callqueue:readiness_agent": Rule(READINESS_ROLES, AGENT_SCOPE, ("POST",)),
    "callqueue:mentors": Rule((ESP_MANAGER,), NONE, ("GET", "POST")),
    # the ESP Manager's pages
    "reports:index": Rule(LIST_ROLES, NONE),
    "reports:report": Rule(CLASS_ROLES, NONE),
    # TBTs (R-B3–R-B7) and the end-of-day summaries (R-N2): lists of visible agents only
    "tbt:escalations": Rule(TBT_ROLES, NONE, ("GET", "POST")),
    "tbt:behind_pace": Rule(TBT_ROLES, NONE),
    "tbt:searched": Rule(TBT_ROLES, NONE, ("GET", "POST")),  # POST: send a class's screenshots
    # seed 000 (issue 15 items 3, 4): a class's N-Number request dates; the classes' TBT SMEs
    "tbt:n_numbers": Rule((*TBT_ROLES, LICENSING), CLASS, ("GET", "POST")),
    "tbt:smes": Rule((ESP_MANAGER, CERT_COORDINATOR), NONE, ("GET", "POST")),
    "tbt:callcert_summary": Rule((ESP_MANAGER, PM, TL, CERT_COORDINATOR, CERTIFIER, TBT_SME), NONE),
    "tbt:tbt_completion": Rule((ESP_MANAGER, PM, TL, CERT_COORDINATOR, CERTIFIER, TBT_SME), NONE),
    # licensing pace (R-I1b): the behind-pace list and the quick grid of a class
    "pace:behind": Rule((ESP_MANAGER, LICENSING), NONE),
    "pace:grid": Rule((ESP_MANAGER, LICENSING), CLASS, ("GET", "POST")),
    "pace:proctored_arrange": Rule(write_roles("exam"), AGENT_SCOPE, ("POST",)),
    "mailing:lists": Rule((ESP_MANAGER,), NONE, ("GET", "POST")),
    "mailing:outbox": Rule((ESP_MANAGER,), NONE),
    "mailing:message": Rule((ESP_MANAGER,), OUTBOX_MESSAGE),  # its preview (issue 17 item 10)
    "mailing:decide": Rule((ESP_MANAGER,), MESSAGE, ("POST",)),
    # manager operations: environment extensions (R-E1–R-E3), transfers (R-X1–R-X2)
    "operations:extensions": Rule((ESP_MANAGER,), NONE),
    "operations:extension_step": Rule((ESP_MANAGER,), CLASS, ("POST",)),
    "operations:undo": Rule((ESP_MANAGER,), AGENT_SCOPE, ("POST",)),
    # the transfer checklist: whoever may set the transfer task, the ESP Manager and the PM
    # who is told to transition the agent (seed 003; issue 15 item 9)
    "operations:transfers": Rule(write_roles("task", "transfer"), NONE),
    "operations:transfer": Rule(write_roles("task", "transfer"), AGENT_SCOPE, ("GET", "POST")),
    # which teams keep up (R-N7) and the gap report
    "upkeep:teams": Rule((ESP_MANAGER,), NONE),
    "upkeep:report": Rule((ESP_MANAGER,), NONE, ("POST",)),
    # the TL's evening checklist (R-N5; issue 15 item 12): confirm, preview, send early
    "upkeep:confirm_statuses": Rule((ESP_MANAGER, TL), AGENT_SCOPE, ("POST",)),
    "upkeep:confirm_tickets": Rule((ESP_MANAGER, TL), NONE, ("POST",)),
    "upkeep:checklist_preview": Rule((ESP_MANAGER, TL), NONE),
    "upkeep:checklist_send": Rule((ESP_MANAGER, TL), NONE, ("POST",)),
    # agent self-reports: the personal link (no sign-in) and the staff actions that send it
    "selfreport:form": Rule((), PUBLIC, ("GET", "POST")),
    # the same link lets the agent choose a password to sign in (issue 15 item 6)
    "selfreport:account": Rule((), PUBLIC, ("GET", "POST")),
    "selfreport:link": Rule(write_roles("self_report_link"), AGENT_SCOPE, ("POST",)),
    "selfreport:class_send": Rule(write_roles("self_report_link"), CLASS, ("POST",)),
    # issue 15 item 5: a report that reached the coordinator or the TL by e-mail, one agent at a
    # time from their page or pasted for a class; item 6: the signed-in agent's own report
    "selfreport:emailed_one": Rule(EMAILED_REPORTERS, AGENT_SCOPE, ("POST",)),
    "selfreport:emailed": Rule(EMAILED_REPORTERS, CLASS, ("GET", "POST")),
    # (any role: the view takes only an account linked to an agent, others are sent back)
    "selfreport:own": Rule(EVERYONE, NONE, ("POST",)),
    # REST API v1 (session or token; the views check the scope, writes need an editor role)
    # virtual classroom planner (R-S1–R-S3): rooms, links, invites, the ESP invite ladder
    "classrooms:planner": Rule(PLANNERS, NONE),
    "classrooms:class": Rule(PLANNERS, CLASS),
    "classrooms:room_add": Rule(ROOM_EDITORS, CLASS, ("POST",)),
    "classrooms:room_edit": Rule(ROOM_EDITORS, CLASS, ("POST",)),
    "classrooms:room_send": Rule(ROOM_EDITORS, CLASS, ("POST",)),
    "classrooms:room_cancel": Rule(ROOM_EDITORS, CLASS, ("POST",)),
    "classrooms:extend": Rule(ESP_LEADERS, AGENT_SCOPE, ("POST",)),
    "classrooms:move": Rule(ESP_LEADERS, AGENT_SCOPE, ("POST",)),
    # troubleshooting playbooks (R-Q2): an editor walks an agent through one
    "playbooks:troubleshoot": Rule(write_roles("troubleshoot"), AGENT_SCOPE, ("GET", "POST")),
    # the breakout help queue (R-S4): leaders take agents into rooms; an agent asks for themselves
    "breakouts:queue": Rule(EDITORS, NONE),
    "breakouts:ask": Rule((*EDITORS, AGENT), NONE, ("GET", "POST")),
    "breakouts:take": Rule(EDITORS, AGENT_SCOPE, ("POST",)),
    "breakouts:done": Rule(EDITORS, AGENT_SCOPE, ("POST",)),
    "breakouts:cancel": Rule((*EDITORS, AGENT), AGENT_SCOPE, ("POST",)),
    "api:schema": Rule(EVERYONE, NONE),
    "api:docs": Rule(EVERYONE, NONE),
    "api:me": Rule(EVERYONE, NONE),
    "api:classes": Rule(CLASS_ROLES, NONE),
    "api:class": Rule(CLASS_ROLES, CLASS),
    "api:agents": Rule(AGENT_VIEWERS, NONE),
    "api:agent": Rule(AGENT_VIEWERS, AGENT_SCOPE),
    "api:tasks": Rule(AGENT_VIEWERS, AGENT_SCOPE),
    "api:task": Rule(EDITORS, AGENT_SCOPE, ("POST",)),
    "api:notes": Rule(AGENT_VIEWERS, AGENT_SCOPE, ("GET", "POST")),
    "api:calls": Rule(AGENT_VIEWERS, AGENT_SCOPE, ("GET", "POST")),
    "api:ladder_steps": Rule(AGENT_VIEWERS, AGENT_SCOPE, ("GET", "POST")),
    "api:attendance": Rule((*AGENT_VIEWERS, WFM), ATTENDANCE),
    "api:flags": Rule(EDITORS, AGENT_SCOPE, ("GET", "POST")),
    "api:readiness": Rule(READINESS_ROLES, AGENT_SCOPE, ("GET", "POST")),  # R-C1
    "api:class_readiness": Rule(READINESS_ROLES, CLASS, ("GET", "POST")),
    "api:report": Rule((*AGENT_VIEWERS, WFM), NONE),
}

# The Django admin keeps its own staff and permission checks; only ESP Managers get in.
ADMIN_NAMESPACE = "admin"
ADMIN_RULE = Rule((ESP_MANAGER,), NONE, ("GET", "POST"))
ADMIN_PUBLIC = {"admin:login"}


def rule_for(view_name: str) -> Rule | None:
    if view_name in ACCESS:
        return ACCESS[view_name]
    if view_name.split(":", 1)[0] == ADMIN_NAMESPACE:
        return Rule((), PUBLIC, ("GET", "POST")) if view_name in ADMIN_PUBLIC else ADMIN_RULE
    return None


def may_open(user, route: str) -> bool:
    """Whether the matrix lets `user` open `route` (a GET): what a menu or a link shown to
    some roles only is decided by (issue 17 items 6 and 7). The route's scope still applies to
    the object, so a link to one agent or class must come from a list of the user's own."""
    rule = rule_for(route)
    if rule is None or "GET" not in rule.methods:
        return False
    return rule.scope == PUBLIC or bool(scopes.roles(user) & set(rule.roles))


def openable(user) -> frozenset[str]:
    """Every route `user` may open (a GET), by name: templates ask `"route" in can_open`."""
    routes = [*ACCESS, f"{ADMIN_NAMESPACE}:index"]
    return frozenset(route for route in routes if may_open(user, route))


def allowed_methods(rule: Rule) -> list[str]:
    """The methods a route answers: those the matrix declares, HEAD where GET is declared, and
    OPTIONS (answered without running the view)."""
    allowed = set(rule.methods) | {"OPTIONS"}
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)


def _method_check(request, rule: Rule):
    """The methods the matrix declares are the only ones a route answers (405 otherwise).

    OPTIONS is answered here with the `Allow` header and never reaches the view: it is a safe
    method, so it passes the CSRF check, and a view that took every non-GET request for a POST
    used to act on it (issue 12 item 6). That holds for the API too (DRF's own OPTIONS answer
    was a server error on the docs page)."""
    allowed = allowed_methods(rule)
    if request.method not in allowed:
        return HttpResponseNotAllowed(allowed)
    if request.method == "OPTIONS":
        response = HttpResponse(status=200)
        response["Allow"] = ", ".join(allowed)
        response["Content-Length"] = "0"
        return response
    return None


class RouteAccessMiddleware:
    """Refuse any route the matrix does not allow for the user's roles (404), and any method
    it does not declare for the route (405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = rule_for(match.view_name if match else "")
        if rule is None:
            raise Http404("not found")
        if rule.scope == PUBLIC:
            return _method_check(request, rule)
        if not request.user.is_authenticated:
            return None  # LoginRequiredMiddleware sends anonymous visitors to sign in
        if not scopes.roles(request.user) & set(rule.roles):
            raise Http404("not found")
        return _method_check(request, rule)
