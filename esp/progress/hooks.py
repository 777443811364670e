"""What the apps above progress add to its pages and writes (issue 13: progress imports no
higher app). Each is filled in the higher app's `AppConfig.ready()`:

- `AGENT_PAGE_CONTEXT`: functions (user, agent, page) -> dict, merged into the agent page's
  template context (esp.accountability: termination reviews, CAP documents);
- `register_view` / `view`: the agent page's forms whose write belongs to a higher app keep
  their `progress:` route and are answered by that app's view (esp.accountability: deliver a
  ladder step, decide a termination review);
- `register_write` / `write`: a higher app's service that callers of `esp.progress.services`
  still reach there (temporary: `step_deliver` lives in esp.accountability.services).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

AGENT_PAGE_CONTEXT: list[Callable[..., dict]] = []
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


def agent_page_context(user, agent, page) -> dict:
    context: dict = {}
    for extra in AGENT_PAGE_CONTEXT:
        context.update(extra(user, agent, page))
    return context
