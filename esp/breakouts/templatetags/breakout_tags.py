from django import template

register = template.Library()


@register.inclusion_tag("breakouts/_agent_breakouts.html")
def agent_breakouts(panel):
    """The agent's breakout visits (R-S4), as esp.breakouts.selectors.agent_page_context read
    them."""
    return panel


@register.inclusion_tag("breakouts/_waiting_notice.html")
def breakouts_waiting(waiting=0):
    """For the leaders' Today page: how many agents they can see wait for breakout help (the
    count the Today section read, esp.web.sections.queues.breakouts; none for other roles)."""
    return {"waiting": waiting or 0}
