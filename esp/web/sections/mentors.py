"""The ESP Manager's Today: before a class's shadowing half day, whether the mentors cover
the agents about to shadow (seed 003, R-C1; issue 15 item 1)."""

from __future__ import annotations

from dataclasses import dataclass

from esp.callqueue.selectors import mentor_cover_ahead

from .basis import Basis


@dataclass
class MentorCover:
    mentor_cover: list  # esp.rules.readiness.MentorCover per shadowing day, today and next


def mentor_cover(base: Basis) -> MentorCover:
    return MentorCover(mentor_cover_ahead(base.program, base.as_of))
