"""The navigation each role sees, derived from the access matrix (issue 17 item 7).

`MENU` lists the pages in menu order, grouped; a page is in a user's menu exactly when the
matrix (`esp.access.matrix.may_open`) lets the user's roles open it, and, for the few pages
that are empty or meaningless for some of those roles, when its `shown` test holds too. A
group of one page shows that page's own label; a group of several links to its first page
and, on any of its pages, lists them all below the header. Nothing here names a role, so the
menu cannot drift from what the middleware lets through.

`can_open` (every route the user may open) lets a template show a link only to a role that
can follow it (issue 17 item 6).

Every page renders the menu, so what the matrix decides for a set of roles (the pages it
lets them open, their URLs, `can_open`) is worked out once per set of roles and kept in the
process (issue 14); a page's `shown` test and its `args` are the user's own and asked on
every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse

from esp.access import scopes
from esp.access.matrix import may_open, openable
from esp.lib.kept import Kept
from esp.progress.tracking import uses_a_form


def _agent(user) -> bool:
    return scopes.has_role(user, scopes.AGENT) and hasattr(user, "agent")


def _own_page(user) -> list[str]:
    return [user.agent.employee_id]


@dataclass(frozen=True)
class Page:
    route: str
    label: str
    shown: Callable[[object], bool] | None = None  # more than the matrix: not empty for them
    args: Callable[[object], list[str]] | None = None


@dataclass(frozen=True)
class Group:
    label: str
    pages: tuple[Page, ...]


def _one(route: str, label: str, **more) -> Group:
    return Group(label, (Page(route, label, **more),))


MENU = (
    _one("progress:agent", "My progress", shown=_agent, args=_own_page),  # the agent's own
    _one("web:today", "Today"),
    _one("progress:classes", "Classes"),
    _one("reports:index", "Reports"),
    _one("progress:forms", "Tracking forms", shown=uses_a_form),
    _one("attendance:digest", "Attendance digest"),
    _one("progress:review_queue", "Proofs to review"),  # R-B2
    Group(  # R-C1, R-C2, R-N2
        "Call Cert",
        (
            Page("callqueue:queue", "Call Cert queue"),
            Page("callqueue:mine", "My Call Cert agents"),
            Page("callqueue:readiness", "Readiness"),
            Page("callqueue:shadowing", "Shadowing"),
            Page("tbt:callcert_summary", "Call Cert summary"),
        ),
    ),
    Group(  # R-B4, R-B5, R-B7, R-N2
        "TBT",
        (
            Page("tbt:behind_pace", "TBTs behind pace"),
            Page("tbt:escalations", "Help-desk escalations"),
            Page("tbt:searched", "Searched by course number"),
            Page("tbt:tbt_completion", "TBT completion summary"),
            Page("tbt:smes", "TBT SMEs of the classes"),  # seed 000 (issue 15 item 4)
        ),
    ),
    _one("pace:behind", "Licensing pace"),  # R-I1b
    _one("classrooms:planner", "Classrooms"),  # R-S1
    Group(  # R-S4: leaders take agents from the queue; an agent asks for themselves
        "Breakout help",
        (
            Page("breakouts:queue", "Breakout help"),
            Page("breakouts:ask", "Ask for help"),
        ),
    ),
    Group(  # R-E, R-X
        "Operations",
        (
            Page("operations:extensions", "Environment extensions"),
            Page("operations:transfers", "Transfers to production"),
            Page("callqueue:mentors", "Mentors"),  # R-C1, seed 003
        ),
    ),
    _one("upkeep:teams", "Team upkeep"),  # R-N7
    Group(
        "Mail",
        (Page("mailing:outbox", "Mail sent"), Page("mailing:lists", "Distribution lists")),
    ),
    _one("accounts:invitations", "Invitations"),
    _one("admin:index", "Admin"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def pages_of(user, group: Group) -> list[Page]:
    """The pages of `group` in `user`'s menu."""
    return [
        page
        for page in group.pages
        if may_open(user, page.route) and (page.shown is None or page.shown(user))
    ]


@dataclass(frozen=True)
class _Allowed:
    """What the matrix lets a set of roles open: per group of the menu, its pages they may
    open with their URLs (None: built from the user's own `args`), and `can_open`."""

    groups: tuple[tuple[Group, tuple[tuple[Page, str | None], ...]], ...]
    can_open: frozenset[str]


#: _Allowed by (the roles, the script prefix), in this process.
_ALLOWED = Kept(64)


def _allowed(user) -> _Allowed:
    key = (frozenset(scopes.roles(user)), get_script_prefix())
    found = _ALLOWED.get(key)
    if found is None:
        groups = []
        for group in MENU:
            pages = tuple(
                (page, None if page.args else reverse(page.route))
                for page in group.pages
                if may_open(user, page.route)
            )
            if pages:
                groups.append((group, pages))
        found = _ALLOWED[key] = _Allowed(tuple(groups), openable(user))
    return found


def menu(user, current: str = "") -> tuple[list[Link], str, list[Link]]:
    """(the menu's links, the current group's label, its pages' links when it has several)."""
    links, sub_label, sub_links = [], "", []
    for group, allowed in _allowed(user).groups:
        shown = [(p, url) for p, url in allowed if p.shown is None or p.shown(user)]
        if not shown:
            continue
        pages = [p for p, _ in shown]
        urls = [url or reverse(p.route, args=p.args(user)) for p, url in shown]
        here = any(p.route == current for p in pages)
        label = group.label if len(pages) > 1 else pages[0].label
        links.append(Link(label, urls[0], here))
        if here and len(pages) > 1:
            sub_label = group.label
            sub_links = [
                Link(p.label, url, p.route == current) for p, url in zip(pages, urls, strict=True)
            ]
    return links, sub_label, sub_links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "can_open": frozenset()}
    match = getattr(request, "resolver_match", None)
    links, sub_label, sub_links = menu(user, match.view_name if match else "")
    return {
        "nav_links": links,
        "nav_group": sub_label,
        "nav_group_links": sub_links,
        "can_open": _allowed(user).can_open,
    }
