"""Issue 17, "tests that must exist": every role walks every page of its navigation in a real
browser on the demo season, and each page answers without an error (no 4xx/5xx, nothing in
the console), shows no internal key (`written_cap`, `in_progress`: words from the label map
instead) and no ISO date (MM/DD/YYYY is what people write)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = (  # one sign-in per role, as the demo's banner lists them
    "manager@esp.example",
    "coordinator@esp.example",
    "certifier1@esp.example",
    "tbt.sme@esp.example",
    "licensing@esp.example",
    "wfm@esp.example",
    "timothy.jones@cxp.example",
    "mary.murphy@cxp.example",
)
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")  # snake_case: a key, not a word
ISO_DATE = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")
NOT_WALKED = ("/admin/", "/api/", "/sign-out/")  # Django's and the API's own pages
# Beyond the navigation, the first class board and agent page a role's pages link to.
ONE_OF_EACH = (re.compile(r"^/classes/[^/?]+/$"), re.compile(r"^/agents/[^/?]+/$"))


@pytest.fixture
def demo(settings, tmp_path):
    from esp.demo.load import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_demo(login=("manager@esp.example", "demo-manager"))


def _nav(page) -> list[str]:
    return page.eval_on_selector_all(
        "nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )


def _one_of_each(page, taken: set) -> list[str]:
    links = page.eval_on_selector_all(
        "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    found = []
    for pattern in ONE_OF_EACH:
        if pattern.pattern not in taken:
            link = next((link for link in links if pattern.match(link)), None)
            if link:
                taken.add(pattern.pattern)
                found.append(link)
    return found


def _problems(page, path: str) -> list[str]:
    text = page.inner_text("main")
    found = [f"{path}: key {key!r}" for key in sorted(set(RAW_KEY.findall(text)))]
    found += [f"{path}: ISO date {day}" for day in sorted(set(ISO_DATE.findall(text)))]
    return found


@pytest.mark.parametrize("email", ACCOUNTS)
def test_each_role_walks_its_navigation_without_an_error_a_key_or_an_iso_date(
    demo, live_server, sign_in, email
):
    page = sign_in(email, "demo-manager")
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    to_walk, walked, problems, taken = ["/today/"], set(), [], set()
    while to_walk:
        path = to_walk.pop(0)
        if path in walked or path.startswith(NOT_WALKED):
            continue
        walked.add(path)
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if response.status >= 400:
            problems.append(f"{path}: {response.status}")
            continue
        problems += _problems(page, path)
        to_walk += [link for link in _nav(page) if link not in walked]
        to_walk += _one_of_each(page, taken)
    page.goto("about:blank")  # nothing left in flight when the live server stops
    assert len(walked) >= 2, walked
    assert not problems + errors, "\n".join(problems + errors)
