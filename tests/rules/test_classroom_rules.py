"""Virtual classroom rules (R-S1–R-S3): invite lead time, link deadlines and lifetimes, the
links a phase needs, and the ESP invite ladder. Pure: no database, no clock.

Dates around Thanksgiving (Thursday 11/26/2026; Friday 11/27 is a business day), Christmas
(Friday 12/25/2026) and New Year's Day (Friday 01/01/2027).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esp.rules.classrooms import (
    EXTEND,
    MOVE,
    RoomDays,
    RoomFacts,
    esp_invite_next,
    esp_invite_open,
    esp_invite_step,
    esp_invite_tasks,
    invite_deadline,
    link_deadline,
    link_last_day,
    link_segments,
    missing_links,
    move_targets,
    phase_days,
    proposed_days,
    room_warnings,
    served_days,
)
from esp.rules.progress import AgentProgress

CHICAGO = ZoneInfo("America/Chicago")
D = date


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def facts(days, **overrides) -> RoomFacts:
    values = dict(
        days=tuple(days),
        link="https://global.gotowebinar.com/join/123",
        valid_from=None,
        lifetime_days=7,
        lead_days=3,
        hours_ahead=None,
        opens_at=at(days[0], 8) if days else None,
        invites_sent_at=None,
        invites_sent_on=None,
    )
    values.update(overrides)
    return RoomFacts(**values)


def kinds(warnings) -> list[str]:
    return [w.kind for w in warnings]


# -- the days a phase and a room occupy ----------------------------------------------------------


def test_it_counts_a_half_day_phase_as_a_whole_day_and_skips_thanksgiving(calendar):
    # licensing 3.5 from Tuesday 11/24/2026: Tue, Wed, (Thanksgiving), Fri, Mon
    assert phase_days(calendar, D(2026, 11, 24), 3.5) == [
        D(2026, 11, 24),
        D(2026, 11, 25),
        D(2026, 11, 27),
        D(2026, 11, 30),
    ]


def test_it_adds_the_esp_extension_days_after_the_three_scheduled(calendar):
    days = phase_days(calendar, D(2026, 12, 23), 3, extra=2)
    assert days == [
        D(2026, 12, 23),
        D(2026, 12, 24),
        D(2026, 12, 28),
        D(2026, 12, 29),
        D(2026, 12, 30),
    ]


def test_a_room_serves_only_business_days_of_its_span(calendar):
    assert served_days(calendar, D(2026, 12, 24), D(2026, 12, 28)) == [
        D(2026, 12, 24),
        D(2026, 12, 28),
    ]
    assert served_days(calendar, D(2026, 12, 26), D(2026, 12, 27)) == []


# -- R-S1: invites ahead of the lead time --------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "deadline"),
    [
        (D(2026, 11, 19), D(2026, 11, 16)),  # Thursday: Mon, Tue, Wed before it
        (D(2026, 11, 30), D(2026, 11, 24)),  # Monday after Thanksgiving: Fri, Wed, Tue
        (D(2027, 1, 4), D(2026, 12, 29)),  # Monday after New Year's Day: Thu, Wed, Tue
        (D(2026, 11, 28), D(2026, 11, 24)),  # a Saturday start counts from Monday 11/30
        (D(2026, 12, 28), D(2026, 12, 22)),  # Monday after Christmas: Thu, Wed, Tue
    ],
)
def test_invites_are_due_three_business_days_before_the_first_day(calendar, first_day, deadline):
    assert invite_deadline(calendar, first_day, 3) == deadline


def test_it_says_when_to_send_invites_until_the_deadline_then_that_they_are_late(calendar):
    room = facts(phase_days(calendar, D(2026, 11, 30), 3))
    on_time = room_warnings(room, calendar, D(2026, 11, 24), at(D(2026, 11, 24), 9))
    assert [(w.kind, w.severity) for w in on_time] == [("invite_due", "info")]
    assert "Send the invites by 11/24/2026 (3 business days before 11/30/2026)." == on_time[0].text
    # Wednesday 11/25: the deadline (Tuesday) has passed, Thanksgiving notwithstanding
    late = room_warnings(room, calendar, D(2026, 11, 25), at(D(2026, 11, 25), 9))
    assert kinds(late) == ["invite_late"]
    assert late[0].text == (
        "Invites are late: they were due by 11/24/2026 (3 business days before 11/30/2026)."
    )


def test_invites_sent_after_the_lead_time_stay_flagged(calendar):
    sent = at(D(2026, 11, 25), 10)
    room = facts(
        phase_days(calendar, D(2026, 11, 30), 3), invites_sent_at=sent, invites_sent_on=sent.date()
    )
    warnings = room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 9))
    assert kinds(warnings) == ["invite_late"]
    assert "went out 11/25/2026, after 11/24/2026" in warnings[0].text


def test_invites_sent_on_the_deadline_are_on_time(calendar):
    sent = at(D(2026, 11, 24), 16)
    room = facts(
        phase_days(calendar, D(2026, 11, 30), 3), invites_sent_at=sent, invites_sent_on=sent.date()
    )
    assert room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 9)) == []


def test_a_phase_without_a_lead_time_has_no_invite_warning(calendar):
    room = facts(phase_days(calendar, D(2026, 11, 30), 2), lead_days=None)
    assert room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 9)) == []


# -- §3 licensing: the link 24 hours ahead -------------------------------------------------------


def test_the_link_deadline_is_24_hours_before_the_room_opens():
    assert link_deadline(at(D(2026, 11, 30), 8), 24) == at(D(2026, 11, 29), 8)


def test_a_monday_room_names_the_last_business_day_before_a_sunday_deadline(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3.5)
    room = facts(days, lead_days=None, hours_ahead=24)
    warnings = room_warnings(room, calendar, D(2026, 11, 25), at(D(2026, 11, 25), 9))
    assert [(w.kind, w.severity) for w in warnings] == [("link_due", "info")]
    assert warnings[0].text == (
        "Send the link by 11/29/2026 8:00 AM (24 hours before it opens); "
        "that is not a business day, so by 11/27/2026."
    )


def test_a_link_sent_less_than_24_hours_ahead_is_flagged(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3.5)
    sent = at(D(2026, 11, 29), 9)  # Sunday 9:00, opening Monday 8:00
    room = facts(days, lead_days=None, hours_ahead=24, link_sent_at=sent)
    assert kinds(room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 7))) == [
        "link_late"
    ]
    friday = at(D(2026, 11, 27), 15)
    room = facts(days, lead_days=None, hours_ahead=24, link_sent_at=friday)
    assert room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 7)) == []


def test_an_unsent_link_is_late_once_the_24_hours_have_begun(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3.5)
    room = facts(days, lead_days=None, hours_ahead=24)
    now = at(D(2026, 11, 29), 8, 1)
    assert kinds(room_warnings(room, calendar, D(2026, 11, 29), now)) == ["link_late"]


def test_the_link_check_compares_aware_times_across_zones(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3.5)
    sent = datetime(2026, 11, 29, 13, 59, tzinfo=UTC)  # 07:59 in Chicago: 24 h + 1 minute
    room = facts(days, lead_days=None, hours_ahead=24, link_sent_at=sent)
    assert room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 7)) == []


# -- R-S1: link lifetime and the links a phase needs ---------------------------------------------


def test_a_link_lives_seven_days_from_its_first_day():
    assert link_last_day(D(2026, 11, 23), 7) == D(2026, 11, 29)


def test_a_ten_day_training_needs_two_links():
    days = phase_days_for_training(D(2026, 11, 30))
    assert days[-1] == D(2026, 12, 11)
    assert link_segments(days, 7) == [
        (D(2026, 11, 30), D(2026, 12, 4)),
        (D(2026, 12, 7), D(2026, 12, 11)),
    ]


def test_thanksgiving_pushes_a_ten_day_training_into_a_third_week_and_a_third_link():
    days = phase_days_for_training(D(2026, 11, 23))
    assert days[-1] == D(2026, 12, 7)
    assert link_segments(days, 7) == [
        (D(2026, 11, 23), D(2026, 11, 27)),
        (D(2026, 11, 30), D(2026, 12, 4)),
        (D(2026, 12, 7), D(2026, 12, 7)),
    ]


def test_a_phase_starting_midweek_needs_a_second_link_after_seven_days():
    # Wednesday 12/16/2026 + 10 business days (Christmas off): to Wednesday 12/30
    days = phase_days_for_training(D(2026, 12, 16))
    assert days[-1] == D(2026, 12, 30)
    assert link_segments(days, 7) == [
        (D(2026, 12, 16), D(2026, 12, 22)),
        (D(2026, 12, 23), D(2026, 12, 29)),
        (D(2026, 12, 30), D(2026, 12, 30)),
    ]


def phase_days_for_training(start: date) -> list[date]:
    from esp.rules.calendar import BusinessCalendar

    return phase_days(BusinessCalendar.us(), start, 10)


def test_a_room_used_after_its_link_expires_is_flagged_with_the_day_a_new_link_starts(calendar):
    days = phase_days(calendar, D(2026, 11, 23), 10)
    warnings = room_warnings(
        facts(days, lead_days=None), calendar, D(2026, 11, 20), at(D(2026, 11, 20), 9)
    )
    assert kinds(warnings) == ["link_expires"]
    assert warnings[0].text == (
        "The link expires after 11/29/2026 but the room is used until 12/07/2026: "
        "make a new link from 11/30/2026."
    )


def test_a_link_made_early_expires_early(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3)
    room = facts(days, lead_days=None, valid_from=D(2026, 11, 25))
    assert kinds(room_warnings(room, calendar, D(2026, 11, 25), at(D(2026, 11, 25), 9))) == [
        "link_expires"
    ]
    room = facts(days, lead_days=None, valid_from=D(2026, 11, 26))
    assert room_warnings(room, calendar, D(2026, 11, 25), at(D(2026, 11, 25), 9)) == []


def test_a_room_without_a_link_says_so(calendar):
    room = facts(phase_days(calendar, D(2026, 11, 30), 3), link="", lead_days=None)
    assert kinds(room_warnings(room, calendar, D(2026, 11, 25), at(D(2026, 11, 25), 9))) == [
        "no_link"
    ]


def test_missing_links_are_the_needed_segments_no_room_covers_whole():
    needed = [(D(2026, 11, 23), D(2026, 11, 27)), (D(2026, 11, 30), D(2026, 12, 4))]
    assert missing_links(needed, [(D(2026, 11, 23), D(2026, 11, 27))]) == [needed[1]]
    assert missing_links(needed, [(D(2026, 11, 23), D(2026, 12, 1))]) == [needed[1]]
    assert missing_links(needed, [(D(2026, 11, 23), D(2026, 11, 29)), needed[1]]) == []


@given(
    st.lists(st.dates(D(2026, 1, 1), D(2027, 12, 31)), min_size=1, max_size=40, unique=True),
    st.integers(1, 14),
)
def test_link_segments_cover_every_day_each_within_one_lifetime_and_none_could_merge(days, life):
    segments = link_segments(days, life)
    for day in days:
        assert sum(first <= day <= last for first, last in segments) == 1
    for first, last in segments:
        assert last <= link_last_day(first, life)
    for earlier, later in zip(segments, segments[1:], strict=False):
        assert later[0] > link_last_day(earlier[0], life)


@given(st.dates(D(2026, 1, 1), D(2027, 12, 31)), st.integers(1, 10))
def test_the_invite_deadline_is_exactly_lead_business_days_before(first_day, lead):
    from esp.rules.calendar import BusinessCalendar

    calendar = BusinessCalendar.us()
    deadline = invite_deadline(calendar, first_day, lead)
    assert calendar.is_business_day(deadline)
    assert calendar.business_days_between(deadline, calendar.on_or_after(first_day)) == lead


# -- R-S3: the ESP invite ladder -----------------------------------------------------------------

ESP_DAYS = [D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 27)]  # Tue, Wed, (Thanksgiving), Fri


def test_nothing_to_do_while_the_invite_still_runs(calendar):
    assert esp_invite_step(ESP_DAYS, 0, 2, D(2026, 11, 25), calendar) is None
    assert esp_invite_step([], 0, 2, D(2026, 11, 25), calendar) is None


def test_on_the_last_scheduled_day_the_invite_is_extended_to_the_next_business_day(calendar):
    step = esp_invite_step(ESP_DAYS, 0, 2, D(2026, 11, 27), calendar)
    assert (step.action, step.day) == (EXTEND, D(2026, 11, 30))  # over the weekend


def test_a_second_extension_then_a_move(calendar):
    days = ESP_DAYS + [D(2026, 11, 30)]
    step = esp_invite_step(days, 1, 2, D(2026, 11, 30), calendar)
    assert (step.action, step.day) == (EXTEND, D(2026, 12, 1))
    days += [D(2026, 12, 1)]
    assert esp_invite_step(days, 2, 2, D(2026, 12, 1), calendar).action == MOVE


def test_an_extension_missed_for_a_day_starts_from_the_next_business_day(calendar):
    step = esp_invite_step(ESP_DAYS, 0, 2, D(2026, 12, 1), calendar)
    assert (step.action, step.day) == (EXTEND, D(2026, 12, 2))


def test_extending_before_christmas_skips_it(calendar):
    step = esp_invite_step(
        [D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24)], 0, 2, D(2026, 12, 24), calendar
    )
    assert step.day == D(2026, 12, 28)


def test_move_targets_are_running_rooms_then_the_one_starting_next():
    rooms = [
        RoomDays(1, "AET-A", (D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25))),  # ends today
        RoomDays(2, "AET-B", (D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 27))),  # running
        RoomDays(3, "AET-C", (D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3))),  # next
        RoomDays(4, "AET-D", (D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 10))),  # later
        RoomDays(5, "AET-E", (D(2026, 12, 1), D(2026, 12, 2))),  # also next
    ]
    targets = move_targets(rooms, D(2026, 11, 25))
    assert [(t.room_id, t.days) for t in targets] == [
        (2, (D(2026, 11, 27),)),
        (3, rooms[2].days),
        (5, rooms[4].days),
    ]


def test_no_room_means_no_target_and_a_proposal_from_the_next_business_day(calendar):
    assert move_targets([], D(2026, 11, 25)) == []
    assert proposed_days(calendar, D(2026, 11, 25), 3) == [
        D(2026, 11, 27),
        D(2026, 11, 30),
        D(2026, 12, 1),
    ]


def test_phase_days_never_include_a_weekend_or_holiday(calendar):
    for start in (D(2026, 11, 21), D(2026, 12, 24), D(2026, 12, 31)):
        for day in phase_days(calendar, start, 5):
            assert calendar.is_business_day(day)
        assert phase_days(calendar, start, 5)[0] >= start
        assert phase_days(calendar, start, 5)[0] - start < timedelta(days=5)


def test_invites_sent_early_without_the_link_do_not_count_as_the_link_sent(calendar):
    days = phase_days(calendar, D(2026, 11, 30), 3.5)
    early = at(D(2026, 11, 24), 10)
    room = facts(
        days,
        lead_days=None,
        hours_ahead=24,
        invites_sent_at=early,
        invites_sent_on=early.date(),
        link_sent_at=at(D(2026, 11, 30), 7),  # the update that carried the link
    )
    assert kinds(room_warnings(room, calendar, D(2026, 11, 30), at(D(2026, 11, 30), 7))) == [
        "link_late"
    ]


# -- R-S3: extended only while Call Certs or TBTs are open (issue 15 item 7) -------------------


def esp_agent(make_agent, make_class, *done: str):
    """An agent of a class starting 10/19/2026 whose tasks `done` are marked done on 11/20."""
    klass = make_class("AET-R", "2026-10-19")
    return make_agent("E900", klass, [("2026-11-20", "task", key, "done") for key in done])


def invite_step(progress, days, as_of, calendar, used=0):
    return esp_invite_next(progress, days, used, 2, as_of, calendar)


def test_it_extends_the_invite_over_the_weekend_while_call_certs_are_open(
    make_agent, make_class, policy, calendar
):
    """Seed 003: "If some agents take longer than 3 days then the TL or Cert Coordinator should
    forward the invite on the agent's calendar for up to 2 more days." Friday's last day
    extends to Monday; TBTs done, Call Certs open."""
    progress = AgentProgress(esp_agent(make_agent, make_class, "tbt"), policy)
    days = [D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4)]  # Wed–Fri
    assert esp_invite_open(progress, D(2026, 12, 4)) == ("call_cert",)
    step = invite_step(progress, days, D(2026, 12, 4), calendar)
    assert (step.action, step.day) == (EXTEND, D(2026, 12, 7))


def test_it_extends_the_invite_past_thanksgiving_while_tbts_are_open(
    make_agent, make_class, policy, calendar
):
    """Seed 003 (as above): TBTs still open on Wednesday 11/25 → Friday 11/27, Thanksgiving
    skipped."""
    progress = AgentProgress(esp_agent(make_agent, make_class, "call_cert"), policy)
    days = [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)]
    step = invite_step(progress, days, D(2026, 11, 25), calendar)
    assert (step.action, step.day) == (EXTEND, D(2026, 11, 27))
    assert esp_invite_open(progress, D(2026, 11, 25)) == ("tbt",)


def test_it_does_not_extend_the_invite_when_only_rts_paperwork_or_the_transfer_remains(
    make_agent, make_class, policy, calendar
):
    """Seed 003: the Call Cert/TBT G2T "will be used for Call Certs & TBTs"; an agent whose
    Call Certs and TBTs are done but whose RTS paperwork (or transfer) is open is not kept in
    it, on a Friday before a weekend or on Christmas Eve alike."""
    progress = AgentProgress(esp_agent(make_agent, make_class, "tbt", "call_cert"), policy)
    assert not progress.is_esp_complete(D(2026, 12, 4))  # equipment, RTS, transfer open
    assert esp_invite_open(progress, D(2026, 12, 4)) == ()
    for days, as_of in (
        ([D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4)], D(2026, 12, 4)),
        ([D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24)], D(2026, 12, 24)),
        ([D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24)], D(2026, 12, 28)),
    ):
        assert invite_step(progress, days, as_of, calendar) is None


def test_it_moves_an_agent_with_tbts_open_after_the_two_extra_days(
    make_agent, make_class, policy, calendar
):
    """Seed 003: "If any agents take longer than 5 days then a new G2T will need to be set up
    unless there is already a Call Cert G2T starting for another class in which case they may
    be added to that one." Christmas and the weekend fall between the extra days."""
    progress = AgentProgress(esp_agent(make_agent, make_class), policy)
    days = [D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24), D(2026, 12, 28), D(2026, 12, 29)]
    assert esp_invite_open(progress, D(2026, 12, 29)) == ("tbt", "call_cert")
    assert invite_step(progress, days, D(2026, 12, 29), calendar, used=2).action == MOVE


def test_the_invite_tasks_come_from_the_esp_ladder_or_else_calls_and_courses(policy):
    assert esp_invite_tasks(policy) == ("tbt", "call_cert")
    without_ladder = replace(policy, ladders=())
    assert esp_invite_tasks(without_ladder) == ("tbt", "call_cert")
