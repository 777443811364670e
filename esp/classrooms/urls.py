from django.urls import path

from . import views

app_name = "classrooms"
urlpatterns = [
    path("", views.planner, name="planner"),
    path("agents/<str:employee_id>/extend/", views.extend, name="extend"),
    path("agents/<str:employee_id>/move/", views.move, name="move"),
    path("<str:code>/", views.class_plan, name="class"),
    path("<str:code>/rooms/", views.room_add, name="room_add"),
    path("<str:code>/rooms/<int:room>/", views.room_edit, name="room_edit"),
    path("<str:code>/rooms/<int:room>/send/", views.room_send, name="room_send"),
    path("<str:code>/rooms/<int:room>/cancel/", views.room_cancel, name="room_cancel"),
]
