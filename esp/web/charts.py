"""Charts drawn on the server as SVG, each with a text alternative (a table beside it).

Every label is escaped here; the SVG markup itself is ours, so the result may be marked safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#1f4fbf"
AGE_COLORS = ("#86b7fe", "#f0b429", "#e8590c", "#9b1c1c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def funnel_svg(bars: list[Bar], total: int, *, title: str) -> SafeString:
    """Horizontal bars: how many of `total` agents have done each task, in program order."""
    width, label_width, row = 640, 210, 26
    height = row * len(bars) + 30
    scale = (width - label_width - 70) / max(total, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="funnel-title">',
        f'<title id="funnel-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = 10 + index * row
        length = max(bar.value * scale, 1 if bar.value else 0)
        percent = round(100 * bar.value / total) if total else 0
        parts += [
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="#1d2430">{escape(bar.label)}</text>',
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="18" fill="{BAR}"/>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12" '
            f'fill="#1d2430">{bar.value} ({percent}%)</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped


AGE_BUCKETS = (("0–2", 0, 2), ("3–5", 3, 5), ("6–10", 6, 10), ("over 10", 11, 10**6))


def bucket_counts(ages: Mapping[int, int]) -> list[int]:
    """How many late tasks in each of `AGE_BUCKETS`, of `ages` (age -> how many)."""
    return [sum(n for a, n in ages.items() if low <= a <= high) for _, low, high in AGE_BUCKETS]


def aging_svg(classes: list[tuple[str, Mapping[int, int]]], *, title: str) -> SafeString:
    """Per class, its late tasks stacked by age in business days (one bar per class; the
    ages of a class as age -> how many)."""
    width, label_width, row = 640, 120, 26
    height = row * len(classes) + 50
    most = max((sum(ages.values()) for _, ages in classes), default=0)
    scale = (width - label_width - 60) / max(most, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="aging-title">',
        f'<title id="aging-title">{escape(title)}</title>',
    ]
    for index, (code, ages) in enumerate(classes):
        y = 10 + index * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="#1d2430">{escape(code)}</text>'
        )
        x = float(label_width)
        for count, color in zip(bucket_counts(ages), AGE_COLORS):
            if count:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{count * scale:.1f}" height="18" '
                    f'fill="{color}"/>'
                )
                x += count * scale
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="12" fill="#1d2430">'
            f"{sum(ages.values())}</text>"
        )
    legend_y = height - 18
    x = label_width
    for (name, _, _), color in zip(AGE_BUCKETS, AGE_COLORS):
        parts += [
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{color}"/>',
            f'<text x="{x + 16}" y="{legend_y}" font-size="12" fill="#1d2430">'
            f"{escape(name)} days</text>",
        ]
        x += 110
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped
