"""Case powers and the escalation ceiling through the real CLI on a SQLite file, in virtual time
(issue 23, points 4 and 5): refusals in words, and ``liandong org powers`` saying why."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app
from liandong.cli.common import open_platform
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock

runner = CliRunner()


def run(folder: Path | None, *args: str) -> tuple[int, str]:
    """Exit code and output, its lines joined (a table or a long refusal wraps at the terminal's width)."""
    store = ["--data-dir", str(folder)] if folder is not None else []
    result = runner.invoke(app, [*args, *store], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


def test_dispatch_powers_and_the_ceiling_through_the_cli(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213", "--sandbox")[0] == 0  # months pass on its clock
    code, output = run(tmp_path, "case", "report", "--matter", "catering_fume", "--place", "320213001",
                       "--text", "饭店油烟直排扰民")
    assert code == 0
    cid = output.split()[0]
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "320213001-veterans")
    assert code == 2 and "崇安寺退役军人服务站（320213001-veterans）不能派单" in output
    assert "由属地政府行使，应由崇安寺街道办事处办理" in output
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "100000-public_security", "--lang", "en")
    assert code == 2 and "the governance elements of the central level" in output and "do not grant" in output
    assert run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov")[0] == 0
    # the chain, on the sandbox's clock: overdue at the county → escalated to the city; overdue at the
    # city → held there; a month on → nothing more
    platform = open_platform(None, tmp_path)

    def check_after_due(extra: timedelta) -> list[str]:
        case = platform.queries().get(cid)
        assert case is not None and case.record.due is not None
        bus = platform.bus(ManualClock(case.record.due + extra))
        return [type(e).__name__ for e in bus.handle(c.CheckDeadlines(by="320200-gov", case_id=cid)).events]

    first = check_after_due(timedelta(days=25))
    assert {"CaseEscalated", "CaseRouted", "CriticismRecorded"} <= set(first)
    second = check_after_due(timedelta(days=25))
    assert "EscalationHeld" in second and "CriticismRecorded" in second and "CaseEscalated" not in second
    assert check_after_due(timedelta(days=36)) == []  # held, not climbing
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0
    shown = "".join(output.split())
    assert "管辖:无锡市（市级）主办:无锡市城市管理局" in shown and "住房和城乡建设部" not in shown
    assert "江苏省住房和城乡建设厅城市管理监督局" in shown  # present as supervisor, not lead


def test_org_powers_says_what_a_department_may_do_and_why() -> None:
    code, output = run(None, "org", "powers", "320213001-veterans")
    assert code == 0
    assert "职权：崇安寺退役军人服务站" in output and "职能部门（条）" in output
    compact = "".join(output.split())  # a table wraps its cells at whatever width the console took
    assert "派单" in compact and "不可以" in compact and "由属地政府行使（治理要素：基层治理）" in compact
    code, output = run(None, "org", "powers", "100000-public_security", "--lang", "en")
    assert code == 0 and "Powers: 公安部" in output
    assert "do not grant 'dispatch, re-dispatch and merge cases'" in output
    assert "Routine: no escalation is taken over here" in output
    code, output = run(None, "org", "powers", "320200")
    assert code == 0 and "无锡市人民政府" in output
    assert "治理要素：沟通协调（由属地政府行使）" in "".join(output.split())
    code, output = run(None, "org", "powers", "320213001-nonesuch")
    assert code == 2 and "320213001-nonesuch" in output
