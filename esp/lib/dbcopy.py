"""Copying a database whole, for `esp backup` and `esp restore` (esp/lib/backups.py): SQLite's
backup API, PostgreSQL's pg_dump and pg_restore (a snapshot read and a one-transaction
restore), each table's row count, and the database's description in plain words."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import DatabaseError, connection

DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that did not happen, said plainly. `bad_input`: the user can fix
    it (exit code 2); otherwise a failure (exit code 1)."""

    def __init__(self, message: str, *, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


def sqlite_copy(copy: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # all pages in one step: one consistent read
        return counts(target.cursor(), "sqlite")
    finally:
        target.close()


def postgresql_copy(copy: Path) -> dict[str, int]:
    import psycopg

    snapshot_connection = connection.Database.connect(**connection.get_connection_params())
    try:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_connection.read_only = True
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            [snapshot] = cursor.fetchone()
            run(
                [
                    postgresql_tool("pg_dump"),
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={copy}",
                ]
            )
            return counts(cursor, "postgresql")
    finally:
        snapshot_connection.close()


def sqlite_restore(copy: Path) -> None:
    source = sqlite3.connect(copy)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)  # replaces every page of the target
    finally:
        source.close()
    connection.close()  # the next query sees the restored schema afresh


def postgresql_restore(copy: Path, tables: set[str]) -> None:
    """pg_restore in one transaction, which drops the tables it restores first (--clean): a
    failed restore changes nothing. A table the backup does not have goes beforehand (a newer
    version's, which `esp init` will create again)."""
    others = [t for t in target_counts("postgresql") if t not in tables]
    if others:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(map(quoted, others)) + " CASCADE")
    connection.close()
    run(
        [
            postgresql_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(copy),
        ]
    )


def pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def engine() -> str:
    """The database's engine, once it is known to answer."""
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            f"esp backup and esp restore handle SQLite and PostgreSQL, not {connection.vendor}."
        )
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise BackupError(
            f"Cannot open the {describe_database()} (ESP_DATABASE_URL): {exc}".strip()
        ) from None
    return connection.vendor


def describe_database() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite database {config['NAME']}"
    return (
        f"PostgreSQL database {config['NAME']} on "
        f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}"
    )


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
        )
    return [row[0] for row in cursor.fetchall()]


def counts(cursor, engine: str) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor, engine):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")  # noqa: S608 - catalog names
        counts[table] = cursor.fetchone()[0]
    return counts


def target_counts(engine: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        return counts(cursor, engine)


def postgresql_tool(name: str) -> str:
    """pg_dump or pg_restore of the server's major version (Debian's folder), else on PATH."""
    major = connection.pg_version // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    if found := shutil.which(name):
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was found neither in /usr/lib/postgresql/{major}/bin nor on PATH: install the "
        f"PostgreSQL {major} client tools (Debian: postgresql-client-{major})."
    )


def postgresql_environment() -> dict[str, str]:
    """The connection of ESP_DATABASE_URL as libpq's variables (no password on a command line)."""
    config = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if config.get(key):
            environment[variable] = str(config[key])
    for key, value in (config.get("OPTIONS") or {}).items():
        if key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
            environment[f"PG{key.upper()}"] = str(value)
    return environment


def run(command: list[str]) -> None:
    result = subprocess.run(
        command, env=postgresql_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit code {result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )
