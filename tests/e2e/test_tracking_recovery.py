"""找回查询码 (issue 24 point 6): the phone number of a report and a one-time code texted to it (the
development SMS log, read here) give new tracking codes that open the tracking page; a wrong or
late code is refused; asking for a number that reported nothing answers the same and texts nobody;
asking too often is refused with 429."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from liandong.config import Settings
from tests.factories.deployments import app_client, deployed

PHONE = "13900001111"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def texts(log: Path) -> list[dict[str, str]]:
    """The one-time codes texted (the log also has the reporters' progress updates)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [sms for line in lines if "验证码" in (sms := json.loads(line))["text"]]


def ask(client: TestClient, phone: str) -> tuple[int, str]:
    form = client.get("/portal/recover")
    answer = client.post("/portal/recover", data={"csrf": csrf_of(form.text), "phone": phone})
    return answer.status_code, answer.text


def test_a_lost_tracking_code_is_recovered_with_the_phone(tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    settings = Settings(data_dir=tmp_path, sms_log=log)
    platform = deployed(settings, ("320200",), {})
    taken = [platform.intake().take(by="reporter", owner="t", matter="garbage_collection",
                                    affected=("320213001",), description=f"垃圾满溢 {n}",
                                    reporter_phone="139 0000 1111", dispatch=True) for n in range(2)]
    platform.intake().take(by="reporter", owner="t", matter="garbage_collection", affected=("320213001",),
                           description="别人的问题", reporter_phone="13700002222")
    with app_client(settings, platform) as client:
        assert 'href="/portal/recover' in client.get("/portal/track").text
        status, page = ask(client, PHONE)
        assert status == 202 and 'id="verify-form"' in page
        (sms,) = texts(log)
        assert sms["to"] == PHONE
        code = re.search(r"验证码 (\d{6})", sms["text"])
        assert code is not None
        form = {"csrf": csrf_of(page), "phone": PHONE, "expires": hidden(page, "expires"),
                "mac": hidden(page, "mac")}
        guess = "000000" if code.group(1) != "000000" else "111111"
        wrong = client.post("/portal/recover/verify", data={**form, "code": guess})
        assert wrong.status_code == 422 and "验证码不正确" in wrong.text
        found = client.post("/portal/recover/verify", data={**form, "code": code.group(1)})
        assert found.status_code == 200, found.text
        codes = re.findall(r'<code class="tracking-code">([A-Z0-9-]+)</code>', found.text)
        assert len(codes) == 2 and not {t.tracking_code for t in taken} & set(codes)
        for new in codes:
            tracked = client.get("/portal/track", params={"code": new})
            assert tracked.status_code == 200 and 'id="case-status"' in tracked.text
        assert "别人的问题" not in found.text
        old = client.get("/portal/track", params={"code": taken[0].tracking_code})
        assert old.status_code == 200  # the old code still works for whoever holds it
        forged = client.post("/portal/recover/verify", data={**form, "code": code.group(1),
                                                             "expires": str(int(form["expires"]) + 3600)})
        assert forged.status_code == 422  # a longer life is not the page's to give


def test_an_unknown_number_answers_the_same_and_texts_nobody(tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    settings = Settings(data_dir=tmp_path, sms_log=log)
    platform = deployed(settings, ("320200",), {})
    with app_client(settings, platform) as client:
        status, page = ask(client, "13600003333")
        assert status == 202 and 'id="verify-form"' in page and texts(log) == []
        bad_status, bad = ask(client, "12345")
        assert bad_status == 422 and 'id="recover-error"' in bad
        for _ in range(2):
            ask(client, "13600003333")
        limited, words = ask(client, "13600003333")
        assert limited == 429 and "频繁" in words

