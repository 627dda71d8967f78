"""Duplicate reports: the same problem at the same place within the window is proposed for merging."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from liandong.adapters.reference_data import load_catalogue
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.worktime import SHANGHAI
from liandong.insight.dupes import (
    DuplicateFinder,
    MatterMatch,
    PlaceMatch,
    Report,
    normalise,
    related_matters,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
CHONGANSI, SHANBEI, QINGMINGQIAO, HUISHAN = "320213001", "320213015", "320213018", "320213019"
BEIDAJIE, GUANGYI, YANGMING, HUANGXIANG, ZHANJIANG = (
    "320213020", "320213021", "320213022", "320213023", "320213024")
YANQIAO = "320206001"  # 惠山区 堰桥街道: another county

# (text a, place a, matter a, hours later, text b, place b, matter b, same problem?)
LABELLED: list[tuple[str, str, str, float, str, str, str, bool]] = [
    # the same problem, other words, same township, within three days
    ("崇安寺街道金星小区东门对面的工地每天晚上十点以后还在打桩，噪音太大了，根本睡不着，请尽快处理！",
     CHONGANSI, "construction_noise", 18,
     "金星小区东门对面那个工地半夜还在施工打桩，吵得人没法睡觉", CHONGANSI, "construction_noise", True),
    ("山北街道惠山菜场门口每天早上都有小贩占道摆摊卖菜，把路都堵死了", SHANBEI, "street_vending", 6,
     "惠山菜场门口流动摊贩占道经营，早上路过车都开不过去，希望城管管一管", SHANBEI, "street_vending", True),
    ("清名桥街道南长街与槐古桥路交叉口路面塌陷了一个大坑，晚上骑电动车很危险", QINGMINGQIAO, "road_damage",
     30, "南长街槐古桥路路口有个坑，路面塌陷，已经有人摔倒了，请市政赶快修", QINGMINGQIAO, "road_damage",
     True),
    ("中山路崇安寺步行街北口一排路灯全不亮，晚上黑漆漆的", CHONGANSI, "street_lights", 40,
     "崇安寺步行街北口路灯坏了好几天了，一到晚上一片漆黑，老人走路不安全", CHONGANSI, "street_lights", True),
    ("广益街道广石路28号烧烤店油烟直排，楼上住户窗户都不敢开", GUANGYI, "catering_fume", 10,
     "广石路二十八号那家烧烤店没装油烟净化器，油烟全往我们楼上飘", GUANGYI, "catering_fume", True),
    ("扬名街道槐古新村12幢从今天早上开始停水，也没有提前通知", YANGMING, "water_outage", 5,
     "槐古新村十二幢停水大半天了，没接到任何停水通知，什么时候恢复供水？", YANGMING, "water_outage", True),
    ("黄巷街道北塘新村3号楼旁边的垃圾桶满了好几天没人清运，臭气熏天", HUANGXIANG, "garbage_collection", 20,
     "北塘新村三号楼垃圾堆满了没人拉走，气味很大，招苍蝇", HUANGXIANG, "garbage_collection", True),
    ("北大街街道人民路北大街口人行道上停满了私家车，行人只能走到机动车道上", BEIDAJIE, "illegal_parking", 8,
     "人民路北大街路口人行道被汽车占满，行人没法走，请交警来贴条", BEIDAJIE, "illegal_parking", True),
    ("瞻江街道瞻江新村5栋下水道堵塞，污水从窨井冒出来流到路上", ZHANJIANG, "drainage_blockage", 12,
     "瞻江新村五栋门口窨井冒污水，下水道堵了，味道很难闻", ZHANJIANG, "drainage_blockage", True),
    ("惠山街道锡惠工业园一家电子厂拖欠我们三个月工资，老板联系不上", HUISHAN, "wage_arrears", 48,
     "锡惠工业园那个电子厂老板跑了，欠了工人三个月的工资没发", HUISHAN, "wage_arrears", True),
    ("崇安寺公园南门广场舞音响开得震天响，每天晚上九点多还不停", CHONGANSI, "social_life_noise", 26,
     "公园南门跳广场舞的音箱声音太大了，晚上九点以后还在放，影响休息", CHONGANSI, "social_life_noise", True),
    ("山北街道北岸城市花园7号楼电梯经常停在半层，今天又困人了", SHANBEI, "elevator_safety", 3,
     "北岸城市花园七号楼的电梯老出故障，今天有人被困在里面，物业不管", SHANBEI, "elevator_safety", True),
    ("梁溪区清名桥街道古运河边工地夜里施工机器声吵得睡不着", QINGMINGQIAO, "construction_noise", 15,
     "古运河边那个工地晚上机器一直响，太吵了", QINGMINGQIAO, "social_life_noise", True),  # related matter
    ("广益街道广丰新村整个小区停电了，家里冰箱里的东西都坏了", GUANGYI, "power_outage", 4,
     "广丰新村突然停电四五个小时了，供电所电话打不通", GUANGYI, "power_outage", True),
    ("扬名街道清扬路拆迁工地没有覆盖防尘网，一刮风尘土飞扬", YANGMING, "dust_pollution", 22,
     "清扬路拆迁工地扬尘很严重，渣土裸露没盖网，路边的车全是灰", YANGMING, "dust_pollution", True),
    ("黄巷街道锡沪新村物业不作为，楼道灯坏了几个月不修，电梯也不维护", HUANGXIANG, "property_management", 60,
     "锡沪新村的物业公司什么都不管，楼道里灯坏了几个月，电梯坏了也不修", HUANGXIANG, "property_management",
     True),
    ("扬名街道和清名桥街道交界的清扬路桥下路面塌陷一个大坑", YANGMING, "road_damage", 9,
     "清扬路桥下路面塌陷出现大坑，车辆经过很危险", QINGMINGQIAO, "road_damage", True),  # on the boundary
    # another problem of the same matter at the same township
    ("金星小区东门对面的工地每天晚上十点以后还在打桩，噪音太大", CHONGANSI, "construction_noise", 12,
     "崇安寺街道学前街地铁站施工工地周末白天也在电钻切割，噪音扰民", CHONGANSI, "construction_noise", False),
    ("惠山菜场门口每天早上都有小贩占道摆摊卖菜", SHANBEI, "street_vending", 10,
     "山北街道北岸城市花园南门晚上有人摆摊卖烧烤，烟很大还占用消防通道", SHANBEI, "street_vending", False),
    ("南长街与槐古桥路交叉口路面塌陷了一个大坑", QINGMINGQIAO, "road_damage", 20,
     "清名桥街道金星路人行道地砖松动翘起，下雨踩上去溅一身水", QINGMINGQIAO, "road_damage", False),
    ("中山路崇安寺步行街北口一排路灯全不亮", CHONGANSI, "street_lights", 30,
     "崇安寺街道学前街小区内三盏路灯不亮，物业说不归他们管", CHONGANSI, "street_lights", False),
    ("北塘新村3号楼旁边的垃圾桶满了好几天没人清运", HUANGXIANG, "garbage_collection", 8,
     "黄巷街道江南大学北门附近垃圾中转站臭味很大，夏天特别明显", HUANGXIANG, "garbage_collection", False),
    ("人民路北大街口人行道上停满了私家车", BEIDAJIE, "illegal_parking", 5,
     "北大街街道前西溪小区消防通道被电动车和汽车堵死，消防车进不来", BEIDAJIE, "illegal_parking", False),
    ("槐古新村12幢从今天早上开始停水，也没有提前通知", YANGMING, "water_outage", 10,
     "扬名街道金匮新村二期水压太低，高层住户每天早上都没水用", YANGMING, "water_outage", False),
    ("广石路28号烧烤店油烟直排，楼上住户窗户都不敢开", GUANGYI, "catering_fume", 15,
     "广益街道广益佳苑底商一家川菜馆排风口正对居民窗户，油烟很重", GUANGYI, "catering_fume", False),
    ("锡惠工业园一家电子厂拖欠我们三个月工资，老板联系不上", HUISHAN, "wage_arrears", 24,
     "惠山街道一家装修公司拖欠我两个月工资，说年底再结", HUISHAN, "wage_arrears", False),
    ("崇安寺公园南门广场舞音响开得震天响", CHONGANSI, "social_life_noise", 20,
     "崇安寺街道县前街一家酒吧每天凌晨还在放音乐，喝酒的人大声喧哗", CHONGANSI, "social_life_noise", False),
    # the same wording at another township (of the same county, or of another county)
    ("小区门口的路灯坏了好几天，晚上一片漆黑，老人走路不安全", CHONGANSI, "street_lights", 6,
     "小区门口的路灯坏了好几天，晚上一片漆黑，老人走路不安全", SHANBEI, "street_lights", False),
    ("菜场门口有小贩占道摆摊卖菜，把路都堵死了", SHANBEI, "street_vending", 4,
     "菜场门口有小贩占道摆摊卖菜，把路都堵死了", YANQIAO, "street_vending", False),
    ("楼下下水道堵塞，污水从窨井冒出来流到路上", ZHANJIANG, "drainage_blockage", 12,
     "楼下下水道堵塞，污水从窨井冒出来流到路上", HUANGXIANG, "drainage_blockage", False),
    ("楼上饭店油烟直排，窗户都不敢开", GUANGYI, "catering_fume", 2,
     "楼上饭店油烟直排，窗户都不敢开", YANQIAO, "catering_fume", False),
    # the same problem, but outside the window
    ("中山路崇安寺步行街北口一排路灯全不亮，晚上黑漆漆的", CHONGANSI, "street_lights", 120,
     "崇安寺步行街北口路灯坏了好几天了，一到晚上一片漆黑", CHONGANSI, "street_lights", False),
    ("北塘新村3号楼旁边的垃圾桶满了好几天没人清运，臭气熏天", HUANGXIANG, "garbage_collection", 96,
     "北塘新村三号楼垃圾堆满了没人拉走，气味很大", HUANGXIANG, "garbage_collection", False),
    ("金星小区东门对面的工地每天晚上还在打桩，噪音太大了", CHONGANSI, "construction_noise", 80,
     "金星小区东门对面那个工地半夜还在施工打桩，吵得人没法睡觉", CHONGANSI, "construction_noise", False),
    # the same spot, another matter
    ("金星小区东门对面的工地晚上施工噪音很大", CHONGANSI, "construction_noise", 6,
     "金星小区东门对面的工地渣土车撒漏，路面全是泥", CHONGANSI, "construction_waste", False),
    ("槐古新村12幢从今天早上开始停水", YANGMING, "water_outage", 2,
     "槐古新村12幢从今天早上开始停电", YANGMING, "power_outage", False),
    ("广石路28号烧烤店油烟直排，楼上住户窗户都不敢开", GUANGYI, "catering_fume", 5,
     "广石路28号烧烤店后厨卫生很差，吃了拉肚子", GUANGYI, "food_safety", False),
]


@pytest.fixture(scope="module")
def hierarchy(jiangsu: HierarchyIndex) -> HierarchyIndex:
    return jiangsu  # the reports here are all in 无锡


@pytest.fixture(scope="module")
def finder(hierarchy: HierarchyIndex) -> DuplicateFinder:
    return DuplicateFinder(hierarchy, related=related_matters(load_catalogue().matters))


def _pair(row: tuple[str, str, str, float, str, str, str, bool], k: int) -> tuple[Report, Report]:
    text_a, place_a, matter_a, hours, text_b, place_b, matter_b, _ = row
    a = Report(f"A{k}", text_a, place_a, matter_a, T0)
    b = Report(f"B{k}", text_b, place_b, matter_b, T0 + timedelta(hours=hours))
    return a, b


def test_precision_and_recall_on_the_labelled_pairs(finder: DuplicateFinder) -> None:
    assert len(LABELLED) >= 30
    tp = fp = fn = 0
    wrong = []
    for k, row in enumerate(LABELLED):
        a, b = _pair(row, k)
        proposed = [p.case_id for p in finder.propose(b, [a])] == [a.case_id]
        tp += proposed and row[-1]
        fp += proposed and not row[-1]
        fn += (not proposed) and row[-1]
        if proposed != row[-1]:
            wrong.append(row[0][:12])
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    print(f"duplicates: precision {precision:.2f}, recall {recall:.2f} on {len(LABELLED)} pairs; "
          f"wrong: {wrong}")
    assert precision >= 0.9 and recall >= 0.8


def test_the_same_problem_in_other_words_is_proposed_with_its_reasons(finder: DuplicateFinder) -> None:
    a, b = _pair(LABELLED[0], 0)
    (proposal,) = finder.propose(b, [a])
    assert proposal.case_id == "A0" and proposal.place is PlaceMatch.TOWNSHIP
    assert proposal.matter is MatterMatch.SAME and 0.0 < proposal.score <= 1.0
    assert proposal.reasons[:2] == ("same_township", "same_matter")


@pytest.mark.parametrize("change", ["township", "window", "matter", "closed"])
def test_the_same_wording_is_not_proposed_elsewhere_later_for_another_matter_or_when_closed(
        finder: DuplicateFinder, change: str) -> None:
    text = "金星小区东门对面的工地每天晚上十点以后还在打桩，噪音太大了"
    old = Report("OLD", text, CHONGANSI, "construction_noise", T0)
    assert [p.case_id for p in finder.propose(Report("NEW", text, CHONGANSI, "construction_noise",
                                                       T0 + timedelta(days=1)), [old])] == ["OLD"]
    new = {
        "township": Report("NEW", text, SHANBEI, "construction_noise", T0 + timedelta(days=1)),
        "window": Report("NEW", text, CHONGANSI, "construction_noise", T0 + timedelta(days=3, hours=1)),
        "matter": Report("NEW", text, CHONGANSI, "wage_arrears", T0 + timedelta(days=1)),
        "closed": Report("NEW", text, CHONGANSI, "construction_noise", T0 + timedelta(days=1)),
    }[change]
    candidate = Report("OLD", text, CHONGANSI, "construction_noise", T0, open=change != "closed")
    assert finder.propose(new, [candidate]) == []


def test_proposals_come_best_first(finder: DuplicateFinder) -> None:
    new = Report("N", "金星小区东门对面那个工地半夜还在施工打桩，吵得人没法睡觉", CHONGANSI,
                 "construction_noise", T0 + timedelta(hours=20))
    exact = Report("X", "金星小区东门对面那个工地半夜还在施工打桩，吵得人睡不着", CHONGANSI,
                   "construction_noise", T0)
    looser = Report("L", "金星小区东门对面的工地每天晚上十点以后还在打桩，噪音太大了", CHONGANSI,
                    "construction_noise", T0)
    other = Report("O", "学前街地铁站施工工地周末白天也在电钻切割", CHONGANSI, "construction_noise", T0)
    found = finder.propose(new, [other, looser, exact])
    assert [p.case_id for p in found] == ["X", "L"]
    assert found[0].score > found[1].score


def test_groups_cluster_a_batch(finder: DuplicateFinder) -> None:
    reports = []
    for k, row in enumerate(LABELLED[:4]):  # four problems, each reported twice
        reports.extend(_pair(row, k))
    reports.append(Report("LONE", "广益街道广石路公交站台的顶棚破了，下雨没法躲雨", GUANGYI,
                          "public_transport", T0))
    groups = finder.groups(reports)
    assert sorted(groups) == sorted([[f"A{k}", f"B{k}"] for k in range(4)])


def test_normalisation_removes_places_numbers_and_filler() -> None:
    a = normalise("您好！梁溪区崇安寺街道金星小区3号楼，噪音很大，请尽快处理。", ["梁溪区", "崇安寺街道"])
    b = normalise("金星小区三号楼噪音大", [])
    assert a == b == "金星小区#号楼噪音大"


def test_related_matters_follow_the_responsibility_list() -> None:
    related = related_matters(load_catalogue().matters)
    assert "social_life_noise" in related["construction_noise"]
    assert "construction_noise" in related["social_life_noise"]
    assert "power_outage" not in related["water_outage"]
    assert "wage_arrears" not in related["construction_noise"]


def test_bad_parameters_are_refused(hierarchy: HierarchyIndex) -> None:
    with pytest.raises(DomainError) as err:
        DuplicateFinder(hierarchy, threshold=0)
    assert err.value.code == "insight.bad_parameter"
