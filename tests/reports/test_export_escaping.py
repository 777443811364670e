"""Issue 12 item 11 (README "Formats", SPEC §15): every CSV and .xlsx the app writes escapes
text cells that start with = + - @ (or tab, CR) — the activity export, the tracker, every report
download, every mailed attachment, the call-cert workbook, the scorecard template — through the
one `escape_formula`, and the activity export still reads back as itself."""

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from esp.lib.formulas import FORMULA_STARTS, escape_formula, unescape_formula
from esp.lib.render import table_csv, tables_xlsx
from esp.roster.models import Agent, CertifierAssignment
from tests.certification.test_certification import points_for
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.web_support import staff

HOSTILE_NAME = '=HYPERLINK("http://x")'
HOSTILE_ROSTER = (
    ROSTER.strip()
    + f'\nE007,"{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}",@Evil,e7@cxp.example,'
    + "e7@mail.example,AET-A,tl.one@cxp.example\n"
)
HOSTILE_ACTIVITY = (
    ACTIVITY.strip()
    + """
2026-11-04,E007,task,producer_world,in_progress,tl.one@cxp.example,=1+1
2026-11-05,E007,note,,,tl.one@cxp.example,+1 called back
2026-11-06,E007,note,,,tl.one@cxp.example,-2+3 docs missing
2026-11-09,E007,note,,,tl.one@cxp.example,@SUM(A1)
2026-11-10,E007,note,,,tl.one@cxp.example,''=already quoted
2026-11-16,E007,attendance,tardy,25,tl.one@cxp.example,=cmd|' /C calc'!A0
2026-11-27,E007,call,1,100,certifier1@cxp.example,=HYPERLINK("http://evil")
"""
)


