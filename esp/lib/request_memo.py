"""What several parts of one page read, read once for that page (issue 14).

A page that opts in (`with request_memo():` around its work, the agent page does) lets its
parts share one read of what does not change while a page is answered: the program's tasks,
its calendar, the TBT courses. `once(key, read)` runs `read` the first time `key` is asked
within the page and hands the same answer after; outside a page that opted in it reads each
time, as before, so a service, a command or a test never sees an answer older than its call.
Answers are shared: they are tuples, frozensets or objects nobody changes.

`once_kept(key, read)` does the same and, on a page that opted in, also keeps the answer in
the process between pages: for a program's settings, whose `key` names the program's policy
stamp, renewed in the transaction of any change to them (Program.stamp_changed), as the
policy and the calendar are kept (issue 14: a query less per setting on every agent page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from esp.lib.kept import Kept

T = TypeVar("T")

_MEMO: ContextVar[dict | None] = ContextVar("esp_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Within the block, `once` keeps what it read (the block is one page's work)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def once(key: tuple, read: Callable[[], T]) -> T:
    """`read()`, once per page for `key` when a page opted in (`request_memo`), else each time."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


#: What `once_kept` read, by key, in this process.
_KEPT = Kept(256)


def once_kept(key: tuple, read: Callable[[], T]) -> T:
    """`once`, and kept between pages when a page opted in: `key` must name the version of
    what `read` reads (a program's policy stamp), so a change gives a new key."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    if key not in memo:
        found = _KEPT.get(key, _MISSING)
        if found is _MISSING:
            found = _KEPT[key] = read()
        memo[key] = found
    return memo[key]


_MISSING = object()


def one_read_each(view: Callable) -> Callable:
    """A view whose page (its template included) reads each `once` key once."""

    @wraps(view)
    def answered(*args, **kwargs):
        with request_memo():
            return view(*args, **kwargs)

    return answered
