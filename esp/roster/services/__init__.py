"""Roster writes: the class and roster imports, and the class's people followed by its agents
(STYLE: services). Each write is audited."""

from .class_import import import_classes
from .people import CLASS_PEOPLE, class_people_follow
from .roster_import import import_roster

__all__ = ["CLASS_PEOPLE", "class_people_follow", "import_classes", "import_roster"]
