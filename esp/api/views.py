"""REST API v1: classes, agents, task statuses, notes, calls, ladder steps, attendance and the
reports of SPEC §15 — with the pages' access rules (esp/access/scopes.py) and the same
services for writes. Everything is scoped to what the signed-in user may see; an object
outside that scope is a 404.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from esp.access import scopes
from esp.access.writes import require_write
from esp.lib import clock
from esp.lib.dates import picked_day, required_day
from esp.programs.default_program import TASKS as DEFAULT_TASKS
from esp.programs.models import Program
from esp.progress import pages, services
from esp.progress.checks import FLAG_VALUES
from esp.progress.selectors import facts_for_agent
from esp.reports.builders import REPORTS, report_page
from esp.roster.selectors import program_for

from . import selectors
from . import serializers as s
from .authentication import ExpiringTokenAuthentication

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="YYYY-MM-DD or MM/DD/YYYY, within the program's calendar years "
    "(default: today in the program's zone)",
)
CLASS = OpenApiParameter("class", OpenApiTypes.STR, description="a class code")
PAGE = OpenApiParameter(
    "page", OpenApiTypes.INT, description="the page of a report, from 1 (100 lines a page)"
)
REPORT_NAME = OpenApiParameter(
    "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(REPORTS), description="the report"
)
TASK_KEY = OpenApiParameter(
    "task",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[t[0] for t in DEFAULT_TASKS],
    description="a task key of the agent's program",
)


# What a status-like write may answer besides success (issue 12 items 3 and 7): a bad body, a
# write the user may not make, a stale `based_on`, a missing one.
STATUS_WRITE_ANSWERS = {
    400: s.INVALID,
    403: s.INVALID,
    409: s.CONFLICT,
    428: s.PRECONDITION_REQUIRED,
}


class Page(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ApiView(APIView):
    """Token first: a request without credentials is answered 401 with `WWW-Authenticate:
    Token` (DRF takes that header from the first authenticator; the session's has none, which
    made it a 403). A browser's session still works, with its CSRF check on writes. Tokens
    end after ESP_API_TOKEN_DAYS (esp/api/authentication.py)."""

    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]


def _text(value: str | None, what: str) -> str | None:
    """A path or query text with a NUL character names nothing (PostgreSQL refuses NUL in a
    query: that was a server error)."""
    if value is not None and "\x00" in value:
        raise NotFound(f"no such {what}")
    return value


def _as_of(request, program):
    """The `as_of` query parameter: a date within the business calendar's years (a day outside
    them was a server error in the rules), or, when none is given, today in the program's
    zone. A date that does not parse or lies outside the calendar is a 400, not today."""
    text = request.query_params.get("as_of")
    if not text:
        return picked_day(request, program)
    try:
        return required_day(text, "as_of")
    except DjangoValidationError as exc:
        raise ValidationError({"as_of": " ".join(exc.messages)}) from None


def _agent(request, employee_id):
    return scopes.get_agent_for_user(request.user, _text(employee_id, "agent"))


def _editable(request, employee_id, write: str, item: str | None = None):
    """The agent, when the write matrix lets the user make `write` for them: else 403 with the
    reason (esp.access.writes; the service checks again, with the item)."""
    agent = _agent(request, employee_id)
    try:
        require_write(request.user, write, item, agent)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    return agent


def _today(agent):
    return clock.today(agent.training_class.program.time_zone)


def _write(apply):
    """Run a service; its refusals become 409 (conflict), 403 (not yours to write, with the
    reason) or 400 (invalid)."""
    try:
        return apply()
    except DjangoPermissionDenied as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    except services.Conflict as exc:
        current = s.FactSerializer(exc.current).data if exc.current is not None else None
        detail = exc.key_text  # the value as the API writes it ('in_progress')
        return Response({"detail": detail, "current": current}, status=status.HTTP_409_CONFLICT)
    except DjangoValidationError as exc:
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


def _based_on_missing(request, current, what: str, where: str):
    """Issue 12 item 7 (§17 no lost work): a write of a status-like value names the version it
    was based on. Without `based_on` (or with null) it is refused with 428 and the current
    value (`current()`, read only then), and nothing is saved; "" is a value: "it had none
    when I read it"."""
    data = request.data
    if not hasattr(data, "get") or data.get("based_on") is not None:
        return None  # present (a body that is not an object is the serializer's 400)
    return Response(
        {
            "detail": f"based_on is required to change {what}: send the id you read ({where}), "
            'or "" if it had none. Nothing was saved.',
            "current": s.FactSerializer(latest).data if (latest := current()) else None,
        },
        status=status.HTTP_428_PRECONDITION_REQUIRED,
    )


