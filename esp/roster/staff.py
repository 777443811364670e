"""Staff accounts and roles (SPEC §1): the role names (esp.roster.roles) and the account
services (esp.roster.services.staff), under the path the other apps import them by."""

from .roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    ROLES,
    TBT_SME,
    TL,
    WFM,
)
from .services.staff import create_esp_manager, ensure_roles, ensure_staff, staff_account_created

__all__ = [
    "AGENT",
    "CERTIFIER",
    "CERT_COORDINATOR",
    "ESP_MANAGER",
    "LICENSING",
    "PM",
    "ROLES",
    "TBT_SME",
    "TL",
    "WFM",
    "create_esp_manager",
    "ensure_roles",
    "ensure_staff",
    "staff_account_created",
]
