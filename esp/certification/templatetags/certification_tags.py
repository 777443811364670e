from django import template

register = template.Library()


@register.inclusion_tag("certification/_agent_calls.html")
def certification_calls(panel):
    """The agent's scored calls with their coaching (R-C6), as
    esp.certification.selectors.agent_page_context read them."""
    return panel
