"""Self-report controls for pages other apps own (`{% load selfreport_tags %}`).

- `{% self_report_link agent %}` on the agent page: the agent's link (active until, last used)
  with "Send a new link" and "Revoke link" buttons, for users who may edit the agent; once the
  agent left the program or was transferred, why no link is sent any more (issue 12 item 8).
- `{% not_reported_list rows %}` on a Today page: the agents without a self-report today
  (rows of employee_id, name, class_code, sorted by class), each with "Send a new link", and
  per class "E-mail links to the class".
"""

from __future__ import annotations

from django import template

from esp.access.writes import may_write

from .. import services

register = template.Library()


@register.inclusion_tag("selfreport/_agent_link.html", takes_context=True)
def self_report_link(context, agent):
    request = context["request"]
    can_send = may_write(request.user, "self_report_link", None, agent)  # not a certifier
    return {
        "agent": agent,
        "can_send": can_send,
        "link": services.active_link(agent) if can_send else None,
        "ended": can_send and services.link_ended(agent),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("selfreport/_not_reported.html", takes_context=True)
def not_reported_list(context, rows):
    request = context["request"]
    return {
        "rows": rows,
        "can_send": may_write(request.user, "self_report_link"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
