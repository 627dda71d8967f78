"""Case powers and the escalation ceiling through the real CLI on a SQLite file, in virtual time
(issue 23, points 4 and 5): refusals in words, and ``liandong org powers`` saying why."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(folder: Path | None, *args: str) -> tuple[int, str]:
    """Exit code and output, its lines joined (a table or a long refusal wraps at the terminal's width)."""
    store = ["--data-dir", str(folder)] if folder is not None else []
    result = runner.invoke(app, [*args, *store], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


def test_dispatch_powers_and_the_ceiling_through_the_cli(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    code, output = run(tmp_path, "case", "report", "--matter", "catering_fume", "--place", "320213001",
                       "--text", "饭店油烟直排扰民", "--at", "2026-03-02T09:00")
    assert code == 0
    cid = output.split()[0]
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "320213001-veterans",
                       "--at", "2026-03-02T09:05")
    assert code == 2 and "崇安寺退役军人服务站（320213001-veterans）不能派单" in output
    assert "由属地政府行使，应由崇安寺街道办事处办理" in output
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "100000-public_security", "--at",
                       "2026-03-02T09:05", "--lang", "en")
    assert code == 2 and "the governance elements of the central level" in output and "do not grant" in output
    assert run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov", "--at", "2026-03-02T09:05")[0] == 0
    # the chain: overdue at the county → escalated to the city; overdue at the city → held there
    said = [run(tmp_path, "case", "check", cid, "--by", "320200-gov", "--at", moment)
            for moment in ("2026-04-01T10:00", "2026-05-06T10:00", "2026-06-10T10:00")]
    assert [code for code, _ in said] == [0, 0, 0]
    compact = ["".join(text.split()) for _, text in said]
    assert "提级,路由,通报批评" in compact[0]
    assert "督办,已达提级上限，转为上级督办,通报批评" in compact[1]
    assert "提级" not in compact[1].replace("提级上限", "")
    assert compact[2].endswith(":—")  # nothing more: held, not climbing
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0
    shown = "".join(output.split())
    assert "管辖:无锡市（市级）主办:无锡市城市管理局" in shown and "住房和城乡建设部" not in shown
    assert "江苏省住房和城乡建设厅城市管理监督局" in shown  # present as supervisor, not lead


def test_org_powers_says_what_a_department_may_do_and_why() -> None:
    code, output = run(None, "org", "powers", "320213001-veterans")
    assert code == 0
    assert "职权：崇安寺退役军人服务站" in output and "职能部门（条）" in output
    assert "派单" in output and "不可以" in output and "由属地政府行使（治理要素：基层治理）" in output
    code, output = run(None, "org", "powers", "100000-public_security", "--lang", "en")
    assert code == 0 and "Powers: 公安部" in output
    assert "do not grant 'dispatch, re-dispatch and merge cases'" in output
    assert "Routine: no escalation is taken over here" in output
    code, output = run(None, "org", "powers", "320200")
    assert code == 0 and "无锡市人民政府" in output and "治理要素：沟通协调（由属地政府行使）" in output
    code, output = run(None, "org", "powers", "320213001-nonesuch")
    assert code == 2 and "320213001-nonesuch" in output
