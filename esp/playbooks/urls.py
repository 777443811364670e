from django.urls import path

from . import views

app_name = "playbooks"
urlpatterns = [
    path("agents/<str:employee_id>/troubleshooting/", views.troubleshoot, name="troubleshoot"),
]
