"""The federation file: read whole, and a bad one refused naming the file, line and field, with
what is allowed, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.adapters.reference_data import national_hierarchy
from liandong.domain.errors import DomainError
from liandong.federation.config import read_config
from liandong.i18n.messages import explain
from liandong.ledger.note import Signer
from liandong.ledger.suite import SHA256_ED25519

HIERARCHY = national_hierarchy()
NODE = Signer("liandong-node", SHA256_ED25519.generate_private_key()).vkey
LOG = Signer("liandong-log", SHA256_ED25519.generate_private_key()).vkey
WITNESS = Signer("witness-100000", SHA256_ED25519.generate_private_key(), cosignature=True).vkey

GOOD = f"""# 江苏节点
[node]
scope = "320000"
data_dir = "jiangsu"

[nats]
url = "nats://127.0.0.1:4222"
domain = "p320000"

[[peers]]
scope = "centre"
domain = "centre"
node_key = "{NODE}"
log_key = "{LOG}"
witness_keys = ["{WITNESS}"]

[[peers]]
scope = "330000"
domain = "p330000"
node_key = "{NODE}"
log_key = "{LOG}"
"""


def read(tmp_path: Path, text: str) -> object:
    path = tmp_path / "node.toml"
    path.write_text(text, encoding="utf-8")
    return read_config(path, HIERARCHY)


def refusal(tmp_path: Path, text: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read(tmp_path, text)
    return caught.value


def test_a_good_file_is_read_whole(tmp_path: Path) -> None:
    config = read(tmp_path, GOOD)
    assert config.scope == "320000" and config.domain == "p320000"  # type: ignore[attr-defined]
    assert config.data_dir == tmp_path / "jiangsu"  # type: ignore[attr-defined]
    assert config.account == "$G"  # type: ignore[attr-defined]
    assert config.scopes == ("320000", "100000", "330000")  # type: ignore[attr-defined]
    centre = config.peer("100000")  # type: ignore[attr-defined]
    assert centre.log_key == LOG and centre.witness_keys == (WITNESS,) and centre.node_key.vkey == NODE


@pytest.mark.parametrize(("change", "code", "line", "field"), [
    (('scope = "320000"', 'scope = "320200"'), "federation.config_bad_value", 3, "node.scope"),  # a city
    (('url = "nats://127.0.0.1:4222"', 'url = "http://x"'), "federation.config_bad_value", 7, "nats.url"),
    (('domain = "p320000"', 'domain = "p 32"'), "federation.config_bad_value", 8, "nats.domain"),
    (('domain = "p330000"', 'domain = "centre"'), "federation.config_repeated", 19, "peers[1].domain"),
    (('scope = "330000"', 'scope = "320000"'), "federation.config_repeated", 18, "peers[1].scope"),
    ((f'log_key = "{LOG}"\nwitness', f'log_key = "{WITNESS}"\nwitness'), "federation.config_bad_value", 14,
     "peers[0].log_key"),
    (('data_dir = "jiangsu"', 'data_dir = "jiangsu"\nport = 4'), "federation.config_unknown_field", 5,
     "node.port"),
    (('data_dir = "jiangsu"\n', ''), "federation.config_missing", 2, "node.data_dir"),
])
def test_a_bad_field_is_named_with_its_line(tmp_path: Path, change: tuple[str, str], code: str, line: int,
                                            field: str) -> None:
    error = refusal(tmp_path, GOOD.replace(*change, 1))
    assert (error.code, error.params["line"], error.params["field"]) == (code, line, field)
    zh, en = explain(error, "zh"), explain(error, "en")
    assert f"第 {line} 行" in zh and f"line {line}" in en and field in zh and field in en


def test_what_is_allowed_is_said_in_both_languages(tmp_path: Path) -> None:
    error = refusal(tmp_path, GOOD.replace('scope = "320000"', 'scope = "beijing"'))
    assert "省级行政区划代码" in explain(error, "zh") and "a province code" in explain(error, "en")


def test_a_file_that_is_not_toml_is_refused_with_the_parser_s_position(tmp_path: Path) -> None:
    error = refusal(tmp_path, "[node\nscope = 1")
    assert error.code == "federation.config_unreadable" and "line 1" in error.params["problem"]
