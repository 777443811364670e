from django import template

register = template.Library()


@register.inclusion_tag("callqueue/_agent_readiness.html", takes_context=True)
def agent_readiness(context, panel):
    """The agent's readiness for Call Certs (R-C1) with its one-click forms, as
    esp.callqueue.selectors.agent_page_context read it (nothing for the agent's own view)."""
    return {"panel": panel, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("callqueue/_mentor_cover.html")
def mentor_cover(covers):
    """For the ESP Manager's Today: whether the mentors cover the agents about to shadow
    (seed 003), as esp.web.sections read it."""
    return {"covers": covers or []}
