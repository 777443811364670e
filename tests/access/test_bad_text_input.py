"""Bad text input (issue 12 item 10, SPEC §17; R-I3 imports, STYLE §5): a NUL (or other
control) character or a value longer than its field is a line/column error in every import
(classes, roster, activity, courses, meeting), a form error on every page form and a 400 from
every API write — never a traceback or a 500, and nothing stored. PostgreSQL refuses both at
the database (SQLite stores them silently), so this file runs on both databases.
"""

# ruff: noqa: F811 - `world` and its autouse clock come from test_access_matrix
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from esp.access.matrix import AGENT_SCOPE, CLASS, PUBLIC
from esp.lib.textcheck import CONTROL, text_problem
from esp.progress.models import Fact
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import AGENT, ESP_MANAGER
from tests.access.test_access_matrix import (  # noqa: F401 - fixtures and the matrix's requests
    MANAGER,
    PAGES,
    PERSONAS,
    POST_DATA,
    monday_november_30,
    target,
    world,
)
from tests.reports.test_reports import CLASSES, ROSTER
from tests.web_support import messages_of

NUL = "Late\x00 again"
BELL = "Late\x07 again"
LONG = "x" * 5000

# -- the one check ---------------------------------------------------------------------------------


def test_it_says_plainly_why_a_text_cannot_be_stored():
    """issue 12 item 10: NUL, other control characters and over-long text, in plain words."""
    assert text_problem(NUL) == (
        "contains a NUL character (U+0000) at position 5, which cannot be stored; remove it"
    )
    assert "a control character (U+0007)" in text_problem(BELL)
    assert text_problem("x" * 81, 80) == "is 81 characters long; at most 80 are allowed"
    assert text_problem("Line one\r\n\tline two", 80) is None
    assert text_problem("x" * 80, 80) is None


# -- every import ----------------------------------------------------------------------------------

ACTIVITY_HEADER = "date,employee_id,kind,item,value,by,note"
MEETING = "name,email,join_time,leave_time\n"

IMPORTS = [
    # (what, kind, file text, extra arguments, the error expected)
    (
        "classes NUL",
        "classes",
        CLASSES.replace("AET-B,", "AET\x00B,"),
        (),
        "line 3, column class_code: contains a NUL character (U+0000) at position 4",
    ),
    (
        "classes over-long",
        "classes",
        CLASSES.replace("AET-B,", "B" * 41 + ","),
        (),
        "line 3, column class_code: is 41 characters long; at most 40 are allowed",
    ),
    (
        "roster NUL",
        "roster",
        ROSTER.replace("E002,Bob,", "E002,B\x00ob,"),
        (),
        "line 3, column first_name: contains a NUL character (U+0000) at position 2",
    ),
    (
        "roster over-long",
        "roster",
        ROSTER.replace(",Baker,", "," + "B" * 81 + ","),
        (),
        "line 3, column last_name: is 81 characters long; at most 80 are allowed",
    ),
    (
        "roster control character",
        "roster",
        ROSTER.replace(",Cole,", ",Co\x1ble,"),
        (),
        "line 4, column last_name: contains a control character (U+001B)",
    ),
    (
        "activity NUL note",
        "activity",
        f"{ACTIVITY_HEADER}\n2026-11-04,E001,note,,,tl.one@cxp.example,{NUL}\n",
        (),
        "line 2, column note: contains a NUL character (U+0000) at position 5",
    ),
    (
        "activity over-long by",
        "activity",
        f"{ACTIVITY_HEADER}\n2026-11-04,E001,note,,,{'b' * 201},Called\n",
        (),
        "line 2, column by: is 201 characters long; at most 200 are allowed",
    ),
    (
        "activity over-long item",
        "activity",
        f"{ACTIVITY_HEADER}\n2026-11-04,E001,task,{'p' * 61},done,tl.one@cxp.example,\n",
        (),
        "line 2, column item: is 61 characters long; at most 60 are allowed",
    ),
    (
        "courses NUL",
        "courses",
        "number,name\n101,Medicare\x00 basics\n",
        (),
        "line 2, column name: contains a NUL character (U+0000) at position 9",
    ),
    (
        "courses over-long",
        "courses",
        f"number,name\n{'1' * 41},Medicare basics\n",
        (),
        "line 2, column number: is 41 characters long; at most 40 are allowed",
    ),
    (
        "meeting NUL",
        "meeting",
        MEETING + "Ann\x00 Able,ann@cxp.example,2026-11-10T09:00,2026-11-10T12:00\n",
        ("--class", "AET-A", "--date", "2026-11-10"),
        "line 2, column name: contains a NUL character (U+0000) at position 4",
    ),
]


