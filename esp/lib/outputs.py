"""Where the `esp` commands write their files: checked before the work, so an output that
cannot be written is one line before minutes of building it (issue 17 item 14)."""

from __future__ import annotations

from pathlib import Path


class BadOutputName(ValueError):
    """The file's name does not fit what is written (SPEC §16: bad input, exit 2)."""


class CannotWrite(OSError):
    """The file cannot be written there (a failure, exit 1)."""


def check_output(path: Path, *, suffix: str | None = None, what: str = "") -> None:
    """Raise BadOutputName when `suffix` is given and `path` does not end in it, CannotWrite
    when its folder is missing or `path` is a folder. A write can still fail later (no
    permission, a full disk): the command reports that OSError in one line too."""
    if suffix and path.suffix.lower() != suffix:
        raise BadOutputName(
            f"{path}: {what or 'the file'} is written as {suffix}: name it "
            f"{path.with_suffix(suffix).name}"
        )
    folder = path.absolute().parent
    if path.is_dir():
        raise CannotWrite(f"cannot write {path}: it is a folder")
    if not folder.exists():
        raise CannotWrite(f"cannot write {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise CannotWrite(f"cannot write {path}: {folder} is not a folder")


def os_error_line(exc: OSError) -> str:
    """An OSError in one line: `FILE: reason` when it names a file."""
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)
