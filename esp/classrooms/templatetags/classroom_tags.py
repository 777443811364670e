from datetime import date

from django import template

from ..models import Invitation

register = template.Library()


@register.inclusion_tag("classrooms/_agent_classrooms.html")
def agent_classrooms(agent):
    """The agent's classroom invitations (R-S2): room, link, days; cancelled ones marked."""
    rows = [
        {"invitation": i, "days": [date.fromisoformat(d) for d in i.days]}
        for i in Invitation.objects.filter(agent=agent)
        .select_related("classroom__training_class", "classroom__phase")
        .order_by("classroom__first_day", "pk")
    ]
    return {"rows": rows}


@register.inclusion_tag("classrooms/_today.html", takes_context=True)
def classrooms_today(context):
    """For the Today pages of the classroom owners (R-S1, R-S3): invites to send now and ESP
    invites to extend or move."""
    from esp.access import scopes
    from esp.access.matrix import ACCESS
    from esp.reports.builders import program_for

    from .. import services

    request = context.get("request")
    user = getattr(request, "user", None)
    as_of = context.get("as_of")
    if (
        user is None
        or as_of is None
        or not scopes.has_role(user, *ACCESS["classrooms:planner"].roles)
    ):
        return {"count": 0}
    due = services.invites_due(scopes.visible_classes(user), as_of)
    ladder = services.esp_ladder(program_for(), as_of, scopes.visible_agents(user))
    return {"count": len(due) + len(ladder), "as_of": as_of, "due": due, "ladder": ladder}
