"""The virtual classroom planner (issue 8 item 1, R-S1–R-S3): rooms per class and phase, the
warnings, the invitations (.ics, RFC 5545) sent through the outbox and parsed back, and the
ESP invite ladder (extend day by day, then move or propose a new classroom).

Classes (default program, §3 phase dates; Veterans Day 11/11 and Thanksgiving 11/26 off):
- AET-A starts Monday 11/02/2026: training 11/10–11/24, ESP 11/25, 11/27, 11/30.
- AET-C starts Monday 11/16/2026: training 11/24–12/08, ESP 12/09, 12/10, 12/11.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from icalendar import Calendar

from esp.audit.models import AuditEntry
from esp.classrooms import selectors, services
from esp.classrooms.models import BREAKOUT, CALL_CERT, MAIN, SHADOWING, Classroom, Invitation
from esp.mailing.models import OutboxMessage
from esp.programs.models import Phase
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import ESP_MANAGER, TL
from tests.web_support import messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
D = date

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-C,esp-aetna,Aetna,PRV,2026-11-16,tl.two@cxp.example,pm.two@cxp.example
"""
ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Best,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E101,Cy,Cole,cy@cxp.example,cy@mail.example,AET-C,tl.two@cxp.example
"""


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def world(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return staff("esp.manager@cxp.example", ESP_MANAGER)


def phase(key: str) -> Phase:
    return Phase.objects.get(program__key="esp-aetna", key=key)


def esp_room(
    code: str, first: date, last: date, manager, link="https://g2t.example/esp"
) -> Classroom:
    return services.room_create(
        training_class=TrainingClass.objects.get(code=code),
        phase=phase("esp"),
        kind=MAIN,
        name="Call Certs and TBTs classroom",
        provider="g2t",
        link=link,
        first_day=first,
        last_day=last,
        actor=manager,
        now=at(first, 7),
    )


def change_room(room: Classroom, actor, now: datetime, **changes) -> int:
    """Change a room through the service as the page would, from its current values."""
    room.refresh_from_db()
    fields = dict(
        name=room.name,
        provider=room.provider,
        link=room.link,
        first_day=room.first_day,
        last_day=room.last_day,
        link_valid_from=room.link_valid_from,
    )
    fields.update(changes)
    return services.room_update(room=room, version=room.version, actor=actor, now=now, **fields)


def invites_of(employee_id: str) -> list[tuple[Calendar, OutboxMessage]]:
    """The agent's invitation e-mails in outbox order, each with its parsed .ics."""
    found = []
    for row in OutboxMessage.objects.filter(
        report=services.REPORT, list_key=f"agent:{employee_id}"
    ).order_by("pk"):
        (attachment,) = row.attachments.all()
        assert attachment.filename == "invite.ics"
        assert attachment.content_type.startswith("text/calendar")
        found.append((Calendar.from_ical(bytes(attachment.content)), row))
    return found


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def days_of(event) -> list[date]:
    """Every day the event occurs on: DTSTART, repeated by its RRULE, less its EXDATEs."""
    start = event.decoded("dtstart")
    rule = event.get("rrule")
    if rule is None:
        return [start.astimezone(CHICAGO).date()]
    skipped = set()
    exdates = event.get("exdate")
    for group in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        skipped |= {d.dt for d in group.dts}
    occurrences = rrulestr(rule.to_ical().decode(), dtstart=start)
    return [d.astimezone(CHICAGO).date() for d in occurrences if d not in skipped]


# -- invitations, updates and cancellations (R-S2) ------------------------------------------------


