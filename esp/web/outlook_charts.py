"""The outlook's charts (issue 18), drawn on the server as SVG like esp.web.charts: the fan of
each class's last day through Call Certs, and the certifiers needed vs available. Every label
is escaped here; the markup is ours, so the result may be marked safe."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK, GRID = "#1d2430", "#b8bfcc"
#: The fan's colours, apart in lightness so that a grey print keeps them apart too: the
#: 50–90% band dark, the 10–50% band light with a dark outline, the median black.
EARLY, LATE, MEDIAN = "#dbe3f3", "#2f55a4", "#000000"
NEEDED, AVAILABLE, SHORT = "#1f4fbf", "#9aa3b2", "#b42318"


def _head(width: int, height: int, key: str, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{key}-title">',
        f'<title id="{key}-title">{escape(title)}</title>',
    ]


def _fan_legend(parts: list[str], y: int, left: int) -> None:
    """The fan's legend in words, above the rows."""
    x = left
    for fill, outline, words in (
        (LATE, False, "50% to 90% (likely to almost sure)"),
        (EARLY, True, "10% to 50%"),
        (MEDIAN, False, "the likely day (50%)"),
    ):
        stroke = f' stroke="{INK}" stroke-width="1"' if outline else ""
        if fill == MEDIAN:
            parts.append(f'<rect x="{x + 9}" y="{y - 3}" width="4" height="18" fill="{fill}"/>')
        else:
            parts.append(f'<rect x="{x}" y="{y}" width="22" height="12" fill="{fill}"{stroke}/>')
        parts.append(
            f'<text x="{x + 28}" y="{y + 11}" font-size="12" fill="{INK}">{escape(words)}</text>'
        )
        x += 40 + 7 * len(words)


def fan_svg(rows: list[tuple[str, dict[float, date | None]]], *, as_of: date, title: str):
    """Per class, the day its last agent is through Call Certs: the 50–90% band dark, the
    10–50% band light and outlined, the median a black bar, the 50% and 90% dates written at
    the band's end; a legend in words above; days counted from `as_of` (a missing quantile:
    beyond the history, drawn to the chart's end)."""
    width, label_width, row, top = 720, 110, 30, 34
    known = [d for _, q in rows for d in q.values() if d]
    span = max([(d - as_of).days for d in known] + [7]) + 1
    plot = width - label_width - 130  # room for the dates at the band's end
    scale = plot / span
    height = top + row * len(rows) + 26
    parts = _head(width, height, "fan", title)
    _fan_legend(parts, 8, label_width)

    def x(day: date | None) -> float:
        days = span if day is None else max(0, (day - as_of).days)
        return label_width + days * scale

    axis = height - 10
    for days in range(0, span + 1, 7):
        at = label_width + days * scale
        day = date.fromordinal(as_of.toordinal() + days)
        parts += [
            f'<line x1="{at:.1f}" y1="{top - 4}" x2="{at:.1f}" y2="{axis - 12}" '
            f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>',
            f'<text x="{at:.1f}" y="{axis}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{day:%m/%d}</text>',
        ]
    for index, (code, q) in enumerate(rows):
        y = top + index * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(code)}</text>'
        )
        early, middle, late = x(q.get(0.1)), x(q.get(0.5)), x(q.get(0.9))
        parts += [
            f'<rect x="{early:.1f}" y="{y + 6}" width="{max(middle - early, 2):.1f}" '
            f'height="16" fill="{EARLY}" stroke="{INK}" stroke-width="1"/>',
            f'<rect x="{middle:.1f}" y="{y + 6}" width="{max(late - middle, 3):.1f}" '
            f'height="16" fill="{LATE}" stroke="{INK}" stroke-width="1"/>',
        ]
        if q.get(0.5):
            parts.append(
                f'<rect x="{middle - 2:.1f}" y="{y + 2}" width="4" height="24" fill="{MEDIAN}"/>'
            )
        p50, p90 = q.get(0.5), q.get(0.9)
        words = f"{p50:%m/%d}" if p50 else "later"  # later: beyond anything the history saw
        words += f" – {p90:%m/%d}" if p90 else " – later"
        parts.append(
            f'<text x="{max(late, middle) + 8:.1f}" y="{y + 18}" font-size="12" '
            f'fill="{INK}">{escape(words)}</text>'
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
