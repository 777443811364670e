"""Follow-ups of issue 12 items 2, 3 and 4 found on the demo (SPEC §1, R-B2, R-N4, R-N4a,
R-I1, R-P3, R-P4):

1. a proof is accepted or rejected only by the people whose task it is (AHIP and the carrier
   certification: Licensing; a TBT course: a TBT SME; another task: whoever sets it), and the
   review queue and the agent page offer only those decisions;
2. the tracking forms a role may not use are not offered, and a form offers only the choices
   the user may record (a TBT SME: the TBT final exams of the failed-exam form);
3. a certifier is not offered "Send a new link" (nor may send one);
4. Licensing keeps the agents of classes past the licensing phase who are still in flight and
   not done with AHIP or the carrier certification.

The scenario of tests/test_write_matrix.py (Monday 11/30/2026): AET-A is past licensing (ESP
phase) with E001 (Ann Able) and E002 (Bob Baker, the certifier's), neither done with AHIP or
the carrier certification; LIC-B is in licensing with E101 (Liz Lane).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.access import scopes
from esp.access.writes import may_write
from esp.progress import services
from esp.progress.models import Fact, Proof
from esp.progress.services.proofs import proof_review, proof_submit
from esp.roster.models import Agent
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER, ESP_MANAGER, LICENSING, TBT_SME, TL
from tests.access.test_write_matrix import (  # noqa: F401 - the autouse fixture: Monday 11/30, proofs apart
    NOW,
    build_world,
    monday_november_30,
)
from tests.web_support import pdf, png

TODAY = NOW.date()


@pytest.fixture
def world(program, write, esp):
    world = build_world(program, write, esp)
    ann, manager = world.agents["E001"], world.users[ESP_MANAGER]
    world.proofs = {
        item: proof_submit(agent=ann, item=item, name=name, data=data, actor=manager)
        for item, name, data in (
            ("ahip", "ahip.png", png()),
            ("carrier_cert", "13 checks.png", png()),
            ("tbt:101", "TBT 101.pdf", pdf()),
            ("call_cert", "calls.pdf", pdf()),
        )
    }
    return world


# Who may decide each proof of Ann (an agent of everyone's scope here).
OWNERS = {
    "ahip": {ESP_MANAGER, LICENSING},
    "carrier_cert": {ESP_MANAGER, LICENSING},
    "tbt:101": {ESP_MANAGER, TBT_SME, CERT_COORDINATOR},  # the coordinator: issue 15 item 4
    "call_cert": {ESP_MANAGER, TL},
}
REVIEWERS = (ESP_MANAGER, TL, LICENSING, TBT_SME, CERT_COORDINATOR)


def state():
    return sorted(Proof.objects.values_list("pk", "status")), Fact.objects.count()


# -- item 1: proofs are decided by the task's owners -----------------------------------------------


@pytest.mark.parametrize("role", REVIEWERS)
def test_it_lets_only_the_tasks_owners_accept_a_proof(world, role):
    """Issue 12 follow-up item 1 (R-B2, SPEC §1): `proof_review` asks the write table for the
    proof's own task or TBT course: a TBT SME accepts no AHIP, Aetna or TL-task proof, a TL no
    AHIP proof, Licensing no TBT course; refused in plain words, nothing written."""
    user, ann = world.users[role], world.agents["E001"]
    assert scopes.visible_agents(user).filter(pk=ann.pk).exists(), role
    for item, proof in world.proofs.items():
        before = state()
        if role in OWNERS[item]:
            proof_review(proof=proof, accept=True, actor=user, day=TODAY)
            proof.refresh_from_db()
            assert proof.status == Proof.ACCEPTED, (role, item)
            continue
        with pytest.raises(PermissionDenied) as refused:
            proof_review(proof=proof, accept=True, actor=user, day=TODAY)
        assert str(refused.value).startswith("You may not accept or reject the proof of the ")
        assert str(refused.value).endswith(" may. Nothing was saved."), str(refused.value)
        assert state() == before, (role, item)


def test_it_names_the_task_and_who_may_in_the_refusal(world):
    """Issue 12 follow-up item 1: the message says what, for whom and who may."""
    with pytest.raises(PermissionDenied) as refused:
        proof_review(
            proof=world.proofs["carrier_cert"],
            accept=True,
            actor=world.users[TBT_SME],
            day=TODAY,
        )
    assert str(refused.value) == (
        "You may not accept or reject the proof of the Aetna certification for Ann Able: only "
        "the ESP Manager or Licensing may. Nothing was saved."
    )
    with pytest.raises(PermissionDenied) as refused:
        proof_review(
            proof=world.proofs["tbt:101"],
            accept=False,
            reason="x",
            actor=world.users[TL],
            day=TODAY,
        )
    # the Cert Coordinator reviews TBT proofs since issue 15 item 4 (seed 000)
    assert (
        "proof of the TBT course 101 for Ann Able: only the ESP Manager, the Cert Coordinator "
        "or a TBT SME"
    ) in str(refused.value)


@pytest.mark.parametrize("role", REVIEWERS)
def test_it_lists_and_offers_only_the_proofs_the_user_may_decide(world, client, role):
    """Issue 12 follow-up item 1: /proofs/ lists only the proofs the user may decide, and the
    agent page shows Accept/Reject only for those (the others are listed without buttons)."""
    client.force_login(world.users[role])
    queue = client.get(reverse("progress:review_queue")).content.decode()
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    for item, proof in world.proofs.items():
        mine = role in OWNERS[item]
        decide = reverse("progress:proof_decide", args=[proof.pk])
        assert (proof.original_name in queue) == mine, (role, item)
        assert (decide in queue) == mine, (role, item)
        assert proof.original_name in page, (role, item)  # listed on the page for everyone
        assert (decide in page) == mine, (role, item)


def test_it_answers_a_decision_the_user_may_not_make_with_403_saying_why(world, client):
    """Issue 12 follow-up item 1: posting the decision anyway is refused with the reason."""
    client.force_login(world.users[TBT_SME])
    proof = world.proofs["carrier_cert"]
    before = state()
    response = client.post(
        reverse("progress:proof_decide", args=[proof.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    assert "only the ESP Manager or Licensing may" in response.content.decode()
    assert state() == before


def test_it_keeps_ahip_and_the_carrier_certification_to_licensing_in_the_table(world):
    """Issue 12 follow-up item 1 ("Licensing: AHIP/carrier tasks ..."): the TL no longer sets
    the AHIP or carrier-certification status (accepting their proof is setting it); every
    other status but the transfer stays the TL's."""
    tl, ann = world.users[TL], world.agents["E001"]
    for task in ("ahip", "carrier_cert"):
        assert not may_write(tl, "task", task, ann)
        with pytest.raises(PermissionDenied, match="only the ESP Manager or Licensing may"):
            services.task_status_set(
                agent=ann, task=task, status="in_progress", day=TODAY, actor=tl
            )
    for task in ("producer_world", "tbt", "call_cert", "equipment"):
        assert may_write(tl, "task", task, ann), task


# -- item 2: forms and choices a role may use --------------------------------------------------


def test_it_offers_a_tbt_sme_only_the_tbt_final_exams(world, client):
    """Issue 12 follow-up item 2 (R-N4a): the failed-exam form offers a TBT SME the TBT final
    exams, which they record, and not the AHIP or Aetna exams (Licensing's); a TBT exam fail
    is recorded, a carrier exam fail is refused as a choice not offered."""
    client.force_login(world.users[TBT_SME])
    url = reverse("progress:tracking_form", args=["failed-exam"])
    index = client.get(reverse("progress:forms")).content.decode()
    assert url in index
    assert reverse("progress:tracking_form", args=["carrier-cert"]) not in index
    form = client.get(url).content.decode()
    assert "TBT final exam 101 Medicare basics" in form
    assert "Aetna certification exam" not in form and "AHIP final exam" not in form
    fields = {"agent": "E001", "day": "11/30/2026", "note": ""}
    refused = client.post(url, {**fields, "exam": "carrier_cert"})
    assert refused.status_code == 400
    assert not Fact.objects.filter(kind="exam").exists()
    assert client.post(url, {**fields, "exam": "tbt:101"}).status_code == 302
    fact = Fact.objects.get(kind="exam")
    assert (fact.item, fact.value) == ("tbt:101", "failed")


def test_it_offers_licensing_every_exam_and_the_tl_no_carrier_cert_form(world, client):
    """Issue 12 follow-up item 2: Licensing records every exam; the TL, who no longer sets the
    certifications' statuses, is not offered the carrier-cert form and is refused it."""
    client.force_login(world.users[LICENSING])
    form = client.get(reverse("progress:tracking_form", args=["failed-exam"])).content.decode()
    for label in ("Aetna certification exam", "AHIP final exam", "TBT final exam 101"):
        assert label in form
    client.force_login(world.users[TL])
    response = client.get(reverse("progress:tracking_form", args=["carrier-cert"]))
    assert response.status_code == 403
    assert "only the ESP Manager or Licensing may" in response.content.decode()


def test_it_offers_no_form_whose_choices_are_all_refused(world, client):
    """Issue 12 follow-up item 2: without a TBT course, the failed-exam form has nothing a TBT
    SME may record: not listed, and refused when opened."""
    from esp.programs.models import TbtCourse

    TbtCourse.objects.all().delete()
    client.force_login(world.users[TBT_SME])
    url = reverse("progress:tracking_form", args=["failed-exam"])
    assert url not in client.get(reverse("progress:forms")).content.decode()
    assert client.get(url).status_code == 403


# -- item 3: the self-report link --------------------------------------------------------------


def test_it_offers_the_self_report_link_only_to_roles_that_send_links(world, client):
    """Issue 12 follow-up item 3 (R-N1): a certifier sees no "Send a new link" on the agent
    page and cannot send one (which would end the agent's current link); the TL can."""
    url = reverse("selfreport:link", args=["E002"])
    client.force_login(world.users[CERTIFIER])
    page = client.get(reverse("progress:agent", args=["E002"]))
    assert page.status_code == 200 and "Send a new link" not in page.content.decode()
    assert client.post(url, {"action": "send"}).status_code == 404
    assert not may_write(world.users[CERTIFIER], "self_report_link")
    from esp.selfreport.models import SelfReportLink

    assert not SelfReportLink.objects.exists()
    for role in (TL, CERT_COORDINATOR, TBT_SME):
        client.force_login(world.users[role])
        page = client.get(reverse("progress:agent", args=["E002"])).content.decode()
        assert "Send a new link" in page, role
    assert client.post(url, {"action": "send"}).status_code == 302
    assert SelfReportLink.objects.filter(agent=world.agents["E002"]).exists()


def test_it_refuses_a_certifier_sending_links_in_the_service(world):
    """Issue 12 follow-up item 3: the service asks the write table too."""
    from esp.selfreport import services as selfreport

    with pytest.raises(PermissionDenied, match="send or revoke a self-report link"):
        selfreport.links_send([world.agents["E002"]], actor=world.users[CERTIFIER], now=NOW)
    with pytest.raises(PermissionDenied, match="send or revoke a self-report link"):
        selfreport.links_revoke(world.agents["E002"], actor=world.users[CERTIFIER])


# -- item 4: Licensing keeps the agents still late on AHIP/Aetna -----------------------------------


def seen_by_licensing(world) -> set[str]:
    return set(scopes.visible_agents(world.users[LICENSING]).values_list("employee_id", flat=True))


