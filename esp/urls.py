from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("esp.accounts.urls")),
    path("reports/", include("esp.reports.urls")),
    path("mail/", include("esp.mailing.urls")),
    path("api/v1/", include("esp.api.urls")),
    path("", include("esp.selfreport.urls")),
    path("", include("esp.accountability.urls")),
    path("", include("esp.certification.urls")),
    path("call-cert/", include("esp.callqueue.urls")),
    path("tbt/", include("esp.tbt.urls")),
    path("", include("esp.playbooks.urls")),
    path("operations/", include("esp.operations.urls")),
    path("classrooms/", include("esp.classrooms.urls")),
    path("upkeep/", include("esp.upkeep.urls")),
    path("breakouts/", include("esp.breakouts.urls")),
    path("licensing-pace/", include("esp.pace.urls")),
    path("", include("esp.attendance.urls")),
    path("", include("esp.progress.urls")),
    path("", include("esp.web.urls")),
]

# The error pages in the site's layout (issue 17 item 8); 403 and 404 are Django's views with
# esp/templates/403.html and 404.html.
handler400 = "esp.web.views.bad_request"
handler500 = "esp.web.views.server_error"
