"""The agents' TL and PM follow their class's (the admin, the class import)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from esp.audit.services import audit_record

from ..models import Agent, TrainingClass
from ..selectors import current_agents

#: An agent's own field → the class's people it must be one of.
CLASS_PEOPLE = (("tl", "tls", "tl_email"), ("pm", "pms", "pm_email"))


def _email(user) -> str:
    return user.email.lower() if user is not None else ""


@transaction.atomic
def class_people_follow(
    *, training_class: TrainingClass, day: date, actor=None, actor_label: str = ""
) -> list[Agent]:
    """A class's TLs or PMs changed (the admin, a class import): each agent whose current
    class it is on `day` (R-T3, as esp.access.scopes) and whose own TL (PM) is no longer one of the
    class's is given the class's TL (PM) when it has exactly one, else left without one (the
    class's TLs stay responsible: the pages show "—"). Agents without one are left so. Each
    changed agent is audited ({"tl_email": [old, new]}); returns them (issue 12 item 4)."""
    agents = current_agents(training_class, day).select_related("tl", "pm")
    people = {
        field: list(getattr(training_class, related).all()) for field, related, _ in CLASS_PEOPLE
    }
    changed = []
    for agent in agents.select_for_update(of=("self",)).order_by("pk"):
        changes = {}
        for field, _, column in CLASS_PEOPLE:
            own = getattr(agent, field)
            if own is None or own in people[field]:
                continue
            replacement = people[field][0] if len(people[field]) == 1 else None
            setattr(agent, field, replacement)
            changes[column] = [_email(own), _email(replacement)]
        if changes:
            agent.version += 1
            agent.save(update_fields=["tl", "pm", "version"])
            audit_record(actor=actor, actor_label=actor_label, action="update", obj=agent, changes={
                **changes, "reason": f"class {training_class.code}'s TLs or PMs changed"
            })  # fmt: skip
            changed.append(agent)
    return changed
