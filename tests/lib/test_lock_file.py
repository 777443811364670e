"""The dependency lock file (issue 12 item 18): every dependency of pyproject.toml, the test
extras included, is pinned in requirements/lock.txt to a version within pyproject's range."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
RELOCK = (
    "pip-compile --extra=test --strip-extras --no-emit-index-url --no-emit-find-links "
    "--no-emit-trusted-host --output-file=requirements/lock.txt pyproject.toml"
)


def pins() -> dict[str, str]:
    found = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def test_it_pins_every_dependency_of_pyproject_within_its_range():
    """issue 12 item 18: re-lock (README, "Dependencies") after changing pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["test"]]
    locked = pins()
    problems = []
    for requirement in wanted:
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in requirements/lock.txt")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement.specifier}")
    assert problems == [], f"{problems}; re-lock with: {RELOCK}"


def test_it_pins_exact_versions_only_and_no_local_paths():
    """issue 12 item 18: the lock installs the same versions anywhere (no ranges, no paths of
    this machine's package mirror)."""
    lines = [
        line.strip()
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9._-]+==[^\s]+", line) for line in lines), [
        line for line in lines if not re.fullmatch(r"[A-Za-z0-9._-]+==[^\s]+", line)
    ]
    assert "file:" not in LOCK.read_text(encoding="utf-8")
