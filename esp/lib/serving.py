"""Serving the web app with gunicorn (`esp serve`, `esp demo`)."""

from __future__ import annotations

import os

WSGI_APP = "esp.wsgi:application"


def serve(host: str, port: int) -> None:
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

    Server().run()
