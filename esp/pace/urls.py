from django.urls import path

from . import views

app_name = "pace"
urlpatterns = [
    path("", views.behind, name="behind"),
    path("classes/<str:code>/", views.grid, name="grid"),
    # R-N4a: a proctored last attempt arranged (issue 15 item 13)
    path("agents/<str:employee_id>/proctored/", views.proctored_arrange, name="proctored_arrange"),
]
