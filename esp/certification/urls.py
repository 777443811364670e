from django.urls import path

from . import views

app_name = "certification"
urlpatterns = [
    path("agents/<str:employee_id>/calls/<int:number>/score/", views.score, name="score"),
]
