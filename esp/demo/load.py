"""`esp demo`: a fresh database with the default program and a realistic season dated
relative to today, imported through the same importers as real files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Q

from esp.accounts.services import agent_account_open, staff_invite
from esp.callqueue.services import availability_set
from esp.demo.breakouts import demo_breakouts, in_esp_phase, working_now
from esp.demo.classrooms import demo_classrooms
from esp.demo.features import demo_connection, demo_mentors, demo_scorecards, demo_tbt
from esp.demo.moments import settle
from esp.demo.pace import demo_pace
from esp.demo.season import generate_season, write_season
from esp.demo.season_data import CALL_PASS_MARK, DEMO_SEASON_AGES
from esp.demo.tbt_day import demo_tbt_day
from esp.demo.touchups import touch_up
from esp.demo.uptraining import demo_uptraining
from esp.lib import clock
from esp.mailing.services.lists import list_set
from esp.programs.bootstrap import initialize
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.services import note_add
from esp.progress.services.activity import import_activity
from esp.roster.models import TrainingClass
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)
from esp.roster.services import import_classes, import_roster
from esp.roster.services.staff import ensure_staff
from esp.selfreport.services import link_issue

DEMO_AGENTS = 12 * len(DEMO_SEASON_AGES)  # classes of 12 (esp/demo/season.py)
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
    calendar = calendar_for(program)
    # the demo's moments fall in working hours, never after the clock (issue 17 item 12):
    # before the rooms open, the day so far is the previous business day's end
    working = working_now(clock.now(program.time_zone), calendar)
    season = generate_season(
        as_of=as_of, agents=agents, seed=seed, calendar=calendar, class_ages=DEMO_SEASON_AGES
    )
    # the demo's own touches (issue 17 item 12); the certifiers are the demo's two
    certifiers = [e for e, r, *_ in DEMO_STAFF if r == CERTIFIER]
    season = touch_up(season, as_of, calendar, certifiers=certifiers, last=working.date())
    with tempfile.TemporaryDirectory() as directory:
        paths = write_season(season, Path(directory))
        summaries = [
            import_classes(paths["classes"]),
            import_roster(paths["roster"]),
            import_activity(paths["activity"], source_label="demo"),
        ]
    email, password = login
    demo_staff(program, as_of, password)
    manager = demo_manager(email, password)
    demo_pace(program, as_of, last=working.date())
    demo_breakouts(program, as_of)
    demo_classrooms(program, as_of)
    demo_tbt_day(program, as_of, working)  # TBT SMEs and TBT access (issue 15 item 4)
    demo_tbt(program, as_of, working)  # proofs of agents with access
    certifier = get_user_model().objects.get(email=DEMO_STAFF[1][0])
    demo_scorecards(program, as_of, working, certifier)
    demo_connection(program, as_of, working, certifier)  # the certifier's Today (R-C2)
    demo_mentors(program, as_of)
    demo_uptraining(program, season.uptrained, manager)  # R-E3's undo due (issue 15)
    demo_agent_sign_in(program, as_of, password, day=working.date())
    settle(working, clock.now(program.time_zone))
    lines = [f"Demo season as of {as_of:%m/%d/%Y}:"] + [f"  {s}" for s in summaries]
    return "\n".join(lines)


def demo_manager(email: str, password: str):
    """The ESP Manager who signs in first (the CLI's demo login)."""
    User = get_user_model()
    manager, _ = User.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": "Morgan", "last_name": "Ellis"}
    )
    manager.is_staff = manager.is_superuser = manager.is_active = True
    manager.set_password(password)
    manager.save()
    manager.groups.add(Group.objects.get(name=ESP_MANAGER))
    return manager


