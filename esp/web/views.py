from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
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


def _bare(request, template: str, status: int) -> HttpResponse:
    """An error page in the site's layout rendered without the context processors: a server
    error may come from the database they read, so the page asks nothing of it (no menu; the
    way back is the start page). The request's CSP nonce keeps base.html's style working."""
    page = loader.get_template(template).render({"csp_nonce": getattr(request, "csp_nonce", "")})
    return HttpResponse(page, status=status)


def server_error(request):
    return _bare(request, "500.html", 500)


def bad_request(request, exception):
    return _bare(request, "400.html", 400)


def csrf_failure(request, reason=""):
    """A form sent from a page that is too old (signed out since, or opened in another
    session): the site's page, not Django's plain one (issue 17 item 8)."""
    return render(request, "403_csrf.html", status=403)
