"""OPTIONS, HEAD and GET never change data (issue 12 item 6; SPEC §17 "Access", §1 roles).

Every method (GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE, TRACE) is sent to every route of
the access matrix — the pages and the API — by the ESP Manager, who may use them all, with the
form data the route's own write takes. After each request every table is compared row by row
with the rows before it: only a method the matrix declares for writing (POST, or the API's
PUT/PATCH/DELETE) may change anything; OPTIONS, HEAD and GET change nothing, and a method the
route does not declare is answered 405 without running the view.

The world (two classes, a person per role, proofs, CAP documents, outbox messages) is the
access-matrix test's (tests/test_access_matrix.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import resolve, reverse

from esp.access.matrix import ACCESS, allowed_methods
from esp.certification.services import load_default_scorecard
from esp.roster.roles import ESP_MANAGER
from tests.access import test_access_matrix as matrix
from tests.access.test_access_matrix import MANAGER, POST_DATA, classroom_of, target

METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE", "POST")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The session row is saved when a request renews the 30-minute idle timeout (at most every
# 5 minutes, esp.accounts.middleware); it is the visitor's cookie, not the program's data.
# The reports' read model (issue 14) is built on a day's first read: a cache of what the
# rules compute from the facts, not data a request may change; so is the outlook of the day
# (issue 18, kept on its first read).
NOT_DATA = {"django_session", "progress_reportday", "progress_reportline", "reports_outlookday"}


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    yield from matrix.monday_november_30.__wrapped__(settings)


@pytest.fixture
def world(program, write, esp, settings, tmp_path):
    """The access-matrix test's world (tests/test_access_matrix.py)."""
    return matrix.world.__wrapped__(program, write, esp, settings, tmp_path)


API_KWARGS = {
    "api:class": {"code": "AET-A"},
    "api:report": {"name": "incompletions"},
    "api:task": {"employee_id": "E001", "task": "producer_world"},
    "api:class_readiness": {"code": "AET-A"},
}
API_DATA = {
    "api:task": {"status": "in_progress", "based_on": "", "note": "From the methods test"},
    "api:notes": {"note": "From the methods test"},
    "api:calls": {"call": "2", "score": "90", "based_on": ""},
    "api:ladder_steps": {"ladder": "licensing", "step": "coaching", "expectation": "Finish"},
    "api:flags": {"action": "raised", "flag": "other", "based_on": ""},
    "api:readiness": {"task": "readiness_day1", "based_on": ""},
}