def test_an_invite_its_update_and_its_cancellation_keep_the_uid_with_a_rising_sequence(world):
    manager = world
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    assert (
        services.invites_send(
            room=room, actor=manager, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20)
        )
        == 2
    )

    ((invite, row),) = invites_of("E001")
    assert sorted(row.to) == ["ann@cxp.example", "ann@mail.example"]  # R-S2: both addresses
    assert row.subject == "Invitation: AET-A Call Certs and TBTs classroom, 11/25/2026–11/30/2026"
    assert str(invite["method"]) == "REQUEST"
    event = event_of(invite)
    uid = str(event["uid"])
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 8:00 AM CST
    assert event.decoded("dtend") == datetime(2026, 11, 25, 22, 30, tzinfo=UTC)  # 4:30 PM CST
    assert days_of(event) == [D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 30)]  # no Thanksgiving
    assert str(event["location"]) == "https://g2t.example/esp"
    assert sorted(str(a) for a in event["attendee"]) == [
        "mailto:ann@cxp.example",
        "mailto:ann@mail.example",
    ]

    room.refresh_from_db()
    updated = change_room(room, manager, at(D(2026, 11, 23)), link="https://g2t.example/esp-new")
    assert updated == 2
    room.refresh_from_db()
    services.room_cancel(room=room, actor=manager, now=at(D(2026, 11, 24)), note="merged")

    sent = invites_of("E001")
    assert [str(c["method"]) for c, _ in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [event_of(c) for c, _ in sent]
    assert {str(e["uid"]) for e in events} == {uid}
    assert [e["sequence"] for e in events] == [0, 1, 2]
    assert str(events[1]["location"]) == "https://g2t.example/esp-new"
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [r.subject.split(":")[0] for _, r in sent] == ["Invitation", "Updated", "Cancelled"]
    # the other agent has a UID of their own
    (other, _), *_ = invites_of("E002")
    assert str(event_of(other)["uid"]) != uid
    assert Invitation.objects.filter(status=Invitation.CANCELLED).count() == 2
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    for action in (
        "classroom_create",
        "classroom_invites_send",
        "classroom_update",
        "classroom_cancel",
    ):
        assert action in actions


def test_sending_again_invites_only_agents_not_yet_invited(world, write, esp):
    manager = world
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    services.invites_send(room=room, actor=manager, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    assert (
        services.invites_send(
            room=room, actor=manager, now=at(D(2026, 11, 23)), as_of=D(2026, 11, 23)
        )
        == 0
    )
    code, _, err = esp(
        "import",
        "roster",
        write(
            ROSTER + "E003,Dee,Dunn,dee@cxp.example,dee@mail.example,AET-A,tl.one@cxp.example",
            "r2.csv",
        ),
    )
    assert code == 0, err
    assert (
        services.invites_send(
            room=room, actor=manager, now=at(D(2026, 11, 23)), as_of=D(2026, 11, 23)
        )
        == 1
    )
    assert len(invites_of("E003")) == 1
    assert len(invites_of("E001")) == 1


def test_a_stale_room_edit_is_refused_and_changes_nothing(world):
    manager = world
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    stale = room.version
    fields = dict(
        name=room.name,
        provider="g2t",
        first_day=room.first_day,
        last_day=room.last_day,
        link_valid_from=None,
        actor=manager,
        now=at(D(2026, 11, 20)),
    )
    services.room_update(room=room, version=stale, link="https://g2t.example/one", **fields)
    with pytest.raises(ValidationError, match="Someone else changed this room"):
        services.room_update(room=room, version=stale, link="https://g2t.example/two", **fields)
    room.refresh_from_db()
    assert room.link == "https://g2t.example/one"


@pytest.mark.parametrize(
    ("first", "last", "link", "message"),
    [
        (D(2026, 11, 28), D(2026, 11, 29), "", "has no business day"),
        (D(2026, 11, 30), D(2026, 11, 25), "", "is after the last day"),
        (D(2026, 11, 25), D(2026, 11, 30), "javascript:alert(1)", "must start with https://"),
    ],
)
def test_a_bad_room_is_refused_with_a_plain_message(world, first, last, link, message):
    with pytest.raises(ValidationError, match=message):
        esp_room("AET-A", first, last, world, link=link)
    assert not Classroom.objects.exists()


# -- the plan: warnings and links a phase needs (R-S1) ------------------------------------------


def plan_of(code: str, key: str, as_of: date, now: datetime):
    plans = selectors.class_plan(TrainingClass.objects.get(code=code), as_of, now)
    return next(p for p in plans if p.phase.key == key)


def test_a_training_phase_over_thanksgiving_needs_three_links_and_its_side_room(world):
    plan = plan_of("AET-C", "training", D(2026, 11, 18), at(D(2026, 11, 18)))
    assert plan.days[0] == D(2026, 11, 24) and plan.days[-1] == D(2026, 12, 8)
    assert plan.missing_links == [
        (D(2026, 11, 24), D(2026, 11, 30)),
        (D(2026, 12, 1), D(2026, 12, 7)),
        (D(2026, 12, 8), D(2026, 12, 8)),
    ]
    assert plan.missing_sides == [BREAKOUT]
    esp_plan = plan_of("AET-C", "esp", D(2026, 11, 18), at(D(2026, 11, 18)))
    assert esp_plan.missing_sides == [CALL_CERT, SHADOWING, BREAKOUT]
    assert esp_plan.missing_links == [(D(2026, 12, 9), D(2026, 12, 11))]


def test_one_link_for_the_whole_training_is_flagged_as_expiring(world):
    training = TrainingClass.objects.get(code="AET-C")
    services.room_create(
        training_class=training,
        phase=phase("training"),
        kind=MAIN,
        name="Training classroom",
        provider="g2t",
        link="https://g2t.example/training",
        first_day=D(2026, 11, 24),
        last_day=D(2026, 12, 8),
        actor=world,
        now=at(D(2026, 11, 18)),
    )
    plan = plan_of("AET-C", "training", D(2026, 11, 18), at(D(2026, 11, 18)))
    (room,) = plan.rooms
    assert [w.kind for w in room.warnings] == ["invite_due", "link_expires"]
    assert room.warnings[0].text == (
        "Send the invites by 11/19/2026 (3 business days before 11/24/2026)."
    )
    assert "make a new link from 12/01/2026" in room.warnings[1].text
    assert plan.missing_links == [
        (D(2026, 12, 1), D(2026, 12, 7)),
        (D(2026, 12, 8), D(2026, 12, 8)),
    ]


def test_the_esp_room_warns_when_the_lead_time_passes_without_invites(world):
    esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    # 3 business days before Wednesday 12/09 is Friday 12/04
    (room,) = plan_of("AET-C", "esp", D(2026, 12, 4), at(D(2026, 12, 4))).rooms
    assert [(w.kind, w.severity) for w in room.warnings] == [("invite_due", "info")]
    (room,) = plan_of("AET-C", "esp", D(2026, 12, 7), at(D(2026, 12, 7))).rooms
    assert [w.kind for w in room.warnings] == ["invite_late"]
    assert room.warnings[0].text.startswith("Invites are late: they were due by 12/04/2026")


def test_a_class_closure_is_not_a_class_day_of_its_rooms(world):
    from esp.roster.models import ClassDay

    ClassDay.objects.create(
        training_class=TrainingClass.objects.get(code="AET-C"), date=D(2026, 12, 10), closed=True
    )
    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 12, 3)), as_of=D(2026, 12, 3))
    ((invite, _),) = invites_of("E101")
    assert days_of(event_of(invite)) == [D(2026, 12, 9), D(2026, 12, 11)]