@pytest.fixture
def season(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", HOSTILE_ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    code, _, err = esp("import", "activity", write(HOSTILE_ACTIVITY, "activity.csv"))
    assert code == 0, err
    return program


def unsafe(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8"))) for cell in row]


def assert_csv_safe(content: bytes) -> list[str]:
    cells = csv_cells(content)
    live = [c for c in cells if unsafe(c)]
    assert not live, f"cells a spreadsheet would run: {live}"
    return cells


def assert_xlsx_safe(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    live = [c.value for c in cells if isinstance(c.value, str) and unsafe(c.value)]
    assert not live, f"text cells a spreadsheet would run: {live}"
    return [c.value for c in cells]


@given(st.text())
def test_it_reads_back_every_escaped_text_as_written(text):
    """issue 12 item 11: unescape_formula(escape_formula(x)) == x for any text, and no escaped
    cell starts like a formula — so an export imports as the values exported."""
    escaped = escape_formula(text)
    assert not unsafe(escaped)
    assert unescape_formula(escaped) == text


def test_it_escapes_text_cells_only_so_negative_numbers_stay_numbers():
    """issue 12 item 11: -3 written as a number is a number; the text "-3" is escaped."""
    assert escape_formula(-3) == -3 and escape_formula(-2.5) == -2.5
    assert escape_formula("-3") == "'-3"
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert escape_formula(f"{start}x") == f"'{start}x"
    assert escape_formula("'=x") == "''=x" and escape_formula("'plain") == "'plain"
    book = load_workbook(io.BytesIO(tables_xlsx({"T": (["n", "t"], [[-3, "=1+1"]])})))
    number, text = book["T"]["A2"], book["T"]["B2"]
    assert number.value == -3 and number.data_type == "n"
    assert text.value == "'=1+1" and text.data_type == "s"
    assert csv_cells(table_csv(["n", "t"], [[-3, "@x"]])) == ["n", "t", "-3", "'@x"]


def test_it_escapes_the_activity_export_and_reads_it_back_byte_identical(season, esp, tmp_path):
    """issue 12 item 11: `esp export activity` escapes formula-like notes (it did not), and
    export → import into an empty history → export gives the same bytes (the import drops the
    one added apostrophe); importing it again on top changes nothing."""
    from esp.progress.models import Fact

    first = tmp_path / "first.csv"
    code, _, err = esp("export", "activity", first)
    assert code == 0, err
    cells = assert_csv_safe(first.read_bytes())
    for note in ("'=1+1", "'+1 called back", "'-2+3 docs missing", "'@SUM(A1)"):
        assert note in cells
    assert "''=already quoted" in cells
    code, out, err = esp("import", "activity", first)
    assert code == 0, err
    assert " 0 new" in out
    Fact.objects.all().delete()
    code, out, err = esp("import", "activity", first)
    assert code == 0, err
    notes = set(Fact.objects.filter(agent__employee_id="E007").values_list("note", flat=True))
    assert {"=1+1", "+1 called back", "@SUM(A1)", "'=already quoted"} <= notes
    second = tmp_path / "second.csv"
    code, _, err = esp("export", "activity", second)
    assert code == 0, err
    assert second.read_bytes() == first.read_bytes()


def test_it_reads_a_hand_made_file_without_apostrophes_as_written(season):
    """issue 12 item 11: a plain `=1+1` in a hand-made file is the note =1+1; a doubled
    apostrophe before a formula character keeps one."""
    from esp.progress.models import Fact

    notes = set(Fact.objects.filter(agent__employee_id="E007").values_list("note", flat=True))
    assert {"=1+1", "+1 called back", "@SUM(A1)", "'=already quoted"} <= notes


def test_it_escapes_the_tracker_workbook(season, esp, tmp_path):
    """issue 12 item 11: the tracker .xlsx has no formula cell, the hostile name is text."""
    path = tmp_path / "tracker.xlsx"
    code, _, err = esp("export", "tracker", path, "--as-of", "2026-12-02")
    assert code == 0, err
    values = assert_xlsx_safe(path.read_bytes())
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)


@pytest.mark.parametrize("name", ["incompletions", "actions", "callcert", "attendance"])
def test_it_escapes_every_report_download(season, client, name):
    """issue 12 item 11: each report page's CSV and .xlsx download is escaped."""
    from esp.reports.builders import REPORTS

    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    for report in REPORTS if name == "incompletions" else [name]:
        for as_of in ("2026-11-23", "2026-12-02"):
            response = client.get(f"/reports/{report}/?as_of={as_of}&format=csv")
            assert response.status_code == 200
            assert_csv_safe(response.content)
            response = client.get(f"/reports/{report}/?as_of={as_of}&format=xlsx")
            assert response.status_code == 200
            assert_xlsx_safe(response.content)


def test_the_incompletion_report_download_shows_the_hostile_name_as_text(season, client):
    """issue 12 item 11: the hostile agent is in the download, escaped."""
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    response = client.get("/reports/incompletions/?as_of=2026-11-23&format=csv")
    cells = assert_csv_safe(response.content)
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'@Evil") for c in cells), cells


def test_it_escapes_every_mailed_attachment(season):
    """issue 12 item 11: every mailed report's CSV and .xlsx attachments (the incompletion
    report, TL lists, the WFM digest, the Call Cert and TBT summaries, the pace list)."""
    from esp.mailing.models import DistributionList
    from esp.mailing.registry import mailed_reports

    mailing_list, _ = DistributionList.objects.get_or_create(key="wfm", defaults={"name": "WFM"})
    checked = set()
    seen_hostile = False
    for day in (date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 27), date(2026, 12, 2)):
        for report in mailed_reports().values():
            for outgoing in report.build(season, day, distribution_list=mailing_list):
                if outgoing.message is None:
                    continue
                for attachment in outgoing.message.attachments:
                    if attachment.filename.endswith(".csv"):
                        cells = assert_csv_safe(attachment.content)
                    else:
                        assert attachment.filename.endswith(".xlsx")
                        cells = assert_xlsx_safe(attachment.content)
                    seen_hostile |= any(
                        isinstance(c, str) and c.startswith(("'=", "'@", "'+", "'-")) for c in cells
                    )
                    checked.add(report.key)
    assert {"daily_incompletions", "wfm_digest"} <= checked
    assert seen_hostile


def test_it_writes_a_certifiers_note_starting_with_equals_as_text_in_the_call_cert_workbook(
    season,
):
    """issue 12 item 11 (R-C5): a note `=...` is text in the scorecard workbook, not a formula."""
    from esp.certification.services import call_score, load_default_scorecard
    from esp.certification.workbooks import scorecard_workbook
    from esp.roster.roles import CERTIFIER

    agent = Agent.objects.get(employee_id="E001")
    certifier = staff("cert.one@cxp.example", CERTIFIER)
    CertifierAssignment.objects.create(certifier=certifier, agent=agent)  # issue 12 item 3
    template = load_default_scorecard()
    call_score(
        agent=agent,
        call_number=2,
        item_points=points_for(template, 90),
        notes_well='=HYPERLINK("http://evil","click")',
        notes_down="-missed the tier",
        actor=certifier,
        day=date(2026, 12, 1),
        template=template,
    )
    values = assert_xlsx_safe(scorecard_workbook(agent).content)
    assert '\'=HYPERLINK("http://evil","click")' in values
    assert "'-missed the tier" in values


def test_it_escapes_the_scorecard_template_export_and_reads_it_back(season):
    """issue 12 item 11 (R-C7): an item text `=...` is text in the exported template, and the
    import reads it back as the item's text."""
    from esp.certification.models import ScorecardItem
    from esp.certification.scorecard_sheets import parse_template_xlsx, template_to_xlsx
    from esp.certification.services import load_default_scorecard

    template = load_default_scorecard()
    item = ScorecardItem.objects.filter(section__template=template).first()
    item.definition = "=1+1 means the tier was named"
    item.save()
    content = template_to_xlsx(template)
    values = assert_xlsx_safe(content)
    assert "'=1+1 means the tier was named" in values
    data = parse_template_xlsx(content)
    assert "=1+1 means the tier was named" in [row.definition for row in data.items]


def test_it_escapes_the_generated_season_files(tmp_path):
    """issue 12 item 11: the season generator's CSVs go through the same escaping."""
    from types import SimpleNamespace

    from esp.demo.season import ACTIVITY_COLUMNS, CLASS_COLUMNS, ROSTER_COLUMNS, write_season

    def row(columns, **values):
        return {column: values.get(column, "") for column in columns}

    season = SimpleNamespace(
        classes=[row(CLASS_COLUMNS, class_code="C1")],
        roster=[row(ROSTER_COLUMNS, employee_id="E1", first_name="=1+1", last_name="@x")],
        activity=[row(ACTIVITY_COLUMNS, employee_id="E1", note="-2+3")],
    )
    paths = write_season(season, tmp_path)
    cells = [c for path in paths.values() for c in assert_csv_safe(path.read_bytes())]
    assert {"'=1+1", "'@x", "'-2+3"} <= set(cells)


PAGE_DOWNLOADS = [
    # (url name, the day's parameter)
    ("tbt:callcert_summary", "as_of"),
    ("tbt:tbt_completion", "as_of"),
    ("tbt:behind_pace", "as_of"),
    ("tbt:escalations", "as_of"),
    ("tbt:searched", "as_of"),
    ("pace:behind", "as_of"),
    ("attendance:digest", "date"),
]


@pytest.mark.parametrize("route, day_parameter", PAGE_DOWNLOADS, ids=[p[0] for p in PAGE_DOWNLOADS])
def test_it_escapes_every_page_download(season, client, route, day_parameter):
    """issue 12 item 11: the TBT summaries and lists, the pace list and the WFM digest pages'
    CSV and .xlsx downloads (the same tables the mails attach) are escaped."""
    from django.urls import reverse

    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    for day in ("2026-11-06", "2026-11-16", "2026-11-27", "2026-12-01"):
        for fmt, check in (("csv", assert_csv_safe), ("xlsx", assert_xlsx_safe)):
            response = client.get(reverse(route), {day_parameter: day, "format": fmt})
            assert response.status_code == 200, (route, day, fmt)
            check(response.content)
