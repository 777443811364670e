"""What the apps above progress add to its pages and writes (issue 13: progress imports no
higher app). Each is filled in the higher app's `AppConfig.ready()`:

- `agent_page_context`: each app's part of the agent page, declared on its AppConfig as
  `agent_page_context = "esp.<app>.selectors.agent_page_context"`, a function
  (user, agent, page) -> dict merged into the page's template context (accountability's
  reviews and CAPs, certification's calls, classrooms, walk-throughs, breakouts, self-report
  link): the page's template tags receive that data and never query;
- `board_marks`: what a higher app adds to the class board's rows, declared on its AppConfig
  as `board_marks = "esp.<app>.selectors.board_marks"`, a function (program, as_of, agent
  pks) -> {agent pk: {"access_on": date, "marks": {task key: text}}} (esp.tbt: the day TBT
  access works and the TBTs over their hours, seed 000);
- `read_model_part`: what a higher app adds to the rules that compute the read model
  (esp.progress.services.projection), declared on its AppConfig as
  `read_model_part = "esp.<app>.selectors.read_model_part"`, a function
  (program, as_of, agent pks or None) -> (fields of the rules' Context, {employee id: facts
  dated on or before D}) (esp.pace: the pace table, and the modules ticked done on its grid);
- `register_view` / `view`: the agent page's forms whose write belongs to a higher app keep
  their `progress:` route and are answered by that app's view (esp.accountability: deliver a
  ladder step, decide a termination review);
- `register_write` / `write`: a higher app's service that callers of `esp.progress.services`
  still reach there (temporary: `step_deliver` lives in esp.accountability.services).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

_VIEWS: dict[str, Callable] = {}
_WRITES: dict[str, Callable] = {}


def register_view(name: str, view: Callable) -> None:
    _VIEWS[name] = view


def register_write(name: str, service: Callable) -> None:
    _WRITES[name] = service


def _found(table: dict, name: str) -> Callable:
    try:
        return table[name]
    except KeyError:
        raise ImproperlyConfigured(f"no app registered '{name}' (esp.progress.hooks)") from None


def view(name: str) -> Callable:
    return _found(_VIEWS, name)


def write(name: str) -> Callable:
    return _found(_WRITES, name)


@cache
def _page_parts() -> tuple[Callable[..., dict], ...]:
    return tuple(
        import_string(config.agent_page_context)
        for config in apps.get_app_configs()
        if getattr(config, "agent_page_context", None)
    )


def agent_page_context(user, agent, page) -> dict:
    """Every app's part of the agent page, in the order of INSTALLED_APPS."""
    context: dict = {}
    for part in _page_parts():
        context.update(part(user, agent, page))
    return context


@cache
def _board_parts() -> tuple[Callable[..., dict], ...]:
    return tuple(
        import_string(config.board_marks)
        for config in apps.get_app_configs()
        if getattr(config, "board_marks", None)
    )


def board_marks(program, as_of, agent_pks: list[int]) -> dict[int, dict]:
    """Every app's marks on the board's rows (agent pk -> {"access_on", "marks"})."""
    found: dict[int, dict] = {}
    for part in _board_parts():
        for pk, extra in part(program, as_of, agent_pks).items():
            found.setdefault(pk, {}).update(extra)
    return found


@cache
def _read_model_parts() -> tuple[Callable[..., tuple[dict, dict]], ...]:
    return tuple(
        import_string(config.read_model_part)
        for config in apps.get_app_configs()
        if getattr(config, "read_model_part", None)
    )


def read_model_parts(program, as_of, agent_pks=None) -> tuple[dict, dict[str, list]]:
    """Every app's part of the read model's inputs as of D, for `agent_pks` (None: the
    program's agents): the rules' context fields, and the facts to add to each agent's
    record (by employee id)."""
    fields: dict = {}
    facts: dict[str, list] = {}
    for part in _read_model_parts():
        more_fields, more_facts = part(program, as_of, agent_pks)
        fields.update(more_fields)
        for employee_id, found in more_facts.items():
            facts.setdefault(employee_id, []).extend(found)
    return fields, facts
