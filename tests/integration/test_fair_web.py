"""The served pages apply the assessment rules the server was started with (issue 25 point 5:
``LIANDONG_ASSESSMENT_RULES``): with exclusions and clock stops on, the dashboard counts a case ruled
outside government's remit among the received but not the dispatched, the assessment export carries the
exclusions sheet; a bad file stops the server with its name (the CLI reads the same variable)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from liandong.bootstrap import Platform
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.server.app import create_app
from liandong.services.clock import ManualClock
from tests.factories.assessment import CENTRE, LIANGXI, START, data_of, fill_month
from tests.factories.deployments import LOCAL, deployed, signed_in

FAIR = """
[period]
cutoff_day = 1
[clock_stops]
stops = ["extension", "resource"]
[exclusions]
enabled = true
"""
MARCH = {"scope": LIANGXI, "from": "2026-03-01", "to": "2026-03-31"}
PEOPLE = {"leader": ("320200-gov", ["leader"])}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Platform, str]:
    folder = tmp_path_factory.mktemp("fair-web")
    (folder / "fair.toml").write_text(FAIR, encoding="utf-8")
    platform = deployed(Settings(data_dir=folder), ["320200"], PEOPLE, sandbox=True)
    bus = platform.bus(ManualClock(START))
    fill_month(bus)
    with platform.uow() as u:  # a dispatched case of 梁溪区, ruled outside government's remit
        month = u.case_reads.streams_received(START.replace(day=1), START.replace(month=4))
        cases = {cid: u.cases.get(cid) for cid, _, _ in month}
    ruled = next(cid for cid, case in cases.items() if case is not None and case.record.lead
                 and any(p.startswith(LIANGXI) for p in case.record.affected))
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id=ruled, finding="out_of_remit",
                                   reason="要求取缔合法经营的商户"))
    return folder, platform, ruled


def web(folder: Path, platform: Platform, rules: Path | None) -> TestClient:
    app = create_app(Settings(data_dir=folder, assessment_rules=rules), platform)
    client = TestClient(app, base_url=LOCAL)
    token = signed_in(client, PEOPLE)["leader"]["Authorization"].removeprefix("Bearer ")
    client.cookies.set("ld_session", token)
    return client


def test_the_dashboard_and_the_export_apply_the_rules_the_server_was_started_with(
        store: tuple[Path, Platform, str]) -> None:
    folder, platform, ruled = store
    with web(folder, platform, None) as shipped, web(folder, platform, folder / "fair.toml") as fair:
        before = data_of(shipped.get("/work/dashboard", params=MARCH).text)["totals"]
        after = data_of(fair.get("/work/dashboard", params=MARCH).text)["totals"]
        assert before["received"] == after["received"] > 0  # a ruled case was still received
        assert after["dispatched"] == before["dispatched"] - 1  # but leaves every rate
        assert after["response"]["denominator"] == before["response"]["denominator"] - 1
        query = {"scope": LIANGXI, "period": "2026-03", "kind": "kpi", "format": "xlsx"}
        sheets = {}
        for name, client in (("shipped", shipped), ("fair", fair)):
            answer = client.get("/work/assessment/export", params=query)
            assert answer.status_code == 200, answer.text
            sheets[name] = load_workbook(io.BytesIO(answer.content)).worksheets
        assert len(sheets["shipped"]) == 1 and len(sheets["fair"]) == 2  # 不合理诉求认定, with the ruling
        cells = {str(cell.value) for row in sheets["fair"][1].iter_rows() for cell in row}
        assert ruled in cells and "要求取缔合法经营的商户" in cells
        page = fair.get("/work/assessment", params={"scope": LIANGXI, "period": "2026-03"})
        assert page.status_code == 200


def test_a_bad_rules_file_stops_the_server_naming_it(store: tuple[Path, Platform, str],
                                                    tmp_path: Path) -> None:
    folder, platform, _ = store
    bad = tmp_path / "rules.toml"
    bad.write_text("[composite]\nresponse = 2\n", encoding="utf-8")
    with pytest.raises(DomainError) as raised:
        create_app(Settings(data_dir=folder, assessment_rules=bad), platform)
    assert raised.value.code.startswith("assessment.") and str(bad) in str(raised.value.params)
