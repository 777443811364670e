"""The outlook's charts (issue 18), drawn on the server as SVG like esp.web.charts: the fan of
each class's last day through Call Certs, and the certifiers needed vs available. Every label
is escaped here; the markup is ours, so the result may be marked safe."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK, OUTER, INNER, MEDIAN = "#1d2430", "#c9d8fb", "#6f95ec", "#1f4fbf"
NEEDED, AVAILABLE, SHORT = "#1f4fbf", "#9aa3b2", "#b42318"


def _head(width: int, height: int, key: str, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{key}-title">',
        f'<title id="{key}-title">{escape(title)}</title>',
    ]


def fan_svg(rows: list[tuple[str, dict[float, date | None]]], *, as_of: date, title: str):
    """Per class, the day its last agent is through Call Certs: 10–90% light, 25–75% dark,
    the median a tick; days counted from `as_of` (a missing quantile: beyond the history)."""
    width, label_width, row = 640, 120, 26
    known = [d for _, q in rows for d in q.values() if d]
    span = max([(d - as_of).days for d in known] + [7]) + 1
    scale = (width - label_width - 20) / span
    height = row * len(rows) + 40
    parts = _head(width, height, "fan", title)

    def x(day: date | None) -> float:
        days = span if day is None else max(0, (day - as_of).days)
        return label_width + days * scale

    for index, (code, q) in enumerate(rows):
        y = 10 + index * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(code)}</text>'
        )
        for low, high, color in ((0.1, 0.9, OUTER), (0.25, 0.75, INNER)):
            left, right = x(q.get(low)), x(q.get(high))
            parts.append(
                f'<rect x="{left:.1f}" y="{y + 5}" width="{max(right - left, 2):.1f}" '
                f'height="14" fill="{color}"/>'
            )
        if q.get(0.5):
            middle = x(q[0.5])
            parts.append(
                f'<rect x="{middle - 1.5:.1f}" y="{y + 2}" width="3" height="20" fill="{MEDIAN}"/>'
            )
    axis = height - 14
    for days in range(0, span + 1, 7):
        day = date.fromordinal(as_of.toordinal() + days)
        parts.append(
            f'<text x="{label_width + days * scale:.1f}" y="{axis}" font-size="11" '
            f'fill="{INK}">{day:%m/%d}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


def certifiers_svg(days: list, *, title: str) -> SafeString:
    """Per coming business day, certifiers needed (bar; red when short) beside those
    available (grey bar)."""
    width, height, bottom, left = 640, 220, 180, 30
    most = max([d.certifiers_needed for d in days] + [d.certifiers_available or 0 for d in days])
    scale = (bottom - 20) / max(most, 1)
    step = (width - left - 10) / max(len(days), 1)
    parts = _head(width, height, "certifiers", title)
    for index, day in enumerate(days):
        x = left + index * step
        available = day.certifiers_available
        short = available is not None and day.certifiers_needed > available
        for offset, value, color in (
            (4, day.certifiers_needed, SHORT if short else NEEDED),
            (4 + step * 0.38, available or 0, AVAILABLE),
        ):
            h = value * scale
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{bottom - h:.1f}" width="{step * 0.36:.1f}" '
                f'height="{h:.1f}" fill="{color}"/>'
            )
        parts += [
            f'<text x="{x + 4 + step * 0.18:.1f}" y="{bottom - day.certifiers_needed * scale - 4:.1f}"'
            f' font-size="11" text-anchor="middle" fill="{INK}">{day.certifiers_needed}</text>',
            f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" font-size="11" '
            f'text-anchor="middle" fill="{INK}">{day.day:%m/%d}</text>',
        ]
    parts += [
        f'<rect x="{left}" y="{height - 14}" width="12" height="12" fill="{NEEDED}"/>',
        f'<text x="{left + 16}" y="{height - 4}" font-size="12" fill="{INK}">needed</text>',
        f'<rect x="{left + 90}" y="{height - 14}" width="12" height="12" fill="{AVAILABLE}"/>',
        f'<text x="{left + 106}" y="{height - 4}" font-size="12" fill="{INK}">available</text>',
        f'<rect x="{left + 190}" y="{height - 14}" width="12" height="12" fill="{SHORT}"/>',
        f'<text x="{left + 206}" y="{height - 4}" font-size="12" fill="{INK}">'
        "needed, more than available</text>",
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped
