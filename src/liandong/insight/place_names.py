"""The written forms of every unit of the national list (地名别称), with how much each one proves.

A unit is named by its official name (``无锡市``), its usual short name (``无锡``), and for the
autonomous units the name without the peoples (``恩施土家族苗族自治州`` → ``恩施州``, ``恩施``).
Each form gets a weight (how much it supports the unit) and a *standalone* flag (whether it may
name a place without any other place word of the text confirming it); ``place.py`` explains
the rules. The common-word lexicon comes from jieba's dictionary, read once.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level

# Weights (tenths) of one mention: a full name proves most, a two-character form least.
FULL = 10  # official name of three characters or more: 梁溪区, 崇安寺街道
UPPER_SHORT = 9  # short name (3+ characters) of a province, city or county: 石家庄, 恩施州
UPPER_PAIR = 7  # two-character form of a province, city or county: 无锡, 浦东, 魏县
TOWNSHIP_SHORT = 6  # short name (3+ characters) of a township: 崇安寺, 中关村
TOWNSHIP_PAIR = 5  # two-character form of a township: 望京, 虎门

# The peoples named in autonomous units, longest first (so 蒙古族 is dropped before 古族).
PEOPLES = tuple(sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
), key=len, reverse=True))

# Two-character short names of provinces, cities and counties that are mostly ordinary words in a
# report (日照 "sunshine", 小店 "a small shop", 公安 "the police"): only their full names count.
# Reviewed by hand from the jieba words among those short names (jieba's own tags call 仙桃 and
# 恩施 common nouns too, so its frequencies decide only for townships, see TOWNSHIP_WORD_FLOOR).
COMMON_SHORT_NAMES = frozenset({
    "日照", "开封", "来宾", "阿里", "安康", "三明", "长治", "普洱", "四平",
    "资源", "合作", "比如", "南部", "解放", "东方", "前进", "港口", "公安", "友好", "城中", "平安",
    "中方", "安定", "延长", "光明", "新兴", "运河", "万年", "东风", "南岸", "城北", "会同", "工农",
    "富裕", "清水", "前锋", "复兴", "长子", "清新", "宏伟", "平定", "芙蓉", "洞口", "石门",
    "振兴", "三元", "大方", "莲花", "平和", "名山", "桃源", "三门", "大观", "二七", "台前", "丰满",
    "永新", "双桥", "高台", "二道", "无为", "民权", "小店", "同心", "安居", "灯塔", "天涯", "海棠",
    "回民", "江岸", "黑水", "新民", "富民", "清流", "老城", "爱民", "上高", "天台", "开化", "天心",
    "天元", "方山", "五台", "兴业", "三台", "路南", "石台", "磐石", "三水", "石鼓", "小金",
    "集贤", "双塔", "政和", "白玉", "平房", "望城", "建阳", "惠农", "天全", "文化", "和平", "胜利",
    "团结", "建设", "人民", "幸福", "红旗", "友谊", "新华", "市中", "市南", "市北", "路北", "城关",
})
# A two-character township short name that jieba counts this often (and not as a place name) is
# an ordinary word (交通, 园林, 学院): only the full name (交通镇) counts.
TOWNSHIP_WORD_FLOOR = 100

# Full names that are generic words (老城区 "the old town", 新市区 "the new urban area"): weak.
GENERIC_FULL_NAMES = frozenset({
    "城区", "矿区", "郊区", "新市区", "新城区", "老城区", "城中区", "城东区", "城西区", "城北区",
    "和县", "古县", "应县", "临县",
})


_PAIR_LINE = re.compile(r"^(\S\S) (\d+) (\S+)$", re.MULTILINE)


class Form(NamedTuple):
    """One written form of one unit, with its weight and whether it stands alone."""

    unit: int
    weight: int
    standalone: bool
    full: bool


_PEOPLES_TAIL = re.compile("^(.{2,}?)(?:(?:" + "|".join(PEOPLES) + ")族?)+$")


def _strip_peoples(base: str) -> str:
    """``恩施土家族苗族`` → ``恩施``: drop the trailing peoples' names, keeping two characters."""
    found = _PEOPLES_TAIL.match(base)
    return found.group(1) if found else base


# The suffixes of ``liandong.domain.hierarchy.short_name``, grouped by their last character so that
# a name is checked against two or three of them, not twenty-five (a test keeps both in step).
_SHORT_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "街道办事处", "街道",
    "自治州", "自治县", "自治旗", "民族苏木", "苏木", "民族乡", "区公所", "林区", "特区",
    "地区", "省", "市", "区", "县", "旗", "盟", "镇", "乡",
)
_SUFFIXES_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(x for x in _SHORT_SUFFIXES if x[-1] == last) for last in {x[-1] for x in _SHORT_SUFFIXES}}


