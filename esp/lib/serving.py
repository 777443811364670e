"""Serving the web app with gunicorn (`esp serve`, `esp demo`)."""

from __future__ import annotations

import os

WSGI_APP = "esp.wsgi:application"


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

        def load(self):
            # by name, as `gunicorn esp.wsgi:application` would: lib imports no project module
            return import_app(WSGI_APP)

    # The workers are forked from this process: a database connection it opened (`esp serve`
    # checks the database first, `esp demo` loads it) would be shared by every worker, and on
    # PostgreSQL one worker then reads another's answers (the load test at 20,000 agents:
    # "Session data corrupted", 500s). Each worker opens its own.
    connections.close_all()
    Server().run()
