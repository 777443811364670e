from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AuditConfig(AppConfig):
    default = True
    name = "esp.audit"
    verbose_name = "Audit history"


class AuditedAdminConfig(admin_apps.AdminConfig):
    """Django's admin with a site whose every registered model admin records its changes in
    the audit history (issue 12 item 16): esp/audit/adminsite.py."""

    default = False
    default_site = "esp.audit.adminsite.AuditedAdminSite"
