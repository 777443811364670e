"""`esp serve`'s gunicorn (esp.lib.serving): what the forked workers inherit."""

from django.db import connections
from gunicorn.app.base import BaseApplication

from esp.lib import serving


def test_it_closes_the_database_connections_before_forking_the_workers(monkeypatch):
    """A connection opened before the fork (the database check of `esp serve`, the season
    `esp demo` loads) would be one socket shared by every worker: on PostgreSQL one worker
    then reads another's answers (issue 14, the load test at 20,000 agents)."""
    calls = []
    monkeypatch.setattr(connections, "close_all", lambda: calls.append("close connections"))
    monkeypatch.setattr(BaseApplication, "run", lambda self: calls.append("fork and serve"))
    serving.serve("127.0.0.1", 8999)
    assert calls == ["close connections", "fork and serve"]
