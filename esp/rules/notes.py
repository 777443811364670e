"""Notes as the old sheet had them (R-N1, issue 17 item 4): `MM/DD/YYYY - Name - Note`.

Pure: the caller passes the names of the people it knows (`names`, lower-cased e-mail ->
name), e.g. from `esp.roster.selectors.names_by_email`. Imported history names its authors
by e-mail; a known person's e-mail prints as their name, anything else as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Facts whose remark is not a note: a call's remark is shown with its score (R-C3).
NOT_NOTES = frozenset({"call"})


def is_note(fact) -> bool:
    """Whether `fact` belongs to the notes timeline: it has a note and is not a call."""
    return bool(fact.note) and fact.kind not in NOT_NOTES


def author(by: str, names: Mapping[str, str]) -> str:
    """The person `by` names: their name when known, else `by` as written, else 'unknown'."""
    by = (by or "").strip()
    return names.get(by.lower()) or by or "unknown"


def note_line(fact, names: Mapping[str, str]) -> str:
    return f"{fact.date:%m/%d/%Y} - {author(fact.by, names)} - {fact.note}"


def authors(facts: Iterable) -> set[str]:
    """The `by` values of `facts` that look like e-mail addresses (to look up by name)."""
    return {f.by.strip().lower() for f in facts if "@" in (f.by or "")}
