"""The command line on a real SQLite file: init, org show/path/lca/search, and refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    code, output = run("init", "--scope", "320200", "--data-dir", str(folder))
    assert code == 0, output
    assert "初始化完成" in output and "38,723" in output
    return folder


def test_lca_names_jiangsu_and_the_centre() -> None:
    code, output = run("org", "lca", "320213", "320506")
    assert code == 0 and "江苏省" in output
    code, output = run("org", "lca", "320213", "340104")
    assert code == 0 and "中华人民共和国" in output
    code, output = run("org", "lca", "320213", "340104", "--lang", "en")
    assert "Lowest common ancestor" in output and "central" in output


def test_path_and_search() -> None:
    code, output = run("org", "path", "441900003")
    assert code == 0
    assert [line.split(" (")[0].strip() for line in output.splitlines()] == [
        "中华人民共和国", "广东省", "东莞市", "东城街道"]
    code, output = run("org", "search", "梁溪")
    assert code == 0 and "320213" in output


def test_show_lists_departments_in_both_languages(data_dir: Path) -> None:
    code, output = run("org", "show", "320213", "--data-dir", str(data_dir))
    assert code == 0
    assert "梁溪生态环境分局" in output and "梁溪区人民政府" in output and "崇安寺街道" in output
    code, output = run("org", "show", "320213", "--data-dir", str(data_dir), "--lang", "en")
    assert code == 0 and "Departments" in output and "Ecology and environment" in output


def test_show_outside_the_scope_says_how_to_add_it(data_dir: Path) -> None:
    code, output = run("org", "show", "340104", "--data-dir", str(data_dir))
    assert code == 0 and "liandong init --scope 340104" in output


def test_unknown_code_is_a_clear_refusal_with_nearest_codes(data_dir: Path) -> None:
    code, output = run("org", "show", "320299", "--data-dir", str(data_dir))
    assert code == 2
    assert "未知的行政区划代码“320299”" in output and "320200" in output
    code, output = run("org", "lca", "320213", "99", "--lang", "en")
    assert code == 2 and "Unknown jurisdiction code '99'" in output
    code, output = run("org", "path", "1", "--lang", "fr")
    assert code == 2 and "--lang" in output


def test_a_bad_data_file_leaves_no_database_content(tmp_path: Path) -> None:
    bad = tmp_path / "matters.toml"
    bad.write_text('version = "x"\n[[matters]]\ncode = "noise"\nname = "噪声"\n', "utf-8")
    code, output = run("init", "--data-dir", str(tmp_path / "d"), "--matters", str(bad))
    assert code == 2
    assert str(bad) in output.replace("\n", "") and "缺少字段" in output
    assert not (tmp_path / "d" / "liandong.sqlite3").exists()


@pytest.mark.parametrize(("workers", "database", "noted"), [
    (2, None, True), (1, None, False), (2, "postgresql+psycopg://postgres@127.0.0.1:5432/x", False)])
def test_serve_says_when_sqlite_workers_take_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   workers: int, database: str | None, noted: bool) -> None:
    import uvicorn

    served: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kw: served.append(kw["workers"]))
    for name in ("LIANDONG_DATABASE_URL", "LIANDONG_DATA_DIR", "LIANDONG_HOST", "LIANDONG_PORT"):
        # serve sets them for its workers:
        monkeypatch.setenv(name, "")  # recorded, so that the test's end puts them back as they were
        monkeypatch.delenv(name)
    args = ["serve", "--workers", str(workers), "--data-dir", str(tmp_path)]
    done = runner.invoke(app, args + (["--database-url", database] if database else []))
    assert done.exit_code == 0, done.output
    assert served == [workers]
    said = " ".join(done.output.split())  # the console wraps long lines
    assert ("SQLite 同一时刻只有一个写入者" in said and "one writer at a time" in said) is noted
    assert os.environ["LIANDONG_DATA_DIR"] == str(tmp_path)
