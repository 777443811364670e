"""`esp demo`: a fresh database with the default program and a realistic season dated
relative to today, imported through the same importers as real files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from esp.accounts.services import staff_invite
from esp.callqueue.services import availability_set
from esp.demo.breakouts import demo_breakouts
from esp.demo.classrooms import demo_classrooms
from esp.demo.pace import demo_pace
from esp.demo.season import generate_season, write_season
from esp.lib import clock
from esp.mailing.services.lists import list_set
from esp.programs.bootstrap import initialize
from esp.programs.calendars import calendar_for
from esp.progress.services.activity import import_activity
from esp.roster.models import TrainingClass
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER, ESP_MANAGER, LICENSING, TBT_SME, TL, WFM
from esp.roster.services import import_classes, import_roster
from esp.roster.services.staff import ensure_staff

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
    demo_staff(program, as_of, password)
    demo_pace(program, as_of)
    demo_breakouts(program, as_of)
    demo_classrooms(program, as_of)
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


DEMO_STAFF = [
    ("coordinator@esp.example", CERT_COORDINATOR),
    ("certifier1@esp.example", CERTIFIER),
    ("certifier2@esp.example", CERTIFIER),
    ("tbt.sme@esp.example", TBT_SME),
    ("licensing@esp.example", LICENSING),
    ("wfm@esp.example", WFM),
]


def demo_staff(program, as_of, password: str) -> list[str]:
    """Sign-ins for each role of the demo (same password as the manager's): the demo classes'
    TLs and PMs, a cert coordinator, two certifiers available today, a TBT SME, licensing,
    WFM. Returns the e-mails, one per role."""
    shown = []
    for address, role in DEMO_STAFF:
        user = ensure_staff(address, role)
        shown.append(address)
        user.is_active = True
        user.set_password(password)
        user.save()
        if role == CERTIFIER and calendar_for(program).is_business_day(as_of):
            availability_set(certifier=user, day=as_of, available=True, actor=None)
    for training_class in TrainingClass.objects.prefetch_related("tls", "pms"):
        for user in [*training_class.tls.all(), *training_class.pms.all()]:
            if not user.is_active:
                user.is_active = True
                user.set_password(password)
                user.save()
    # a new TL invited and not signed in yet: the ESP Manager's invitations page shows her
    staff_invite(
        email="dana.lopez@esp.example", first_name="Dana", last_name="Lopez", roles=[TL], actor=None
    )
    return shown
