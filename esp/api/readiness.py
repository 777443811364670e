"""Readiness for Call Certs through the API (R-C1, seed 004 items 3-4; issue 15 item 1): an
agent's day 1 (systems and scripting) and role play / shadowing half day, read and recorded
like the pages do, one agent at a time or for a class at once. A write names the version it
was based on (`based_on`, issue 12 item 7), as task statuses do."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from esp.access import scopes
from esp.callqueue import selectors as callqueue
from esp.callqueue import services as readiness_services
from esp.lib import clock
from esp.progress import services
from esp.rules.readiness import READINESS_TASKS

from . import serializers as s
from .views import STATUS_WRITE_ANSWERS, ApiView, _based_on_missing, _editable, _text, _write


class StepSerializer(serializers.Serializer):
    status = serializers.CharField(allow_null=True, help_text="done, not_started… (null: none)")
    date = serializers.DateField(allow_null=True)
    by = serializers.CharField()
    based_on = serializers.CharField(help_text='the id to send back as `based_on` ("": none)')


class ReadinessSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    name = serializers.CharField()
    ready = serializers.BooleanField()
    since = serializers.DateField(allow_null=True)
    equipment = serializers.CharField(allow_null=True)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="keys: equipment, readiness_day1, …"
    )
    missing_words = serializers.ListField(child=serializers.CharField())
    readiness_day1 = StepSerializer()
    readiness_shadowing = StepSerializer()


class ReadinessWriteSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=READINESS_TASKS)
    status = serializers.ChoiceField(choices=["done", "not_started"], default="done")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    based_on = serializers.CharField(
        allow_blank=True,
        help_text='required: the step\'s `based_on` you read (GET …/readiness/), "" when it '
        "had none; a newer change makes this a 409 conflict, none a 428",
    )


class ClassReadinessWriteSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=READINESS_TASKS)
    based_on = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="employee id -> the step's `based_on` you read for that agent: the agents to "
        "record as done",
    )


def _step(step: dict) -> dict:
    fact = step["fact"]
    return {
        "status": fact.value if fact else None,
        "date": fact.date if fact else None,
        "by": fact.by if fact else "",
        "based_on": str(step["based_on"]),
    }


def readiness_data(row: dict) -> dict:
    state = row["state"]
    return {
        "employee_id": row["agent"].employee_id,
        "name": row["agent"].name,
        "ready": state.ready,
        "since": state.since,
        "equipment": state.equipment,
        "missing": list(state.missing),
        "missing_words": list(row["missing"]),
        "readiness_day1": _step(row["day1"]),
        "readiness_shadowing": _step(row["shadowing"]),
    }


def _today(agent_or_class):
    program = getattr(agent_or_class, "program", None) or agent_or_class.training_class.program
    return clock.today(program.time_zone)


class AgentReadiness(ApiView):
    @extend_schema(responses={200: ReadinessSerializer, 404: s.INVALID})
    def get(self, request, employee_id: str):
        agent = scopes.get_agent_for_user(request.user, _text(employee_id, "agent"))
        row = callqueue.agent_readiness(agent, _today(agent))
        if row is None:
            return Response({"detail": "The agent is not in flight."}, status=404)
        return Response(readiness_data(row))

    @extend_schema(
        request=ReadinessWriteSerializer,
        responses={200: ReadinessSerializer, **STATUS_WRITE_ANSWERS},
        summary="Record day 1 or the shadowing half day (R-C1); `based_on` required: 409 when "
        "it changed since, 428 without it",
    )
    def post(self, request, employee_id: str):
        task = request.data.get("task") if hasattr(request.data, "get") else None
        task = task if task in READINESS_TASKS else None
        agent = _editable(request, employee_id, "task", task)
        if task is not None:
            missing = _based_on_missing(
                request,
                lambda: services.latest_fact(agent, "task", task),
                f"the {task.replace('_', ' ')} status",
                f"`{task}.based_on` in GET /api/v1/agents/{agent.employee_id}/readiness/",
            )
            if missing:
                return missing
        data = ReadinessWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = data.validated_data["task"]

        def apply():
            readiness_services.readiness_record(
                agent=agent,
                task=task,
                day=_today(agent),
                actor=request.user,
                done=data.validated_data["status"] == "done",
                note=data.validated_data["note"],
                based_on=data.validated_data["based_on"],
                source="api",
            )
            return Response(readiness_data(callqueue.agent_readiness(agent, _today(agent))))

        return _write(apply)


class ClassReadiness(ApiView):
    @extend_schema(responses={200: ReadinessSerializer(many=True), 404: s.INVALID})
    def get(self, request, code: str):
        training_class = scopes.get_class_for_user(request.user, _text(code, "class"))
        page = callqueue.class_readiness(request.user, training_class, _today(training_class))
        return Response([readiness_data(row) for row in page["rows"]])

    @extend_schema(
        request=ClassReadinessWriteSerializer,
        responses={
            200: inline_serializer(
                "ClassReadinessResult",
                {
                    "recorded": serializers.ListField(child=serializers.CharField()),
                    "left": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: s.INVALID,
            403: s.INVALID,
        },
        summary="Record day 1 or the shadowing half day as done for several agents of a class "
        "at once (R-C1); an agent changed since its `based_on` is left and named in `left`",
    )
    def post(self, request, code: str):
        training_class = scopes.get_class_for_user(request.user, _text(code, "class"))
        data = ClassReadinessWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visible = scopes.visible_agents(request.user).filter(
            employee_id__in=list(data.validated_data["based_on"])
        )
        found = {agent.employee_id: agent for agent in visible}
        unknown = sorted(set(data.validated_data["based_on"]) - set(found))
        if unknown:
            return Response(
                {"detail": f"No such agent: {', '.join(unknown)}. Nothing was saved."},
                status=status.HTTP_400_BAD_REQUEST,
            )

        def apply():
            recorded, left = readiness_services.readiness_record_class(
                training_class=training_class,
                task=data.validated_data["task"],
                agents=[
                    (found[eid], based_on)
                    for eid, based_on in data.validated_data["based_on"].items()
                ],
                day=_today(training_class),
                actor=request.user,
                source="api",
            )
            return Response(
                {
                    "recorded": [a.employee_id for a in recorded],
                    "left": [{"employee_id": a.employee_id, "detail": why} for a, why in left],
                }
            )

        return _write(apply)