def fast_short_name(name: str) -> str:
    """The same result as ``short_name(name)`` of the domain, about five times faster."""
    for suffix in _SUFFIXES_BY_LAST.get(name[-1:], ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


_AUTONOMOUS = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"), ("族乡", "乡"), ("族苏木", "苏木"))


def unit_forms(unit: Jurisdiction) -> list[tuple[str, bool]]:
    """The written forms of one unit as (form, is_official_name), the official name first."""
    name = unit.name
    short = fast_short_name(name)
    if "族" not in name and "新区" not in name and "办事处" not in name and "内蒙古" not in name:
        return [(name, True), (short, False)] if short != name else [(name, True)]
    forms: list[tuple[str, bool]] = [(name, True)]
    if name.endswith("街道办事处"):
        forms.append((name[:-3], True))
    if name.endswith("新区") and len(name) >= 4:
        short = name[:-2]  # 浦东新区 → 浦东, not 浦东新
    for suffix, tail in _AUTONOMOUS:
        if name.endswith(suffix):
            core = name[: -len(tail)]  # 恩施土家族苗族自治 / 官渡回族 / XX民族
            core = core.removesuffix("自治").removesuffix("民族")
            base = _strip_peoples(core).removesuffix("族")  # 鄂温克族自治旗 → 鄂温克旗
            if len(base) >= 2:
                forms.append((base + tail, False))
                short = base
            break
    if name == "内蒙古自治区":
        forms.append(("内蒙", False))
    if len(short) >= 2:
        forms.append((short, False))
    unique: dict[str, bool] = {}
    for form, full in forms:
        unique.setdefault(form, full)
    return list(unique.items())


@dataclass(frozen=True, slots=True)
class NameTable:
    """Every written form with the units it names (units by their index in ``units``)."""

    units: tuple[Jurisdiction, ...]
    ancestors: tuple[tuple[int, ...], ...]  # the unit, then its ancestors up to the province
    forms: dict[str, tuple[Form, ...]]
    checked: frozenset[str]  # forms that may be part of another word: two characters, or a short name


def build_table(hierarchy: HierarchyIndex, lexicon: dict[str, int]) -> NameTable:
    """Forms, weights and standalone flags for every unit below the central node; ``lexicon``
    (from ``read_lexicon``) drops the short names that are ordinary words."""
    units = tuple(u for u in hierarchy if u.level is not Level.CENTRAL)
    index = {u.code: i for i, u in enumerate(units)}
    chain: list[tuple[int, ...]] = [()] * len(units)
    for i in sorted(range(len(units)), key=lambda i: units[i].level):  # parents before children
        parent = index.get(units[i].parent_code or "")
        chain[i] = (i,) if parent is None else (i, *chain[parent])
    ancestors = tuple(chain)
    raw: dict[str, list[tuple[int, bool]]] = {}
    for i, unit in enumerate(units):
        for form, full in unit_forms(unit):
            if not full and len(form) <= 2 and (
                    form in COMMON_SHORT_NAMES
                    or (unit.level is Level.TOWNSHIP and lexicon.get(form, 0) >= TOWNSHIP_WORD_FLOOR)):
                continue
            raw.setdefault(form, []).append((i, full))
    upper_level = [u.level <= Level.COUNTY for u in units]
    city_level = [u.level <= Level.CITY for u in units]
    forms: dict[str, tuple[Form, ...]] = {}
    checked: set[str] = set()
    for form, named in raw.items():
        all_full = all(full for _, full in named)
        if len(form) <= 2 or not all_full:
            checked.add(form)
        if len(named) > 1 and not all_full:
            named_units = {i for i, _ in named}
            # a short form naming a unit and its own ancestor (长沙: 长沙市, 长沙县) means the ancestor
            named = [(i, full) for i, full in named
                     if full or not any(a in named_units for a in ancestors[i][1:])]
        pair, generic = len(form) <= 2, form in GENERIC_FULL_NAMES
        lone_upper = pair and sum(1 for i, _ in named if upper_level[i]) == 1
        entries = []
        for i, full in named:
            upper = upper_level[i]
            if pair or generic:
                weight = UPPER_PAIR if upper else TOWNSHIP_PAIR
                standalone = city_level[i] and lone_upper and not generic and not full
            elif full:
                weight, standalone = FULL, True
            else:
                weight, standalone = (UPPER_SHORT, True) if upper else (TOWNSHIP_SHORT, False)
            entries.append(Form(i, weight, standalone, full))
        forms[form] = tuple(entries)
    return NameTable(units, ancestors, forms, frozenset(checked))


def read_lexicon() -> dict[str, int]:
    """Frequencies of the two-character words of jieba's dictionary, place names (ns) left out.

    Used to tell a place name from the same characters inside an ordinary word (三天水变黄 is
    not 天水). Read straight from the packaged ``dict.txt`` (about 0.15 s); jieba itself is
    neither imported nor initialised.
    """
    spec = importlib.util.find_spec("jieba")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ModuleNotFoundError("jieba (its dictionary) is needed to resolve places", name="jieba")
    text = (Path(locations[0]) / "dict.txt").read_text(encoding="utf-8")
    return {word: int(count) for word, count, tag in _PAIR_LINE.findall(text) if tag != "ns"}
