from django.urls import path

from . import views

app_name = "breakouts"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ask/", views.ask, name="ask"),
    path("agents/<str:employee_id>/take/", views.take, name="take"),
    path("agents/<str:employee_id>/done/", views.done, name="done"),
    path("agents/<str:employee_id>/cancel/", views.cancel, name="cancel"),
]
