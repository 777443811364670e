from django.urls import path

from . import views

app_name = "callqueue"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/connect/", views.connect, name="connect"),
    path("my-agents/", views.mine, name="mine"),
    path("shadowing/", views.shadowing, name="shadowing"),
    path("readiness/", views.readiness_index, name="readiness"),
    path("readiness/<str:code>/", views.readiness_class, name="readiness_class"),
    path("readiness/agents/<str:employee_id>/", views.readiness_agent, name="readiness_agent"),
    path("mentors/", views.mentors, name="mentors"),
]
