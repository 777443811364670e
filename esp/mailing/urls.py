from django.urls import path

from . import views

app_name = "mailing"
urlpatterns = [
    path("lists/", views.lists, name="lists"),
    path("outbox/", views.outbox_page, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="message"),
    path("outbox/<int:pk>/decide/", views.outbox_decide, name="decide"),
]
