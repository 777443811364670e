"""Progress bars for long command-line work (rich, on stderr)."""

from __future__ import annotations

import sys
from contextlib import nullcontext

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def rows_bar(total: int, description: str):
    """A rich progress bar on stderr for files of thousands of rows (none for small files, or
    when stderr is not a terminal): rows read of the file's, rows per second, time left."""
    if total < 1000 or not sys.stderr.isatty():
        return nullcontext(None)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
