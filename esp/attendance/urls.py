from django.urls import path

from . import import_views, views

app_name = "attendance"
urlpatterns = [
    path("classes/<str:code>/attendance/", views.attendance_day, name="attendance"),
    path("classes/<str:code>/attendance/import/", import_views.meeting_import, name="meeting"),
    path(
        "classes/<str:code>/attendance/<str:employee_id>/",
        views.attendance_mark,
        name="attendance_mark",
    ),
    path("attendance/digest/", views.digest, name="digest"),
]
