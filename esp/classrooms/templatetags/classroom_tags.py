from django import template

register = template.Library()


@register.inclusion_tag("classrooms/_agent_classrooms.html")
def agent_classrooms(panel):
    """The agent's classroom invitations (R-S2), as esp.classrooms.selectors.agent_page_context
    read them."""
    return panel


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
