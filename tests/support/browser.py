"""Debian's Chromium driven by Playwright for the browser tests. Importing this module skips the
importing test module without Playwright or Chromium (and fails it in CI, where both are required)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.factories.accounts import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = bool(os.environ.get("LIANDONG_REQUIRE_BROWSER"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():
    if REQUIRED:
        raise RuntimeError("Chromium is required in CI (make browser installs Debian's chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)", allow_module_level=True)


@contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium, closed on leaving."""
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


PHONE = {"width": 390, "height": 844}
"""A phone's screen (issue 23: every page works at 390 px)."""

WIDEST = """(limit) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit)
  .slice(-3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' in ' +
                      (e.closest('[id]') || {}).id + ' ' + Math.round(e.getBoundingClientRect().right))"""


class Person:
    """One browser context: a citizen or a signed-in member of staff."""

    def __init__(self, browser: Any, server: str, lang: str, who: str, *, phone: bool = False,
                 geolocation: dict[str, float] | None = None) -> None:
        """``phone``: a 390×844 touch screen; ``geolocation``: where the browser says it is (granted)."""
        self.phone = phone
        located = {"geolocation": geolocation, "permissions": ["geolocation"]} if geolocation else {}
        self.context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US",
                                           viewport=PHONE if phone else {"width": 1280, "height": 900},
                                           is_mobile=phone, has_touch=phone, **located)
        self.page = self.context.new_page()
        self.server, self.lang, self.who = server, lang, who
        self.failed_requests: list[str] = []
        self.page.on("requestfailed", lambda r: self.failed_requests.append(r.url))
        self.blocked: list[str] = []  # what the content security policy refused (issue 20, finding 9)
        self.page.on("console", lambda m: self.blocked.append(m.text)
                     if "Content Security Policy" in m.text else None)

    def go(self, path: str) -> Any:
        sep = "&" if "?" in path else "?"
        self.page.goto(f"{self.server}{path}{sep}lang={self.lang}")
        return self.page

    def submit(self, selector: str) -> Any:
        """Click a button whose form posts and redirects, and wait for the page it leads to (a
        click does not wait for the navigation it starts, so reading at once reads the old page)."""
        with self.page.expect_navigation():
            self.page.click(selector)
        return self.page

    def sign_in(self, username: str) -> None:
        page = self.go("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(re.compile(r".*/work.*"))

    def fits(self) -> None:
        """On a phone, nothing wider than the screen (else the failure names the innermost elements
        that stick out); on a desk, nothing to check."""
        if not self.phone:
            return
        limit = PHONE["width"]
        wide = self.page.evaluate("() => document.documentElement.scrollWidth")
        culprits = self.page.evaluate(WIDEST, limit) if wide > limit else []
        assert wide <= limit, f"{self.page.url}: {wide} px on a {limit} px phone: {culprits}"

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        screen = "phone-" if self.phone else ""
        self.page.screenshot(path=str(ARTIFACTS / f"{self.lang}-{screen}{step}.png"), full_page=True)

    def accessible(self) -> None:
        """axe-core (from npm, served locally): no serious or critical violation on this page."""
        self.page.add_script_tag(url=f"{self.server}/vendor/axe.min.js")
        result = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{self.page.url}: {serious}"

    def close(self) -> None:
        local = [u for u in self.failed_requests if not u.startswith(self.server)]
        assert not local, f"requests outside the server: {local}"  # no CDN, nothing remote
        assert not self.blocked, f"refused by the content security policy: {self.blocked[:3]}"
        self.context.close()