def _posted_int(request, field: str) -> int | None:
    value = request.data.get(field) if hasattr(request.data, "get") else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ClassList(ApiView):
    pagination_class = Page  # documents the page envelope and parameters

    @extend_schema(responses=s.ClassSerializer(many=True), summary="Classes you may see")
    def get(self, request):
        page = Page()
        rows = page.paginate_queryset(selectors.classes_for_user(request.user), request, view=self)
        return page.get_paginated_response(s.ClassSerializer(rows, many=True).data)


class ClassDetail(ApiView):
    @extend_schema(responses=s.ClassSerializer)
    def get(self, request, code: str):
        training_class = scopes.get_class_for_user(request.user, _text(code, "class"))
        return Response(s.ClassSerializer(training_class).data)


class AgentList(ApiView):
    pagination_class = Page

    @extend_schema(parameters=[CLASS], responses=s.AgentSerializer(many=True))
    def get(self, request):
        code = _text(request.query_params.get("class"), "class")
        agents = selectors.agents_for_user(request.user, code)
        page = Page()
        rows = page.paginate_queryset(agents, request, view=self)
        return page.get_paginated_response(s.AgentSerializer(rows, many=True).data)


class AgentDetail(ApiView):
    @extend_schema(responses=s.AgentSerializer)
    def get(self, request, employee_id: str):
        return Response(s.AgentSerializer(_agent(request, employee_id)).data)


class TaskList(ApiView):
    @extend_schema(
        parameters=[AS_OF], responses={200: s.TaskStatusSerializer(many=True), 400: s.INVALID}
    )
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        row = pages.agent_row(agent, _as_of(request, agent.training_class.program))
        return Response(s.TaskStatusSerializer(row.cells, many=True).data)


class TaskUpdate(ApiView):
    @extend_schema(
        parameters=[TASK_KEY],
        request=s.TaskStatusWriteSerializer,
        responses={
            200: s.TaskStatusWrittenSerializer,
            **STATUS_WRITE_ANSWERS,
        },
        summary="Set a task's status (R-P1); `based_on` required: 409 when it changed since, "
        "428 without it",
    )
    def post(self, request, employee_id: str, task: str):
        agent = _editable(request, employee_id, "task", task)
        if not selectors.program_has_task(agent.training_class.program, task):
            raise NotFound("no such task")
        missing = _based_on_missing(
            request,
            lambda: services.latest_fact(agent, "task", task),
            f"the {task.replace('_', ' ')} status",
            f"`based_on` in GET /api/v1/agents/{agent.employee_id}/tasks/",
        )
        if missing:
            return missing
        data = s.TaskStatusWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def apply():
            services.task_status_set(
                agent=agent,
                task=task,
                status=data.validated_data["status"],
                note=data.validated_data["note"],
                day=_today(agent),
                actor=request.user,
                based_on=data.validated_data["based_on"],
                source="api",
            )
            row = pages.agent_row(agent, _today(agent))
            cell = next(c for c in row.cells if c.task == task)
            warning = pages.second_fail_warning(agent, task, data.validated_data["status"])
            answer = s.TaskStatusSerializer(cell).data
            return Response({**answer, "warning": warning} if warning else answer)

        return _write(apply)


