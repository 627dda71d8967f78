"""The server's ledger auditor (decision 0028): it checks new entries round by round; a mismatch
raises an alarm that ``/healthz`` answers with 503 and that administrators and leaders see on every
page, in their language."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.access import Principal
from liandong.domain.roles import StaffRole
from liandong.server.app import create_app
from liandong.server.auditor import audit_once
from liandong.web.render import ledger_alarm

runner = CliRunner()


def test_the_auditor_raises_an_alarm_that_monitors_and_leaders_see(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0
    out = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place", "320213001",
                              "--text", "广场夜间噪声", *d]).output
    cid = out.split()[0]
    settings = Settings(data_dir=tmp_path)
    platform = bootstrap(settings)
    watch = platform.ledger_watch()
    client = TestClient(create_app(settings, platform), base_url="http://127.0.0.1")
    audit_once(watch)
    assert watch.status.alarm is None and watch.status.checked == 1
    assert client.get("/healthz").json() == {"status": "ok", "store": "live"}
    assert runner.invoke(cli, ["case", "dispatch", cid, "--by", "320200-gov", *d]).exit_code == 0
    audit_once(watch)  # the new entries only
    assert watch.status.alarm is None and watch.status.checked == 3

    assert platform.engine is not None
    with platform.engine.begin() as conn:
        conn.execute(text("UPDATE case_record SET lead_code = '320213-urban_management' WHERE id = :c"),
                     {"c": cid})
    audit_once(watch)  # an edit no new entry touches waits for a full round
    assert watch.status.alarm is None
    with caplog.at_level(logging.ERROR, logger="liandong.ledger_audit"):
        audit_once(watch, full=True)
    assert f"案件 {cid} 第 3 版与日志不符" in caplog.text and f"case {cid} version 3" in caplog.text
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "ledger_alarm" and "field lead_code" in answer.json()["ledger"]

    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(platform=platform)))
    leader = Principal("a1", "leader", frozenset({StaffRole.LEADER}), "320213-gov")
    handler = Principal("a2", "handler", frozenset({StaffRole.HANDLER}), "320213-gov")
    banner = ledger_alarm(request, leader, "zh")  # type: ignore[arg-type]
    assert banner is not None and banner["title"] == "共享记录告警" and "字段 lead_code" in banner["what"]
    assert ledger_alarm(request, handler, "zh") is None  # type: ignore[arg-type]
    assert ledger_alarm(request, None, "en") is None  # type: ignore[arg-type]
