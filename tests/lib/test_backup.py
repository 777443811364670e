"""`esp backup FILE` and `esp restore FILE` (issue 12 item 15): the database and the proof
files in one archive, restored into an empty place with every table's row count and every
file's sha256 as they were. Runs in both passes: SQLite (the test database in memory, restored
into a file) and PostgreSQL (restored into a new database on the same server).

The backups are taken by `esp backup` in the test process, from committed data (a
transactional test: pg_dump reads from its own connection); the restores run as `esp restore`
in a process of their own pointed at the empty place, like an operator on a new machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

import esp
from esp.lib import clock
from tests.web_support import pdf, png

pytestmark = pytest.mark.django_db(transaction=True)
WORKTREE = Path(esp.__file__).resolve().parent.parent


# -- the places: the test database and an empty one -----------------------------------------------


def database_url(name: str | None = None) -> str:
    """ESP_DATABASE_URL of the test database (or of another database on the same server)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    user = quote(config["USER"] or "", safe="")
    password = f":{quote(config['PASSWORD'], safe='')}" if config.get("PASSWORD") else ""
    host, port = config["HOST"] or "localhost", config["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or config['NAME']}"


def server_connection():
    """A connection to the PostgreSQL server outside any transaction (CREATE DATABASE)."""
    params = connection.get_connection_params()
    return connection.Database.connect(**params, autocommit=True)


@dataclass
class Place:
    """Where `esp restore` writes: a database and a proof folder, as the process sees them."""

    url: str
    proof_dir: Path
    var_dir: Path

    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ESP_")}
        environment.update(
            ESP_DATABASE_URL=self.url,
            ESP_PROOF_DIR=str(self.proof_dir),
            ESP_VAR_DIR=str(self.var_dir),
            PYTHONPATH=str(WORKTREE),
        )
        return environment

    def esp(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "esp.cli", *map(str, args)],
            env=self.environment(),
            cwd=self.var_dir,
            capture_output=True,
            text=True,
            timeout=300,
        )

    @contextmanager
    def cursor(self):
        if self.url.startswith("sqlite:///"):
            database = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                yield database.cursor()
            finally:
                database.close()
        else:
            params = connection.get_connection_params() | {"dbname": self.url.rsplit("/", 1)[1]}
            with connection.Database.connect(**params) as database:
                with database.cursor() as cursor:
                    yield cursor


@pytest.fixture
def new_place(tmp_path):
    """Makes empty places: a database with nothing in it (a SQLite file not yet made, or a new
    PostgreSQL database, dropped afterwards) and a proof folder that does not exist yet."""
    made: list[str] = []

    def new_place() -> Place:
        folder = tmp_path / f"place{len(made) + 1}"
        folder.mkdir()
        if connection.vendor == "sqlite":
            made.append(str(folder / "esp.sqlite3"))
            return Place(database_url(made[-1]), folder / "proofs", folder)
        made.append(f"esp_restore_{secrets.token_hex(4)}")
        with server_connection() as server:
            server.execute(f'CREATE DATABASE "{made[-1]}"')
        return Place(database_url(made[-1]), folder / "proofs", folder)

    yield new_place
    if connection.vendor == "postgresql":
        with server_connection() as server:
            for name in made:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_place(new_place) -> Place:
    return new_place()


# -- what is compared ---------------------------------------------------------------------------


def table_names(cursor) -> list[str]:
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )  # where Django's tables are
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def cap_documents(cursor) -> list[tuple[str, str]]:
    """Each CAP document's recorded sha256 and the sha256 of the PDF bytes stored."""
    cursor.execute("SELECT sha256, pdf FROM accountability_capdocument ORDER BY id")
    return [(sha, hashlib.sha256(bytes(data)).hexdigest()) for sha, data in cursor.fetchall()]


# -- a demo season with proofs and a CAP document -------------------------------------------------


@pytest.fixture
def proof_dir(settings, tmp_path) -> Path:
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    return tmp_path / "proofs"