# -- R-S3: extend day by day, then move ----------------------------------------------------------


def ladder(as_of: date):
    return selectors.esp_ladder(
        TrainingClass.objects.get(code="AET-A").program, as_of, Agent.objects.all()
    )


def test_the_esp_invite_is_extended_twice_then_moved_to_the_classroom_starting_next(world):
    manager = world
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    services.invites_send(room=room, actor=manager, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    ann = Agent.objects.get(employee_id="E001")

    assert ladder(D(2026, 11, 27)) == []  # the invite still runs to Monday 11/30
    rows = ladder(D(2026, 11, 30))
    assert [(r.agent.employee_id, r.step.action, r.step.day) for r in rows] == [
        ("E001", "extend", D(2026, 12, 1)),
        ("E002", "extend", D(2026, 12, 1)),
    ]
    services.invitation_extend(
        agent=ann, actor=manager, now=at(D(2026, 11, 30), 16), as_of=D(2026, 11, 30)
    )
    services.invitation_extend(
        agent=ann, actor=manager, now=at(D(2026, 12, 1), 16), as_of=D(2026, 12, 1)
    )
    with pytest.raises(ValidationError, match="move them to another ESP classroom"):
        services.invitation_extend(
            agent=ann, actor=manager, now=at(D(2026, 12, 2), 16), as_of=D(2026, 12, 2)
        )

    (row,) = [r for r in ladder(D(2026, 12, 2)) if r.agent == ann]
    assert row.step.action == "move"
    assert row.targets == []  # no other ESP classroom: propose one
    assert row.proposal == [D(2026, 12, 3), D(2026, 12, 4), D(2026, 12, 7)]

    target = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), manager)
    (row,) = [r for r in ladder(D(2026, 12, 2)) if r.agent == ann]
    assert [(room.pk, days) for room, days in row.targets] == [
        (target.pk, (D(2026, 12, 9), D(2026, 12, 10), D(2026, 12, 11)))
    ]
    services.invitation_move(
        agent=ann, room=target, actor=manager, now=at(D(2026, 12, 2), 16), as_of=D(2026, 12, 2)
    )

    sent = invites_of("E001")
    events = [event_of(c) for c, _ in sent]
    assert [str(c["method"]) for c, _ in sent] == [
        "REQUEST",
        "REQUEST",
        "REQUEST",
        "CANCEL",
        "REQUEST",
    ]
    old_uid = str(events[0]["uid"])
    assert [str(e["uid"]) == old_uid for e in events] == [True, True, True, True, False]
    assert [e["sequence"] for e in events] == [0, 1, 2, 3, 0]
    assert days_of(events[1]) == [D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 30), D(2026, 12, 1)]
    assert days_of(events[2])[-2:] == [D(2026, 12, 1), D(2026, 12, 2)]
    assert days_of(events[4]) == [D(2026, 12, 9), D(2026, 12, 10), D(2026, 12, 11)]
    assert str(events[4]["summary"]) == "AET-C Call Certs and TBTs classroom"
    # the agent keeps their class (R-T3 is a separate move); only the classroom changed
    ann.refresh_from_db()
    assert ann.training_class.code == "AET-A"
    assert [r.agent for r in ladder(D(2026, 12, 2))] == [Agent.objects.get(employee_id="E002")]
    assert AuditEntry.objects.filter(action="classroom_invite_move", object_id="E001").exists()
    assert (
        AuditEntry.objects.filter(action="classroom_invite_extend", object_id="E001").count() == 2
    )


