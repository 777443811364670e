from django.urls import path

from . import views

app_name = "upkeep"
urlpatterns = [
    path("", views.teams, name="teams"),
    path("report/", views.report, name="report"),
]
