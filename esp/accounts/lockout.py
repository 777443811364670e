"""The page of a locked account (django-axes, `AXES_LOCKOUT_CALLABLE`): in the site's layout,
saying for how long and until when, with the way back to the sign-in (issue 17 item 8)."""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render

from esp.lib import clock
from esp.lib.display import clock_time
from esp.roster.selectors import program_for


def _minutes(cool_off) -> str:
    minutes = round(cool_off.total_seconds() / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def locked_out(request, original_response=None, credentials=None):
    """429 with the cool-off in words and the time of day it is over at the latest (counted
    from now: the lock may end a little sooner, never later)."""
    cool_off = get_cool_off(request)
    try:
        time_zone = program_for().time_zone
    except ObjectDoesNotExist:  # no program yet: the site's zone
        time_zone = settings.TIME_ZONE
    until = clock.now(time_zone) + cool_off if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off": _minutes(cool_off) if cool_off else "",
        "until": clock_time(until) if until else "",
    }
    return render(request, "accounts/locked.html", context, status=429)
