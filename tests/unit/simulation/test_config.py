"""The simulator's parameters: one documented file, validated, overridable by dotted key."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.domain.errors import DomainError
from liandong.i18n.messages import explain
from liandong.simulation.config import default_config_text, load_config, parse_override


def test_the_default_file_documents_its_sources() -> None:
    text = default_config_text()
    assert text.count("[assumption") >= 5 and "[practice" in text
    config = load_config()
    assert config.start.utcoffset() is not None
    assert sum(config.arrivals.profile.hour) > 0


def test_overrides_replace_by_dotted_key_and_are_validated_again() -> None:
    config = load_config()
    doubled = config.with_overrides({"handling.capacity": 2, "mechanisms.co_presence": []})
    assert doubled.handling.capacity == 2 and doubled.mechanisms.co_presence == []
    assert config.handling.capacity == 1  # the original is untouched
    with pytest.raises(DomainError) as err:
        config.with_overrides({"handling.capacty": 2})
    assert err.value.code == "simulation.bad_key"
    with pytest.raises(DomainError) as err:
        config.with_overrides({"relay.fact_loss": 1.5})
    assert err.value.code == "simulation.bad_config" and err.value.params["key"] == "relay.fact_loss"


def test_a_bad_file_names_the_key_and_the_problem(tmp_path: Path) -> None:
    bad = default_config_text().replace("utilisation = 0.7", "utilisation = 0")
    path = tmp_path / "sim.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DomainError) as err:
        load_config(path)
    assert err.value.params["key"] == "handling.utilisation"
    assert "handling.utilisation" in explain(err.value, "zh") and "仿真参数有误" in explain(err.value, "zh")
    path.write_text("version = [", encoding="utf-8")
    with pytest.raises(DomainError):
        load_config(path)


def test_override_values_are_read_as_toml() -> None:
    assert parse_override("handling.capacity=2") == ("handling.capacity", 2)
    assert parse_override("linkage.co_presence = false") == ("linkage.co_presence", False)
    assert parse_override("version=abc") == ("version", "abc")
    with pytest.raises(DomainError):
        parse_override("no-equals-sign")
