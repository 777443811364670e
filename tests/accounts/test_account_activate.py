"""The welcome link's write (issue 13): the form calls an audited service; the link's account
is read through a selector."""

from esp.accounts.links import invitation_link
from esp.accounts.selectors import user_of_link, user_with_email
from esp.accounts.services import account_activate
from esp.audit.models import AuditEntry
from esp.roster.roles import TL
from esp.roster.services.staff import ensure_staff

PASSWORD = "pw-Long-enough-1"


def test_it_activates_the_account_and_records_who_did_it(db):
    user = ensure_staff("tl.new@cxp.example", TL)
    assert not user.is_active

    account_activate(user=user, password=PASSWORD)

    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="account_activated")
    assert (entry.actor, entry.object_id) == (user, "tl.new@cxp.example")
    assert entry.changes == {"is_active": [False, True], "password": "(hidden)"}


def test_it_finds_the_account_of_a_link_and_nothing_for_a_bad_one(db):
    user = ensure_staff("tl.new@cxp.example", TL)
    uidb64 = invitation_link(user).rstrip("/").split("/")[-2]
    assert user_of_link(uidb64) == user
    assert user_of_link("not-base64!") is None
    assert user_of_link("OTk5OTk") is None  # 99999: no such account


def test_it_finds_an_account_by_its_e_mail_in_any_case(db):
    user = ensure_staff("tl.new@cxp.example", TL)
    assert user_with_email("TL.New@CXP.example") == user
    assert user_with_email("nobody@cxp.example") is None
