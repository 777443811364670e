from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import readiness, views


def api(view_class):
    """API views authenticate themselves (session or token) and answer 401/404 in JSON."""
    return login_not_required(view_class.as_view())


app_name = "api"
urlpatterns = [
    # The schema as the API answers (a token works; no credentials → 401); the docs page is
    # for people: without a session, the sign-in page, then back.
    path(
        "schema/",
        login_not_required(
            SpectacularAPIView.as_view(authentication_classes=views.ApiView.authentication_classes)
        ),
        name="schema",
    ),
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("me/", api(views.Me), name="me"),
    path("classes/", api(views.ClassList), name="classes"),
    path("classes/<str:code>/", api(views.ClassDetail), name="class"),
    path("agents/", api(views.AgentList), name="agents"),
    path("agents/<str:employee_id>/", api(views.AgentDetail), name="agent"),
    path("agents/<str:employee_id>/tasks/", api(views.TaskList), name="tasks"),
    path("agents/<str:employee_id>/tasks/<slug:task>/", api(views.TaskUpdate), name="task"),
    path("agents/<str:employee_id>/notes/", api(views.NoteList), name="notes"),
    path("agents/<str:employee_id>/calls/", api(views.CallList), name="calls"),
    path("agents/<str:employee_id>/ladder-steps/", api(views.LadderSteps), name="ladder_steps"),
    path("agents/<str:employee_id>/attendance/", api(views.Attendance), name="attendance"),
    path("agents/<str:employee_id>/flags/", api(views.Flags), name="flags"),
    # R-C1 (issue 15 item 1): day 1 and the shadowing half day
    path("agents/<str:employee_id>/readiness/", api(readiness.AgentReadiness), name="readiness"),
    path("classes/<str:code>/readiness/", api(readiness.ClassReadiness), name="class_readiness"),
    path("reports/<slug:name>/", api(views.Report), name="report"),
]
