"""Matter classification: keyword rules from a cold start, a model learned from dispatch decisions,
and corrections (returns, re-dispatches) that measurably improve it on texts it never saw."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from liandong.adapters.reference_data import default_catalogue
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import ResponsibilityList
from liandong.insight.matter import Labelled, MatterClassifier, TrainingReport
from liandong.insight.matter_training import resolve_labels, split_groups, train
from liandong.insight.tokens import KeywordIndex, segmenter
from liandong.simulation.texts import ReportTexts
from tests.factories.worlds import national

# Hand-written reports, as a caller would phrase them, and the matter a dispatcher would choose.
HANDWRITTEN = [
    ("小区门口广场舞音响太吵", "social_life_noise"),
    ("工地半夜还在打桩，吵得睡不着", "construction_noise"),
    ("楼下饭店油烟直接排到我家窗户里", "catering_fume"),
    ("路口的井盖缺失了，晚上骑车很危险", "manhole_cover"),
    ("我们这一片路灯不亮好几天了", "street_lights"),
    ("家里停水一整天了，事先也没有通知", "water_outage"),
    ("老板拖欠工资三个月了，找他就躲", "wage_arrears"),
    ("小区里流浪狗越来越多，昨天还追着孩子跑", "stray_animals"),
    ("接到冒充客服的电话，被骗了两万元", "telecom_fraud"),
    ("电梯故障把人困在里面半小时没人来", "elevator_safety"),
    ("孩子明年上小学，想问一下划片是怎么划的", "school_admission"),
    ("楼道里好多人给电动车充电，有火灾隐患", "fire_hazard"),
    ("有人在田里烧秸秆，浓烟滚滚", "open_burning"),
    ("申请低保半年了还没批下来", "minimum_living_allowance"),
    ("ＫＴＶ里有未成年人", "cultural_market"),
]

# How callers open and close a report: variation around the simulator's templates.
OPENINGS = ("", "", "您好，", "你好，我想反映个事：", "12345吗？", "麻烦记录一下，")
CLOSINGS = ("", "", "谢谢！", "希望尽快回复。", "盼复。", "辛苦了。")

# Confusable matters the simulated dispatchers systematically mix up: true matter → label given.
CONFUSED = {
    "construction_noise": "social_life_noise", "catering_fume": "odour_nuisance",
    "water_pollution": "river_pollution", "manhole_cover": "road_damage",
    "heating_fee": "heating_supply", "rental_housing": "property_management",
    "prepaid_card": "consumer_complaint", "land_requisition": "demolition_compensation",
    "gas_leak": "gas_supply", "food_poisoning": "food_safety",
    "illegal_parking": "parking_management", "dust_pollution": "construction_waste",
    "rail_transit": "public_transport", "off_campus_training": "school_management",
    "pension": "social_insurance", "residence_permit": "household_registration",
    "deforestation": "greening_tree_damage", "illegal_fundraising": "telecom_fraud",
}
MISLABEL_RATE, CORRECTED_SHARE, PER_MATTER = 0.6, 0.8, 30


@dataclass(frozen=True)
class Report:
    case: str
    text: str
    matter: str  # the truth
    template: str  # near-copies: the same template of the same matter


@pytest.fixture(scope="module")
def matters() -> ResponsibilityList:
    return default_catalogue().matters


@pytest.fixture(scope="module")
def reports(matters: ResponsibilityList) -> tuple[list[Report], list[Report]]:
    """Simulator texts in Wuxi and Chengdu townships; two templates of every matter are kept apart
    for evaluation, so the evaluation texts are never near-copies of training ones."""
    hierarchy = national()
    towns = [j.code for county in ("320200", "510100") for j in hierarchy.descendants(county, Level.TOWNSHIP)]
    texts = ReportTexts.load(matters)
    rng = np.random.default_rng(7)
    pool: list[Report] = []
    evaluation: list[Report] = []
    for code in sorted(matters.matters):
        n = len(texts.templates[code])
        kept_apart = set(rng.choice(n, 2, replace=False).tolist())
        for i in range(PER_MATTER):
            draw = int(rng.integers(1_000_000))
            body = texts.render(hierarchy, matter=code, place=towns[int(rng.integers(len(towns)))], draw=draw)
            report = Report(f"{code}-{i}", OPENINGS[draw % 6] + body + CLOSINGS[(draw // 6) % 6], code,
                            f"{code}#{draw % n}")
            (evaluation if draw % n in kept_apart else pool).append(report)
    return pool, evaluation


@pytest.fixture(scope="module")
def dispatch(reports: tuple[list[Report], list[Report]]) -> tuple[list[Labelled], list[Labelled]]:
    """The labels dispatchers gave (half of each confused matter under its neighbour, seeded), and
    the corrections the platform later received for most of those cases."""
    rng = np.random.default_rng(11)
    labels, corrections = [], []
    for r in reports[0]:
        given = r.matter
        if r.matter in CONFUSED and rng.random() < MISLABEL_RATE:
            given = CONFUSED[r.matter]
            if rng.random() < CORRECTED_SHARE:
                corrections.append(Labelled(r.text, r.matter, corrected=True, case=r.case, group=r.template))
        labels.append(Labelled(r.text, given, case=r.case, group=r.template))
    return labels, corrections


@pytest.fixture(scope="module")
def trained(matters: ResponsibilityList, dispatch: tuple[list[Labelled], list[Labelled]]
            ) -> dict[str, tuple[MatterClassifier, TrainingReport]]:
    labels, corrections = dispatch
    return {"noisy": train(labels, matters=matters, seed=3),
            "corrected": train(labels + corrections, matters=matters, seed=3)}


def hits(classifier: MatterClassifier, reports: list[Report]) -> np.ndarray:
    top = classifier.suggest_many([r.text for r in reports], k=1)
    return np.array([bool(s) and s[0].matter == r.matter for s, r in zip(top, reports, strict=True)])


# --- rules: the cold start --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), HANDWRITTEN)
def test_rules_alone_put_the_right_matter_first(matters: ResponsibilityList, text: str,
                                                expected: str) -> None:
    assert expected in matters
    top = MatterClassifier.from_rules(matters).suggest(text)
    assert top[0].matter == expected
    assert top[0].source == "rules"
    assert 0 < top[0].confidence < 1
    assert top[0].keywords and all(k in matters.get(expected).keywords for k in top[0].keywords)


def test_rules_suggest_nothing_without_a_keyword(matters: ResponsibilityList) -> None:
    assert MatterClassifier.from_rules(matters).suggest("今天天气不错，出来走走") == []


def test_every_matter_is_found_by_its_longest_keyword(matters: ResponsibilityList) -> None:
    rules = MatterClassifier.from_rules(matters)
    missed = [code for code, m in matters.matters.items()
              if code not in [s.matter for s in rules.suggest(max(m.keywords, key=len))]]
    assert missed == []


def test_a_keyword_inside_a_longer_one_counts_once() -> None:
    index = KeywordIndex({"social_life_noise": ["噪音扰民"], "construction_noise": ["噪音", "施工"]})
    assert index.find("晚上噪音扰民") == ["噪音扰民"]
    assert index.find("施工噪音很大") == ["施工", "噪音"]
    scores, found = index.scores("施工噪音很大")
    assert scores == {"construction_noise": 4.0} and found == {"construction_noise": ["施工", "噪音"]}


def test_segmentation_keeps_matter_keywords_whole(matters: ResponsibilityList) -> None:
    words = frozenset(k for m in matters.matters.values() for k in m.keywords)
    cut = segmenter(words).cut("小区门口广场舞音响太吵，夜间施工也不停。")
    assert "广场舞" in cut and "夜间施工" in cut and "，" not in cut


# --- the honest split --------------------------------------------------------------------------

def test_split_keeps_groups_whole_is_stratified_and_seeded() -> None:
    labels = [m for m in ("a", "b", "c") for _ in range(40)]
    groups = [f"{m}{i % 8}" for i, m in enumerate(labels)]
    mask = split_groups(labels, groups, holdout=0.25, seed=5)
    for g in set(groups):
        assert len({bool(mask[i]) for i in range(len(groups)) if groups[i] == g}) == 1
    for m in ("a", "b", "c"):
        held = {groups[i] for i in range(len(labels)) if labels[i] == m and mask[i]}
        assert len(held) == 2  # a quarter of eight groups
    assert (split_groups(labels, groups, holdout=0.25, seed=5) == mask).all()
    assert any((split_groups(labels, groups, holdout=0.25, seed=s) != mask).any() for s in range(6, 10))


def test_a_correction_overrides_every_label_of_its_case() -> None:
    resolved, n_corrected = resolve_labels([
        Labelled("工地夜里打桩", "social_life_noise", case="c1"),
        Labelled("工地夜里打桩", "construction_noise", corrected=True, case="c1", weight=2.0),
        Labelled("楼上装修太吵", "social_life_noise", case="c2"),
        Labelled("烧烤油烟", "odour_nuisance"),
        Labelled("烧烤油烟", "catering_fume", corrected=True),
    ])
    assert [(r.text, r.matter, r.weight) for r in resolved] == [
        ("工地夜里打桩", "construction_noise", 2.0), ("楼上装修太吵", "social_life_noise", 1.0),
        ("烧烤油烟", "catering_fume", 1.0)]
    assert n_corrected == 2


# --- learning from the platform's decisions ----------------------------------------------------

def test_a_model_on_clean_labels_beats_the_rules_on_unseen_templates(
        matters: ResponsibilityList, reports: tuple[list[Report], list[Report]]) -> None:
    pool, evaluation = reports
    clean = [Labelled(r.text, r.matter, case=r.case, group=r.template) for r in pool]
    model, report = train(clean, matters=matters, seed=3)
    assert report.n_train + report.n_test == len(pool) and report.n_test > 0.1 * len(pool)
    assert report.matters_version == matters.version and report.n_corrected == 0
    assert report.accuracy_top1 > report.rules_accuracy_top1
    assert report.accuracy_top3 >= report.accuracy_top1
    better, rules = hits(model, evaluation), hits(MatterClassifier.from_rules(matters), evaluation)
    gained, lost = int((better & ~rules).sum()), int((~better & rules).sum())
    assert gained - lost > 2 * math.sqrt(gained + lost)  # beyond noise, paired on the same texts


def test_learning_from_corrections_measurably_improves_held_out_accuracy(
        reports: tuple[list[Report], list[Report]],
        trained: dict[str, tuple[MatterClassifier, TrainingReport]]) -> None:
    """Evaluated against the true matters on templates no model saw; the gain must exceed both
    three points and three standard errors of the paired difference."""
    evaluation = reports[1]
    noisy, corrected = hits(trained["noisy"][0], evaluation), hits(trained["corrected"][0], evaluation)
    gained, lost = int((corrected & ~noisy).sum()), int((~corrected & noisy).sum())
    gain, noise = (gained - lost) / len(evaluation), math.sqrt(gained + lost) / len(evaluation)
    assert gain >= 0.03 and gain >= 3 * noise, (gain, noise)
    confused = np.array([r.matter in CONFUSED for r in evaluation])
    assert corrected[confused].mean() >= noisy[confused].mean() + 0.15  # the corrected classes' recall
    assert trained["corrected"][1].n_corrected > 0.3 * MISLABEL_RATE * PER_MATTER * len(CONFUSED)


def test_a_matter_without_examples_falls_back_on_its_keywords(
        trained: dict[str, tuple[MatterClassifier, TrainingReport]]) -> None:
    model, report = trained["corrected"]
    assert "veterans_affairs" in report.train_counts  # a trained one, for contrast
    text = "我是退役军人，想咨询优抚待遇怎么申请"
    assert model.suggest(text)[0].matter == "veterans_affairs"
    assert model.suggest(text)[0].source == "model"
    clean = [Labelled(f"第{i}次反映：小区门口广场舞太吵", "social_life_noise") for i in range(6)]
    clean += [Labelled(f"第{i}次反映：工地夜间施工打桩", "construction_noise") for i in range(6)]
    small, _ = train(clean, matters=model.matters, seed=1)
    top = small.suggest(text)[0]
    assert (top.matter, top.source) == ("veterans_affairs", "rules")
    assert small.suggest("晚上广场舞音响太吵")[0].matter == "social_life_noise"


def test_the_stored_model_gives_identical_suggestions(
        matters: ResponsibilityList, reports: tuple[list[Report], list[Report]],
        trained: dict[str, tuple[MatterClassifier, TrainingReport]]) -> None:
    model, report = trained["corrected"]
    data = model.to_bytes()
    assert data[:2] == b"PK" and b"pickle" not in data  # a zip of .npy arrays
    loaded = MatterClassifier.from_bytes(data, matters)
    texts = [r.text for r in reports[1]] + [t for t, _ in HANDWRITTEN]
    assert loaded.suggest_many(texts, k=5) == model.suggest_many(texts, k=5)
    assert loaded.report == report


# --- refusals ---------------------------------------------------------------------------------

def test_bad_input_is_refused_with_a_clear_code(
        matters: ResponsibilityList, trained: dict[str, tuple[MatterClassifier, TrainingReport]]) -> None:
    model = trained["noisy"][0]
    older = ResponsibilityList("2025.9", matters.matters.values())  # same matters, another version
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: model.suggest("  。，！ "), "insight.empty_text"),
        (lambda: model.suggest("路灯不亮", k=0), "insight.bad_parameter"),
        (lambda: train([Labelled("路灯不亮", "street_light")], matters=matters, seed=1), "matter.unknown"),
        (lambda: train([Labelled("", "street_lights")], matters=matters, seed=1), "insight.empty_text"),
        (lambda: train([Labelled("路灯不亮", "street_lights", weight=0.0)], matters=matters, seed=1),
         "insight.bad_parameter"),
        (lambda: train([Labelled("路灯不亮", "street_lights")], matters=matters, seed=1, holdout=0.0),
         "insight.bad_parameter"),
        (lambda: train([Labelled(f"路灯不亮{i}", "street_lights") for i in range(5)], matters=matters,
                       seed=1), "insight.too_few_examples"),
        (lambda: MatterClassifier.from_bytes(b"not a model", matters), "insight.bad_model"),
        (lambda: MatterClassifier.from_rules(matters).to_bytes(), "insight.bad_model"),
        (lambda: MatterClassifier.from_bytes(model.to_bytes(), older), "insight.model_version"),
    ]
    for call, code in cases:
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        train([Labelled("路灯不亮", "street_light")], matters=matters, seed=1)
    assert "street_lights" in err.value.params["suggestions"]
