"""``liandong ledger …`` on a real SQLite file: checkpoint, verify, prove, check-receipt."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_ledger_commands(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert run("init", "--scope", "320213", *d)[0] == 0
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings

    platform = bootstrap(Settings(data_dir=tmp_path))
    with platform.uow() as uow:  # every department of the scope got its signing key at init
        keys = uow.ledger.public_keys()
        assert sum(uow.organisation.count_departments().values()) == len(keys) > 100
        assert "320213-urban_management" in keys and "320213001-gov" in keys
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "噪声", *d)
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    code, output = run("ledger", "prove", cid, *d)
    assert code == 2 and "检查点" in output
    code, output = run("ledger", "checkpoint", *d)
    assert code == 0 and "— liandong-log" in output and "— witness-100000" in output
    assert "— witness-320000" in output
    code, output = run("ledger", "verify", *d, "--lang", "en")
    assert code == 0 and "verified: 3 entries" in output
    receipt = tmp_path / "receipt.json"
    code, _ = run("ledger", "prove", cid, "-o", str(receipt), *d)
    assert code == 0 and json.loads(receipt.read_text())["index"] == 2
    code, output = run("ledger", "check-receipt", str(receipt))
    assert code == 0 and "回执有效" in output
    code, output = run("ledger", "check-receipt", str(receipt), "--value", "description=噪声", "--lang", "en")
    assert code == 1 and "the leaf carries no commitments" in output  # the dispatch's leaf has none
    code, output = run("ledger", "check-receipt", str(receipt), "--value", "description")
    assert code == 2 and "不是“字段=值”的形式" in output
    document = json.loads(receipt.read_text())
    document["index"] = 1
    receipt.write_text(json.dumps(document))
    code, output = run("ledger", "check-receipt", str(receipt), "--lang", "en")
    assert code == 1 and "does not verify" in output
    receipt.write_text("{not json")
    code, output = run("ledger", "check-receipt", str(receipt))
    assert code == 2
    code, output = run("ledger", "check-receipt", str(tmp_path / "missing.json"))
    assert code == 2 and "无法读取" in output
    code, output = run("ledger", "prove", "nope", *d)
    assert code == 2 and "不存在" in output
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "夜间施工噪声", *d)
    reported = output.split()[0]
    assert run("ledger", "checkpoint", *d)[0] == 0
    mine = tmp_path / "mine.json"
    assert run("ledger", "prove", reported, "-o", str(mine), *d)[0] == 0
    assert json.loads(mine.read_text())["version"] == 2  # with the salt of the reporter's case
    code, output = run("ledger", "check-receipt", str(mine), "--value", "description=夜间施工噪声")
    assert code == 0 and "叶子中的承诺与所给的值一致：description" in output
    code, output = run("ledger", "check-receipt", str(mine), "--value", "description=别的", "--lang", "en")
    assert code == 1 and "is not the one the" in output
    code, output = run("ledger", "consistency", "1", "3", *d)
    assert code == 0 and output.startswith("old 1 ")
