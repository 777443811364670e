"""A small bounded mapping for what a process keeps between requests (issue 14)."""

from __future__ import annotations


class Kept(dict):
    """A dict of at most `size` entries: the oldest written goes first when full."""

    def __init__(self, size: int = 64):
        super().__init__()
        self.size = size

    def __setitem__(self, key, value) -> None:
        if key not in self and len(self) >= self.size:
            del self[next(iter(self))]
        super().__setitem__(key, value)
