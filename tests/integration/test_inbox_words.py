"""The inbox of a lead (issue 23): a case it has resolved is no longer its overdue duty — no red
countdown hours after the deadline, but the words for where the case stands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from tests.factories.deployments import app_client, deployed, signed_in

LEAD = "320213-urban_management"


def test_a_resolved_case_is_not_shown_overdue(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = {"lead": (LEAD, ["handler"])}
    platform = deployed(settings, ("320213",), people, sandbox=True)  # history on a simulated clock
    bus = platform.bus(ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))  # months ago: long overdue now
    streets = ("320213001", "320213015")
    done = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=streets,
                                   description="已办结的噪声")).case_id
    late = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=streets,
                                   description="仍在办理的噪声")).case_id
    for case_id in (done, late):
        bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
        bus.handle(c.AcknowledgeCase(by=LEAD, case_id=case_id))
    with platform.uow() as uow:
        record = uow.cases.get(done).record  # type: ignore[union-attr]
    for assist in record.pending_assists():  # joint closure: every assist reports its part first
        bus.handle(c.ReportAssist(by=assist, case_id=done, summary="已配合"))
    bus.handle(c.ResolveCase(by=LEAD, case_id=done, summary="已处理"))

    client = app_client(settings, platform)
    bearer = signed_in(client, people)["lead"]["Authorization"]
    client.cookies.set("ld_session", bearer.removeprefix("Bearer "))
    for lang, words in (("zh", "已办结，待回访"), ("en", "Resolved, awaiting follow-up")):
        page = client.get("/work", params={"lang": lang, "tab": "cases"})
        assert page.status_code == 200
        row_done = page.text[page.text.index(done[:12]):][:1500]
        row_late = page.text[page.text.index(late[:12]):][:1500]
        assert words in row_done and "超期" not in row_done and "overdue" not in row_done.split("</tr>")[0]
        assert ("超期" if lang == "zh" else "overdue") in row_late.split("</tr>")[0]
