"""The load harness (``bench/load.py``) in a short run: a real server on SQLite with one worker, a
few seconds of the scripted journey at a low rate. Every kind of operation is exercised and
answered 2xx, no acknowledged report is lost or stored twice, and the ledger verifies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def harness() -> ModuleType:
    """``bench/load.py`` (bench is not a package); registered before it runs, for its dataclasses."""
    found = sys.modules.get("liandong_bench_load")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location("liandong_bench_load", BENCH / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    load = harness()
    config = load.Config(backend="sqlite", workers=1, reports_per_s=4, commands_per_s=40, reads_per_s=6,
                         dashboards_per_s=0.5, duration=8, seed=3, sample=500)
    outcome: dict[str, Any] = load.run(config, folder=tmp_path_factory.mktemp("load"))
    print(load.markdown(outcome))
    return outcome


def test_a_short_run_answers_every_request_without_error(result: dict[str, Any]) -> None:
    assert result["sent"] > 100
    assert result["errors"] == 0 and result["shed"] == 0 and result["error_rate"] == 0.0, result["refusals"]
    assert result["cases_abandoned"] == 0


def test_every_operation_of_the_journey_is_exercised(result: dict[str, Any]) -> None:
    load = harness()
    exercised = {op for op, o in result["operations"].items() if o["ok"] > 0}
    assert exercised == set(load.OPERATIONS), f"never answered 2xx: {set(load.OPERATIONS) - exercised}"
    assert result["cases_completed"] > 0  # at least one case went from report to 归档
    for op, o in result["operations"].items():
        assert o["p50_ms"] is not None and o["p50_ms"] <= o["p95_ms"] <= o["p99_ms"] <= o["max_ms"], op


def test_no_acknowledged_report_is_lost_or_duplicated(result: dict[str, Any]) -> None:
    stored, again = result["stored"], result["resubmission"]
    assert stored["acknowledged"] == result["operations"]["report"]["ok"] > 0
    assert stored["lost"] == 0 and stored["duplicated"] == 0, stored["examples"]
    assert stored["stored"] == stored["acknowledged"]  # nothing stored that was not acknowledged
    assert again["resubmitted"] == stored["acknowledged"] and again["wrong"] == 0, again["examples"]


def test_the_ledger_verifies_after_the_run(result: dict[str, Any]) -> None:
    assert result["ledger"]["ok"], result["ledger"]["output"]
    assert result["passed_checks"]


def test_the_markdown_names_every_operation_and_the_checks(result: dict[str, Any]) -> None:
    text = harness().markdown(result)
    for op in result["operations"]:
        assert f"| {op} |" in text
    assert "lost 0, duplicated 0" in text and "ledger verify: ok" in text
