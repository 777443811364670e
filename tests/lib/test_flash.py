"""esp.lib.flash.attempt: the one refusal → message path of the pages (issue 13)."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from esp.lib.flash import attempt


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_becomes_an_error_message_and_none():
    request = _request()

    def refused():
        raise ValidationError(["Date: enter a date.", "Room: required."])

    assert attempt(request, refused, "saved") is None
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "Date: enter a date. Room: required.")
    ]


def test_a_write_returns_its_result_and_says_the_success_built_from_it():
    request = _request()
    assert attempt(request, lambda: 3, lambda n: f"{n} sent.") == 3
    assert [m.message for m in get_messages(request)] == ["3 sent."]