class NoteList(ApiView):
    @extend_schema(responses=s.NoteSerializer(many=True), summary="The notes timeline (R-N1)")
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        notes = selectors.agent_notes(agent)
        if scopes.sees_as_agent(request.user):  # only the notes written to them (SPEC §1)
            notes = [f for f in facts_for_agent(notes, today=_today(agent)) if f.note]
        return Response(s.NoteSerializer(notes, many=True).data)

    @extend_schema(
        request=s.NoteSerializer,
        responses={201: s.NoteSerializer, 400: s.INVALID, 403: s.INVALID},
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id, "note")
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["note"].strip():
            raise ValidationError({"note": "a note needs some text"})

        def apply():
            fact = services.note_add(
                agent=agent,
                text=data.validated_data["note"],
                day=_today(agent),
                actor=request.user,
                source="api",
                to_agent=data.validated_data["to_agent"],
            )
            return Response(s.NoteSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


class CallList(ApiView):
    @extend_schema(responses=s.FactSerializer(many=True), summary="Call scores, re-scores too")
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        calls = selectors.agent_facts(agent, "call")
        return Response(s.FactSerializer(calls, many=True).data)

    @extend_schema(
        request=s.CallSerializer,
        responses={
            201: s.FactSerializer,
            **STATUS_WRITE_ANSWERS,
        },
        summary="Score a call or re-score it (R-C3, R-C4); `based_on` required: 409 when the "
        "call's score changed since, 428 without it",
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id, "call")
        call = _posted_int(request, "call")
        missing = _based_on_missing(
            request,
            lambda: services.latest_fact(agent, "call", str(call)) if call is not None else None,
            f"call {call}'s score" if call is not None else "a call's score",
            f"the latest `id` of that call in GET /api/v1/agents/{agent.employee_id}/calls/",
        )
        if missing:
            return missing
        data = s.CallSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def apply():
            fact = services.call_record(
                agent=agent,
                call=data.validated_data["call"],
                score=data.validated_data["score"],
                notes=data.validated_data["notes"],
                day=_today(agent),
                actor=request.user,
                based_on=data.validated_data["based_on"],
                source="api",
            )
            return Response(s.FactSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


class LadderSteps(ApiView):
    @extend_schema(
        parameters=[AS_OF],
        responses={
            200: inline_serializer(
                "LadderSteps",
                {
                    "due": s.DueStepSerializer(many=True),
                    "delivered": s.FactSerializer(many=True),
                },
            ),
            400: s.INVALID,
        },
        summary="Ladder steps due and delivered (R-L3a)",
    )
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        page = pages.agent_page(
            agent,
            _as_of(request, agent.training_class.program),
            for_agent=scopes.sees_as_agent(request.user),
        )
        return Response(
            {
                "due": s.DueStepSerializer(page.due_steps, many=True).data,
                "delivered": s.FactSerializer(page.deliveries, many=True).data,
            }
        )

    @extend_schema(
        request=s.DeliverSerializer,
        responses={
            201: s.FactSerializer,
            400: s.INVALID,
            403: s.INVALID,
            409: s.ConflictSerializer,
        },
        summary="Deliver a step with the expectation set (R-L5)",
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id, "action")
        data = s.DeliverSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def apply():
            fact = services.step_deliver(
                agent=agent,
                ladder=data.validated_data["ladder"],
                step=data.validated_data["step"],
                expectation=data.validated_data["expectation"],
                day=_today(agent),
                actor=request.user,
                source="api",
            )
            return Response(s.FactSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


class Attendance(ApiView):
    @extend_schema(responses=s.FactSerializer(many=True), summary="Attendance occurrences")
    def get(self, request, employee_id: str):
        agent = scopes.get_agent_for_attendance(request.user, _text(employee_id, "agent"))
        facts = selectors.agent_facts(agent, "attendance")
        if scopes.sees_as_agent(request.user):  # staff remarks stay with staff (SPEC §1)
            facts = facts_for_agent(facts, today=_today(agent))
        return Response(s.FactSerializer(facts, many=True).data)


class Flags(ApiView):
    @extend_schema(
        responses=s.FactSerializer(many=True),
        summary="Red flags raised and resolved (R-N4b), oldest first",
    )
    def get(self, request, employee_id: str):
        agent = _editable(request, employee_id, "flag")  # who may change a flag reads them
        flags = selectors.agent_facts(agent, "flag")
        return Response(s.FactSerializer(flags, many=True).data)

    @extend_schema(
        request=s.FlagSerializer,
        responses={
            201: s.FactSerializer,
            **STATUS_WRITE_ANSWERS,
        },
        summary="Raise or resolve a red flag (R-N4b); `based_on` required: 409 when the flag "
        "changed since, 428 without it",
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id, "flag")
        flag = request.data.get("flag") if hasattr(request.data, "get") else None
        known = isinstance(flag, str) and flag in FLAG_VALUES
        missing = _based_on_missing(
            request,
            lambda: services.latest_fact(agent, "flag", value=flag) if known else None,
            f"the {flag.replace('_', ' ')} red flag" if known else "a red flag",
            f"the latest `id` of that flag in GET /api/v1/agents/{agent.employee_id}/flags/",
        )
        if missing:
            return missing
        data = s.FlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def apply():
            fact = services.flag_record(
                agent=agent,
                action=data.validated_data["action"],
                flag=data.validated_data["flag"],
                note=data.validated_data["note"],
                day=_today(agent),
                actor=request.user,
                based_on=data.validated_data["based_on"],
                source="api",
            )
            return Response(s.FactSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


class Report(ApiView):
    @extend_schema(
        parameters=[REPORT_NAME, AS_OF, CLASS, PAGE],
        responses={200: s.REPORT, 400: s.INVALID},
        summary="A report in the JSON shape of SPEC §15, limited to the agents you may see, "
        "100 lines a page (Link, X-Total-Count and X-Section-Totals headers)",
    )
    def get(self, request, name: str):
        if name not in REPORTS:
            raise NotFound("no such report")
        code = _text(request.query_params.get("class"), "class") or None
        if code:
            scopes.get_class_for_user(request.user, code)
        try:
            program = program_for(class_code=code)
        except Program.DoesNotExist:  # a database without a program (before `esp init`)
            raise NotFound("no program") from None
        as_of = _as_of(request, program)
        text = request.query_params.get("page", "")
        paged = report_page(
            name,
            as_of=as_of,
            user=request.user,
            program=program,
            class_code=code,
            page=int(text) if text.isdigit() else 1,
        )
        return Response(paged["report"], headers=_page_headers(request, paged))


def _page_headers(request, paged: dict) -> dict[str, str]:
    """Issue 14 item 2: the body is the page's lines in the §15 shape; the paging is told in
    headers (RFC 8288 `Link` next/prev, the total and the totals by section)."""
    links = []
    for rel, number in (("prev", paged["page"] - 1), ("next", paged["page"] + 1)):
        if 1 <= number <= paged["pages"]:
            query = request.query_params.copy()
            query["page"] = str(number)
            links.append(f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="{rel}"')
    headers = {
        "X-Total-Count": str(paged["total"]),
        "X-Page": str(paged["page"]),
        "X-Page-Count": str(paged["pages"]),
        "X-Section-Totals": json.dumps(paged["totals"], separators=(",", ":")),
    }
    if links:
        headers["Link"] = ", ".join(links)
    return headers


class Me(ApiView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "email": serializers.EmailField(),
                "roles": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request):
        return Response({"email": request.user.email, "roles": sorted(scopes.roles(request.user))})
