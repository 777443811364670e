"""The command line on a newcomer's first day (issue 17 items 13 and 14, SPEC §15, §16): a
database never initialised, output files that cannot be written or are misnamed, and an
import's header errors reported with every bad row. One line on standard error, exit code 2
for bad input, 1 for a failure, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import esp as esp_package
from esp.progress.models import Fact
from esp.roster.models import Agent, TrainingClass

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(esp_package.__file__).resolve().parent.parent

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
"""
ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A
"""


def run_fresh(folder: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """`esp ARGS` run as a newcomer would, in `folder`, with no database settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESP_")}
    env.update(PYTHONPATH=str(REPO), ESP_VAR_DIR=str(folder / "var"), **extra)
    return subprocess.run(
        [sys.executable, "-m", "esp.cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def season(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


# -- item 13: a database never initialised ----------------------------------------------------


@pytest.mark.django_db(transaction=False)
def test_it_says_the_database_was_never_initialised_and_creates_no_file(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER.strip() + "\n", encoding="utf-8")
    for args in (
        ("report", "incompletions"),
        ("import", "roster", "roster.csv"),
        ("export", "activity", "out.csv"),
        ("lists", "show"),
    ):
        result = run_fresh(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert one_line(result.stderr) == (
            "esp: the database var/esp.sqlite3 was never initialised: run `esp init` first "
            "(or set ESP_DATABASE_URL to the database to use)"
        )
        assert not (tmp_path / "var" / "esp.sqlite3").exists()
        assert not (tmp_path / "out.csv").exists()


@pytest.mark.django_db(transaction=False)
def test_serve_says_so_too_instead_of_serving_errors(tmp_path):
    result = run_fresh(tmp_path, "serve", "--port", "8203", ESP_DEBUG="1")
    assert result.returncode == 2, result.stderr
    assert "esp: the database var/esp.sqlite3 was never initialised" in one_line(result.stderr)
    assert not (tmp_path / "var" / "esp.sqlite3").exists()


@pytest.mark.django_db(transaction=False)
def test_it_names_the_demo_database_when_there_is_one(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo.sqlite3").write_bytes(b"")
    result = run_fresh(tmp_path, "report", "actions")
    demo = (tmp_path / "var" / "demo.sqlite3").resolve()
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "esp: the database var/esp.sqlite3 was never initialised: run `esp init` first, or use "
        f"the demo's: ESP_DATABASE_URL=sqlite:///{demo} esp ..."
    )


@pytest.mark.django_db(transaction=False)
def test_an_empty_database_file_left_by_an_older_version_is_not_initialised(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "esp.sqlite3").write_bytes(b"")
    result = run_fresh(tmp_path, "token", "manager@esp.example")
    assert result.returncode == 2
    assert "was never initialised: run `esp init` first" in one_line(result.stderr)


# -- item 14: output files --------------------------------------------------------------------


def test_the_tracker_export_refuses_a_name_that_is_not_xlsx(season, esp, tmp_path):
    code, out, err = esp("export", "tracker", tmp_path / "x.csv")
    assert (code, out) == (2, "")
    assert (
        one_line(err)
        == f"esp: {tmp_path / 'x.csv'}: the tracker is written as .xlsx: name it x.xlsx"
    )
    assert not (tmp_path / "x.csv").exists()


def test_an_xlsx_report_refuses_a_name_that_is_not_xlsx(season, esp, tmp_path):
    code, _, err = esp("report", "actions", "--format", "xlsx", "--output", tmp_path / "a.csv")
    assert code == 2 and "name it a.xlsx" in one_line(err)


@pytest.mark.parametrize(
    "args",
    [
        ("export", "tracker", "{missing}/tracker.xlsx"),
        ("export", "activity", "{missing}/activity.csv"),
        ("export", "activity", "{folder}"),
        ("report", "incompletions", "--format", "csv", "--output", "{missing}/r.csv"),
        ("report", "callcert", "--format", "xlsx", "--output", "{missing}/r.xlsx"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line_and_exit_1(season, esp, tmp_path, args):
    where = {"missing": tmp_path / "no-such-folder", "folder": tmp_path}
    code, out, err = esp(*(a.format(**where) for a in args))
    assert (code, out) == (1, "")
    assert one_line(err).startswith("esp: cannot write ")
    assert not (tmp_path / "no-such-folder").exists()


def test_a_write_that_fails_after_the_checks_is_one_line_and_exit_1(
    season, esp, tmp_path, monkeypatch
):
    """No permission, a full disk: the write's own error, in one line."""

    def refuse(self, data):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    code, _, err = esp("export", "tracker", tmp_path / "t.xlsx", "--as-of", "2026-11-04")
    assert code == 1
    assert one_line(err) == f"esp: {tmp_path / 't.xlsx'}: Permission denied"


# -- item 14: header errors with every row error (SPEC §15 "names every bad row") -------------


def test_a_roster_with_a_missing_column_names_it_and_every_bad_row(season, esp, write):
    path = write(
        "employee_id,first_name,last_name,work_email,class_code,colour\n"
        "E002,Bob,Baker,not-an-email,AET-A,red\n"
        "E003,Cy,Cole,cy@cxp.example,NOPE,blue\n"
        "E004,Di,Dunn,di@cxp.example,AET-A,green\n"
    )
    code, out, err = esp("import", "roster", path)
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert lines[1:] == [
        "  line 1, column colour: unknown column (prefix it with x_ to keep it)",
        "  line 1, column personal_email: required column is missing",
        "  line 2, column work_email: 'not-an-email' is not an e-mail address",
        "  line 3, column class_code: unknown class 'NOPE' (import it in classes.csv first)",
    ]
    assert Agent.objects.count() == 1


def test_a_classes_file_with_an_unknown_column_names_every_bad_row_too(program, esp, write):
    path = write(
        "class_code,program,campaign,site,start_date,notes\n"
        "AET-X,esp-aetna,Aetna,SLC,2026-11-26,holiday\n"
        "AET-Y,esp-aetna,Aetna,SLC,2026-11-30,fine\n"
    )
    code, _, err = esp("import", "classes", path)
    assert code == 2
    assert "line 1, column notes: unknown column (prefix it with x_ to keep it)" in err
    assert "line 2, column start_date: 11/26/2026 is not a business day" in err
    assert "(2 error(s))" in err
    assert TrainingClass.objects.count() == 0


def test_an_activity_file_with_a_header_error_names_every_bad_row_too(season, esp, write):
    path = write(
        "date,employee_id,kind,item,value,by,note,extra\n"
        "2026-11-03,E001,task,producer_world,done,tl.one@cxp.example,,x\n"
        "2026-11-31,E001,task,producer_world,done,tl.one@cxp.example,,x\n"
        "2026-11-03,E999,task,ahip,done,tl.one@cxp.example,,x\n"
    )
    code, _, err = esp("import", "activity", path)
    assert code == 2
    assert err.strip().splitlines()[1:] == [
        "  line 1, column extra: unknown column (prefix it with x_ to keep it)",
        "  line 3, column date: '2026-11-31' is not a date (expected YYYY-MM-DD)",
        "  line 4, column employee_id: unknown agent 'E999'",
    ]
    assert Fact.objects.count() == 0


def test_an_activity_file_missing_a_column_names_it_once_not_on_every_row(season, esp, write):
    path = write(
        "date,employee_id,kind,item,by,note\n"
        "2026-11-03,E001,note,,tl.one@cxp.example,Called\n"
        "2026-11-03,E999,note,,tl.one@cxp.example,Called\n"
    )
    code, _, err = esp("import", "activity", path)
    assert code == 2
    assert err.strip().splitlines()[1:] == [
        "  line 1, column value: required column is missing",
        "  line 3, column employee_id: unknown agent 'E999'",
    ]


def test_a_course_list_with_a_header_error_names_every_bad_row_too(program, esp, write):
    path = write("number,name,hours\n,Medicare basics,2\nTBT-2,,1\n")
    code, _, err = esp("import", "courses", path)
    assert code == 2
    assert "line 1, column hours: unknown column" in err
    assert "line 2, column number:" in err and "line 3, column name:" in err


def test_a_meeting_report_with_a_header_error_names_every_bad_row_too(season, esp, write):
    path = write(
        "name,email,join_time,leave_time,device\nAnn Able,ann@cxp.example,8 o'clock,04:30 PM,pc\n"
    )
    code, _, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03")
    assert code == 2
    assert "line 1, column device: unknown column (prefix it with x_ to keep it)" in err
    assert "line 2, column join_time: '8 o'clock' is not a time" in err