def test_a_move_to_a_room_not_offered_is_refused(world):
    manager = world
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    services.invites_send(room=room, actor=manager, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    ann = Agent.objects.get(employee_id="E001")
    with pytest.raises(ValidationError, match="can still be extended"):
        services.invitation_move(
            agent=ann, room=room, actor=manager, now=at(D(2026, 11, 30)), as_of=D(2026, 11, 30)
        )
    for day in (D(2026, 11, 30), D(2026, 12, 1)):
        services.invitation_extend(agent=ann, actor=manager, now=at(day, 16), as_of=day)
    with pytest.raises(ValidationError, match="not an ESP classroom running or starting next"):
        services.invitation_move(
            agent=ann, room=room, actor=manager, now=at(D(2026, 12, 2)), as_of=D(2026, 12, 2)
        )


# -- pages -----------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, world):
    client.force_login(world)
    return client


def test_the_planner_lists_classes_and_the_ladder_and_the_manager_acts_from_it(signed_in, world):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    with time_machine.travel(at(D(2026, 11, 30), 15), tick=False):
        signed_in.force_login(world)  # sessions end after 12 hours (issue 4)
        page = signed_in.get("/classrooms/").content.decode()
        assert "AET-A" in page and "AET-C" in page
        assert "Extend the invite to 12/01/2026" in page
        response = signed_in.post("/classrooms/agents/E001/extend/", {"as_of": "2026-11-30"})
        assert response.status_code == 302
        assert "Ann Able's invite now runs to 12/01/2026; the update is queued." in messages_of(
            response
        )
    assert Invitation.objects.get(agent__employee_id="E001").extensions == 1
    with time_machine.travel(at(D(2026, 11, 30), 15), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/agents/E001/").content.decode()
    assert (
        "AET-A Call Certs and TBTs classroom: "
        '<a href="https://g2t.example/esp" rel="noopener noreferrer">https://g2t.example/esp</a>\n'
        "— 11/25/2026, 11/27/2026, 11/30/2026, 12/01/2026 (1 extra day)"
    ) in page


def test_the_class_page_adds_a_room_from_a_missing_link_and_sends_invites(signed_in, world):
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/classrooms/AET-C/").content.decode()
        assert "Main classroom link for 11/24/2026–11/30/2026" in page
        response = signed_in.post(
            "/classrooms/AET-C/rooms/",
            {
                "as_of": "2026-11-18",
                "phase": "training",
                "kind": "main",
                "name": "Training classroom",
                "provider": "g2t",
                "link": "https://g2t.example/t1",
                "first_day": "2026-11-24",
                "last_day": "2026-11-30",
            },
        )
        assert messages_of(response) == ["Room Training classroom added."]
        room = Classroom.objects.get()
        response = signed_in.post(
            f"/classrooms/AET-C/rooms/{room.pk}/send/", {"as_of": "2026-11-18"}
        )
        assert messages_of(response)[-1] == "1 invitation queued for Training classroom."
        page = signed_in.get("/classrooms/AET-C/").content.decode()
        assert "Main classroom link for 11/24/2026–11/30/2026" not in page
        assert "Main classroom link for 12/01/2026–12/07/2026" in page
        bad = signed_in.post(
            "/classrooms/AET-C/rooms/",
            {
                "phase": "training",
                "kind": "main",
                "name": "x",
                "provider": "g2t",
                "first_day": "13/45/2026",
                "last_day": "",
            },
        )
        assert "First day: enter a date as MM/DD/YYYY" in messages_of(bad)[-1]
    assert len(invites_of("E101")) == 1


def test_a_tl_sees_only_their_classes_rooms(client, world):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    tl_two = staff("tl.two@cxp.example", TL)
    client.force_login(tl_two)
    assert client.get("/classrooms/AET-A/").status_code == 404
    assert client.post(f"/classrooms/AET-A/rooms/{room.pk}/send/").status_code == 404
    assert client.get("/classrooms/AET-C/").status_code == 200
    page = client.get("/classrooms/").content.decode()
    assert "AET-C" in page and "AET-A" not in page
    assert not Invitation.objects.exists()


def test_the_today_page_names_invites_to_send_and_esp_invites_to_extend(signed_in, world):
    esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    with time_machine.travel(at(D(2026, 12, 3)), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/today/").content.decode()
    assert "Call Certs and TBTs classroom (12/09/2026): invites due by 12/04/2026" in page
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    with time_machine.travel(at(D(2026, 12, 7)), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/today/").content.decode()
    assert 'invites <strong class="late">late, due 12/04/2026</strong>' in page
    assert "Call Certs and TBTs classroom: extend the ESP invite to 12/08/2026" in page


def test_the_breakout_queue_offers_the_planners_breakout_rooms_open_today(signed_in, world):
    services.room_create(
        training_class=TrainingClass.objects.get(code="AET-C"),
        phase=phase("training"),
        kind=BREAKOUT,
        name="Breakout (help)",
        provider="g2t",
        link="https://g2t.example/help",
        first_day=D(2026, 11, 24),
        last_day=D(2026, 12, 8),
        actor=world,
        now=at(D(2026, 11, 20)),
    )
    with time_machine.travel(at(D(2026, 11, 24)), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/breakouts/").content.decode()
    assert '<option value="AET-C Breakout (help)">' in page
    assert '(<a href="https://g2t.example/help" rel="noopener noreferrer">link</a>)' in page
    with time_machine.travel(at(D(2026, 12, 9)), tick=False):
        signed_in.force_login(world)
        assert "AET-C Breakout (help)" not in signed_in.get("/breakouts/").content.decode()


def test_the_demo_plans_rooms_sends_due_invites_and_leaves_moves_to_make(world):
    from esp.demo.classrooms import demo_classrooms

    program = TrainingClass.objects.get(code="AET-A").program
    with time_machine.travel(at(D(2026, 12, 2)), tick=False):
        demo_classrooms(program, D(2026, 12, 2))
    rooms = {
        (r.training_class.code, r.phase.key, r.kind, r.first_day): r.invites_sent_at is not None
        for r in Classroom.objects.select_related("training_class", "phase")
    }
    assert rooms == {
        ("AET-A", "esp", MAIN, D(2026, 11, 25)): True,
        ("AET-A", "esp", CALL_CERT, D(2026, 11, 25)): False,
        ("AET-A", "esp", SHADOWING, D(2026, 11, 25)): False,
        ("AET-A", "esp", BREAKOUT, D(2026, 11, 25)): False,
        ("AET-C", "training", MAIN, D(2026, 11, 24)): True,
        ("AET-C", "training", MAIN, D(2026, 12, 1)): True,
        ("AET-C", "training", MAIN, D(2026, 12, 8)): False,  # its invites are due 12/03
        ("AET-C", "training", BREAKOUT, D(2026, 11, 24)): False,
        ("AET-C", "esp", MAIN, D(2026, 12, 9)): False,
        ("AET-C", "esp", CALL_CERT, D(2026, 12, 9)): False,
        ("AET-C", "esp", SHADOWING, D(2026, 12, 9)): False,
        ("AET-C", "esp", BREAKOUT, D(2026, 12, 9)): False,
    }
    rows = ladder(D(2026, 12, 2))
    assert [(r.agent.employee_id, r.step.action, r.invitation.extensions) for r in rows] == [
        ("E001", "move", 2),
        ("E002", "move", 2),
    ]
    assert [(room.training_class.code, days[0]) for room, days in rows[0].targets] == [
        ("AET-C", D(2026, 12, 9))
    ]
    due = selectors.invites_due(TrainingClass.objects.all(), D(2026, 12, 2))
    assert [(d.room.training_class.code, d.room.first_day, d.deadline) for d in due] == [
        ("AET-C", D(2026, 12, 8), D(2026, 12, 3)),
        ("AET-C", D(2026, 12, 9), D(2026, 12, 4)),  # within 2 business days
    ]


def test_a_room_whose_days_are_all_closed_sends_no_invite(world):
    from esp.roster.models import ClassDay

    training_class = TrainingClass.objects.get(code="AET-C")
    for day in (D(2026, 12, 9), D(2026, 12, 10), D(2026, 12, 11)):
        ClassDay.objects.create(training_class=training_class, date=day, closed=True)
    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    with pytest.raises(ValidationError, match="the class is closed on each of them"):
        services.invites_send(room=room, actor=world, now=at(D(2026, 12, 3)), as_of=D(2026, 12, 3))
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.filter(report=services.REPORT).exists()


def test_a_phase_that_is_over_asks_for_nothing_more(world):
    # AET-C's onboarding was 11/16–11/17 and its licensing 11/18–11/23
    plan = plan_of("AET-C", "onboarding", D(2026, 11, 18), at(D(2026, 11, 18)))
    assert plan.past and plan.missing_links == [] and plan.missing_sides == []
    assert plan.warning_count == 0
    plan = plan_of("AET-C", "licensing", D(2026, 11, 18), at(D(2026, 11, 18)))
    assert not plan.past and plan.missing_links == [(D(2026, 11, 18), D(2026, 11, 23))]


# -- review findings: what mail clients need, moves, links, owners -----------------------------


def test_the_invite_mail_carries_the_calendar_as_an_alternative_and_an_attachment(world):
    from esp.mailing.services.outbox import build_email

    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    (_, row), *_ = invites_of("E001")
    message = build_email(row).message()
    parts = [(p.get_content_type(), p.get_params(), p.get_filename()) for p in message.walk()]
    calendars = [p for p in parts if p[0] == "text/calendar"]
    assert [name for _, _, name in calendars] == [None, "invite.ics"]  # inline, then attached
    for _, params, _ in calendars:
        assert ("method", "REQUEST") in params
        assert [k for k, _ in params].count("charset") == 1
    body = message.as_string()
    assert "RRULE:FREQ=DAILY;UNTIL=20261130T140000Z" in body
    assert "DTSTART;TZID=America/Chicago:20261125T080000" in body
    assert "BEGIN:VTIMEZONE" in body


def test_moving_a_room_earlier_gives_everyone_the_new_days(world):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 18)), as_of=D(2026, 11, 18))
    room.refresh_from_db()
    change_room(room, world, at(D(2026, 11, 19)), first_day=D(2026, 11, 23))
    (_, _), (update, _) = invites_of("E001")
    assert days_of(event_of(update)) == [
        D(2026, 11, 23),
        D(2026, 11, 24),
        D(2026, 11, 25),
        D(2026, 11, 27),
        D(2026, 11, 30),
    ]


def test_an_agent_moved_to_another_class_leaves_its_rooms_and_joins_the_new_ones(world, client):
    a_room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    c_room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    services.invites_send(room=a_room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    with time_machine.travel(at(D(2026, 11, 23)), tick=False):
        client.force_login(world)
        response = client.post(
            "/agents/E002/move/", {"to_class": "AET-C", "date": "2026-11-23", "reason": "Sick"}
        )
    assert "Move recorded." in messages_of(response)
    (_, _), (cancel, row) = invites_of("E002")
    assert str(cancel["method"]) == "CANCEL"
    assert Invitation.objects.get(agent__employee_id="E002").status == Invitation.CANCELLED
    # the new class's room invites the mover; the old class's no longer does
    assert (
        services.invites_send(
            room=c_room, actor=world, now=at(D(2026, 12, 1)), as_of=D(2026, 12, 1)
        )
        == 2
    )
    assert [a.employee_id for a in selectors.room_agents(a_room, D(2026, 11, 23))] == ["E001"]
    assert [a.employee_id for a in selectors.room_agents(c_room, D(2026, 12, 1))] == [
        "E002",
        "E101",
    ]


def test_extension_days_past_the_links_week_are_flagged(world):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    ann = Agent.objects.get(employee_id="E001")
    for day in (D(2026, 11, 30), D(2026, 12, 1)):
        services.invitation_extend(agent=ann, actor=world, now=at(day, 16), as_of=day)
    (plan_room,) = plan_of("AET-A", "esp", D(2026, 12, 1), at(D(2026, 12, 1))).rooms
    # the link of 11/25 works through 12/01; Ann's second extra day is 12/02
    assert [w.kind for w in plan_room.warnings] == ["link_expires"]
    assert "used until 12/02/2026: make a new link from 12/02/2026" in plan_room.warnings[0].text


def test_a_licensing_link_sent_late_is_flagged_even_if_invites_went_out_early(world):
    training = TrainingClass.objects.get(code="AET-C")  # licensing 11/18–11/23
    room = services.room_create(
        training_class=training,
        phase=phase("licensing"),
        kind=MAIN,
        name="AHIP classroom",
        provider="g2t",
        link="",
        first_day=D(2026, 11, 18),
        last_day=D(2026, 11, 23),
        actor=world,
        now=at(D(2026, 11, 10)),
    )
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 10)), as_of=D(2026, 11, 10))
    room.refresh_from_db()
    # 17 hours before 8:00 AM on 11/18
    change_room(room, world, at(D(2026, 11, 17), 15), link="https://g2t.example/ahip")
    (plan_room,) = plan_of("AET-C", "licensing", D(2026, 11, 18), at(D(2026, 11, 18))).rooms
    assert [w.kind for w in plan_room.warnings] == ["link_late"]


