"""CAP documents (R-N6, R-L5): the program's templates and the document of each delivered CAP.

A delivered ladder step is an `action` fact (esp.progress); delivering a written or final
CAP also stores the PDF made for it, with the template text and version it was made from.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from esp.programs.models import Program
from esp.progress.models import Fact

from .documents import (
    DEFAULT_CAP_TEMPLATE,
    DEFAULT_TERM_TEMPLATE,
    PLACEHOLDERS,
    TERM_PLACEHOLDERS,
    template_problems,
    validate_cap_template,
)

WRITTEN_CAP, FINAL_CAP = "written_cap", "final_cap"
CAP_STEPS = (WRITTEN_CAP, FINAL_CAP)
TERM_DOCUMENT = "termination_review"  # the step whose document is the Term letter (R-L5)


class CapTemplate(models.Model):
    """The text a CAP document is made from, edited by the ESP Manager in the admin; also the
    Term document's (step `termination_review`: made when the PM terms an agent, R-L5)."""

    STEPS = [
        ("", "every CAP step"),
        (WRITTEN_CAP, "Written CAP"),
        (FINAL_CAP, "Final CAP"),
        (TERM_DOCUMENT, "Term document (the PM terms an agent)"),
    ]

    program = models.ForeignKey(Program, related_name="cap_templates", on_delete=models.CASCADE)
    step = models.CharField(
        max_length=40,
        choices=STEPS,
        blank=True,
        help_text="A template for one step wins over the one for every CAP step",
    )
    text = models.TextField(validators=[validate_cap_template])
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["program", "step"]
        verbose_name = "CAP template"
        constraints = [
            models.UniqueConstraint(fields=["program", "step"], name="one_cap_template_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.program.key}: {self.get_step_display()} (version {self.version})"

    @property
    def placeholders(self) -> dict[str, str]:
        return TERM_PLACEHOLDERS if self.step == TERM_DOCUMENT else PLACEHOLDERS

    @property
    def shipped_text(self) -> str:
        return DEFAULT_TERM_TEMPLATE if self.step == TERM_DOCUMENT else DEFAULT_CAP_TEMPLATE

    def clean(self) -> None:
        """The step's own placeholders only: a Term document's are not a CAP's."""
        if not self.text or template_problems(self.text, {**PLACEHOLDERS, **TERM_PLACEHOLDERS}):
            return  # the field's validator has said what is wrong
        problems = template_problems(self.text, self.placeholders)
        if problems:
            raise ValidationError({"text": problems})


class CapDocument(models.Model):
    """The PDF made when a written or final CAP was delivered, to sign; also the Term document
    made when the PM decided a termination review to term the agent (on the review's fact,
    from the program's Term template, else the shipped one: documents.DEFAULT_TERM_TEMPLATE)."""

    fact = models.OneToOneField(Fact, related_name="cap_document", on_delete=models.CASCADE)
    template = models.ForeignKey(
        CapTemplate, null=True, blank=True, related_name="documents", on_delete=models.SET_NULL
    )
    template_version = models.PositiveIntegerField()
    template_text = models.TextField(help_text="The template as it was when the PDF was made")
    text = models.TextField(help_text="The document's text, as printed in the PDF")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "CAP document"

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        """e.g. `Fox_Flo_written_cap_esp_12-02-2026.pdf`, or `Fox_Flo_term_12-04-2026.pdf` for
        the Term document of a termination review (letters, digits, `-` and `_` only)."""
        agent = self.fact.agent
        if self.fact.item == "termination_review":
            effective = self.fact.termination_decision.effective
            name = f"{agent.last_name}_{agent.first_name}_term_{effective:%m-%d-%Y}"
        else:
            name = (
                f"{agent.last_name}_{agent.first_name}_{self.fact.item}_{self.fact.value}_"
                f"{self.fact.date:%m-%d-%Y}"
            )
        return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) + ".pdf"


class TerminationDecision(models.Model):
    """The PM's decision on a termination review (R-L5; issue 12 item 3): a delivered
    `termination_review` step is a proposal; the PM (or the ESP Manager) terms the agent on a
    date or keeps them with a new expectation. Undecided proposals show on the PM's Today."""

    TERM, KEEP = "term", "keep"
    DECISIONS = [(TERM, "Term the agent"), (KEEP, "Keep, with a new expectation")]

    proposal = models.OneToOneField(
        Fact, related_name="termination_decision", on_delete=models.CASCADE
    )
    decision = models.CharField(max_length=10, choices=DECISIONS)
    effective = models.DateField(help_text="The termination date, or the day of the decision")
    reason = models.TextField()
    expect_by = models.DateField(
        null=True, blank=True, help_text="Keep: the day the new expectation must be met by"
    )
    employment = models.ForeignKey(
        Fact,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text="The employment change a decision to term recorded",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.effective:%m/%d/%Y})"
