from django.urls import path

from . import checklist_views, views

app_name = "upkeep"
urlpatterns = [
    path("", views.teams, name="teams"),
    path("report/", views.report, name="report"),
    # the TL's evening checklist (R-N5; issue 15 item 12)
    path(
        "checklist/confirm/<str:employee_id>/",
        checklist_views.confirm_statuses,
        name="confirm_statuses",
    ),
    path("checklist/tickets/", checklist_views.confirm_tickets, name="confirm_tickets"),
    path("checklist/preview/", checklist_views.checklist_preview, name="checklist_preview"),
    path("checklist/send/", checklist_views.checklist_send, name="checklist_send"),
]
