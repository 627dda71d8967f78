"""Screenshots for the README, taken from the demo in Debian's Chromium.

    .venv/bin/liandong demo --no-serve --data-dir var/demo      # once: a month of 无锡's cases
    .venv/bin/liandong serve --data-dir var/demo --port 8000 &
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 docs/images [PERIOD]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)

        def signed_in(username: str):  # type: ignore[no-untyped-def]
            page = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN").new_page()
            page.goto(f"{base}/login")
            page.fill("#username", username)
            page.fill("#password", "liandong-demo")
            page.click("#login-submit")
            page.wait_for_url(re.compile(".*/work.*"))
            return page

        page = signed_in("liangxi_chengguan")
        page.goto(f"{base}/work")
        page.screenshot(path=str(out / "workbench-inbox.png"))
        href = page.locator("#inbox a").first.get_attribute("href")
        page.goto(f"{base}{href}")
        page.wait_for_selector("#case-map canvas, #case-map svg", timeout=10_000)  # the map draws
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "case-page.png"), full_page=True)
        page = signed_in("wuxi_leader")
        page.goto(f"{base}/work/dashboard")
        page.wait_for_timeout(1200)
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        period = f"?period={sys.argv[3]}" if len(sys.argv) > 3 else ""
        page.goto(f"{base}/work/assessment{period}")
        page.wait_for_timeout(1200)
        page.screenshot(path=str(out / "assessment.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
         Path(sys.argv[2] if len(sys.argv) > 2 else "docs/images"))
