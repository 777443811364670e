"""Red flags (R-N4b) and the one an exam's last allowed fail raises (R-N4a)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DerivedFlag:
    """A red flag that follows from other facts: the last allowed fail of an exam (R-N4a)."""

    date: date
    value: str
    by: str
    note: str
    item: str = "raised"


def open_flags(facts, *, exam_attempts: int = 3) -> list:
    """Flags raised and not resolved since, from an agent's facts in date order; the last
    allowed fail of an exam raises "cannot sell" until a `flag resolved cannot_sell`.

    Takes the stored facts (esp.progress.models.Fact) or the pure rules' facts
    (esp.rules.records.Fact, which carry no `by`: the derived flag's `by` is then empty)."""
    raised: dict[str, object] = {}
    fails: dict[str, int] = {}
    for fact in facts:
        if fact.kind == "exam" and fact.value == "failed":
            fails[fact.item] = fails.get(fact.item, 0) + 1
            if fails[fact.item] == exam_attempts:
                raised.setdefault(
                    "cannot_sell",
                    DerivedFlag(
                        fact.date,
                        "cannot_sell",
                        getattr(fact, "by", ""),
                        f"{exam_attempts} failed attempts of {fact.item}",
                    ),
                )
        if fact.kind != "flag":
            continue
        if fact.item == "raised":
            raised[fact.value] = fact
        elif fact.item == "resolved":
            raised.pop(fact.value, None)
    return list(raised.values())
