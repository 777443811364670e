"""The agent page's one-line reason of the outlook (issue 18 item 5, the last review's item
4): words only, and right for an agent with nothing done, one midway, one ESP complete (the
line says so, no reason) and one termed (no outlook line at all).

Class NOW: ESP from Mon 03-23-2026; as of Wed 03-25 (ESP day 3).
"""

from __future__ import annotations

import re
from datetime import date

from esp.rules.outlook import build_outlook, snapshot
from esp.rules.records import ClassDates

D = date.fromisoformat
NOW = ClassDates("NOW", {"licensing": D("2026-03-02"), "esp": D("2026-03-23")})
AS_OF = D("2026-03-25")


def licensed_and_ready() -> list[tuple]:
    facts = [("2026-03-05", "task", key, "done") for key in ("producer_world", "ahip")]
    facts += [("2026-03-05", "task", "carrier_cert", "done")]
    facts += [("2026-03-23", "equipment", "verified", "")]
    return (
        facts
        + [("2026-03-23", "task", "readiness_day1", "done")]
        + [("2026-03-24", "task", "readiness_shadowing", "done")]
    )


def calls(day: str, *scores: int) -> list[tuple]:
    return [(day, "call", str(n), str(score)) for n, score in enumerate(scores, start=1)]


def lines(policy, calendar, make_agent) -> dict[str, dict]:
    agents = [
        make_agent("A01", NOW, []),  # nothing done
        make_agent("A02", NOW, licensed_and_ready() + calls("2026-03-25", 100, 90)),
        make_agent(
            "A03",
            NOW,
            [
                *licensed_and_ready(),
                *calls("2026-03-24", 100, 90, 90, 95, 88),
                ("2026-03-24", "task", "tbt", "done"),
                ("2026-03-24", "task", "rts", "done"),
            ],
        ),
        make_agent("A04", NOW, [("2026-03-24", "status", "employment", "termed")]),
        make_agent("A05", NOW, licensed_and_ready() + [("2026-03-25", "equipment", "issue", "")]),
    ]
    outlook = build_outlook(agents, policy=policy, calendar=calendar, as_of=AS_OF)
    return snapshot(outlook, policy).agents


def test_the_reason_reads_in_words_for_each_kind_of_agent(policy, calendar, make_agent):
    found = lines(policy, calendar, make_agent)
    assert found["A01"]["reason"] == (
        "no calls yet, TBTs open, licensing open, not yet ready for certification, ESP day 3"
    )
    assert found["A02"]["reason"] == "2 of 5 calls, TBTs open, ESP day 3"
    assert found["A05"]["reason"] == "no calls yet, TBTs open, equipment issue open, ESP day 3"
    # ESP complete on 03/24: the line says so; the reason is not shown (it says the same).
    assert found["A03"]["complete"] and found["A03"]["p50"] == D("2026-03-24")
    assert found["A03"]["reason"] == "ESP complete"
    assert found["A03"]["p_extension"] is None
    assert "A04" not in found  # termed: no outlook line
    for line in found.values():
        assert not re.search(r"[_{}]|\d{4}-\d{2}", line["reason"]), line["reason"]


def test_the_agent_page_line_reads_right_for_the_complete_agent():
    """The agent page's template: 'ESP complete since 03/24/2026.' with no reason after."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    template = (root / "esp/progress/templates/progress/agent.html").read_text()
    line = next(t for t in template.splitlines() if "outlook_line" in t)
    complete = line.split("{% if outlook_line.complete %}", 1)[1].split("{% else %}", 1)[0]
    assert complete == 'ESP complete since {{ outlook_line.p50|date:"m/d/Y" }}.'
