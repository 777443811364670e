from django.urls import path

from . import upload_views, views

app_name = "certification"
urlpatterns = [
    path("agents/<str:employee_id>/calls/<int:number>/score/", views.score, name="score"),
    # the certifier's own scorecard, uploaded by the coordinator (seed 004 item 7)
    path("agents/<str:employee_id>/scorecard/", upload_views.upload, name="scorecard_upload"),
    path(
        "agents/<str:employee_id>/scorecard/<int:pk>/",
        upload_views.download,
        name="scorecard_file",
    ),
    path("scorecard/blank.xlsx", upload_views.blank, name="scorecard_blank"),
]