def test_names_with_apostrophes_and_ampersands_arrive_as_written(world):
    Agent.objects.filter(employee_id="E101").update(first_name="D'Arcy")
    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    room.name = "Q&A <TBT> room"
    room.save()
    services.invites_send(room=room, actor=world, now=at(D(2026, 12, 3)), as_of=D(2026, 12, 3))
    ((invite, row),) = invites_of("E101")
    assert row.subject == "Invitation: AET-C Q&A <TBT> room, 12/09/2026–12/11/2026"
    assert row.text.startswith("Hello D'Arcy,")
    assert "Hello D&#x27;Arcy" in row.html  # the HTML part escapes
    assert str(event_of(invite)["summary"]) == "AET-C Q&A <TBT> room"


def test_licensing_and_the_cert_coordinator_change_only_their_phases_rooms(client, world):
    from esp.roster.roles import CERT_COORDINATOR, LICENSING

    esp = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    licensing = staff("licensing@cxp.example", LICENSING)
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):  # AET-C is in licensing
        client.force_login(licensing)
        assert client.post(f"/classrooms/AET-C/rooms/{esp.pk}/cancel/").status_code == 404
        response = client.post(
            "/classrooms/AET-C/rooms/",
            {"phase": "training", "kind": "main", "name": "T", "provider": "g2t",
             "first_day": "2026-11-24", "last_day": "2026-11-30"},
        )  # fmt: skip
        assert "The Training classrooms belong to Training team" in messages_of(response)[-1]
        response = client.post(
            "/classrooms/AET-C/rooms/",
            {"phase": "licensing", "kind": "main", "name": "AHIP", "provider": "g2t",
             "first_day": "2026-11-18", "last_day": "2026-11-23"},
        )  # fmt: skip
        assert messages_of(response)[-1] == "Room AHIP added."
    coordinator = staff("cert.coordinator@cxp.example", CERT_COORDINATOR)
    with time_machine.travel(at(D(2026, 12, 9)), tick=False):  # AET-C is in ESP
        client.force_login(coordinator)
        response = client.post(f"/classrooms/AET-C/rooms/{esp.pk}/send/", {"as_of": "2026-12-09"})
        assert response.status_code == 302
    esp.refresh_from_db()
    assert esp.cancelled_at is None and esp.invites_sent_at is not None


