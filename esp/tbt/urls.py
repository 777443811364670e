from django.urls import path

from . import class_views, views

app_name = "tbt"
urlpatterns = [
    path("escalations/", views.escalations, name="escalations"),
    path("behind-pace/", views.behind_pace, name="behind_pace"),
    path("searched-by-course/", views.searched, name="searched"),
    path("summaries/callcert/", views.callcert_summary, name="callcert_summary"),
    path("summaries/tbt-completion/", views.tbt_completion, name="tbt_completion"),
    # seed 000 (issue 15 items 3 and 4): a class's N-Number request dates, the classes' SMEs
    path("n-numbers/<str:code>/", class_views.n_numbers, name="n_numbers"),
    path("smes/", class_views.smes, name="smes"),
]
