"""Take the README's screenshots of the main pages from a fresh demo (not part of the tests).

Starts `esp demo` on a free port with its own var/ folder, signs in as the demo ESP Manager
with Playwright driving Debian's Chromium, and saves docs/screenshots/<page>.png.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOGIN = ("manager@esp.example", "demo-manager")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own loopback server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the demo did not answer at {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "ESP_VAR_DIR": var, "ESP_BASE_URL": base}
        env.pop("ESP_DATABASE_URL", None)
        demo = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "esp"), "demo", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/sign-in/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"{base}/sign-in/")
                page.get_by_label("E-mail").fill(LOGIN[0])
                page.get_by_label("Password").fill(LOGIN[1])
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(re.compile(r"/today/"))
                page.screenshot(path=OUT / "today.png", full_page=False)
                page.goto(f"{base}/classes/")
                board = page.locator("tbody a").nth(1).get_attribute("href")
                page.goto(base + board)
                page.screenshot(path=OUT / "board.png")
                page.locator("tbody th a").first.click()
                page.screenshot(path=OUT / "agent.png", full_page=True)
                page.goto(f"{base}/reports/incompletions/")
                page.screenshot(path=OUT / "report.png")
                page.goto(f"{base}/forms/call-cert/")
                page.screenshot(path=OUT / "form.png")
                page.goto(f"{base}/classrooms/")
                page.screenshot(path=OUT / "classrooms.png", full_page=True)
                page.locator("table").first.locator("tbody a").last.click()
                page.screenshot(path=OUT / "classroom-plan.png", full_page=True)
                page.goto(f"{base}/api/v1/docs/")
                page.wait_for_timeout(1500)
                page.screenshot(path=OUT / "api.png")
                browser.close()
        finally:
            demo.terminate()
            demo.wait(timeout=30)
    print(f"Saved {len(list(OUT.glob('*.png')))} screenshots in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
