"""The layout that shows the architecture (issue 13, STYLE §1).

Read from the source with ``ast``, no Django needed:

- apps import each other in one direction only: the layers below, lowest first;
- ``esp.*`` is imported at the top of a module, never inside a function (``cli.py`` excepted:
  each command loads what it needs);
- the ORM is used only where reads and writes live (models, selectors, services, admin,
  migrations, the access scopes, the demo data) — views, pages, mails and rules receive data;
- every file under 600 lines and every function under 60 (the season generator excepted).

Run ``python tests/test_layout.py`` to list every violation at once.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

ESP = Path(__file__).resolve().parent.parent / "esp"

# Lowest first: an app may import only the apps before it.
LAYERS = [
    "lib",
    "rules",
    "audit",
    "programs",
    "roster",
    "access",
    "mailing",
    "accounts",
    "progress",
    "accountability",
    "certification",
    "callqueue",
    "tbt",
    "pace",
    "classrooms",
    "breakouts",
    "playbooks",
    "operations",
    "selfreport",
    "upkeep",
    "reports",
    "attendance",
    "api",
    "web",
    "demo",
]
TOP = {"cli", "settings", "urls", "wsgi"}

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60
LONG_ALLOWED = {"demo/season_data.py", "demo/season.py"}  # the generator reads better whole

# Where the ORM may be used: by file name, or anywhere in these packages.
ORM_FILES = {
    "models.py",
    "selectors.py",
    "services.py",
    "admin.py",
    "adminsite.py",
    "apps.py",
    "scopes.py",
    "defaults.py",
    "receivers.py",
    "signals.py",
}
ORM_DIRS = {"selectors", "services", "migrations", "demo", "management"}
ORM_CALLS = {"objects", "_default_manager", "_base_manager"}
WRITE_METHODS = {"save", "delete", "refresh_from_db"}


def sources() -> list[Path]:
    return sorted(p for p in ESP.rglob("*.py") if "migrations" not in p.parts)


def rel(path: Path) -> str:
    return path.relative_to(ESP).as_posix()


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "esp" or len(parts) < 2:
        return None
    return parts[1]


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ESP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = _module_of(path).split(".")
            if path.name != "__init__.py":
                base = base[:-1]
            base = base[: len(base) - node.level + 1]
            return [".".join(base + ([node.module] if node.module else []))]
        return [node.module or ""]
    return []


def _functions(module: ast.Module):
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _type_checking_blocks(module: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(module):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(child) for child in ast.walk(node))
    return ids


def layer_violations() -> list[str]:
    found = []
    for path in sources():
        own = app_of(_module_of(path))
        if own in TOP or own is None:
            continue
        skip = _type_checking_blocks(tree(path))
        for node in ast.walk(tree(path)):
            if id(node) in skip:
                continue
            for name in _imported(node, path):
                other = app_of(name)
                if other in (None, own) or other in TOP and own in TOP:
                    continue
                if other in TOP:
                    found.append(f"{rel(path)}:{node.lineno} imports {name} (top-level module)")
                elif LAYERS.index(other) > LAYERS.index(own):
                    found.append(
                        f"{rel(path)}:{node.lineno} ({own}) imports {name} ({other} is above)"
                    )
    return found


def function_import_violations() -> list[str]:
    found = []
    for path in sources():
        if rel(path) == "cli.py":
            continue
        own = app_of(_module_of(path))
        for function in _functions(tree(path)):
            for node in ast.walk(function):
                for name in _imported(node, path):
                    if path.name == "apps.py" and function.name == "ready" and app_of(name) == own:
                        continue  # Django's place to connect an app's own receivers
                    if name.startswith("esp"):
                        found.append(
                            f"{rel(path)}:{node.lineno} imports {name} inside {function.name}()"
                        )
    return found


def orm_allowed(path: Path) -> bool:
    return path.name in ORM_FILES or bool(ORM_DIRS & set(path.relative_to(ESP).parts[:-1]))


def orm_violations() -> list[str]:
    found = []
    for path in sources():
        if orm_allowed(path):
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and node.attr in ORM_CALLS:
                found.append(f"{rel(path)}:{node.lineno} uses .{node.attr}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITE_METHODS
                and not node.args
                and not (
                    isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"self", "super"}
                )
            ):
                found.append(f"{rel(path)}:{node.lineno} calls .{node.func.attr}()")
    return found


def size_violations() -> list[str]:
    found = []
    for path in sources():
        if rel(path) in LONG_ALLOWED:
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_FILE_LINES:
            found.append(f"{rel(path)} has {lines} lines")
        for function in _functions(tree(path)):
            length = function.end_lineno - function.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{rel(path)}:{function.lineno} {function.name}() has {length} lines")
    return found


def test_apps_are_layered():
    assert set(LAYERS) | TOP >= {app_of(_module_of(p)) for p in sources()} - {None, "esp"}
    assert layer_violations() == []


def test_no_esp_import_inside_a_function():
    assert function_import_violations() == []


def test_orm_only_in_models_selectors_and_services():
    assert orm_violations() == []


def test_files_and_functions_are_short():
    assert size_violations() == []


if __name__ == "__main__":
    checks = [layer_violations, function_import_violations, orm_violations, size_violations]
    total = 0
    for check in checks:
        lines = check()
        total += len(lines)
        print(f"## {check.__name__}: {len(lines)}")
        print("\n".join(lines))
    sys.exit(1 if total else 0)
