"""Forms of the tracker pages: they parse and validate; services do the writing."""

from __future__ import annotations

from django import forms

from esp.lib.display import label
from esp.progress.checks import EMPLOYMENT_VALUES, EQUIPMENT_ITEMS, FLAG_VALUES
from esp.rules.records import TASK_STATUSES

from .selectors import agent_among


def _choices(values, namespace: str):
    return [(v, label(v, namespace)) for v in values]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(TASK_STATUSES, "status"))
    note = forms.CharField(required=False, max_length=2000, widget=forms.TextInput)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    to_agent = forms.BooleanField(
        label="Visible to the agent",
        required=False,
        help_text="Unticked, the note is for staff only.",
    )


class DeliverForm(forms.Form):
    ladder = forms.CharField(max_length=40, widget=forms.HiddenInput)
    step = forms.CharField(max_length=40, widget=forms.HiddenInput)
    expectation = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The expectation set with the agent, e.g. finish by the end of tomorrow.",
    )


class EmploymentForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(EMPLOYMENT_VALUES, "status"))
    note = forms.CharField(max_length=2000, required=False)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)


class EquipmentForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(EQUIPMENT_ITEMS, "equipment"))
    ticket = forms.CharField(max_length=60, required=False, label="IT ticket number")
    note = forms.CharField(max_length=2000, required=False)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("status") == "issue" and not data.get("ticket"):
            self.add_error("ticket", "An equipment issue needs its IT ticket number.")
        return data


class FlagForm(forms.Form):
    action = forms.ChoiceField(choices=[("raised", "Raise"), ("resolved", "Resolve")])
    flag = forms.ChoiceField(choices=_choices(FLAG_VALUES, "flag"))
    note = forms.CharField(max_length=2000, required=False)


class MoveForm(forms.Form):
    """R-T3: move the agent to another class of the program from a date, with the reason."""

    to_class = forms.CharField(max_length=40, label="To class (code)")
    date = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=2000)


class TerminationDecisionForm(forms.Form):
    """R-L5: the PM's decision on a termination review."""

    # a delivered review (`proposal`), or one the rules say is due on `ladder` (issue 15 item 10)
    proposal = forms.IntegerField(widget=forms.HiddenInput, required=False)
    ladder = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    decision = forms.ChoiceField(
        choices=[("term", "Term the agent"), ("keep", "Keep, with a new expectation")]
    )
    date = forms.DateField(
        required=False,
        label="Termination date",
        help_text="MM/DD/YYYY; today when empty",
        input_formats=["%m/%d/%Y", "%Y-%m-%d"],
    )
    reason = forms.CharField(
        max_length=2000, label="Reason, or the new expectation", widget=forms.Textarea({"rows": 2})
    )
    expect_by = forms.DateField(
        required=False,
        label="Expectation to meet by",
        help_text="MM/DD/YYYY; needed to keep the agent",
        input_formats=["%m/%d/%Y", "%Y-%m-%d"],
    )

    def clean(self):
        data = super().clean()
        if not data.get("proposal") and not data.get("ladder"):
            raise forms.ValidationError("Choose the termination review to decide.")
        if data.get("decision") == "keep" and "expect_by" in data and not data["expect_by"]:
            self.add_error("expect_by", "Write the day the new expectation must be met by.")
        return data


class AgentField(forms.CharField):
    """An employee ID, looked up among the agents the user may see (never outside)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Agent (employee ID)")
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"list": "agents", "autocomplete": "off"})


class TrackingForm(forms.Form):
    """The common part of the five tracking forms: the agent and the date."""

    agent = AgentField()
    day = forms.DateField(
        label="Date", help_text="MM/DD/YYYY", input_formats=["%m/%d/%Y", "%Y-%m-%d"]
    )

    def __init__(self, *args, agents=None, today=None, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = agents
        self.today = today
        self.program = program

    def clean_agent(self):
        employee_id = self.cleaned_data["agent"].strip()
        agent = agent_among(self.agents, employee_id)
        if agent is None:
            raise forms.ValidationError(f"No agent {employee_id} among the agents you work with.")
        return agent

    def clean_day(self):
        day = self.cleaned_data["day"]
        if self.today and day > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        return day


CERTIFICATIONS = [
    ("carrier_cert", "Aetna certification (13 green checks)"),
    ("ahip", "AHIP certification"),
]


def exam_choices(courses) -> list[tuple[str, str]]:
    """Every exam a fail is recorded for (R-N4a): the carrier's, AHIP's, each TBT course's."""
    return [
        ("carrier_cert", "Aetna certification exam"),
        ("ahip", "AHIP final exam"),
    ] + [(f"tbt:{n}", f"TBT final exam {n} {name}") for n, name in courses]


class CarrierCertForm(TrackingForm):
    certification = forms.ChoiceField(choices=CERTIFICATIONS)
    screenshot = forms.FileField(help_text="PNG or JPEG screenshot of the completion")

    def __init__(self, *args, certifications=None, **kwargs):
        super().__init__(*args, **kwargs)
        if certifications is not None:  # only those the user may record (issue 12 follow-up)
            self.fields["certification"].choices = list(certifications)


class TbtForm(TrackingForm):
    course = forms.ChoiceField(required=False, help_text="The TBT course number")
    proof = forms.FileField(required=False, help_text="The course's completion PDF")
    all_done = forms.BooleanField(
        required=False, label="All TBTs are complete (marks the TBT task done)"
    )

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "—")] + [(n, f"{n} {name}") for n, name in courses]

    def clean(self):
        data = super().clean()
        if not data.get("all_done") and not (data.get("course") and data.get("proof")):
            raise forms.ValidationError(
                "Choose a course and attach its PDF, or tick “All TBTs are complete”."
            )
        return data


class CallCertForm(TrackingForm):
    call = forms.TypedChoiceField(coerce=int, choices=[(n, f"Call {n}") for n in range(1, 6)])
    score = forms.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        help_text="0–100; call 1 is coached and scores 100",
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Coaching: what went well, what was marked down",
    )

    def clean(self):
        data = super().clean()
        if data.get("call") == 1:
            data["score"] = 100
        elif data.get("score") is None:
            self.add_error("score", "Calls 2–5 need a score.")
        return data


class FailedExamForm(TrackingForm):
    exam = forms.ChoiceField()
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, courses=(), exams=None, **kwargs):
        super().__init__(*args, **kwargs)
        # `exams`: only those the user may record (issue 12 follow-up item 2)
        self.fields["exam"].choices = list(exam_choices(courses) if exams is None else exams)


class CarrierTicketForm(TrackingForm):
    ticket_number = forms.CharField(max_length=60)
    issue = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ProofUploadForm(forms.Form):
    item = forms.ChoiceField()
    file = forms.FileField()

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = list(items)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=2000)
