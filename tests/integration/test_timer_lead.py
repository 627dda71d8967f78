"""One worker of a server audits the ledger, sweeps the heat and freezes the assessment for all of
them (decision 0060), and every worker shows the alarm that one found."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from liandong.adapters.alarm_file import ALARM_FILE, FileAlarm
from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.server.app import create_app, heat_sweep
from liandong.server.auditor import AuditorProcess, audit_once
from liandong.server.lead import TimerLead
from liandong.services.state_audit import Finding

runner = CliRunner()

HOLD = """
import sys
from pathlib import Path
from liandong.server.lead import TimerLead
lead = TimerLead(Path(sys.argv[1]))
print("held" if lead.held() else "not held", flush=True)
sys.stdin.readline()
"""


def store_with_a_case(data_dir: Path) -> str:
    """A county's store (``liandong init``) with one case reported; the case's id."""
    d = ["--data-dir", str(data_dir)]
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0
    out = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place", "320213001",
                              "--text", "广场夜间噪声", *d]).output
    return out.split()[0]


def test_one_process_leads_and_another_takes_the_lead_when_it_ends(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdin is not None
        first = other.stdout.readline().strip()
        if first != "held":
            other.kill()
            raise AssertionError(f"the other process did not lead: {first!r} {other.communicate()[1]}")
        here = TimerLead(tmp_path)
        done: list[str] = []
        assert not here.held()
        here.only(lambda: done.append("swept"))()
        assert done == []  # not the lead: the round is the other's
        other.stdin.write("\n")
        other.stdin.flush()
        other.wait(timeout=30)
        assert here.held()  # its lock went with it
        here.only(lambda: done.append("swept"))()
        assert done == ["swept"]
        here.release()
    finally:
        if other.poll() is None:
            other.kill()
            other.wait(timeout=10)


def test_without_a_data_directory_every_process_leads() -> None:
    assert TimerLead(None).held()


def test_the_alarm_the_auditing_worker_raised_is_shown_by_every_worker(tmp_path: Path) -> None:
    cid = store_with_a_case(tmp_path)
    settings = Settings(data_dir=tmp_path)
    auditing, other = bootstrap(settings), bootstrap(settings)  # two workers of one server
    client = TestClient(create_app(settings, other), base_url="http://127.0.0.1")
    audit_once(auditing.ledger_watch())
    assert other.ledger_watch().status.alarm is None
    assert client.get("/healthz").status_code == 200

    assert auditing.engine is not None
    with auditing.engine.begin() as conn:
        conn.execute(text("UPDATE case_record SET lead_code = '320213-urban_management' WHERE id = :c"),
                     {"c": cid})
    audit_once(auditing.ledger_watch(), full=True)
    seen = other.ledger_watch().status.alarm  # the worker that never audited
    assert seen is not None and seen.key == "state_mismatch" and seen.params["field"] == "lead_code"
    answer = client.get("/healthz")
    assert answer.status_code == 503 and "field lead_code" in answer.json()["ledger"]

    with auditing.engine.begin() as conn:  # put right; the next run's first (full) round clears it
        conn.execute(text("UPDATE case_record SET lead_code = NULL WHERE id = :c"), {"c": cid})
    again = bootstrap(settings)
    assert again.ledger_watch().status.alarm is not None  # still raised until checked again
    audit_once(again.ledger_watch())
    assert again.ledger_watch().status.alarm is None and other.ledger_watch().status.alarm is None
    assert client.get("/healthz").status_code == 200


def test_an_alarm_file_that_cannot_be_read_is_an_alarm_too(tmp_path: Path) -> None:
    alarm = FileAlarm(tmp_path / ALARM_FILE)
    assert alarm.current() is None
    alarm.raised(Finding("rolled_back", {"log_size": "3", "size": "5", "source": "database", "at": "—"}, 4))
    assert alarm.current() == Finding("rolled_back", {"log_size": "3", "size": "5", "source": "database",
                                                      "at": "—"}, 4)
    (tmp_path / ALARM_FILE).write_text("{not json", encoding="utf-8")
    found = alarm.current()
    assert found is not None and found.key == "alarm_unreadable"
    alarm.cleared()
    assert alarm.current() is None


def test_the_heat_sweep_runs_in_a_process_of_its_own_and_raises_the_heat(tmp_path: Path) -> None:
    """``server.app.heat_sweep``: ``liandong insight heat --sweep`` on the server's store (a burst of
    the same complaint at one street raises the first case's heat)."""
    assert runner.invoke(cli, ["init", "--scope", "320213", "--data-dir", str(tmp_path)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=tmp_path))
    try:
        first = platform.bus().handle(c.ReportCase(
            by="reporter", matter="catering_fume", affected=("320213001",),
            description="人民中路38号烧烤店油烟直排进居民楼")).case_id
        platform.bus().handle(c.DispatchCase(by="320200-gov", case_id=first))
        for i in range(11):
            platform.bus().handle(c.ReportCase(
                by="reporter", matter="catering_fume", affected=("320213001",),
                description=f"人民中路38号那家烧烤店油烟太大，熏得没法开窗（第{i + 1}位居民反映）"))
        heat_sweep(platform)
        with platform.uow() as u:
            case = u.cases.get(first)
            assert case is not None and case.record.heat >= 80 and case.record.heat_present
    finally:
        platform.close()


def test_the_auditor_in_a_process_of_its_own_raises_the_alarm_every_worker_shows(tmp_path: Path) -> None:
    """``AuditorProcess``: the lead worker's ledger audit in a child at a lower priority; what it finds
    reaches the workers through the alarm file."""
    cid = store_with_a_case(tmp_path)
    settings = Settings(data_dir=tmp_path)
    worker = bootstrap(settings)
    assert worker.engine is not None
    with worker.engine.begin() as conn:
        conn.execute(text("UPDATE case_record SET state = 'closed' WHERE id = :c"), {"c": cid})
    child = AuditorProcess(settings, every=1.0)
    child.ensure()
    try:
        pid = child.pid
        assert pid is not None
        assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)
        deadline = time.monotonic() + 120
        while (seen := worker.ledger_watch().status.alarm) is None:
            assert time.monotonic() < deadline, "the auditor's process raised no alarm in 120 s"
            assert child.pid == pid and os.path.exists(f"/proc/{pid}"), "the auditor's process ended"
            time.sleep(0.2)
        assert seen.key == "state_mismatch" and seen.params["field"] == "state" and seen.params["id"] == cid
        child.ensure()  # alive: the same process
        assert child.pid == pid
    finally:
        child.stop()
        worker.close()
    assert child.pid is None and not os.path.exists(f"/proc/{pid}")  # ended and reaped
