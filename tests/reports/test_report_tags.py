"""esp.reports.templatetags.report_tags writes the report rows and the class picker as the
templates did (issue 14: the same HTML, without a template include per cell)."""

from django.template import Context, Template

from esp.reports.templatetags.report_tags import class_options, report_rows

# What report.html wrote before the tags (an include of cell.html per cell).
ROWS = Template(
    '{% for row in table.rows %}<tr>{% for cell in row %}{% include "cell.html" %}{% endfor %}'
    '</tr>{% empty %}<tr><td colspan="{{ table.columns|length }}">Nothing to report.</td></tr>'
    "{% endfor %}"
)
OPTIONS = Template(
    '{% for code in classes %}<option value="{{ code }}"{% if code == class_code %} selected'
    "{% endif %}>{{ code }}</option>{% endfor %}"
)


def test_it_writes_every_kind_of_cell_as_the_template_did():
    table = {
        "columns": ["Agent", "Class", "Agents", "Occurrences", "Note"],
        "rows": [
            [
                {"agent": "E1", "name": "Ana <b>Díaz</b>"},
                {"text": "AET-01"},
                {"agents": [("E2", "Bo & Co"), ("E 3", "Cy")]},
                {"lines": ["01/02/2026 Absent — 1 pt", "<late>"]},
                {"text": ""},
            ],
            [{"agent": "E9", "name": ""}, {"text": "“quoted” 'note'"}, {"agents": []}, {}],
        ],
    }
    assert report_rows(table) == ROWS.render(Context({"table": table}))


def test_it_writes_the_empty_table_as_the_template_did():
    table = {"columns": ["Agent", "Points"], "rows": []}
    assert report_rows(table) == ROWS.render(Context({"table": table}))


def test_it_writes_the_class_picker_as_the_template_did():
    classes = ["AET-01", "AET-02", "A&B<1>"]
    for chosen in ("", "AET-02", "A&B<1>"):
        context = Context({"classes": classes, "class_code": chosen})
        assert class_options(classes, chosen) == OPTIONS.render(context)