def test_the_proposed_classroom_takes_extended_agents_by_move_only(world):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    ann = Agent.objects.get(employee_id="E001")
    for day in (D(2026, 11, 30), D(2026, 12, 1)):
        services.invitation_extend(agent=ann, actor=world, now=at(day, 16), as_of=day)
    (row,) = [r for r in ladder(D(2026, 12, 2)) if r.agent == ann]
    overflow = services.room_create(
        training_class=TrainingClass.objects.get(code="AET-A"),
        phase=phase("esp"),
        kind=MAIN,
        name="ESP classroom (extended agents)",
        provider="g2t",
        link="https://g2t.example/overflow",
        first_day=row.proposal[0],
        last_day=row.proposal[-1],
        overflow=True,
        actor=world,
        now=at(D(2026, 12, 2)),
    )
    with pytest.raises(ValidationError, match="they join it by a move"):
        services.invites_send(
            room=overflow, actor=world, now=at(D(2026, 12, 2)), as_of=D(2026, 12, 2)
        )
    services.invitation_move(
        agent=ann, room=overflow, actor=world, now=at(D(2026, 12, 2), 16), as_of=D(2026, 12, 2)
    )
    moved = Invitation.objects.get(classroom=overflow)
    assert (moved.agent, moved.from_day) == (ann, D(2026, 12, 3))
    plan = plan_of("AET-A", "esp", D(2026, 12, 2), at(D(2026, 12, 2)))
    assert [w.kind for r in plan.rooms if r.room == overflow for w in r.warnings] == []


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://g2t.example/a\r\nX-Evil: 1", "is not a web address"),
        ("https://g2t.example/a b", "is not a web address"),
        ("https://" + "a" * 500, "at most 500 characters"),
    ],
)
def test_a_bad_link_is_refused_when_the_room_is_saved(world, link, message):
    with pytest.raises(ValidationError, match=message):
        esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world, link=link)


