from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.timezone import localtime

from esp.lib import display, urls

register = template.Library()


@register.simple_tag
def page_url(name, *args):
    """`{% page_url 'progress:agent' a.employee_id %}`: what `{% url %}` gives for a page
    whose arguments are `<str:...>` path segments, the pattern reversed once per process
    rather than once per row (issue 14: ~400 reversals made a third of the ESP Manager's
    Today render; esp.lib.urls)."""
    return urls.page_url(name, *args)


@register.filter
def dict_get(mapping, key):
    """`{{ mapping|dict_get:key }}`: a dict value by a variable key (empty list if missing)."""
    return mapping.get(key, [])


@register.filter
def dict_value(mapping, key):
    """`{{ mapping|dict_value:key }}`: a dict value by a variable key, or the key itself."""
    return mapping.get(key, key)


@register.filter
def words(key, namespace=None):
    """`{{ "written_cap"|words }}` → "written CAP": a key shown as words; with the kind of
    key, its label from the one label map (esp.lib.display): `{{ step|words:"step" }}` →
    "Written CAP", `{{ task|words:"task" }}` → "Aetna certification"."""
    if namespace is None:
        return display.words(key)
    return display.label(key, namespace)


@register.filter
def us_date(iso):
    """`{{ "2026-12-02"|us_date }}` → "12/02/2026": ISO dates as people write them."""
    try:
        return date.fromisoformat(str(iso)).strftime("%m/%d/%Y")
    except ValueError:
        return iso


@register.filter
def proof_for(item):
    """`{{ proof.item|proof_for }}`: what a proof proves, in words: "Aetna certification",
    "TBT 104", "Searched by course number"."""
    return display.proof_label(item)


@register.filter
def person(user):
    """`{{ proof.submitted_by|person }}`: an account by name (its e-mail when nameless)."""
    if user is None:
        return "unknown"
    return user.get_full_name() or user.email or user.username


def in_zone(moment: datetime, zone) -> datetime:
    """`moment` in the zone named `zone` (the program's); a page that passed none gets the
    server's, as Django's `date` filter would, rather than an error."""
    return moment.astimezone(ZoneInfo(str(zone))) if zone else localtime(moment)


@register.filter
def local_at(moment, zone):
    """`{{ step.done_at|local_at:zone }}` → "12/03/2026 8:05 AM": a stored moment in the
    program's time zone (`zone`, its name), not the server's (issue 15 walk)."""
    if not isinstance(moment, datetime):
        return ""
    return display.day_and_time(in_zone(moment, zone))


@register.filter
def local_time(moment, zone):
    """`{{ line.connected_at|local_time:zone }}` → "8:05 AM": the time of day of a stored
    moment in the program's time zone (issue 17 item 3: not the server's)."""
    if not isinstance(moment, datetime):
        return ""
    return display.clock_time(in_zone(moment, zone))


@register.filter
def local_day(moment, zone):
    """`{{ r.asked_at|local_day:zone }}` → "12/03/2026": the day of a stored moment in the
    program's time zone (a moment near midnight falls on the program's day, not the server's)."""
    if not isinstance(moment, datetime):
        return ""
    return display.us_day(in_zone(moment, zone))


FILE_KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
}


@register.filter
def file_kind(content_type):
    """`{{ proof.content_type|file_kind }}` → "PDF", "PNG image": a file's kind in words, not
    its MIME type (issue 15 walk: the review queue read "application/pdf")."""
    text = str(content_type or "")
    return FILE_KINDS.get(text, text.rsplit("/", 1)[-1].upper() or "file")