@pytest.fixture
def classes_and_roster(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


@pytest.mark.parametrize(
    "kind, text, extra, expected", [i[1:] for i in IMPORTS], ids=[i[0] for i in IMPORTS]
)
def test_it_rejects_bad_text_in_every_import_at_its_line_and_column(
    program, write, esp, kind, text, extra, expected
):
    """issue 12 item 10 (§17, STYLE §5): the file is rejected whole with the line and column;
    nothing is written (on PostgreSQL this was a traceback)."""
    if kind not in ("classes",):
        code, _, err = esp("import", "classes", write(CLASSES, "classes.csv"))
        assert code == 0, err
    if kind in ("activity", "meeting"):
        code, _, err = esp("import", "roster", write(ROSTER, "roster.csv"))
        assert code == 0, err
    before = (TrainingClass.objects.count(), Agent.objects.count(), Fact.objects.count())
    code, out, err = esp("import", kind, write(text, f"bad-{kind}.csv"), *extra)
    assert code != 0
    assert expected in out + err
    assert "Traceback" not in out + err
    if kind != "meeting":
        assert "nothing was imported" in out + err
    assert (TrainingClass.objects.count(), Agent.objects.count(), Fact.objects.count()) == before
    assert stored_bad_text() == []


def stored_bad_text() -> list[str]:
    """Every text value of the project's tables that has a control character."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("esp."):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            found += [f"{model.__name__}: {v!r}" for v in row if v and CONTROL.search(v)]
    return found


# -- every page form -------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The POST forms of a page: (action, {name: value}, [text field names])."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict, list]] = []
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = (attrs.get("action") or "", {}, [])
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            name = attrs["name"]
            if kind in ("text", "search", "email", "tel", "url"):
                self.current[1][name] = attrs.get("value") or "Ok"
                self.current[2].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs or name not in self.current[1]:
                    self.current[1][name] = attrs.get("value") or "on"
            elif kind == "file":
                return
            else:
                self.current[1].setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[1][self.textarea] = "Ok"
            self.current[2].append(self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and self.select and self.select not in self.current[1]:
            if attrs.get("value"):
                self.current[1][self.select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def page_forms(client, url: str) -> list[tuple[str, dict, list]]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    return [
        (action or url, data, texts)
        for action, data, texts in parser.forms
        if texts and not (action or url).startswith(("/sign-out", "/admin/"))
    ]


def answered_plainly(response) -> bool:
    """A form error: the page again (200/400/409) or a redirect with a message."""
    if response.status_code in (200, 400, 409):
        return True
    return response.status_code == 302


@pytest.mark.parametrize("role", [ESP_MANAGER, AGENT])
def test_it_answers_bad_text_in_every_page_form_with_a_form_error(world, client, role):
    """issue 12 item 10 (§17): every POST form on every page the role opens, each text field
    in turn given a NUL, a control character and 5,000 characters: a form error or a message,
    never a 500 (the test client raises it), and no such text stored."""
    persona = next(p for p in PERSONAS if p.role == role)
    client.force_login(world.users[role])
    objects = {**MANAGER.mine, **persona.mine}
    forms = {}
    for route, rule in PAGES.items():
        if "GET" not in rule.methods or route.startswith("accounts:"):
            continue
        if rule.scope != PUBLIC and role not in rule.roles:
            continue
        if rule.scope not in ("none", PUBLIC, CLASS, AGENT_SCOPE) or (
            rule.scope in (CLASS, AGENT_SCOPE) and rule.scope not in objects
        ):
            continue
        method, url, _ = target(world, route, objects)
        for action, data, texts in page_forms(client, url):
            forms.setdefault((urlsplit(action).path, tuple(sorted(data))), (data, texts))
    assert len(forms) >= (10 if role == ESP_MANAGER else 1), sorted(forms)
    posted = []
    for (action, _), (data, texts) in sorted(forms.items()):
        for field in texts:
            for bad in (NUL, BELL, LONG):
                client.force_login(world.users[role])
                response = client.post(action, {**data, field: bad})
                assert answered_plainly(response), (action, field, response.status_code)
                posted.append((action, field))
    assert stored_bad_text() == []
    assert posted


def test_it_names_the_field_and_saves_nothing_for_a_nul_in_a_note(world, client):
    """issue 12 item 10: the agent page's note form says what is wrong; nothing is saved."""
    client.force_login(world.users[ESP_MANAGER])
    before = Fact.objects.count()
    response = client.post(reverse("progress:add_note", args=["E001"]), {"note": BELL})
    text = " ".join(messages_of(response)) if response.status_code == 302 else ""
    text += response.content.decode() if response.status_code != 302 else ""
    assert "Note contains a control character (U+0007) at position 5" in text
    response = client.post(reverse("progress:add_note", args=["E001"]), {"note": NUL})
    assert messages_of(response)[-1] == (
        "The field “note” contains a NUL character (U+0000), which cannot be stored. "
        "Nothing was saved."
    )
    assert Fact.objects.count() == before


@pytest.mark.parametrize("route", sorted(POST_DATA))
def test_it_answers_bad_text_in_every_post_only_route(world, client, route):
    """issue 12 item 10: the POST-only routes of the matrix (the agent page's forms), each
    text value given a NUL or 5,000 characters: never a 500, nothing stored."""
    rule = PAGES[route]
    if ESP_MANAGER not in rule.roles or route == "accounts:sign_out":
        pytest.skip("not an ESP Manager's route")
    client.force_login(world.users[ESP_MANAGER])
    method, url, data = target(world, route, MANAGER.mine)
    texts = [k for k, v in data.items() if isinstance(v, str) and not v[:1].isdigit()]
    for field in texts:
        for bad in (NUL, LONG):
            fresh = target(world, route, MANAGER.mine)[2]
            response = client.post(url, {**fresh, field: bad})
            if route == "mailing:decide" and response.status_code == 404:
                continue  # decided by the first request: no longer on the list
            assert answered_plainly(response), (route, field, response.status_code)
    assert stored_bad_text() == []


# -- every API write -------------------------------------------------------------------------------

API_WRITES = [
    # (url name, kwargs, a valid body, {text field: whether it has a maximum length})
    ("api:notes", {}, {"note": "Ok"}, {"note": True}),
    (
        "api:task",
        {"task": "producer_world"},
        {"status": "in_progress", "note": "Ok", "based_on": ""},
        {"note": True},
    ),
    ("api:calls", {}, {"call": 2, "score": 90, "notes": "Ok", "based_on": ""}, {"notes": False}),
    (
        "api:ladder_steps",
        {},
        {"ladder": "licensing", "step": "coaching", "expectation": "Ok"},
        {"ladder": True, "step": True, "expectation": True},
    ),
    (
        "api:flags",
        {},
        {"action": "raised", "flag": "other", "note": "Ok", "based_on": ""},
        {"note": False},
    ),
]


@pytest.mark.parametrize("route, kwargs, body, texts", API_WRITES, ids=[a[0] for a in API_WRITES])
def test_it_answers_400_to_bad_text_in_every_api_write(world, client, route, kwargs, body, texts):
    """issue 12 item 10: every API write that takes text gives a 400 naming the field for a NUL
    or control character, and for text over the field's maximum (a note without one is kept)."""
    client.force_login(world.users[ESP_MANAGER])
    url = reverse(route, kwargs={"employee_id": "E001", **kwargs})
    for field, limited in texts.items():
        for bad, words in ((NUL, "Null characters"), (BELL, "control character"), (LONG, "")):
            response = client.post(url, {**body, field: bad}, content_type="application/json")
            if bad is LONG and not limited:
                assert response.status_code in (201, 409), (route, field, response.content)
                continue
            assert response.status_code == 400, (route, field, bad[:9], response.content)
            assert field in response.json() or "detail" in response.json()
            assert words in response.content.decode()
    assert stored_bad_text() == []


def test_it_shows_the_line_and_column_of_bad_text_in_an_uploaded_meeting_report(world, client):
    """issue 12 item 10: the meeting import page lists the bad cell like the command does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users[ESP_MANAGER])
    report = MEETING + "Ann\x00 Able,ann@cxp.example,2026-11-30T09:00,2026-11-30T12:00\n"
    response = client.post(
        reverse("attendance:meeting", args=["AET-A"]),
        {
            "step": "preview",
            "date": "2026-11-30",
            "file": SimpleUploadedFile("meet.csv", report.encode(), "text/csv"),
        },
    )
    assert response.status_code == 400
    assert "line 2, column name: contains a NUL character (U+0000)" in response.content.decode()
    assert stored_bad_text() == []


@pytest.mark.parametrize("bad", [NUL, BELL, LONG + "@cxp.example"], ids=["nul", "bell", "long"])
def test_it_answers_bad_text_in_a_distribution_list_with_a_form_error(world, client, bad):
    """issue 12 item 10: the ESP Manager's distribution list form (a textarea of addresses)."""
    client.force_login(world.users[ESP_MANAGER])
    response = client.post(
        reverse("mailing:lists"), {"list": "wfm", "addresses": f"wfm@cxp.example {bad}"}
    )
    assert answered_plainly(response)
    assert stored_bad_text() == []
    from esp.mailing.models import DistributionList

    wfm = DistributionList.objects.filter(key="wfm").first()
    assert wfm is None or all(len(a) <= 254 for a in wfm.addresses)


def test_it_names_the_row_and_column_of_an_over_long_scorecard_item(program):
    """issue 12 item 10 (R-C7): the scorecard template import (.xlsx) checks lengths too."""
    import io

    from django.core.exceptions import ValidationError
    from openpyxl import Workbook

    from esp.certification.scorecard_sheets import HEADER, parse_template_xlsx

    book = Workbook()
    sheet = book.active
    for row in (["Template", "Carrier card"], ["Placeholder", "no"], ["Version", 1], HEADER):
        sheet.append(row)
    sheet.append(["Opening", "x" * 301, 100, "", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as error:
        parse_template_xlsx(out.getvalue())
    assert "row 5, column B: is 301 characters long; at most 300 are allowed" in (
        error.value.messages
    )
