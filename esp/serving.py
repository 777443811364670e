"""Serving the web app with gunicorn (`esp serve`, `esp demo`)."""

from __future__ import annotations

import os


def serve(host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    from esp.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", int(os.environ.get("ESP_WORKERS", "2")))
            self.cfg.set("accesslog", "-")

        def load(self):
            return application

    Server().run()
