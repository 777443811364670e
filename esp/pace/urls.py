from django.urls import path

from . import views

app_name = "pace"
urlpatterns = [
    path("", views.behind, name="behind"),
    path("classes/<str:code>/", views.grid, name="grid"),
]
