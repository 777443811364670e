"""A Today list as shown (issue 14 item 2): how many in all, the first `FIRST` items, most
urgent first, and the page that lists them all ("See all N").

A section returns its lists as `Preview`s. On Today, `Basis.first` is `FIRST`; on a list's own
page (`/today/?list=<name>`) it is None and the preview holds every item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from .. import selectors

FIRST = 20


@dataclass(frozen=True)
class Preview:
    items: list
    total: int
    url: str  # the page listing them all

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def preview(items, url: str, first: int | None, *, key: Callable | None = None) -> Preview:
    """The first `first` of `items` (all of them when None), sorted by `key` when given
    (stable: equal keys keep their order). A queryset is counted and sliced in SQL."""
    if isinstance(items, QuerySet):
        shown = list(items if first is None else items[:first])
        whole = first is None or len(shown) < first  # then they are all: no count to ask
        return Preview(shown, len(shown) if whole else items.count(), url)
    items = sorted(items, key=key) if key is not None else list(items)
    return Preview(items if first is None else items[:first], len(items), url)


def preview_kept(
    key: tuple | None, items: Callable[[], QuerySet], url: str, first: int | None
) -> Preview:
    """`preview(items(), url, first)` of a queryset of model instances; with a `key` naming it
    (esp.web.sections.sources.key: the ESP Manager's lists), its queries are built and
    compiled once per process and only run after (esp.lib.compiled, issue 14)."""
    if key is None:
        return preview(items(), url, first)
    return Preview(*selectors.first_kept(key, items, first), url)


def _query(as_of: date, **more) -> str:
    return urlencode({"as_of": as_of.isoformat(), **{k: v for k, v in more.items() if v}})


def own_page(name: str, as_of: date, *, part: str = "") -> str:
    """The page of a list whole (esp.web.sections.OWN_PAGES): Today's `?list=<name>`, with
    `&part=` naming one of the section's lists when it has several (the late sections)."""
    return f"{reverse('web:today')}?{_query(as_of, list=name, part=part)}"


def report_page(name: str, as_of: date, *, section: str = "") -> str:
    """The report page of the same lines (SPEC §15), on the section when there is one."""
    return f"{reverse('reports:report', args=[name])}?{_query(as_of, section=section)}"


def route(name: str, as_of: date | None = None) -> str:
    """Another app's page of the same list (as of the day when it takes one)."""
    url = reverse(name)
    return f"{url}?{_query(as_of)}" if as_of else url
