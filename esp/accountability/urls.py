from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("cap-documents/<int:pk>/", views.cap_download, name="cap_download"),
]
