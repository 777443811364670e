from django.urls import path

from . import views

app_name = "callqueue"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/connect/", views.connect, name="connect"),
    path("my-agents/", views.mine, name="mine"),
    path("shadowing/", views.shadowing, name="shadowing"),
]
