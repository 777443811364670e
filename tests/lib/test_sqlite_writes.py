"""Writes beside each other on SQLite (issue 12 item 14, SPEC §17 "no lost work").

A save waits its turn for the write lock (BEGIN IMMEDIATE, a busy timeout well above the
default 5 s) instead of failing, and a long activity import stages its rows in short
transactions, so saves go through while it runs; the import stays all or nothing.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from esp.lib.csvio import ImportRejected
from esp.progress.models import Fact, StagedFact
from esp.progress.services.activity import STALE_STAGING_AFTER, import_activity
from esp.roster.models import Agent

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
HOLD = 6.0  # seconds: longer than SQLite's default busy timeout of 5 s


def test_it_configures_immediate_transactions_and_a_long_busy_timeout():
    """issue 12 item 14: every transaction takes the lock when it begins and waits for it."""
    if not SQLITE:
        pytest.skip("SQLite settings (the PostgreSQL pass has its own locking)")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 15
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_it_gives_each_connection_a_page_cache_of_64_mb():
    """issue 14: a season's pages stay in the connection's cache (SQLite's default: 2 MB)."""
    if not SQLITE:
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -65536


def file_database(tmp_path, alias: str) -> DatabaseWrapper:
    """A connection with the settings' own SQLite options, to a file both threads share."""
    settings_dict = {
        **connections["default"].settings_dict,
        "NAME": str(tmp_path / "shared.sqlite3"),
        "OPTIONS": dict(settings.DATABASES["default"]["OPTIONS"]),
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings_dict, alias=alias)
    connections[alias] = wrapper
    return wrapper


def test_it_lets_a_writer_wait_for_anothers_transaction_instead_of_failing(
    tmp_path, django_db_blocker
):
    """issue 12 item 14, §17: while one transaction holds the write lock for longer than the
    old 5-second timeout, a second writer that reads then writes waits and succeeds (before:
    "database is locked", a 500 for the person saving)."""
    if not SQLITE:
        pytest.skip("SQLite locking only")
    with django_db_blocker.unblock():
        waited, seen, saves = two_writers(tmp_path)
    assert seen == 1  # it began after the long transaction committed, and saw its row
    assert HOLD - 1.5 < waited < settings.DATABASES["default"]["OPTIONS"]["timeout"]
    assert saves == ["import", "page"]


def two_writers(tmp_path) -> tuple[float, int, list[str]]:
    setup = file_database(tmp_path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE saves (who TEXT NOT NULL)")
    setup.close()
    holding, errors = threading.Event(), []

    def long_writer():
        try:
            file_database(tmp_path, "first")
            with transaction.atomic(using="first"):
                connections["first"].cursor().execute("INSERT INTO saves VALUES ('import')")
                holding.set()
                time.sleep(HOLD)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()
        finally:
            connections["first"].close()

    thread = threading.Thread(target=long_writer)
    thread.start()
    try:
        assert holding.wait(10)
        file_database(tmp_path, "second")
        started = time.monotonic()
        with transaction.atomic(using="second"):
            cursor = connections["second"].cursor()
            cursor.execute("SELECT count(*) FROM saves")
            seen = cursor.fetchone()[0]
            cursor.execute("INSERT INTO saves VALUES ('page')")
        waited = time.monotonic() - started
    finally:
        thread.join()
        connections["second"].close()
    assert errors == []
    check = file_database(tmp_path, "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT who FROM saves ORDER BY rowid")
        saves = [row[0] for row in cursor.fetchall()]
    check.close()
    return waited, seen, saves


# -- a long import beside the web app -----------------------------------------------------------

ROWS = 5000  # three staging batches of 2000


@pytest.fixture
def agents(program, write):
    from esp.roster.services import import_classes, import_roster

    import_classes(
        write("class_code,program,campaign,site,start_date\nAET-A,esp-aetna,Aetna,SLC,2026-11-02\n")
    )
    import_roster(
        write(
            "employee_id,first_name,last_name,work_email,personal_email,class_code\n"
            + "".join(
                f"E00{n},First{n},Last{n},a{n}@cxp.example,a{n}@mail.example,AET-A\n"
                for n in (1, 2, 3)
            )
        )
    )


def activity_file(write, rows: int = ROWS, tag: str = "import"):
    return write(
        "date,employee_id,kind,item,value,by,note\n"
        + "".join(
            f"2026-11-{2 + n % 20:02d},E00{1 + n % 3},note,,,tl.one@cxp.example,{tag} note {n}\n"
            for n in range(rows)
        )
    )


def save_in_another_connection(note: str) -> None:
    """What a page does meanwhile: one short write on its own connection (another thread)."""
    failures = []

    def save():
        try:
            Fact.objects.create(
                agent=Agent.objects.order_by("pk").first(),
                date="2026-11-30",
                kind="note",
                by="a page",
                note=note,
                content_hash=note,
            )
        except Exception as exc:
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=save)
    thread.start()
    thread.join(30)
    assert failures == [], failures


@pytest.mark.django_db(transaction=True)
def test_it_lets_other_writes_through_while_a_long_import_runs(agents, write):
    """issue 12 item 14, §17: between the import's batches no transaction is open, so a
    page's save on another connection goes through at once (before: one transaction for the
    whole file, the save waited or failed); the import's facts appear only at the end."""
    batches = []

    def between_batches(count):
        batches.append(count)
        assert not connection.in_atomic_block
        assert Fact.objects.filter(source="import").count() == 0  # all or nothing
        save_in_another_connection(f"saved during batch {len(batches)}")

    summary = import_activity(activity_file(write), progress=between_batches)
    assert summary.created == ROWS and batches == [2000, 2000, 1000]
    assert Fact.objects.filter(source="import").count() == ROWS
    assert Fact.objects.filter(by="a page").count() == 3
    assert StagedFact.objects.count() == 0
    # the facts keep the file's order
    notes = list(Fact.objects.filter(source="import").order_by("pk").values_list("note", flat=True))
    assert notes == [f"import note {n}" for n in range(ROWS)]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_staged_import_all_or_nothing_when_it_fails_half_way(agents, write):
    """issue 12 item 14, SPEC §15: an import that fails after some batches were staged adds
    no fact and leaves nothing staged."""
    before = Fact.objects.count()

    def fail_on_the_second_batch(count):
        if StagedFact.objects.count() > 2000:
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        import_activity(activity_file(write), progress=fail_on_the_second_batch)
    assert Fact.objects.count() == before
    assert StagedFact.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_rejects_an_import_whose_facts_another_import_added_meanwhile(agents, write):
    """issue 12 item 14: two imports of the same file at once: the later one to apply finds
    the facts already there, adds nothing and says to import again; again adds the rest."""
    path = activity_file(write, rows=3000)
    duplicate = {}

    def add_one_of_them_meanwhile(count):
        if not duplicate:
            staged = StagedFact.objects.order_by("pk").first()
            duplicate["fact"] = Fact.objects.create(
                agent_id=staged.agent_id,
                date=staged.date,
                kind=staged.kind,
                by=staged.by,
                note=staged.note,
                source="another import",
                content_hash=staged.content_hash,
                occurrence=staged.occurrence,
            )

    with pytest.raises(ImportRejected) as rejected:
        import_activity(path, progress=add_one_of_them_meanwhile)
    assert "added by another import while this one ran; nothing was imported" in (
        rejected.value.message()
    )
    assert Fact.objects.count() == 1 and StagedFact.objects.count() == 0
    again = import_activity(path)
    assert again.created == 2999 and again.unchanged == 1
    assert Fact.objects.count() == 3000


@pytest.mark.django_db(transaction=True)
def test_it_removes_rows_left_staged_by_an_import_that_died(agents, write):
    """issue 12 item 14: rows staged by a process that died are removed by the next import."""
    from django.utils import timezone

    StagedFact.objects.create(
        batch="dead", agent_id=1, date="2026-11-02", kind="note", note="x", content_hash="x"
    )
    StagedFact.objects.update(staged_at=timezone.now() - STALE_STAGING_AFTER * 2)
    import_activity(activity_file(write, rows=10))
    assert StagedFact.objects.count() == 0
    assert Fact.objects.count() == 10
