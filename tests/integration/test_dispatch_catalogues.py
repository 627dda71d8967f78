"""派单目录 on SQLite and PostgreSQL through the bus: a case reported before the effective date and
one reported after route by their own versions and say so, also when re-routed later; the xlsx
round trip and the refusals of ``liandong catalogue``; a bad file stops the start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import ReferenceDataError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.cases import CENTRE
from tests.factories.catalogues import JIANGSU_2027, catalogue_rules

LIANGXI_TOWN = "320213001"
runner = CliRunner()


def test_cases_before_and_after_the_date_route_by_their_own_version(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(datetime(2027, 2, 20, 2, 0, tzinfo=UTC))
    bus = MessageBus(uow=uow_factory, rules=catalogue_rules(), clock=clock)
    early = bus.handle(c.ReportCase(by="reporter", matter="construction_noise", affected=(LIANGXI_TOWN,),
                                    description="工地夜间打桩")).case_id
    clock.set(datetime(2027, 3, 3, 2, 0, tzinfo=UTC))
    late = bus.handle(c.ReportCase(by="reporter", matter="construction_noise", affected=(LIANGXI_TOWN,),
                                   description="工地夜间打桩")).case_id
    for cid in (early, late):
        bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    with bus.uow() as u:
        first, second = u.cases.get(early), u.cases.get(late)
        assert first is not None and second is not None
        a, b = first.record, second.record
    assert (a.owner, a.lead, a.limit) == ("320213", "320213-urban_management", "7wd")
    assert not any(r[0] == "catalogue" for r in a.reasons)
    assert (b.owner, b.lead, b.limit) == ("320200", "320200-eco_environment", "5wd")
    assert b.reasons[-1] == ("catalogue", "江苏省", "2027.1", "2027-03-01", "lead+authority+limits")
    clock.advance(timedelta(hours=1))  # re-routed after the date, the early case keeps its version
    bus.handle(c.EscalateCase(by=a.lead, case_id=early, reason="超出能力"))
    with bus.uow() as u:
        again = u.cases.get(early)
        assert again is not None
    assert again.record.owner == "320200" and again.record.lead == "320200-urban_management"
    assert not any(r[0] == "catalogue" for r in again.record.reasons)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_xlsx_round_trip_diff_and_refusals(tmp_path: Path) -> None:
    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "320000-2027.1.toml").write_text(JIANGSU_2027, encoding="utf-8")
    where = ("--data-dir", str(tmp_path))
    sheet = tmp_path / "jiangsu.xlsx"
    code, out = run("catalogue", "export", str(sheet), "--scope", "320000", "--version", "2027.1", *where)
    assert code == 0, out
    book = load_workbook(sheet)
    rows = {row[0].value: row for row in book["派单目录"].iter_rows(min_row=2)}
    assert rows["construction_noise"][4].value == "eco_environment"
    assert rows["construction_noise"][13].value == "江苏省 2027.1"
    assert rows["construction_noise"][12].value is None  # no GB/T 39666 code is shipped, none invented
    rows["construction_noise"][9].value = "routine=4wd"  # the office shortens the limit
    rows["social_life_noise"][12].value = "T-0502"  # the province supplies a code from the standard
    book.save(sheet)
    code, out = run("catalogue", "import", str(sheet), "--scope", "320000", "--version", "2027.2",
                    "--effective", "2027-09-01", "--source", "苏政办发〔2027〕30号", *where)
    assert code == 0, out
    written = (folder / "320000-2027.2.toml").read_text(encoding="utf-8")
    assert 'routine = "4wd"' in written and 'lead = "eco_environment"' in written
    assert 'hotline_code = "T-0502"' in written
    code, out = run("catalogue", "diff", "320000", "2027.1", "2027.2", *where)
    assert code == 0, out
    assert "construction_noise" in out and "routine=5wd → routine=4wd" in out
    assert "hotline_code" in out and "T-0502" in out
    assert "social_life_noise" not in out.split("\n", 1)[1] or "keywords" not in out
    code, out = run("catalogue", "check", *where)
    assert code == 0 and "2 个文件" in out, out
    rows["construction_noise"][4].value = "ecology"  # a system that does not exist: refused at its cell
    rows["dust_pollution"][1].value = "扬尘"  # a national name may not change
    book.save(sheet)
    code, out = run("catalogue", "import", str(sheet), "--scope", "320200", "--version", "2027.1",
                    "--effective", "2027-09-01", "--source", "x", "--lang", "en", *where)
    row = next(r[0].row for r in book["派单目录"].iter_rows(min_row=2) if r[0].value == "construction_noise")
    assert code == 2 and f"派单目录!E{row}" in out.replace("\n", "") and "ecology" in out, out
    assert not (folder / "320200-2027.1.toml").exists()  # nothing written


def test_a_bad_file_is_refused_by_check_and_stops_the_start(tmp_path: Path) -> None:
    folder = tmp_path / "catalogues"
    folder.mkdir()
    bad = JIANGSU_2027.replace('authority = "city"', 'authority = "prefecture"')
    (folder / "320000-2027.1.toml").write_text(bad, encoding="utf-8")
    code, out = run("catalogue", "check", "--data-dir", str(tmp_path))
    flat = out.replace("\n", "")
    assert code == 1 and "320000-2027.1.toml:9" in flat and "overrides[1] construction_noise" in flat, out
    assert "prefecture" in flat
    with pytest.raises(ReferenceDataError) as caught:
        bootstrap(Settings(data_dir=tmp_path, database_url=f"sqlite+pysqlite:///{tmp_path / 'x.db'}"))
    assert caught.value.code == "data.not_allowed" and caught.value.params["field"] == "authority"


def test_the_platform_loads_the_directory_and_routes_by_it(tmp_path: Path) -> None:
    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "320000-2027.1.toml").write_text(JIANGSU_2027, encoding="utf-8")
    platform = bootstrap(Settings(data_dir=tmp_path, database_url=f"sqlite+pysqlite:///{tmp_path / 'x.db'}"))
    rules = platform.rules()
    assert rules.catalogues is not None
    after = rules.matter("construction_noise", [LIANGXI_TOWN], datetime(2027, 3, 2, tzinfo=UTC))
    assert after.lead == "eco_environment"
    assert rules.matter("construction_noise").lead == "urban_management"
