from django.shortcuts import redirect

from esp.access import scopes


def home(request):
    user = request.user
    if scopes.has_role(user, scopes.AGENT) and hasattr(user, "agent"):
        return redirect("progress:agent", employee_id=user.agent.employee_id)
    return redirect("web:today")
