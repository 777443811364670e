"""`esp backup FILE` and `esp restore FILE` (issue 12 item 15): the database and the proof
files together in one archive, with a manifest of every table's row count and every file's
sha256 that a restore checks.

The archive is a gzip-compressed tar file:

    database.sqlite3 | database.pgdump   the database: SQLite's backup API, or pg_dump's
                                         custom format
    proofs/<name>                        every file under ESP_PROOF_DIR
    manifest.json                        format, engine, when, the database copy's sha256,
                                         every table's row count, every file's size and sha256

CAP documents (and mail attachments) are stored in the database, so its copy carries them.

Both ends run online. SQLite: one step of the backup API is one read transaction, which the
web app's writers (WAL mode) do not wait for. PostgreSQL: pg_dump reads a snapshot exported by
a repeatable-read transaction that counts the rows in that same snapshot. Proof files are
never changed nor deleted once written and are copied after the database, so every proof the
database copy names is in the archive.

A restore refuses a database with rows or a proof folder with files unless told `force`;
it checks the whole archive against the manifest before it touches anything, and the
restored tables and files against it afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings

from esp.lib import clock, dbcopy
from esp.lib.dbcopy import DATABASE_MEMBERS, ENGINE_NAMES, BackupError
from esp.lib.display import day_and_time

FORMAT, VERSION = "esp-tracker-backup", 1
MANIFEST = "manifest.json"
PROOFS = "proofs"
CHUNK = 1 << 20
NOT_PROOFS = ("lost+found",)  # a mounted file system's own folder, not a proof


class Reporter:
    """What long work tells whoever watches (the command line shows a progress bar)."""

    def stage(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


class ProgressReporter(Reporter):
    """Each stage a line of a rich progress bar (`progress`, a rich.progress.Progress)."""

    def __init__(self, progress) -> None:
        self.progress, self.task = progress, None

    def stage(self, description: str, total: int | None = None) -> None:
        if self.task is not None:  # the previous stage is over
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        self.progress.advance(self.task, amount)


@dataclass(frozen=True)
class BackupSummary:
    file: Path
    database: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    proof_dir: Path
    archive_bytes: int

    def __str__(self) -> str:
        return (
            f"Backed up the {self.database} ({self.tables} tables, {self.rows:,} rows) and "
            f"{self.files} proof file(s) ({_size(self.file_bytes)}) from {self.proof_dir} "
            f"to {self.file} ({_size(self.archive_bytes)})."
        )


@dataclass(frozen=True)
class RestoreSummary:
    file: Path
    taken_at: datetime
    database: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    proof_dir: Path
    kept: int
    replaced: bool
    pending_migrations: int

    def __str__(self) -> str:
        taken = self.taken_at.astimezone(_zone())
        lines = [
            f"Restored the backup taken {day_and_time(taken)} ({taken:%Z}) from {self.file}:",
            f"  the {self.database}"
            + (" (its previous contents replaced)" if self.replaced else "")
            + f": {self.tables} tables, {self.rows:,} rows, every table's row count checked;",
            f"  {self.files} proof file(s) ({_size(self.file_bytes)}) into {self.proof_dir}, "
            "every file's sha256 checked.",
        ]
        if self.kept:
            lines.append(
                f"  {self.kept} file(s) that were already in {self.proof_dir} and are not in "
                "the backup were left as they were."
            )
        if self.pending_migrations:
            lines.append(
                f"The backup predates this version of ESP Tracker ({self.pending_migrations} "
                "database migration(s) to apply): run `esp init` before serving."
            )
        return "\n".join(lines)


# -- backup -------------------------------------------------------------------------------------


def backup(file: Path, *, force: bool = False, reporter: Reporter | None = None) -> BackupSummary:
    """Write the database and the proof files, with their manifest, to `file`."""
    reporter = reporter or Reporter()
    file = Path(file)
    if file.exists() and not force:
        raise BackupError(
            f"{file} already exists: choose another name, or add --force to replace it.",
            bad_input=True,
        )
    if not file.parent.is_dir():
        raise BackupError(f"{file.parent} is not a folder: cannot write {file}.", bad_input=True)
    engine = dbcopy.engine()
    proofs = _proof_dir()
    # The work folder sits beside the archive: same file system for the final rename, and
    # room for the database copy where the archive is meant to go.
    with tempfile.TemporaryDirectory(prefix=".esp-backup-", dir=file.parent) as work:
        copy = Path(work) / DATABASE_MEMBERS[engine]
        reporter.stage(f"Copying the {ENGINE_NAMES[engine]} database")
        taken_at = clock.now().astimezone(UTC)
        tables = dbcopy.sqlite_copy(copy) if engine == "sqlite" else dbcopy.postgresql_copy(copy)
        found = _proof_files(proofs)  # after the database copy: see the module's docstring
        partial = Path(work) / "archive.partial"
        files: dict[str, dict] = {}
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            reporter.stage("Archiving the database", copy.stat().st_size)
            database_sha256 = _add(archive, copy, DATABASE_MEMBERS[engine], reporter)
            reporter.stage("Archiving the proof files", sum(p.stat().st_size for _, p in found))
            for name, path in found:
                size = path.stat().st_size
                digest = _add(archive, path, f"{PROOFS}/{name}", reporter)
                files[name] = {"size": size, "sha256": digest}
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "taken_at": taken_at.isoformat(timespec="seconds"),
                "engine": engine,
                "database": {"member": DATABASE_MEMBERS[engine], "sha256": database_sha256},
                "tables": tables,
                "files": files,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(taken_at.timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, file)
    return BackupSummary(
        file=file,
        database=dbcopy.describe_database(),
        tables=len(tables),
        rows=sum(tables.values()),
        files=len(files),
        file_bytes=sum(f["size"] for f in files.values()),
        proof_dir=proofs,
        archive_bytes=file.stat().st_size,
    )


def _add(archive: tarfile.TarFile, path: Path, name: str, reporter: Reporter) -> str:
    """Add one file under `name`, returning the sha256 of exactly the bytes archived."""
    digest = hashlib.sha256()

    class Reading:
        def read(self, size: int = -1) -> bytes:
            chunk = stream.read(size)
            digest.update(chunk)
            reporter.advance(len(chunk))
            return chunk

    with open(path, "rb") as stream:
        info = tarfile.TarInfo(name)
        info.size = os.fstat(stream.fileno()).st_size
        info.mode, info.mtime = 0o600, int(path.stat().st_mtime)
        archive.addfile(info, Reading())
    return digest.hexdigest()


# -- restore ------------------------------------------------------------------------------------


def restore(file: Path, *, force: bool = False, reporter: Reporter | None = None) -> RestoreSummary:
    """Restore `file` into this installation's database and proof folder."""
    reporter = reporter or Reporter()
    file = Path(file)
    if not file.is_file():
        raise BackupError(f"{file}: no such file.", bad_input=True)
    engine = dbcopy.engine()
    proofs = _proof_dir()
    try:
        archive = tarfile.open(file, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{file} is not an ESP Tracker backup ({exc}).", bad_input=True) from None
    with archive:
        try:
            members = {m.name: m for m in archive.getmembers()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{file} is damaged ({exc}); nothing was restored.") from None
        manifest = _manifest(file, archive, members)
        _check_engine(file, manifest, engine)
        existing_rows = {t: n for t, n in dbcopy.target_counts(engine).items() if n}
        existing_files = [name for name, _ in _proof_files(proofs)]
        if (existing_rows or existing_files) and not force:
            _refuse_existing(existing_rows, existing_files, proofs)
        _restore_archive(file, archive, members, manifest, engine, proofs, reporter)
    _verify(file, engine, manifest, proofs)
    return RestoreSummary(
        file=file,
        taken_at=datetime.fromisoformat(manifest["taken_at"]),
        database=dbcopy.describe_database(),
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        file_bytes=sum(f["size"] for f in manifest["files"].values()),
        proof_dir=proofs,
        kept=len(set(existing_files) - set(manifest["files"])),
        replaced=bool(existing_rows),
        pending_migrations=dbcopy.pending_migrations(),
    )


def _check_engine(file: Path, manifest: dict, engine: str) -> None:
    """A backup restores only into a database of the engine it was taken from."""
    if manifest["engine"] != engine:
        theirs, ours = ENGINE_NAMES[manifest["engine"]], ENGINE_NAMES[engine]
        raise BackupError(
            f"{file} holds a {theirs} database and this installation uses {ours} "
            f"({dbcopy.describe_database()}): restore it where ESP_DATABASE_URL names a {theirs} "
            "database.",
            bad_input=True,
        )


def _refuse_existing(existing_rows: dict[str, int], existing_files: list[str], proofs: Path):
    """Refuse, saying what is there, to restore over a database with rows or proof files."""
    what = []
    if existing_rows:
        largest = sorted(existing_rows, key=lambda t: (-existing_rows[t], t))[:3]
        tables = ", ".join(f"{t} {existing_rows[t]:,}" for t in largest)
        what.append(
            f"the {dbcopy.describe_database()} has rows in {len(existing_rows)} table(s) "
            f"({tables}{', ...' if len(existing_rows) > 3 else ''})"
        )
    if existing_files:
        what.append(f"{proofs} holds {len(existing_files)} file(s)")
    raise BackupError(
        "Nothing was restored: "
        + " and ".join(what)
        + ". Restore into an empty database and proof folder, or add --force to "
        "replace the database (files already in the proof folder are kept).",
        bad_input=True,
    )


def _restore_archive(
    file: Path,
    archive: tarfile.TarFile,
    members: dict,
    manifest: dict,
    engine: str,
    proofs: Path,
    reporter: Reporter,
) -> None:
    """Extract and check the whole archive, then replace the database and move the proof
    files in."""
    proofs.mkdir(parents=True, exist_ok=True)
    # Staged inside the proof folder: moving a file in is then a rename, also when the
    # folder is a mount of its own (NFS); a name starting with "." is never a proof.
    with tempfile.TemporaryDirectory(prefix=".esp-restore-", dir=proofs) as work:
        staged = _extract_checked(file, archive, members, manifest, Path(work), reporter)
        reporter.stage(f"Restoring the {ENGINE_NAMES[engine]} database")
        if engine == "sqlite":
            dbcopy.sqlite_restore(staged / manifest["database"]["member"])
        else:
            dbcopy.postgresql_restore(
                staged / manifest["database"]["member"], set(manifest["tables"])
            )
        reporter.stage("Restoring the proof files", len(manifest["files"]))
        for name in manifest["files"]:
            target = proofs / PurePosixPath(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged / PROOFS / PurePosixPath(name), target)
            reporter.advance(1)


def _manifest(file: Path, archive: tarfile.TarFile, members: dict) -> dict:
    if MANIFEST not in members:
        raise BackupError(
            f"{file} is not an ESP Tracker backup (it has no {MANIFEST}).", bad_input=True
        )
    try:
        manifest = json.load(archive.extractfile(members[MANIFEST]))
    except (ValueError, tarfile.TarError, OSError) as exc:
        raise BackupError(f"{file}: {MANIFEST} is unreadable ({exc}).") from None
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DATABASE_MEMBERS:
        raise BackupError(f"{file} is not an ESP Tracker backup.", bad_input=True)
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{file} is a version {manifest.get('version')} backup; this ESP Tracker reads "
            f"version {VERSION}.",
            bad_input=True,
        )
    expected = {manifest["database"]["member"], MANIFEST} | {
        f"{PROOFS}/{name}" for name in manifest["files"]
    }
    for name in manifest["files"]:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise BackupError(f"{file}: the file name '{name}' leaves the proof folder.")
    missing = sorted(expected - set(members))
    extra = sorted(set(members) - expected)
    if missing or extra:
        problem = f"{', '.join(missing)} missing" if missing else f"{', '.join(extra)} unexpected"
        raise BackupError(f"{file} does not match its manifest ({problem}); nothing was restored.")
    for name in expected:
        if not members[name].isfile():
            raise BackupError(f"{file}: {name} is not a plain file; nothing was restored.")
    return manifest


def _extract_checked(
    file: Path, archive, members: dict, manifest: dict, work: Path, reporter: Reporter
) -> Path:
    """Every member written under `work` and checked against the manifest: a damaged archive is
    found before anything is replaced."""
    database = manifest["database"]
    wanted = [(database["member"], database["sha256"], None)] + [
        (f"{PROOFS}/{name}", entry["sha256"], entry["size"])
        for name, entry in manifest["files"].items()
    ]
    reporter.stage("Checking the archive", sum(members[name].size for name, _, _ in wanted))
    for name, sha256, size in wanted:
        target = work / PurePosixPath(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with archive.extractfile(members[name]) as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    reporter.advance(len(chunk))
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(
                f"{file}: {name} is unreadable ({exc}); nothing was restored."
            ) from None
        if digest.hexdigest() != sha256 or (size is not None and target.stat().st_size != size):
            raise BackupError(
                f"{file}: {name} does not match its sha256 in the manifest (a damaged "
                "archive); nothing was restored."
            )
        os.chmod(target, 0o600)
    return work


def _verify(file: Path, engine: str, manifest: dict, proofs: Path) -> None:
    counts = dbcopy.target_counts(engine)
    differ = [
        f"{table}: {counts.get(table, 'no table')} instead of {rows}"
        for table, rows in sorted(manifest["tables"].items())
        if counts.get(table) != rows
    ] + [f"{table}: not in the backup" for table in sorted(set(counts) - set(manifest["tables"]))]
    bad_files = [
        name
        for name, entry in sorted(manifest["files"].items())
        if _sha256(proofs / PurePosixPath(name)) != entry["sha256"]
    ]
    if differ or bad_files:
        raise BackupError(
            f"The restore of {file} does not match its manifest: "
            + "; ".join(differ + [f"{name}: another sha256" for name in bad_files])
            + "."
        )


# -- shared -------------------------------------------------------------------------------------


def _proof_dir() -> Path:
    return Path(settings.ESP_PROOF_DIR)


def _proof_files(proofs: Path) -> list[tuple[str, Path]]:
    """(name relative to the folder, path) of every regular file under the proof folder, but
    none under a name starting with "." (a restore's staging) or a file system's lost+found."""
    if not proofs.is_dir():
        return []
    found = []
    for folder, folders, names in os.walk(proofs):
        folders[:] = sorted(d for d in folders if not d.startswith(".") and d not in NOT_PROOFS)
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(proofs).as_posix(), path))
    return found


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)
