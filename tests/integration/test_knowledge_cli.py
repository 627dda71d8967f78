"""``liandong kb`` on a real SQLite file: an answer added, found and answered from at intake, the
consultation counted apart; the exchange workbook exported, edited and imported back; a bad row
refused naming its row and column with nothing imported; entries to review listed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from liandong.cli import app
from liandong.domain.worktime import SHANGHAI

runner = CliRunner()
TODAY = datetime.now(SHANGHAI).date()  # the CLI reads the platform's clock: Beijing's today
OWNER = "320213-human_resources"


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["kb", *args, "--data-dir", str(folder)])
    return result.exit_code, result.output.replace("\n", "")  # a refusal wraps at the terminal's width


def test_an_answer_from_the_knowledge_base_closes_a_consultation(tmp_path: Path) -> None:
    code, output = run(tmp_path, "add", "--title", "社保卡补办需要什么材料",
                       "--answer", "携带身份证到社保窗口办理。", "--owner", OWNER,
                       "--source", "《社会保障卡管理办法》", "--reviewed-by", "张审核",
                       "--scope", "320213", "--keyword", "社保卡", "--keyword", "补办")
    assert code == 0, output
    entry = re.search(r"K[0-9a-f]{19}", output)
    assert entry and "已新增" in output
    code, output = run(tmp_path, "search", "我的社保卡丢了怎么补办", "--place", "320213001")
    assert code == 0 and entry.group(0) in output and "社保卡补办需要什么材料" in output
    code, output = run(tmp_path, "search", "社保卡补办", "--place", "320205001", "--lang", "en")
    assert code == 0 and "no entry in force where the caller is" in output  # 锡山: not its answer
    code, output = run(tmp_path, "answer", entry.group(0), "--question", "我叫李四，社保卡丢了",
                       "--by", "320200-gov", "--place", "320213001")
    assert code == 0 and "咨询已办结" in output
    today = datetime.now(SHANGHAI).date()  # read now: the suite may cross Beijing's midnight
    since = (today - timedelta(days=1)).isoformat()
    code, output = run(tmp_path, "count", "--scope", "320200", "--from", since, "--to", today.isoformat())
    assert code == 0 and re.search(r"电话\s*│\s*1", output) and re.search(r"合计\s*│\s*1", output)
    code, output = run(tmp_path, "answer", entry.group(0), "--question", "x", "--by", "320200-gov",
                       "--channel", "fax")
    assert code == 2 and "渠道“fax”不可用" in output


def test_the_exchange_workbook_round_trips_and_a_bad_row_imports_nothing(tmp_path: Path) -> None:
    code, output = run(tmp_path, "add", "--title", "居住证办理需要什么材料", "--answer", "租房合同和身份证。",
                       "--owner", OWNER, "--source", "居住证暂行条例", "--reviewed-by", "王审核",
                       "--valid-until", (TODAY + timedelta(days=10)).isoformat())
    ending = re.search(r"K[0-9a-f]{19}", output)
    assert code == 0 and ending
    book_path = tmp_path / "kb.xlsx"
    code, output = run(tmp_path, "export", str(book_path))
    assert code == 0 and "已导出 1 条" in output
    book = load_workbook(book_path)
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["编号", "问题", "答复"]
    sheet.append([None, "公积金提取需要什么条件", "购房、租房或退休时可提取。", OWNER, "住房公积金管理条例",
                  "2026-01-01", None, "赵审核", TODAY.isoformat(), "320213", "", "公积金、提取"])
    book.save(book_path)
    code, output = run(tmp_path, "import", str(book_path))
    assert code == 0 and "新增 1 条，替换 1 条" in output, output
    code, output = run(tmp_path, "search", "公积金怎么提取", "--place", "320213")
    assert code == 0 and "公积金提取需要什么条件" in output

    sheet.append([None, "医保报销比例是多少", "百分之九十。", "320213-nonexistent", "医保目录", "2026-01-01",
                  None, "钱审核", TODAY.isoformat(), "320213", "", ""])
    sheet.append([None, "新生儿落户怎么办理", "到派出所办理。", OWNER, "户口登记条例", "2026-13-01",
                  None, "孙审核", TODAY.isoformat(), "320213", "", ""])
    book.save(book_path)
    code, output = run(tmp_path, "import", str(book_path))
    assert code == 2 and "kb.xlsx：第 4 行“主管部门代码”列" in output and "整个文件未导入" in output, output
    code, output = run(tmp_path, "search", "医保报销", "--place", "320213")
    assert "医保报销比例是多少" not in output  # nothing of the refused file was stored

    code, output = run(tmp_path, "review", "--owner", OWNER)
    assert code == 0 and ending.group(0) in output and "30 天内到期" in output


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "kb.xlsx"
    fake.write_text("编号,问题\n", encoding="utf-8")
    code, output = run(tmp_path, "import", str(fake), "--lang", "en")
    assert code == 2 and "is not a readable xlsx workbook" in output
