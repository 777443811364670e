import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def program(db):
    from esp.programs.services import load_default_program
    from esp.roster.services.staff import ensure_roles

    ensure_roles()
    return load_default_program()


@pytest.fixture
def write(tmp_path):
    """Write a CSV file from text lines; returns its path."""
    counter = iter(range(1000))

    def write(text: str, name: str | None = None):
        path = tmp_path / (name or f"file{next(counter)}.csv")
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def esp(capsys):
    """Run the `esp` command in-process; returns (exit code, stdout, stderr)."""
    from esp.cli import main

    def run(*args: str):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
