from django import template

register = template.Library()


@register.inclusion_tag("playbooks/_agent_walkthroughs.html")
def agent_walkthroughs(panel):
    """The agent's troubleshooting walk-throughs (R-Q2), as
    esp.playbooks.selectors.agent_page_context read them."""
    return panel
