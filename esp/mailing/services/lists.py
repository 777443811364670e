"""Distribution lists as data (SPEC §1): shown and set by the ESP Manager (web, CLI)."""

from __future__ import annotations

from django.db import transaction

from esp.audit.services import audit_record
from esp.lib.csvio import is_email

from ..models import DistributionList, ListMember
from ..selectors import list_keys


class ListError(ValueError):
    pass


@transaction.atomic
def list_set(key: str, addresses: list[str], *, actor=None, actor_label: str = "") -> list[str]:
    """Replace a list's addresses; every address is checked first, nothing changes on error."""
    distribution_list = DistributionList.objects.filter(key=key).first()
    if distribution_list is None:
        known = ", ".join(list_keys())
        raise ListError(f"unknown list '{key}' (one of {known})")
    cleaned = []
    for address in addresses:
        address = address.strip().lower()
        if not address:
            continue
        if not is_email(address):
            raise ListError(f"'{address}' is not an e-mail address")
        if address not in cleaned:
            cleaned.append(address)
    before = distribution_list.addresses
    if before == sorted(cleaned):
        return before
    distribution_list.members.all().delete()
    ListMember.objects.bulk_create(
        [ListMember(distribution_list=distribution_list, email=a) for a in sorted(cleaned)]
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="update",
        obj=distribution_list,
        changes={"before": before, "after": sorted(cleaned)},
    )
    return sorted(cleaned)