def test_it_keeps_agents_late_on_ahip_or_aetna_in_licensings_scope(world, client):
    """Issue 12 follow-up item 4 (SPEC §1, seed: Licensing sees every agent through AHIP and
    Aetna): past its phase, Licensing still opens the agent and decides the waiting Aetna proof
    until both certifications are done; the class board stays the licensing classes'."""
    licensing = world.users[LICENSING]
    assert seen_by_licensing(world) == {"E001", "E002", "E101"}
    client.force_login(licensing)
    assert client.get(reverse("progress:agent", args=["E001"])).status_code == 200
    queue = client.get(reverse("progress:review_queue")).content.decode()
    assert "13 checks.png" in queue and "Ann Able" in queue
    assert client.get(reverse("progress:board", args=["AET-A"])).status_code == 404
    proof_review(proof=world.proofs["carrier_cert"], accept=True, actor=licensing, day=TODAY)
    assert "E001" in seen_by_licensing(world)  # AHIP still open
    proof_review(proof=world.proofs["ahip"], accept=True, actor=licensing, day=TODAY)
    assert seen_by_licensing(world) == {"E002", "E101"}  # Ann is done with both
    assert client.get(reverse("progress:agent", args=["E001"])).status_code == 404


def test_it_counts_not_applicable_and_leaves_out_agents_not_in_flight(world):
    """Issue 12 follow-up item 4 (R-P3, R-P4): "not applicable" satisfies a certification; an
    agent whose employment ended or whose transfer is done is not Licensing's any more."""
    ann, bob, manager = world.agents["E001"], world.agents["E002"], world.users[ESP_MANAGER]
    for task in ("ahip", "carrier_cert"):
        services.task_status_set(
            agent=ann, task=task, status="not_applicable", day=TODAY, actor=None
        )
    assert seen_by_licensing(world) == {"E002", "E101"}
    services.employment_set(agent=bob, status="termed", day=TODAY, actor=manager)
    assert seen_by_licensing(world) == {"E101"}


def test_it_leaves_out_a_transferred_agent(world):
    """Issue 12 follow-up item 4 (R-P3): a transfer done ends Licensing's follow-up."""
    bob = world.agents["E002"]
    services.task_status_set(agent=bob, task="transfer", status="done", day=TODAY, actor=None)
    assert seen_by_licensing(world) == {"E001", "E101"}


def test_it_decides_the_late_scope_by_today_in_four_queries(world):
    """Issue 12 follow-up item 4 and item 2's rule: today's facts decide, never a later one
    (here facts dated tomorrow: the agent's kept marks prove nothing today, issue 14), and
    the scope is four queries however many agents it reaches: the classes in the user's
    phase, the classes not past it, the agents with facts dated ahead, the agents; three
    more when some have facts dated ahead (their facts, their classes' phase dates and
    their programs: the rules decide them). Today's list of them (`visible_agent_pks`,
    compiled once per process) reads one fewer: the classes in the phase are read with
    those not past it (issue 14)."""
    from datetime import timedelta

    ann = world.agents["E001"]
    tomorrow = TODAY + timedelta(days=1)
    scopes.roles(world.users[LICENSING])  # the user's roles are read once, then kept
    for ahead, expected in ((False, 4), (True, 7)):
        if ahead:
            for task in ("ahip", "carrier_cert"):
                services.task_status_set(
                    agent=ann, task=task, status="not_applicable", day=tomorrow, actor=None
                )
        with CaptureQueriesContext(connection) as queries:
            assert seen_by_licensing(world) == {"E001", "E002", "E101"}
        assert len(queries.captured_queries) == expected
        for _ in range(2):  # compiled, then only run
            with CaptureQueriesContext(connection) as queries:
                pks = scopes.visible_agent_pks(world.users[LICENSING], 100)
            assert {world.agents[e].pk for e in ("E001", "E002", "E101")} == set(pks)
            assert len(queries.captured_queries) == expected - 1


