"""Updates that come to the reporter (issue 24 point 6), end to end on a real SMTP server (aiosmtpd):
a portal report with an e-mail address and a photo → the handler's page shows the thumbnail → the
case is dispatched and resolved → the e-mails arrive, in Chinese, with no one's personal data; the
development SMS log gets the same to the phone; a mail server that is down never fails a command."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from liandong.config import Settings
from liandong.domain.cases import commands as c
from tests.factories.deployments import app_client, deployed, signed_in
from tests.factories.mail import Inbox, free_port, smtp_server, text_of
from tests.factories.photos import jpeg

LEAD = "320213001-urban_management"
ADDRESS = "江苏省无锡市梁溪区崇安寺街道中山路 1 号"
PEOPLE = {"lead": (LEAD, ["handler"])}


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def test_a_report_with_an_email_and_a_photo_is_followed_by_mail(tmp_path: Path,
                                                                  smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    sms = tmp_path / "sms.log"
    settings = Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port, sms_log=sms)
    platform = deployed(settings, ("320200",), PEOPLE)
    client = app_client(settings, platform)
    tokens = {n: h["Authorization"].removeprefix("Bearer ") for n, h in signed_in(client, PEOPLE).items()}
    page = client.get("/portal")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None and 'id="email"' in page.text
    answer = client.post("/portal", data={
        "csrf": csrf.group(1), "matter": "garbage_collection", "address": ADDRESS, "submission": "z" * 24,
        "description": "中山路垃圾桶满溢，我叫张三", "name": "张三", "phone": "13900001111",
        "email": "reporter@example.cn"}, files={"photo": ("scene.jpg", jpeg(gps=True), "image/jpeg")})
    assert answer.status_code == 201, re.findall(r"error\">([^<]+)<|<li>([^<]+)</li>", answer.text)
    case_id = platform.queries().listed(limit=1)[0][0].id
    assert platform.queries().get(case_id).record.reporter_email == "reporter@example.cn"  # type: ignore[union-attr]

    bus = platform.bus()
    bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    client.cookies.set("ld_session", tokens["lead"])
    case_page = client.get(f"/work/cases/{case_id}")
    thumbnail = re.search(r'<img src="(/work/cases/[^"]+)"', case_page.text)
    assert thumbnail is not None and client.get(thumbnail.group(1)).status_code == 200
    bus.handle(c.AcknowledgeCase(by=LEAD, case_id=case_id))
    bus.handle(c.StartHandling(by=LEAD, case_id=case_id))
    bus.handle(c.ResolveCase(by=LEAD, case_id=case_id, summary="已清运", public_note="垃圾已清运"))

    dispatched, acknowledged, resolved = inbox.wait(3)
    assert all(m["To"] == "reporter@example.cn" and "新进展" in str(m["Subject"]) for m in inbox.mails)
    assert "已派给承办单位" in text_of(dispatched) and "签收" in text_of(acknowledged)
    assert "已办结" in text_of(resolved) and "垃圾已清运" in text_of(resolved) and "评价" in text_of(resolved)
    for mail in inbox.mails:  # nobody's personal data: not the reporter's name, number or words
        body = text_of(mail)
        assert "张三" not in body and "13900001111" not in body and "中山路" not in body
    lines = [json.loads(line) for line in sms.read_text(encoding="utf-8").splitlines()]
    assert [line["to"] for line in lines] == ["13900001111"] * 3 and "已办结" in lines[-1]["text"]


def test_a_mail_server_that_is_down_never_fails_the_command(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=free_port())  # nobody listens
    platform = deployed(settings, ("320200",), {})
    updates = platform.reporter_updates
    assert updates is not None
    updates.pause = 0.01
    bus = platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                      description="垃圾满溢", reporter_email="a@example.cn")).case_id
    assert bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id)).version > 1
    updates.drain()
