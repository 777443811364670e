"""How the app writes a day and a time of day for people (issue 17): 11/02/2026 and 8:05 AM,
never 09:05 AM. Pure: the caller converts to the program's time zone first."""

from __future__ import annotations

from datetime import date, datetime, time


def us_day(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def clock_time(moment: datetime | time, *, seconds: bool = False) -> str:
    """`8:05 AM` (with `seconds`: `8:05:09 AM`)."""
    text = moment.strftime("%I:%M:%S %p" if seconds else "%I:%M %p")
    return text[1:] if text.startswith("0") else text


def day_and_time(moment: datetime, *, seconds: bool = False) -> str:
    """`11/02/2026 8:05 AM`."""
    return f"{us_day(moment)} {clock_time(moment, seconds=seconds)}"


# Keys whose words are acronyms people write in capitals.
ACRONYMS = frozenset({"ahip", "cap", "esp", "it", "ncns", "rts", "tbt", "tl", "pm", "qa", "id"})


def words(key) -> str:
    """A key as words: `written_cap` → `written CAP`, `it_ticket` → `IT ticket`."""
    return " ".join(
        part.upper() if part in ACRONYMS else part for part in str(key).split("_") if part
    )
