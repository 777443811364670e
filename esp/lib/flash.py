"""What a page says after a write: the one place a view turns a refusal into a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError

T = TypeVar("T")


def attempt(request, write: Callable[[], T], success: str | Callable[[T], str] = "") -> T | None:
    """Run `write`. A refusal (ValidationError) becomes an error message on the next page and
    None is returned; otherwise the `success` message (a text, or built from the result) is
    shown and the result returned."""
    try:
        result = write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return result