def test_it_checks_one_agent_in_two_queries_at_most(world):
    """Issue 14: an agent page's check (`sees_agent`) asks whether the agent's current class
    is one the user sees, then whether they are late on the role's tasks: one query each,
    the classes past the phase looked up inside them; for an agent with facts dated ahead
    (here Ann's, tomorrow) four more, their facts read for the rules to decide (their record
    in three, their program); the answer is the list's."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    ann = world.agents["E001"]
    for task in ("ahip", "carrier_cert"):
        services.task_status_set(
            agent=ann, task=task, status="not_applicable", day=TODAY + timedelta(days=1), actor=None
        )
    for user in world.users.values():
        listed = set(scopes.visible_agents(user).values_list("pk", flat=True))
        for agent in Agent.objects.all():  # as a page reads them: Ann's facts ahead known
            fresh = get_user_model().objects.get(pk=user.pk)
            scopes.roles(fresh)  # read once per request
            with CaptureQueriesContext(connection) as queries:
                assert scopes.sees_agent(fresh, agent) == (agent.pk in listed), (user, agent)
            most = 2 + (4 if agent.pk == ann.pk else 0)
            assert len(queries.captured_queries) <= most, (user, agent)


def test_one_agents_check_answers_as_the_whole_list(world):
    """Issue 14: an agent page asks about one agent (`sees_agent`, which narrows Licensing's
    costly lookups to that agent) and Today reads the list of them (`visible_agent_pks`, its
    SQL compiled once per process): for every role and agent the answers are the whole
    list's, before and after Ann's certifications are accepted, and after Bob's transfer."""
    from django.contrib.auth import get_user_model

    def check():
        for user in world.users.values():
            listed = set(scopes.visible_agents(user).values_list("pk", flat=True))
            if not scopes.has_role(user, scopes.ESP_MANAGER):
                assert set(scopes.visible_agent_pks(user, 100)) == listed, user
                assert scopes.visible_agent_pks(user, len(listed) - 1) in (None, []), user
            for agent in world.agents.values():
                fresh = get_user_model().objects.get(pk=user.pk)  # nothing remembered
                assert scopes.sees_agent(fresh, agent) == (agent.pk in listed), (user, agent)

    check()
    licensing = world.users[LICENSING]
    proof_review(proof=world.proofs["carrier_cert"], accept=True, actor=licensing, day=TODAY)
    proof_review(proof=world.proofs["ahip"], accept=True, actor=licensing, day=TODAY)
    check()
    bob = world.agents["E002"]
    services.task_status_set(agent=bob, task="transfer", status="done", day=TODAY, actor=None)
    check()


def test_the_coordinator_and_the_sme_keep_agents_with_call_certs_or_tbts_open_past_esp(world):
    """The walk: once AET-A left its ESP days, the Cert Coordinator lost the extended agents
    still in Call Certs (seed 004: the coordinator sees every agent through Call Certs; seed
    003: extended agents finish them after ESP day 5). Past its phase, an agent in flight stays
    the coordinator's while Call Certs or TBTs are open, the TBT SME's while TBTs are open."""
    import time_machine

    from tests.access.test_access_matrix import CHICAGO

    ann = world.agents["E001"]
    coordinator, sme = world.users[CERT_COORDINATOR], world.users[TBT_SME]

    def seen(user) -> set[str]:
        listed = scopes.visible_agents(user)
        pks = scopes.visible_agent_pks(user, 100)  # Today's, compiled for each day: the same
        assert set(pks) == set(listed.values_list("pk", flat=True))
        return set(listed.values_list("employee_id", flat=True))

    assert {"E001", "E002"} <= seen(coordinator)  # today, in the ESP phase: then past it
    with time_machine.travel(datetime(2026, 12, 7, 12, tzinfo=CHICAGO), tick=False):
        assert {"E001", "E002"} <= seen(coordinator) and {"E001", "E002"} <= seen(sme)
        day = date(2026, 12, 7)
        services.task_status_set(agent=ann, task="tbt", status="done", day=day, actor=None)
        assert "E001" in seen(coordinator) and "E001" not in seen(sme)
        services.task_status_set(agent=ann, task="call_cert", status="done", day=day, actor=None)
        assert "E001" not in seen(coordinator) and "E002" in seen(coordinator)


def test_the_review_queue_names_a_files_kind_in_words(world, client):
    """Seed 000 (the coordinator reviews TBT proofs on their first morning): a proof reads
    "(PDF, …)" or "(PNG image, …)", not its MIME type "application/pdf" (issue 15 walk)."""
    client.force_login(world.users[ESP_MANAGER])
    queue = client.get(reverse("progress:review_queue")).content.decode()
    assert "(PDF, " in queue and "(PNG image, " in queue
    assert "application/pdf" not in queue and "image/png" not in queue
