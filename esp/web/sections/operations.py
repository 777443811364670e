"""The ESP Manager's operations on Today (issue 15 item 8): the "undo uptraining" list whenever
it is not empty (R-E3, seed 003: "The ESP Manager must remember to 'undo' this process"), even
on a day no class needs an extension."""

from __future__ import annotations

from dataclasses import dataclass

from esp.operations.selectors import undo_uptraining

from .. import selectors
from .basis import Basis
from .preview import Preview, preview, route


@dataclass
class UndoUptraining:
    undo_uptraining: Preview


def undo(base: Basis) -> UndoUptraining:
    among = None if base.seen is None else selectors.agents_among(base.seen)
    rows = undo_uptraining(base.program, base.as_of, policy=base.policy, among=among)
    return UndoUptraining(
        preview(rows, route("operations:extensions", base.as_of) + "#undo", base.first)
    )
