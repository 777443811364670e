"""Self-report controls for pages other apps own (`{% load selfreport_tags %}`).

- `{% self_report_link selfreport_panel %}` on the agent page: the agent's link (active until, last used)
  with "Send a new link" and "Revoke link" buttons, for users who may edit the agent; once the
  agent left the program or was transferred, why no link is sent any more (issue 12 item 8).
- `{% own_self_report selfreport_panel %}` on the agent's own page: today's report form, or
  the report sent (issue 15 item 6).
- `{% not_reported_list rows %}` on a Today page: the agents without a self-report today
  (rows of employee_id, name, class_code, sorted by class), each with "Send a new link", and
  per class "E-mail links to the class".
"""

from __future__ import annotations

from django import template

from esp.access.writes import may_write

register = template.Library()


@register.inclusion_tag("selfreport/_agent_link.html", takes_context=True)
def self_report_link(context, panel):
    """The agent's link as esp.selfreport.selectors.agent_page_context read it, with the
    form's CSRF token and the page to come back to."""
    return {
        **panel,
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }


@register.inclusion_tag("selfreport/_own_report.html", takes_context=True)
def own_self_report(context, panel):
    """The signed-in agent's form of today's self-report on their own page (issue 15 item 6;
    nothing for anyone else)."""
    return {**panel, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("selfreport/_not_reported.html", takes_context=True)
def not_reported_list(context, rows):
    request = context["request"]
    return {
        "rows": rows,
        "can_send": may_write(request.user, "self_report_link"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
