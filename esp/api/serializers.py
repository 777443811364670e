"""API shapes. Reads are plain; writes are validated here and applied by the services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from esp.lib.textcheck import validate_text
from esp.progress.checks import FLAG_VALUES
from esp.rules.records import TASK_STATUSES


class ClassSerializer(serializers.Serializer):
    code = serializers.CharField()
    program = serializers.CharField(source="program.key")
    campaign = serializers.CharField(source="campaign.name")
    start_date = serializers.DateField()
    phase_starts = serializers.SerializerMethodField()
    tl_emails = serializers.SerializerMethodField()
    pm_emails = serializers.SerializerMethodField()

    def get_phase_starts(self, obj) -> dict[str, str]:
        return {p.phase.key: p.start_date.isoformat() for p in obj.phase_starts.all()}

    def get_tl_emails(self, obj) -> list[str]:
        return sorted(u.email for u in obj.tls.all())

    def get_pm_emails(self, obj) -> list[str]:
        return sorted(u.email for u in obj.pms.all())


class AgentSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    work_email = serializers.EmailField()
    personal_email = serializers.EmailField()
    class_code = serializers.CharField(source="training_class.code")
    site = serializers.CharField(source="site.code", allow_null=True, default=None)
    npn = serializers.CharField()
    n_number = serializers.CharField()
    tl_email = serializers.EmailField(source="tl.email", allow_null=True, default=None)
    pm_email = serializers.EmailField(source="pm.email", allow_null=True, default=None)
    equipment_owner = serializers.CharField()


class TaskStatusSerializer(serializers.Serializer):
    task = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    label = serializers.CharField()
    age_business_days = serializers.IntegerField(source="age", allow_null=True)
    late = serializers.BooleanField()
    detail = serializers.CharField()
    based_on = serializers.CharField(help_text="id of the latest status fact, for updates")


class TaskStatusWrittenSerializer(TaskStatusSerializer):
    warning = serializers.CharField(
        required=False,
        help_text="present only with a warning: a second failed attempt at the exam the same "
        "day (recorded all the same; check the date)",
    )


class TaskStatusWriteSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TASK_STATUSES)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", validators=[validate_text()]
    )
    based_on = serializers.CharField(
        allow_blank=True,
        help_text='required: the `based_on` of the task you read (GET the agent\'s tasks), "" '
        "when it had no status; a newer change makes this a 409 conflict, none a 428",
    )


class FactSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    date = serializers.DateField()
    kind = serializers.CharField()
    item = serializers.CharField()
    value = serializers.CharField()
    by = serializers.CharField()
    note = serializers.CharField()
    source = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    date = serializers.DateField(read_only=True)
    by = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    note = serializers.CharField(max_length=4000, validators=[validate_text()])
    to_agent = serializers.BooleanField(
        default=False,
        help_text="written to the agent, who reads it; otherwise staff-only (SPEC §1)",
    )
    line = serializers.SerializerMethodField(help_text="MM/DD/YYYY - Name - Note (R-N1)")

    def get_line(self, obj) -> str:
        return f"{obj.date:%m/%d/%Y} - {obj.by or 'unknown'} - {obj.note}"


class CallSerializer(serializers.Serializer):
    call = serializers.IntegerField(min_value=1, max_value=5)
    score = serializers.IntegerField(min_value=0, max_value=100)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_text()]
    )
    based_on = serializers.CharField(
        allow_blank=True,
        help_text="required: the `id` of the call's latest score you read (GET the agent's "
        'calls), "" when the call had none (a re-score replaces it, R-C4); a newer score makes '
        "this a 409 conflict, none a 428",
    )

    def validate(self, data):
        if data["call"] == 1 and data["score"] != 100:
            raise serializers.ValidationError({"score": "call 1 is coached and always scores 100"})
        return data


class DueStepSerializer(serializers.Serializer):
    ladder = serializers.CharField()
    step = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()


class DeliverSerializer(serializers.Serializer):
    ladder = serializers.CharField(max_length=40, validators=[validate_text()])
    step = serializers.CharField(max_length=40, validators=[validate_text()])
    expectation = serializers.CharField(max_length=4000, validators=[validate_text()])


class FlagSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["raised", "resolved"])
    flag = serializers.ChoiceField(choices=FLAG_VALUES)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_text()]
    )
    based_on = serializers.CharField(
        allow_blank=True,
        help_text="required: the `id` of the flag's latest fact you read (GET the agent's "
        'flags), "" when it had none; a newer change makes this a 409 conflict, none a 428',
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = FactSerializer(
        allow_null=True, help_text="the latest fact now (null when it was cleared)"
    )


# A 428: a write of a status-like value without the `based_on` the client read (issue 12 item 7).
PRECONDITION_REQUIRED = OpenApiResponse(
    response=ConflictSerializer,
    description="`based_on` is missing (or null): a status-like value is never overwritten "
    'blindly. `current` is the latest fact now; send its `id` ("" when null) as `based_on` '
    "after checking it. Nothing was saved",
)
CONFLICT = OpenApiResponse(
    response=ConflictSerializer,
    description="It changed since `based_on`: `current` is the latest fact now. Nothing was saved",
)


# A 400: DRF's field errors ({"field": ["reason", ...]}) or a service's {"detail": "reason"}.
INVALID = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='Invalid input: `{"field": ["reason", ...]}` or `{"detail": "reason"}`; '
    "nothing was saved",
)


# -- the JSON shapes of the reports (SPEC §15), for the schema ------------------------------------


class IncompletionAgentSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    name = serializers.CharField()
    class_code = serializers.CharField()
    age_business_days = serializers.IntegerField()


class IncompletionSectionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=["producer_world", "ahip_carrier", "tbt", "call_cert", "transfer_needed"]
    )
    threshold_days = serializers.IntegerField(allow_null=True)
    agents = IncompletionAgentSerializer(many=True)


class IncompletionsReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=["incompletions"])
    as_of = serializers.DateField()
    sections = IncompletionSectionSerializer(many=True)


class ActionLineSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    ladder = serializers.CharField()
    step = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=["due", "overdue"])


class ActionsReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=["actions"])
    as_of = serializers.DateField()
    actions = ActionLineSerializer(many=True)


class CallCertLineSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    calls_scored = serializers.IntegerField()
    calls_passed = serializers.IntegerField()
    pass_rate = serializers.IntegerField(allow_null=True)
    result = serializers.ChoiceField(choices=["pending", "passed", "failed"])
    scorecard_name = serializers.CharField(allow_null=True)


class CallCertReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=["callcert"])
    as_of = serializers.DateField()
    agents = CallCertLineSerializer(many=True)


class OccurrenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=["tardy", "left_early", "absent", "absent_approved", "ncns", "mia"]
    )
    minutes = serializers.IntegerField(allow_null=True)


class AttendanceLineSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    points = serializers.FloatField(help_text="the rolling-window total (R-A4)")
    occurrences = OccurrenceSerializer(many=True)


class AttendanceReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=["attendance"])
    as_of = serializers.DateField()
    agents = AttendanceLineSerializer(many=True)


class ExtensionClassSerializer(serializers.Serializer):
    class_code = serializers.CharField()
    method = serializers.ChoiceField(choices=["class_spin_up", "uptraining_class"])
    employee_ids = serializers.ListField(child=serializers.CharField())


class ExtensionsReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=["extensions"])
    as_of = serializers.DateField()
    classes = ExtensionClassSerializer(many=True)


REPORT_SHAPES = {
    "incompletions": IncompletionsReportSerializer,
    "actions": ActionsReportSerializer,
    "callcert": CallCertReportSerializer,
    "attendance": AttendanceReportSerializer,
    "extensions": ExtensionsReportSerializer,
}

REPORT = PolymorphicProxySerializer(
    component_name="Report",
    serializers=REPORT_SHAPES,
    resource_type_field_name="report",
)
