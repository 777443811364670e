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


@register.inclusion_tag("breakouts/_waiting_notice.html", takes_context=True)
def breakouts_waiting(context):
    """For the leaders' Today page: how many agents they can see wait for breakout help."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not has_role(user, *EDITORS):
        return {"waiting": 0}
    return {"waiting": selectors.waiting_count(user)}
