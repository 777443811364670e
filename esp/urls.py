from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/reports/", permanent=False)),
    path("admin/", admin.site.urls),
    path("", include("esp.accounts.urls")),
    path("reports/", include("esp.reports.urls")),
    path("mail/", include("esp.mailing.urls")),
]
