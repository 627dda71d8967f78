"""Surge alerts, the monthly priority problem and opinion heat, on synthetic data and on the
simulator's workload with an injected surge."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import numpy as np
import pytest

from liandong.bootstrap import Platform, bootstrap
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.insight.hotspots import SurgeDetector, opinion_heat, priority_candidates
from liandong.simulation.config import SimulationConfig, load_config
from liandong.simulation.workload import Workload, generate

SCOPE, DAYS, SEED = "320213", 60, 11  # 梁溪区, two months
SURGE = {"place": "320213001", "matter": "construction_noise", "start_day": 45.0, "duration_days": 2.0,
         "extra_per_day": 12.0}
START = datetime(2026, 3, 2, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def platform() -> Platform:
    return bootstrap(memory=True)


@pytest.fixture(scope="module")
def quiet() -> SimulationConfig:
    """The default parameters without 舆情 bursts (those are real surges the detector should flag)."""
    return load_config().with_overrides({"heat.per_city_per_30_days": 0})


def _with_surge(config: SimulationConfig, **changes: object) -> SimulationConfig:
    return config.with_overrides({"surges": [{**SURGE, **changes}]})


def _scan(platform: Platform, config: SimulationConfig, w: Workload,
          detector: SurgeDetector | None = None) -> list:  # type: ignore[type-arg]
    detector = detector or SurgeDetector(platform.hierarchy)
    places = [w.codes[i] for i in w.place.tolist()]
    matters = [w.matters[i].code for i in w.matter.tolist()]
    return detector.scan(w.time, places, matters, origin=config.start,
                         start=config.start + timedelta(days=7), end=config.start + timedelta(days=DAYS))


# -- acceptance: the simulator's workload -----------------------------------------------------------
def test_an_injected_surge_is_detected_within_a_day_and_nothing_else_is(platform: Platform,
                                                                        quiet: SimulationConfig) -> None:
    config = _with_surge(quiet)
    w = generate(platform.hierarchy, platform.catalogue, config, scope=SCOPE, days=DAYS, seed=SEED)
    alerts = _scan(platform, config, w)
    start = config.start + timedelta(days=SURGE["start_day"])  # type: ignore[arg-type]
    assert alerts, "the surge was not detected"
    assert {(a.matter, a.jurisdiction) for a in alerts} <= {
        ("construction_noise", code) for code in ("320213001", "320213", "320200")}
    first = min(alerts, key=lambda a: a.fired)
    assert start <= first.fired <= start + timedelta(hours=24)
    township = [a for a in alerts if a.level is Level.TOWNSHIP]
    assert township and township[0].fired <= start + timedelta(hours=24)
    assert start - timedelta(hours=6) <= first.started <= first.fired  # the excess began at the surge
    assert first.observed > first.expected and first.p_value < 0.001


def test_no_alert_at_all_without_the_surge(platform: Platform, quiet: SimulationConfig) -> None:
    w = generate(platform.hierarchy, platform.catalogue, quiet, scope=SCOPE, days=DAYS, seed=SEED)
    assert _scan(platform, quiet, w) == []  # 53 days, hour by hour, every township/county × matter


def test_alerts_on_the_default_workload_are_its_heat_bursts(platform: Platform) -> None:
    config = load_config()
    w = generate(platform.hierarchy, platform.catalogue, config, scope=SCOPE, days=DAYS, seed=SEED)
    bursts = np.flatnonzero(w.heat > 0)
    assert len(bursts) > 0
    for alert in _scan(platform, config, w):
        at = (alert.fired - config.start).total_seconds() / 60
        explained = [i for i in bursts.tolist()
                     if w.matters[w.matter[i]].code == alert.matter and at - 1440 <= w.time[i] < at
                     and platform.hierarchy.is_ancestor(alert.jurisdiction, w.codes[w.place[i]])]
        assert len(explained) >= 3, alert


def test_the_surge_adds_reports_only_where_and_when_configured(platform: Platform,
                                                              quiet: SimulationConfig) -> None:
    plain = generate(platform.hierarchy, platform.catalogue, quiet, scope=SCOPE, days=DAYS, seed=SEED)
    surged = generate(platform.hierarchy, platform.catalogue, _with_surge(quiet), scope=SCOPE, days=DAYS,
                      seed=SEED)
    def rows(w: Workload) -> set[tuple[float, int, int]]:
        return set(zip(w.time.tolist(), w.place.tolist(), w.matter.tolist(), strict=True))
    added = rows(surged) - rows(plain)
    assert rows(plain) <= rows(surged) and len(surged) == len(plain) + len(added)
    noise = next(i for i, m in enumerate(surged.matters) if m.code == "construction_noise")
    assert {(surged.codes[p], m) for _, p, m in added} == {("320213001", noise)}
    assert all(45 * 1440 <= t < 47 * 1440 for t, _, _ in added)
    assert 10 <= len(added) <= 45  # 12 a day for two days, Poisson


def test_a_county_surge_is_shared_by_its_townships_and_a_multiplier_scales_the_rate(
        platform: Platform, quiet: SimulationConfig) -> None:
    plain = generate(platform.hierarchy, platform.catalogue, quiet, scope="320200", days=20, seed=3)
    config = quiet.with_overrides({"surges": [{"place": "320213", "matter": "property_management",
                                               "start_day": 10.5, "duration_days": 3, "multiplier": 4.0}]})
    surged = generate(platform.hierarchy, platform.catalogue, config, scope="320200", days=20, seed=3)
    matter = next(i for i, m in enumerate(plain.matters) if m.code == "property_management")
    def count(w: Workload, lo: float, hi: float) -> int:
        inside = np.array([w.codes[p].startswith("320213") for p in w.place.tolist()])
        return int(((w.matter == matter) & inside & (w.time >= lo * 1440) & (w.time < hi * 1440)).sum())
    before, during = count(plain, 10.5, 13.5), count(surged, 10.5, 13.5)
    assert 3.0 * before <= during <= 5.5 * before  # four times the rate
    assert count(surged, 0, 10.5) == count(plain, 0, 10.5)
    townships = {surged.codes[p] for p in surged.place[(surged.matter == matter)].tolist()}
    assert len({c for c in townships if c.startswith("320213")}) >= 5


@pytest.mark.parametrize(("change", "code"), [
    ({"place": "320506001"}, "simulation.bad_surge_place"),  # 苏州: outside the scope
    ({"place": "329999999"}, "simulation.bad_surge_place"),  # no such unit
    ({"matter": "construction_nois"}, "simulation.bad_surge_matter"),
    ({"extra_per_day": -1.0}, "simulation.bad_config"),
    ({"start_day": -2.0}, "simulation.bad_config"),
    ({"extra_per_day": 0.0}, "simulation.bad_config"),  # adds nothing
])
def test_bad_surges_are_refused(platform: Platform, quiet: SimulationConfig, change: dict[str, object],
                                code: str) -> None:
    with pytest.raises(DomainError) as err:
        config = _with_surge(quiet, **change)
        generate(platform.hierarchy, platform.catalogue, config, scope=SCOPE, days=5, seed=1)
    assert err.value.code == code
    if code == "simulation.bad_config":
        assert err.value.params["key"].startswith("surges.0")
    if code == "simulation.bad_surge_matter":
        assert "construction_noise" in err.value.params["suggestions"]


def test_the_default_configuration_injects_nothing() -> None:
    assert load_config().surges == []


# -- the statistics on synthetic counts -------------------------------------------------------------
def _poisson_reports(rng: np.random.Generator, rate_per_day: float, lo_day: float, hi_day: float
                     ) -> np.ndarray:  # type: ignore[type-arg]
    n = rng.poisson(rate_per_day * (hi_day - lo_day))
    return np.sort(lo_day * 1440 + rng.random(n) * (hi_day - lo_day) * 1440)


def _synthetic(platform: Platform, seed: int, *, doubled: bool
               ) -> tuple[np.ndarray, list[str], list[str]]:  # type: ignore[type-arg]
    """150 stationary series (0.2–20 a day) over Wuxi's townships, and one at 10 a day that doubles
    from day 35 when ``doubled``."""
    rng = np.random.default_rng(seed)
    townships = [u.code for u in platform.hierarchy.descendants("320200", Level.TOWNSHIP)]
    times, places, matters = [], [], []
    for k in range(150):
        t = _poisson_reports(rng, float(np.exp(rng.uniform(np.log(0.2), np.log(20)))), 0, 42)
        times.append(t)
        places += [townships[k % len(townships)]] * len(t)
        matters += [f"m{k % 7}"] * len(t)
    target = [_poisson_reports(rng, 10, 0, 35), _poisson_reports(rng, 20 if doubled else 10, 35, 42)]
    for t in target:
        times.append(t)
        places += ["320213001"] * len(t)
        matters += ["target"] * len(t)
    return np.concatenate(times), places, matters


def test_stationary_poisson_series_raise_no_alert_at_the_corrected_level(platform: Platform) -> None:
    """Daily tests (non-overlapping windows) of about 450 series: the family-wise error per test is
    at most α; none at α = 0.001, and at α = 0.05 about one day in twenty has a (false) alert."""
    strict, loose = SurgeDetector(platform.hierarchy), SurgeDetector(platform.hierarchy, alpha=0.05)
    kw = {"origin": START, "start": START + timedelta(days=8), "end": START + timedelta(days=42),
          "step_hours": 24}
    days_alarmed = 0
    for seed in range(10):
        times, places, matters = _synthetic(platform, seed, doubled=False)
        if seed < 3:
            assert strict.scan(times, places, matters, **kw) == []
        days_alarmed += len({a.fired for a in loose.scan(times, places, matters, **kw)})
    assert days_alarmed / (10 * 35) <= 0.08


def test_a_doubling_of_ten_a_day_is_detected(platform: Platform) -> None:
    """Among 150 other series, at α = 0.001 corrected: a 72-hour window finds a doubling within days
    (a 24-hour window has less power for so small a change: it is built for sharp surges)."""
    detector = SurgeDetector(platform.hierarchy, window_hours=72)
    delays = []
    for seed in range(20):
        times, places, matters = _synthetic(platform, seed, doubled=True)
        alerts = detector.scan(times, places, matters, origin=START, start=START + timedelta(days=30),
                               end=START + timedelta(days=42), step_hours=2)
        hits = [a for a in alerts if a.matter == "target"]
        if hits:
            assert hits[0].fired > START + timedelta(days=35)  # never before the change
            delays.append((hits[0].fired - START - timedelta(days=35)) / timedelta(days=1))
    assert len(delays) >= 16 and float(np.median(delays)) <= 3.5
    times, places, matters = _synthetic(platform, 0, doubled=True)
    (alert, *_) = detector.detect(times, places, matters, origin=START, as_of=START + timedelta(days=38))
    assert alert.matter == "target" and alert.observed > 1.5 * alert.expected
    assert START + timedelta(days=34) <= alert.started <= START + timedelta(days=36)


def test_sparse_series_are_not_alarmed_by_a_few_reports(platform: Platform) -> None:
    detector = SurgeDetector(platform.hierarchy)
    rng = np.random.default_rng(5)
    background = _poisson_reports(rng, 3, 0, 30)
    for burst, expected_alert in ((2, False), (4, False), (9, True)):
        times = np.concatenate([background, 29 * 1440 + np.arange(burst) * 60.0])
        places = ["320213015"] * len(background) + ["320213001"] * burst  # a silent series
        matters = ["other"] * len(background) + ["rare"] * burst
        alerts = detector.detect(times, places, matters, origin=START, as_of=START + timedelta(days=30))
        assert any(a.matter == "rare" for a in alerts) is expected_alert


def test_benjamini_hochberg_finds_at_least_what_bonferroni_finds(platform: Platform) -> None:
    times, places, matters = _synthetic(platform, 1, doubled=True)
    kw = {"origin": START, "as_of": START + timedelta(days=38)}
    strict = SurgeDetector(platform.hierarchy, alpha=0.01).detect(times, places, matters, **kw)
    fdr = SurgeDetector(platform.hierarchy, alpha=0.01, correction="bh").detect(times, places, matters, **kw)
    assert {(a.jurisdiction, a.matter) for a in strict} <= {(a.jurisdiction, a.matter) for a in fdr}


def test_times_may_be_aware_datetimes_but_not_naive(platform: Platform) -> None:
    detector = SurgeDetector(platform.hierarchy)
    moments = [START + timedelta(hours=h) for h in range(0, 24 * 20, 5)]
    assert detector.detect(moments, ["320213001"] * len(moments), ["x"] * len(moments),
                           as_of=START + timedelta(days=20)) == []
    with pytest.raises(DomainError):
        detector.detect([datetime(2026, 3, 2)], ["320213001"], ["x"], as_of=START)  # noqa: DTZ001
    with pytest.raises(DomainError):
        SurgeDetector(platform.hierarchy, alpha=0)


# -- 每月一题 and opinion heat -----------------------------------------------------------------------
def test_priority_candidates_rank_volume_recurrence_and_dissatisfaction(platform: Platform) -> None:
    as_of = START + timedelta(days=180)
    rows: list[tuple[float, str, str, bool | None]] = []  # (days before as_of, township, matter, satisfied)
    for month in range(6):  # 梁溪区 property_management: 8 a month, every month, half unsatisfied
        rows += [(month * 30 + 1 + k, "320213001", "property_management", k % 2 == 0) for k in range(8)]
    rows += [(1 + k, "320205001", "road_damage", True) for k in range(20)]  # 锡山区: one big month, satisfied
    rows += [(1 + k, "320206001", "street_lights", False) for k in range(3)]  # 惠山区: small, unsatisfied
    times = [as_of - timedelta(days=d) for d, *_ in rows]
    ranked = priority_candidates(platform.hierarchy, times, [r[1] for r in rows], [r[2] for r in rows],
                                 as_of=as_of, satisfied=[r[3] for r in rows])
    assert [(c.jurisdiction, c.matter) for c in ranked] == [
        ("320213", "property_management"), ("320205", "road_damage"), ("320206", "street_lights")]
    first, second, third = ranked
    assert (first.volume, first.months_present, first.recurrence, first.repeat) == (8, 6, 1.0, 1.0)
    assert second.volume == 20 and second.months_present == 1 and second.repeat == 0.0
    assert third.dissatisfaction > first.dissatisfaction > second.dissatisfaction
    assert all(0 <= c.score <= 1 for c in ranked) and first.score > second.score > third.score


def test_opinion_heat_is_bounded_and_monotone() -> None:
    values = [opinion_heat(duplicates=d, similar=0) for d in range(60)]
    assert values[0] == 0 and values[-1] == 100 and all(0 <= v <= 100 for v in values)
    assert all(a <= b for a, b in itertools.pairwise(values)) and values[1] < values[5]
    assert opinion_heat(duplicates=12, similar=0) >= 80 > opinion_heat(duplicates=5, similar=0)
    assert opinion_heat(duplicates=2, similar=10) > opinion_heat(duplicates=2, similar=4)
    assert opinion_heat(duplicates=2, similar=10, expected=10) == opinion_heat(duplicates=2, similar=0)
    with pytest.raises(DomainError):
        opinion_heat(duplicates=-1, similar=0)