def tables() -> dict[str, dict]:
    """Every row of every table of the project, by table and primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in NOT_DATA or meta.db_table in rows:
            continue
        rows[meta.db_table] = {
            row[0]: row for row in model._base_manager.order_by("pk").values_list("pk", *[
                f.attname for f in meta.concrete_fields
            ])
        }  # fmt: skip
    return rows


def changed_rows(before: dict, after: dict) -> dict[str, int]:
    """table → rows added, removed or changed."""
    changes = {}
    for table, old in before.items():
        new = after[table]
        count = len(old.keys() ^ new.keys()) + sum(
            1 for pk in old.keys() & new.keys() if old[pk] != new[pk]
        )
        if count:
            changes[table] = count
    return changes


def api_url(route: str) -> str:
    kwargs = API_KWARGS.get(route)
    if kwargs is None:
        rule = ACCESS[route]
        kwargs = {"employee_id": "E001"} if rule.scope in ("agent", "attendance") else {}
    return reverse(route, kwargs=kwargs)


def request_for(world, route: str) -> tuple[str, dict]:
    """(url, the data of the route's write) for `route` on the ESP Manager's objects."""
    if route.startswith("api:"):
        return api_url(route), dict(API_DATA.get(route, {}))
    _, url, _ = target(world, route, MANAGER.mine)
    data = POST_DATA[route]() if route in POST_DATA else {}
    return url, data


def send(client, method: str, url: str, data: dict):
    """`method` with the write's data: in the query string of GET and HEAD, as a form body of
    the other methods (multipart for POST, which may carry a file)."""
    if method == "POST":
        return client.post(url, data)
    text = {k: v for k, v in data.items() if isinstance(v, str)}
    if method in ("GET", "HEAD"):
        return client.generic(method, f"{url}?{urlencode(text)}" if text else url)
    return client.generic(
        method, url, urlencode(text), content_type="application/x-www-form-urlencoded"
    )


def test_it_changes_nothing_on_any_route_but_with_a_declared_write_method(world, client):
    """Issue 12 item 6, SPEC §17: every method × every route, counting changed rows in every
    table. OPTIONS on a page is answered with its `Allow` header, HEAD only where GET is
    declared, every undeclared method is a 405; none of them, nor GET, changes a row."""
    load_default_scorecard()  # as `esp init` does
    problems, written = [], set()
    for route in sorted(ACCESS):
        rule = ACCESS[route]
        allowed = allowed_methods(rule)
        client.force_login(world.users[ESP_MANAGER])  # again after the sign-out route's POST
        url, data = request_for(world, route)
        before = tables()  # after the url's objects (a room, a self-report link) were made
        for method in METHODS:  # POST last: sign-out signs out
            response = send(client, method, url, data)
            status = response.status_code
            after = tables()
            changes = changed_rows(before, after)
            before = after
            declared_write = method in WRITE_METHODS and method in rule.methods
            if changes and not declared_write:
                problems.append(f"{method} {route} ({status}) changed {changes}")
            elif changes:
                written.add(route)
            if status >= 500:
                problems.append(f"{method} {route}: {status}")
            if method not in allowed and status != 405:
                problems.append(f"{method} {route}: {status}, expected 405")
            if method == "OPTIONS":
                if status != 200:
                    problems.append(f"OPTIONS {route}: {status}, expected 200")
                elif response.get("Allow") != ", ".join(allowed) or response.content:
                    problems.append(f"OPTIONS {route}: Allow {response.get('Allow')!r}")
    assert problems == []
    # The check sees writes: the routes whose data makes a change changed rows with POST.
    assert {
        "progress:add_note",
        "classrooms:room_cancel",
        "classrooms:room_add",
        "api:task",
        "api:notes",
    } <= written


def test_it_answers_options_on_a_room_without_cancelling_its_invitations(world, client):
    """Issue 12 item 6: OPTIONS on a room's cancel route cancelled its invitations and queued
    the cancellations without a CSRF check; now the middleware answers it and the view never
    runs, with or without a CSRF token."""
    from esp.classrooms.models import Classroom
    from esp.mailing.models import OutboxMessage

    client = type(client)(enforce_csrf_checks=True)
    client.force_login(world.users[ESP_MANAGER])
    room = classroom_of("AET-A")
    url = reverse("classrooms:room_cancel", kwargs={"code": "AET-A", "room": room.pk})
    status_before = Classroom.objects.get(pk=room.pk).cancelled_at
    mails = OutboxMessage.objects.count()
    response = client.options(url)
    assert response.status_code == 200
    assert response["Allow"] == "OPTIONS, POST"
    assert Classroom.objects.get(pk=room.pk).cancelled_at == status_before
    assert OutboxMessage.objects.count() == mails
    assert client.post(url, {"note": "no token"}).status_code == 403  # CSRF still applies


def test_it_refuses_other_methods_in_the_write_views_themselves(world):
    """Issue 12 item 6: a view that writes accepts only its write method even without the
    route middleware (require_POST / require_http_methods): OPTIONS, PUT, PATCH, DELETE and
    TRACE never reach the view's code; a page that also shows a form answers GET and HEAD."""
    factory = RequestFactory()
    manager = world.users[ESP_MANAGER]
    problems = []
    for route, rule in sorted(ACCESS.items()):
        if route.startswith(("api:", "accounts:")) or rule.methods == ("GET",):
            continue  # the API is DRF's (method handlers); sign-in pages are class-based views
        url, _ = request_for(world, route)
        view = resolve(url).func
        kwargs = resolve(url).kwargs
        for method in METHODS:
            if method in allowed_methods(rule) and method != "OPTIONS":
                continue
            request = factory.generic(method, url)
            request.user = manager
            request.htmx = False
            before = tables()
            try:
                status = view(request, **kwargs).status_code
            except Exception as exc:  # the view ran (no session for its messages, …)
                status = type(exc).__name__
            if status != 405 or changed_rows(before, tables()):
                problems.append(f"{method} {route}: the view answered {status}")
    assert problems == []
