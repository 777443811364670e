"""Page links of long lists at speed (issue 14): `reverse()` costs about 50 µs a call (the
resolver tried, the arguments matched and quoted), and a Today page or a report's first page
links hundreds of rows. A route whose arguments are `<str:...>` path segments is reversed
once per process into a pattern, and each row's values are quoted into it as Django quotes
them."""

from __future__ import annotations

from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

SAFE = RFC3986_SUBDELIMS + "/~:@"  # what django.urls.resolvers leaves unquoted in a path

#: Reversed patterns: (urlconf, script prefix, name, how many arguments) -> a format string.
_PATTERNS: dict[tuple, str] = {}


def _pattern(name: str, count: int) -> str:
    key = (get_urlconf(), get_script_prefix(), name, count)
    if key not in _PATTERNS:
        marks = [f"ESP{n}PAGEARG" for n in range(count)]
        url = reverse(name, args=marks).replace("{", "{{").replace("}", "}}")
        for n, mark in enumerate(marks):
            url = url.replace(mark, f"{{{n}}}")
        _PATTERNS[key] = url
    return _PATTERNS[key]


def page_url(name: str, *args) -> str:
    """What `reverse(name, args=args)` gives for a page whose arguments are `<str:...>` path
    segments. A value the segment refuses (empty, or holding a "/") goes to `reverse()`
    itself, which refuses it as before."""
    values = [str(arg) for arg in args]
    if any(not value or "/" in value for value in values):
        return reverse(name, args=values)
    return _pattern(name, len(values)).format(*(quote(value, safe=SAFE) for value in values))
