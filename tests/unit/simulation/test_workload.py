"""The seeded workload over the real national list."""

from __future__ import annotations

import numpy as np
import pytest

from liandong.bootstrap import Platform
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.simulation.config import SimulationConfig
from liandong.simulation.texts import ReportTexts
from liandong.simulation.workload import SEVERITIES, generate

WUXI = "320200"


def test_same_seed_same_reports_other_seed_other_reports(platform: Platform,
                                                        config: SimulationConfig) -> None:
    a = generate(platform.hierarchy, platform.catalogue, config, scope=WUXI, days=3, seed=7)
    b = generate(platform.hierarchy, platform.catalogue, config, scope=WUXI, days=3, seed=7)
    c = generate(platform.hierarchy, platform.catalogue, config, scope=WUXI, days=3, seed=8)
    for field in ("time", "place", "extra", "matter", "severity", "heat", "template", "service", "u"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.codes == b.codes
    assert len(a) != len(c) or not np.array_equal(a.time, c.time)


def test_volume_follows_township_kinds_and_the_clock(platform: Platform, config: SimulationConfig) -> None:
    days = 14
    w = generate(platform.hierarchy, platform.catalogue, config, scope=WUXI, days=days, seed=1)
    units = [platform.hierarchy.get(code) for code in w.codes[:w.townships]]
    assert all(u.level is Level.TOWNSHIP and u.code.startswith("3202") for u in units)
    # national mean of 25.8 a township a day, weighted by kind: Wuxi is mostly 街道 and 镇
    weights = config.arrivals.kind_weight
    national = [weights.get(u.kind.value, 1.0) for u in platform.hierarchy.descendants("100000")
                if u.level is Level.TOWNSHIP]
    expected = sum(config.arrivals.per_township_per_day * weights.get(u.kind.value, 1.0)
                   for u in units) / np.mean(national) * days
    assert abs(len(w) - expected) / expected < 0.05  # Poisson noise plus heat bursts
    hours = (w.time // 60 % 24).astype(int)
    assert (hours == 10).sum() > 10 * (hours == 3).sum()  # office-hour peak, night trough
    streets = [i for i, u in enumerate(units) if u.kind.value == "subdistrict"]
    towns = [i for i, u in enumerate(units) if u.kind.value == "town"]
    per_street = np.isin(w.place, streets).sum() / len(streets)
    per_town = np.isin(w.place, towns).sum() / len(towns)
    assert per_street > 1.5 * per_town


def test_matters_severities_and_boundaries_are_valid(platform: Platform, config: SimulationConfig) -> None:
    w = generate(platform.hierarchy, platform.catalogue, config, scope=WUXI, days=10, seed=3)
    for m, s in zip(w.matter.tolist(), w.severity.tolist(), strict=True):
        assert SEVERITIES[s] in w.matters[m].limits
    share = (w.extra >= 0).mean()
    b = config.boundary
    assert abs(share - (b.township + b.county + b.city + b.province)) < 0.01
    h = platform.hierarchy
    for row in np.flatnonzero(w.extra >= 0)[:300].tolist():
        a, other = w.codes[w.place[row]], w.codes[w.extra[row]]
        assert other != a and h.get(other).level is Level.TOWNSHIP
        assert h.lca([a, other]).level < Level.TOWNSHIP
    assert (w.heat >= 80).sum() > 0  # heat bursts happen in a month-long city run


def test_an_empty_scope_is_refused(platform: Platform, config: SimulationConfig) -> None:
    with pytest.raises(DomainError) as err:
        # 金门县: no townships in the national list
        generate(platform.hierarchy, platform.catalogue, config, scope="350527", days=1, seed=1)
    assert err.value.code == "simulation.empty_scope"


def test_report_texts_cover_every_matter_and_name_the_place(platform: Platform) -> None:
    texts = ReportTexts.load(platform.catalogue.matters)
    assert set(texts.templates) == set(platform.catalogue.matters.matters)
    seen = {texts.render(platform.hierarchy, matter="construction_noise", place="320213001", draw=d)
            for d in range(40)}
    assert len(seen) >= 5 and all("崇安寺街道" in s for s in seen)
    assert all("{" not in s for s in seen)


def test_bad_templates_are_refused_with_the_matter_named(platform: Platform) -> None:
    bad = '[[texts]]\nmatter = "construction_noise"\ntemplates = ["没有地点 {spot}"]\n'
    with pytest.raises(DomainError) as err:
        ReportTexts.load(platform.catalogue.matters, bad)
    assert "construction_noise" in err.value.params["problem"]
