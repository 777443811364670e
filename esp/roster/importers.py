"""Temporary home of the roster imports' old path (issue 13): they live in
esp.roster.services now; esp/cli.py and esp/demo/load.py import them from there next."""

from .services import import_classes, import_roster

__all__ = ["import_classes", "import_roster"]
