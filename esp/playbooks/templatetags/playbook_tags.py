from django import template

from esp.access.writes import may_write

register = template.Library()


@register.inclusion_tag("playbooks/_agent_walkthroughs.html", takes_context=True)
def agent_walkthroughs(context, agent):
    """The agent's troubleshooting walk-throughs (R-Q2) and, for those who may troubleshoot (esp.access.writes), the link to run one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "agent": agent,
        "walkthroughs": agent.walkthroughs.select_related("playbook", "started_by")[:10],
        "can_run": bool(user) and may_write(user, "troubleshoot", None, agent),
    }
