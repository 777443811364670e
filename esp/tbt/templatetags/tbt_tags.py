from django import template

register = template.Library()


@register.inclusion_tag("tbt/_agent_tbt.html", takes_context=True)
def agent_tbt(context, panel):
    """The agent's N-Number request, TBT access and 8-hour clock (seed 000), as
    esp.tbt.selectors.agent_page_context read them; None for an agent reading their own."""
    return {"panel": panel, "can_open": context.get("can_open", ())}
