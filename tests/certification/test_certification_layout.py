"""Issue 13: a scorecard version is an audited write; the agent page's calls come from a
selector (the latest scoring of each call)."""

from __future__ import annotations

from esp.audit.models import AuditEntry
from esp.certification.scorecard_sheets import template_to_xlsx
from esp.certification.selectors import latest_call_scores
from esp.certification.services import call_score, template_import_xlsx
from tests.certification.test_certification import DAY, points_for, world  # noqa: F401


def test_it_audits_an_imported_scorecard_version(world):  # noqa: F811
    jane, certifier, coordinator, template = world
    imported = template_import_xlsx(template_to_xlsx(template), actor=coordinator)
    entry = AuditEntry.objects.filter(action="scorecard_template_created").latest("pk")
    assert (entry.actor, entry.object_id) == (coordinator, str(imported.pk))
    assert entry.changes["version"] == 2


def test_it_lists_the_latest_scoring_of_each_call(world):  # noqa: F811
    jane, certifier, coordinator, template = world
    call_score(agent=jane, call_number=1, actor=certifier, day=DAY)
    for score in (70, 90):
        call_score(
            agent=jane, call_number=2, item_points=points_for(template, score),
            actor=certifier, day=DAY, template=template,
        )  # fmt: skip
    assert [(s.call_number, s.score) for s in latest_call_scores(jane)] == [(1, 100), (2, 90)]
