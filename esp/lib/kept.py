"""A small bounded mapping for what a process keeps between requests (issue 14)."""

from __future__ import annotations

from collections import OrderedDict


class Kept(OrderedDict):
    """A mapping of at most `size` entries: when full, the one least recently read or
    written goes first (what a page asks for again stays)."""

    def __init__(self, size: int = 64):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key not in self:
            return default
        self.move_to_end(key)
        return super().__getitem__(key)

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
