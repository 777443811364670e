"""{% page_url %} gives what {% url %} gives (issue 14: the pattern reversed once per process,
not once per row), whatever the characters of the argument."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch

IDS = ["E100001", "e 1", "50%", "a&b", "ü-ß", "x?y#z", "<b>", "'q'"]


def both(name: str, value: str) -> tuple[str, str]:
    context = Context({"v": value})
    fast = Template("{% load esp_tags %}{% page_url '" + name + "' v %}").render(context)
    slow = Template("{% url '" + name + "' v %}").render(context)
    return fast, slow


@pytest.mark.parametrize("value", IDS)
@pytest.mark.parametrize(
    "name", ["progress:agent", "selfreport:link", "selfreport:class_send", "operations:transfer"]
)
def test_it_gives_what_the_url_tag_gives(name, value):
    fast, slow = both(name, value)
    assert fast == slow


def test_it_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        both("progress:agent", "a/b")
    with pytest.raises(NoReverseMatch):
        both("progress:agent", "")
