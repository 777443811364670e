"""The TBT SME's Today (seed 000, R-B4; issue 15 item 4): the TBTs of the classes they are
assigned to, each agent with the 8-hour clock from TBT access (esp.tbt.selectors)."""

from __future__ import annotations

from dataclasses import dataclass

from esp.rules.report_lines import TODAY
from esp.rules.tbt import tbt_task_key
from esp.tbt.selectors import my_sme_classes, sme_tbt_lines

from .basis import Basis
from .preview import Preview, own_page, preview


@dataclass
class SmeTbts:
    sme_classes: list[str]  # the codes of the classes the user is a TBT SME of
    sme_lines: Preview  # their agents' open TBT lines, over the clock first
    sme_over: int  # how many are still open past the clock
    tbt_hours: int


def sme_tbts(base: Basis) -> SmeTbts:
    codes = list(my_sme_classes(base.user).values_list("code", flat=True))
    lines = sme_tbt_lines(base.user, base.program, base.as_of, codes, among=_open(base, codes))
    return SmeTbts(
        sme_classes=codes,
        sme_lines=preview(lines, own_page("sme_lines", base.as_of), base.first),
        sme_over=sum(1 for line in lines if line["over"]),
        tbt_hours=base.program.tbt_hours,
    )


def _open(base: Basis, codes: list[str]) -> list[int]:
    """The agents of `codes` in flight on the day without the TBT task done, from the day's
    built lines (issue 14: the SME's rules then run for those agents only, not every agent
    of their classes)."""
    task = tbt_task_key(base.policy)
    flying = base.lines(TODAY, section="flight").filter(class_code__in=codes)
    if task is not None:
        done = base.lines(TODAY, section="done").filter(state=task).values("agent_id")
        flying = flying.exclude(agent_id__in=done)
    return list(flying.values_list("agent_id", flat=True))  # a list: read by their ids
