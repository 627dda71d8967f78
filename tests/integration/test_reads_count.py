"""Every read counts (issue 23 point 6): a team member reading a case through the API or the CLI
is recorded as having read it, as a read in the workbench is, so the information-symmetry index
sees it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from tests.factories.deployments import app_client, deployed, signed_in

STREET = "320213001"


def test_api_and_cli_reads_leave_read_marks(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    lead = "320213001-urban_management"
    people = {"lead": (lead, ["handler"]), "outsider": ("320500-gov", ["handler"])}
    platform = deployed(settings, ("320213",), people, sandbox=True)  # history on a simulated clock
    bus = platform.bus(ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(STREET,),
                                      description="垃圾未清运")).case_id
    bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    assert bus.handle(c.AcknowledgeCase(by=lead, case_id=case_id)).version
    with platform.uow() as uow:
        assert uow.case_reads.read_marks(case_id) == {}
        version = uow.case_reads.get(case_id).version  # type: ignore[union-attr]
    client = app_client(settings, platform)
    headers = signed_in(client, people)
    assert client.get(f"/api/cases/{case_id}", headers=headers["lead"]).status_code == 200
    assert client.get(f"/api/cases/{case_id}", headers=headers["outsider"]).status_code == 404
    with platform.uow() as uow:
        marks = uow.case_reads.read_marks(case_id)
    assert set(marks) == {lead} and marks[lead][0] == version  # the lead, up to what it was shown
    centre = "320200-gov"
    result = CliRunner().invoke(app, ["case", "show", case_id, "--by", centre, "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with platform.uow() as uow:
        assert set(uow.case_reads.read_marks(case_id)) == {lead, centre}
    refused = CliRunner().invoke(app, ["case", "show", case_id, "--by", "320500-gov", "--data-dir",
                                       str(tmp_path)])
    assert refused.exit_code != 0 and "不存在" in refused.output
