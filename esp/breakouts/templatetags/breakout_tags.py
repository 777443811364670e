from django import template

from esp.access.matrix import EDITORS
from esp.access.scopes import has_role

from .. import selectors

register = template.Library()


@register.inclusion_tag("breakouts/_agent_breakouts.html", takes_context=True)
def agent_breakouts(context, agent):
    """The agent's breakout visits (R-S4): topic, asked, taken by, room, outcome."""
    user = getattr(context.get("request"), "user", None)
    return {
        "visits": selectors.visits_of(agent),
        "is_self": user is not None and user.is_authenticated and agent.user_id == user.pk,
        "is_leader": user is not None and has_role(user, *EDITORS),
    }


@register.inclusion_tag("breakouts/_waiting_notice.html")
def breakouts_waiting(waiting=0):
    """For the leaders' Today page: how many agents they can see wait for breakout help (the
    count the Today section read, esp.web.sections.queues.breakouts; none for other roles)."""
    return {"waiting": waiting or 0}
