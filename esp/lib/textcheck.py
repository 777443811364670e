"""The one check of text that people and files send (issue 12 item 10, SPEC §17).

PostgreSQL cannot store a NUL character and refuses text longer than a column's max_length
(SQLite takes both silently); control characters also break the .xlsx exports. Every import
(per line and column), every page and every API write check text with `text_problem`, with the
maximum length taken from the model field the text is stored in (`max_length_of`), so a bad
value is a plain error where it was typed, never a traceback.

- `text_problem(value, max_length=None)`: the reason a text cannot be stored, or None.
- `max_length_of(model, field)`: a field's max_length (None for unlimited text).
- `limits_of(model, **columns)`: {column: max_length} for an import's columns.
- `instance_problems(instance)`: {field: reason} over a model instance's text fields; the
  `pre_save` guard (`guard_text_fields`, connected in esp.progress.apps) runs it before any
  row of the project's apps is written, whichever path the text came by.
- `validate_text(max_length)`: the same as a form or serializer field validator.
- `TextRefusedMiddleware`: a NUL in any request parameter, or a write the guard refused,
  answered plainly (a message on the form's page, a 400), never a 500.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# NUL and the other C0 control characters, and DEL; tab, line feed and carriage return are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(value: str, max_length: int | None = None) -> str | None:
    """Why `value` cannot be stored, in plain words; None when it can."""
    if not isinstance(value, str):
        return None
    found = CONTROL.search(value)
    if found:
        character = found.group()
        what = "a NUL character" if character == "\x00" else "a control character"
        return (
            f"contains {what} (U+{ord(character):04X}) at position {found.start() + 1}, "
            "which cannot be stored; remove it"
        )
    if max_length is not None and len(value) > max_length:
        return f"is {len(value):,} characters long; at most {max_length:,} are allowed"
    return None


def max_length_of(model: type[models.Model], field: str) -> int | None:
    try:
        return model._meta.get_field(field).max_length
    except FieldDoesNotExist:
        return None


def limits_of(model: type[models.Model], **columns: str) -> dict[str, int | None]:
    """{column: max_length} for columns stored in `model`'s fields (column=field_name)."""
    return {column: max_length_of(model, field) for column, field in columns.items()}


def instance_problems(instance: models.Model) -> dict[str, str]:
    """{field name: reason} for the text fields of `instance` that cannot be stored."""
    problems = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.JSONField):
            # PostgreSQL's jsonb cannot hold \u0000 either (an audit record of a bad note).
            if _has_nul(getattr(instance, field.attname, None)):
                problems[field.name] = (
                    f"{field.verbose_name.capitalize()} contains a NUL character (U+0000), "
                    "which cannot be stored."
                )
            continue
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        value = getattr(instance, field.attname, None)
        problem = text_problem(value, field.max_length)
        if problem:
            problems[field.name] = f"{field.verbose_name.capitalize()} {problem}."
    return problems


def check_instance(instance: models.Model) -> None:
    problems = instance_problems(instance)
    if problems:
        raise ValidationError(problems)


def guard_text_fields(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: refuse a row of the project's apps whose text cannot be stored."""
    if raw or not sender.__module__.startswith("esp."):
        return
    check_instance(instance)


def validate_text(max_length: int | None = None):
    """A field validator (forms, serializers) running the same check."""

    def validator(value) -> None:
        problem = text_problem(value, max_length)
        if problem:
            raise ValidationError(f"This text {problem}.")

    return validator


def _nul_in(data) -> str | None:
    """The name of the first parameter whose name or value has a NUL character."""
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            return key.replace("\x00", "")
    return None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


class TextRefusedMiddleware:
    """Bad text in a request is a plain answer, never a 500 (issue 12 item 10, §17).

    - A NUL character in a posted form field: PostgreSQL can neither store nor compare it, so
      no view may see it. A page form gets a message on the page it was sent from ("...
      Nothing was saved."), the API a 400 `{"detail": ...}` (JSON bodies are checked by the
      serializers; query parameters by the views, as before).
    - A page's write refused by the text check (or any model validation a view did not catch)
      becomes the same message on the page the form was on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """After the CSRF and access checks (earlier middleware), before the view."""
        name = _nul_in(request.POST) if request.method == "POST" else None
        if name is None:
            return None
        reason = f"The field “{name}” contains a NUL character (U+0000), which cannot be stored"
        return self._refused(request, reason)

    def _refused(self, request, reason: str):
        from django.contrib import messages
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": f"{reason}."}, status=400)
        messages.error(request, f"{reason}. Nothing was saved.")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        return redirect(back)

    def process_exception(self, request, exception):
        if not isinstance(exception, ValidationError) or request.method != "POST":
            return None
        if request.path.startswith("/api/"):
            return None
        return self._refused(request, " ".join(exception.messages).rstrip("."))
