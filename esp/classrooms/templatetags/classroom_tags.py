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


@register.inclusion_tag("classrooms/_today.html")
def classrooms_today(invites=None):
    """For the Today pages of the classroom owners (R-S1, R-S3): invites to send now and ESP
    invites to extend or move, as the Today section read them
    (esp.web.sections.queues.classrooms; none for other roles)."""
    if not invites:
        return {"count": 0}
    return {
        "count": invites.count,
        "as_of": invites.as_of,
        "due": invites.due,
        "ladder": invites.ladder,
    }
