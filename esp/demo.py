"""`esp demo`: a fresh database with the default program and a realistic season dated
relative to today, imported through the same importers as real files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from esp import clock
from esp.mailing.lists import list_set
from esp.programs.calendars import calendar_for
from esp.progress.activity import import_activity
from esp.roster.importers import import_classes, import_roster
from esp.roster.staff import ESP_MANAGER
from esp.seasons import generate_season, write_season
from esp.setup import initialize

DEMO_AGENTS = 72
DEMO_LISTS = {
    "esp_managers": ["manager@esp.example"],
    "ops_leadership": ["ops.leadership@esp.example"],
    "ops_management": ["ops.management@esp.example"],
    "carrier_leadership": ["aetna.leadership@esp.example"],
    "wfm": ["wfm@esp.example"],
    "licensing": ["licensing@cxp.example"],
}


def load_demo(*, login: tuple[str, str], agents: int = DEMO_AGENTS, seed: int = 1) -> str:
    program = initialize()
    for key, addresses in DEMO_LISTS.items():
        list_set(key, addresses, actor_label="esp demo")
    as_of = clock.today(program.time_zone)
    season = generate_season(as_of=as_of, agents=agents, seed=seed, calendar=calendar_for(program))
    with tempfile.TemporaryDirectory() as directory:
        paths = write_season(season, Path(directory))
        summaries = [
            import_classes(paths["classes"]),
            import_roster(paths["roster"]),
            import_activity(paths["activity"], source_label="demo"),
        ]
    email, password = login
    User = get_user_model()
    manager, _ = User.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": "Demo", "last_name": "Manager"}
    )
    manager.is_staff = manager.is_superuser = manager.is_active = True
    manager.set_password(password)
    manager.save()
    manager.groups.add(Group.objects.get(name=ESP_MANAGER))
    lines = [f"Demo season as of {as_of:%m/%d/%Y}:"] + [f"  {s}" for s in summaries]
    return "\n".join(lines)
