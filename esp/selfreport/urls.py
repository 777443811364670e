from django.urls import path

from . import views

app_name = "selfreport"
urlpatterns = [
    path("r/<str:token>/", views.report_form, name="form"),
    path("r/<str:token>/sign-in/", views.account, name="account"),  # issue 15 item 6
    path("self-reports/<str:employee_id>/link/", views.agent_link, name="link"),
    path("self-reports/class/<str:code>/send/", views.class_send, name="class_send"),
    # issue 15 item 5: reports that reached the coordinator or the TL by e-mail
    path("self-reports/<str:employee_id>/by-email/", views.emailed_one, name="emailed_one"),
    path("self-reports/class/<str:code>/by-email/", views.emailed_class, name="emailed"),
    # issue 15 item 6: the signed-in agent's own report
    path("my-self-report/", views.own_report, name="own"),
]
