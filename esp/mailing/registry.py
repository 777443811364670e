"""The reports mailed every business day (R-N2), as a registry filled by the apps that mail.

Each app names its mailed reports in its AppConfig, as dotted paths to `MailedReport`s:

    class TbtConfig(AppConfig):
        mailed_reports = ("esp.tbt.mailed.CALLCERT_SUMMARY", "esp.tbt.mailed.TBT_COMPLETION")

so mailing (low in the layers) imports no app above it, and a new report is one declaration
in its own app. The schedules (esp.mailing.services.schedules) send each report by its key.
A report builds, for one program and business day, the messages of its audience: a
distribution list, or each TL for their own classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string

from esp.programs.models import Program

from .messages import Message
from .selectors import program_tls

LIST, TLS = "list", "tls"


@dataclass(frozen=True)
class Outgoing:
    list_key: str  # a distribution list key, or "tl:<e-mail>"
    to: list[str]
    message: Message | None  # None: nothing to report for this recipient today


@dataclass(frozen=True)
class MailedReport:
    key: str
    title: str
    audience: str
    build: Callable[..., list[Outgoing]]

    def expected_keys(self, program: Program, distribution_list) -> list[str]:
        """The recipients a day's run must cover (one outbox row each)."""
        if self.audience == LIST:
            return [distribution_list.key] if distribution_list else []
        return [f"tl:{email}" for email in program_tls(program)]


def to_list(distribution_list, message: Message | None) -> list[Outgoing]:
    """A list report's one outgoing message (None: an empty outbox row, nothing to report)."""
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]


@cache
def mailed_reports() -> dict[str, MailedReport]:
    """Every app's mailed reports by key, in the order of INSTALLED_APPS."""
    reports: dict[str, MailedReport] = {}
    for config in apps.get_app_configs():
        for path in getattr(config, "mailed_reports", ()):
            report = import_string(path)
            if report.key in reports:
                raise ValueError(f"two mailed reports named {report.key!r} ({path})")
            reports[report.key] = report
    return reports


def mailed_report(key: str) -> MailedReport | None:
    return mailed_reports().get(key)
