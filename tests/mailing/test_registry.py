"""The mailed reports register themselves (issue 13): each app declares its reports in its
AppConfig, mailing finds them by key, and the layers stay one-way (mailing imports no app that
mails; pace and tbt import nothing of reports)."""

import ast
from pathlib import Path

from django.apps import apps

from esp.mailing.registry import LIST, TLS, MailedReport, mailed_reports
from esp.mailing.services.schedules import DEFAULT_SCHEDULES

ESP = Path(__file__).resolve().parents[2] / "esp"


def imported_apps(app: str) -> set[str]:
    """The esp apps imported by the modules of `app` (absolute imports)."""
    found = set()
    for path in (ESP / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found |= {n.split(".")[1] for n in names if n.startswith("esp.") and n.count(".")}
    return found - {app}


def test_it_finds_every_scheduled_report_in_the_registry():
    reports = mailed_reports()
    assert {report for report, *_ in DEFAULT_SCHEDULES} == set(reports)
    for key, report in reports.items():
        assert isinstance(report, MailedReport)
        assert report.key == key
        assert report.audience in (LIST, TLS)


def test_it_takes_each_report_from_the_app_that_declares_it():
    declared = {
        config.label: [path.rsplit(".", 1)[0] for path in getattr(config, "mailed_reports", ())]
        for config in apps.get_app_configs()
    }
    assert declared["reports"] == ["esp.reports.mailed"] * 4
    assert declared["tbt"] == ["esp.tbt.mailed"] * 2
    assert declared["pace"] == ["esp.pace.mailed"]
    assert declared["mailing"] == []


def test_it_keeps_the_audience_of_each_schedule():
    reports = mailed_reports()
    for report, audience, _list, _time in DEFAULT_SCHEDULES:
        assert reports[report].audience == audience


def test_it_keeps_the_layers_one_way():
    assert not imported_apps("mailing") & {"reports", "pace", "tbt"}
    assert "reports" not in imported_apps("pace")
    assert "reports" not in imported_apps("tbt")
    assert not imported_apps("tbt") & {"pace"}
