"""What accountability adds to the progress pages and writes (esp.progress.hooks), connected
in AppConfig.ready(): progress sits below accountability and imports none of it (issue 13)."""

from __future__ import annotations

from esp.progress import hooks

from . import services, views
from .selectors import agent_page_context


def connect() -> None:
    hooks.register_view("deliver_step", views.deliver_step)
    hooks.register_view("termination_decide", views.termination_decide)
    hooks.register_write("step_deliver", services.step_deliver)
    if agent_page_context not in hooks.AGENT_PAGE_CONTEXT:
        hooks.AGENT_PAGE_CONTEXT.append(agent_page_context)
