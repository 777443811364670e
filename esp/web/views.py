from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import cache_control

from esp.access import scopes


def home(request):
    user = request.user
    if scopes.has_role(user, scopes.AGENT) and hasattr(user, "agent"):
        return redirect("progress:agent", employee_id=user.agent.employee_id)
    return redirect("web:today")


# The site's icon (the same square as base.html's inline one), for the pages that do not extend
# base.html (the admin, the agent's self-report form) and browsers that ask /favicon.ico.
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" rx="3" fill="#1f3a5f"/></svg>'
)


@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request):
    return HttpResponse(ICON, content_type="image/svg+xml")
