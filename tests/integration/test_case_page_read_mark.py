"""The case page's read mark (已读, decision 0021): a GET reads the case, then records the reader's mark
in a transaction of its own on the writer — at the platform's clock, for a member of the team only,
and never moving a mark back to an older version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from tests.factories.deployments import app_client, deployed, signed_in

LEAD = "320213-urban_management"
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_the_case_page_marks_a_team_members_read_at_the_platforms_clock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = {"lead": (LEAD, ["handler"]), "province": ("320000-gov", ["inspector"])}
    platform = deployed(settings, ("320000",), people, sandbox=True)  # the platform's clock simulated
    clock = platform.clock = ManualClock(START)
    bus = platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise",
                                      affected=("320213001", "320213015"),
                                      description="夜间施工噪声")).case_id
    bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    version = bus.handle(c.AcknowledgeCase(by=LEAD, case_id=case_id)).version

    client = app_client(settings, platform)
    tokens = {name: h["Authorization"].removeprefix("Bearer ")
              for name, h in signed_in(client, people).items()}
    overseer = Principal("o", "o", frozenset({StaffRole.INSPECTOR}), "320000-gov")

    def marks() -> dict[str, tuple[int, datetime]]:
        return platform.queries().read(overseer, case_id).reads

    clock.advance(timedelta(minutes=5))
    client.cookies.set("ld_session", tokens["province"])  # may read the case, is not on its team
    assert client.get(f"/work/cases/{case_id}").status_code == 200
    assert "320000-gov" not in marks()

    client.cookies.set("ld_session", tokens["lead"])
    assert client.get(f"/work/cases/{case_id}").status_code == 200
    assert marks()[LEAD] == (version, START + timedelta(minutes=5))
    clock.advance(timedelta(hours=1))  # the same version read again: the first reading stands
    assert client.get(f"/work/cases/{case_id}").status_code == 200
    assert marks()[LEAD] == (version, START + timedelta(minutes=5))
