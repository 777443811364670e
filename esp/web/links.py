"""Links of a long list, reversed once per list (issue 14): `{% url %}` in a template loop
reverses each row's link, about 50 µs each (the resolver tried, the arguments matched,
quoted). A route with one argument is reversed once with a slot, and each row's value is
quoted into it as Django quotes it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

SLOT = "0slot0"
SAFE = RFC3986_SUBDELIMS + "/~:@"  # what django.urls.resolvers leaves unquoted


def one_arg_url(name: str) -> Callable[[object], str]:
    """`value -> reverse(name, args=[value])` for a route whose one argument is a `str` path
    segment, the route reversed once. A value the segment refuses (empty, or with a "/")
    goes through `reverse`, which refuses it as before."""
    head, tail = reverse(name, args=[SLOT]).split(SLOT)

    def url(value) -> str:
        text = str(value)
        if not text or "/" in text:
            return reverse(name, args=[value])
        return f"{head}{quote(text, safe=SAFE)}{tail}"

    return url
