"""``liandong insight`` on a real SQLite file: place and matter from text, training with its
held-out figures, duplicates, a surge and the 每月一题 candidates, the heat sweep — and clear
refusals for bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.adapters.reference_data import national_hierarchy
from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from liandong.simulation.texts import ReportTexts

runner = CliRunner()
NOW = datetime.now(UTC).replace(microsecond=0)
STREET = "320213001"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("insight")
    sandbox = ["init", "--scope", "320200", "--sandbox", "--data-dir", str(path)]  # history, simulated
    assert runner.invoke(app, sandbox).exit_code == 0
    platform = bootstrap(Settings(data_dir=path))
    clock = ManualClock(NOW - timedelta(days=30))
    bus = platform.bus(clock)
    texts = ReportTexts.load(platform.catalogue.matters)
    h = national_hierarchy()
    for n in range(120):  # a month of ordinary reports across three townships and four matters
        matter = ("street_lights", "garbage_collection", "illegal_parking", "water_outage")[n % 4]
        place = ("320213001", "320213015", "320205001")[n % 3]
        clock.set(NOW - timedelta(days=30) + timedelta(hours=6 * n))
        bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(place,),
                                description=texts.render(h, matter=matter, place=place, draw=n)))
    last = ""
    for i in range(12):  # and a burst of one complaint at 崇安寺街道 in the last hours
        clock.set(NOW - timedelta(hours=6) + timedelta(minutes=20 * i))
        text = f"人民中路38号烧烤店油烟直排，熏得没法开窗（{i + 1}）"
        last = bus.handle(c.ReportCase(by="reporter", matter="catering_fume", affected=(STREET,),
                                       description=text)).case_id
    return path, last


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["insight", *args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def test_place_and_matter_from_text(folder: tuple[Path, str]) -> None:
    path, _ = folder
    code, text = run(path, "place", "无锡市梁溪区崇安寺街道人民中路123号", "朝阳区")
    assert code == 0 and "320213001" in text and "崇安寺街道" in text and "ambiguous" in text
    code, text = run(path, "locate", "--lat", "31.5747", "--long", "120.2990")
    assert code == 0 and "320213" in text and "梁溪区" in text
    code, text = run(path, "locate", "--lat", "1", "--long", "1", "--crs", "bd09")
    assert code == 2
    code, text = run(path, "matter", "工地半夜还在打桩", "--top", "2")
    assert code == 0 and "construction_noise" in text and "打桩" in text


def test_training_reports_held_out_accuracy(folder: tuple[Path, str]) -> None:
    path, _ = folder
    code, text = run(path, "train", "--seed", "2", "--lang", "en")
    assert code == 0 and "held-out examples" in text and "model accuracy (top 1)" in text


def test_duplicates_surge_priorities_and_heat(folder: tuple[Path, str]) -> None:
    path, last = folder
    code, text = run(path, "dupes", last)
    assert code == 0 and "same_township" in text
    code, text = run(path, "hotspots", "--scope", "320213")
    assert code == 0 and "崇安寺街道" in text and "餐饮油烟" in text
    code, text = run(path, "priorities", "--scope", "320200", "--level", "township", "--top", "3")
    assert code == 0 and "崇安寺街道" in text
    code, text = run(path, "heat", "--sweep")
    assert code == 0 and "提高了" in text
    code, text = run(path, "heat", last)
    assert code == 0 and "舆情热度" in text


def test_bad_input_is_refused_clearly(folder: tuple[Path, str]) -> None:
    path, _ = folder
    code, text = run(path, "dupes", "C-nope")
    assert code == 2 and "C-nope" in text
    code, text = run(path, "hotspots", "--scope", "99")
    assert code == 2
    code, text = run(path, "matter", "！！！", "--lang", "en")
    assert code == 2 and "empty" in text
