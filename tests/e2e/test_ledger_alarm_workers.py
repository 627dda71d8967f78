"""``liandong serve --workers 2`` audits the ledger once, in a process of its own started by the worker
that leads the timers (decision 0060), and both workers answer ``/healthz`` with the alarm it raised.
An event's text edited in the case tables is found when a new entry touches its case."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from liandong.cli import app as cli
from tests.support.processes import free_port, serving

LIANDONG = [sys.executable, "-c", "import sys; from liandong.cli import main; sys.exit(main())"]
runner = CliRunner()


def test_two_workers_show_the_alarm_their_one_auditor_raised(tmp_path: Path) -> None:
    data = tmp_path / "data"
    d = ["--data-dir", str(data)]
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0
    out = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place", "320213001",
                              "--text", "广场夜间噪声", *d]).output
    cid = out.split()[0]
    port = free_port()
    env = {**os.environ, "LIANDONG_DATA_DIR": str(data), "LIANDONG_LEDGER_AUDIT_SECONDS": "1"}
    url = f"http://127.0.0.1:{port}/healthz"
    with serving([*LIANDONG, "serve", "--port", str(port), "--workers", "2"], url=url,
                 log=tmp_path / "server.log", env=env, deadline=120):
        with sqlite3.connect(data / "liandong.sqlite3") as db:  # whoever holds the file can
            edited = db.execute("UPDATE case_event SET payload = replace(payload, '广场夜间噪声', '已撤诉') "
                                "WHERE case_id = ? AND case_version = 1", (cid,)).rowcount
        assert edited == 1
        done = runner.invoke(cli, ["case", "dispatch", cid, "--by", "320200-gov", *d])  # a new entry
        assert done.exit_code == 0, done.output
        deadline = time.monotonic() + 120
        with httpx.Client(timeout=10) as client:
            while client.get(url).status_code != 503:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-4000:]
                time.sleep(0.2)
        answers = [httpx.get(url, timeout=10) for _ in range(30)]  # a connection each: either worker answers
        assert {a.status_code for a in answers} == {503}
        assert all(a.json()["status"] == "ledger_alarm" and cid in a.json()["ledger"] for a in answers)
    assert (data / "ledger-alarm.json").exists()
