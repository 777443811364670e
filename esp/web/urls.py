from django.urls import path

from . import today, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("today/", today.today, name="today"),
    path("favicon.ico", views.favicon, name="favicon"),
]