@pytest.fixture
def demo_season(proof_dir):
    """`esp demo`'s season, two proofs submitted (a PNG and a PDF) and a written CAP delivered;
    the demo's own TBT proofs (issue 17 item 12) set aside, so these two are the only ones."""
    from esp.demo.load import load_demo
    from esp.progress.models import Proof
    from esp.progress.services import step_deliver
    from esp.progress.services.proofs import proof_submit
    from esp.roster.models import Agent

    load_demo(login=("manager@esp.example", "demo-manager"))
    for stored in Proof.objects.values_list("stored_name", flat=True):
        (proof_dir / stored).unlink()
    Proof.objects.all().delete()
    first, second = Agent.objects.select_related("training_class__program").order_by("pk")[:2]
    proof_submit(agent=first, item="ahip", name="ahip.png", data=png(), actor=None)
    proof_submit(agent=second, item="tbt:101", name="tbt.pdf", data=pdf(), actor=None)
    step_deliver(
        agent=first,
        ladder="esp",
        step="written_cap",
        expectation="Finish the carrier certification",
        day=clock.today(),
        actor=None,
    )
    return proof_dir


def test_it_backs_up_a_demo_season_and_restores_it_into_an_empty_place_identically(
    demo_season, empty_place, esp, tmp_path
):
    """Issue 12 item 15: backup → restore into an empty database and proof folder → every
    table's row count and every proof file's sha256 equal; the CAP documents' PDFs (stored in
    the database) too."""
    archive = tmp_path / "esp-backup.tar.gz"
    code, out, err = esp("backup", archive)
    assert code == 0, err
    assert f"to {archive}" in out and "2 proof file(s)" in out

    restored = empty_place.esp("restore", archive)
    assert restored.returncode == 0, restored.stderr
    assert "every table's row count checked" in restored.stdout
    assert "2 proof file(s) (" in restored.stdout and str(empty_place.proof_dir) in restored.stdout

    with connection.cursor() as cursor:
        before, documents = row_counts(cursor), cap_documents(cursor)
    with empty_place.cursor() as cursor:
        after, restored_documents = row_counts(cursor), cap_documents(cursor)
    assert after == before
    assert before["progress_fact"] > 1000 and before["progress_proof"] == 2
    assert len(documents) == 1 and documents[0][0] == documents[0][1]
    assert restored_documents == documents
    assert len(file_hashes(demo_season)) == 2
    assert file_hashes(empty_place.proof_dir) == file_hashes(demo_season)


def test_it_refuses_to_restore_over_rows_or_files_unless_forced_and_then_replaces_the_rows(
    demo_season, empty_place, esp, tmp_path
):
    """Issue 12 item 15: a database with rows or a proof folder with files is not an empty
    place: refused (exit 2, saying what is there), nothing changed; --force replaces the
    database and keeps the folder's other files."""
    archive = tmp_path / "esp-backup.tar.gz"
    assert esp("backup", archive)[0] == 0
    assert empty_place.esp("restore", archive).returncode == 0
    with empty_place.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditentry")
        entries = cursor.fetchone()[0]
    extra = empty_place.proof_dir / "kept.pdf"
    extra.write_bytes(pdf("not in the backup"))
    with empty_place.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditentry WHERE id = (SELECT MAX(id) FROM audit_auditentry)"
        )
        cursor.connection.commit()

    refused = empty_place.esp("restore", archive)
    assert refused.returncode == 2
    assert "Nothing was restored" in refused.stderr and "progress_fact" in refused.stderr
    assert f"{empty_place.proof_dir} holds 3 file(s)" in refused.stderr
    assert "--force" in refused.stderr
    with empty_place.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditentry")
        assert cursor.fetchone()[0] == entries - 1

    forced = empty_place.esp("restore", "--force", archive)
    assert forced.returncode == 0, forced.stderr
    assert "(its previous contents replaced)" in forced.stdout
    assert "1 file(s) that were already in" in forced.stdout
    with connection.cursor() as cursor:
        before = row_counts(cursor)
    with empty_place.cursor() as cursor:
        assert row_counts(cursor) == before
    assert file_hashes(empty_place.proof_dir) == file_hashes(demo_season) | {
        "kept.pdf": hashlib.sha256(extra.read_bytes()).hexdigest()
    }


def rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of `archive` with `change(name, data) -> data` applied to each member."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def test_it_refuses_a_damaged_archive_naming_the_file_and_restores_nothing(
    demo_season, empty_place, esp, tmp_path
):
    """Issue 12 item 15: each file is checked against the manifest's sha256 before anything is
    written: a changed proof file → exit 1, the file named, the database left empty."""
    archive = tmp_path / "esp-backup.tar.gz"
    assert esp("backup", archive)[0] == 0
    [name] = [n for n in file_hashes(demo_season) if n.endswith(".png")]

    def damage(member: str, data: bytes) -> bytes:
        return data[:-1] + b"\x00" if member == f"proofs/{name}" else data

    damaged = rewritten(archive, tmp_path / "damaged.tar.gz", damage)
    result = empty_place.esp("restore", damaged)
    assert result.returncode == 1
    assert f"proofs/{name} does not match its sha256" in result.stderr
    assert "nothing was restored" in result.stderr
    with empty_place.cursor() as cursor:
        assert table_names(cursor) == []
    assert file_hashes(empty_place.proof_dir) == {}


def test_it_refuses_a_backup_of_the_other_database_engine(proof_dir, esp, tmp_path, program):
    """Issue 12 item 15: a SQLite backup is not restored into PostgreSQL nor the other way
    round (the copy is the engine's own format): exit 2, saying which is which."""
    archive = tmp_path / "esp-backup.tar.gz"
    assert esp("backup", archive)[0] == 0
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap(member: str, data: bytes) -> bytes:
        if member != "manifest.json":
            return data
        return json.dumps(json.loads(data) | {"engine": other}).encode()

    code, _, err = esp("restore", rewritten(archive, tmp_path / "other.tar.gz", swap))
    assert code == 2
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert f"holds a {names[other]} database and this installation uses" in err
    assert names[connection.vendor] in err


def test_it_refuses_to_write_over_an_existing_file_unless_forced(proof_dir, esp, tmp_path, program):
    """Issue 12 item 15: an earlier backup is never replaced by mistake."""
    archive = tmp_path / "esp-backup.tar.gz"
    archive.write_bytes(b"yesterday's backup")
    code, _, err = esp("backup", archive)
    assert code == 2 and f"{archive} already exists" in err and "--force" in err
    assert archive.read_bytes() == b"yesterday's backup"
    code, out, err = esp("backup", "--force", archive)
    assert code == 0, err
    assert tarfile.is_tarfile(archive)


def test_it_says_plainly_that_a_file_is_not_a_backup(proof_dir, esp, tmp_path, program):
    """Issue 12 item 15: bad input names the file and changes nothing."""
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    code, _, err = esp("restore", not_a_backup)
    assert code == 2 and f"{not_a_backup} is not an ESP Tracker backup" in err
    code, _, err = esp("restore", tmp_path / "missing.tar.gz")
    assert code == 2 and "missing.tar.gz: no such file" in err


def test_it_backs_up_online_while_another_connection_keeps_writing(new_place, tmp_path):
    """Issue 12 item 15 "online": rows committed by another connection all through `esp
    backup` neither stop it nor make it inconsistent: the manifest counts rows the copy holds
    (some of the rows written meanwhile, not all), and the restore's own count check passes."""
    source, target = new_place(), new_place()
    initialized = source.esp("init", "--no-input")
    assert initialized.returncode == 0, initialized.stderr
    with source.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM auth_group")
        roles = cursor.fetchone()[0]
    mark = "?" if connection.vendor == "sqlite" else "%s"
    started, stop, written = threading.Event(), threading.Event(), []

    def keep_writing() -> None:
        with source.cursor() as cursor:
            while not stop.is_set():
                cursor.execute(
                    f"INSERT INTO auth_group (name) VALUES ({mark})", [f"group {len(written)}"]
                )
                cursor.connection.commit()
                written.append(1)
                started.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(timeout=30)
        archive = tmp_path / "online.tar.gz"
        backed_up = source.esp("backup", archive)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert backed_up.returncode == 0, backed_up.stderr
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert roles < manifest["tables"]["auth_group"] < roles + len(written)

    restored = target.esp("restore", archive)
    assert restored.returncode == 0, restored.stderr
    with target.cursor() as cursor:
        assert row_counts(cursor) == manifest["tables"]
