from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<str:code>/step/", views.extension_step, name="extension_step"),
    path("extensions/undo/<str:employee_id>/", views.undo, name="undo"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<str:employee_id>/", views.transfer, name="transfer"),
]
