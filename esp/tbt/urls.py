from django.urls import path

from . import views

app_name = "tbt"
urlpatterns = [
    path("escalations/", views.escalations, name="escalations"),
    path("behind-pace/", views.behind_pace, name="behind_pace"),
    path("searched-by-course/", views.searched, name="searched"),
    path("summaries/callcert/", views.callcert_summary, name="callcert_summary"),
    path("summaries/tbt-completion/", views.tbt_completion, name="tbt_completion"),
]
