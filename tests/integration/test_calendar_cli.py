"""``liandong calendar show | check``, the warnings of ``serve`` (on an injected date) and the
（暂定） mark of a 2027 deadline on ``case show`` and on the workbench's case page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.cli import app
from liandong.cli.common import open_platform
from liandong.domain.cases import commands as c
from liandong.domain.worktime import SHANGHAI
from liandong.services import clock as clock_module
from liandong.services.clock import ManualClock

runner = CliRunner()
OFFICIAL_2027 = """year = 2027
status = "official"
source = "国办发明电〔2026〕1号（测试）"

[[festival]]
key = "spring_festival"
name = "春节"
name_en = "Spring Festival"
holidays = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
workdays = [2027-02-14, 2027-02-20]
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_show_lists_2027_by_month_with_its_status_and_basis() -> None:
    code, output = run("calendar", "show", "2027")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "2027 年 · 暂定（仅法定节假日与补假，不含调休）"
    assert "国务院令第798号" in lines[1] and lines[2] == "文件: liandong/data/holidays/2027.toml"
    february = lines.index("2 月")
    assert lines[february + 1:february + 7] == [f"  2027-02-{d:02d} 周{w}  春节  放假" for d, w in (
        (5, "五"), (6, "六"), (7, "日"), (8, "一"), (9, "二"), (10, "三"))]
    assert "  2027-10-05 周二  国庆节  放假" in lines
    assert lines[-1] == "放假 19 天（含周末）、调休上班 0 天；全年工作日 248 天"
    code, output = run("calendar", "show", "2027", "--lang", "en")
    assert code == 0 and output.startswith("2027 · provisional (statutory holidays and days in lieu only")
    assert "February\n  2027-02-05 Fri  Spring Festival  day off\n" in output


def test_show_a_package_year_and_an_unknown_one() -> None:
    code, output = run("calendar", "show", "2026")
    assert code == 0 and output.startswith("2026 年 · 正式（国务院办公厅通知）\n")
    assert "  2026-02-14 周六  春节  调休上班" in output and "文件: chinesecalendar" in output
    code, output = run("calendar", "show", "2031", "--lang", "en")
    assert (code, output) == (0, "2031 · unknown: working days are Monday to Friday\n")


def test_check_the_shipped_files_a_directory_and_given_files(tmp_path: Path) -> None:
    code, output = run("calendar", "check", "--data-dir", str(tmp_path))
    assert code == 0, output
    assert output.splitlines() == [
        "✓ liandong/data/holidays/2027.toml：2027 年，暂定（仅法定节假日与补假，不含调休）；"
        "7 个节日，放假 19 天，调休上班 0 天", "已知至 2027-12-31，正式安排至 2026-12-31"]
    folder = tmp_path / "holidays"  # <data_dir>/holidays is used when it exists
    folder.mkdir()
    (folder / "2027.toml").write_text(OFFICIAL_2027, encoding="utf-8")
    code, output = run("calendar", "check", "--data-dir", str(tmp_path), "--lang", "en")
    assert code == 0, output
    assert f"✓ {folder / '2027.toml'}: 2027, official (State Council notice); 1 festivals, 7 days off, " \
           "2 adjusted working days (overrides liandong/data/holidays/2027.toml)" in output
    assert output.endswith("Known until 2027-12-31, official until 2027-12-31\n")
    code, output = run("calendar", "show", "2027", "--data-dir", str(tmp_path))
    assert code == 0 and "2027 年 · 正式" in output and "  2027-02-20 周六  春节  调休上班" in output
    broken = tmp_path / "2028.toml"
    broken.write_text(OFFICIAL_2027.replace("2027", "2028"), encoding="utf-8")
    code, output = run("calendar", "check", str(broken), str(folder / "2027.toml"))
    assert code == 1
    assert f"✗ {broken}:10：festival[1] 春节 的调休上班日 2028-02-14 在周一至周五" in output
    assert f"✓ {folder / '2027.toml'}" in output
    code, output = run("calendar", "check", "--holidays-dir", str(tmp_path / "none"))
    assert code == 2 and "节假日目录" in output


@pytest.fixture()
def on_6_december_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 12, 6, 2, tzinfo=UTC)
    monkeypatch.setattr(clock_module, "SystemClock", lambda: ManualClock(moment))


