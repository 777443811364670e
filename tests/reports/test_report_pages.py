"""Every report of SPEC §15 opens as a page, CSV and .xlsx for the ESP Manager."""

import pytest

from esp.reports.builders import REPORTS
from tests.web_support import staff


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_opens_as_a_page_and_downloads(program, client, name):
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    assert client.get(f"/reports/{name}/?as_of=2026-11-23").status_code == 200
    csv = client.get(f"/reports/{name}/?as_of=2026-11-23&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    xlsx = client.get(f"/reports/{name}/?as_of=2026-11-23&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_reports_index_lists_every_report(program, client):
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    page = client.get("/reports/").content.decode()
    for name in REPORTS:
        assert f"/reports/{name}/" in page
