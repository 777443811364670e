"""`esp serve`'s gunicorn (esp.lib.serving): what the forked workers inherit."""

import gc

import gunicorn.util
import pytest
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


@pytest.fixture
def collector():
    """The collector's settings as the test found them, restored after it."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_it_freezes_a_workers_start_up_objects_and_collects_young_ones_less_often(collector):
    """A full collection walks every object of the worker (~200,000: 80-100 ms on one
    request, issue 14); frozen, the objects alive since start-up are walked no more."""
    serving.worker_ready(worker=None)
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == serving.GC_THRESHOLD
    assert serving.GC_THRESHOLD[0] > 700  # Python's default


def test_it_freezes_again_after_the_first_request_once_the_response_is_sent(collector):
    """The first pages fill the caches (URL resolvers, templates, policies): what they left
    alive is frozen too, after the response has gone, never on the next page's time."""
    kept = []

    def app(environ, start_response):
        kept.append([object() for _ in range(10)])  # what a first page leaves in caches
        start_response("200 OK", [])
        return [b"page"]

    served = serving.FreezingApp(app)
    response = served({}, lambda *args: None)
    assert b"".join(response) == b"page"
    assert gc.get_freeze_count() == 0  # not while the response is being sent
    response.close()
    first = gc.get_freeze_count()
    assert first > 0
    second = served({}, lambda *args: None)
    assert not hasattr(second, "close")  # the second request: nothing more to do
    assert gc.get_freeze_count() == first


def test_it_settles_each_worker_when_it_has_loaded_the_app(monkeypatch):
    """gunicorn calls post_worker_init in each forked worker, after loading the app."""
    configured = {}
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr(gunicorn.util, "import_app", lambda name: f"the app {name}")

    def run(self):
        configured["post_worker_init"] = self.cfg.post_worker_init
        configured["app"] = self.load()

    monkeypatch.setattr(BaseApplication, "run", run)
    serving.serve("127.0.0.1", 8999)
    assert configured["post_worker_init"] is serving.worker_ready
    assert isinstance(configured["app"], serving.FreezingApp)
    assert configured["app"].app == "the app esp.wsgi:application"
