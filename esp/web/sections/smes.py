"""The TBT SME's Today (seed 000, R-B4; issue 15 item 4): the TBTs of the classes they are
assigned to, each agent with the 8-hour clock from TBT access (esp.tbt.selectors)."""

from __future__ import annotations

from dataclasses import dataclass

from esp.tbt.selectors import my_sme_classes, sme_tbt_lines

from .basis import Basis


@dataclass
class SmeTbts:
    sme_classes: list[str]  # the codes of the classes the user is a TBT SME of
    sme_lines: list[dict]  # their agents' open TBT lines, over the clock first
    sme_over: int  # how many are still open past the clock
    tbt_hours: int


def sme_tbts(base: Basis) -> SmeTbts:
    lines = sme_tbt_lines(base.user, base.program, base.as_of)
    return SmeTbts(
        sme_classes=list(my_sme_classes(base.user).values_list("code", flat=True)),
        sme_lines=lines,
        sme_over=sum(1 for line in lines if line["over"]),
        tbt_hours=base.program.tbt_hours,
    )
