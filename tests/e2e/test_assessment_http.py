"""The assessment page (考核与问责) over HTTP on a real server: who may see it, the tables and the
downloads, and that they agree with the dashboard on the same cases."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import httpx
from openpyxl import load_workbook

from liandong.domain.worktime import SHANGHAI
from tests.factories.accounts import session
from tests.factories.assessment import data_of
from tests.factories.cases import case_through_the_api


def today() -> str:
    return datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()


def test_only_staff_of_the_scope_see_it(server: str) -> None:
    answer = httpx.get(f"{server}/work/assessment", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/work/assessment")
    assert session(server, "citizen").get("/work/assessment").status_code == 303
    street = session(server, "chongansi_zhifa")
    assert street.get("/work/assessment", params={"scope": "320200"}).status_code == 403
    assert street.get("/work/assessment/export", params={"scope": "320200"}).status_code == 403


def test_the_tables_and_downloads_agree_with_the_dashboard(server: str) -> None:
    case_through_the_api(server, solved=True, rating="satisfied", close=True)
    leader = session(server, "wuxi_leader")
    day = today()
    params = {"scope": "320213", "period": f"{day}..{day}", "by": "township"}
    page = leader.get("/work/assessment", params=params)
    assert page.status_code == 200 and page.headers["server-timing"].startswith("assessment;dur=")
    assert 'id="kpi-table"' in page.text and 'id="stage-chart"' in page.text and 'role="img"' in page.text
    assert 'data-key="320213001"' in page.text  # the street of the case has its row
    board = data_of(leader.get("/work/dashboard", params={"scope": "320213", "from": day, "to": day}).text)
    book = leader.get("/work/assessment/export", params={**params, "kind": "kpi", "format": "xlsx"})
    assert book.status_code == 200 and "spreadsheetml" in book.headers["content-type"]
    assert book.headers["content-disposition"].startswith('attachment; filename="kpi-320213-')
    ws = load_workbook(io.BytesIO(book.content)).worksheets[0]
    heads = [c.value for c in ws[4]]
    rows = {r[0]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True)}
    total = rows["320213"]
    assert total["受理"] == board["totals"]["received"] >= 1
    assert abs(total["解决率"] - board["totals"]["resolution"]["value"]) < 1e-4
    streets = {c["code"]: c["figures"] for c in board["children"]}
    assert rows["320213001"]["受理"] == streets["320213001"]["received"]
    flat = leader.get("/work/assessment/export", params={**params, "kind": "kpi", "format": "csv"})
    first = next(csv.DictReader(io.StringIO(flat.content.decode("utf-8-sig"))))
    assert first["代码"] == "320213" and int(first["受理"]) == total["受理"]
    blame = leader.get("/work/assessment/export", params={**params, "kind": "accountability"})
    assert blame.status_code == 200
    assert load_workbook(io.BytesIO(blame.content)).worksheets[0]["A4"].value == "案件"


def test_bad_periods_are_explained_next_to_the_field(server: str) -> None:
    leader = session(server, "wuxi_leader")
    page = leader.get("/work/assessment", params={"period": "2026-13"})
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.text and 'id="period-error"' in page.text
    assert "考核周期“2026-13”无法识别" in page.text
    english = leader.get("/work/assessment", params={"period": "someday", "lang": "en"})
    assert "Period &#39;someday&#39; is not understood" in english.text or "Period 'someday'" in english.text
    assert re.search(r"<h1>Assessment and accountability", english.text)
    bad = leader.get("/work/assessment/export", params={"period": "2026-13"})
    assert bad.status_code == 400
