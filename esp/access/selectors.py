"""Reads the access layer needs besides the scopes (esp.access.scopes)."""

from __future__ import annotations

from django.http import Http404

from esp.roster.models import TrainingClass

from . import scopes


def task_name(program, key: str) -> str | None:
    """The name of the program's task `key` (None when it has none)."""
    return program.tasks.filter(key=key).values_list("name", flat=True).first()


def class_of_seen_agents(user, code: str) -> TrainingClass:
    """A class's page for its agents `user` sees: a class whose board they open, or one whose
    agents they still see past the role's phase (`scopes.SEEN_THROUGH`: the coordinator's
    extended agents; issue 15 walk — the links to such a class's e-mailed self-reports and
    N-Number dates answered 404). The page must narrow itself to the agents the user sees.
    404 when neither."""
    try:
        return scopes.get_class_for_user(user, code)
    except Http404:
        found = (
            TrainingClass.objects.select_related("program")
            .filter(code=code, agents__in=scopes.visible_agents(user))
            .first()
        )
        if found is None:
            raise
        return found
