"""Serving the web app with gunicorn (`esp serve`, `esp demo`).

Python's cyclic garbage collector, left as it is, makes a full (generation 2) collection
every so often, walking every object the worker holds: about 200,000 once a worker has
answered its first pages (Django's URL resolvers, compiled templates, the programs'
policies and calendars), 80–100 ms on one unlucky request (issue 14: the load test's p95
and p99). Objects made at start-up and by the first pages stay for the worker's life, so
each worker freezes them (`gc.freeze()`: the collector no longer walks them; reference
counting still frees them) once it has loaded the app and again after its first requests
have filled its caches, each time after the response has gone, and collects young objects
somewhat less often (`GC_THRESHOLD`).
"""

from __future__ import annotations

import gc
import os

WSGI_APP = "esp.wsgi:application"

#: The collector's thresholds in a served worker (Python's defaults: 700, 10, 10). Measured
#: over 800 agent pages after warm-up (docs/decisions-q-base.md): 5,000 young objects gave
#: the least collector time per page with no page paying more than ~4 ms; 20,000 let one
#: page pay 13 ms, 50,000 73 ms (a young generation that large is itself slow to walk).
GC_THRESHOLD = (5_000, 10, 10)
#: After which of a worker's requests it freezes what is alive (its caches fill early).
FREEZE_AFTER = frozenset({1, 10, 100, 1000})


def settle() -> None:
    """Collect, then freeze every object alive: the collector walks them no more."""
    gc.collect()
    gc.freeze()


def worker_ready(worker=None) -> None:
    """gunicorn's post_worker_init: the app is loaded in this worker."""
    gc.set_threshold(*GC_THRESHOLD)
    settle()


class FreezingApp:
    """The WSGI app, settling the worker (`settle`) after its requests in FREEZE_AFTER, once
    each response has been sent (in the response's close(), which the server calls)."""

    def __init__(self, app):
        self.app = app
        self.answered = 0

    def __call__(self, environ, start_response):
        response = self.app(environ, start_response)
        self.answered += 1
        if self.answered in FREEZE_AFTER:
            return _SettledAfter(response)
        return response


class _SettledAfter:
    def __init__(self, response):
        self.response = response

    def __iter__(self):
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            settle()


def serve(host: str, port: int) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication
    from gunicorn.util import import_app

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", int(os.environ.get("ESP_WORKERS", "2")))
            self.cfg.set("accesslog", "-")
            # gunicorn's own messages and the app's log (settings.LOGGING: every 500 with its
            # traceback, path and user id) both go to standard error
            self.cfg.set("errorlog", "-")
            self.cfg.set("post_worker_init", worker_ready)

        def load(self):
            # by name, as `gunicorn esp.wsgi:application` would: lib imports no project module
            return FreezingApp(import_app(WSGI_APP))

    # The workers are forked from this process: a database connection it opened (`esp serve`
    # checks the database first, `esp demo` loads it) would be shared by every worker, and on
    # PostgreSQL one worker then reads another's answers (the load test at 20,000 agents:
    # "Session data corrupted", 500s). Each worker opens its own.
    connections.close_all()
    Server().run()
