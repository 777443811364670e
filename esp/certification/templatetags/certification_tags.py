from django import template

from esp.access.writes import may_write

from ..models import CallScore

register = template.Library()


@register.inclusion_tag("certification/_agent_calls.html", takes_context=True)
def certification_calls(context, agent):
    """The latest scoring of each call with its coaching (R-C6), and links to score."""
    latest = {}
    for scored in CallScore.objects.filter(agent=agent).select_related("fact").order_by("pk"):
        latest[scored.call_number] = scored
    request = context.get("request")
    user = getattr(request, "user", None)
    can_score = bool(user) and may_write(user, "call", None, agent)  # connected certifiers
    program = agent.training_class.program
    return {
        "agent": agent,
        "scored": [latest[n] for n in sorted(latest)],
        "can_score": can_score,
        "numbers": range(1, program.calls_per_agent + 1),
    }