DEMO_STAFF = [  # (sign-in, role, first name, last name): people's names, not "certifier1"
    ("coordinator@esp.example", CERT_COORDINATOR, "Grace", "Okafor"),
    ("certifier1@esp.example", CERTIFIER, "Marcus", "Bell"),
    ("certifier2@esp.example", CERTIFIER, "Renee", "Ortiz"),
    # the rest of the team of about ten (seed 004), available today; not in the banner
    ("keisha.grant@cxp.example", CERTIFIER, "Keisha", "Grant"),
    ("victor.osei@cxp.example", CERTIFIER, "Victor", "Osei"),
    ("hannah.lind@cxp.example", CERTIFIER, "Hannah", "Lind"),
    ("raj.malhotra@cxp.example", CERTIFIER, "Raj", "Malhotra"),
    ("elena.petrova@cxp.example", CERTIFIER, "Elena", "Petrova"),
    ("tomas.herrera@cxp.example", CERTIFIER, "Tomas", "Herrera"),
    ("tbt.sme@esp.example", TBT_SME, "Sam", "Whitaker"),
    ("licensing@esp.example", LICENSING, "Nina", "Castillo"),
    ("licensing@cxp.example", LICENSING, "Leah", "Brennan"),  # who recorded the exams
    ("wfm@esp.example", WFM, "Owen", "Price"),
]


def demo_staff(program, as_of, password: str) -> list[str]:
    """Sign-ins for each role of the demo (same password as the manager's): the demo classes'
    TLs and PMs, a cert coordinator, two certifiers available today, a TBT SME, licensing,
    WFM. Returns the e-mails, one per role."""
    shown = []
    hashed = make_password(password)  # one hash for every staff sign-in: hashing is slow by design
    for address, role, first, last in DEMO_STAFF:
        user = ensure_staff(address, role)
        shown.append(address)
        user.first_name, user.last_name = first, last
        user.is_active = True
        user.password = hashed
        user.save()
        if role == CERTIFIER and calendar_for(program).is_business_day(as_of):
            availability_set(certifier=user, day=as_of, available=True, actor=None)
    for training_class in TrainingClass.objects.prefetch_related("tls", "pms"):
        for user in [*training_class.tls.all(), *training_class.pms.all()]:
            if not user.is_active:
                user.is_active = True
                user.password = hashed
                user.save()
    # a new TL invited and not signed in yet: the ESP Manager's invitations page shows her
    staff_invite(
        email="dana.lopez@esp.example", first_name="Dana", last_name="Lopez", roles=[TL], actor=None
    )
    return shown


def demo_agent(program, as_of):
    """The demo's agent who signs in (issue 15 item 6): in the ESP phase, with a call scored
    (the calls still open when one is) and no self-report yet today, so their own page shows
    scores and today's report form."""
    facts = Fact.objects.filter(agent=OuterRef("pk"))
    agents = (
        in_esp_phase(program, as_of)
        .annotate(calls=Count("facts__item", filter=Q(facts__kind="call"), distinct=True))
        .order_by("employee_id")
    )
    reported = Exists(facts.filter(kind="self_report", date=as_of))
    for candidates in (
        agents.filter(calls__gt=0, calls__lt=program.calls_per_agent).exclude(reported),
        agents.filter(calls__gt=0).exclude(reported),
        agents.filter(calls__gt=0),
    ):
        found = candidates.first()
        if found is not None:
            return found
    return agents.first()


def demo_agent_sign_in(program, as_of, password: str, day=None):
    """One agent signs in with the demo's password and has a note written to them by their
    TL on `day` (the demo's working day), saying what their own facts say (issue 17 item 12),
    and the TL's staff-only remark beside it, which the agent never sees."""
    agent = demo_agent(program, as_of)
    if agent is None:
        return None
    day = day or as_of
    agent_account_open(agent=agent, password=password)
    tl = agent.tl or agent.training_class.tls.first()
    facts = Fact.objects.filter(agent=agent, date__lte=day)
    scores = dict(facts.filter(kind="call").order_by("date", "pk").values_list("item", "value"))
    passed = sum(1 for s in scores.values() if int(s) >= CALL_PASS_MARK)
    text = note_to_agent(
        tbt_done=facts.filter(kind="task", item="tbt", value="done").exists(),
        calls=len(scores),
        certified=passed >= program.calls_per_agent - 1,
        calls_per_agent=program.calls_per_agent,
    )
    note_add(agent=agent, text=text, day=day, actor=tl, to_agent=True)
    note_add(
        agent=agent,
        text="Staff only: watch the camera-off time during the afternoon sessions.",
        day=day,
        actor=tl,
    )
    return agent


