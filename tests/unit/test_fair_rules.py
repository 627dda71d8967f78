"""Fair assessment rules (issue 25 point 5), without a store: composite weights beyond the three
rates (validated, with a refusal naming the bad weight in both languages), per-indicator class
thresholds, and tiers of comparable units."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.adapters.reference_data import national_hierarchy
from liandong.assessment.engine import Figures
from liandong.assessment.fair_rules import Tiers
from liandong.assessment.rules import Classes, Composite, load_rules, rank
from liandong.assessment.tiers import rank_in_tiers, tier_of
from liandong.domain.errors import DomainError
from liandong.i18n.messages import render

H = national_hierarchy()
THREE = {"valid": 10, "contacted": 10, "solved": 8, "satisfaction_points": 9}


def _rules(tmp_path: Path, composite: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(f"[composite]\n{composite}\n", "utf-8")
    return path


def test_the_shipped_rules_keep_todays_composite() -> None:
    rules = load_rules()
    assert rules.composite.weights == (0.1, 0.5, 0.4) and rules.composite.extra_weights == ()
    assert not rules.tiers.enabled and rules.clock_stops.stops == () and not rules.exclusions.enabled


def test_collaboration_weights_count_and_an_absent_one_gives_its_weight_away(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, "response = 0.1\nresolution = 0.4\nsatisfaction = 0.3\n"
                                        "summons_in_time = 0.1\nreturns = 0.1"))
    c = rules.composite
    assert c.extra_weights == (("returns", 0.1), ("summons_in_time", 0.1))
    counts = {**THREE, "summons_due": 4, "summons_in_time": 3, "dispatched": 10, "returned": 2}
    f = Figures("x", counts, c.weights, c.extra_weights)
    # 0.1 × 1 + 0.4 × 0.8 + 0.3 × 0.9 + 0.1 × 3/4 + 0.1 × (1 − 2/10)
    assert f.composite == pytest.approx(0.1 + 0.32 + 0.27 + 0.075 + 0.08)
    no_summons = Figures("y", {**counts, "summons_due": 0, "summons_in_time": 0}, c.weights, c.extra_weights)
    # no summons to answer: the other weights (0.9 in all) share the total
    assert no_summons.composite == pytest.approx((0.1 + 0.32 + 0.27 + 0.08) / 0.9)
    assert Figures("z", THREE).composite == pytest.approx(0.1 + 0.4 + 0.36)  # today's, unchanged


def test_weights_not_adding_up_to_one_are_refused_with_the_weights(tmp_path: Path) -> None:
    path = _rules(tmp_path, "response = 0.1\nresolution = 0.5\nsatisfaction = 0.4\ncopresence = 0.2")
    with pytest.raises(DomainError) as refused:
        load_rules(path)
    assert refused.value.code == "assessment.weights_sum"
    assert refused.value.params["total"] == "1.2" and "copresence = 0.2" in refused.value.params["weights"]
    assert "综合权重之和为 1.2" in render(refused.value.code, "zh", **refused.value.params)
    assert "add up to 1.2, not 1" in render(refused.value.code, "en", **refused.value.params)


@pytest.mark.parametrize(("line", "name"), [("summons = 0.1", "summons"), ("symmetry = 1.5", "symmetry"),
                                            ("copresence = \"high\"", "copresence")])
def test_a_bad_weight_is_named(tmp_path: Path, line: str, name: str) -> None:
    with pytest.raises(DomainError) as refused:
        load_rules(_rules(tmp_path, f"response = 0.1\nresolution = 0.5\nsatisfaction = 0.3\n{line}"))
    assert refused.value.code == "assessment.bad_weight" and refused.value.params["name"] == name
    zh = render(refused.value.code, "zh", **refused.value.params)
    en = render(refused.value.code, "en", **refused.value.params)
    assert f"“{name}”" in zh and f"'{name}'" in en


def test_an_indicator_is_classed_by_its_own_thresholds_not_the_composites() -> None:
    rules = load_rules()
    # 梁溪 answering 9 of 11 summonses in time (81.8 %) among six units
    shares = {"320213": (9, 11), "320205": (10, 10), "320214": (5, 10), "320211": (6, 10),
              "320206": (10, 10), "320281": (10, 10)}
    now = {k: Figures(k, {"summons_due": d, "summons_in_time": n, "valid": 9})
           for k, (n, d) in shares.items()}
    old = {r.key: r.klass for r in rank(now, {}, "summons_in_time", rules=rules.classes)}
    assert old["320213"] == "rectify"  # what the composite's 85 % line made of it
    ranked = {r.key: r for r in rank(now, {}, "summons_in_time", rules=rules.classes.of("summons_in_time"))}
    assert ranked["320213"].klass == ""  # above the indicator's own 70 % line
    assert ranked["320214"].klass == "governance"  # the bottom one, under 60 %
    assert ranked["320211"].klass == "rectify"  # 60 %, under 70 %
    assert ranked["320205"].klass == "advanced"
    plain = rank(now, {}, "on_time", rules=rules.classes.of("on_time"))
    assert {r.klass for r in plain} == {""}  # no thresholds of its own: ranked, not classed
    with pytest.raises(ValueError, match="summons"):
        Classes(indicator={"summons": {"rule": ()}})  # type: ignore[dict-item]


def test_units_are_ranked_within_tiers_of_level_and_volume() -> None:
    tiers = Tiers(enabled=True, volume_bands=(100, 500))
    assert [tiers.band_label(b) for b in range(3)] == ["0–99", "100–499", "≥500"]
    units = {"320213": 600, "320205": 150, "320214": 120, "320211": 30}
    now = {k: Figures(k, {**THREE, "received": n, "solved": 8 if n > 100 else 10}) for k, n in units.items()}
    rows = rank_in_tiers(now, {}, "composite", lower_is_better=False, classes=load_rules().classes,
                         tiers=tiers, hierarchy=H)
    by_key = {r.key: r for r in rows}
    assert by_key["320213"].tier == "county·≥500" and by_key["320213"].rank == 1
    assert by_key["320211"].tier == "county·0–99" and by_key["320211"].rank == 1
    assert by_key["320205"].tier == by_key["320214"].tier == "county·100–499"
    assert tier_of("320213-urban_management", now["320213"], Tiers(enabled=True), H) == "county"
    assert tier_of("320213001", now["320213"], Tiers(enabled=True), H) == "township"
    with pytest.raises(ValueError, match="ascending"):
        Tiers(volume_bands=(500, 100))
    with pytest.raises(ValueError):
        Composite(response=0.5)  # 0.5 + 0.5 + 0.4


def test_a_tier_is_shown_in_words() -> None:
    from liandong.assessment.tiers import tier_words

    assert tier_words("county·100–499", "zh") == "县级 · 100–499 件"
    assert tier_words("county·100–499", "en") == "county level · 100–499 cases"
    assert tier_words("≥500", "zh") == "≥500 件" and tier_words("", "zh") == ""