@pytest.fixture()
def no_uvicorn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import uvicorn

    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **_: served.append(target))
    for name in ("LIANDONG_DATABASE_URL", "LIANDONG_DATA_DIR"):  # serve sets them for its workers
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return served


@pytest.mark.usefixtures("on_6_december_2026")
def test_serve_warns_of_a_provisional_coming_year(tmp_path: Path, no_uvicorn: list[str]) -> None:
    code, output = run("serve", "--data-dir", str(tmp_path))
    assert code == 0, output
    said = " ".join(output.split())
    assert "节假日正式安排仅至 2026-12-31；2027 年为暂定" in said
    assert "The official holiday arrangement runs to 2026-12-31; 2027 is provisional" in said
    assert no_uvicorn == ["liandong.server.app:create_app"]
    (tmp_path / "holidays").mkdir()
    (tmp_path / "holidays" / "2027.toml").write_text(OFFICIAL_2027, encoding="utf-8")
    code, output = run("serve", "--data-dir", str(tmp_path))
    assert code == 0 and "暂定" not in output and "provisional" not in output


def test_serve_refuses_a_bad_holiday_file(tmp_path: Path, no_uvicorn: list[str]) -> None:
    (tmp_path / "holidays").mkdir()
    (tmp_path / "holidays" / "2027.toml").write_text(OFFICIAL_2027 + "extra = 1\n", encoding="utf-8")
    code, output = run("serve", "--data-dir", str(tmp_path))
    assert code == 2 and no_uvicorn == []
    said = output.replace("\n", "")  # the console wraps a long temporary path anywhere, mid-word too
    assert "2027.toml" in said and "extra" in said and "允许的字段" in said


def test_a_2027_deadline_is_marked_provisional_on_case_show_and_the_case_page(tmp_path: Path) -> None:
    from liandong.domain.access import Principal, StaffRole
    from liandong.web.calendar_notice import admin_notices
    from liandong.web.case_view import case_view

    folder = str(tmp_path)
    assert run("init", "--scope", "320213", "--sandbox", "--data-dir", folder)[0] == 0
    platform = open_platform(None, tmp_path)

    def reported(moment: str, text: str) -> str:
        """A case reported and dispatched at ``moment`` (Beijing) on a simulated clock: a sandbox's."""
        clock = ManualClock(datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI))
        bus = platform.bus(clock)
        cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                      description=text)).case_id
        clock.advance(timedelta(minutes=5))
        bus.handle(c.DispatchCase(by="320200-gov", case_id=cid))
        return cid

    cid = reported("2027-02-04T10:00", "春节前广场舞噪声")
    code, output = run("case", "show", cid, "--data-dir", folder)
    assert code == 0 and "时限: 2027-02-19 17:30（暂定）" in " ".join(output.split())  # 7 wd, 5–10 Feb off
    code, output = run("case", "show", cid, "--data-dir", folder, "--lang", "en")
    assert "Due: 2027-02-19 17:30 (provisional)" in " ".join(output.split())  # the console wraps
    with platform.uow() as uow:
        case = uow.cases.get(cid)
        events = uow.cases.events(cid)
    assert case is not None
    admin = Principal("a1", "admin", frozenset({StaffRole.ADMINISTRATOR}), "320200-gov")
    view = {lang: case_view(platform, admin, case.record, events, {}, lang)["due"] for lang in ("zh", "en")}
    assert view == {"zh": "2027-02-19 17:30（暂定）", "en": "2027-02-19 17:30 (provisional)"}
    december = datetime(2026, 12, 6, 2, tzinfo=UTC)
    assert "2027 年为暂定" in admin_notices(platform, admin, december, "zh")[0]
    handler = Principal("h1", "handler", frozenset({StaffRole.HANDLER}), "320213-urban_management")
    assert admin_notices(platform, handler, december, "zh") == []
    assert admin_notices(platform, admin, datetime(2026, 10, 1, tzinfo=UTC), "zh") == []
    # a case of 2026 counted on the official calendar carries no mark
    old = reported("2026-03-02T09:00", "噪声")
    code, output = run("case", "show", old, "--data-dir", folder)
    assert code == 0 and "时限: 2026-03-11 17:30" in " ".join(output.split()) and "暂定" not in output