CITRIX = "ask in the breakout room if Citrix logs you out again."


def note_to_agent(*, tbt_done: bool, calls: int, certified: bool, calls_per_agent: int) -> str:
    """The TL's note to the demo's agent, as their state stands (issue 17 item 12)."""
    if certified and tbt_done:
        return (
            "Good progress on the TBTs and the certification calls: you are ESP complete. "
            "Your transfer to production is next; " + CITRIX
        )
    if certified:
        return (
            "Good progress on the TBTs: finish the last ones and you are ESP complete (your "
            "certification calls are passed); " + CITRIX
        )
    if tbt_done and calls:
        return (
            f"Good progress on the TBTs: all done. {calls} of {calls_per_agent} certification "
            "calls scored so far: keep going with the certifier, and " + CITRIX
        )
    if tbt_done:
        return (
            "Good progress on the TBTs: all done. Your certification calls are next: the Cert "
            "Coordinator connects you with a certifier; " + CITRIX
        )
    if calls:
        return (
            f"Good progress on the TBTs: finish the last ones alongside your certification "
            f"calls ({calls} of {calls_per_agent} scored so far), and " + CITRIX
        )
    return (
        "Good progress on the TBTs: finish the last ones before your first certification "
        "call, and " + CITRIX
    )


def demo_banner(base_url: str, password: str) -> str:
    """What `esp demo` prints: where to sign in, a sign-in for every role (each TL and PM by
    name, with their classes) and how to open an agent's page (issue 17 item 11)."""
    base = base_url.rstrip("/")
    lines = [
        f"ESP Tracker demo: {base}/",
        f"Sign in at {base}/sign-in/ with an e-mail below; every password is {password}",
    ]
    people = [(ESP_MANAGER, u) for u in users_in_role(ESP_MANAGER)]
    for role in (CERT_COORDINATOR, CERTIFIER, TBT_SME, LICENSING, WFM):
        people += [(role, u) for u in users_in_role(role) if u.email.endswith("@esp.example")]
    width = max(len(r) for r, _ in people)
    for role, user in people:
        lines.append(f"  {role:<{width}}  {user.get_full_name():<18} {user.email}")
    for role, field in ((TL, "tls"), (PM, "pms")):
        for user, codes in _class_people(field):
            lines.append(
                f"  {role:<{width}}  {user.get_full_name():<18} {user.email}  ({', '.join(codes)})"
            )
    program = Program.objects.get()
    agent = demo_agent(program, clock.today(program.time_zone))
    if agent is not None:
        now = clock.now(program.time_zone)
        working = working_now(now, calendar_for(program))
        link = link_issue(agent, actor=None, now=working)
        settle(working, clock.now(program.time_zone))  # its audit row: the demo's moment too
        lines += [
            f"  {AGENT:<{width}}  {agent.name:<18} {agent.user.email if agent.user else ''}"
            "  (their own page: tasks, scores, notes to them, self-report)",
            f"The same agent's personal self-report link (no sign-in): {link}",
            f"The same agent as staff see them: {base}/agents/{agent.employee_id}/",
        ]
    return "\n".join(lines)


def users_in_role(role: str) -> list:
    return list(
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .order_by("last_name", "first_name", "email")
    )


def _class_people(field: str) -> list[tuple[object, list[str]]]:
    """Each TL (`field` "tls") or PM ("pms") of a demo class, with their classes' codes."""
    people: dict = {}
    for training_class in TrainingClass.objects.prefetch_related(field).order_by("start_date"):
        for user in getattr(training_class, field).all():
            people.setdefault(user, []).append(training_class.code)
    return sorted(people.items(), key=lambda p: (p[0].last_name, p[0].first_name))