def test_the_planner_reads_a_fixed_number_of_queries_whatever_the_classes(
    signed_in, world, write, esp
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with time_machine.travel(at(D(2026, 11, 18)), tick=False):
            signed_in.force_login(world)
            signed_in.get("/classrooms/")  # the per-process caches warm
            with CaptureQueriesContext(connection) as queries:
                assert signed_in.get("/classrooms/").status_code == 200
        return len(queries)

    esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    before = count()
    starts = ("2026-11-09", "2026-11-10", "2026-11-12", "2026-11-13")
    more = "\n".join(
        f"AET-N{n},esp-aetna,Aetna,SLC,{start},tl.one@cxp.example,pm.one@cxp.example"
        for n, start in enumerate(starts, start=1)
    )
    code, _, err = esp("import", "classes", write(CLASSES + more, "more.csv"))
    assert code == 0, err
    for n in range(1, 5):
        esp_room(f"AET-N{n}", D(2026, 12, 14), D(2026, 12, 16), world)
    assert count() == before


def test_a_room_date_outside_the_calendar_is_refused_with_a_message(signed_in, world):
    response = signed_in.post(
        "/classrooms/AET-C/rooms/",
        {"phase": "esp", "kind": "main", "name": "x", "provider": "g2t",
         "first_day": "1900-01-02", "last_day": "1900-01-05"},
    )  # fmt: skip
    assert response.status_code == 302
    assert messages_of(response)[-1] == "First day: 01/02/1900 is outside the business calendar."
    assert not Classroom.objects.exists()


def test_sending_invites_reads_the_class_day_hours_once_per_room(world, write, esp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    more = "\n".join(
        f"E01{n},Al{n},Add,al{n}@cxp.example,al{n}@mail.example,AET-C,tl.two@cxp.example"
        for n in range(4)
    )
    code, _, err = esp("import", "roster", write(ROSTER + more, "more.csv"))
    assert code == 0, err
    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    with CaptureQueriesContext(connection) as queries:
        sent = services.invites_send(
            room=room, actor=world, now=at(D(2026, 12, 3)), as_of=D(2026, 12, 3)
        )
    assert sent == 5
    schedule_reads = [q for q in queries if "programs_dayschedule" in q["sql"]]
    assert len(schedule_reads) == 1


def test_the_class_page_shows_room_buttons_only_for_the_phases_the_user_may_change(client, world):
    """Issue 12 item 3: "Buttons a role may not use are not shown". The PM plans with the
    others but changes no room; Licensing changes only the licensing phase's rooms."""
    from esp.roster.roles import LICENSING, PM

    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    send = f"/classrooms/AET-C/rooms/{room.pk}/send/"
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):  # AET-C is in licensing
        client.force_login(staff("pm.two@cxp.example", PM))
        page = client.get("/classrooms/AET-C/").content.decode()
        assert "Main classroom link for 11/24/2026–11/30/2026" in page  # what is missing
        assert "Add the room" not in page and send not in page and "<button>Add" not in page
        client.force_login(staff("licensing@cxp.example", LICENSING))
        page = client.get("/classrooms/AET-C/").content.decode()
        assert "Add the room" in page
        assert send not in page  # the ESP room is the Cert Coordinator's
        assert '<option value="licensing">' in page and '<option value="esp">' not in page


def test_it_extends_the_invite_only_for_agents_with_call_certs_or_tbts_open(world, signed_in):
    """Seed 003: "If some agents take longer than 3 days then the TL or Cert Coordinator should
    forward the invite on the agent's calendar for up to 2 more days." Issue 15 item 7: not
    when only the RTS paperwork or the transfer remains. On Monday 11/30 (the invite's last
    day, after Thanksgiving and the weekend) Ann's Call Certs and TBTs are done, her RTS
    paperwork is not; Bob's TBTs are done, his Call Certs are not."""
    from esp.progress.services import task_status_set

    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    ann, bob = Agent.objects.get(employee_id="E001"), Agent.objects.get(employee_id="E002")
    for agent, tasks in ((ann, ("tbt", "call_cert")), (bob, ("tbt",))):
        for task in tasks:
            task_status_set(agent=agent, task=task, status="done", day=D(2026, 11, 27), actor=world)
    rows = ladder(D(2026, 11, 30))
    assert [(r.agent.employee_id, r.step.action, r.open_tasks) for r in rows] == [
        ("E002", "extend", ("call_cert",))
    ]
    with pytest.raises(ValidationError, match="their Call Certs and TBTs done"):
        services.invitation_extend(
            agent=ann, actor=world, now=at(D(2026, 11, 30), 16), as_of=D(2026, 11, 30)
        )
    with time_machine.travel(at(D(2026, 11, 30), 15), tick=False):
        signed_in.force_login(world)
        page = signed_in.get("/classrooms/?as_of=2026-11-30").content.decode()
    assert "Still open: Call certification" in page
    assert 'id="ladder-E001"' not in page


def test_the_class_page_says_when_invites_went_out_in_the_programs_time_zone(
    signed_in, world, program
):
    """Issue 17 item 3: "8:05 AM in the program's time zone", not the server's (Chicago):
    invites sent at 9:00 AM Chicago read "10:00 AM" for a program in New York."""
    program.time_zone = "America/New_York"
    program.save()
    esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    room = Classroom.objects.get()
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):
        signed_in.force_login(world)
        signed_in.post(f"/classrooms/AET-C/rooms/{room.pk}/send/", {"as_of": "2026-11-18"})
        page = signed_in.get("/classrooms/AET-C/?as_of=2026-11-18").content.decode()
    assert "Invites sent 11/18/2026 10:00 AM: 1 active" in page and "9:00 AM" not in page
