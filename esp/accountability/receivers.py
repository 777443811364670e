"""What accountability adds to the progress pages and writes (esp.progress.hooks), connected
in AppConfig.ready(): progress sits below accountability and imports none of it (issue 13)."""

from __future__ import annotations

from esp.progress import hooks

from . import services, views


def connect() -> None:
    hooks.register_view("deliver_step", views.deliver_step)
    hooks.register_view("termination_decide", views.termination_decide)
    hooks.register_write("step_deliver", services.step_deliver)
