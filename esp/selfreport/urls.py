from django.urls import path

from . import views

app_name = "selfreport"
urlpatterns = [
    path("r/<str:token>/", views.report_form, name="form"),
    path("self-reports/<str:employee_id>/link/", views.agent_link, name="link"),
    path("self-reports/class/<str:code>/send/", views.class_send, name="class_send"),
]
