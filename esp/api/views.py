"""REST API v1: classes, agents, task statuses, notes, calls, ladder steps, attendance and the
reports of SPEC §15 — with the pages' access rules (esp/roster/access.py) and the same
services for writes. Everything is scoped to what the signed-in user may see; an object
outside that scope is a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from esp import clock
from esp.imports import parse_date
from esp.programs.defaults import TASKS as DEFAULT_TASKS
from esp.progress import services
from esp.progress.models import Fact
from esp.reports.builders import REPORTS, build_report, program_for
from esp.roster import access
from esp.web import selectors

from . import serializers as s

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="YYYY-MM-DD (default: today in the program's zone)"
)
CLASS = OpenApiParameter("class", OpenApiTypes.STR, description="a class code")
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


class Page(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _as_of(request, program=None):
    text = request.query_params.get("as_of")
    if text:
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError({"as_of": str(exc)}) from None
    return clock.today(program.time_zone if program else "America/Chicago")


def _agent(request, employee_id):
    return access.get_agent_for_user(request.user, employee_id)


def _editable(request, employee_id):
    agent = _agent(request, employee_id)
    if not access.can_edit_agent(request.user, agent):
        raise NotFound("not found")
    return agent


def _today(agent):
    return clock.today(agent.training_class.program.time_zone)


def _write(apply):
    """Run a service; its refusals become 409 (conflict) or 400 (invalid)."""
    try:
        return apply()
    except services.Conflict as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except DjangoValidationError as exc:
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


class ClassList(APIView):
    @extend_schema(responses=s.ClassSerializer(many=True), summary="Classes you may see")
    def get(self, request):
        classes = (
            access.visible_classes(request.user)
            .select_related("program", "campaign")
            .prefetch_related("phase_starts__phase", "tls", "pms")
            .order_by("code")
        )
        page = Page()
        rows = page.paginate_queryset(classes, request, view=self)
        return page.get_paginated_response(s.ClassSerializer(rows, many=True).data)


class ClassDetail(APIView):
    @extend_schema(responses=s.ClassSerializer)
    def get(self, request, code: str):
        training_class = access.get_class_for_user(request.user, code)
        return Response(s.ClassSerializer(training_class).data)


class AgentList(APIView):
    @extend_schema(parameters=[CLASS], responses=s.AgentSerializer(many=True))
    def get(self, request):
        agents = access.visible_agents(request.user).select_related(
            "training_class", "site", "tl", "pm"
        )
        if request.query_params.get("class"):
            agents = agents.filter(training_class__code=request.query_params["class"])
        page = Page()
        rows = page.paginate_queryset(agents.order_by("employee_id"), request, view=self)
        return page.get_paginated_response(s.AgentSerializer(rows, many=True).data)


class AgentDetail(APIView):
    @extend_schema(responses=s.AgentSerializer)
    def get(self, request, employee_id: str):
        return Response(s.AgentSerializer(_agent(request, employee_id)).data)


class TaskList(APIView):
    @extend_schema(parameters=[AS_OF], responses=s.TaskStatusSerializer(many=True))
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        row = selectors.agent_row(agent, _as_of(request, agent.training_class.program))
        return Response(s.TaskStatusSerializer(row.cells, many=True).data)


class TaskUpdate(APIView):
    @extend_schema(
        parameters=[TASK_KEY],
        request=s.TaskStatusWriteSerializer,
        responses={200: s.TaskStatusSerializer, 400: s.ErrorSerializer, 409: s.ErrorSerializer},
        summary="Set a task's status (R-P1); 409 when it changed since `based_on`",
    )
    def post(self, request, employee_id: str, task: str):
        agent = _editable(request, employee_id)
        if not agent.training_class.program.tasks.filter(key=task).exists():
            raise NotFound("no such task")
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
            row = selectors.agent_row(agent, _today(agent))
            cell = next(c for c in row.cells if c.task == task)
            return Response(s.TaskStatusSerializer(cell).data)

        return _write(apply)


class NoteList(APIView):
    @extend_schema(responses=s.NoteSerializer(many=True), summary="The notes timeline (R-N1)")
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        notes = Fact.objects.filter(agent=agent).exclude(note="").order_by("-date", "-pk")
        return Response(s.NoteSerializer(notes, many=True).data)

    @extend_schema(
        request=s.NoteSerializer, responses={201: s.NoteSerializer, 400: s.ErrorSerializer}
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id)
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["note"].strip():
            raise ValidationError({"note": "a note needs some text"})
        fact = services.note_add(
            agent=agent,
            text=data.validated_data["note"],
            day=_today(agent),
            actor=request.user,
            source="api",
        )
        return Response(s.NoteSerializer(fact).data, status=status.HTTP_201_CREATED)


class CallList(APIView):
    @extend_schema(responses=s.FactSerializer(many=True), summary="Call scores, re-scores too")
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        calls = Fact.objects.filter(agent=agent, kind="call").order_by("date", "pk")
        return Response(s.FactSerializer(calls, many=True).data)

    @extend_schema(
        request=s.CallSerializer, responses={201: s.FactSerializer, 400: s.ErrorSerializer}
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id)
        data = s.CallSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def apply():
            fact = services.fact_record(
                agent=agent,
                day=_today(agent),
                kind="call",
                item=str(data.validated_data["call"]),
                value=str(data.validated_data["score"]),
                note=data.validated_data["notes"],
                by=services.actor_name(request.user),
                actor=request.user,
                source="api",
            )
            return Response(s.FactSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


class LadderSteps(APIView):
    @extend_schema(
        parameters=[AS_OF],
        responses=inline_serializer(
            "LadderSteps",
            {
                "due": s.DueStepSerializer(many=True),
                "delivered": s.FactSerializer(many=True),
            },
        ),
        summary="Ladder steps due and delivered (R-L3a)",
    )
    def get(self, request, employee_id: str):
        agent = _agent(request, employee_id)
        page = selectors.agent_page(agent, _as_of(request, agent.training_class.program))
        return Response(
            {
                "due": s.DueStepSerializer(page.due_steps, many=True).data,
                "delivered": s.FactSerializer(page.deliveries, many=True).data,
            }
        )

    @extend_schema(
        request=s.DeliverSerializer,
        responses={201: s.FactSerializer, 400: s.ErrorSerializer, 409: s.ErrorSerializer},
        summary="Deliver a step with the expectation set (R-L5)",
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id)
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


class Attendance(APIView):
    @extend_schema(responses=s.FactSerializer(many=True), summary="Attendance occurrences")
    def get(self, request, employee_id: str):
        agent = access.get_agent_for_attendance(request.user, employee_id)
        facts = Fact.objects.filter(agent=agent, kind="attendance").order_by("date", "pk")
        return Response(s.FactSerializer(facts, many=True).data)


class Flags(APIView):
    @extend_schema(
        request=s.FlagSerializer,
        responses={201: s.FactSerializer, 400: s.ErrorSerializer},
        summary="Raise or resolve a red flag (R-N4b)",
    )
    def post(self, request, employee_id: str):
        agent = _editable(request, employee_id)
        data = s.FlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = (
            services.flag_raise
            if data.validated_data["action"] == "raised"
            else services.flag_resolve
        )

        def apply():
            fact = change(
                agent=agent,
                flag=data.validated_data["flag"],
                note=data.validated_data["note"],
                day=_today(agent),
                actor=request.user,
            )
            return Response(s.FactSerializer(fact).data, status=status.HTTP_201_CREATED)

        return _write(apply)


def scoped_report(user, report: dict) -> dict:
    """Keep the lines of agents (and classes) the user may see; the shape stays §15's."""
    if access.has_role(user, access.ESP_MANAGER):
        return report
    ids = set(access.visible_agents(user).values_list("employee_id", flat=True))
    if "sections" in report:
        for section in report["sections"]:
            section["agents"] = [a for a in section["agents"] if a["employee_id"] in ids]
    for key in ("agents", "actions"):
        if key in report:
            report[key] = [a for a in report[key] if a["employee_id"] in ids]
    if "classes" in report:
        for entry in report["classes"]:
            entry["employee_ids"] = [e for e in entry["employee_ids"] if e in ids]
        report["classes"] = [c for c in report["classes"] if c["employee_ids"]]
    return report


class Report(APIView):
    @extend_schema(
        parameters=[REPORT_NAME, AS_OF, CLASS],
        responses={200: OpenApiTypes.OBJECT, 400: s.ErrorSerializer},
        summary="A report in the JSON shape of SPEC §15, limited to the agents you may see",
    )
    def get(self, request, name: str):
        if name not in REPORTS:
            raise NotFound("no such report")
        code = request.query_params.get("class") or None
        if code:
            access.get_class_for_user(request.user, code)
        program = program_for(class_code=code)
        as_of = _as_of(request, program)
        report = build_report(name, as_of=as_of, class_code=code, program=program)
        return Response(scoped_report(request.user, report))


class Me(APIView):
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
        return Response({"email": request.user.email, "roles": sorted(access.roles(request.user))})
