"""The outlook's fan chart (issue 18 item 5, the last review's item 3): server-side SVG whose
50–90% band is clearly visible and stays apart from the 10–50% band and the page in a grey
print, with a legend in words and the 50% / 90% dates written beside each class."""

from __future__ import annotations

import re
from datetime import date, timedelta

from esp.web import outlook_charts
from esp.web.outlook_charts import fan_svg

AS_OF = date(2026, 12, 3)


def day(n: int) -> date:
    return AS_OF + timedelta(days=n)


def grey(colour: str) -> float:
    """The colour's lightness in a grey print (relative luminance, 0 black to 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_bands_stay_apart_in_grey():
    late, early = grey(outlook_charts.LATE), grey(outlook_charts.EARLY)
    assert late < 0.15  # the 50–90% band: dark on white paper
    assert early - late > 0.5  # the 10–50% band: clearly lighter than it
    assert grey(outlook_charts.MEDIAN) < late  # the median darker still


def test_the_fan_has_its_legend_in_words_and_the_dates():
    rows = [
        ("AET-A", {0.1: day(1), 0.25: day(2), 0.5: day(4), 0.75: day(6), 0.9: day(8)}),
        ("AET-<B>", {0.1: day(5), 0.25: day(6), 0.5: day(7), 0.75: None, 0.9: None}),
    ]
    svg = str(fan_svg(rows, as_of=AS_OF, title="Last agent through"))
    assert svg.startswith("<svg") and "<script" not in svg
    for words in ("50% to 90% (likely to almost sure)", "10% to 50%", "the likely day (50%)"):
        assert words in svg
    assert "12/07 – 12/11" in svg and "12/10 – later" in svg  # each class's 50% and 90%
    assert "AET-&lt;B&gt;" in svg  # labels escaped
    late = re.findall(
        rf'<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="16" fill="'
        rf'{outlook_charts.LATE}"',
        svg,
    )
    assert len(late) == 2 and all(float(width) >= 3 for _, width in late)
