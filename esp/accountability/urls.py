from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("cap-documents/<int:pk>/", views.cap_download, name="cap_download"),
    # seed 001: "the TL must inform their PM immediately" (issue 15 item 10)
    path("agents/<str:employee_id>/inform-pm/", views.inform_pm, name="inform_pm"),
]
